"""Paths and settings in one place.

Raw and reference data under ``data/`` are read-only inputs; everything the
workbook generates goes to ``maps/`` (maps, briefings, reports) or to the
database file.  Every path can be overridden by an environment variable so that
a test or a second workbook never touches the defaults.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Repository root (the folder holding ``gloact_lib/``, ``data/``, ``maps/``).
ROOT = Path(os.environ.get("GLOACT_ROOT", Path(__file__).resolve().parent.parent))
DATA_DIR = ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
SAMPLE_DIR = DATA_DIR / "sample"
BASEMAP_DIR = DATA_DIR / "basemap"
BASEMAP_FILE = BASEMAP_DIR / "countries_50m.geojson"
MAPS_DIR = Path(os.environ.get("GLOACT_MAPS", ROOT / "maps"))
REPORTS_DIR = MAPS_DIR / "reports"
NOTEBOOKS_DIR = ROOT / "notebooks"

#: The embedded default database; ``--db`` or ``GLOACT_DB`` point elsewhere.
DEFAULT_DB = Path(os.environ.get("GLOACT_DB", DATA_DIR / "gloact.duckdb"))

#: Published counts below this are suppressed (UNODC's global report uses 5 for flows).
DISCLOSURE_THRESHOLD = 5

#: Rows handled per batch when importing: bounds memory for very large files.
IMPORT_CHUNK_ROWS = 100_000
