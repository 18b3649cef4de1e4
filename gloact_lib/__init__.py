"""gloact_lib: the GLO.ACT route workbook's helper package.

Layers, bottom to top; each imports only from the layers below it
(``tests/test_layout.py`` checks it, ``CONTRIBUTING.md`` says where things go):

- ``config``, ``i18n`` (every label a viewer reads), ``spreadsheet`` (formula-safe cells);
- ``data``: schema, database, record keys, countries, the Frontex route table, the sample;
- ``imports``: readers, validation, one module per format, the all-or-nothing pipeline, build;
- ``analysis``: selections, raw counts, disclosure control, published flows, commitments
  measures, profiles (every query a view needs);
- ``views``: maps, HTML pieces, briefing packs, forms (they take DataFrames; no SQL);
- ``dashboards``: the Voilà widgets;
- ``app``: the ``gloact`` command, the server, the test and benchmark harness.

The data side (``data``, ``imports``, ``analysis``) never imports folium, ipywidgets or Voilà.
"""

from gloact_lib.data.countries import country_name, resolve_country
from gloact_lib.data.database import connect
from gloact_lib.imports.build import build_db
from gloact_lib.imports.pipeline import ImportResult, ReadError, check_file, import_file

__version__ = "0.1.0"

__all__ = [
    "ImportResult",
    "ReadError",
    "build_db",
    "check_file",
    "connect",
    "country_name",
    "import_file",
    "resolve_country",
]
