"""What every dashboard shares: :class:`Panel`, URL parameters, failures the viewer can read.

A dashboard is a :class:`Panel` (an ``ipywidgets.VBox``) whose state lives in traitlets.
:class:`Panel` gives it the ``lang`` and ``status`` traits, the language switch, the status
line with the data's date and a refresh button, presenter mode, the database connection, and the
one way of building from the page's address, :meth:`Panel.from_url`.

A dashboard holds the workbook database only while it draws: ``self.con`` opens a read-only
connection on first use (waiting, with a word in the status line, while an import appends) and it
is closed when the drawing ends, so that imports are never blocked by an open page, and the next
drawing (a filter change, the refresh button) sees what was imported meanwhile.

The contract: a dashboard class provides

``_layout(lang) -> (header, body, slides)``
    Make its widgets (``self.con`` is open) and say where they go: ``header`` widgets are
    shown left of the language switch, ``body`` widgets below it, above the status line;
    ``slides`` are the panels presenter mode shows one at a time, in order.
``_relabel(lang)``
    Put every label of its controls in ``lang``, keeping their values (called when ``lang``
    changes; control events are ignored meanwhile, see :meth:`Panel._quietly`).
``refresh()``
    Redraw every panel from the database; on success call ``self._ok()``, on any exception
    ``self._fail(exc)`` (the viewer reads a sentence, never a traceback; a retry follows).
``URL_PARAMETERS``
    The URL parameters it reads besides ``lang`` and ``present`` (documentation and
    :meth:`Panel.from_url`'s docstring).
``_apply_parameters(params)``, optional
    Set its controls from the URL parameters (each one checked: a bad link must not break
    the page).  Runs quietly: the dashboard is redrawn once afterwards.
``_settle()``, optional
    Called once the URL parameters are applied, before the single redraw (a dashboard whose
    state is derived from its controls derives it here).
``_start()``, optional
    The first drawing at the end of construction (default :meth:`refresh`).
``_deck()``, optional
    Presenter mode's title and key messages (a :class:`gloact_lib.dashboards.deck.Deck`).
``published_table()``, optional
    The view's published figures, a table of :mod:`gloact_lib.views.downloads`: the header's
    "Download CSV" and "Download Excel" links write it when they are clicked (:meth:`Panel._download`).

Its own traits' observers redraw with :meth:`Panel._redraw`, which waits while the dashboard
is being built or configured.  Every text it shows comes from :mod:`gloact_lib.i18n` and is
escaped (the pieces of :mod:`gloact_lib.views.html` do both); figures of persons go through
:func:`gloact_lib.analysis.disclosure.publish`; every query is a function of
:mod:`gloact_lib.analysis`.  A dashboard that cannot even be built (the database busy,
missing or being replaced) is stood in for by :class:`Recovering`, which retries until the
cause has gone.
"""

from __future__ import annotations

import asyncio
import functools
import html
import logging
import sys
from contextlib import contextmanager

import ipywidgets as w
from traitlets import Unicode, observe

from gloact_lib import config
from gloact_lib._lean import give_back_memory
from gloact_lib.dashboards.deck import DECK_CSS, Deck, messages_slide, title_slide
from gloact_lib.dashboards.links import _url_lang, url_country, url_parameters
from gloact_lib.data.database import data_as_of, open_waiting
from gloact_lib.i18n import LANGUAGE_NAMES, LANGUAGES, t
from gloact_lib.views.assets import STYLESHEET
from gloact_lib.views.download_buttons import DownloadButtons
from gloact_lib.views.downloads import download_file

__all__ = ["Panel", "Recovering", "log", "url_country", "url_parameters", "viewer_message"]

log = logging.getLogger("gloact_lib.dashboards")
if not log.handlers:  # a kernel's stderr is the server's log
    _handler = logging.StreamHandler(sys.__stderr__)
    _handler.setFormatter(logging.Formatter("%(asctime)s gloact dashboard %(levelname)s: %(message)s"))
    log.addHandler(_handler)
    log.propagate = False

_MESSAGES = {"busy": "err_busy", "missing": "err_missing", "damaged": "err_damaged", "foreign": "err_damaged",
             "unreachable": "err_unreachable", "denied": "err_denied"}

#: URL values that switch presenter mode on (``?present=1``).
_YES = ("1", "true", "yes")


def viewer_message(exc: Exception, lang: str) -> str:
    """The sentence a viewer reads for a failure; the details go to the server log.

    Examples
    --------
    >>> from gloact_lib.data.database import DatabaseError
    >>> viewer_message(DatabaseError("/srv/x.duckdb: in use by PID 12", "busy"), "fr")
    'Les données sont en cours de mise à jour. Cette vue réessaiera dans un instant.'
    """
    from gloact_lib.data.database import database_error

    err = database_error(exc, "workbook database")
    kind = err.kind if err is not None else "other"
    log.error("%s (%s): %s", type(exc).__name__, kind, exc, exc_info=kind == "other")
    return t(_MESSAGES.get(kind, "err_other"), lang)


def _status_html(message: str, error: bool = False) -> str:
    """The status line: a sentence for the viewer, never a traceback."""
    if error:
        return f"<div class='gloact-status error' role='alert'>{html.escape(message)}</div>"
    return f"<div class='gloact-status'>{html.escape(message)}</div>"


def _later(seconds: float, callback) -> bool:
    """Call ``callback`` after ``seconds`` on the kernel's event loop; False where none runs (tests)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return False
    loop.call_later(seconds, callback)
    return True


class Recovering(w.VBox):
    """Stands in for a dashboard that could not be built, and builds it as soon as it can.

    It shows the viewer a short sentence and a "Try again" button, and tries again
    by itself every ``interval`` seconds (up to ``attempts`` times); when the build
    succeeds, the dashboard takes its place.

    Parameters
    ----------
    build : callable
        Returns the dashboard widget, or raises.
    error : Exception
        Why the last build failed.
    lang : {"en", "fr"}
    interval : float, default 5
    attempts : int, default 360
        Half an hour at the default interval.
    """

    def __init__(self, build, error: Exception, lang: str = "en", interval: float = 5.0, attempts: int = 360):
        self._build, self.lang, self._interval, self._left = build, lang, interval, attempts
        self.dashboard = None
        self.message = w.HTML(_status_html(viewer_message(error, lang), error=True))
        self.button = w.Button(description=t("try_again", lang))
        self.button.on_click(lambda _: self.retry())
        super().__init__([self.message, self.button])
        self.add_class("gloact-recovering")
        _later(interval, self._tick)

    def retry(self) -> bool:
        """Try to build the dashboard now; True when it is shown."""
        if self.dashboard is not None:
            return True
        try:
            dashboard = self._build()
        except Exception as exc:
            self.message.value = _status_html(viewer_message(exc, self.lang), error=True)
            return False
        self.dashboard = dashboard
        self.children = [dashboard]
        return True

    def _tick(self) -> None:
        self._left -= 1
        if not self.retry() and self._left > 0:
            _later(self._interval, self._tick)


def _build_or_recover(build, lang: str):
    """The dashboard ``build()`` returns, or a :class:`Recovering` stand-in if it fails."""
    try:
        return build()
    except Exception as exc:
        return Recovering(build, exc, lang)


def _releasing(refresh):
    """Wrap a dashboard's ``refresh`` so that the connection it opened is closed when the outermost one ends."""

    @functools.wraps(refresh)
    def wrapped(self, *args, **kwargs):
        self._drawing += 1
        try:
            return refresh(self, *args, **kwargs)
        finally:
            self._drawing -= 1
            if self._drawing == 0:
                self._release()

    return wrapped


class Panel(w.VBox):
    """The base of every dashboard (see the module's docstring for what a dashboard provides).

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection, optional
        Default: the workbook database, read-only (opened again after a failure).
    lang : {"en", "fr"}, default "en"
    present : bool, default False
        Presenter mode: one panel per slide, arrow keys, F for full screen.
    **kwargs
        Passed to :class:`ipywidgets.VBox`.
    """

    lang = Unicode("en")
    status = Unicode("")

    #: URL parameters the dashboard reads besides ``lang`` and ``present``.
    URL_PARAMETERS: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "refresh" in cls.__dict__:  # every drawing ends by letting the database go
            cls.refresh = _releasing(cls.__dict__["refresh"])

    def __init__(self, con=None, lang: str = "en", present: bool = False, **kwargs):
        self._ready = self._updating = self._stale = False
        self._given_con, self._open_con, self._drawing, self._drawn_as_of = con, None, 0, None
        self.lang_toggle = w.ToggleButtons(options=[(name, code) for code, name in LANGUAGE_NAMES.items()],
                                           value=lang)  # fmt: skip
        self.status_line = w.HTML()
        self.refresh_button = w.Button(icon="refresh", tooltip=t("refresh", lang), description=t("refresh", lang),
                                       layout=w.Layout(width="auto", min_width="118px"))  # fmt: skip
        self.refresh_button.add_class("gloact-refresh")
        self.refresh_button.on_click(lambda _button: self.refresh())
        self.downloads = DownloadButtons(self._download, lang)  # the view's figures, written when asked for
        self.cover, self.messages = w.HTML(), w.HTML()  # presenter mode's first two slides: see _fill_deck
        try:
            header, body, slides = self._layout(lang)
        finally:
            self._release()
        self.lang_toggle.style.button_width = "96px"  # side by side, never squeezed under each other
        top = w.HBox([*header, self.refresh_button, self.downloads, self.lang_toggle],
                     layout=w.Layout(flex_flow="row wrap", align_items="center"))  # fmt: skip
        top.add_class("gloact-header")
        super().__init__([w.HTML(f"<style>{STYLESHEET}{DECK_CSS}</style>"), top, self.cover, self.messages, *body,
                          self.status_line], **kwargs)  # fmt: skip
        self.add_class("gloact-dashboard")
        for panel in (self.cover, self.messages, *slides):
            panel.add_class("gloact-slide")
        self.presenting = False
        if present:
            self._present()
        self.lang_toggle.observe(lambda change: setattr(self, "lang", change["new"]), names="value")
        self.lang = lang
        self._ready = True
        self._start()

    # -- what a dashboard provides (see the module's docstring) ------------------------------------
    def _layout(self, lang: str) -> tuple[list, list, list]:
        raise NotImplementedError

    def _relabel(self, lang: str) -> None:
        """Labels of the dashboard's own controls in ``lang`` (none by default)."""

    def refresh(self) -> None:
        raise NotImplementedError

    def _apply_parameters(self, params: dict[str, str]) -> None:
        """Set the dashboard's controls from URL parameters (none by default)."""

    def _settle(self) -> None:
        """Derive state from the controls once the URL parameters are applied (nothing by default)."""

    def _start(self) -> None:
        self.refresh()

    # -- construction from the page URL ------------------------------------------------------------
    @classmethod
    def from_url(cls, con=None):
        """A dashboard set from the page's URL parameters: ``lang``, ``present=1`` for presenter
        mode (one panel per slide, arrow keys, F for full screen), and the class's
        :attr:`URL_PARAMETERS`.

        Built, then set: a preheated kernel builds and draws before anyone visits, then waits (``url_parameters``).
        A dashboard that cannot be built is a :class:`Recovering` stand-in.
        """
        try:
            dashboard = cls(con=con)
        except Exception:  # built again for the visitor: the cause may have gone since the preheat
            params = url_parameters()
            return _build_or_recover(lambda: cls(con=con)._configured(params), _url_lang(params))
        dashboard._before_visitor()
        return dashboard._configured(url_parameters())

    def _before_visitor(self) -> None:
        """What a preheated kernel does before it waits for its visitor, not while a room waits (nothing here)."""

    def _configured(self, params: dict[str, str]):
        """Apply URL parameters to the built dashboard, then redraw once if anything changed."""
        try:
            if params.get("present") in _YES and not self.presenting:
                self._present()
                self._stale = True  # its title and key messages are written by a drawing
            with self._quietly():
                self._apply_parameters(params)
                if params.get("lang") in LANGUAGES:
                    self.lang = params["lang"]
            self._settle()
            if self._stale:
                self.refresh()
        except Exception as exc:  # a bad link must not break the page
            self._fail(exc)
        finally:
            self._release()
        return self

    # -- redrawing ---------------------------------------------------------------------------------
    @contextmanager
    def _quietly(self):
        """Change controls and traits without a redraw for each; :meth:`_redraw` calls are remembered."""
        before, self._updating = self._updating, True
        try:
            yield
        finally:
            self._updating = before

    def _redraw(self) -> None:
        """Redraw after a change of state, unless the dashboard is still being built or set."""
        if not self._ready or self._updating:
            self._stale = self._ready
            return
        self.refresh()

    def _ok(self) -> None:
        self._stale = False
        when = data_as_of(self.con)
        self.status = t("status_ok", self.lang)
        self.as_of = t("data_as_of", self.lang, when=f"{when:%Y-%m-%d %H:%M} UTC") if when is not None else ""
        self.status_line.value = _status_html(f"{self.status} {self.as_of}".strip())
        self._drawn_as_of = when  # the files written for a click are this drawing's (see _download)
        self.downloads.ready = getattr(self, "published_table", None) is not None
        if self.presenting:
            self._fill_deck()

    def _present(self) -> None:
        """Presenter mode: a title and a key-messages slide, then the panels, one per slide."""
        self.presenting = True
        self.add_class("gloact-present")

    def _deck(self) -> Deck:
        """The title and key messages of presenter mode (a dashboard says more: see the module's docstring)."""
        return Deck(title=self.status)

    def _fill_deck(self) -> None:
        deck = self._deck()
        self.cover.value = title_slide(deck, self.lang, self.as_of)
        self.messages.value = messages_slide(deck, self.lang)

    def _fail(self, exc: Exception) -> None:
        """Show a sentence the viewer can read (details to the server log); try again in a moment."""
        self._stale = False
        self.status = viewer_message(exc, self.lang)
        self.status_line.value = _status_html(self.status, error=True)
        self.downloads.ready = False  # never the figures of an earlier state
        if not getattr(self, "_retry_pending", False):
            self._retry_pending = _later(5.0, self._retry)

    def _download(self, kind: str) -> tuple[str, bytes]:
        """The file a click on a download link asks for: the view's published figures as drawn, in its language.

        The kernel answers once it is idle (after any drawing under way).  When the data have changed since the
        view was drawn (an import meanwhile), the view is drawn again first: the page and the file agree.
        """
        if not self.downloads.ready:
            raise RuntimeError("the view has no figures to offer (it failed, or has none)")
        try:
            if data_as_of(self.con) != self._drawn_as_of:
                self.refresh()
                if not self.downloads.ready:
                    raise RuntimeError("the view could not be drawn again")
            return download_file(self.published_table(), kind, self._drawn_as_of)
        finally:
            if not self._drawing:
                self._release()

    def _retry(self) -> None:
        self._retry_pending = False
        self.refresh()

    @observe("lang")
    def _lang_changed(self, change) -> None:
        if not self._ready:
            return  # still being built: the first drawing comes at the end
        self.lang_toggle.value = change["new"]
        self.refresh_button.description = self.refresh_button.tooltip = t("refresh", change["new"])
        self.downloads.relabel(change["new"])
        with self._quietly(), self.hold_trait_notifications():
            self._relabel(change["new"])
        self._redraw()  # same state, new language: every label again
        self._release()

    @property
    def con(self):
        """The database, read-only: the connection given, or one opened for the current drawing."""
        if self._given_con is not None:
            return self._given_con
        if self._open_con is None:
            self._open_con = open_waiting(read_only=True, wait=config.DASHBOARD_LOCK_WAIT_SECONDS,
                                          on_wait=self._waiting)  # fmt: skip
        return self._open_con

    def _waiting(self, message: str) -> None:
        """The database is being written (an import's final append): say so while the drawing waits."""
        self.status_line.value = _status_html(t("status_waiting", self.lang))

    def _release(self) -> None:
        """Let the database go (a connection this dashboard opened); the next drawing opens a new one."""
        con, self._open_con = self._open_con, None
        if con is not None:
            try:
                con.close()
            except Exception:  # already closed or broken: nothing to keep
                pass
            give_back_memory()  # a served kernel returns the drawing's memory (gloact_lib/_lean.py)

