"""Headless Debian Chromium through Playwright: one place for its path and flags.

Used to print briefing packs, and by the tests and benchmarks.  The browser is Debian's
``chromium`` package (``make chromium``), never a Playwright download.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

__all__ = ["CHROMIUM", "CHROMIUM_FLAGS", "OFFLINE_FLAGS", "launch"]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Without the background-networking flags Chromium tries to reach Google's hosts at start.
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
#: Every host name but 127.0.0.1 resolves to nothing: no page reaches the network, and a CDN file fails at once
#: rather than on a timeout (for pages whose requests are not intercepted, e.g. the benchmarks' dashboards).
OFFLINE_FLAGS = ["--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]


@contextmanager
def launch(extra_args: Sequence[str] = ()) -> Iterator:
    """A Playwright Chromium browser, closed on exit.

    Parameters
    ----------
    extra_args : sequence of str, optional
        Flags added to :data:`CHROMIUM_FLAGS` (such as :data:`OFFLINE_FLAGS`).

    Raises
    ------
    RuntimeError
        When Debian's chromium is not installed.
    """
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError("Debian's chromium is not installed: run `make chromium` (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_FLAGS, *extra_args])
        try:
            yield browser
        finally:
            browser.close()
