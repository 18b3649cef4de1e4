"""Dashboard panels for Voilà: widget classes whose state lives in traitlets.

A served notebook is a few lines::

    from gloact_lib.dashboards import RoutesDashboard
    RoutesDashboard.from_url()

:mod:`~gloact_lib.dashboards.base` holds what every dashboard shares (and says what a
dashboard must provide); :mod:`~gloact_lib.dashboards.routes`,
:mod:`~gloact_lib.dashboards.country` and :mod:`~gloact_lib.dashboards.commitments` hold
one dashboard each.
"""

from gloact_lib.dashboards.base import Recovering, url_parameters, viewer_message
from gloact_lib.dashboards.commitments import CommitmentsDashboard
from gloact_lib.dashboards.country import CountryDashboard
from gloact_lib.dashboards.routes import RoutesDashboard

__all__ = ["CommitmentsDashboard", "CountryDashboard", "Recovering", "RoutesDashboard", "url_parameters",
           "viewer_message"]  # fmt: skip
