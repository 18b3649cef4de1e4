"""Issue 13: progress on the commands that take long: a bar on a terminal, plain lines elsewhere, a notebook bar,
nothing on stdout; the callback threaded through build_db, build_maps, the import's staging and the briefing."""

from __future__ import annotations

import io
import json
import re

import pytest

from gloact_lib import config, progress
from gloact_lib.app.cli import main
from gloact_lib.imports import build
from gloact_lib.progress import Progress, current, notebook_bar, reporting

from ..conftest import journey


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self):
        return True


class Calls(list):
    """A progress callback that records its calls."""

    def __call__(self, done, total, detail):
        self.append((done, total, detail))


@pytest.fixture(autouse=True)
def _no_mode_from_the_environment(monkeypatch):
    monkeypatch.delenv("GLOACT_PROGRESS", raising=False)


# -- the display ---------------------------------------------------------------------------------------


def test_a_terminal_gets_a_bar_redrawn_in_place_and_ended_with_a_newline():
    out = Terminal()
    with Progress(4, "build-maps", stream=out, delay=0, every=0) as bar:
        for done in range(5):
            bar(done, 4, f"map{done}.html")
    text = out.getvalue()
    assert text.count("\r") == 5 and text.endswith("\n") and text.count("\n") == 1
    assert "[##########..........] build-maps: 2/4 (50%) map2.html" in text
    assert "[####################] build-maps: 4/4 (100%)" in text


def test_not_a_terminal_gets_plain_lines_and_quick_work_prints_nothing():
    quick = io.StringIO()
    with Progress(3, "build-db", stream=quick) as p:  # not a terminal: a line every 5 s at most, none before 5 s
        for done in range(4):
            p.report(done, "file.csv")
    assert quick.getvalue() == ""
    lines = io.StringIO()
    with Progress(3, "build-db", stream=lines, delay=0, every=0) as p:
        for done in range(4):
            p.report(done, f"f{done}.csv")
    assert lines.getvalue().splitlines() == ["build-db: 0/3 (0%) f0.csv", "build-db: 1/3 (33%) f1.csv",
                                             "build-db: 2/3 (67%) f2.csv", "build-db: 3/3 (100%) f3.csv"]  # fmt: skip
    assert "\r" not in lines.getvalue()


def test_plain_lines_are_spaced_in_time_but_the_end_is_said():
    out = io.StringIO()
    p = Progress(100, "import", stream=out, mode="lines", delay=0, every=3600)
    for done in range(101):
        p.report(done)
    assert out.getvalue().splitlines() == ["import: 0/100 (0%)", "import: 100/100 (100%)"]


def test_the_environment_chooses_the_mode(monkeypatch):
    monkeypatch.setenv("GLOACT_PROGRESS", "off")
    out = Terminal()
    Progress(2, "x", stream=out, delay=0)(1, 2, "a")
    assert out.getvalue() == ""
    monkeypatch.setenv("GLOACT_PROGRESS", "lines")  # every step, at once, even on a terminal
    out = Terminal()
    Progress(None, "import", stream=out)(200_000, None, "rows read")
    assert out.getvalue() == "import: 200,000 rows read\n"
    with pytest.raises(ValueError, match="mode must be"):
        Progress(mode="loud")


def test_a_message_during_a_bar_gets_a_line_of_its_own():
    out = Terminal()
    with Progress(None, "import", stream=out, delay=0, every=0) as bar:
        bar(100, None, "rows read")
        bar.message("gloact import: waiting for the database")
    text = out.getvalue()
    assert text.startswith("\rimport: 100 rows read")
    assert text.endswith("\ngloact import: waiting for the database\n") and text.count("\n") == 2  # none left open


def test_reporting_passes_a_callback_down_and_nests():
    calls = Calls()
    assert current() is None
    with reporting(calls):
        assert current() is calls
        with reporting(None):
            assert current() is None
        progress.tell(current(), 5, None, "rows read")
    assert current() is None and calls == [(5, None, "rows read")]


def test_notebook_bar_drives_an_ipywidgets_progress_bar():
    from ipywidgets import IntProgress

    widget = IntProgress()
    bar = notebook_bar("Building", widget=widget)
    assert widget.description == "Building"
    bar(0, 12, "groups.csv")
    assert (widget.value, widget.max, widget.bar_style) == (0, 12, "info")
    bar(12, 12, "")
    assert (widget.value, widget.max, widget.bar_style) == (12, 12, "success")
    rows = notebook_bar("Import", widget=IntProgress())
    rows(250_000, None, "rows read")  # no total: the count is said, the bar full
    assert rows.widget.value == rows.widget.max == 250_000 and "250,000 rows read" in rows.widget.tooltip


def test_notebook_bar_without_a_widget_updates_an_html_progress_element(monkeypatch):
    import IPython.display

    shown = []

    class Handle:
        def update(self, obj):
            shown.append(obj.data)

    monkeypatch.setattr(IPython.display, "display", lambda obj, display_id=None: shown.append(obj.data) or Handle())
    bar = notebook_bar("Briefing <pack>")
    bar(3, 10, "routes.png")
    bar(10, 10, "")
    assert "<progress" in shown[0] and "Briefing &lt;pack&gt;" in shown[0]
    assert "value='3' max='10'" in shown[1] and "routes.png" in shown[1] and "value='10'" in shown[2]


# -- the callback through the work ---------------------------------------------------------------------


def test_build_db_reports_each_file(tmp_path, monkeypatch):
    monkeypatch.setattr(build, "REFERENCE_FILES", build.REFERENCE_FILES[:7])  # up to the Niamey commitments
    calls = Calls()
    build.build_db(tmp_path / "w.duckdb", progress=calls)
    names = [d for _, _, d in calls]
    assert calls[0] == (0, 7, "groups.csv") and calls[-1] == (7, 7, "")
    assert names[:-1] == [rel.rsplit("/", 1)[1] for rel in build.REFERENCE_FILES]
    assert [c[0] for c in calls] == list(range(8))


def test_build_db_does_not_pass_the_rows_of_its_files_to_an_outer_callback(tmp_path, monkeypatch):
    monkeypatch.setattr(build, "REFERENCE_FILES", build.REFERENCE_FILES[:2])
    outer = Calls()
    with reporting(outer):
        build.build_db(tmp_path / "w.duckdb")
    assert outer == []


def test_an_import_reports_the_rows_read_after_each_batch(con, write_csv, monkeypatch):
    from gloact_lib.imports.pipeline import import_file

    monkeypatch.setattr(config, "IMPORT_CHUNK_ROWS", 2)
    path = write_csv([journey(journey_id=f"j{i}") for i in range(5)])
    calls = Calls()
    with reporting(calls):
        assert import_file(con, path).accepted == 5
    assert calls == [(2, None, "rows read"), (4, None, "rows read"), (5, None, "rows read")]


def test_build_maps_reports_each_map(built_con, tmp_path, monkeypatch):
    from gloact_lib.data.frontex_routes import FRONTEX_ROUTES
    from gloact_lib.views import build_maps as maps

    first = next(iter(FRONTEX_ROUTES.items()))
    monkeypatch.setattr(maps, "FRONTEX_ROUTES", dict([first]))
    monkeypatch.setattr(maps, "member_countries", lambda con: ["MLI"])
    calls = Calls()
    written = maps.build_maps(built_con, tmp_path, "en", progress=calls)
    assert len(written) == 5
    assert [c[:2] for c in calls] == [(i, 5) for i in range(6)]
    assert [c[2] for c in calls] == ["overview.html", "overview-frontex.html", f"routes/{first[1].code}.html",
                                     "countries/MLI.html", "countries/MLI-frontex.html", ""]  # fmt: skip


def test_briefing_html_only_reports_the_page(built_con, tmp_path):
    from gloact_lib.views.briefing import build_briefing

    calls = Calls()
    build_briefing(built_con, "casablanca-2019", out=tmp_path, images=False, progress=calls)
    assert calls == [(0, None, "HTML page"), (1, 1, "")]


@pytest.mark.browser
def test_briefing_reports_each_view_and_the_pdf(built_con, tmp_path):
    from gloact_lib.views.briefing import build_briefing

    calls = Calls()
    pack = build_briefing(built_con, "casablanca-2019", out=tmp_path, progress=calls)
    total = len(pack.views) + 2
    assert calls[0] == (0, None, "HTML page") and calls[1] == (1, total, "Chromium")
    assert calls[2:-2] == [(i, total, f"{v}.png") for i, v in enumerate(pack.views, 1)]
    assert calls[-2:] == [(total - 1, total, "casablanca-2019-en.pdf"), (total, total, "")]


# -- the command line: stderr only, never stdout -------------------------------------------------------


def test_import_shows_rows_read_on_stderr_and_json_stays_clean(tmp_path, write_csv, built_db, monkeypatch, capsys):
    import shutil

    monkeypatch.setenv("GLOACT_PROGRESS", "lines")
    monkeypatch.setattr(config, "IMPORT_CHUNK_ROWS", 2)
    db = tmp_path / "w.duckdb"
    shutil.copy(built_db, db)
    path = write_csv([journey(journey_id=f"p{i}") for i in range(5)])
    assert main(["import", str(path), "--db", str(db), "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["accepted"] == 5  # stdout: the JSON alone
    assert err.splitlines() == ["import: 2 rows read", "import: 4 rows read", "import: 5 rows read"]


def test_import_on_a_pipe_prints_no_progress_for_quick_work(tmp_path, write_csv, built_db, capsys):
    import shutil

    db = tmp_path / "w.duckdb"
    shutil.copy(built_db, db)
    assert main(["check", str(write_csv([journey()])), "--db", str(db), "--json"]) == 0
    assert capsys.readouterr().err == ""


def test_build_db_command_shows_each_file_on_stderr(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GLOACT_PROGRESS", "lines")
    monkeypatch.setattr(build, "REFERENCE_FILES", build.REFERENCE_FILES[:3])
    assert main(["build-db", "--db", str(tmp_path / "w.duckdb")]) == 0
    out, err = capsys.readouterr()
    assert err.splitlines() == ["build-db: 0/3 (0%) groups.csv", "build-db: 1/3 (33%) hubs.csv",
                                "build-db: 2/3 (67%) treaties.csv", "build-db: 3/3 (100%)"]  # fmt: skip
    assert "build-db" not in out and re.search(r"^groups\.csv .* rows +32 ", out, re.M)


def test_build_maps_command_draws_a_bar_on_a_terminal(built_db, tmp_path, monkeypatch, capsys):
    from gloact_lib.data.frontex_routes import FRONTEX_ROUTES
    from gloact_lib.views import build_maps as maps

    monkeypatch.setenv("GLOACT_PROGRESS", "bar")
    monkeypatch.setattr(maps, "FRONTEX_ROUTES", dict([next(iter(FRONTEX_ROUTES.items()))]))
    monkeypatch.setattr(maps, "member_countries", lambda con: [])
    clock = iter(range(0, 10_000, 10))  # each look at the clock 10 s after the last: every step is drawn
    monkeypatch.setattr(progress, "time", type("Clock", (), {"monotonic": staticmethod(lambda: next(clock))}))
    assert main(["build-maps", "--db", str(built_db), "--out", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("wrote 3 maps") and "\r" not in out
    assert "\r[####################] build-maps: 3/3 (100%)" in err and err.endswith("\n")
