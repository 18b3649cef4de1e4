"""A room of viewers: the kernel of a page that is gone is shut down within the cull time, an open page keeps its own.

Voilà starts a kernel per visit.  A closed tab posts its shutdown, but a closed window, a sleeping laptop or a
plain GET (a link preview, a script) never does: ``gloact serve`` shuts such a kernel down once it has had no open
page and run nothing for :data:`gloact_lib.config.KERNEL_CULL_SECONDS` (a minute and a half; a few seconds here).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from gloact_lib._lean import LEAN_KERNEL
from gloact_lib.app.harness import MAP_DRAWN, get, kernel_pids, voila_server, wait_drawn
from gloact_lib.app.serve import pools, voila_argv

from ..browser import watched_page

#: Seconds, for the test.  A visit's kernel may be culled if its page has not connected within the cull time of the
#: kernel's last run (the visitor's part of the notebook): in CI a cold page has taken more than 6 s to connect.
CULL = 15


def _wait_for(condition, timeout: float) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return condition()


def test_the_cull_time_is_a_minute_and_a_half_checked_every_half_minute():
    argv = voila_argv(8866)
    assert "--MappingKernelManager.cull_idle_timeout=90" in argv
    assert "--MappingKernelManager.cull_interval=30" in argv
    assert "--MappingKernelManager.cull_connected=False" in argv  # an open page is never cut
    assert "--KernelManager.transport=ipc" in argv  # no TCP port for two kernels started together to share


def test_an_audience_gets_kernels_ready_for_the_routes_dashboard():
    assert pools(1, 20) == {"default": {"pool_size": 1}, "routes.ipynb": {"pool_size": 20}}
    assert pools(2) == {"default": {"pool_size": 2}, "routes.ipynb": {"pool_size": 2}}


@pytest.mark.browser
@pytest.mark.slow
def test_gone_pages_leave_no_kernel_and_an_open_page_keeps_its_own(built_db, browser, monkeypatch):
    monkeypatch.setenv("GLOACT_CULL_SECONDS", str(CULL))
    log = built_db.parent / "serve-cull.log"

    def visits_shut_down() -> tuple[set[str], set[str]]:
        """The kernels Voilà gave to the GETs of commitments, and those of them it has shut down."""
        text = log.read_text(errors="replace")
        given = set(re.findall(r"Using pre-heated kernel: ([0-9a-f-]+) for commitments", text))
        return given, given & set(re.findall(r"Kernel shutdown: ([0-9a-f-]+)", text))

    with voila_server(built_db, log) as (base, pid):
        assert _wait_for(lambda: len(kernel_pids(pid)) >= 3, 120)  # one preheated kernel per dashboard
        pooled = len(kernel_pids(pid))
        page, watch = watched_page(browser, 1366, 768)
        page.goto(base + "/voila/render/country.ipynb?country=NER", wait_until="commit", timeout=120_000)
        page.locator(".gloact-kpi").first.wait_for(timeout=90_000)
        for _ in range(3):  # three visits with no browser: nothing will ever close them
            assert b"gloact" in get(base + "/voila/render/commitments.ipynb", timeout=120)
        # within the cull time and its interval, the three GETs' kernels are shut down; the pools and the open page stay
        assert _wait_for(lambda: len(visits_shut_down()[1]) == 3, 6 * CULL), visits_shut_down()
        assert len(visits_shut_down()[0]) == 3
        assert _wait_for(lambda: len(kernel_pids(pid)) == pooled + 1, 6 * CULL), kernel_pids(pid)
        time.sleep(3 * CULL)  # the page stays open, unused, well past the cull time ...
        assert len(kernel_pids(pid)) == pooled + 1
        page.get_by_role("button", name="Français").click()  # ... and its kernel still answers
        page.wait_for_function("document.body.innerText.includes('Profil de pays')", timeout=30_000)
        wait_drawn(page, MAP_DRAWN, timeout=30)
        assert watch.external == [] and watch.errors == []
        for kernel in kernel_pids(pid):  # every served kernel is lean (gloact_lib/_lean.py)
            environ = Path(f"/proc/{kernel}/environ").read_bytes().split(b"\0")
            assert {f"{k}={v}".encode() for k, v in LEAN_KERNEL.items()} <= set(environ), kernel
            loaded = Path(f"/proc/{kernel}/maps").read_text()
            assert "pandas" in loaded and "pyarrow" not in loaded and "libarrow" not in loaded, kernel
            assert "pydevd" not in loaded and "libsqlite3" not in loaded, kernel  # no debugger, no history (kernelspec)
        page.close()
