"""Shared fixtures: every test works on its own database and report folder."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from gloact_lib import config
from gloact_lib.data.database import connect
from gloact_lib.imports.build import build_db, scratch

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(autouse=True)
def _reports_in_tmp(tmp_path, monkeypatch):
    """Default reports (and the forms' signing key) go to a temporary folder, never to the repository."""
    monkeypatch.setattr(config, "REPORTS_DIR", tmp_path / "reports")
    monkeypatch.setattr(config, "FORM_KEY_FILE", tmp_path / "form-key")


@pytest.fixture
def con():
    """An empty in-memory workbook database that knows the shipped places."""
    connection = scratch()
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """The database built from the shipped data, once per test session."""
    path = tmp_path_factory.mktemp("db") / "gloact.duckdb"
    build_db(path, report_dir=path.parent / "reports")
    return path


@pytest.fixture
def built_con(built_db):
    connection = connect(built_db, read_only=True)
    yield connection
    connection.close()


JOURNEY_HEADER = ["journey_id", "crime", "persons", "period_start", "period_end", "origin", "via",
                  "destination", "sex", "age_group", "exploitation", "reporting_country", "source"]  # fmt: skip


def journey(**overrides) -> dict[str, str]:
    """A valid journey row; keyword arguments replace fields."""
    row = {
        "journey_id": "j1", "crime": "trafficking", "persons": "3", "period_start": "2018-06-18",
        "period_end": "", "origin": "NGA", "via": "NER;agadez", "destination": "LBY", "sex": "female",
        "age_group": "adult", "exploitation": "sexual", "reporting_country": "NER", "source": "test",
    }  # fmt: skip
    row.update(overrides)
    return row


@pytest.fixture
def write_csv(tmp_path):
    """Write rows (dicts) to a CSV file and return its path."""

    def write(rows, name="input.csv", header=None, delimiter=",", encoding="utf-8"):
        path = tmp_path / name
        header = header or (list(rows[0]) if rows else JOURNEY_HEADER)
        with open(path, "w", encoding=encoding, newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=header, delimiter=delimiter, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        return path

    return write


def read_report(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL cluster for the session (``tests/pg_cluster.py``); removed afterwards."""
    from tests.pg_cluster import Cluster, server_binaries

    if server_binaries() is None:  # `make test` installs it: a missing server is a failure, not a skip
        pytest.fail("PostgreSQL server not installed: run `make postgres` (Debian's postgresql package)")
    cluster = Cluster()
    yield cluster
    cluster.remove()


@pytest.fixture
def pg_db(pg_cluster):
    """An empty database of its own on the session's cluster: its superuser address (dropped afterwards)."""
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:10]}"
    url = pg_cluster.create_database(name)
    yield url
    with psycopg.connect(pg_cluster.url(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, for a module's browser tests (``tests/browser.py``)."""
    from tests.browser import chromium

    with chromium() as b:
        yield b
