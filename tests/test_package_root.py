"""The package root: what a notebook needs, importable from ``gloact_lib``, with folium loaded only on use."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import folium
import pytest

import gloact_lib
from gloact_lib import config

from .conftest import journey

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


@pytest.mark.parametrize("name", gloact_lib.__all__)
def test_every_exported_name_imports_from_the_root(name):
    namespace: dict = {}
    exec(f"from gloact_lib import {name}", namespace)
    assert namespace[name] is getattr(gloact_lib, name)
    assert name in dir(gloact_lib)


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        gloact_lib.no_such_name  # noqa: B018
    with pytest.raises(ImportError):
        exec("from gloact_lib import no_such_name", {})


def test_view_names_are_the_view_functions():
    from gloact_lib.analysis.flows import Flows
    from gloact_lib.analysis.selection import Selection
    from gloact_lib.views.briefing import build_briefing
    from gloact_lib.views.build_maps import build_maps
    from gloact_lib.views.route_map import route_map

    assert gloact_lib.Flows is Flows and gloact_lib.Selection is Selection
    assert gloact_lib.route_map is route_map and callable(gloact_lib.route_map)
    assert gloact_lib.build_maps is build_maps and gloact_lib.build_briefing is build_briefing


_PROBE = """
import sys
import gloact_lib
from gloact_lib import Flows, Selection, connect, import_file
heavy = ("folium", "branca", "ipywidgets", "voila")
print(sorted(m for m in heavy if m in sys.modules))
from gloact_lib import route_map
print("folium" in sys.modules, callable(route_map))
"""


def test_importing_the_package_loads_no_view_library():
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]", "True True"]


def _readme_python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_notebook_example_runs(built_db, monkeypatch):
    blocks = [b for b in _readme_python_blocks() if "route_map(" in b]
    assert len(blocks) == 1, "README: one ```python block shows the notebook's route map"
    code = "\n".join(line.strip() for line in blocks[0].splitlines())
    *setup, last = [line for line in code.splitlines() if line]
    monkeypatch.setattr(config, "DEFAULT_DB", built_db)  # connect() opens the built database
    namespace: dict = {}
    exec("\n".join(setup), namespace)
    result = eval(last, namespace)
    assert isinstance(result, folium.Map)


def test_readme_import_line_runs(tmp_path, write_csv, monkeypatch):
    line = re.search(r"From a notebook: `([^`]+)`", README.read_text(encoding="utf-8")).group(1)
    write_csv([journey(via="NER")], name="file.csv")  # a new database knows no places yet
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(config, "DEFAULT_DB", tmp_path / "w.duckdb")
    namespace: dict = {}
    exec(line, namespace)
    from gloact_lib.data.database import connect

    con = connect(tmp_path / "w.duckdb")
    try:
        assert con.execute("SELECT count(*) FROM journeys").fetchone()[0] == 1
    finally:
        con.close()
