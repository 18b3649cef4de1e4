"""Import formats: the registry of every kind of file the workbook imports.

Each format is one module of this package defining a :class:`~.base.Format` (the protocol,
in :mod:`.base`): its target table, the header columns that identify it, the columns it
requires, a ``transform`` from a :class:`~gloact_lib.imports.validate.Batch` to the table's
columns, and optional hooks (``group``, ``check_source``).  :data:`FORMATS` lists them; the
order is the order ``--format`` shows them in and breaks ties in :func:`detect_format`.

========================  ======================================  ==========================
format                    what                                    module
========================  ======================================  ==========================
``journeys``              the workbook's own journeys             :mod:`.journeys`
``frontex``               Frontex detections by route             :mod:`.frontex`
``ctdc``                  CTDC victim rows                        :mod:`.ctdc`
``htcds``                 IOM HTCDS events, grouped by case       :mod:`.htcds`
``incidents``             IOM Missing Migrants incidents          :mod:`.incidents`
``places``...``groups``   reference tables of ``data/reference``  :mod:`.reference`
``commitments``           status updates, the focal points' form  :mod:`.commitments`
========================  ======================================  ==========================

To add a format: write its module, add one line to :data:`FORMATS` (CONTRIBUTING.md).
"""

from __future__ import annotations

from gloact_lib.imports.formats import commitments, ctdc, frontex, htcds, incidents, journeys, reference
from gloact_lib.imports.formats.base import Context, Format

__all__ = ["Context", "Format", "FORMATS", "detect_format"]

#: Every import format by name.
FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        journeys.FORMAT,
        frontex.FORMAT,
        ctdc.FORMAT,
        htcds.FORMAT,
        incidents.FORMAT,
        reference.PLACES,
        reference.TREATIES,
        commitments.FORMAT,
        reference.MEETINGS,
        reference.PARTICIPANTS,
        reference.RECOMMENDATIONS,
        reference.INDICATORS,
        reference.GROUPS,
    )
}


def detect_format(columns: set[str]) -> Format | None:
    """The format whose signature the header matches best, or None.

    Parameters
    ----------
    columns : set of str
        Lower-case header names (after aliases).

    Returns
    -------
    Format or None
        Among the formats whose whole signature is in ``columns``, the one with the largest
        signature (the first in :data:`FORMATS` on a tie).
    """
    matches = [f for f in FORMATS.values() if f.signature <= columns]
    if not matches:
        return None
    return max(matches, key=lambda f: len(f.signature))
