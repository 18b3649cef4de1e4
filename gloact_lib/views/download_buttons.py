"""A view's "Download CSV" and "Download Excel" links, whose files are written when they are asked for.

:class:`DownloadButtons` is a small :class:`anywidget.AnyWidget` (front end: ``download_buttons.js`` beside this
file).  The page holds only the two links' words; a click sends ``{"ask": "csv"}`` (or ``"xlsx"``) to the
kernel, which writes the file (:func:`gloact_lib.views.downloads.to_csv` / ``to_xlsx`` of the view's published
figures, through the ``write`` callable it was given) and answers with the file's name and its bytes as a binary
buffer of the message; the browser saves them as a Blob.  Nothing is written for a view nobody downloads, and a
filter change sends nothing for the downloads (before, both files went to the page as ``data:`` addresses after
every drawing: 100–170 kB per change on the Frontex data).

The kernel answers a click once it is idle, so a file is always the one of the view as drawn when it is written;
the dashboard's ``write`` redraws first when the data have changed since (see
:meth:`gloact_lib.dashboards.base.Panel._download`).  What a file holds is never HTML: only its name (made of a
view's name, a date and a language code) and a short failure sentence reach the page, through ``textContent``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import anywidget
import traitlets as tr

from gloact_lib.i18n import t

__all__ = ["KINDS", "DownloadButtons"]

#: The files a view offers, in the order of its links.
KINDS = ("csv", "xlsx")

_JS = Path(__file__).with_name("download_buttons.js")
_CSS = """
.gloact-downloads{display:flex;gap:8px;align-items:center;margin:0 8px}
.gloact-downloads[hidden]{display:none}
.gloact-downloads a{display:inline-block;padding:3px 10px;border:1px solid #a23b2a;border-radius:3px;color:#a23b2a;
  background:#fff;text-decoration:none;font-size:13px;line-height:20px;white-space:nowrap;cursor:pointer}
.gloact-downloads a:hover,.gloact-downloads a:focus{background:#a23b2a;color:#fff}
.gloact-downloads a[aria-busy=true]{opacity:.6;cursor:progress}
.gloact-download-problem{color:#a23b2a;font-size:13px}
.gloact-present .gloact-download-widget{display:none}
@media print{.gloact-download-widget{display:none}}
"""

log = logging.getLogger("gloact_lib.dashboards")


@lru_cache(maxsize=1)
def _module() -> str:
    return _JS.read_text(encoding="utf-8")


class DownloadButtons(anywidget.AnyWidget):
    """The links to a view's figures as CSV and Excel, each file written when its link is clicked.

    Parameters
    ----------
    write : callable
        ``write(kind) -> (file name, bytes)`` for ``kind`` in :data:`KINDS`; may raise (the viewer then reads
        ``download_failed`` under the links, and the details go to the server log).
    lang : {"en", "fr"}, default "en"
    **kwargs
        Passed to :class:`anywidget.AnyWidget`.

    Attributes
    ----------
    ready : bool
        The links are shown (False while the view has failed, or has no figures to offer).
    words : dict
        The links' words in the viewer's language (:meth:`relabel`).

    Examples
    --------
    >>> buttons = DownloadButtons(lambda kind: (f"x.{kind}", b"1,2"), lang="fr")
    >>> buttons.words["csv"], buttons.answer("csv")
    ('Télécharger (CSV)', ({'kind': 'csv', 'file': 'x.csv'}, [b'1,2']))
    >>> buttons.answer("exe")[0]
    {}
    """

    _esm = tr.Unicode().tag(sync=True)
    _css = tr.Unicode().tag(sync=True)
    ready = tr.Bool(False).tag(sync=True)
    words = tr.Dict().tag(sync=True)

    def __init__(self, write: Callable[[str], tuple[str, bytes]], lang: str = "en", **kwargs):
        super().__init__(_esm=_module(), _css=_CSS, **kwargs)
        self._write = write
        self.relabel(lang)  # sets self.lang
        self.add_class("gloact-download-widget")
        self.on_msg(self._asked)

    def relabel(self, lang: str) -> None:
        """The links' words in ``lang`` (sent only when they change)."""
        self.lang = lang
        self.words = {"csv": t("download_csv", lang), "xlsx": t("download_xlsx", lang),
                      "group": t("downloads", lang)}  # fmt: skip

    def answer(self, kind: str) -> tuple[dict, list[bytes]]:
        """The message (and its buffers) answering a click on ``kind``'s link: ``{}`` for anything else asked.

        Parameters
        ----------
        kind : str
            What the page asked for; only :data:`KINDS` are answered.

        Returns
        -------
        content : dict
            ``{"kind", "file"}`` with the file's bytes as the one buffer, or ``{"kind", "problem"}`` (a
            sentence for the viewer) when it could not be written.
        buffers : list of bytes
        """
        if kind not in KINDS:
            return {}, []
        try:
            name, data = self._write(kind)
        except Exception:  # the view stays as it is: only this file is missing
            log.exception("the %s download could not be written", kind)
            return {"kind": kind, "problem": t("download_failed", self.lang)}, []
        return {"kind": kind, "file": name}, [data]

    def _asked(self, _widget, content, _buffers) -> None:
        if not isinstance(content, dict) or not isinstance(content.get("ask"), str):
            return
        message, buffers = self.answer(content["ask"])
        if message:
            self.send(message, buffers=buffers)
