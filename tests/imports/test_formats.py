"""Each format on its example file, and every shipped reference file through build-db."""

from __future__ import annotations

import csv

import pytest

from gloact_lib import config
from gloact_lib.data.frontex_routes import FRONTEX_ROUTES
from gloact_lib.data.sql import scalar
from gloact_lib.imports.build import REFERENCE_FILES
from gloact_lib.imports.pipeline import import_file

from ..conftest import read_report

EXAMPLES = config.SAMPLE_DIR / "examples"


@pytest.mark.parametrize(
    "name, fmt, rows, accepted, rejected_rows",
    [
        ("htcds_example.csv", "htcds", 17, 11, [9, 10, 11, 14, 15, 18]),  # c004 (no Recruitment): origin unknown
        ("ctdc_example.csv", "ctdc", 12, 10, [10, 13]),  # empty and XXX citizenship: stored, origin unknown
        ("frontex_example.csv", "frontex", 11, 8, [10, 11, 12]),  # OOS and route Other: stored
    ],
)
def test_example_counts_and_every_rejected_row_named(con, name, fmt, rows, accepted, rejected_rows):
    result = import_file(con, EXAMPLES / name)
    assert (result.format, result.rows, result.accepted, result.rejected) == (fmt, rows, accepted, len(rejected_rows))
    assert sorted({int(r["row"]) for r in read_report(result.report)}) == rejected_rows
    assert all(r["reason"] for r in read_report(result.report))


def test_htcds_events_become_journeys_without_personal_data(con):
    import_file(con, EXAMPLES / "htcds_example.csv")
    rows = con.execute(
        "SELECT journey_id, origin, via, via_countries, destination, destination_country, sex, age_group, "
        "exploitation, period_start, period_end FROM journeys ORDER BY journey_id"
    ).fetchall()
    assert [r[0].rsplit(":", 1)[1] for r in rows] == ["c001", "c002", "c004", "c006"]
    c001, c002, c004, c006 = rows
    assert (c004[1], c004[4]) == ("XXX", "dakar")  # no Recruitment event: the origin is unknown, the case is kept
    assert c001[1:6] == ("NGA", "kano;agadez", "NGA;NER", "tripoli", "LBY")
    assert c001[6:9] == ("female", "child", "sexual")  # 16 years old at recruitment
    assert (str(c001[9]), str(c001[10])) == ("2019-03-02", "2019-04-01")
    assert c002[1:6] == ("bamako", "gao", "MLI", "tamanrasset", "DZA")
    assert c006[1] == "dakar" and c006[5] == "ESP"  # "Senegal" / "Espagne" by name
    columns = {r[0] for r in con.execute("DESCRIBE journeys").fetchall()}
    assert not columns & {"prs_birthdate", "birthdate", "name", "firstname"}


def test_ctdc_rows_map_to_journeys(con):
    import_file(con, EXAMPLES / "ctdc_example.csv")
    rows = dict(con.execute("SELECT origin || '>' || destination || ':' || sex || ':' || age_group, exploitation "
                            "FROM journeys").fetchall())  # fmt: skip
    assert rows["NGA>ITA:female:adult"] == "sexual"
    assert rows["NGA>LBY:female:child"] == "sexual"
    assert rows["GIN>MAR:female:adult"] == "domestic_work"
    assert rows["CMR>MAR:other:adult"] == "sexual"
    assert rows["NER>NER:female:unknown"] == "domestic_work"  # domestic trafficking is kept
    assert scalar(con, "SELECT min(persons) FROM journeys") == 1


def test_frontex_rows_follow_the_documented_route_mapping(con):
    import_file(con, EXAMPLES / "frontex_example.csv")
    rows = {r[0]: r[1:] for r in con.execute(
        "SELECT journey_id, origin, via, destination, unit, crime, persons FROM journeys").fetchall()}  # fmt: skip
    assert rows["frontex:WAR:sea:SEN:2023-10"] == ("SEN", "MRT", "ESP", "detections", "smuggling", 5210)
    assert rows["frontex:WAR:sea:MRT:2024-02"][1] == ""  # the departure country is not its own transit
    assert rows["frontex:CMR:sea:NGA:2016-10"][:3] == ("NGA", "LBY", "ITA")
    assert rows["frontex:WMR:land:GIN:2018-08"][:3] == ("GIN", "MAR", "ESP")


def test_every_frontex_route_in_the_reference_data_is_mapped_or_reported():
    with open(config.REFERENCE_DIR / "frontex_detections.csv", encoding="utf-8") as fh:
        routes = {r["route"] for r in csv.DictReader(fh)}
    assert routes <= set(FRONTEX_ROUTES)  # "Other" too: destination unknown, listed beside the map


def _data_rows(path) -> int:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return sum(1 for row in csv.reader(fh) if any(c.strip() for c in row)) - 1


def test_build_db_stores_or_reports_every_shipped_row(built_con):
    audit = built_con.execute(
        "SELECT file_name, rows_read, rows_accepted, rows_rejected, report_path FROM imports ORDER BY import_id"
    ).fetchall()
    assert [a[0] for a in audit] == [p.rsplit("/", 1)[1] for p in REFERENCE_FILES]
    for (name, read, accepted, rejected, report), rel in zip(audit, REFERENCE_FILES, strict=True):
        assert read == _data_rows(config.DATA_DIR / rel), name
        assert accepted + rejected == read, name
        assert len({r["row"] for r in read_report(report)}) == rejected, name
        assert scalar(built_con, "SELECT count(DISTINCT row) FROM rejections JOIN imports USING (import_id) "
                      "WHERE file_name = ?", [name]) == rejected  # fmt: skip


def test_build_db_contents(built_con):
    counts = dict(built_con.execute(
        "SELECT 'sample', count(*) FROM journeys WHERE illustrative UNION ALL "
        "SELECT 'frontex', count(*) FROM journeys WHERE unit = 'detections' AND NOT illustrative UNION ALL "
        "SELECT 'places', count(*) FROM places UNION ALL SELECT 'recs', count(*) FROM recommendations UNION ALL "
        "SELECT 'niamey', count(*) FROM groups WHERE group_id = 'niamey_2018' UNION ALL "
        "SELECT 'unverified', count(*) FROM treaties WHERE NOT verified").fetchall())  # fmt: skip
    assert counts["sample"] == 2640  # 2,400 cross-border and 240 domestic illustrative journeys
    assert counts["frontex"] > 30_000
    assert counts["places"] == 18
    assert counts["recs"] == 14  # 8 of Casablanca 2019, 6 of Niamey 2018
    assert counts["niamey"] == 16
    assert counts["unverified"] == 3  # Morocco, Chad, Côte d'Ivoire: Smuggling Protocol after 2014
    unlabelled = "SELECT count(*) FROM journeys WHERE illustrative AND source NOT ILIKE '%illustrative%'"
    assert scalar(built_con, unlabelled) == 0
    assert scalar(built_con, "SELECT name_fr FROM countries WHERE iso3 = 'ESH'") == "Sahara occidental"
    assert scalar(built_con, "SELECT count(*) FROM countries WHERE label_lon IS NOT NULL") > 100
    niger = "SELECT value FROM indicators WHERE iso3 = 'NER' AND indicator = 'traffickers_prosecuted'"
    assert scalar(built_con, niger) == 68
