"""Dashboard panels for Voilà: widget classes whose state lives in traitlets.

A served notebook is a few lines::

    from gloact_lib.dashboards import RoutesDashboard
    RoutesDashboard.from_url()

:mod:`~gloact_lib.dashboards.base` holds what every dashboard shares (and says what a
dashboard must provide); :mod:`~gloact_lib.dashboards.routes`,
:mod:`~gloact_lib.dashboards.country` and :mod:`~gloact_lib.dashboards.commitments` hold
one dashboard each.
"""

from gloact_lib._lean import lazy_names
from gloact_lib.dashboards.base import Recovering, url_parameters, viewer_message

#: Each dashboard loaded on first use (PEP 562): a dashboard's kernel loads its own module only (the commitments
#: dashboard brings the imports layer, for its form).
_DASHBOARDS = {"CommitmentsDashboard": f"{__name__}.commitments", "CountryDashboard": f"{__name__}.country",
               "RoutesDashboard": f"{__name__}.routes"}  # fmt: skip

__all__ = ["CommitmentsDashboard", "CountryDashboard", "Recovering", "RoutesDashboard", "url_parameters",
           "viewer_message"]  # fmt: skip

__getattr__, __dir__ = lazy_names(__name__, _DASHBOARDS, __all__)
