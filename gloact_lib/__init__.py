"""gloact_lib: the GLO.ACT route workbook's helper package.

Layers (imports point down only): ``store`` (database, schema, importers,
countries, reference data) <- ``flows`` (selections, suppression) <- ``views``
(maps, charts) <- ``dashboard`` (widgets).  The data side never imports folium,
ipywidgets or Voilà.
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
