"""Imported text is data, never code: every output built from a database whose every free-text value is hostile.

Template payloads (``{{ ... }}``, ``{# ... #}``, an unclosed ``{{``, a Jinja sandbox escape
that would create a folder), HTML and JavaScript payloads, and spreadsheet formulas are put
into every free-text column of every shipped file (:mod:`tests.hostile`).  Then every output
is built: the static maps (both languages), the three dashboards (in-process, and served in
Chromium), the briefing pack (HTML, PNG, PDF), the commitments Excel form, and the rejection
report.  Nothing may be evaluated (no folder created, the marker text never appears), nothing
may crash, and the text must be shown as written.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata

import pytest

from gloact_lib.analysis.flows import Selection
from gloact_lib.analysis.profiles import member_countries
from gloact_lib.dashboards import CommitmentsDashboard, CountryDashboard, RoutesDashboard
from gloact_lib.data.database import connect
from gloact_lib.imports.pipeline import import_file
from gloact_lib.views.briefing import briefing_html, build_briefing
from gloact_lib.views.build_maps import build_maps
from gloact_lib.views.forms import write_template

from .hostile import EVAL_MARK, build_hostile_db, payloads

RAW_MARKUP = ("<img src=x", "<script>window.__pwned", "</script><script>")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    pwned = root / "pwned"
    db, poisoned = build_hostile_db(root, pwned)
    return root, db, pwned, poisoned


@pytest.fixture
def hcon(hostile):
    con = connect(hostile[1], read_only=True)
    yield con
    con.close()


def _assert_inert(text: str, pwned, where: str) -> None:
    assert EVAL_MARK not in text, f"a template was evaluated in {where}"
    assert not pwned.exists(), f"imported text ran code (created {pwned}) in {where}"


def _widget_html(widget) -> list[str]:
    """Every HTML value in a widget tree."""
    out = []
    value = getattr(widget, "value", None)
    if isinstance(value, str):
        out.append(value)
    for child in getattr(widget, "children", ()):
        out.extend(_widget_html(child))
    return out


def test_every_free_text_column_was_poisoned(hostile):
    """The probe found the free-text columns (so the rest of this file tests something)."""
    poisoned = hostile[3]
    assert {"title_en", "title_fr", "city"} <= set(poisoned["reference/meetings.csv"])
    assert {"text_en", "text_fr"} <= set(poisoned["reference/recommendations.csv"])
    assert {"route", "location"} <= set(poisoned["reference/missing_migrants_incidents.csv"])
    assert "source" in poisoned["sample/journeys_sample.csv"]
    assert "evidence" in poisoned["sample/status_updates_sample.csv"]
    assert "organisation" in poisoned["reference/participants.csv"]
    assert "label_en" in poisoned["reference/indicators.csv"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_static_maps(hostile, hcon, tmp_path, lang):
    written = build_maps(hcon, tmp_path, lang)
    assert len(written) > 10
    for path in written:
        _assert_inert(path.read_text(encoding="utf-8"), hostile[2], path.name)
    overview = (tmp_path / lang / "overview.html").read_text(encoding="utf-8")
    assert "Police report" in overview  # the hostile hub is on the map (its text JSON-escaped)


def test_dashboards_in_process(hostile, hcon):
    pwned = hostile[2]
    views = [RoutesDashboard(con=hcon, lang=lang, selection=Selection()) for lang in ("en", "fr")]  # the sample
    views.append(RoutesDashboard(con=hcon))  # real detections first
    views.append(RoutesDashboard(con=hcon, selection=Selection(crime="smuggling", origin="NGA")))
    views += [CountryDashboard(con=hcon, country=c, lang="fr") for c in member_countries(hcon)[:6]]
    views += [CommitmentsDashboard(con=hcon, lang=lang) for lang in ("en", "fr")]
    # presenter mode: its title and key-message slides, the map slide's side column, the fitted grids
    views += [RoutesDashboard(con=hcon, present=True, selection=Selection()), CountryDashboard(con=hcon, present=True,
              country="NER"), CommitmentsDashboard(con=hcon, present=True, lang="fr")]  # fmt: skip
    for view in views:
        assert view.status in ("Updated.", "Mis à jour."), (type(view).__name__, view.status)
        for value in _widget_html(view):
            _assert_inert(value, pwned, type(view).__name__)
            for raw in RAW_MARKUP:
                assert raw not in value, (type(view).__name__, raw)
    page = "".join(_widget_html(views[-4]))
    assert "Police report {#12}" in page  # meeting titles and recommendations shown, escaped
    deck = "".join(_widget_html(views[-1]))
    assert "Police report {#12}" in deck and "gloact-deck-meta" in deck  # the slides show them too, escaped


def test_briefing_pack(hostile, hcon, tmp_path):
    pwned = hostile[2]
    for lang in ("en", "fr"):
        page, _ = briefing_html(hcon, "casablanca-2019", lang)
        _assert_inert(page, pwned, f"briefing {lang}")
        outside_maps = re.sub(r'srcdoc="[^"]*"', "", page)
        for raw in RAW_MARKUP:
            assert raw not in outside_maps
    pack = build_briefing(hcon, "casablanca-2019", "fr", out=tmp_path)
    assert pack.pdf and pack.pdf.exists() and pack.pngs
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pack.pdf), "-"], capture_output=True, text=True).stdout
        _assert_inert(text, pwned, "briefing PDF")
        assert "{#12}" in text  # shown as written


def test_briefing_messages_notes_and_running_title_show_imported_text_as_text(hostile, hcon):
    """The key messages name the meeting by its (imported) city, every page's foot carries its (imported) title,
    and the speaker notes sit beside them: all of it escaped, shown as written."""
    import html

    city, title = hcon.execute("SELECT city, title_en FROM meetings WHERE meeting_id = 'casablanca-2019'").fetchone()
    page, _ = briefing_html(hcon, "casablanca-2019", "en")
    outside_maps = re.sub(r'srcdoc="[^"]*"', "", page)
    messages = re.search(r"<section class='view' id='messages'.*?</section>", outside_maps, re.S).group(0)
    assert html.escape(city) in messages and html.escape(title) in messages  # the message and the page's foot
    notes = "".join(re.findall(r"<aside class='gloact-speaker-notes'>.*?</aside>", outside_maps, re.S))
    for part in (messages, notes):
        for raw in RAW_MARKUP:
            assert raw not in part


def test_commitments_form_has_no_formula(hostile, hcon, tmp_path):
    from openpyxl import load_workbook

    path = write_template(hcon, "MLI", "fr", tmp_path / "mli.xlsx")
    book = load_workbook(path)
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    _assert_neutral(cell.value)
    assert any("HYPERLINK" in v for v in texts)  # the hostile text is there, as text
    _assert_inert("\n".join(texts), hostile[2], "Excel form")


_TRIGGER = re.compile(r"(?:^|[,;\t|\r\n])\s*[=+\-@]")


def _assert_neutral(value: str) -> None:
    """No segment of the value (split by any separator Excel may use) starts a formula."""
    assert not _TRIGGER.search(unicodedata.normalize("NFKC", value)), value


def test_rejection_report_is_neutral_for_any_separator(hostile, tmp_path, write_csv):
    from .conftest import journey, read_report

    rows = [journey(journey_id=f"r{i}", origin=text, source=text) for i, text in enumerate(payloads(hostile[2]))]
    rows += [journey(journey_id="f", crime='=HYPERLINK("http://x","y")'), journey(journey_id="g", sex="x;=1+1"),
             journey(journey_id="h", persons="\uff1d1+1")]  # fmt: skip
    con = connect(":memory:")
    report = tmp_path / "report.csv"
    result = import_file(con, write_csv(rows), report=report)
    assert result.rejected == len(rows)
    raw = report.read_text(encoding="utf-8-sig")
    _assert_inert(raw, hostile[2], "report")
    for record in read_report(report):
        for value in record.values():
            _assert_neutral(value or "")


# -- in a real browser: nothing runs, the text reads as written ------------------------------

_PWNED_JS = "() => window.__pwned === undefined"


def _frames_clean(page) -> None:
    for frame in page.frames:
        assert frame.evaluate(_PWNED_JS), f"hostile script ran in {frame.url[:80]}"


@pytest.fixture(scope="module")
def hostile_server(hostile):
    from gloact_lib.app.harness import voila_server

    with voila_server(hostile[1]) as (base, _):
        yield base


@pytest.mark.browser
def test_served_dashboards_in_chromium(hostile, hostile_server):
    from .browser import chromium, watched_page

    with chromium() as browser:
        page, watch = watched_page(browser, 1400, 1000)
        page.on("dialog", lambda d: watch.errors.append("dialog: " + d.message))
        page.goto(hostile_server + "/voila/render/routes.ipynb?unit=persons&data=all")  # the hostile hubs' journeys
        page.locator(".gloact-live path.gloact-arc").first.wait_for(timeout=90_000)
        # zoomed in on it (as a viewer would: zoomed out, the map groups countries into regions, and a place's label
        # gives way to a busier place's where they would overlap), a hub's own name
        page.evaluate("window.__gloactMap.setZoom(6, {animate: false})")
        page.wait_for_function("document.querySelector('.gloact-live').dataset.level === 'country'", timeout=10_000)
        at = page.evaluate("""() => { const map = window.__gloactMap; let at = null;
            map.eachLayer((l) => { const el = l.getElement && l.getElement();
                if (el && el.classList.contains('gloact-label') && el.textContent.includes('{#12}')) {
                    at = l.getLatLng(); } });
            if (at) { map.setView(at, 8, {animate: false}); }
            return at; }""")
        assert at is not None  # its label, drawn (perhaps giving way to a busier place's where they overlap)
        page.wait_for_function("document.querySelector('.gloact-live').dataset.level === 'country'", timeout=10_000)
        page.locator(".gloact-live .gloact-label", has_text="Police report {#12}").first.wait_for(timeout=90_000)
        page.get_by_text("{{7*7}}").first.wait_for(timeout=10_000)  # a journey's source, in the notes
        _frames_clean(page)
        assert EVAL_MARK not in page.inner_text("body")

        page.goto(hostile_server + "/voila/render/commitments.ipynb?lang=fr")
        page.get_by_text("Police report {#12}").first.wait_for(timeout=90_000)
        _frames_clean(page)
        assert EVAL_MARK not in page.inner_text("body")

        page.goto(hostile_server + "/voila/render/country.ipynb?country=NER")
        page.locator(".gloact-dashboard iframe").first.wait_for(timeout=90_000)
        page.wait_for_timeout(1500)
        _frames_clean(page)
        assert EVAL_MARK not in page.inner_text("body")
        assert watch.external == []
        assert not [e for e in watch.errors if "dialog" in e]
        assert not hostile[2].exists()


@pytest.mark.browser
def test_first_paint_of_the_routes_page_in_chromium(hostile, hostile_server):
    """The map, title and key figures written into the page's HTML (gloact_lib/views/live_preview.py): no hostile
    markup in the HTML as sent, and nothing runs when the page alone draws them (Voilà's scripts never load)."""
    import re

    from gloact_lib.app.harness import get

    from .browser import chromium, watched_page

    url = hostile_server + "/voila/render/routes.ipynb?unit=persons&data=all"
    sent = get(url, timeout=60).decode()
    assert 'class="gloact-preview"' in sent and "Police report" in sent
    assert not [m for m in RAW_MARKUP[:2] if m in sent] and EVAL_MARK not in sent  # (the page has scripts of its own)
    assert "</script><script>window.__pwned" not in sent
    with chromium() as browser:
        page, watch = watched_page(browser, 1400, 1000)
        page.on("dialog", lambda d: watch.errors.append("dialog: " + d.message))
        page.route(re.compile(r".*/(static/.*\.js|api/kernels/.*)(\?.*)?$"), lambda route: route.abort())
        page.goto(url, wait_until="commit")
        page.locator(".gloact-pre path.gloact-arc").first.wait_for(timeout=90_000)
        _frames_clean(page)
        assert EVAL_MARK not in page.inner_text("body")
        assert watch.external == [] and not [e for e in watch.errors if "dialog" in e]
    assert not hostile[2].exists()


@pytest.mark.browser
def test_static_map_and_briefing_in_chromium(hostile, hcon, tmp_path):
    from .browser import chromium, watched_page

    build_maps(hcon, tmp_path, "en")
    html_path = build_briefing(hcon, "casablanca-2019", "en", out=tmp_path, images=False).html
    with chromium() as browser:
        for url in ((tmp_path / "en" / "overview.html").as_uri(), html_path.as_uri()):
            page, watch = watched_page(browser)
            page.on("dialog", lambda d, w=watch: w.errors.append("dialog: " + d.message))
            page.goto(url)
            page.wait_for_timeout(1500)
            _frames_clean(page)
            text = page.inner_text("body") + "".join(f.evaluate("() => document.body.innerText") for f in page.frames)
            assert EVAL_MARK not in text
            assert "{#12}" in text, url
            assert watch.external == [] and not [e for e in watch.errors if "dialog" in e]
            page.close()
