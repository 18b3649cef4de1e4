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

#: The notebooks ``gloact serve`` publishes as dashboards, and nothing else: an analyst's
#: notebook in ``notebooks/`` (which writes files and shows server paths) is never served.
DASHBOARDS = ("routes.ipynb", "country.ipynb", "commitments.ipynb")

#: The embedded default database; ``--db`` or ``GLOACT_DB`` point elsewhere: another file, or a
#: PostgreSQL server's address (``postgresql://user:password@host/database``, kept as text).
_DB = os.environ.get("GLOACT_DB", "")
DEFAULT_DB: Path | str = _DB if "://" in _DB else Path(_DB or DATA_DIR / "gloact.duckdb")

#: This installation's secret for signing the commitments forms it writes (created on first use,
#: never in a form, not committed); ``GLOACT_FORM_KEY_FILE`` points elsewhere, e.g. to a key
#: shared by the machines that write and import one team's forms.
FORM_KEY_FILE = Path(os.environ.get("GLOACT_FORM_KEY_FILE", DATA_DIR / ".form-key"))

#: Published counts below this are suppressed (UNODC's global report uses 5 for flows).
DISCLOSURE_THRESHOLD = 5

#: Rows handled per batch when importing: bounds memory for very large files.
#: How long a command or a dashboard waits for a database another process is writing (an import's
#: final append, well under a second for 100k rows), retrying every LOCK_RETRY_SECONDS, before it
#: says what holds it.
LOCK_WAIT_SECONDS = float(os.environ.get("GLOACT_LOCK_WAIT", 60.0))
LOCK_RETRY_SECONDS = 0.1
#: A dashboard waits less (a viewer's page must answer): long enough for an import's final append;
#: after it, the viewer reads "busy" and the dashboard retries by itself.
DASHBOARD_LOCK_WAIT_SECONDS = 3.0

#: Seconds after which the kernel of a page that is gone (a closed window, a sleeping laptop, a plain GET with no
#: browser) is shut down: it has no open connection and has run nothing for that long.  A kernel with an open page
#: is never shut down, however long the viewer reads it.  ``GLOACT_CULL_SECONDS`` (tests use a few seconds).
KERNEL_CULL_SECONDS = int(os.environ.get("GLOACT_CULL_SECONDS", 90))

IMPORT_CHUNK_ROWS = 100_000

#: A batch also ends after this many characters of text, so that long rows cannot make it large.
IMPORT_CHUNK_CHARS = 64 * 2**20

# -- Limits on input files --------------------------------------------------------------
# A file over one of these limits is not read at all: `gloact check` / `gloact import` print one
# line naming the file (and the row where there is one) and exit with status 2; the database is
# unchanged.  They bound the memory and time an import can take, whatever the file holds; a real
# national data file is far below each of them.  A test may lower them (they are read at use).

#: Longest value (a CSV field or an Excel cell), in characters: Excel's own cell limit.
MAX_FIELD_CHARS = 32_767
#: Longest CSV record, in characters, the line breaks inside its quoted values included.
MAX_RECORD_CHARS = 65_536
#: Most data rows in one file (an Excel sheet holds at most 1,048,576 rows).
MAX_ROWS = 10_000_000
#: Most bytes an .xlsx file may unpack to (the sum of its zip members' uncompressed sizes),
#: checked from the zip directory before the workbook is opened.
XLSX_MAX_UNCOMPRESSED = 2**30
#: Highest compression ratio of an .xlsx member over 1 MiB: real sheets measure 15-20:1,
#: a zip bomb about 1,000:1.
XLSX_MAX_RATIO = 200
#: Largest XML part other than worksheets (workbook, styles, theme...), which openpyxl loads whole.
XLSX_MAX_PART_BYTES = 32 * 2**20
#: Most shared strings, and the largest shared strings part: openpyxl holds the table in memory
#: (about 150 bytes a string), so these bound it to a few hundred MB.
XLSX_MAX_SHARED_STRINGS = 2_000_000
XLSX_MAX_SHARED_STRINGS_BYTES = 64 * 2**20
