"""``gloact serve``: the dashboards in Voilà, on 127.0.0.1, offline, without leaking kernels.

What it sets up, and why:

- only the dashboards of :data:`gloact_lib.config.DASHBOARDS`, copied into a folder of
  their own for the server's lifetime: an analyst's notebook in ``notebooks/`` is never
  listed, rendered or executed for a visitor;
- a database that opens and reads in full before anything is served (one line and exit 2
  when it is missing, damaged or held);
- the ``gloact`` template (``gloact_lib/app/share/jupyter/voila/templates/gloact``): the lab
  template without its two CDN stylesheets, so nothing is loaded from the network;
- a landing page at ``/`` in English or French (``?lang=fr``), the template's ``landing.html``
  in place of Voilà's file list: one card per dashboard with what it shows, its data and
  their sources, and links to open it (see :func:`landing_context`);
- tracebacks off (they leak code and paths), a preheated kernel per dashboard (the page
  arrives at once), and idle-kernel culling as a backstop;
- the kernel-leak fix that keeps XSRF protection: when a tab closes, Voilà's front end
  posts the kernel shutdown with the ``_xsrf`` value read from the page's cookie, but a
  dashboard opened directly (not from the landing page) never received that cookie, so
  the shutdown was refused (403, Voilà issue #1458) and the kernel stayed.  The notebook
  page now sets the ``_xsrf`` cookie itself; the check stays on.
- ``GLOACT_DB`` for the kernels, so the dashboards read the database given with ``--db``;
- with ``--audience N``, N kernels ready for the routes dashboard, replaced once the room has been served
  (:data:`AUDIENCE_REFILL_SECONDS` after the first was taken), not one at each visit: Voilà would start a
  kernel per visitor while the room's own kernels and pages are being served (see :func:`pools`).
"""

from __future__ import annotations

import importlib.util
import inspect
import os
import shutil
import tempfile
from pathlib import Path

from gloact_lib import config
from gloact_lib._lean import LEAN_KERNEL
from gloact_lib.app.dashboard_kernel import KERNEL_ROOT

__all__ = ["AUDIENCE_REFILL_SECONDS", "CARDS", "TEMPLATE_ROOT", "compile_for_kernels", "landing_context",
           "paced_pools", "pools", "serve", "serve_folder", "voila_argv"]

TEMPLATE_ROOT = Path(__file__).resolve().parent / "share" / "jupyter"
#: Seconds after a visitor took the first kernel of the audience's pool (``--audience``) before the kernels taken
#: are replaced, all together: a room that opens the link on the screen over a minute or two is served first.
#: Replacing each at once, as Voilà does, started a kernel per visitor (imports, the dashboard built: 1.5-5 s of CPU
#: each) on the CPUs serving the visitors (``benchmarks/audience.py``).
AUDIENCE_REFILL_SECONDS = 120

#: The landing page's cards, in order: notebook, then the :mod:`gloact_lib.i18n` keys of its title,
#: of what it shows and of its data and sources.
CARDS = (("routes.ipynb", "dashboard_title", "landing_routes", "landing_routes_data"),
         ("country.ipynb", "country_title", "landing_country", "landing_country_data"),
         ("commitments.ipynb", "commitments_title", "landing_commitments", "landing_commitments_data"))  # fmt: skip


def voila_argv(port: int, notebooks: Path | None = None, pool_size: int = 1, cull_idle: int | None = None) -> list[str]:
    """Voilà's command-line arguments for the workbook.

    Parameters
    ----------
    port : int
    notebooks : Path, optional
        Folder served (default: the dashboards only, see :func:`serve_folder`).
    pool_size : int, default 1
        Preheated kernels per dashboard.
    cull_idle : int, optional
        Seconds after which a kernel with no open page that has run nothing is shut down (default
        :data:`gloact_lib.config.KERNEL_CULL_SECONDS`, a minute and a half); checked every third of that.
        Preheated kernels waiting for a visitor are never culled (Voilà keeps its pool), nor a kernel
        whose page is open (``cull_connected=False``).
    """
    cull_idle = config.KERNEL_CULL_SECONDS if cull_idle is None else cull_idle
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
        f"--MappingKernelManager.cull_interval={max(2, min(60, cull_idle // 3))}",
        "--MappingKernelManager.cull_connected=False",
        # Kernels reach the server over Unix sockets, not TCP ports: ports are chosen free, then bound by the
        # kernel, and kernels started together (a room's pool, ten plain GETs) can pick the same one; the loser
        # dies ("Address already in use") and Voilà's page for it never ends.  Seen in the benchmark's GETs.
        "--KernelManager.transport=ipc",
    ]


def serve_folder(dest: Path, dashboards: tuple[str, ...] = config.DASHBOARDS,
                 source: Path | None = None) -> Path:  # fmt: skip
    """Copy the dashboards (and nothing else) into ``dest``, the folder Voilà serves.

    Parameters
    ----------
    dest : Path
        An empty or new folder.
    dashboards : tuple of str
        Notebook file names in ``source``.
    source : Path, optional
        Default ``notebooks/``.

    Returns
    -------
    Path
        ``dest``.

    Examples
    --------
    >>> import tempfile
    >>> sorted(p.name for p in serve_folder(Path(tempfile.mkdtemp())).iterdir())
    ['commitments.ipynb', 'country.ipynb', 'routes.ipynb']
    """
    source = Path(source or config.NOTEBOOKS_DIR)
    dest.mkdir(parents=True, exist_ok=True)
    for name in dashboards:
        shutil.copyfile(source / name, dest / name)
    return dest


def landing_context(lang: str = "en", base_url: str = "/", dashboards: tuple[str, ...] = config.DASHBOARDS) -> dict:
    """What the landing page (the template's ``landing.html``) shows, in ``lang``.

    Parameters
    ----------
    lang : str, default "en"
        The page's language; anything but a code of :data:`gloact_lib.i18n.LANGUAGES` is English.
    base_url : str, default "/"
        The server's base URL (ends with "/").
    dashboards : tuple of str
        The notebooks served: a card whose notebook is not among them is left out.

    Returns
    -------
    dict
        ``lang``; ``text`` (the page's own labels by key); ``languages`` (code, name, href,
        current) for the language switch; ``cards``, each with ``title``, ``text``, ``data``,
        ``href`` (the dashboard in ``lang``), ``other_href`` and ``other_label`` (in the other
        language, whose code is ``other_lang``) and ``present_href`` (presenter mode).

    Examples
    --------
    >>> page = landing_context("fr")
    >>> [card["href"] for card in page["cards"]][:2]
    ['/voila/render/routes.ipynb?lang=fr', '/voila/render/country.ipynb?lang=fr']
    >>> page["cards"][0]["other_label"], page["cards"][0]["other_href"]
    ('Open in English', '/voila/render/routes.ipynb?lang=en')
    """
    from gloact_lib.i18n import LANGUAGE_NAMES, LANGUAGES
    from gloact_lib.i18n import t as label

    def t(key: str, lang: str) -> str:  # French puts a space before ":" and ";": it must not break the line
        text = label(key, lang)
        return text.replace(" :", "\u00a0:").replace(" ;", "\u00a0;") if lang == "fr" else text

    lang = lang if lang in LANGUAGES else "en"
    other = next(code for code in LANGUAGES if code != lang)
    keys = ("landing_title", "landing_subtitle", "landing_data", "landing_open", "landing_present",
            "landing_footer", "language")  # fmt: skip
    cards = [{"title": t(title, lang), "text": t(text, lang), "data": t(data, lang),
              "href": f"{base_url}voila/render/{name}?lang={lang}",
              "other_href": f"{base_url}voila/render/{name}?lang={other}", "other_lang": other,
              "other_label": t("landing_open_in", other),
              "present_href": f"{base_url}voila/render/{name}?present=1&lang={lang}"}
             for name, title, text, data in CARDS if name in dashboards]  # fmt: skip
    languages = [{"code": code, "name": name, "href": f"{base_url}?lang={code}", "current": code == lang}
                 for code, name in LANGUAGE_NAMES.items()]  # fmt: skip
    return {"lang": lang, "text": {key: t(key, lang) for key in keys}, "languages": languages, "cards": cards}


def _landing_page() -> None:
    """Serve the template's ``landing.html`` at ``/`` (and ``/voila/tree``) instead of Voilà's file list."""
    from tornado import web
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    if getattr(TornadoVoilaTreeHandler, "_gloact_landing", False):
        return

    @web.authenticated
    async def get(self, path=""):
        if path.strip("/"):  # no folder, no file: the cards are the only way in
            raise web.HTTPError(404)
        page = landing_context(self.get_argument("lang", "en"), self.base_url)
        self.write(self.render_template("landing.html", **page))

    TornadoVoilaTreeHandler.get = get
    TornadoVoilaTreeHandler._gloact_landing = True


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


def _check_reader(url: str) -> None:
    """Refuse to serve as a user who reads no journeys (a viewer): the dashboards would show nothing."""
    from gloact_lib.data.database import DatabaseError
    from gloact_lib.data.server import pg_connect, redact

    pg = pg_connect(url, autocommit=True)
    try:
        reads = pg.execute("SELECT has_table_privilege('journeys', 'SELECT')").fetchone()[0]
    finally:
        pg.close()
    if not reads:
        raise DatabaseError(f"{redact(url)}: this user reads no journeys (a viewer reads published_flows only); serve "
                            "the dashboards as an analyst (they publish protected figures only)", "denied")


def pools(pool_size: int = 1, audience: int = 0) -> dict:
    """Voilà's preheated kernels per dashboard: ``pool_size`` each, and ``audience`` for the routes dashboard.

    A room arriving together opens the link on the screen (the routes dashboard, or a presenter's link to
    it): each visitor then takes a kernel that has already drawn it, instead of waiting for one to start.

    Examples
    --------
    >>> pools(1, 20)["routes.ipynb"], pools(1, 20)["default"]
    ({'pool_size': 20}, {'pool_size': 1})
    """
    return {"default": {"pool_size": pool_size}, "routes.ipynb": {"pool_size": max(pool_size, audience)}}


def paced_pools(pool_size: int = 1, audience: int = 0) -> dict[str, float]:
    """The pools refilled once a room has been served (notebook → seconds), not at each visit: the audience's.

    Examples
    --------
    >>> paced_pools(1, 20), paced_pools(1), paced_pools(2)
    ({'routes.ipynb': 120}, {}, {})
    """
    return {"routes.ipynb": AUDIENCE_REFILL_SECONDS} if audience > pool_size else {}


#: The pools refilled late, for the kernel manager made by :func:`_pace_refills` (set by :func:`serve`).
_PACED: dict[str, float] = {}


def _pace_refills(paced: dict[str, float]) -> None:
    """Refill the pools of ``paced`` (notebook → seconds) that long after the first kernel taken, not at each visit.

    Voilà replaces a kernel taken from a pool a second after the visit: a room of 20 arriving together starts 20
    kernels, each importing pandas and DuckDB and building the dashboard, on the CPUs that serve the 20 visitors'
    own kernels and pages.  For these pools the kernels taken are replaced together, ``paced[notebook]`` seconds
    after the first was taken since the pool was last refilled.  Meanwhile a visitor who finds the pool empty gets
    a kernel started for the visit, as with no pool.  Other pools are refilled as Voilà does.
    """
    import asyncio

    import voila.app

    _PACED.clear()
    _PACED.update(paced)
    if getattr(voila.app, "_gloact_paced", False):
        return
    make = voila.app.voila_kernel_manager_factory

    def factory(*args, **kwargs):
        base = make(*args, **kwargs)
        if not hasattr(base, "get_rendered_notebook"):  # no preheated kernels: no pool to refill
            return base

        class PacedKernelManager(base):  # configured as VoilaKernelManager (its base class)
            def fill_if_needed(self, delay=None, notebook_name=None, **kw):
                pause = _PACED.get(notebook_name)
                if delay is not None or not pause:  # the pools filled at the start, or refilled as Voilà does
                    return super().fill_if_needed(delay, notebook_name, **kw)
                timers = self.__dict__.setdefault("_gloact_refills", {})
                if notebook_name in timers:  # already due, with the kernels taken since
                    return None

                def refill():
                    del timers[notebook_name]
                    base.fill_if_needed(self, 0, notebook_name, **kw)

                timers[notebook_name] = asyncio.get_event_loop().call_later(pause, refill)
                self.log.info("Kernel pool of %s: the kernels taken are replaced in %s s", notebook_name, pause)
                return None

            async def shutdown_all(self, *args, **kw):
                for timer in self.__dict__.pop("_gloact_refills", {}).values():
                    timer.cancel()
                return await super().shutdown_all(*args, **kw)

        return PacedKernelManager

    voila.app.voila_kernel_manager_factory = factory
    voila.app._gloact_paced = True


#: What a dashboard's kernel imports, compiled once for ``python -OO`` by :func:`compile_for_kernels`.
KERNEL_IMPORTS = ("ipykernel.kernelapp", "ipywidgets", "anywidget", "gloact_lib.dashboards.routes",
                  "gloact_lib.dashboards.country", "gloact_lib.dashboards.commitments")  # fmt: skip


def _compiled(source: str | Path) -> bool:
    """Whether the ``-OO`` bytecode of the module in file ``source`` is written."""
    return os.path.exists(importlib.util.cache_from_source(os.fspath(source), optimization=2))


def compile_for_kernels(timeout: float = 600) -> bool:
    """Write the ``-OO`` bytecode (``.opt-2.pyc``) of what the kernels import, once, before any kernel starts.

    Otherwise the first kernels compile pandas, numpy, IPython and the rest from source, each of them (a room's
    pool of twenty at once, on the same cores).  Nothing is done when the files are there already; where they
    cannot be written (a read-only environment) every kernel compiles what it imports, slower but the same.

    Parameters
    ----------
    timeout : float, default 600
        Seconds allowed for the compiling process.

    Returns
    -------
    bool
        Whether the bytecode was written now (False: it was there, or could not be written).
    """
    import subprocess
    import sys

    # found without importing them: the server never imports a dashboard (nor, via their package, the widgets)
    pandas, routes = importlib.util.find_spec("pandas").origin, Path(__file__).parents[1] / "dashboards" / "routes.py"
    if _compiled(pandas) and _compiled(routes):
        return False
    code = "import " + ", ".join(KERNEL_IMPORTS)
    done = subprocess.run([sys.executable, "-c", code], env={**os.environ, **LEAN_KERNEL}, capture_output=True,
                          timeout=timeout, check=False)  # fmt: skip
    return done.returncode == 0 and _compiled(pandas)


def serve(db: str | Path | None = None, port: int = 8866, pool_size: int = 1, audience: int = 0) -> None:
    """Serve the dashboards until interrupted.

    Parameters
    ----------
    db : str or Path, optional
        Workbook database (default ``data/gloact.duckdb``); it must exist and read in full.
    port : int, default 8866
    pool_size : int, default 1
        Preheated kernels per dashboard.
    audience : int, default 0
        People expected to open the routes dashboard at once: that many preheated kernels for it (each
        holds ~140 MB RSS, lean: ``gloact_lib/_lean.py``, ``dashboard_kernel.py``; see :func:`pools`), those
        taken replaced together :data:`AUDIENCE_REFILL_SECONDS` after the first was taken (see
        :func:`_pace_refills`).

    Raises
    ------
    gloact_lib.data.database.DatabaseError
    """
    from gloact_lib.data.database import open_waiting, verify
    from gloact_lib.data.server import is_server, redact

    target = str(db or config.DEFAULT_DB)
    db_path = target if is_server(target) else Path(target).resolve()
    if not is_server(target) and db_path.exists():  # a database made by an earlier version gets what this one
        open_waiting(db_path).close()  # reads (once, in a moment)
    if is_server(target):
        _check_reader(target)
    # DatabaseError: missing, held (after a wait), damaged, foreign; a server unreachable or refusing the user
    con = open_waiting(db_path, read_only=True)
    try:
        verify(con, redact(str(db_path)))
    finally:
        con.close()
    os.environ["GLOACT_DB"] = str(db_path)
    if compile_for_kernels():  # the kernels run python -OO: their bytecode, written once (gloact_lib/_lean.py)
        print("GLO.ACT route workbook: compiled the dashboards' kernels' bytecode (once)", flush=True)
    os.environ.update(LEAN_KERNEL)  # the dashboards' kernels (which inherit it): see gloact_lib/_lean.py
    # the templates, and the dashboards' own kernel (gloact_lib/app/dashboard_kernel.py) before the stock python3
    paths = [str(TEMPLATE_ROOT), str(KERNEL_ROOT), os.environ.get("JUPYTER_PATH")]
    os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, paths))
    from voila.app import Voila

    _set_xsrf_cookie_on_pages()
    _landing_page()
    _pace_refills(paced_pools(pool_size, audience))
    folder = serve_folder(Path(tempfile.mkdtemp(prefix="gloact-dashboards-")))
    print(f"GLO.ACT route workbook: open http://127.0.0.1:{port}/ (Ctrl+C to stop)", flush=True)
    try:
        from traitlets.config import Config

        config_ = Config({"VoilaKernelManager": {"kernel_pools_config": pools(pool_size, audience)}})
        Voila.launch_instance(argv=voila_argv(port, folder, pool_size=pool_size), config=config_)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
