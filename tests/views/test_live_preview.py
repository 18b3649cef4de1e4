"""The first paint's HTML (gloact_lib/views/live_preview.py): who adds it, and what it holds."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from gloact_lib._lean import LEAN_KERNEL_ENV
from gloact_lib.dashboards.routes import RoutesDashboard
from gloact_lib.views.live_preview import PREVIEW_MIME, preview_html

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.handlers, self.data = [], [], {}

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        self._in = dict(attrs).get("class") if tag == "script" else None

    def handle_data(self, data):
        if getattr(self, "_in", None):
            self.data[self._in] = data


def test_only_served_kernels_add_it_and_never_in_presenter_mode(built_con, monkeypatch):
    dashboard = RoutesDashboard(con=built_con)
    monkeypatch.delenv(LEAN_KERNEL_ENV, raising=False)
    assert PREVIEW_MIME not in dashboard._repr_mimebundle_()  # JupyterLab: the widgets are there at once
    monkeypatch.setenv(LEAN_KERNEL_ENV, "1")
    bundle = dashboard._repr_mimebundle_()
    assert WIDGET_MIME in bundle and bundle[PREVIEW_MIME].startswith('<div class="gloact-preview"')
    presenter = RoutesDashboard(con=built_con, present=True)
    assert PREVIEW_MIME not in presenter._repr_mimebundle_()


def test_a_preheated_kernel_writes_it_before_its_visitor_comes_and_again_when_the_view_changes(built_con,
                                                                                                  monkeypatch):
    """The room's pages wait for no drawing in the kernels: the default view's first paint is written at the
    preheat; a visitor asking for another view (another language, a country) gets that view's."""
    import gloact_lib.views.live_preview as live_preview

    monkeypatch.setenv(LEAN_KERNEL_ENV, "1")
    written = []
    monkeypatch.setattr(live_preview, "preview_html", lambda *a: written.append(a[-1]) or f"<p>{len(written)}</p>")
    import gloact_lib.dashboards.base as base

    when_asked = []  # what was written when the kernel began waiting for its visitor
    monkeypatch.setattr(base, "url_parameters", lambda: when_asked.append(list(written)) or {})
    dashboard = RoutesDashboard.from_url(con=built_con)  # the visitor of the plain address
    assert when_asked == [["en"]] and written == ["en"]
    assert dashboard._repr_mimebundle_()[PREVIEW_MIME] == "<p>1</p>" and written == ["en"]
    dashboard._configured({"lang": "fr", "country": "NER"})
    assert dashboard._repr_mimebundle_()[PREVIEW_MIME] == "<p>2</p>" and written == ["en", "fr"]
    dashboard.live.selected = ""  # any trait the drawing reads, changed: written again
    assert dashboard._repr_mimebundle_()[PREVIEW_MIME] == "<p>3</p>"
    presenter = RoutesDashboard(con=built_con, present=True)
    presenter._before_visitor()
    assert len(written) == 3


def test_it_draws_what_the_live_map_holds_and_no_text_is_markup(built_con):
    dashboard = RoutesDashboard(con=built_con, lang="fr")
    hostile = "</script><img src=x onerror=alert(1)><!-- & {{7*7}}\" data-x='"
    live = dashboard.live
    live.names = {**live.names, "NER": hostile}
    live.nodes = {**live.nodes, "name": [hostile] * len(live.nodes["name"]),
                  "label": [hostile] * len(live.nodes["label"])}  # fmt: skip
    page = preview_html(live, dashboard.title.value, dashboard.kpis.value, "fr")
    parser = _Tags()
    parser.feed(page)
    assert parser.tags.count("script") == 1 and parser.handlers == []  # the one script places it: nothing else runs
    assert "<img" not in page and hostile not in page and "{{" in page  # as text, and never a template
    assert parser.tags.count("svg") == 1 and page.count('class="gloact-arc') >= 1
    assert "&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page  # the labels and tooltips: escaped text
    assert "Chargement des filtres" in page and "gloact-pre-model" not in page  # no data for a script to draw
    assert not re.search(r"export\s+default", page) and "leaflet.js" not in page.lower()


def test_the_script_reads_no_text_as_markup():
    """The placing script writes tooltips with textContent and touches no other text."""
    from gloact_lib.views.live_preview import _STARTER

    assert "innerHTML" not in _STARTER and "insertAdjacentHTML" not in _STARTER and "eval(" not in _STARTER
    assert "textContent = line" in _STARTER
