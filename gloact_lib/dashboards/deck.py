"""Presenter mode: a dashboard as slides for a projector (``?present=1``).

A presenter opens a prepared link (``/voila/render/routes.ipynb?present=1&lang=fr&period=2016-2019``)
and walks through the dashboard with the arrow keys (or a clicker's Page Up / Page Down): a title
slide, a key-messages slide, then the dashboard's own panels, one per slide, full screen, with the
dashboard's title and "3 / 7" at the bottom.  Nothing on a slide is a control: the filters, the
language switch, the refresh button, the downloads and the status line are not shown.

Projector-grade means readable from the back of a room: body text is 24 px on a 1366×768 slide and
no text is under 16 px, the map's included.  A slide holding more than fits (a long table, a long
list) shows what fits and says how many rows are left out, never a scrollbar and never a cut line;
the page's script (the Voilà template ``gloact``) does that fitting, numbers the slides and moves
between them.  This module writes the two slides the dashboard does not have and the rules; the
dashboards provide their content through ``Panel._deck()`` (a :class:`Deck`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from gloact_lib.i18n import t
from gloact_lib.views.html import illustrative_badge, map_frame
from gloact_lib.views.sources import source_name

__all__ = ["DECK_CSS", "Deck", "map_slide", "messages_slide", "title_slide"]


@dataclass
class Deck:
    """What presenter mode shows of a dashboard besides its panels.

    Parameters
    ----------
    title : str
        The dashboard's title (title slide and the bottom line of every slide).
    lines : list of str
        The title slide's lines under the title: what is selected, the period, the sources.
    messages : list of str
        The key messages, each a sentence with its figure (its source named in it or in ``lines``).
    illustrative : bool
        Some figures are the generated sample: every slide says so.
    """

    title: str
    lines: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    illustrative: bool = False


def _meta(deck: Deck, lang: str) -> str:
    """Hidden data the page's script reads: the bottom line and the "N more rows" sentence."""
    e = html.escape
    bottom = deck.title + (f" · {t('illustrative_badge', lang)}" if deck.illustrative else "")
    return (f"<div class='gloact-deck-meta' hidden data-title='{e(bottom, quote=True)}' "
            f"data-more='{e(t('present_more', lang), quote=True)}'></div>")  # fmt: skip


def title_slide(deck: Deck, lang: str, as_of: str = "") -> str:
    """The first slide: title, what is shown, the data's date; the sample's badge when some is generated.

    Examples
    --------
    >>> page = title_slide(Deck("Routes <b>", ["Frontex"]), "en")
    >>> "Routes &lt;b&gt;" in page and "<b>" not in page
    True
    """
    e = html.escape
    badge = f"<p class='gloact-deck-badge'>{illustrative_badge(lang)}</p>" if deck.illustrative else ""
    lines = "".join(f"<p>{e(line)}</p>" for line in deck.lines if line)
    when = f"<p class='gloact-deck-when'>{e(as_of)}</p>" if as_of else ""
    return (f"{_meta(deck, lang)}<div class='gloact-deck-cover'><h1>{e(deck.title)}</h1>{badge}{lines}{when}"
            f"<p class='gloact-deck-keys'>{e(t('present_keys', lang))}</p></div>")  # fmt: skip


def messages_slide(deck: Deck, lang: str) -> str:
    """The second slide: the key messages, one sentence each."""
    e = html.escape
    badge = f" {illustrative_badge(lang)}" if deck.illustrative else ""
    items = "".join(f"<li>{e(m)}</li>" for m in deck.messages) or f"<li>{e(t('no_data', lang))}</li>"
    return f"<h2>{e(t('key_messages', lang))}{badge}</h2><ul class='gloact-deck-messages'>{items}</ul>"


def map_slide(m, title: str, sources: list[str], lang: str) -> str:
    """A route map for a slide: its legend, notes, sample badge and sources beside it, where they hide no country.

    The totals not on the map are on the notes slide; the map's own controls are hidden by the page's script.
    """
    from gloact_lib.views.map_elements import take_boxes  # folium: presenter mode only

    boxes = take_boxes(m)
    side = "".join(f"<div class='{kind}'>{box}</div>" for kind in ("gloact-badge", "gloact-note", "gloact-legend")
                   for box in boxes.get(kind, []))  # fmt: skip
    named = "; ".join(dict.fromkeys(source_name(s, lang, short=True) for s in sources))
    side += f"<p class='gloact-deck-sources'><b>{html.escape(t('sources', lang))}</b>: {html.escape(named)}</p>"
    return (f"<div class='gloact-deck-map'><div class='gloact-deck-mapcol'>{map_frame(m, title, height='100%')}</div>"
            f"<div class='gloact-deck-side'>{side}</div></div>")  # fmt: skip


#: Presenter mode's rules (scoped to ``.gloact-present``; the map's own are in the Voila template, which
#: puts them into each map's page).  The slide is fixed to the window above a 52 px bottom line.  The 24 px rule
#: for every text is inside ``:where()`` (no specificity of its own), so that a heading's or a figure's own size wins.
DECK_CSS = """
.gloact-present .gloact-header, .gloact-present .gloact-filters, .gloact-present .gloact-status,
.gloact-present .gloact-downloads, .gloact-present .widget-dropdown, .gloact-present .widget-toggle-buttons,
.gloact-present button { display: none !important; }
.gloact-present .gloact-slide { display: none !important; }
.gloact-present .gloact-slide.gloact-active { display: block !important; position: fixed; left: 0; top: 0;
  right: 0; bottom: 52px; z-index: 1000; box-sizing: border-box; padding: 28px 48px; overflow: hidden;
  background: #fff; width: auto !important; height: auto !important; }
.gloact-present .gloact-active :where(*:not(svg):not(svg *)) { font-size: 24px !important;
  line-height: 1.35 !important; max-width: none !important; }
.gloact-present .gloact-active h1 { font-size: 52px !important; line-height: 1.15 !important;
  color: #7a2b1f; margin: 0 0 28px; }
.gloact-present .gloact-active h2 { font-size: 40px !important; margin: 0 0 20px; color: #7a2b1f; }
.gloact-present .gloact-active h3, .gloact-present .gloact-active h4 {
  font-size: 32px !important; margin: 0 0 14px; }
.gloact-present .gloact-active .gloact-kpis { gap: 24px; }
.gloact-present .gloact-active .gloact-kpi { padding: 14px 22px; min-width: 260px; }
.gloact-present .gloact-active .gloact-kpi b { font-size: 44px !important; }
.gloact-present .gloact-active .gloact-table td,
.gloact-present .gloact-active .gloact-table th { padding: 4px 14px; }
.gloact-present .gloact-active .gloact-grid td, .gloact-present .gloact-active .gloact-grid th { padding: 4px 6px; }
.gloact-present .gloact-active .gloact-table td:first-child { white-space: nowrap; }
.gloact-present .gloact-active .gloact-badge-inline { font-size: 24px !important; }
.gloact-present .gloact-active svg { width: 100% !important; max-width: none !important;
  height: auto; max-height: 520px; }
.gloact-present .gloact-active iframe.gloact-map { display: block; width: 100% !important; height: 100% !important; }
.gloact-present .gloact-active:has(iframe.gloact-map) { padding: 0; }
.gloact-present .gloact-active:has(iframe.gloact-map) .widget-html-content { height: 100%; }
.gloact-deck-map { display: flex; height: 100%; }
.gloact-deck-mapcol { flex: 1; min-width: 0; }
.gloact-deck-side { width: 400px; flex: none; box-sizing: border-box; padding: 20px 24px; overflow: hidden;
  background: #fff; }
.gloact-deck-side .gloact-badge { background: #b00020; color: #fff; font-weight: 700; padding: 4px 10px;
  margin-bottom: 12px; display: inline-block; }
.gloact-deck-side .gloact-note { background: #fff8e1; padding: 6px 10px; margin-bottom: 12px; }
.gloact-deck-side h4 { margin: 0 0 6px; }
.gloact-deck-side .sub { color: #444; margin-bottom: 8px; }
.gloact-deck-side .sw { display: inline-block; width: 22px; height: 18px; margin-right: 10px; vertical-align: -2px;
  border: 1px solid #777; }
.gloact-deck-side .small { display: none; }  /* the legend's notes: on the notes slide; its sources: below */
.gloact-present .gloact-deck-cover { padding-top: 12vh; }
.gloact-present .gloact-deck-cover p { margin: 0 0 12px; color: #333; }
.gloact-present .gloact-deck-keys, .gloact-present .gloact-deck-when { color: #666 !important; }
.gloact-present .gloact-deck-messages { padding-left: 1.2em; margin: 0; }
.gloact-present .gloact-active .gloact-deck-messages li { font-size: 30px !important;
  margin: 0 0 18px; }
.gloact-present .gloact-more { color: #666; font-style: italic; }
.gloact-deck-footer { position: fixed; left: 0; right: 0; bottom: 0; height: 52px; z-index: 1001;
  display: flex; justify-content: space-between; align-items: center; padding: 0 48px; box-sizing: border-box;
  background: #7a2b1f; color: #fff; font-size: 20px; }
.gloact-deck-footer .n { font-variant-numeric: tabular-nums; font-weight: 600; }
body.gloact-presenting { overflow: hidden; }
"""
