"""French everywhere a person reads (issue 13, item 5), and no internal reference shown to an official.

Every string a French view shows is listed — the three dashboards (in-process with their CSV downloads, and
served in Chromium with the map frames, the drop-downs' options and the buttons), the country profiles of Mali
and Morocco (and Niger in-process, for its national figures), the briefing packs of both meetings, the landing
page and the focal points' Excel form — and a string with an English word in it (:data:`ENGLISH_WORDS`, English
number formats, miles) fails the test, with where it was seen.  Text inside an element marked ``lang="en"``
(a citation: an article's title, a text adopted in English) is allowed, and so are, in a downloaded file,
which has no markup, those titles in « »; so are web addresses and the language switch's "English"; proper
names are not in the word list.  The served part (``browser``) takes 30 to 70 s.

The same strings, in English and in French, must hold none of the workbook's internal references (a
repository, a commit, a file of ``data/reference``, a module, a random seed): those stay where analysts
look (``data/reference/*.md``, the database's source columns, README).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from gloact_lib.i18n import LABELS, t

# --- what English looks like ---------------------------------------------------------------------------------------

#: Common English words that are not French words (so not "on", "or", "as", "an", "total", "page", "source",
#: "route", "transit", "figures", "illustrative", "notes", "report", "changes", "date", "protection", which are),
#: English adjectives of places and regions, and the English names of places that have a French form.
ENGLISH_WORDS = frozenset("""
the and with from of to by in at out up not no for is are was were be been being this that these those which who
whom whose where when what why how each every all any into onto than more most fewer less only after before since
between against through within without about above below under over its it their they them there here has have had does
did can could would should may might must will shall yes none other others also just still per
data country countries unknown shown hidden download downloads refresh key hub hubs flow flows origin origins
share achieved progress started person persons detection detections detected year years month months sample map
maps legend dead missing people journey journeys border borders crossing crossings illegal irregular treaty
treaties party unverified summary adopted recommendation recommendations commitment commitments meeting meetings
status evidence caveat caveats smuggling trafficking news release regional cooperation fight filter filters period
sex age role female male child children adult adults counting domestic stateless partners framework attended
recorded update updates updated latest theme briefing views everyone legal boundaries endorsement open presenter
language previous next loading waiting try again profile key width circle size number passing several outlined
some small perturbed count counts method worked estimates prevalence generated real drawn departure showing
largest coordinates dashboard dashboards selection top trend reason busy available analyst account tell please
text translation official team column columns changed row rows form return returned leave reading imported choose
list decree agreement signed shows reports cross listed privacy adjustment negative another accepted new current
today january february march april june july august september october november december
mediterranean western eastern southern northern american african european atlantic pacific desert secretariat
tangier
""".split())

_URL = re.compile(r"\b(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:org|int|com|net|info|eu|fr)(?:/\S*)?", re.I)
#: A number written the English way (12,673): French writes 12 673.
_ENGLISH_NUMBER = re.compile(r"(?<![\d,.])\d{1,3}(?:,\d{3})+(?![\d,])")
#: Miles or feet on a map's scale.
_IMPERIAL = re.compile(r"\b\d+\s*(?:mi|ft)\b")


def english_in(text: str) -> list[str]:
    """The English words (and English-formatted numbers, miles) in ``text``; empty for French."""
    text = _URL.sub(" ", text.replace("\u2019", "'"))
    found = [w for w in re.findall(r"[^\W\d_]+", text.lower()) if w in ENGLISH_WORDS]
    found += _ENGLISH_NUMBER.findall(text) + _IMPERIAL.findall(text)
    return found


#: What an official must never read: the workbook's own files, code, repositories and commits.
INTERNAL = re.compile(r"FACTS\.md|github\.com|untreaties|@ ?[0-9a-f]{7,}|\bcommit\b|\w+\.csv\b|data/reference|"
                      r"gloact_lib|\bseed\b|\bsection \d|(?-i:\bUNVERIFIED\b)|\.rda\b|\.py\b|do-file",
                      re.I)  # fmt: skip


# --- the text of an HTML page, with the language of each piece -----------------------------------------------------

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_SHOWN = ("title", "alt", "aria-label", "placeholder")
_STRING = r'"(?:[^"\\]|\\.)*"'


class _Text(HTMLParser):
    """(text, lang) of an HTML page's visible text and shown attributes; maps (``srcdoc`` frames) are read
    from their scripts: the boxes' markup, the layers' names, the tooltips and the labels."""

    def __init__(self, lang: str):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = [("", lang)]
        self.out: list[tuple[str, str]] = []
        self.script = 0

    @property
    def lang(self) -> str:
        return self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang") or self.lang
        self.out += [(attrs[a], lang) for a in _SHOWN if attrs.get(a)]
        if tag == "iframe" and attrs.get("srcdoc"):
            self.out += page_texts(attrs["srcdoc"], lang)
        if tag in ("script", "style"):
            self.script += 1
        if tag not in _VOID:
            self.stack.append((tag, lang))

    def handle_startendtag(self, tag, attrs):
        attrs = dict(attrs)
        self.out += [(attrs[a], attrs.get("lang") or self.lang) for a in _SHOWN if attrs.get(a)]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.script -= 1
        for k in range(len(self.stack) - 1, 0, -1):
            if self.stack[k][0] == tag:
                del self.stack[k:]
                break

    def handle_data(self, data):
        if self.script:
            if "gloactControl(" in data or "gloactLayer(" in data or "L.control.layers" in data:
                self.out += _map_texts(data, self.lang)
        elif data.strip():
            self.out.append((data, self.lang))


def _map_texts(script: str, lang: str) -> list[tuple[str, str]]:
    out = []
    for markup in re.findall(rf"gloactControl\(\w+, {_STRING}, {_STRING}, ({_STRING})\)", script):
        out += page_texts(json.loads(markup), lang)
    for tip in re.findall(rf'"tip":(\[(?:{_STRING},?)*\])', script):
        out += [(line, lang) for line in json.loads(tip)]
    out += [(json.loads(label), lang) for label in re.findall(rf'"label":({_STRING})', script)]
    for overlays in re.findall(r"overlays\s*:\s*\{(.*?)\}", script, re.S):
        out += [(json.loads(name), lang) for name in re.findall(rf"({_STRING})\s*:", overlays)]
    return out


def page_texts(page: str, lang: str = "fr") -> list[tuple[str, str]]:
    """Every (text, language) a reader sees in an HTML page or fragment (see :class:`_Text`)."""
    parser = _Text(lang)
    parser.feed(page)
    parser.close()
    return [(" ".join(text.split()), lang) for text, lang in parser.out if text.strip()]


def widget_texts(widget, lang: str) -> list[tuple[str, str]]:
    """Every (text, language) a dashboard's widgets show: HTML, descriptions, options, buttons, tooltips."""
    import ipywidgets as w

    from gloact_lib.views.live_map import LiveMap

    out = []
    if isinstance(widget, w.HTML):
        out += page_texts(widget.value, lang)
    for name in ("description", "tooltip", "placeholder"):
        value = getattr(widget, name, None)
        if isinstance(value, str) and value.strip():
            out.append((value, lang))
    out += [(label, lang) for label in getattr(widget, "_options_labels", ()) or ()]
    for tip in getattr(widget, "tooltips", ()) or ():
        out.append((tip, lang))
    if isinstance(widget, LiveMap):  # the live route map: its legend, notes and tooltips
        out += [(text, lang) for text in widget.texts()]
    for child in getattr(widget, "children", ()) or ():
        out += widget_texts(child, lang)
    return out


def english_strings(where: str, texts, names=("English",)) -> list[str]:
    """Lines "where: text -> English words" for each French text with English in it (``names``: proper names
    shown as they are, such as the language switch's "English")."""
    bad = {}
    for text, lang in texts:
        if lang != "en" and text not in names and (found := english_in(text)):
            bad[text] = f"{where}: {text[:300]!r} -> {sorted(set(found))}"
    return list(bad.values())


def internal_references(where: str, texts) -> list[str]:
    return sorted({f"{where}: {m.group(0)!r} in {text[:300]!r}" for text, _ in texts if (m := INTERNAL.search(text))})


# --- the detector itself -------------------------------------------------------------------------------------------


def test_the_detector_finds_english_and_passes_french():
    assert english_in("12,673 persons in this selection") == ["persons", "in", "this", "selection", "12,673"]
    assert english_in("Transit hubs · 500 mi") == ["hubs", "500 mi"]
    assert english_in("Text as adopted (English).") == ["text", "adopted"]
    assert english_in("Égypte, Érythrée : 12 673 personnes ; l'origine, la source et la route") == []
    assert english_in("voir https://www.unodc.org/the-page and-more") == ["and", "more"]
    french = {key: re.sub(r"\{\w+\}", "", label["fr"]) for key, label in LABELS.items()}  # placeholders aside
    wrong = {key: (text, english_in(text)) for key, text in french.items() if english_in(text)}
    assert wrong == {}, "\n".join(f"{k}: {v}" for k, v in wrong.items())


def test_every_english_label_reads_as_english():
    """The word list is not empty words: most English labels are caught by it."""
    caught = [key for key, label in LABELS.items() if english_in(label["en"])]
    assert len(caught) > 0.6 * len(LABELS)
    assert english_in(t("translation_note", "en")) or english_in(t("suppression_note", "en"))


# --- in-process: the dashboards, the briefing packs, the form, the landing page --------------------------------------


def _dashboards(con, lang: str):
    """(where, dashboard) of every view the test reads: the routes on real data and on every journey, the country
    profiles of Mali, Morocco and Niger (national figures, with their units), the commitments."""
    from gloact_lib.analysis.flows import Selection
    from gloact_lib.dashboards import CommitmentsDashboard, CountryDashboard, RoutesDashboard

    yield "routes", RoutesDashboard(con=con, lang=lang)
    yield "routes (persons, all data)", RoutesDashboard(con=con, lang=lang, selection=Selection(unit="persons",
                                                                                                  data="all"))
    for iso3 in ("MLI", "MAR", "NER"):
        yield f"country profile {iso3}", CountryDashboard(con=con, country=iso3, lang=lang)
    yield "commitments", CommitmentsDashboard(con=con, lang=lang)


def _download_texts(dashboard, lang: str) -> list[tuple[str, str]]:
    """Every cell of a view's CSV download (its figures, with their sources and caveats).  A file has no markup:
    there an article's title, quoted in English in « », is the citation."""
    import csv
    import io

    from gloact_lib.views.downloads import to_csv
    from gloact_lib.views.sources import CITED_TITLES

    rows = csv.reader(io.StringIO(to_csv(dashboard.published_table()).decode("utf-8-sig")))
    cells = [cell for row in rows for cell in row if cell.strip() and not cell.lstrip("'-").isdigit()]
    for title in CITED_TITLES:
        cells = [cell.replace(f"« {title} »", "« … »") for cell in cells]
    return [(cell, lang) for cell in cells]


def _briefings(con, lang: str):
    from gloact_lib.views.briefing import briefing_html

    for meeting in ("casablanca-2019", "niamey-2018-06"):
        yield f"briefing {meeting}", page_texts(briefing_html(con, meeting, lang)[0], lang)


def _form_texts(con, lang: str, folder) -> list[tuple[str, str]]:
    """Every cell of the visible sheets of a country's commitments form, and the headers' comments."""
    from openpyxl import load_workbook

    from gloact_lib.views.forms import write_template

    out = []
    for iso3 in ("MLI", "NER"):
        book = load_workbook(write_template(con, iso3, lang, folder / f"{iso3}-{lang}.xlsx"))
        for sheet in book.worksheets:
            if sheet.sheet_state != "visible":
                continue
            out.append((sheet.title, lang))
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.strip():
                        out.append((cell.value, lang))
                    if cell.comment is not None:
                        out.append((cell.comment.text, lang))
            for validation in sheet.data_validations.dataValidation:
                out += [(v, lang) for v in (validation.formula1 or "").strip('"').split(",") if v]
    return out


def _landing(lang: str) -> list[tuple[str, str]]:
    from jinja2 import Environment, FileSystemLoader

    from gloact_lib.app.serve import TEMPLATE_ROOT, landing_context

    folder = TEMPLATE_ROOT / "voila" / "templates" / "gloact"
    page = Environment(loader=FileSystemLoader(folder), autoescape=True).get_template("landing.html")
    return page_texts(page.render(**landing_context(lang)), lang)


def test_french_dashboards_in_process(built_con):
    found = []
    for where, dashboard in _dashboards(built_con, "fr"):
        assert dashboard.lang == "fr" and "Updated" not in dashboard.status, (where, dashboard.status)
        found += english_strings(where, widget_texts(dashboard, "fr"))
        found += english_strings(f"{where} (CSV download)", _download_texts(dashboard, "fr"))
    assert found == [], "English in French dashboards:\n" + "\n".join(found)


def test_french_briefing_packs(built_con):
    found = [line for where, texts in _briefings(built_con, "fr") for line in english_strings(where, texts)]
    assert found == [], "English in French briefing packs:\n" + "\n".join(found)


def test_french_form(built_con, tmp_path):
    found = english_strings("commitments form", _form_texts(built_con, "fr", tmp_path))
    assert found == [], "English in the French form:\n" + "\n".join(found)


def test_french_landing_page():
    found = english_strings("landing page", _landing("fr"))
    assert found == [], "English on the French landing page:\n" + "\n".join(found)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_no_internal_reference_is_shown(built_con, tmp_path, lang):
    found = []
    for where, dashboard in _dashboards(built_con, lang):
        found += internal_references(where, widget_texts(dashboard, lang))
        found += internal_references(f"{where} (CSV download)", _download_texts(dashboard, lang))
    for where, texts in _briefings(built_con, lang):
        found += internal_references(where, texts)
    found += internal_references("landing page", _landing(lang))
    found += internal_references("commitments form", _form_texts(built_con, lang, tmp_path))
    assert found == [], "Internal references shown to officials:\n" + "\n".join(found)


# --- served: what Chromium shows, the map frames, drop-downs and buttons included ------------------------------------

#: Every (where, text, language) a page shows: its visible text nodes, the attributes a browser shows (title,
#: aria-label, alt, placeholder), every option of a visible drop-down, an SVG's tooltips, and the same in each
#: frame of the same origin (the maps are ``srcdoc`` frames); the language is that of the closest ``lang``.
_SHOWN_JS = """() => {
  const out = [];
  const langOf = (el) => { const l = el && el.closest('[lang]'); return l ? l.getAttribute('lang') : ''; };
  const shown = (el) => el.checkVisibility({checkVisibilityCSS: true});
  function walk(doc, where) {
    if (!doc || !doc.body) return;
    const texts = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
    for (let node = texts.nextNode(); node; node = texts.nextNode()) {
      const el = node.parentElement, text = node.textContent.trim();
      if (!text || !el || el.closest('script, style, template, option')) continue;
      if (el.closest('svg title') ? shown(el.closest('svg')) : shown(el)) out.push([where, text, langOf(el)]);
    }
    for (const el of doc.body.querySelectorAll('[title], [aria-label], [alt], [placeholder]')) {
      if (!shown(el)) continue;
      for (const a of ['title', 'aria-label', 'alt', 'placeholder']) {
        const v = el.getAttribute(a);
        if (v && v.trim()) out.push([where + ' @' + a, v, langOf(el)]);
      }
    }
    for (const s of doc.body.querySelectorAll('select')) {
      if (shown(s)) for (const o of s.options) out.push([where + ' <option>', o.text, langOf(s)]);
    }
    doc.querySelectorAll('iframe').forEach((f, k) => walk(f.contentDocument, where + ' > frame ' + (k + 1)));
  }
  walk(document, 'page');
  return out;
}"""


def shown_texts(page, where: str) -> list[tuple[str, str, str]]:
    """(where, text, language) of everything ``page`` shows, and its maps' tooltips (in their frames' data)."""
    out = [(f"{where}: {w}", text, lang) for w, text, lang in page.evaluate(_SHOWN_JS)]
    for k, frame in enumerate(page.eval_on_selector_all("iframe[srcdoc]", "fs => fs.map(f => f.srcdoc)"), 1):
        out += [(f"{where}: frame {k} (tooltips)", text, lang) for text, lang in _map_texts(frame, "fr")]
    return out


def _grouped(seen) -> dict[str, list[tuple[str, str]]]:
    by_where: dict[str, list[tuple[str, str]]] = {}
    for where, text, lang in seen:
        by_where.setdefault(where, []).append((" ".join(text.split()), lang))
    return by_where


#: The served views read in French: (where, address, what shows it is drawn).
SERVED = [
    ("landing page", "/?lang=fr", "li.card"),
    ("routes", "/voila/render/routes.ipynb?lang=fr", ".gloact-live path.gloact-arc"),
    ("routes (persons, all data)", "/voila/render/routes.ipynb?lang=fr&unit=persons&data=all",
     ".gloact-live path.gloact-arc"),
    ("country profile MLI", "/voila/render/country.ipynb?country=MLI&lang=fr", "iframe.gloact-map"),
    ("country profile MAR", "/voila/render/country.ipynb?country=MAR&lang=fr", "iframe.gloact-map"),
    ("commitments", "/voila/render/commitments.ipynb?lang=fr", ".gloact-cell"),
]


@pytest.fixture(scope="module")
def server(built_db):
    """``gloact serve`` of the shipped data, once for every served view: its base URL."""
    from gloact_lib.app.harness import voila_server

    with voila_server(built_db, built_db.parent / "serve-french.log") as (base, _pid):
        yield base


@pytest.mark.browser
@pytest.mark.slow
def test_french_in_the_browser(server, browser, built_con):
    """The served dashboards, the landing page and the briefing packs, as Chromium shows them in French."""
    from tests.browser import watched_page

    found, internal, seen = [], [], {}
    page, watch = watched_page(browser, 1366, 768)
    for where, address, drawn in SERVED:
        page.goto(server + address, timeout=120_000)
        page.locator(drawn).first.wait_for(timeout=120_000)
        for frame in page.locator("iframe.gloact-map").all():  # every map is drawn
            frame.content_frame.locator(".leaflet-control-scale").first.wait_for(state="attached", timeout=60_000)
        page.wait_for_timeout(300)
        seen[where] = shown_texts(page, where)
        for spot, texts in _grouped(seen[where]).items():
            found += english_strings(spot, texts)
            internal += internal_references(spot, texts)
    for where, _ in _briefings(built_con, "fr"):
        from gloact_lib.views.briefing import briefing_html

        page.set_content(briefing_html(built_con, where.split()[-1], "fr")[0], timeout=60_000)
        for frame in page.locator("iframe").all():  # every map is drawn
            frame.content_frame.locator(".leaflet-control-scale").first.wait_for(state="attached", timeout=60_000)
        for spot, texts in _grouped(shown_texts(page, where)).items():
            found += english_strings(spot, texts)
            internal += internal_references(spot, texts)
    page.close()
    # the walk read the pages, their drop-downs and their map frames (the scale in kilometres, a hub's French name)
    assert all(len(texts) > 20 for texts in seen.values()), {where: len(texts) for where, texts in seen.items()}
    assert any(w.endswith("<option>") and x == "Égypte" for w, x, _ in seen["routes"])
    assert any(re.fullmatch(r"\d+ km", x) for w, x, _ in seen["routes"])  # the live map, on the page
    assert any(x == "Tanger" for w, x, _ in seen["routes (persons, all data)"])
    assert watch.external == []
    assert found == [], "English in French views:\n" + "\n".join(found)
    assert internal == [], "Internal references shown to officials:\n" + "\n".join(internal)


# --- the pieces: dates, collation, the form's headers, sources, citations, places, the map's scale -------------------


def test_juin_2024_is_a_date():
    """README lists "June 2018 / juin 2018" among the dates: a month (a period for journeys, its first day for a
    status update, as Excel reads a month typed in a date cell)."""
    import datetime as dt

    from gloact_lib.imports.validate import parse_day_or_month, parse_period

    assert parse_period("juin 2024") == parse_period("June 2024") == (dt.date(2024, 6, 1), dt.date(2024, 6, 30))
    assert parse_period("Juin 2024") == parse_period("2024-06")
    assert parse_day_or_month("juin 2024") == parse_day_or_month("2024-06") == dt.date(2024, 6, 1)
    assert parse_day_or_month("févr. 2024") == dt.date(2024, 2, 1)
    assert parse_day_or_month("18/06/2024") == dt.date(2024, 6, 18)
    with pytest.raises(ValueError, match="a day or a month"):
        parse_day_or_month("2024")


def test_french_collation_puts_egypt_among_the_e():
    from gloact_lib.data.countries import country_name, name_key

    names = sorted((country_name(c, "fr") for c in ("ZWE", "EGY", "DJI", "ERI", "ESP", "ARE", "DEU")), key=name_key)
    assert names == ["Allemagne", "Djibouti", "Égypte", "Émirats arabes unis", "Érythrée", "Espagne", "Zimbabwe"]
    assert sorted(["Ouganda", "Œuvre", "Oman"], key=name_key) == ["Œuvre", "Oman", "Ouganda"]


def test_the_routes_countries_are_in_french_order(built_con):
    from gloact_lib.dashboards import RoutesDashboard
    from gloact_lib.data.countries import name_key

    names = [label for label, code in RoutesDashboard(con=built_con, lang="fr").country.options if code]
    assert names == sorted(names, key=name_key)
    assert names.index("Égypte") < names.index("Espagne") < names.index("Zimbabwe")


def test_the_french_form_speaks_french(built_con, tmp_path):
    from openpyxl import load_workbook

    from gloact_lib.imports.formats.commitments import FORM_HEADERS
    from gloact_lib.views.forms import TEMPLATE_COLUMNS, write_template

    sheet = load_workbook(write_template(built_con, "NER", "fr", tmp_path / "ner.xlsx")).worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[5:8] == ["nouveau statut", "date", "preuve"] and "recommandation" in headers
    assert [FORM_HEADERS[h.lower()] for h in headers] == TEMPLATE_COLUMNS  # read back as the columns they are
    english = load_workbook(write_template(built_con, "NER", "en", tmp_path / "ner-en.xlsx")).worksheets[0]
    assert [c.value for c in english[1]] == TEMPLATE_COLUMNS


def test_every_stored_source_has_a_readers_name(built_con):
    """Each source of the shipped data, as an official reads it: no file, module, repository, commit or seed;
    in French, no English but an article's title, which is marked as an English citation."""
    from gloact_lib.views.sources import source_html, source_text

    tables = ("journeys", "incidents", "indicators", "treaties", "recommendations", "meetings", "participants",
              "status_updates", "places", "groups")  # fmt: skip
    stored = {s for table in tables for (s,) in built_con.execute(f"SELECT DISTINCT source FROM {table}").fetchall()}
    assert len(stored) > 10
    for source in stored:
        for lang in ("en", "fr"):
            shown = page_texts(f"<p>{source_html(source, lang)}</p>", lang)
            assert internal_references(source, shown) == []
            assert INTERNAL.search(source_text(source, lang)) is None, source
        assert english_strings(source, page_texts(f"<p>{source_html(source, 'fr')}</p>", "fr")) == []
    assert source_text("github.com/zmjones/untreaties @ 65551eafcd (commit 2014-07-10), file treaties/18-12.csv; "
                       "scraped from UN Treaty Collection MTDSG XVIII-12", "fr").startswith("Collection des traités")


def test_adopted_texts_are_citations_and_summaries_say_so(built_con):
    from gloact_lib.analysis.commitments import latest_status, status_matrix
    from gloact_lib.views.html import recommendation_list

    recs = status_matrix(latest_status(built_con))[0]
    english, french = recommendation_list(recs, "en"), recommendation_list(recs, "fr")
    casablanca = recs[recs["meeting_id"] == "casablanca-2019"].iloc[0]
    assert f"<q lang='en' class='gloact-citation'>{casablanca.text_en}</q>" in english
    niamey = recs[recs["meeting_id"] == "niamey-2018-06"]
    assert len(niamey) == 6
    for r in niamey.itertuples():  # summaries of the workbook team, never quoted as adopted
        assert f"{r.number}. {r.text_en.removesuffix(' (summary)')} (summary)</li>" in english
        assert f"{r.number}. {r.text_fr.removesuffix(' (résumé)')} (résumé)</li>".replace("'", "&#x27;") in french
    assert "summary" in t("translation_note", "en") and "résumé" in t("translation_note", "fr")
    assert "<q" not in french  # the French list is the workbook team's translation, said so in the note


def test_places_with_a_french_form(built_con):
    from gloact_lib.analysis.flows import Flows, Selection
    from gloact_lib.imports.pipeline import _places

    flows = Flows.from_db(built_con, Selection(country="MAR", data="all"))
    assert flows.nodes["tangier"].name("fr") == "Tanger" and flows.nodes["tangier"].name("en") == "Tangier"
    assert _places(built_con).find("Tanger") == "tangier"  # a French file's "Tanger" is the same place


def test_the_map_scale_is_in_kilometres_and_leaflet_speaks_french():
    from gloact_lib.views.assets import MAP_HELPERS
    from gloact_lib.views.map_text import leaflet_words

    assert "L.Control.Scale.mergeOptions({imperial: false})" in MAP_HELPERS
    assert "Zoom avant" in leaflet_words("fr") and english_in(leaflet_words("fr").replace("mergeOptions", "")) == []
