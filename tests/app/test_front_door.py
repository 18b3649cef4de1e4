"""The front door: the landing page ``gloact serve`` shows at "/", and no developer text where a viewer looks.

The fast tests read :func:`gloact_lib.app.serve.landing_context`, the dashboards' notebooks and the
``gloact`` template's files; the served ones (``browser``) fetch the pages of a real ``gloact serve``
and drive Chromium with the network cut, saving the screenshots ``docs/screenshots/landing-*.png``.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from gloact_lib import config
from gloact_lib.app.harness import get, leave_page, voila_server
from gloact_lib.app.serve import CARDS, TEMPLATE_ROOT, landing_context
from gloact_lib.i18n import t

from ..browser import distinct_colours, watched_page
from ..conftest import ROOT

SCREENSHOTS = ROOT / "tests" / "artifacts"  # docs/screenshots/ is made by `make screenshots`
TEMPLATE = TEMPLATE_ROOT / "voila" / "templates" / "gloact"

#: What a developer writes and a viewer must never read: commands, the server's name, files, code.
DEVELOPER_TEXT = re.compile(r"\bmake (serve|test|lab|db)\b|Voil[àa]|\.ipynb|\.py\b|\.md\b|gloact_lib|notebooks/|"
                            r"\bdata/|`|Traceback|127\.0\.0\.1|localhost|\?(lang|country|present)=")  # fmt: skip
#: A script or stylesheet fetched from another host.
EXTERNAL = re.compile(r"<(script|link)\b[^>]*\b(src|href)\s*=\s*[\"']?\s*(https?:)?//", re.I)


class _Visible(HTMLParser):
    """The text a viewer reads in an HTML page: its text outside <style> and <script>, and the
    attributes a browser shows (title, alt, aria-label, placeholder)."""

    SHOWN = ("title", "alt", "aria-label", "placeholder")

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._hidden += 1
        self.parts += [value for name, value in attrs if name in self.SHOWN and value]

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(page: str) -> str:
    """The text of ``page`` (HTML) a viewer reads, white space collapsed."""
    parser = _Visible()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


# --- without a server ----------------------------------------------------------------------------------------------


def test_one_card_per_dashboard_in_both_languages():
    for lang, other in (("en", "fr"), ("fr", "en")):
        page = landing_context(lang)
        assert page["lang"] == lang
        cards = page["cards"]
        assert [c["href"] for c in cards] == [f"/voila/render/{name}?lang={lang}" for name in config.DASHBOARDS]
        assert [c["other_href"] for c in cards] == [f"/voila/render/{n}?lang={other}" for n in config.DASHBOARDS]
        assert [c["present_href"] for c in cards] == [f"/voila/render/{n}?present=1&lang={lang}"
                                                      for n in config.DASHBOARDS]  # fmt: skip
        for card, (_, title, text, data) in zip(cards, CARDS, strict=True):
            for key, value in (("title", title), ("text", text), ("data", data)):
                assert card[key].replace("\u00a0", " ") == t(value, lang)
            assert card["other_label"] == t("landing_open_in", other) and card["other_lang"] == other
        assert [(x["code"], x["current"]) for x in page["languages"]] == [("en", lang == "en"), ("fr", lang == "fr")]
    assert "Frontex" in landing_context("en")["cards"][0]["data"]
    assert "illustrati" in landing_context("fr")["cards"][0]["data"]


def test_the_landing_page_falls_back_to_english_and_lists_only_what_is_served():
    assert landing_context("xx") == landing_context("en")
    page = landing_context("en", base_url="/base/", dashboards=("routes.ipynb",))
    assert [c["href"] for c in page["cards"]] == ["/base/voila/render/routes.ipynb?lang=en"]
    assert page["languages"][1]["href"] == "/base/?lang=fr"


def test_french_colons_do_not_break_the_line():
    page = landing_context("fr")
    assert " :" not in page["text"]["landing_subtitle"] and "\u00a0:" in page["text"]["landing_subtitle"]
    assert all(" ;" not in c["data"] for c in page["cards"])


@pytest.mark.parametrize("name", config.DASHBOARDS)
def test_the_dashboards_notebooks_speak_to_viewers(name):
    """A dashboard's notebook: an introduction per language and a way home, no developer text, no outputs."""
    nb = json.loads((config.NOTEBOOKS_DIR / name).read_text(encoding="utf-8"))
    markdown = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert DEVELOPER_TEXT.search(visible_text(markdown)) is None, visible_text(markdown)
    intros = re.findall(r'<p class="gloact-intro" lang="(\w+)"><a class="gloact-home" href="../../\?lang=(\w+)">',
                        markdown)  # fmt: skip
    assert intros == [("en", "en"), ("fr", "fr")]
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("path", sorted(p.name for p in TEMPLATE.iterdir() if p.is_file()))
def test_the_template_loads_nothing_from_the_network(path):
    text = (TEMPLATE / path).read_text(encoding="utf-8")
    assert EXTERNAL.search(text) is None
    assert not re.search(r"url\(\s*[\"']?(https?:)?//|@import", text)


def test_the_loading_and_error_pages_speak_to_viewers():
    for name in ("spinner.macro.html.j2", "error.html", "page.html"):
        source = (TEMPLATE / name).read_text(encoding="utf-8")
        shown = visible_text(re.sub(r"\{[#%].*?[#%]\}|\{\{.*?\}\}", " ", source, flags=re.S))  # the HTML only
        assert DEVELOPER_TEXT.search(shown) is None, (name, shown)
    assert 'id="loading_text"' not in (TEMPLATE / "spinner.macro.html.j2").read_text("utf-8")  # no "Executing 1 of 2"


# --- served --------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(built_db):
    """``gloact serve`` of the shipped data: base URL."""
    with voila_server(built_db, built_db.parent / "front-door.log") as (base, _pid):
        yield base


@pytest.mark.browser
def test_the_landing_page_served(server):
    english, french = get(server + "/").decode(), get(server + "/?lang=fr").decode()
    for page, lang, other in ((english, "en", "fr"), (french, "fr", "en")):
        assert f'<html lang="{lang}">' in page
        assert page.count('<li class="card">') == len(config.DASHBOARDS) == 3
        for name in config.DASHBOARDS:
            assert f'href="/voila/render/{name}?lang={lang}"' in page
            assert f'href="/voila/render/{name}?lang={other}"' in page
            assert f'href="/voila/render/{name}?present=1&amp;lang={lang}"' in page
        shown = visible_text(page)
        assert t("landing_title", lang) in shown
        for _, title, _, _ in CARDS:
            assert t(title, lang) in shown  # (visible_text reads a no-break space as a space)
        assert t("landing_open_in", other) in shown
        assert "English" in shown and "Français" in shown  # the language switch
        assert "analyst_workbook" not in page
        assert DEVELOPER_TEXT.search(shown) is None, DEVELOPER_TEXT.search(shown)
        assert EXTERNAL.search(page) is None and "<script" not in page
    assert "Ouvrir" in french and "Frontex" in french and "Itinéraires" in french
    assert get(server + "/?lang=xx").decode() == english
    assert get(server + "/voila/tree").decode() == english


@pytest.mark.browser
def test_no_file_list_and_no_other_page(server):
    import urllib.error

    for path in ("/voila/tree/analyst_workbook.ipynb", "/voila/tree/routes.ipynb",
                 "/voila/render/analyst_workbook.ipynb"):  # fmt: skip
        with pytest.raises(urllib.error.HTTPError) as caught:
            get(server + path)
        assert caught.value.code == 404
        page = caught.value.read().decode()
        assert "Cette page n'existe pas." in page and DEVELOPER_TEXT.search(visible_text(page)) is None


def _landing(browser, base: str, lang: str, width: int, height: int):
    page, watch = watched_page(browser, width, height)
    page.goto(f"{base}/?lang={lang}")
    page.locator("li.card").first.wait_for(timeout=30_000)
    return page, watch


@pytest.mark.browser
@pytest.mark.parametrize(("lang", "width", "height"), [("en", 1366, 768), ("fr", 1366, 768), ("en", 1920, 1080),
                                                       ("fr", 1920, 1080)])  # fmt: skip
def test_the_landing_page_on_a_screen(server, browser, lang, width, height):
    """Readable at a projector's 1366×768 and at 1920×1080, offline: three cards above the fold, large type."""
    page, watch = _landing(browser, server, lang, width, height)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    png = page.screenshot(path=str(SCREENSHOTS / f"landing-{lang}-{width}.png"))
    assert distinct_colours(png) > 8
    assert watch.external == [] and watch.errors == []
    assert page.locator("li.card").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing wider than the screen
    for box in (page.locator("a.open").nth(k).bounding_box() for k in range(3)):
        assert box["y"] + box["height"] <= height  # every card's "Open" above the fold
    smallest = page.evaluate("""() => Math.min(...Array.from(document.body.querySelectorAll('*'))
        .filter(e => Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim()))
        .map(e => parseFloat(getComputedStyle(e).fontSize)))""")
    assert smallest >= 18
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_card_opens_its_dashboard(server, browser, lang):
    """Each card's "Open" shows the dashboard in the page's language, its introduction in that language only,
    a way home, and no text of the template or notebook a viewer should not read."""
    for k, (name, title, _, _) in enumerate(CARDS):
        page, watch = _landing(browser, server, lang, 1366, 768)
        page.locator("a.open").nth(k).click()
        page.wait_for_url(f"**/voila/render/{name}?lang={lang}")
        page.locator(".gloact-dashboard .gloact-title").first.wait_for(timeout=120_000)
        page.locator(f'.gloact-intro[lang="{lang}"]').wait_for(state="visible", timeout=10_000)
        other = "fr" if lang == "en" else "en"
        assert page.locator(f'.gloact-intro[lang="{other}"]').is_hidden()
        assert page.evaluate("document.documentElement.lang") == lang
        page.wait_for_function("document.title.endsWith(' · GLO.ACT')", timeout=10_000)
        assert page.title().startswith(t(title, lang).split(":")[0])
        body = page.inner_text("body")
        assert not re.search(r"\bmake (serve|test|lab)\b|Voil[àa]|\.ipynb|Traceback|Executing \d", body)
        assert watch.external == []
        home = page.locator(f'.gloact-intro[lang="{lang}"] a.gloact-home')
        home.click()
        page.wait_for_url(f"**/?lang={lang}")
        page.locator("li.card").first.wait_for(timeout=30_000)
        leave_page(page)


@pytest.mark.browser
def test_the_dashboards_language_switch_follows_on_the_page(server, browser):
    page, watch = watched_page(browser, 1366, 768)
    page.goto(server + "/voila/render/commitments.ipynb?lang=fr")
    page.locator('.gloact-intro[lang="fr"]').wait_for(state="visible", timeout=120_000)
    page.locator(".gloact-dashboard .gloact-title").first.wait_for(timeout=120_000)
    page.get_by_role("button", name="English").click()
    page.locator('.gloact-intro[lang="en"]').wait_for(state="visible", timeout=30_000)
    assert page.locator('.gloact-intro[lang="fr"]').is_hidden()
    page.wait_for_function("document.title.startsWith('Commitments')", timeout=30_000)
    assert watch.external == []
    leave_page(page)
