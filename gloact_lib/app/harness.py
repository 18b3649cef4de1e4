"""Served workbooks for the tests and the benchmarks: free ports, local HTTP, Voilà servers and their kernels.

One place for what the browser tests (``tests/``) and the benchmarks (``benchmarks/``)
both need: a free port on 127.0.0.1, a GET or POST that never goes through a proxy, a
Voilà server (``gloact serve`` of a database, or plain ``voila`` of a folder as a
baseline) started in a process group of its own and stopped with its kernels, the
server's kernel processes (found in ``/proc``, since Voilà does not serve
``/api/kernels``) with their CPU time and memory, and waiting for a dashboard's map to be
drawn in a Playwright page.  Only the standard library is imported here; the Playwright
helpers take the page they work on.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from gloact_lib.app import dashboard_kernel

__all__ = ["LIVE_MAP_DRAWN", "MAP_DRAWN", "VoilaServer", "cpu_ticks", "free_port", "get", "is_kernel", "kernel_pids",
           "leave_page", "post", "proc_fields", "pss_kb", "rss_kb", "voila_server", "wait_drawn"]  # fmt: skip

#: A routes or country dashboard's map is drawn: an arc in its map iframe (frame selector, element selector).
MAP_DRAWN = ("iframe.gloact-map", "path.gloact-arc")
#: The routes dashboard's live map is drawn: an arc on the page itself (no frame: frame selector None).
LIVE_MAP_DRAWN = (None, ".gloact-live path.gloact-arc")
#: A routes dashboard's map is visible: its first paint's (gloact_lib/views/live_preview.py) or the live map's flows.
MAP_VISIBLE = (None, ".gloact-pre path.gloact-arc, .gloact-live path.gloact-arc")

#: Requests to 127.0.0.1 only: never through a proxy named in the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now.

    Returns
    -------
    int
    """
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 10) -> bytes:
    """The body of a GET, never through a proxy.

    Parameters
    ----------
    url : str
    timeout : float, default 10
        Seconds.

    Returns
    -------
    bytes

    Raises
    ------
    urllib.error.HTTPError
        For a status of 400 or more.
    OSError
        When nothing answers.
    """
    with _OPENER.open(url, timeout=timeout) as response:
        return response.read()


def post(url: str, data: bytes = b"", timeout: float = 10) -> bytes:
    """The body of a POST of ``data``, never through a proxy (raises as :func:`get`)."""
    with _OPENER.open(urllib.request.Request(url, data=data, method="POST"), timeout=timeout) as response:
        return response.read()


# --- Processes (Linux /proc) ---------------------------------------------------------------------------------------


def proc_fields(pid: int) -> list[str] | None:
    """Fields of ``/proc/<pid>/stat`` after the command name (state first, then the parent's pid), or None."""
    try:
        return Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def is_kernel(pid: int) -> bool:
    """Whether the process runs ``ipykernel``, stock or the dashboards' (False when it is gone)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
        return b"ipykernel" in command or dashboard_kernel.__name__.encode() in command
    except OSError:
        return False


def kernel_pids(server_pid: int) -> list[int]:
    """Pids of the kernel processes a server started (its children running ``ipykernel``).

    Parameters
    ----------
    server_pid : int
        The Voilà server's pid.

    Returns
    -------
    list of int
    """
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = proc_fields(int(entry.name))
            if fields and len(fields) > 1 and fields[1] == str(server_pid) and is_kernel(int(entry.name)):
                pids.append(int(entry.name))
    return pids


def cpu_ticks(pids: list[int]) -> int:
    """User + system CPU time of these processes, in clock ticks (vanished processes count 0)."""
    total = 0
    for pid in pids:
        fields = proc_fields(pid)
        if fields:
            total += int(fields[11]) + int(fields[12])
    return total


def _status_kb(path: str, key: str) -> int:
    try:
        for line in Path(path).read_text(encoding="ascii").splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def rss_kb(pid: int) -> int:
    """Resident set size of a process (``VmRSS``, KB), 0 if it is gone."""
    return _status_kb(f"/proc/{pid}/status", "VmRSS")


def pss_kb(pid: int) -> int:
    """Proportional set size of a process (``Pss`` of ``smaps_rollup``, KB: shared pages divided among the
    processes sharing them), 0 if unknown."""
    return _status_kb(f"/proc/{pid}/smaps_rollup", "Pss")


# --- Voilà servers -------------------------------------------------------------------------------------------------


class VoilaServer:
    """A Voilà server (``gloact serve`` or plain ``voila``) on 127.0.0.1, in a process group of its own.

    A context manager: it starts the server and waits for its first page, and stops
    it at the end (``SIGTERM`` to the group: Voilà shuts its kernels down; a kernel
    still alive after that is ended by its pid).  The server's output goes to a log
    file, read to follow Voilà's kernel pool.  Make one with :meth:`gloact` or
    :meth:`voila`.

    Parameters
    ----------
    argv : list of str
        Command; ``{port}`` in it is replaced by a free port.
    log_path : Path
    env : dict, optional
        Environment (default: this process's).
    timeout : float, default 120
        Seconds for the first page to answer.

    Attributes
    ----------
    url : str
        Base URL, ``http://127.0.0.1:PORT``.
    pid : int
        The server's pid (while it runs).
    visits : dict
        Pages counted by :meth:`visit_url`, per notebook.
    """

    def __init__(self, argv: list[str], log_path: Path, env: dict | None = None, timeout: float = 120):
        self.port = free_port()
        self.argv = [a.replace("{port}", str(self.port)) for a in argv]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path, self.env, self.timeout = Path(log_path), env, timeout
        self.visits: dict[str, int] = {}
        self.seen: set[int] = set()
        self.proc: subprocess.Popen | None = None

    @classmethod
    def gloact(cls, db: Path | str, log_path: Path | None = None, timeout: float = 120) -> VoilaServer:
        """``gloact serve --db DB`` (every dashboard with a preheated kernel): a file, log next to it by default,
        or a ``postgresql://`` address (kept as text; give ``log_path``)."""
        server = isinstance(db, str) and db.startswith(("postgresql://", "postgres://"))
        if server and log_path is None:
            raise ValueError("give a log path for a server workbook")
        argv = [sys.executable, "-m", "gloact_lib.app.cli", "serve", "--db", str(db if server else Path(db)),
                "--port", "{port}"]  # fmt: skip
        return cls(argv, log_path or Path(db).with_suffix(".serve.log"), timeout=timeout)

    @classmethod
    def voila(cls, folder: Path, log_path: Path | None = None, *, template: str | None = "gloact",
              pool_size: int = 1, timeout: float = 120) -> VoilaServer:  # fmt: skip
        """Plain ``voila FOLDER`` with a preheated pool: a baseline for ``gloact serve``.

        Parameters
        ----------
        folder : Path
            Notebooks served.
        log_path : Path, optional
            Default ``FOLDER/voila.log``.
        template : str or None, default "gloact"
            Voilà template; ``"gloact"`` is the workbook's (the lab template without its CDN
            stylesheets, found through ``JUPYTER_PATH``), None is Voilà's default.
        pool_size : int, default 1
            Preheated kernels per notebook.
        timeout : float, default 120
        """
        folder = Path(folder)
        argv = [sys.executable, "-m", "voila", str(folder), "--port={port}", "--Voila.ip=127.0.0.1", "--no-browser",
                "--preheat_kernel=True", f"--pool_size={pool_size}"]  # fmt: skip
        env = None
        if template:
            argv.append(f"--template={template}")
        if template == "gloact":
            from gloact_lib.app.serve import TEMPLATE_ROOT

            paths = [str(TEMPLATE_ROOT), os.environ.get("JUPYTER_PATH")]
            env = {**os.environ, "JUPYTER_PATH": os.pathsep.join(filter(None, paths))}
        return cls(argv, log_path or folder / "voila.log", env, timeout)

    @property
    def pid(self) -> int:
        if self.proc is None:
            raise RuntimeError("the server is not running")
        return self.proc.pid

    def __enter__(self) -> VoilaServer:
        self._log = open(self.log_path, "w", encoding="utf-8")
        self.proc = subprocess.Popen(self.argv, stdout=self._log, stderr=subprocess.STDOUT, env=self.env,
                                     start_new_session=True)  # fmt: skip
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                get(self.url + "/")
                return self
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{' '.join(self.argv[1:4])} did not start:\n{self.log()[-3000:]}") from None
                time.sleep(0.3)

    def __exit__(self, *exc) -> None:
        self.stop()

    def log(self) -> str:
        """The server's output so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def kernels(self) -> list[int]:
        """Pids of the server's kernel processes (remembered, to be ended by :meth:`stop` if they outlive it)."""
        pids = kernel_pids(self.pid)
        self.seen.update(pids)
        return pids

    def kernels_kb(self) -> tuple[int, int]:
        """Sums of the RSS and of the PSS of the server's kernels (KB)."""
        kernels = self.kernels()
        return sum(rss_kb(pid) for pid in kernels), sum(pss_kb(pid) for pid in kernels)

    def visit_url(self, notebook: str) -> str:
        """The page of ``notebook`` (``/voila/render/...``), counting one visit for :meth:`wait_ready`."""
        self.visits[notebook] = self.visits.get(notebook, 0) + 1
        return f"{self.url}/voila/render/{notebook}"

    def wait_quiet(self, timeout: float = 180, window: float = 1.0, max_ticks: int = 3, windows: int = 2) -> float:
        """Wait until the server and its kernels use (almost) no CPU for ``windows`` windows in a row.

        Returns
        -------
        float
            The seconds waited (at most ``timeout``: on a busy machine the caller goes on).
        """
        start, streak = time.monotonic(), 0
        while time.monotonic() - start < timeout and streak < windows:
            pids = [self.pid, *self.kernels()]
            before = cpu_ticks(pids)
            time.sleep(window)
            streak = streak + 1 if cpu_ticks(pids) - before <= max_ticks else 0
        return time.monotonic() - start

    def wait_ready(self, notebook: str, timeout: float = 240) -> float:
        """Wait until ``notebook``'s pool holds a preheated kernel again and every kernel is idle.

        Voilà logs "Kernel pool of NOTEBOOK is filled" once at the start and once after
        each visit (counted by :meth:`visit_url`); then :meth:`wait_quiet`.

        Returns
        -------
        float
            The seconds waited.
        """
        start = time.monotonic()
        marker = f"Kernel pool of {notebook} is filled"
        while self.log().count(marker) < 1 + self.visits.get(notebook, 0):
            if time.monotonic() - start > timeout or self.proc.poll() is not None:
                raise RuntimeError(f"the kernel pool of {notebook} was not refilled:\n{self.log()[-3000:]}")
            time.sleep(0.2)
        return time.monotonic() - start + self.wait_quiet()

    def stop(self) -> None:
        """Stop the server and its kernels (nothing when it is not running)."""
        if self.proc is None:
            return
        self.kernels()
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        for pid in self.seen:  # kernels run in sessions of their own
            if is_kernel(pid):
                os.kill(pid, signal.SIGKILL)
        self._log.close()
        self.proc = None


@contextlib.contextmanager
def voila_server(db: Path | str | None = None, log: Path | None = None, *, folder: Path | None = None,
                 template: str | None = "gloact", timeout: float = 120) -> Iterator[tuple[str, int]]:  # fmt: skip
    """A running server for the duration of a ``with``: ``gloact serve --db DB``, or plain ``voila FOLDER``.

    Parameters
    ----------
    db : Path or str, optional
        Database served by ``gloact serve`` (give ``db`` or ``folder``): a file or a ``postgresql://`` address.
    log : Path, optional
        Server output (default next to ``db``, or in ``folder``).
    folder : Path, optional
        Notebooks served by plain Voilà instead (a baseline, see :meth:`VoilaServer.voila`).
    template : str or None, default "gloact"
        Plain Voilà's template.
    timeout : float, default 120
        Seconds for the server to answer.

    Yields
    ------
    (str, int)
        Base URL (``http://127.0.0.1:PORT``) and the server's pid (see :func:`kernel_pids`).
    """
    if (db is None) == (folder is None):
        raise ValueError("give db (gloact serve) or folder (plain voila)")
    if db is not None:
        server = VoilaServer.gloact(db, log, timeout)
    else:
        server = VoilaServer.voila(folder, log, template=template, timeout=timeout)
    with server:
        yield server.url, server.pid


# --- Pages (Playwright) --------------------------------------------------------------------------------------------


def wait_drawn(page, drawn: tuple[str, str] = MAP_DRAWN, timeout: float = 180) -> None:
    """Wait until the first ``drawn[1]`` is visible in the first frame ``drawn[0]`` of a Playwright page (in the
    page itself when ``drawn[0]`` is None: :data:`LIVE_MAP_DRAWN`).

    Parameters
    ----------
    page : playwright.sync_api.Page
    drawn : (str, str), default :data:`MAP_DRAWN`
        Frame selector and element selector.
    timeout : float, default 180
        Seconds.
    """
    where = page if drawn[0] is None else page.frame_locator(drawn[0]).first
    where.locator(drawn[1]).first.wait_for(state="visible", timeout=timeout * 1000)


def leave_page(page) -> None:
    """Leave a dashboard page and close it with its browser context.

    Unloading the page makes Voilà's front end post its kernel's shutdown (a beacon,
    which request interception would catch and lose: leave pages that are not routed).
    """
    page.goto("about:blank")
    context = page.context
    page.close()
    context.close()
