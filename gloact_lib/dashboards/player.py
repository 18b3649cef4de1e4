"""The play button of the routes dashboard: it steps through the years or the months of the data.

:class:`Player` holds the controls (the play button, what it shows now, years or months) and says each step to
its owner: ``on_step(year, month)`` with ``month`` None when it steps by years.  The owner sets its period and
redraws; the player knows nothing of maps or selections.
"""

from __future__ import annotations

import html

import ipywidgets as w

from gloact_lib.i18n import t

__all__ = ["Player"]


class Player:
    """A play button over the years ``first`` to ``last``, by years or by months.

    Parameters
    ----------
    first, last : int
        The years of the data.
    on_step : callable
        Called with ``(year, month)`` at each step (``month`` None by years, 1-12 by months).
    lang : {"en", "fr"}, default "en"

    Attributes
    ----------
    play : ipywidgets.Play
        By months its value is ``year * 12 + month - 1``.
    now : ipywidgets.HTML
        The year or month shown ("2016", "2016-03").
    by : ipywidgets.ToggleButtons
        ``"year"`` or ``"month"``.
    rows : list of ipywidgets.Widget
        The two rows to put among the filters.

    Examples
    --------
    >>> steps = []
    >>> p = Player(2015, 2016, lambda year, month: steps.append((year, month)))
    >>> p.by.value = "month"
    >>> p.play.value += 2
    >>> steps, p.now.value
    ([(2015, 3)], "<span class='gloact-play-now'>2015-03</span>")
    """

    def __init__(self, first: int, last: int, on_step, lang: str = "en"):
        self.first, self.last, self._on_step, self._quiet = first, last, on_step, False
        self.play = w.Play(min=first, max=last, value=first, step=1, interval=1500, show_repeat=False,
                           layout=w.Layout(width="120px"))  # fmt: skip
        self.label = w.HTML(layout=w.Layout(width="112px"))  # aligned with the filters' descriptions
        self.now = w.HTML(layout=w.Layout(width="64px"))
        self.by = w.ToggleButtons(options=[("years", "year"), ("months", "month")], value="year")
        self.play.observe(self._step, names="value")
        self.by.observe(self._by_changed, names="value")
        under = w.HTML(layout=w.Layout(width="112px"))  # the steps under the buttons, aligned with the filters
        self.rows = [w.HBox([self.label, self.play, self.now]), w.HBox([under, self.by])]
        self.relabel(lang)

    def relabel(self, lang: str) -> None:
        """Words in ``lang``.

        Parameters
        ----------
        lang : {"en", "fr"}
        """
        tip = html.escape(t("live_play_tip", lang))
        self.label.value = f"<div class='gloact-play-label' title='{tip}'>{html.escape(t('live_play', lang))}</div>"
        self.play.tooltip = t("live_play_tip", lang)
        value = self.by.value
        self._quiet = True
        try:
            self.by.options = [(t("live_step_years", lang), "year"), (t("live_step_months", lang), "month")]
            self.by.value = value
        finally:
            self._quiet = False
        self.by.tooltips = [t("live_step_tip_years", lang), t("live_step_tip_months", lang)]
        self.by.style = {"button_width": "88px"}

    def _step(self, change) -> None:
        if self._quiet:
            return
        if self.by.value == "year":
            self.now.value = f"<span class='gloact-play-now'>{change['new']}</span>"
            self._on_step(change["new"], None)
            return
        year, month = divmod(change["new"], 12)
        self.now.value = f"<span class='gloact-play-now'>{year}-{month + 1:02d}</span>"
        self._on_step(year, month + 1)

    def _by_changed(self, change) -> None:
        """Years or months: the range follows, from the first again (nothing is drawn until the next step)."""
        if self._quiet:
            return
        low, high = (self.first * 12, self.last * 12 + 11) if change["new"] == "month" else (self.first, self.last)
        self._quiet = True
        try:
            self.play.playing = False
            if low > self.play.max:  # min may never exceed max, on the way
                self.play.max, self.play.min = high, low
            else:
                self.play.min, self.play.max = low, high
            self.play.value = low
        finally:
            self._quiet = False
        self.now.value = ""
