"""Headless Debian Chromium through Playwright, with every non-local request blocked and recorded."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

from gloact_lib.views.chromium import launch

LOCAL = ("file:", "data:", "blob:", "about:", "http://127.0.0.1", "ws://127.0.0.1", "http://localhost",
         "ws://localhost")  # fmt: skip


@dataclass
class Watch:
    """What a page tried to do that it should not."""

    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def chromium():
    """A Playwright Chromium browser (Debian's, never a download)."""
    return launch()


def watched_page(browser, width=1400, height=900):
    """A page whose external requests are aborted and recorded, with console errors collected."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_navigation_timeout(120_000)  # a busy machine (CI, imports running) renders a dashboard slowly
    watch = Watch()

    def route(request_route):
        url = request_route.request.url
        if url.startswith(LOCAL):
            request_route.continue_()
        else:
            watch.external.append(url)
            request_route.abort()

    page.route("**/*", route)
    page.on("console", lambda msg: watch.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: watch.errors.append(str(exc)))
    return page, watch


def distinct_colours(png: bytes, step: int = 7) -> int:
    """Number of distinct colours in a screenshot (a blank page has one or two)."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    w, h = image.size
    return len({image.getpixel((x, y)) for x in range(0, w, step) for y in range(0, h, step)})


def download_rows(page, label: str, folder) -> list[list[str]]:
    """Click a download link; the rows of the CSV file it gives (saved in ``folder``)."""
    with page.expect_download(timeout=30_000) as info:
        page.get_by_role("link", name=label).click()
    download = info.value
    assert download.failure() is None
    path = folder / download.suggested_filename
    download.save_as(path)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))
