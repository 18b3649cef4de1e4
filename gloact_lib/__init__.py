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

What a notebook needs comes from here::

    from gloact_lib import Flows, Selection, connect, route_map
    route_map(Flows.from_db(connect(read_only=True), Selection(origin=["NGA"])), lang="fr")

``import gloact_lib`` loads the data side only, without the imports layer; the import functions
(:func:`import_file`, :func:`check_file`, :func:`build_db`) and the view-side names (:func:`route_map`,
:func:`build_maps`, :func:`build_briefing`, :func:`briefing_html`) are loaded, with folium, on
first use (PEP 562).
"""

from gloact_lib._lean import lazy_names  # first: it decides whether pandas may load pyarrow
from gloact_lib.analysis.flows import Flows, published_total
from gloact_lib.analysis.selection import Selection
from gloact_lib.data.countries import country_name, resolve_country
from gloact_lib.data.database import connect

__version__ = "0.1.0"

#: Imports and view-side names, imported from their module (and folium with the maps) on first use: the routes and
#: country dashboards' kernels, which import nothing, never load the imports layer (the commitments dashboard
#: does, for its form), and no kernel loads folium unless it draws a folium map.
_LAZY = {
    "build_db": "gloact_lib.imports.build",
    "ImportResult": "gloact_lib.imports.pipeline",
    "ReadError": "gloact_lib.imports.pipeline",
    "check_file": "gloact_lib.imports.pipeline",
    "import_file": "gloact_lib.imports.pipeline",
    "route_map": "gloact_lib.views.route_map",
    "build_maps": "gloact_lib.views.build_maps",
    "build_briefing": "gloact_lib.views.briefing",
    "briefing_html": "gloact_lib.views.briefing",
}

__all__ = [
    "Flows",
    "ImportResult",
    "ReadError",
    "Selection",
    "briefing_html",
    "build_briefing",
    "build_db",
    "build_maps",
    "check_file",
    "connect",
    "country_name",
    "import_file",
    "published_total",
    "resolve_country",
    "route_map",
]

__getattr__, __dir__ = lazy_names(__name__, _LAZY, __all__)
