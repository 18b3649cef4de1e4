"""Import formats: how each kind of file maps to a database table.

A :class:`Format` names its target table, the header columns that identify it,
the columns it requires, and a ``transform`` that validates a :class:`Batch`
and returns the table's columns.  Formats:

``journeys``
    The workbook's own journey format (DESIGN.md).
``htcds``
    IOM Human Trafficking Case Data Standard "historic trafficking events"
    (``hte_Type`` Recruitment/Transit/Exploitation, ``hte_City``, ``hte_Country``,
    ``hte_Date``) grouped by case into origin, via and destination.  Personal
    fields (names, birth date) are never stored: the birth date only decides
    child or adult at the first event.
``ctdc``
    Counter Trafficking Data Collaborative rows: ``citizenship`` ->
    ``CountryOfExploitation``, ``yearOfRegistration``, ``gender``, ``ageBroad``,
    exploitation flags.  One row is one victim.
``frontex``
    Frontex monthly detections by route and nationality, mapped to smuggling
    journeys through :mod:`gloact_lib.data.frontex_routes`.
``incidents``
    IOM Missing Migrants Project incidents (dead and missing, coordinates).
``places``, ``treaties``, ``meetings``, ``participants``, ``recommendations``,
``indicators``, ``groups``
    Reference tables shipped in ``data/reference/``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gloact_lib.data.countries import CountryError, resolve_country
from gloact_lib.data.frontex_routes import frontex_route
from gloact_lib.data.schema import EXPLOITATIONS, TABLES, Table
from gloact_lib.imports.validate import Batch, Places, resolve_location

__all__ = ["Context", "Format", "FORMATS", "detect_format"]


@dataclass
class Context:
    """What a transform may need besides the rows."""

    file_name: str
    sha256: str
    places: Places
    recommendations: dict[str, tuple[str, ...]] = field(default_factory=dict)  # rec_id -> countries
    meta: dict[str, str] = field(default_factory=dict)  # from a form's hidden sheet
    country: str | None = None  # the importer is this country's focal point: other countries' rows are rejected


@dataclass(frozen=True)
class Format:
    """How one kind of file is read into one table."""

    name: str
    table: str
    signature: frozenset[str]
    required: tuple[str, ...]
    transform: Callable[[Batch, Context], pd.DataFrame]
    aliases: dict[str, str] = field(default_factory=dict)
    events: bool = False  # rows are events grouped into journeys (HTCDS)


CRIME = {"trafficking": "trafficking", "tip": "trafficking", "traite": "trafficking",
         "traite des personnes": "trafficking", "trafficking in persons": "trafficking",
         "smuggling": "smuggling", "som": "smuggling", "trafic illicite de migrants": "smuggling",
         "smuggling of migrants": "smuggling"}  # fmt: skip
SEX = {"female": "female", "f": "female", "woman": "female", "girl": "female", "femme": "female",
       "féminin": "female", "feminin": "female", "male": "male", "m": "male", "man": "male",
       "boy": "male", "homme": "male", "masculin": "male", "other": "other", "autre": "other",
       "transgender/nonconforming": "other", "trans/transgender/nonconforming": "other",
       "unknown": "unknown", "inconnu": "unknown"}  # fmt: skip
AGE = {"child": "child", "minor": "child", "enfant": "child", "mineur": "child", "adult": "adult",
       "adulte": "adult", "unknown": "unknown", "inconnu": "unknown"}  # fmt: skip
EXPLOITATION = {e: e for e in EXPLOITATIONS}
EXPLOITATION.update({"sexual exploitation": "sexual", "forced labour": "forced_labour",
                     "forced labor": "forced_labour", "domestic work": "domestic_work",
                     "forced criminality": "forced_criminality", "forced marriage": "forced_marriage",
                     "organ removal": "organ_removal"})  # fmt: skip
UNIT = {"persons": "persons", "detections": "detections"}


def _columns(table: str, data: dict, index) -> pd.DataFrame:
    """A frame with exactly the table's columns (import_id is filled later)."""
    cols = [c for c in TABLES[table].column_names if c != "import_id"]
    return pd.DataFrame({c: data.get(c) for c in cols}, index=index)[cols]


def _locations(b: Batch, column: str, ctx: Context, required: bool = True):
    return b.map_unique(column, lambda v: resolve_location(v, ctx.places), required, parts=2)


def _via_parser(ctx: Context):
    def parse(text: str) -> tuple[str, str]:
        ids, countries = [], []
        for part in (p.strip() for p in text.split(";")):
            if not part:
                continue
            try:
                pid, iso3 = resolve_location(part, ctx.places)
            except ValueError as exc:
                raise ValueError(f"{exc} {part!r} in via") from None
            ids.append(pid)
            countries.append(iso3)
        return ";".join(ids), ";".join(countries)

    return parse


def _check_order(b: Batch, start: pd.Series, end: pd.Series, column: str) -> None:
    before = (end < start).fillna(False).to_numpy()
    b.reject(before, column, "period_end is before period_start")


def _journeys(b: Batch, ctx: Context) -> pd.DataFrame:
    start, end = b.period("period_start")
    if b.has("period_end"):
        _, e_end = b.period("period_end", required=False)
        end = e_end.where(e_end.notna(), end)
        _check_order(b, start, end, "period_end")
    origin, origin_country = _locations(b, "origin", ctx)
    dest, dest_country = _locations(b, "destination", ctx)
    via, via_countries = b.map_unique("via", _via_parser(ctx), required=False, parts=2)
    data = {
        "journey_id": b.text("journey_id", required=True),
        "crime": b.choice("crime", CRIME),
        "persons": b.integer("persons", minimum=1),
        "unit": b.choice("unit", UNIT, default="persons"),
        "period_start": start,
        "period_end": end,
        "origin": origin,
        "origin_country": origin_country,
        "via": via.fillna(""),
        "via_countries": via_countries.fillna(""),
        "destination": dest,
        "destination_country": dest_country,
        "sex": b.choice("sex", SEX, default="unknown"),
        "age_group": b.choice("age_group", AGE, default="unknown"),
        "exploitation": b.choice("exploitation", EXPLOITATION, default="unknown"),
        "reporting_country": b.country("reporting_country", required=False),
        "route": b.text("route"),
        "source": b.text("source", default=f"file {ctx.file_name}"),
        "illustrative": b.boolean("illustrative"),
    }
    return _columns("journeys", data, b.df.index)


_FRONTEX_SPECIAL = {
    "OOO": "nationality unknown (Frontex code OOO): no country of origin to map",
    "OOS": "nationality unidentified sub-Saharan (Frontex code OOS): no country of origin to map",
    "STL": "stateless (Frontex code STL): no country of origin to map",
}


def _frontex(b: Batch, ctx: Context) -> pd.DataFrame:
    routes = b.map_unique("route", frontex_route)

    def nationality(v: str) -> str:
        if v.upper() in _FRONTEX_SPECIAL:
            raise ValueError(_FRONTEX_SPECIAL[v.upper()])
        try:
            return resolve_country(v)
        except CountryError as exc:
            raise ValueError(exc.reason) from None

    origin = b.map_unique("nationality", nationality)
    year = b.integer("year", minimum=1950)
    month = b.integer("month", minimum=1)
    b.reject((month > 12).fillna(False).to_numpy(), "month", "must be 1-12")
    ym = pd.Series(
        [
            f"{y:04d}-{m:02d}" if pd.notna(y) and pd.notna(m) and 1 <= m <= 12 else None
            for y, m in zip(year, month, strict=True)
        ],
        index=b.df.index,
    )
    start = pd.to_datetime(ym, format="%Y-%m", errors="coerce")
    end = start + pd.offsets.MonthEnd(0)
    kind = b.text("type").str.lower()
    via, dest = [], []
    for route, o in zip(routes, origin, strict=True):
        if route is None or o is None:
            via.append("")
            dest.append(None)
            continue
        via.append(";".join(c for c in route.via if c != o))
        dest.append(route.destination)
    code = routes.map(lambda r: r.code if r is not None else "")
    ids = "frontex:" + code + ":" + kind + ":" + origin.fillna("") + ":" + ym.fillna("")
    data = {
        "journey_id": ids,
        "crime": "smuggling",
        "persons": b.integer("detections", minimum=1),
        "unit": "detections",
        "period_start": start,
        "period_end": end,
        "origin": origin,
        "origin_country": origin,
        "via": via,
        "via_countries": via,
        "destination": dest,
        "destination_country": dest,
        "sex": "unknown",
        "age_group": "unknown",
        "exploitation": "unknown",
        "reporting_country": None,
        "route": routes.map(lambda r: r.name if r is not None else None),
        "source": b.text("source", default=f"Frontex, detections of illegal border-crossings ({ctx.file_name})"),
        "illustrative": False,
    }
    return _columns("journeys", data, b.df.index)


def _flag(b: Batch, column: str) -> np.ndarray:
    values = b.raw(column).str.lower()
    return values.isin(["1", "1.0", "true", "yes"]).to_numpy()


def _ctdc_age(text: str) -> str:
    digits = "".join(ch if ch.isdigit() else " " for ch in text).split()
    if not digits:
        raise ValueError("unrecognised age band (expected e.g. 9--17 or 48+)")
    return "child" if int(digits[0]) < 18 else "adult"


def _ctdc(b: Batch, ctx: Context) -> pd.DataFrame:
    start, end = b.period("yearofregistration")
    sexual, labour = _flag(b, "issexualexploit"), _flag(b, "isforcedlabour")
    other, domestic = _flag(b, "isotherexploit"), _flag(b, "typeoflabourdomesticwork")
    exploitation = np.select(
        [sexual & ~labour & ~other, labour & domestic & ~sexual, labour & ~sexual, other & ~sexual & ~labour,
         sexual | labour | other],
        ["sexual", "domestic_work", "forced_labour", "other", "other"],
        default="unknown",
    )  # fmt: skip
    age = b.map_unique("agebroad", _ctdc_age, required=False).fillna("unknown")
    origin = b.country("citizenship")
    dest = b.country("countryofexploitation")
    data = {
        "journey_id": "ctdc:" + ctx.sha256[:12] + ":" + pd.Series(b.rows, index=b.df.index).astype(str),
        "crime": "trafficking",
        "persons": 1,
        "unit": "persons",
        "period_start": start,
        "period_end": end,
        "origin": origin,
        "origin_country": origin,
        "via": "",
        "via_countries": "",
        "destination": dest,
        "destination_country": dest,
        "sex": b.choice("gender", SEX, default="unknown"),
        "age_group": age,
        "exploitation": exploitation,
        "reporting_country": None,
        "source": f"CTDC data ({ctx.file_name})",
        "illustrative": False,
    }
    return _columns("journeys", data, b.df.index)


HTCDS_TYPES = {"recruitment": "recruitment", "transit": "transit", "exploitation": "exploitation"}


def _htcds_events(b: Batch, ctx: Context) -> pd.DataFrame:
    """Validate HTCDS event rows; journeys are formed from all events at the end."""
    country = b.country("hte_country")
    city = b.raw("hte_city")
    location = []
    for c, iso3 in zip(city, country, strict=True):
        place = ctx.places.find(c) if c else None
        if place is not None and ctx.places.country[place] == iso3:
            location.append(place)
        else:
            location.append(iso3)
    start, end = b.period("hte_date", required=False)
    birth = b.date("prs_birthdate", required=False) if b.has("prs_birthdate") else None
    labour = b.raw("vic_typeoflabourexploitation").str.lower()
    sex_type = b.raw("vic_typeofsexexploitation")
    exploitation = np.select(
        [sex_type != "", labour.str.contains("domestic"), labour.str.contains("begging"), labour != ""],
        ["sexual", "domestic_work", "begging", "forced_labour"],
        default="unknown",
    )
    return pd.DataFrame(
        {
            "case_id": b.text("case_id", required=True),
            "type": b.choice("hte_type", HTCDS_TYPES),
            "location": location,
            "country": country,
            "start": start,
            "end": end,
            "birth": pd.to_datetime(birth) if birth is not None else pd.NaT,
            "sex": b.choice("prs_gender", SEX, default="unknown"),
            "exploitation": exploitation,
        },
        index=b.df.index,
    )


def htcds_journeys(events: pd.DataFrame, ctx: Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Group HTCDS events (with their ``_row`` and ``_bad`` flag) into journeys.

    A case becomes one journey only when every one of its events is valid; the
    valid events of a case with a rejected event are reported too, so a case is
    never stored with a missing step.

    Returns
    -------
    journeys : DataFrame
        Journey rows with ``_row`` (first event row) and ``_members`` (all rows).
    errors : DataFrame
        Rows of cases that cannot form a journey (row, column, value, reason).
    """
    rank = {"recruitment": 0, "transit": 1, "exploitation": 2}
    journeys, errors = [], []
    events = events[events["case_id"] != ""]  # rows without a case id are already rejected
    for case_id, ev in events.groupby("case_id", sort=False):
        bad = ev[ev["_bad"]]
        if not bad.empty:
            rows = ", ".join(str(r) for r in bad["_row"])
            reason = f"case {case_id}: another event of this case was rejected (row {rows})"
            errors += [(r, "case_id", case_id, reason) for r in ev.loc[~ev["_bad"], "_row"]]
            continue
        ev = ev.assign(_rank=ev["type"].map(rank)).sort_values(["start", "_rank", "_row"], na_position="last")
        rec, exp = ev[ev["type"] == "recruitment"], ev[ev["type"] == "exploitation"]
        problem = None
        if rec.empty:
            problem = "case has no valid Recruitment event"
        elif exp.empty:
            problem = "case has no valid Exploitation event"
        elif ev["start"].isna().all():
            problem = "case has no event date"
        if problem:
            errors += [(r, "case_id", case_id, problem) for r in ev["_row"]]
            continue
        first, last = rec.iloc[0], exp.iloc[-1]
        middle = ev[(ev["_row"] != first["_row"]) & (ev["_row"] != last["_row"])]
        via = [loc for loc in middle["location"] if loc not in (first["location"], last["location"])]
        via = [v for i, v in enumerate(via) if i == 0 or v != via[i - 1]]
        places = ctx.places
        via_countries = [places.country.get(v, v) for v in via]
        birth = ev["birth"].dropna()
        age = "unknown"
        if not birth.empty:
            years = (ev["start"].min() - birth.iloc[0]).days / 365.25
            age = "child" if years < 18 else "adult"
        journeys.append(
            {
                "journey_id": f"htcds:{ctx.sha256[:12]}:{case_id}",
                "crime": "trafficking",
                "persons": 1,
                "unit": "persons",
                "period_start": ev["start"].min(),
                "period_end": ev["end"].max(),
                "origin": first["location"],
                "origin_country": first["country"],
                "via": ";".join(via),
                "via_countries": ";".join(via_countries),
                "destination": last["location"],
                "destination_country": last["country"],
                "sex": ev["sex"].iloc[0],
                "age_group": age,
                "exploitation": exp["exploitation"].iloc[-1],
                "reporting_country": None,
                "route": None,
                "source": f"HTCDS case data ({ctx.file_name})",
                "illustrative": False,
                "_row": int(ev["_row"].min()),
                "_members": [int(r) for r in ev["_row"]],
            }
        )
    err = pd.DataFrame(errors, columns=["row", "column", "value", "reason"])
    return pd.DataFrame(journeys), err


def _incidents(b: Batch, ctx: Context) -> pd.DataFrame:
    data = {
        "incident_id": "mmp:" + ctx.sha256[:12] + ":" + pd.Series(b.rows, index=b.df.index).astype(str),
        "date": pd.to_datetime(b.date("date")),
        "type": b.text("type"),
        "route": b.text("route"),
        "incident_iso3": b.text("incident_iso3"),
        "dead_and_missing": b.integer("dead_and_missing", minimum=0),
        "survivors": b.integer("survivors", minimum=0, required=False),
        "cause": b.text("cause"),
        "nationality_iso3": b.text("nationality_iso3"),
        "location": b.text("location"),
        "lon": b.number("lon", -180, 180),
        "lat": b.number("lat", -90, 90),
        "source": f"IOM Missing Migrants Project ({ctx.file_name})",
    }
    return _columns("incidents", data, b.df.index)


def _slug(name: str) -> str:
    from gloact_lib.data.countries import normalise_name

    return normalise_name(name.split("(")[0]).replace(" ", "-")


def _places(b: Batch, ctx: Context) -> pd.DataFrame:
    name = b.text("name", required=True)
    coord = b.text("coord_source")
    url = b.text("coord_source_url_or_path")
    data = {
        "place_id": name.map(_slug),
        "name": name,
        "country_iso3": b.country("iso3"),
        "lat": b.number("lat", -90, 90),
        "lon": b.number("lon", -180, 180),
        "role": b.text("role_in_routes"),
        "role_source": b.text("role_source"),
        "coord_source": (coord + " " + url).str.strip(),
        "confidence": b.text("confidence"),
        "notes": b.text("notes"),
        "source": b.text("source", default=f"{ctx.file_name} (data/reference)"),
    }
    return _columns("places", data, b.df.index)


INSTRUMENTS = {"untoc": "UNTOC", "tip_protocol": "TIP_Protocol", "som_protocol": "SOM_Protocol"}


def _treaties(b: Batch, ctx: Context) -> pd.DataFrame:
    status = b.text("status", required=True)
    confidence = b.text("confidence")
    unverified = status.str.contains("UNVERIFIED", case=False) | confidence.str.contains("UNVERIFIED", case=False)
    data = {
        "iso3": b.country("iso3"),
        "instrument": b.choice("instrument", INSTRUMENTS),
        "mtdsg_no": b.text("untc_mtdsg_no"),
        "signature_date": pd.to_datetime(b.date("signature_date", required=False)),
        "action_date": pd.to_datetime(b.date("ratification_or_accession_date", required=False)),
        "action_type": b.text("action_type"),
        "status": status,
        "verified": ~unverified,
        "confidence": confidence,
        "notes": b.text("notes"),
        "source": b.text("source", required=True),
    }
    return _columns("treaties", data, b.df.index)


STATUS = {"not_started": "not_started", "not started": "not_started", "non commencé": "not_started",
          "non commence": "not_started", "pas commencé": "not_started",
          "in_progress": "in_progress", "in progress": "in_progress", "en cours": "in_progress",
          "achieved": "achieved", "réalisé": "achieved", "realise": "achieved", "atteint": "achieved",
          "not_applicable": "not_applicable", "not applicable": "not_applicable", "sans objet": "not_applicable",
          "non applicable": "not_applicable"}  # fmt: skip


def _commitments(b: Batch, ctx: Context) -> pd.DataFrame:
    """Status updates, from the form ``gloact commitments template`` writes (or any file with its columns)."""
    rec_id = b.text("rec_id", required=True)
    iso3 = b.country("iso3")
    unknown = (rec_id != "") & ~rec_id.isin(list(ctx.recommendations))
    b.reject(unknown.to_numpy(), "rec_id", "unknown recommendation")
    concerns = [r in ctx.recommendations and c is not None and c in ctx.recommendations[r]
                for r, c in zip(rec_id, iso3, strict=True)]  # fmt: skip
    not_concerned = (~unknown & iso3.notna() & ~pd.Series(concerns, index=b.df.index)).to_numpy()
    b.reject(not_concerned, "iso3", "this recommendation does not concern this country")
    # The hidden sheet was verified before any row was read (commitments.verify_form); the
    # importer's own country is the check a focal point cannot get round by editing the file.
    form_country = ctx.meta.get("country")
    if form_country:
        other = (iso3.notna() & (iso3 != form_country)).to_numpy()
        b.reject(other, "iso3", f"this form is for {form_country}: rows of another country are not accepted")
    if ctx.country and ctx.country != form_country:
        other = (iso3.notna() & (iso3 != ctx.country)).to_numpy()
        b.reject(other, "iso3", f"you import as the focal point of {ctx.country}: rows of another country are "
                 "not accepted")  # fmt: skip
    if ctx.meta.get("rec_ids"):
        listed = set(ctx.meta["rec_ids"].split(";"))
        b.reject((~unknown & (rec_id != "") & ~rec_id.isin(listed)).to_numpy(), "rec_id",
                 "this recommendation is not one of this form's")  # fmt: skip
    status, date = b.raw("status"), b.raw("date")
    b.reject(((status == "") & (date == "")).to_numpy(), "status", "no update given (status and date are empty)")
    b.reject(((status == "") & (date != "")).to_numpy(), "status", "a status is required with a date")
    b.reject(((status != "") & (date == "")).to_numpy(), "date", "a date is required with a status")
    data = {
        "rec_id": rec_id,
        "iso3": iso3,
        "date": pd.to_datetime(b.date("date", required=False)),
        "status": b.choice("status", STATUS, default=""),
        "evidence": b.text("evidence"),
        "source": b.text("source", default=f"form {ctx.file_name}"),
        "illustrative": b.boolean("illustrative"),
    }
    return _columns("status_updates", data, b.df.index)


def _country_list(text: str) -> str:
    codes = []
    for part in (p.strip() for p in text.split(";") if p.strip()):
        try:
            codes.append(resolve_country(part))
        except CountryError as exc:
            raise ValueError(f"{exc.reason}: {part!r}") from None
    return ";".join(codes)


def _generic(table: Table) -> Callable[[Batch, Context], pd.DataFrame]:
    """Validate a reference table by its declared column types."""

    def transform(b: Batch, ctx: Context) -> pd.DataFrame:
        data = {}
        for col in table.columns:
            name, req = col.name, col.required
            if name == "import_id":
                continue
            if name in ("iso3", "country_iso3"):
                data[name] = b.country(name, required=req)
            elif name == "countries":
                data[name] = b.map_unique(name, _country_list, req)
            elif col.type == "DATE":
                data[name] = pd.to_datetime(b.date(name, req))
            elif col.type == "BIGINT":
                data[name] = b.integer(name, required=req)
            elif col.type == "DOUBLE":
                data[name] = b.number(name, required=req)
            elif col.type == "BOOLEAN":
                data[name] = b.boolean(name)
            else:
                data[name] = b.text(name, required=req)
        return _columns(table.name, data, b.df.index)

    return transform


def _generic_format(name: str, signature: set[str]) -> Format:
    table = TABLES[name]
    required = tuple(c.name for c in table.columns if c.required and c.name != "import_id")
    return Format(name, name, frozenset(signature), required, _generic(table))


FORMATS: dict[str, Format] = {
    f.name: f
    for f in [
        Format(
            "journeys", "journeys", frozenset({"journey_id", "origin", "destination"}),
            ("journey_id", "crime", "persons", "period_start", "origin", "destination"), _journeys,
        ),
        Format(
            "frontex", "journeys", frozenset({"route", "nationality", "year", "month", "detections"}),
            ("route", "nationality", "year", "month", "detections"), _frontex,
        ),
        Format(
            "ctdc", "journeys", frozenset({"citizenship", "countryofexploitation"}),
            ("citizenship", "countryofexploitation", "yearofregistration"), _ctdc,
        ),
        Format(
            "htcds", "journeys", frozenset({"hte_type", "hte_country"}),
            ("case_id", "hte_type", "hte_country"), _htcds_events,
            aliases={"cas_caseid": "case_id", "cas_id": "case_id", "cas_casenumber": "case_id",
                     "casenumber": "case_id", "caseid": "case_id"},
            events=True,
        ),
        Format(
            "incidents", "incidents", frozenset({"date", "dead_and_missing", "lon", "lat"}),
            ("date", "dead_and_missing", "lon", "lat"), _incidents,
        ),
        Format(
            "places", "places", frozenset({"name", "iso3", "lat", "lon", "role_in_routes"}),
            ("name", "iso3", "lat", "lon"), _places,
        ),
        Format(
            "treaties", "treaties", frozenset({"iso3", "instrument", "ratification_or_accession_date"}),
            ("iso3", "instrument", "status", "source"), _treaties,
        ),
        Format(
            "commitments", "status_updates", frozenset({"rec_id", "iso3", "status", "date"}),
            ("rec_id", "iso3", "status", "date"), _commitments,
        ),
        _generic_format("meetings", {"meeting_id", "title_en"}),
        _generic_format("participants", {"meeting_id", "participant_kind"}),
        _generic_format("recommendations", {"rec_id", "text_en"}),
        _generic_format("indicators", {"indicator_id", "indicator", "value"}),
        _generic_format("groups", {"group_id", "iso3"}),
    ]
}  # fmt: skip


def detect_format(columns: set[str]) -> Format | None:
    """The format whose signature the header matches best, or None.

    Parameters
    ----------
    columns : set of str
        Lower-case header names (after aliases).
    """
    matches = [f for f in FORMATS.values() if f.signature <= columns]
    if not matches:
        return None
    return max(matches, key=lambda f: len(f.signature))
