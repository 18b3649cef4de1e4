"""The package's layout holds: layers import downwards only, no SQL in views or dashboards, small modules.

Layers, bottom to top (CONTRIBUTING.md): ``config``/``i18n``/``spreadsheet`` <- ``data`` <-
``imports`` <- ``analysis`` <- ``views`` <- ``dashboards`` <- ``app``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "gloact_lib"
LAYERS = ["base", "data", "imports", "analysis", "views", "dashboards", "app"]
#: Modules with no widget, map or server code: usable from a plain script.
DATA_SIDE = ("base", "data", "imports", "analysis")
MAX_LINES = 420


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else "base"


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(rel.parts).removesuffix(".__init__")
        if name == "gloact_lib":
            continue  # the package's front door re-exports from every layer
        yield name, path


def _imports(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.append(node.module + ("." + node.names[0].name if node.module == "gloact_lib" else ""))
        elif isinstance(node, ast.Import):
            out += [a.name for a in node.names]
    return out


@pytest.mark.parametrize(("name", "path"), list(_modules()), ids=lambda v: str(v).split("gloact_lib/")[-1])
def test_imports_point_down(name, path):
    mine = LAYERS.index(_layer(name))
    for target in _imports(path):
        if target.startswith("gloact_lib"):
            assert LAYERS.index(_layer(target)) <= mine, f"{name} imports {target} from a higher layer"
        if _layer(name) in DATA_SIDE:
            assert target.split(".")[0] not in ("folium", "branca", "ipywidgets", "voila"), (name, target)


_SQL = re.compile(r"\.execute\(|\bSELECT\b[\s\S]{0,200}?\bFROM\b")


@pytest.mark.parametrize("layer", ["views", "dashboards"])
def test_no_sql_in_views_or_dashboards(layer):
    found = [f"{p.relative_to(PACKAGE)}: {m.group(0)[:40]!r}" for p in (PACKAGE / layer).rglob("*.py")
             for m in _SQL.finditer(p.read_text(encoding="utf-8"))]  # fmt: skip
    assert found == []


def test_modules_stay_small():
    long = {str(p.relative_to(PACKAGE)): n for _, p in _modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}  # fmt: skip
    assert long == {}


def test_the_package_checks_with_exceptions_not_asserts():
    """The dashboards' kernels run ``python -OO`` (``gloact_lib/_lean.py``), where an ``assert`` is not run: the
    package checks what it is given with exceptions, and never reads a docstring at run time."""
    found = []
    for name, path in [("gloact_lib", PACKAGE / "__init__.py"), *_modules()]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [f"{name}:{n.lineno} assert" for n in ast.walk(tree) if isinstance(n, ast.Assert)]
        found += [f"{name}:{n.lineno} __doc__" for n in ast.walk(tree)
                  if isinstance(n, ast.Attribute) and n.attr == "__doc__" and isinstance(n.ctx, ast.Load)]  # fmt: skip
    assert found == []
