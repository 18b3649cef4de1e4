"""Set-up files agree with each other and generated files are up to date."""

from __future__ import annotations

import filecmp
import re
import tomllib

import pytest

from gloact_lib import config
from gloact_lib.data.sample import write_sample
from gloact_lib.data.schema import schema_markdown

ROOT = config.ROOT
CONDA_NAMES = {"python-duckdb": "duckdb"}  # conda-forge name -> PyPI name


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    specs = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["test"]
    return {_name(s) for s in specs}


def _environment() -> set[str]:
    names = set()
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    for line in text.split("dependencies:", 1)[1].splitlines():
        m = re.match(r"^\s+-\s+([A-Za-z0-9_.\-]+[^#]*)", line)
        if not m or line.strip().startswith("- -e") or m.group(1).strip() in ("pip", "pip:"):
            continue
        name = _name(m.group(1))
        if name in ("python", "pip"):
            continue
        names.add(CONDA_NAMES.get(name, name))
    return names


def test_environment_yml_and_pyproject_agree():
    assert _environment() == _pyproject()


def test_schema_doc_is_generated_from_the_code():
    assert (config.DATA_DIR / "SCHEMA.md").read_text(encoding="utf-8") == schema_markdown()


def test_sample_is_reproducible_from_its_seed(tmp_path):
    regenerated = write_sample(tmp_path / "sample.csv")
    assert filecmp.cmp(regenerated, config.SAMPLE_DIR / "journeys_sample.csv", shallow=False)


@pytest.mark.parametrize("iso3", ["MAR", "ESH", "MLI", "NER", "NGA", "LBY", "DZA", "SEN", "GMB", "CPV", "ESP", "ITA"])
def test_basemap_has_the_region(iso3):
    import json

    features = json.loads(config.BASEMAP_FILE.read_text(encoding="utf-8"))["features"]
    assert iso3 in {f["properties"]["iso3"] for f in features}


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make serve" in (ROOT / "README.md").read_text(encoding="utf-8")
