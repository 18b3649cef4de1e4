"""The figures a view lets a viewer take away: published values only, sources and caveats, inert text, two languages;
and the index page of ``gloact build-maps``."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import re

import openpyxl
import pytest

from gloact_lib.analysis.commitments import latest_status
from gloact_lib.analysis.counts import monthly, od_pairs
from gloact_lib.analysis.disclosure import publish
from gloact_lib.analysis.flows import Flows, Selection
from gloact_lib.dashboards import CommitmentsDashboard, CountryDashboard, RoutesDashboard
from gloact_lib.data.countries import country_name
from gloact_lib.data.database import data_as_of
from gloact_lib.imports.pipeline import import_file
from gloact_lib.spreadsheet import is_dangerous
from gloact_lib.views.build_maps import build_maps, write_index
from gloact_lib.views.downloads import (
    COLUMNS,
    commitments_table,
    country_table,
    download_links,
    figures_table,
    routes_table,
    to_csv,
    to_xlsx,
)
from gloact_lib.views.map_text import pair_names

from ..conftest import journey
from .test_route_map import external_refs

#: Children, smuggling: small cells, some hidden (published below 5).
SMALL = Selection(data="illustrative", age_group="child", sex="female")
WHEN = dt.datetime(2025, 3, 1, 9, 30)
HOSTILE = ['=HYPERLINK("http://x.invalid","y")', "<script>window.__pwned=1</script>", "{{7*7}}", "x;=1+1",
           "@SUM(A1)", "\uff1d1+1", "-1+1"]  # fmt: skip


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # a byte-order mark: spreadsheet programs read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _table(rows: list[list[str]], header: list[str]) -> list[list[str]]:
    """The figures under the header row of a file."""
    return rows[rows.index(header) + 1:]


def _by_section(frame, section: str) -> dict[str, object]:
    part = frame[frame["section"] == section]
    return dict(zip(part["item"], part["value"], strict=True))


def test_routes_figures_are_the_published_ones(built_con):
    frame = routes_table(built_con, SMALL, "en")
    assert list(frame.columns) == list(COLUMNS) and "ckey" not in frame.columns
    flows = Flows.from_db(built_con, SMALL, level="place")
    key = _by_section(frame, "Key figures")
    assert key["persons in this selection"] == flows.summary["persons"]
    # every route as the view publishes it: perturbed, hidden below 5, never the true count
    raw = od_pairs(built_con, SMALL)
    published = publish(raw, **SMALL.disclosure)
    routes = _by_section(frame, "Origin–destination routes")
    assert len(routes) == len(published)
    perturbed = 0
    for r, true in zip(published.itertuples(), raw["persons"], strict=True):
        item = " → ".join(pair_names(r.origin, r.destination, r.scope, "en"))
        assert routes[item] == ("<5" if r.suppressed else int(r.persons)), item
        perturbed += routes[item] != true
    assert perturbed > 0  # the true counts are not what the file holds
    roles = _by_section(frame, "Countries by role")
    for r in flows.roles.itertuples():
        assert roles[f"{country_name(r.iso3, 'en')} ({r.role})"] == ("<5" if r.suppressed else int(r.persons))
    months = publish(monthly(built_con, SMALL), **SMALL.disclosure)
    shown = _by_section(frame, "Per month")
    assert [shown[f"{m:%Y-%m}"] for m in months["month"]] == [
        "<5" if h else int(v) for v, h in zip(months["persons"].fillna(0), months["suppressed"], strict=True)]
    hidden = frame[frame["value"] == "<5"]
    assert len(hidden) > 0 and set(hidden["note"]) == {"fewer than 5 (hidden)"}
    # a hidden cell is never written as a number between 1 and 4
    numbers = [v for v in frame.loc[frame["unit"] == "persons", "value"] if isinstance(v, int)]
    assert not [v for v in numbers if 0 < v < 5]


def test_files_say_where_the_figures_come_from(built_con):
    frame = routes_table(built_con, SMALL, "en")
    rows = _csv_rows(to_csv(frame, WHEN))
    assert rows[0][0] == "Trafficking and smuggling routes — ILLUSTRATIVE DATA"
    about = {r[0]: r[1:] for r in rows[:rows.index([])] if r and r[0]}
    assert about["Data as of"] == ["2025-03-01 09:30 UTC"] and about["Language"] == ["English"]
    assert about["Selection"] == ["Counting", "persons"]
    assert ["", "Sex", "female"] in rows and ["", "Age group", "children"] in rows
    assert "Illustrative data generated" in about["Sources"][0]
    assert any("Illustrative data: generated figures" in c for r in rows for c in r)  # the sample is labelled
    assert any("perturbed (cell-key method)" in c for r in rows for c in r)
    table = _table(rows, ["Table", "Item", "Value", "Unit", "Note", "Source"])
    assert len(table) == len(frame)
    assert all("Illustrative data generated" in r[5] for r in table)  # each figure with its source

    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(frame, WHEN)))
    sheet = book.active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[0][0] == rows[0][0] and sheet["A1"].font.bold
    head = next(i for i, r in enumerate(cells) if r[:6] == ["Table", "Item", "Value", "Unit", "Note", "Source"])
    assert len(cells) - head - 1 == len(frame)
    total = next(r for r in cells[head + 1:] if r[1] == "persons in this selection")
    assert total[2] == frame.iloc[0]["value"] and isinstance(total[2], int)  # a number in Excel, not a text


def test_french_files(built_con):
    frame = routes_table(built_con, SMALL, "fr")
    rows = _csv_rows(to_csv(frame, WHEN))
    assert ["Langue", "Français"] in rows and ["Données au", "2025-03-01 09:30 UTC"] in rows
    assert rows[0][0].endswith("DONNÉES ILLUSTRATIVES")
    table = _table(rows, ["Tableau", "Élément", "Valeur", "Unité", "Note", "Source"])
    assert {r[0] for r in table} >= {"Chiffres clés", "Pays par rôle", "Itinéraires origine–destination", "Par mois"}
    assert ["", "Sexe", "femmes"] in rows and any(r[4] == "moins de 5 (masqué)" for r in table)
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(frame, WHEN))).active
    assert sheet.title == "chiffres"
    assert ["Tableau", "Élément", "Valeur", "Unité", "Note", "Source"] in [[c.value for c in r][:6]
                                                                         for r in sheet.iter_rows()]  # fmt: skip


def _inert(cells, where: str) -> None:
    for value in cells:
        if isinstance(value, str):
            assert not is_dangerous(value), (where, value)


def test_hostile_text_stays_inert(con, write_csv, tmp_path):
    rows = [journey(journey_id=f"h{i}", persons="40", source=f"{text} report") for i, text in enumerate(HOSTILE)]
    rows.append(journey(journey_id="plain", persons="30", source=HOSTILE[0]))
    import_file(con, write_csv(rows), report=tmp_path / "report.csv")
    frame = routes_table(con, Selection(), "en")
    assert any(HOSTILE[0] in s for s in frame["source"])  # the hostile sources are there, as text
    extra = figures_table([(h, h, h, h, h, h) for h in HOSTILE], name="x", title=HOSTILE[0], lang="fr",
                          selection=[(h, h) for h in HOSTILE], sources=HOSTILE, caveats=HOSTILE)  # fmt: skip
    for f in (frame, extra):
        written = _csv_rows(to_csv(f, data_as_of(con)))
        _inert([c for r in written for c in r], "csv")
        joined = "\n".join(",".join(r) for r in written)
        if f is extra:  # kept as text, only neutralised: nothing evaluated, nothing dropped
            assert "<script>window.__pwned=1</script>" in joined and "{{7*7}}" in joined
        sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(f, data_as_of(con)))).active
        cells = [c for row in sheet.iter_rows() for c in row]
        assert all(c.data_type != "f" for c in cells)
        _inert([c.value for c in cells], "xlsx")
        links = download_links(f, WHEN)
        assert "<script" not in links and "{{" not in links and "HYPERLINK" not in links  # only base64 data
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(extra))).active
    assert sheet["A1"].value.startswith("'=HYPERLINK(")  # the title too, with its apostrophe


def test_download_links(built_con):
    frame = routes_table(built_con, SMALL, "fr")
    links = download_links(frame, WHEN)
    found = dict(re.findall(r"download='([^']+)'[^>]*href='data:[^;]+(?:;charset=utf-8)?;base64,([^']+)'", links))
    assert set(found) == {"gloact-routes-2025-03-01-fr.csv", "gloact-routes-2025-03-01-fr.xlsx"}
    assert base64.b64decode(found["gloact-routes-2025-03-01-fr.csv"]) == to_csv(frame, WHEN)
    assert "Télécharger (CSV)" in links and "Télécharger (Excel)" in links
    assert external_refs(links) == []


def test_country_and_commitments_tables(built_con):
    mali = country_table(built_con, "MLI", "fr")
    assert mali.attrs["title"].startswith("Profil de pays: Mali")
    flows = Flows.from_db(built_con, Selection(country="MLI"))
    roles = flows.roles[flows.roles["iso3"] == "MLI"].set_index("role")
    for role, label in (("origin", "Origine"), ("transit", "Transit"), ("destination", "Destination")):
        r = roles.loc[role]
        assert _by_section(mali, "Rôle sur les itinéraires")[label] == ("<5" if r.suppressed else int(r.persons))
    assert "IOM Missing Migrants Project" in mali.attrs["sources"]
    real = Flows.from_db(built_con, Selection(country="MLI", unit="detections", data="real"), level="country")
    detections = real.roles[(real.roles["iso3"] == "MLI") & (real.roles["role"] == "origin")]
    frontex = _by_section(mali, "Détections aux frontières extérieures de l'UE (Frontex)")
    assert frontex["Origine"] == int(detections["persons"].iloc[0]) > 90_000  # Malian nationals detected: real data
    assert (mali["section"] == "Cadre juridique (statut des traités ONU)").sum() == 3
    commitments = commitments_table(built_con, "en")
    grid = commitments[commitments["section"] == "Status by country and recommendation"]
    assert len(grid) == len(latest_status(built_con)) > 0
    assert set(grid["value"]) <= {"not started", "in progress", "achieved", "not applicable"}
    assert any("Status updates shown are illustrative" in c for c in commitments.attrs["caveats"])


def test_every_dashboard_offers_its_figures(built_con):
    routes = RoutesDashboard(con=built_con, selection=SMALL)
    assert "Download CSV" in routes.downloads.value and "Download Excel" in routes.downloads.value
    csv_data = re.search(r"href='data:text/csv;charset=utf-8;base64,([^']+)'", routes.downloads.value).group(1)
    table = _table(_csv_rows(base64.b64decode(csv_data)), ["Table", "Item", "Value", "Unit", "Note", "Source"])
    total = Flows.from_db(built_con, SMALL).summary["persons"]
    assert ["Key figures", "persons in this selection", str(total)] == table[0][:3]
    assert f"{total:,}" in routes.kpis.value  # the figure the page shows
    routes.lang = "fr"
    assert "Télécharger (CSV)" in routes.downloads.value
    for view in (CountryDashboard(con=built_con, country="NER"), CommitmentsDashboard(con=built_con, lang="fr")):
        assert view.downloads.value.count("<a class='gloact-download'") == 2, type(view).__name__
    routes.con.close()
    routes.refresh()  # a failure leaves no link to the figures of an earlier state
    assert routes.downloads.value == ""


def test_maps_index(built_con, tmp_path):
    written = build_maps(built_con, tmp_path, "fr")
    page = (tmp_path / "fr" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r"<a href='([^']+)'>([^<]+)</a>", page)
    assert sorted(h for h, _ in links) == sorted(p.relative_to(tmp_path / "fr").as_posix() for p in written)
    assert all((tmp_path / "fr" / h).is_file() for h, _ in links)
    titles = dict(links)
    assert titles["overview.html"] == "Tous les itinéraires (parcours)"
    assert titles["routes/CMR.html"] == "Route de la Méditerranée centrale"
    assert titles["countries/CIV.html"] == "Côte d&#x27;Ivoire · parcours"
    assert "<html lang='fr'>" in page and "DONNÉES ILLUSTRATIVES" in page and external_refs(page) == []
    assert "<script" not in page


def test_maps_index_escapes_titles(tmp_path):
    path = write_index(tmp_path, "en", [("countries/X.html", HOSTILE[1] + " {{7*7}}", True),
                                        ("routes/a'b.html", "\"'><img src=x onerror=alert(1)>", False)])  # fmt: skip
    page = path.read_text(encoding="utf-8")
    assert "<script>" not in page and "<img" not in page and "{{7*7}}" in page
    assert "&lt;script&gt;" in page and "routes/a&#x27;b.html" in page
    assert "Data as of —." in page


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_download_links_are_inert_html(lang):
    frame = figures_table([("<b>s</b>", "=1+1", 5, "persons", "", "src")], name="x<y", title="<i>", lang=lang)
    links = download_links(frame)
    assert "download='gloact-x&lt;y-" in links and "<b>" not in links and "<i>" not in links
