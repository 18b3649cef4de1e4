"""Dashboard panels for Voilà: widget classes whose state lives in traitlets.

A served notebook is a few lines::

    from gloact_lib.dashboards import RoutesDashboard
    RoutesDashboard.from_url()

:mod:`~gloact_lib.dashboards.base` holds what every dashboard shares (and says what a
dashboard must provide); :mod:`~gloact_lib.dashboards.routes`,
:mod:`~gloact_lib.dashboards.country` and :mod:`~gloact_lib.dashboards.commitments` hold
one dashboard each.
"""

import importlib

from gloact_lib.dashboards.base import Recovering, url_parameters, viewer_message

#: Each dashboard loaded on first use (PEP 562): a dashboard's kernel loads its own module only (the commitments
#: dashboard brings the imports layer, for its form).
_DASHBOARDS = {"CommitmentsDashboard": "commitments", "CountryDashboard": "country", "RoutesDashboard": "routes"}

__all__ = ["CommitmentsDashboard", "CountryDashboard", "Recovering", "RoutesDashboard", "url_parameters",
           "viewer_message"]  # fmt: skip


def __getattr__(name: str):
    """The dashboard class ``name``, its module imported on first use.

    Parameters
    ----------
    name : str

    Returns
    -------
    type

    Raises
    ------
    AttributeError
        ``name`` is not a dashboard of this package.
    """
    if name not in _DASHBOARDS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_DASHBOARDS[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's names, the dashboards included."""
    return sorted(set(globals()) | set(__all__))
