"""Screenshots of what officials see, for docs/screenshots/ (``make screenshots``).

Serves the workbook (``gloact serve`` on a free port, the network cut in the browser) and takes, at
1366×768 (a laptop on a projector) and 1920×1080: the landing page, each dashboard in English and
French, presenter mode's slides, and the briefing pack's pages (PDF pages as PNG, from
``gloact briefing``).  Run it after a change to what a viewer sees and look at the pictures.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gloact_lib.app.harness import voila_server  # noqa: E402
from tests.browser import chromium, watched_page  # noqa: E402

SIZES = {"1366": (1366, 768), "1920": (1920, 1080)}
DASHBOARDS = {"routes": "routes.ipynb", "country": "country.ipynb?country=MLI", "commitments": "commitments.ipynb"}
#: Presenter mode: (name, address, slides to take by number).
DECKS = [("routes", "routes.ipynb?present=1", (1, 2, 3, 4)), ("country", "country.ipynb?present=1&country=NER",
         (2, 5)), ("commitments", "commitments.ipynb?present=1", (3,))]  # fmt: skip


def _open(page, url: str, ready: str) -> None:
    page.goto(url)
    page.wait_for_selector(ready, timeout=120_000, state="attached")
    page.wait_for_timeout(2500)  # the map's tiles of the basemap and its fitting


#: The live map's largest flow, clicked (its monthly series opens on the map).
_CLICK_LARGEST = """() => { const ls = Object.values(window.__gloactMap._layers)
  .filter((l) => l.options && l.options.className === 'gloact-arc');
  ls.sort((a, b) => b.options.weight - a.options.weight)[0].fire('click'); }"""


def _asked(page, out: Path, lang: str, size: str) -> list[Path]:
    """The routes dashboard asked by touching: its largest flow clicked (its series on the map), then Niger
    clicked on the map (the filters, the key figures and the map follow)."""
    page.evaluate(_CLICK_LARGEST)
    page.wait_for_selector(".gloact-series svg", timeout=60_000)
    page.wait_for_timeout(500)
    taken = [out / f"routes-flow-{lang}-{size}.png"]
    page.screenshot(path=str(taken[-1]))
    page.locator(".gloact-series button").click()
    page.mouse.move(5, 5)
    draws = page.evaluate("document.querySelector('.gloact-live').dataset.draws")
    page.evaluate("Object.values(window.__gloactMap._layers).find((l) => l.iso3 === 'NER').fire('click')")
    page.wait_for_function(f"document.querySelector('.gloact-live').dataset.draws !== '{draws}'", timeout=60_000)
    page.mouse.move(5, 5)  # no tooltip left where the pointer was
    page.wait_for_timeout(800)
    hover = page.add_style_tag(content=".gloact-live .leaflet-tooltip:not(.gloact-label) { display: none; }")
    taken.append(out / f"routes-niger-{lang}-{size}.png")
    page.screenshot(path=str(taken[-1]))  # the map as it is read, without the tooltips the scripted clicks left
    hover.evaluate("el => el.remove()")
    return taken


def dashboards(base: str, out: Path, browser) -> list[Path]:
    """The landing page and every dashboard, in both languages and both sizes."""
    taken = []
    for size, (w, h) in SIZES.items():
        for lang in ("en", "fr"):
            page, watch = watched_page(browser, w, h)
            _open(page, f"{base}/?lang={lang}", "li.card")
            taken.append(out / f"landing-{lang}-{size}.png")
            page.screenshot(path=str(taken[-1]))
            for name, path in DASHBOARDS.items():
                sep = "&" if "?" in path else "?"
                _open(page, f"{base}/voila/render/{path}{sep}lang={lang}", ".gloact-status")
                taken.append(out / f"{name}-{lang}-{size}.png")
                page.screenshot(path=str(taken[-1]))
                if name == "routes":
                    taken += _asked(page, out, lang, size)
            assert not watch.external, watch.external
            page.close()
    return taken


def decks(base: str, out: Path, browser) -> list[Path]:
    """Presenter mode's slides: the ones listed in :data:`DECKS`, in both languages and both sizes."""
    taken = []
    for size, (w, h) in SIZES.items():
        for lang in ("en", "fr"):
            for name, path, numbers in DECKS:
                page, watch = watched_page(browser, w, h)
                _open(page, f"{base}/voila/render/{path}&lang={lang}", ".gloact-deck-meta")
                shown = 1
                for k in numbers:
                    while shown < k:
                        page.keyboard.press("ArrowRight")
                        shown += 1
                    page.wait_for_timeout(1500)
                    taken.append(out / f"present-{name}-{lang}-{size}-{k}.png")
                    page.screenshot(path=str(taken[-1]))
                assert not watch.external, watch.external
                page.close()
    return taken


def briefings(db: Path, out: Path) -> list[Path]:
    """The pages of the Casablanca 2019 briefing pack, in English and French, as ``gloact briefing`` prints them."""
    taken = []
    for lang in ("en", "fr"):
        with tempfile.TemporaryDirectory() as folder:
            subprocess.run([str(Path(sys.executable).parent / "gloact"), "briefing", "--db", str(db), "--meeting",
                            "casablanca-2019", "--lang", lang, "--out", folder], check=True)  # fmt: skip
            for png in sorted(Path(folder).rglob("*.png")):
                taken.append(out / f"briefing-{png.name}")
                shutil.copyfile(png, taken[-1])
    return taken


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "gloact.duckdb")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", choices=("dashboards", "decks", "briefings"), action="append")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    only = set(args.only or ("dashboards", "decks", "briefings"))
    taken = []
    if only & {"dashboards", "decks"}:
        log = Path(tempfile.gettempdir()) / "gloact-screenshots-serve.log"
        with voila_server(args.db, log) as (base, _pid), chromium() as browser:
            if "dashboards" in only:
                taken += dashboards(base, args.out, browser)
            if "decks" in only:
                taken += decks(base, args.out, browser)
    if "briefings" in only:
        taken += briefings(args.db, args.out)
    for png in taken:  # 256 colours: a third of the bytes in git, the text as sharp
        from PIL import Image

        Image.open(png).convert("RGB").quantize(256).save(png, optimize=True)
    print(f"{len(taken)} screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
