"""Database schema, declared once.

Every table of the workbook database is described here as data: its columns,
their DuckDB types, whether they may be empty, and what they mean.  The DDL,
the column lists the importers use and ``data/SCHEMA.md`` (``gloact schema``)
are all generated from these declarations, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Column", "POSTGRES_TYPES", "Table", "TABLES", "create_sql", "schema_markdown"]

#: The PostgreSQL type of each DuckDB type the declarations use (a workbook on a server,
#: :mod:`gloact_lib.data.server`): unsigned integers have no PostgreSQL type of their own, so
#: 32-bit ones are ``bigint`` and 64-bit ones (content keys) ``numeric(20,0)``, both exact.
POSTGRES_TYPES = {"VARCHAR": "text", "BIGINT": "bigint", "BLOB": "bytea", "BOOLEAN": "boolean", "DATE": "date",
                  "DOUBLE": "double precision", "TIMESTAMP": "timestamp", "UBIGINT": "numeric(20,0)",
                  "UINTEGER": "bigint"}  # fmt: skip


@dataclass(frozen=True)
class Column:
    """One column: name, DuckDB type, nullability and meaning."""

    name: str
    type: str
    doc: str
    required: bool = False


@dataclass(frozen=True)
class Table:
    """One table: its columns, key and meaning."""

    name: str
    doc: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default=())
    #: Enforce the key with an index.  Large tables (journeys, incidents) rely on the importer's
    #: duplicate check instead: an index on millions of keys must be held in memory by DuckDB.
    key_index: bool = True

    @property
    def column_names(self) -> list[str]:
        """Column names in declaration order."""
        return [c.name for c in self.columns]


def _c(name: str, type_: str, doc: str, required: bool = False) -> Column:
    return Column(name, type_, doc, required)


CRIMES = ("trafficking", "smuggling")
SEXES = ("female", "male", "other", "unknown")
AGE_GROUPS = ("child", "adult", "unknown")
EXPLOITATIONS = (
    "sexual",
    "forced_labour",
    "domestic_work",
    "begging",
    "forced_criminality",
    "forced_marriage",
    "organ_removal",
    "other",
    "unknown",
)
UNITS = ("persons", "detections")
STATUSES = ("not_started", "in_progress", "achieved", "not_applicable")

_SOURCE = _c("source", "VARCHAR", "document or system the row comes from", True)
_IMPORT = _c("import_id", "BIGINT", "the import (table `imports`) that stored the row")
_CONTENT = _c("content_key", "UBIGINT", "what the row says, whatever file it came from: 64 bits of MD5 over the "
              "format and every column but ids, `source` and audit columns, and the row's rank among identical "
              "rows of its import; an import repeating stored rows is refused (`gloact_lib/imports/repeats.py`)",
              True)

TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "journeys",
            "One row per journey: persons who moved from an origin through zero or more "
            "transit places to a destination (DESIGN.md, the journey model).",
            (
                _c("journey_id", "VARCHAR", "unique text id", True),
                _c("crime", "VARCHAR", "`trafficking` or `smuggling`", True),
                _c("persons", "BIGINT", "number of persons (or detections, see `unit`), >= 1", True),
                _c("unit", "VARCHAR", "`persons`, or `detections` (Frontex: detections are not persons)", True),
                _c("period_start", "DATE", "first day of the period; empty when the source gives no date (such "
                   "journeys count only in selections of the whole period)"),
                _c("period_end", "DATE", "last day of the period (>= period_start); empty with `period_start`"),
                _c("origin", "VARCHAR", "ISO alpha-3 country or place id; `XXX` unknown, `XXA` stateless, `XSS` "
                   "sub-Saharan Africa, nationality not identified (`gloact_lib/data/countries.py`)", True),
                _c("origin_country", "VARCHAR", "ISO alpha-3 country of the origin (or `XXX`, `XXA`, `XSS`)", True),
                _c("via", "VARCHAR", "ordered transit countries or place ids, `;`-separated, may be empty"),
                _c("via_countries", "VARCHAR", "the countries of `via`, in order, `;`-separated"),
                _c("destination", "VARCHAR", "ISO alpha-3 country or place id; `XXX` unknown", True),
                _c("destination_country", "VARCHAR", "ISO alpha-3 country of the destination (or `XXX`)", True),
                _c("scope", "VARCHAR", "`domestic` (origin and destination in one country, no other country "
                   "between), `cross_border`, or `unknown` (an end unknown or stateless); set on import", True),
                _c("sex", "VARCHAR", "`female`, `male`, `other` or `unknown`", True),
                _c("age_group", "VARCHAR", "`child` (under 18), `adult` or `unknown`", True),
                _c("exploitation", "VARCHAR", "form of exploitation (DESIGN.md) or `unknown`", True),
                _c("reporting_country", "VARCHAR", "ISO alpha-3 of the reporting country, may be empty"),
                _c("route", "VARCHAR",
                   "named route, e.g. a Frontex route (`gloact_lib/data/frontex_routes.py`), may be empty"),
                _SOURCE,
                _c("illustrative", "BOOLEAN", "true for generated illustrative rows, never real cases", True),
                _IMPORT,
                _c("rkey", "UINTEGER", "record key for disclosure control, set on import: HMAC-SHA256(the database's "
                   "secret, `journey_id`), first 32 bits; never shown (`gloact_lib/data/record_keys.py`)", True),
                _CONTENT,
            ),
            key=("journey_id",),
            key_index=False,
        ),
        Table(
            "places",
            "Transit hubs and other named places, with coordinates.",
            (
                _c("place_id", "VARCHAR", "lower-case id, e.g. `agadez`", True),
                _c("name", "VARCHAR", "name as in the source (may give an alternative in brackets)", True),
                _c("country_iso3", "VARCHAR", "ISO alpha-3 of the country or territory", True),
                _c("lat", "DOUBLE", "latitude, WGS84", True),
                _c("lon", "DOUBLE", "longitude, WGS84", True),
                _c("role", "VARCHAR", "role on the routes, as the source describes it"),
                _c("role_source", "VARCHAR", "source of the role"),
                _c("coord_source", "VARCHAR", "source of the coordinates"),
                _c("confidence", "VARCHAR", "confidence note from the source"),
                _c("notes", "VARCHAR", "caveats"),
                _SOURCE,
                _IMPORT,
            ),
            key=("place_id",),
        ),
        Table(
            "countries",
            "Countries and territories (ISO 3166-1 via pycountry, plus Kosovo XKX) with "
            "English and French names and a label point from the Natural Earth basemap; and the ends of a "
            "journey that are no country: `XXX` unknown, `XXA` stateless (ICAO Doc 9303 codes), `XSS` "
            "sub-Saharan Africa, nationality not identified (Frontex `OOS`, drawn as a region).",
            (
                _c("iso3", "VARCHAR", "ISO alpha-3", True),
                _c("iso2", "VARCHAR", "ISO alpha-2", True),
                _c("numeric", "VARCHAR", "ISO numeric code (empty for XKX)"),
                _c("name_en", "VARCHAR", "English display name", True),
                _c("name_fr", "VARCHAR", "French display name", True),
                _c("label_lon", "DOUBLE", "longitude of a point inside the country (basemap), if mapped"),
                _c("label_lat", "DOUBLE", "latitude of that point"),
                _c("kind", "VARCHAR", "`country`; or, for an end that is no country, `unknown` (`XXX`, `XXA`) or "
                   "`region` (`XSS`)", True),
            ),
            key=("iso3",),
        ),
        Table(
            "groups",
            "Country groups: GLO.ACT phase-1 countries, Niamey 2018 delegations, the "
            "Mali-Morocco-Niger sub-regional group.",
            (
                _c("group_id", "VARCHAR", "group id, e.g. `niamey_2018`", True),
                _c("name_en", "VARCHAR", "English name of the group", True),
                _c("name_fr", "VARCHAR", "French name of the group", True),
                _c("iso3", "VARCHAR", "member country", True),
                _SOURCE,
                _IMPORT,
            ),
            key=("group_id", "iso3"),
        ),
        Table(
            "treaties",
            "Status of the UN Convention against Transnational Organized Crime (UNTOC) and its "
            "Trafficking and Smuggling Protocols per country.",
            (
                _c("iso3", "VARCHAR", "country", True),
                _c("instrument", "VARCHAR", "`UNTOC`, `TIP_Protocol` or `SOM_Protocol`", True),
                _c("mtdsg_no", "VARCHAR", "UN Treaty Collection chapter number"),
                _c("signature_date", "DATE", "date of signature, if any"),
                _c("action_date", "DATE", "date of ratification, accession or acceptance, if any"),
                _c("action_type", "VARCHAR", "ratification, accession, acceptance, or empty"),
                _c("status", "VARCHAR", "status text as in the source", True),
                _c("verified", "BOOLEAN", "false where the source marks the current status UNVERIFIED", True),
                _c("confidence", "VARCHAR", "confidence note from the source"),
                _c("notes", "VARCHAR", "caveats"),
                _SOURCE,
                _IMPORT,
            ),
            key=("iso3", "instrument"),
        ),
        Table(
            "meetings",
            "Meetings whose commitments the workbook follows.",
            (
                _c("meeting_id", "VARCHAR", "id, e.g. `casablanca-2019`", True),
                _c("kind", "VARCHAR", "`subregional_workshop` or `regional_conference`", True),
                _c("title_en", "VARCHAR", "English title", True),
                _c("title_fr", "VARCHAR", "French title", True),
                _c("city", "VARCHAR", "city", True),
                _c("country_iso3", "VARCHAR", "host country", True),
                _c("start_date", "DATE", "first day", True),
                _c("end_date", "DATE", "last day", True),
                _c("organiser", "VARCHAR", "organiser"),
                _SOURCE,
                _IMPORT,
            ),
            key=("meeting_id",),
        ),
        Table(
            "participants",
            "Delegations and organisations present at each meeting.",
            (
                _c("meeting_id", "VARCHAR", "meeting", True),
                _c("participant_kind", "VARCHAR", "`country` or `organisation`", True),
                _c("iso3", "VARCHAR", "country delegation (empty for an organisation)"),
                _c("organisation", "VARCHAR", "organisation name (empty for a country)"),
                _SOURCE,
                _IMPORT,
            ),
        ),
        Table(
            "recommendations",
            "Recommendations adopted at a meeting, in English and French.",
            (
                _c("rec_id", "VARCHAR", "id, e.g. `casa2019-r1`", True),
                _c("meeting_id", "VARCHAR", "meeting that adopted it", True),
                _c("number", "BIGINT", "order in the meeting's list", True),
                _c(
                    "theme",
                    "VARCHAR",
                    "protection, judicial_cooperation, security_cooperation, data_and_identification or institutional",
                    True,
                ),
                _c("text_en", "VARCHAR", "English text", True),
                _c("text_fr", "VARCHAR", "French text", True),
                _c("countries", "VARCHAR", "countries concerned, `;`-separated ISO alpha-3", True),
                _c("translation_note", "VARCHAR", "who translated, and whether the text is official"),
                _SOURCE,
                _IMPORT,
            ),
            key=("rec_id",),
        ),
        Table(
            "status_updates",
            "Progress on each recommendation in each country over time (the monitoring mechanism "
            "set up in Niamey in 2018).",
            (
                _c("rec_id", "VARCHAR", "recommendation", True),
                _c("iso3", "VARCHAR", "country reporting", True),
                _c("date", "DATE", "date of the status", True),
                _c("status", "VARCHAR", "`not_started`, `in_progress`, `achieved` or `not_applicable`", True),
                _c("evidence", "VARCHAR", "what shows it (text)"),
                _SOURCE,
                _c("illustrative", "BOOLEAN", "true for illustrative (generated) updates", True),
                _IMPORT,
            ),
            key=("rec_id", "iso3", "date"),
        ),
        Table(
            "indicators",
            "National figures (prosecutions, vehicles immobilised, flow monitoring...).",
            (
                _c("indicator_id", "VARCHAR", "unique id", True),
                _c("iso3", "VARCHAR", "country", True),
                _c("indicator", "VARCHAR", "indicator code, e.g. `traffickers_prosecuted`", True),
                _c("label_en", "VARCHAR", "English label", True),
                _c("label_fr", "VARCHAR", "French label", True),
                _c("value", "DOUBLE", "value", True),
                _c("unit", "VARCHAR", "unit", True),
                _c("period_start", "DATE", "first day of the period", True),
                _c("period_end", "DATE", "last day of the period", True),
                _c("illustrative", "BOOLEAN", "true for illustrative figures", True),
                _c("confidence", "VARCHAR", "confidence note"),
                _c("notes", "VARCHAR", "caveats"),
                _SOURCE,
                _IMPORT,
            ),
            key=("indicator_id",),
        ),
        Table(
            "incidents",
            "IOM Missing Migrants Project incidents: migrants dead and missing (minimum estimates).",
            (
                _c("incident_id", "VARCHAR", "id made from the import and row number", True),
                _c("date", "DATE", "date of the incident", True),
                _c("type", "VARCHAR", "incident type as in the source"),
                _c("route", "VARCHAR", "migration route as classified by IOM"),
                _c("incident_iso3", "VARCHAR", "country of the incident (ISO3 or regional code)"),
                _c("dead_and_missing", "BIGINT", "dead and missing (minimum estimate)", True),
                _c("survivors", "BIGINT", "survivors, where known"),
                _c("cause", "VARCHAR", "cause of death as classified by IOM"),
                _c("nationality_iso3", "VARCHAR", "nationality codes of the dead and missing"),
                _c("location", "VARCHAR", "description of the location"),
                _c("lon", "DOUBLE", "longitude, WGS84", True),
                _c("lat", "DOUBLE", "latitude, WGS84", True),
                _SOURCE,
                _IMPORT,
                _CONTENT,
            ),
            key=("incident_id",),
            key_index=False,
        ),
        Table(
            "disclosure_secret",
            "The database's secret for the record keys of the cell-key method (`gloact_lib/data/record_keys.py`): "
            "made once, when the database is created; never shown or exported.",
            (
                _c("secret", "BLOB", "32 random bytes", True),
                _c("created_at", "TIMESTAMP", "when it was made (UTC)", True),
            ),
        ),
        Table(
            "imports",
            "Audit of every import: what file, what format, how many rows were read, stored and rejected.",
            (
                _c("import_id", "BIGINT", "sequence number", True),
                _c("file_name", "VARCHAR", "file name as given", True),
                _c("sha256", "VARCHAR", "SHA-256 of the file's bytes", True),
                _c("format", "VARCHAR", "format used", True),
                _c("target_table", "VARCHAR", "table the rows went to", True),
                _c("imported_at", "TIMESTAMP", "time of the import (UTC)", True),
                _c("rows_read", "BIGINT", "data rows read", True),
                _c("rows_accepted", "BIGINT", "rows stored", True),
                _c("rows_rejected", "BIGINT", "rows rejected (listed in `rejections`)", True),
                _c("rows_unchanged", "BIGINT", "rows that asked for no change (an untouched row of a returned "
                   "form); rows_read = accepted + rejected + unchanged"),
                _c("rows_repeated", "BIGINT", "stored rows that repeat rows of an earlier import, stored knowingly "
                   "(`--allow-repeats`)"),
                _c("report_path", "VARCHAR", "rejection report written for this import"),
            ),
            key=("import_id",),
        ),
        Table(
            "rejections",
            "Every rejected row of every import, with the column, value and reason.",
            (
                _c("import_id", "BIGINT", "the import", True),
                _c("row", "BIGINT", "row number in the file (the header is row 1)", True),
                _c("column", "VARCHAR", "column at fault (empty when the whole row is)", True),
                _c("value", "VARCHAR", "value received"),
                _c("reason", "VARCHAR", "why the row was rejected", True),
            ),
        ),
    ]
}


def create_sql(table: Table, name: str | None = None, temporary: bool = False, dialect: str = "duckdb") -> str:
    """DDL for ``table``.

    Parameters
    ----------
    table : Table
        The declaration.
    name : str, optional
        Table name to create (default ``table.name``).
    temporary : bool, default False
        Create a temporary table without constraints (import staging).
    dialect : {"duckdb", "postgres"}
        ``postgres``: the types of :data:`POSTGRES_TYPES`, and every key enforced by its index (on a
        server a focal point cannot see other countries' rows, so the importer's duplicate check
        cannot be the only guard).

    Returns
    -------
    str
        A ``CREATE TABLE IF NOT EXISTS`` statement.

    Examples
    --------
    >>> print(create_sql(TABLES["groups"], dialect="postgres").splitlines()[1:3])
    ['  "group_id" text NOT NULL,', '  "name_en" text NOT NULL,']
    >>> '"content_key" numeric(20,0) NOT NULL' in create_sql(TABLES["journeys"], dialect="postgres")
    True
    """
    if dialect not in ("duckdb", "postgres"):
        raise ValueError(f"dialect must be 'duckdb' or 'postgres', not {dialect!r}")
    cols = []
    for c in table.columns:
        line = f'"{c.name}" {POSTGRES_TYPES[c.type] if dialect == "postgres" else c.type}'
        if c.required and not temporary:
            line += " NOT NULL"
        cols.append(line)
    if table.key and (table.key_index or dialect == "postgres") and not temporary:
        cols.append("PRIMARY KEY (" + ", ".join(f'"{k}"' for k in table.key) + ")")
    kind = "TEMP TABLE" if temporary else "TABLE"
    return f'CREATE {kind} IF NOT EXISTS "{name or table.name}" (\n  ' + ",\n  ".join(cols) + "\n)"


def schema_markdown() -> str:
    """The schema as Markdown (``data/SCHEMA.md``), generated from :data:`TABLES`.

    Returns
    -------
    str
    """
    lines = [
        "# Workbook database schema",
        "",
        "Generated by `gloact schema` from `gloact_lib/data/schema.py`; do not edit by hand.",
        "",
    ]
    for t in TABLES.values():
        lines += [f"## `{t.name}`", "", t.doc, ""]
        if t.key:
            how = "" if t.key_index else " (unique by the importer's duplicate check; no index)"
            lines += ["Key: " + ", ".join(f"`{k}`" for k in t.key) + how, ""]
        lines += ["| column | type | required | meaning |", "|---|---|---|---|"]
        for c in t.columns:
            lines.append(f"| `{c.name}` | {c.type} | {'yes' if c.required else ''} | {c.doc} |")
        lines.append("")
    return "\n".join(lines)
