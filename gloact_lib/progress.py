"""Progress of long work: the callback the library calls, and what shows it to a person.

The functions that can take more than a few seconds take ``progress``, a callable::

    progress(done, total, detail)

``done`` is how many steps are finished, ``total`` how many there are (None when not known
beforehand, e.g. the rows of a file being read) and ``detail`` what is being worked on (a file,
a map, a page).  They call it before each step and once at the end (``done == total``):

- :func:`gloact_lib.imports.build.build_db`: one step per shipped file;
- :func:`gloact_lib.views.build_maps.build_maps`: one step per map;
- :func:`gloact_lib.views.briefing.build_briefing`: the HTML page, each PNG view, the PDF;
- an import (:func:`gloact_lib.imports.pipeline.import_file`): the rows read so far, after each
  batch, with no total; pass the callback with :func:`reporting` (``with reporting(bar):
  import_file(...)``).

What shows it:

- :class:`Progress`: on a terminal, one line redrawn in place (carriage return) with a bar; when
  the stream is not a terminal (a log file, a pipe), plain lines, at most one every few seconds so
  that a short run prints none (the command line's error messages stay one line).  ``gloact``
  writes it to stderr, never stdout, so ``--json`` output is unchanged.
- :func:`notebook_bar`: a progress bar in a notebook (Jupyter or Voilà): an ipywidgets progress
  widget you pass in, or else an HTML ``<progress>`` element updated in place.

Examples
--------
>>> seen = []
>>> tell(lambda done, total, detail: seen.append((done, total, detail)), 1, 3, "hubs.csv")
>>> tell(None, 2, 3)  # no callback: nothing happens
>>> seen
[(1, 3, 'hubs.csv')]
"""

from __future__ import annotations

import contextlib
import contextvars
import html
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator

__all__ = ["Callback", "Progress", "current", "notebook_bar", "reporting", "tell"]

#: ``callback(done, total, detail)``: ``total`` is None when not known beforehand.
Callback = Callable[[int, "int | None", str], None]

#: How a :class:`Progress` shows itself when not told: ``GLOACT_PROGRESS`` = ``bar`` (as on a
#: terminal), ``lines`` (a plain line for every step, at once), ``off``; unset: a bar on a terminal,
#: else a plain line every few seconds.
_MODE_VARIABLE = "GLOACT_PROGRESS"

_CURRENT: contextvars.ContextVar[Callback | None] = contextvars.ContextVar("gloact_progress", default=None)


def tell(progress: Callback | None, done: int, total: int | None = None, detail: str = "") -> None:
    """Call ``progress(done, total, detail)``, or do nothing when there is no callback.

    Parameters
    ----------
    progress : callable or None
    done : int
        Steps finished.
    total : int, optional
        Steps in all, None when not known.
    detail : str, default ""
        What is being worked on.
    """
    if progress is not None:
        progress(done, total, detail)


def current() -> Callback | None:
    """The callback set by the innermost :func:`reporting` block, or None."""
    return _CURRENT.get()


@contextlib.contextmanager
def reporting(progress: Callback | None) -> Iterator[Callback | None]:
    """Within the block, work that takes no ``progress`` argument reports to this callback.

    An import reads its rows far below :func:`~gloact_lib.imports.pipeline.import_file`; this
    passes the callback down to it.  ``reporting(None)`` silences an outer block.

    Examples
    --------
    >>> with reporting(print):
    ...     current() is print
    True
    >>> current() is None
    True
    """
    token = _CURRENT.set(progress)
    try:
        yield progress
    finally:
        _CURRENT.reset(token)


def _number(n: int) -> str:
    return f"{n:,}"


class Progress:
    """Progress shown as text: a bar redrawn in place on a terminal, plain lines elsewhere.

    An instance is a callback (``progress(done, total, detail)``), to pass to the functions that
    take one; :meth:`report` is the same with the total given here.

    Parameters
    ----------
    total : int, optional
        Steps in all (None: not known; the count alone is shown).
    label : str, default ""
        What the work is (``"build-db"``), at the start of the line.
    stream : file, optional
        Default ``sys.stderr``.
    mode : {"bar", "lines", "off"}, optional
        Default: ``GLOACT_PROGRESS`` if set, else ``"bar"`` when the stream is a terminal and
        ``"lines"`` when it is not.
    delay : float, optional
        Seconds before anything is shown, so that quick work shows nothing: default 0.5 for a
        bar, 5 for lines chosen because the stream is no terminal, 0 for lines asked for (``mode``
        or ``GLOACT_PROGRESS``).
    every : float, optional
        Least seconds between two outputs: default 0.1 for a bar, 5 for lines chosen because the
        stream is no terminal, 0 for lines asked for.
    unit : str, default ""
        Said after the count when the total is not known (``"rows read"``).

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> with Progress(2, "maps", stream=out, mode="lines") as p:
    ...     p.report(1, "overview.html")
    ...     p.report(2)
    >>> print(out.getvalue(), end="")
    maps: 1/2 (50%) overview.html
    maps: 2/2 (100%)
    """

    def __init__(self, total: int | None = None, label: str = "", stream=None, mode: str | None = None,
                 delay: float | None = None, every: float | None = None, unit: str = ""):  # fmt: skip
        self.total, self.label, self.unit = total, label, unit
        self.stream = stream if stream is not None else sys.stderr
        if mode is None:
            mode = os.environ.get(_MODE_VARIABLE, "").strip().lower() or None
        quiet = mode is None  # lines because the stream is a log or a pipe: a line every few seconds
        if mode is None:
            isatty = getattr(self.stream, "isatty", None)
            mode = "bar" if isatty is not None and isatty() else "lines"
        if mode not in ("bar", "lines", "off"):
            raise ValueError(f"mode must be 'bar', 'lines' or 'off', not {mode!r}")
        self.mode = mode
        pause, gap = {"bar": (0.5, 0.1), "lines": (5.0, 5.0) if quiet else (0.0, 0.0), "off": (0.0, 0.0)}[mode]
        self.delay = delay if delay is not None else pause
        self.every = every if every is not None else gap
        self.done = 0
        self._started = time.monotonic()
        self._shown_at: float | None = None  # when something was last written
        self._drawn = False  # a bar line is open (no newline yet)
        self._closed = False

    # -- a callback ---------------------------------------------------------------
    def __call__(self, done: int, total: int | None = None, detail: str = "") -> None:
        if total is not None:
            self.total = total
        self.report(done, detail)

    def report(self, done: int, detail: str = "") -> None:
        """Say that ``done`` steps are finished, ``detail`` being worked on now."""
        self.done = done
        if self.mode == "off" or self._closed:
            return
        now = time.monotonic()
        finished = self.total is not None and done >= self.total
        if now - self._started < self.delay and not (finished and self._shown_at is not None):
            return
        if self._shown_at is not None and now - self._shown_at < self.every and not finished:
            return
        self._show(self._text(done, detail))
        self._shown_at = now

    def message(self, text: str) -> None:
        """Write a line of its own (a bar being drawn is ended first, and redrawn at the next report)."""
        if self._drawn:
            self.stream.write("\n")
            self._drawn = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        """End the display: a bar's line is closed with a newline."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False
        self._closed = True

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- text -----------------------------------------------------------------------
    def _text(self, done: int, detail: str) -> str:
        head = f"{self.label}: " if self.label else ""
        if self.total is None:
            count = f"{_number(done)} {self.unit}".rstrip()
        else:
            pct = round(100 * done / self.total) if self.total else 100
            count = f"{_number(done)}/{_number(self.total)} ({pct}%)"
        return f"{head}{count} {detail}".rstrip()

    def _show(self, text: str) -> None:
        if self.mode == "lines":
            self.stream.write(text + "\n")
        else:
            width = shutil.get_terminal_size((80, 20)).columns - 1
            if self.total:
                share = min(max(self.done / self.total, 0.0), 1.0)
                filled = round(20 * share)
                text = f"[{'#' * filled}{'.' * (20 - filled)}] {text}"
            self.stream.write("\r" + text[:width].ljust(width))
            self._drawn = True
        self.stream.flush()


class _NotebookBar:
    """A progress callback drawing in a notebook (see :func:`notebook_bar`)."""

    def __init__(self, label: str, widget=None, every: float = 0.1):
        self.label, self.widget, self.every = label, widget, every
        self._handle = None
        self._last = 0.0
        if widget is not None:
            if label and hasattr(widget, "description"):
                widget.description = label
            return
        try:
            from IPython.display import HTML, display
        except ImportError:  # not in a notebook: nothing to show
            return
        self._html = HTML
        self._handle = display(HTML(self._page(0, None, "")), display_id=True)

    def _page(self, done: int, total: int | None, detail: str) -> str:
        e = html.escape
        bar = f"<progress value='{done}' max='{total}'></progress>" if total else "<progress></progress>"
        count = f"{_number(done)}/{_number(total)}" if total else _number(done)
        return f"<div class='gloact-progress'>{e(self.label)} {bar} <span>{e(count)} {e(detail)}</span></div>"

    def __call__(self, done: int, total: int | None = None, detail: str = "") -> None:
        now = time.monotonic()
        if now - self._last < self.every and not (total is not None and done >= total):
            return
        self._last = now
        if self.widget is not None:
            if total:
                self.widget.max = total
                self.widget.value = min(done, total)
            else:  # the total is not known: a full bar in the "info" style, the count beside it
                self.widget.max = max(done, 1)
                self.widget.value = done
            if hasattr(self.widget, "bar_style"):
                self.widget.bar_style = "success" if total is not None and done >= total else "info"
            if hasattr(self.widget, "tooltip"):
                self.widget.tooltip = f"{_number(done)} {detail}".strip()
        elif self._handle is not None:
            self._handle.update(self._html(self._page(done, total, detail)))


def notebook_bar(label: str = "", widget=None) -> Callback:
    """A progress bar in a notebook, as a callback for the functions that take ``progress``.

    Parameters
    ----------
    label : str, default ""
        Shown before the bar.
    widget : ipywidgets.IntProgress or FloatProgress, optional
        A progress widget to drive (``max``, ``value`` and ``bar_style`` are set); display it
        yourself.  Without one, an HTML ``<progress>`` element is displayed and updated in place
        (needs IPython; outside a notebook nothing is shown).

    Returns
    -------
    callable
        ``callback(done, total, detail)``.

    Examples
    --------
    In a notebook::

        from ipywidgets import IntProgress
        bar = IntProgress(); display(bar)
        build_db("w.duckdb", progress=notebook_bar("Building", widget=bar))
        with reporting(notebook_bar("Import")):
            import_file("w.duckdb", "ctdc.csv")
    """
    return _NotebookBar(label, widget)
