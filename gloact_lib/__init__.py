"""gloact_lib: the GLO.ACT route workbook's helper package.

Layers (imports point down only): ``store`` (database, schema, importers,
countries, reference data) <- ``flows`` (selections, suppression) <- ``views``
(maps, charts) <- ``dashboard`` (widgets).  The data side never imports folium,
ipywidgets or Voilà.
"""

from .countries import country_name, resolve_country
from .importers import ImportResult, ReadError, check_file, import_file
from .store import build_db, connect

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
