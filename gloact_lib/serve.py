"""``gloact serve``: the dashboards in Voilà, on 127.0.0.1, offline, without leaking kernels.

What it sets up, and why:

- the notebooks folder, so the landing page lists every dashboard;
- the ``gloact`` template (``gloact_lib/share/jupyter/voila/templates/gloact``): the lab
  template without its two CDN stylesheets, so nothing is loaded from the network;
- tracebacks off (they leak code and paths), a preheated kernel per dashboard (the page
  arrives at once), and idle-kernel culling as a backstop;
- the kernel-leak fix that keeps XSRF protection: when a tab closes, Voilà's front end
  posts the kernel shutdown with the ``_xsrf`` value read from the page's cookie, but a
  dashboard opened directly (not from the landing page) never received that cookie, so
  the shutdown was refused (403, Voilà issue #1458) and the kernel stayed.  The notebook
  page now sets the ``_xsrf`` cookie itself; the check stays on.
- ``GLOACT_DB`` for the kernels, so the dashboards read the database given with ``--db``.
"""

from __future__ import annotations

import inspect
import os
from pathlib import Path

from . import config

__all__ = ["serve", "voila_argv", "TEMPLATE_ROOT"]

TEMPLATE_ROOT = Path(__file__).resolve().parent / "share" / "jupyter"


def voila_argv(port: int, notebooks: Path | None = None, pool_size: int = 1, cull_idle: int = 1800) -> list[str]:
    """Voilà's command-line arguments for the workbook.

    Parameters
    ----------
    port : int
    notebooks : Path, optional
        Folder served (default ``notebooks/``).
    pool_size : int, default 1
        Preheated kernels per dashboard.
    cull_idle : int, default 1800
        Seconds after which an idle kernel with no open page is shut down.
    """
    return [
        str(notebooks or config.NOTEBOOKS_DIR),
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--no-browser",
        "--template=gloact",
        "--show_tracebacks=False",
        "--preheat_kernel=True",
        f"--pool_size={pool_size}",
        f"--MappingKernelManager.cull_idle_timeout={cull_idle}",
        "--MappingKernelManager.cull_interval=60",
        "--MappingKernelManager.cull_connected=False",
    ]


def _set_xsrf_cookie_on_pages() -> None:
    """Make every Voilà notebook page set the ``_xsrf`` cookie its shutdown beacon needs."""
    from voila.handler import VoilaHandler

    if getattr(VoilaHandler, "_gloact_xsrf", False):
        return
    original = VoilaHandler.prepare

    async def prepare(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        if inspect.isawaitable(result):
            await result
        if self.request.method == "GET":
            self.xsrf_token  # noqa: B018  (reading it sets the cookie)

    VoilaHandler.prepare = prepare
    VoilaHandler._gloact_xsrf = True


def serve(db: str | Path | None = None, port: int = 8866, pool_size: int = 1) -> None:
    """Serve the dashboards until interrupted.

    Parameters
    ----------
    db : str or Path, optional
        Workbook database (default ``data/gloact.duckdb``); it must exist.
    port : int, default 8866
    pool_size : int, default 1
    """
    db_path = Path(db or config.DEFAULT_DB).resolve()
    if not db_path.exists():
        raise FileNotFoundError(f"{db_path}: no workbook database; run `gloact build-db --db {db_path}`")
    os.environ["GLOACT_DB"] = str(db_path)
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(TEMPLATE_ROOT), os.environ.get("JUPYTER_PATH")]))
    from voila.app import Voila

    _set_xsrf_cookie_on_pages()
    print(f"GLO.ACT route workbook: open http://127.0.0.1:{port}/ (Ctrl+C to stop)", flush=True)
    Voila.launch_instance(argv=voila_argv(port, pool_size=pool_size))
