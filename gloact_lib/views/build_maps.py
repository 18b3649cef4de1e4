"""The self-contained HTML maps of ``gloact build-maps``: overview, one per Frontex route, one per member country,
and an ``index.html`` listing them."""

from __future__ import annotations

import html
import unicodedata
from pathlib import Path

from gloact_lib import config
from gloact_lib.analysis.counts import incidents
from gloact_lib.analysis.flows import Flows, Selection
from gloact_lib.analysis.profiles import member_countries
from gloact_lib.data.countries import country_name
from gloact_lib.data.database import data_as_of
from gloact_lib.data.frontex_routes import FRONTEX_ROUTES
from gloact_lib.i18n import t
from gloact_lib.views.route_map import _bounds, route_map

__all__ = ["build_maps", "write_index"]


def build_maps(con, out=None, lang: str = "en", progress=None) -> list:
    """Write the self-contained HTML maps: overview, one per Frontex route, one per member country.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
    out : str or Path, optional
        Output folder (default ``maps/``); files go to ``out/<lang>/``.
    lang : {"en", "fr"}
    progress : callable, optional
        ``progress(done, total, map_name)`` before each map and once at the end (:mod:`gloact_lib.progress`).

    Returns
    -------
    list of Path
        The maps written; ``out/<lang>/index.html`` lists them, with their titles.
    """

    folder = Path(out or config.MAPS_DIR) / lang
    jobs = [
        ("overview.html", Selection(), "place", True, None),
        ("overview-frontex.html", Selection(unit="detections"), "country", False, None),
    ]
    for route in FRONTEX_ROUTES.values():
        title = route.name_fr if lang == "fr" else route.name
        jobs.append((f"routes/{route.code}.html", Selection(unit="detections", route=route.name), "country", False,
                     title))  # fmt: skip
    for iso3 in member_countries(con):
        name = country_name(iso3, lang)
        jobs.append((f"countries/{iso3}.html", Selection(country=iso3), "place", True, name))
        jobs.append((f"countries/{iso3}-frontex.html", Selection(unit="detections", country=iso3), "country",
                     False, f"{name} · Frontex"))  # fmt: skip
    written, listed = [], []
    for done, (name, selection, level, with_incidents, title) in enumerate(jobs):
        if progress is not None:
            progress(done, len(jobs), name)
        flows = Flows.from_db(con, selection, level=level)
        extra = incidents(con, selection, _bounds(flows)) if with_incidents else None
        m = route_map(flows, lang=lang, incidents=extra, show_incidents=False, title=title)
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        m.save(str(path))
        written.append(path)
        listed.append((name, title, flows.summary["illustrative"]))
    if progress is not None:
        progress(len(jobs), len(jobs), "")
    write_index(folder, lang, listed, data_as_of(con))
    return written


_INDEX_STYLE = ("body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#222;margin:24px auto;"
                "max-width:960px;padding:0 16px;font-size:16px}h1{font-size:26px}h2{font-size:20px;margin-top:28px}"
                "ul{columns:2;padding-left:20px}li{margin:4px 0;break-inside:avoid}a{color:#a23b2a}"
                ".badge{background:#b00020;color:#fff;font-size:11px;font-weight:bold;padding:1px 5px;"
                "border-radius:2px;margin-left:6px}.meta{color:#555}")  # fmt: skip


def _sort_key(title: str | None) -> str:
    """Titles in alphabetical order, accents aside ("Égypte" among the E)."""
    return "".join(c for c in unicodedata.normalize("NFKD", title or "") if not unicodedata.combining(c)).casefold()


def write_index(folder, lang: str, maps: list, when=None) -> Path:
    """Write ``folder/index.html``: every map written, by kind, with its title (all text escaped, no network).

    Parameters
    ----------
    folder : Path
        The language's folder (``maps/<lang>``).
    lang : {"en", "fr"}
    maps : list of (str, str or None, bool)
        Each map's path relative to ``folder``, its title (None for the overviews) and whether it shows
        illustrative data (then marked as such).
    when : datetime, optional
        When the data last changed.
    """
    e = html.escape
    groups = {"overview": [], "routes": [], "countries": []}
    for name, title, illustrative in maps:
        kind = name.split("/", 1)[0] if "/" in name else "overview"
        if title is None:
            title = t("maps_overview_frontex" if "frontex" in name else "maps_overview", lang)
        elif kind == "countries" and not name.endswith("-frontex.html"):
            title = f"{title} · {t('scope', lang).lower()}"  # the country's journeys, beside its Frontex map
        badge = f"<span class='badge'>{e(t('illustrative_badge', lang))}</span>" if illustrative else ""
        groups.setdefault(kind, []).append((_sort_key(title), f"<li><a href='{e(name)}'>{e(title)}</a>{badge}</li>"))
    groups["countries"].sort()  # by name; the routes in their own order
    heads = {"overview": "maps_overviews", "routes": "maps_routes", "countries": "maps_countries"}
    body = "".join(f"<h2>{e(t(heads[kind], lang) if kind in heads else kind)}</h2>"
                   f"<ul>{''.join(item for _, item in items)}</ul>" for kind, items in groups.items() if items)
    about = t("maps_about", lang, n=len(maps), when=f"{when:%Y-%m-%d %H:%M} UTC" if when else "—")
    page = (f"<!DOCTYPE html><html lang='{e(lang)}'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{e(t('maps_index', lang))}"
            f"</title><style>{_INDEX_STYLE}</style></head><body><h1>{e(t('maps_index', lang))}</h1>"
            f"<p class='meta'>{e(about)}</p>{body}</body></html>\n")  # fmt: skip
    path = Path(folder) / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
