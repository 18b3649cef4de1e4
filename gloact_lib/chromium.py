"""Headless Debian Chromium through Playwright: one place for its path and flags.

Used to print briefing packs, and by the tests and benchmarks.  The browser is Debian's
``chromium`` package (``make chromium``), never a Playwright download.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["CHROMIUM", "CHROMIUM_FLAGS", "launch"]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Without the background-networking flags Chromium tries to reach Google's hosts at start.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


@contextmanager
def launch() -> Iterator:
    """A Playwright Chromium browser, closed on exit.

    Raises
    ------
    RuntimeError
        When Debian's chromium is not installed.
    """
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError("Debian's chromium is not installed: run `make chromium` (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()
