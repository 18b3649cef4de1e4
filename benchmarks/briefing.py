"""Measurement 8: a meeting's briefing pack (HTML, PNGs, PDF) against saving the overview map.

:func:`gloact_lib.views.briefing.build_briefing` on the shipped data, the pack's HTML
alone, and the fixed cost of starting and stopping Playwright and Chromium.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path

from common import REPEATS, Context, Result, Row, browser_missing, median_time, paired_times, shipped_db, survive

from gloact_lib.views.chromium import launch

TITLE = "8. briefing pack against saving the overview map"


def _chromium_alone() -> None:
    """Start Playwright and Chromium, open a blank page, stop: the fixed cost of every PNG and PDF rendering."""
    with launch() as browser:
        browser.new_page().close()


def bench_briefing(tmp: Path, log: Callable[[str], None]) -> tuple[list[Row], dict]:
    """Measurement 8: a meeting's briefing pack (HTML, PNG per view, PDF) against saving the overview map.

    ``build_briefing(con, "casablanca-2019", "fr", out=...)`` on the shipped data,
    against ``route_map(Flows.from_db(con, Selection(data="illustrative"))).save(...)``,
    alternated; and the pack's HTML alone (``images=False``) to show what Chromium costs.
    """
    from gloact_lib.analysis.flows import Flows, Selection
    from gloact_lib.data.database import connect
    from gloact_lib.views.briefing import build_briefing
    from gloact_lib.views.route_map import route_map

    missing = browser_missing()
    if missing:
        log(f"  skipped the briefing pack: {missing}")
        return [], {"skipped": missing}
    out, overview = tmp / "briefing", tmp / "briefing-overview.html"
    con = connect(shipped_db(tmp), read_only=True)
    try:

        def baseline():
            route_map(Flows.from_db(con, Selection(data="illustrative"))).save(str(overview))

        t_pack, base_times, pack = paired_times(lambda: build_briefing(con, "casablanca-2019", "fr", out=out),
                                                baseline, REPEATS)  # fmt: skip
        t_html = median_time(lambda: build_briefing(con, "casablanca-2019", "fr", out=tmp / "briefing-html",
                                                    images=False), REPEATS)  # fmt: skip
        t_chromium = median_time(_chromium_alone, REPEATS)
    finally:
        con.close()
    t_base = statistics.median(base_times)
    sizes = {"html": pack.html.stat().st_size, "pdf": pack.pdf.stat().st_size,
             "png": sum(p.stat().st_size for p in pack.pngs), "overview": overview.stat().st_size}  # fmt: skip
    details = {"seconds": t_pack, "html_only_seconds": t_html, "chromium_start_stop_seconds": t_chromium,
               "baseline_seconds": t_base, "bytes": sizes,
               "views": list(pack.views), "pngs": len(pack.pngs)}  # fmt: skip
    base = "overview map HTML (route_map save)"
    rows = [
        Row("briefing", "casablanca-2019 fr: build HTML + PNGs + PDF", "s", t_pack, t_base, t_pack / t_base, REPEATS,
            "Flows.from_db + route_map + save",
            f"HTML alone {t_html:.2f} s, Chromium start + stop {t_chromium:.2f} s; {len(pack.pngs)} PNG views"),
        Row("briefing", "casablanca-2019 fr: HTML bytes", "bytes", sizes["html"], sizes["overview"],
            sizes["html"] / sizes["overview"], 1, base),
        Row("briefing", "casablanca-2019 fr: PDF bytes", "bytes", sizes["pdf"], sizes["overview"],
            sizes["pdf"] / sizes["overview"], 1, base),
        Row("briefing", f"casablanca-2019 fr: PNG bytes ({len(pack.pngs)} views)", "bytes", sizes["png"],
            sizes["overview"], sizes["png"] / sizes["overview"], 1, base),
    ]  # fmt: skip
    log(
        f"  briefing pack {t_pack:.2f} s (HTML alone {t_html:.2f} s, Chromium start + stop {t_chromium:.2f} s), "
        f"overview map {t_base:.2f} s; bytes {sizes}"
    )
    return rows, details


def briefing_markdown(briefing: dict) -> list[str]:
    """The briefing pack's breakdown, as Markdown lines."""
    if "skipped" in briefing:
        return ["", f"Briefing pack not measured: {briefing['skipped']}"]
    b = briefing
    return ["", "## Briefing pack (seconds, median of the runs; bytes)", "",
            "| pack | HTML alone | Chromium start + stop | overview map | HTML kB | PDF kB | PNG kB | PNG views |",
            "|--:|--:|--:|--:|--:|--:|--:|--:|",
            f"| {b['seconds']:.2f} | {b['html_only_seconds']:.2f} | {b['chromium_start_stop_seconds']:.2f} "
            f"| {b['baseline_seconds']:.3f} | {b['bytes']['html'] / 1e3:.0f} | {b['bytes']['pdf'] / 1e3:.0f} "
            f"| {b['bytes']['png'] / 1e3:.0f} | {b['pngs']} |"]  # fmt: skip


def run(ctx: Context) -> Result:
    """Measurement 8 (on the shipped data, whatever ``ctx.scale``); a failure is recorded."""
    rows, details = survive(lambda: bench_briefing(ctx.tmp, ctx.log), ctx.log)
    return Result(rows, {"briefing": details}, briefing_markdown(details))
