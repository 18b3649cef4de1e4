"""Nothing lost silently, and limits: stale xlsx dimensions, unclosed quotes, mixed encodings, control
characters, and every limit of ``gloact_lib.config`` ending in one line and exit 2, in bounded memory."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import time
import tracemalloc
import zipfile

import openpyxl
import pytest

from gloact_lib import config
from gloact_lib.app.cli import main
from gloact_lib.data.sql import scalar
from gloact_lib.imports.pipeline import ReadError, check_file, import_file
from gloact_lib.imports.readers import open_source

from ..conftest import JOURNEY_HEADER, journey, read_report

SST_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_OPEN = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def snapshot(con) -> dict:
    return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in ("journeys", "imports", "rejections")}


def csv_bytes(rows: list[dict], encoding: str = "utf-8") -> bytes:
    lines = [",".join(JOURNEY_HEADER)] + [",".join(r[h] for h in JOURNEY_HEADER) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def workbook_bytes(rows: list[dict]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(JOURNEY_HEADER)
    for r in rows:
        ws.append([r[h] for h in JOURNEY_HEADER])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rezip(data: bytes, edit=None, extra: dict[str, bytes] | None = None, level: int = 6) -> bytes:
    """The workbook ``data`` with parts changed by ``edit(name, bytes)`` and ``extra`` parts added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED,
                                                                    compresslevel=level) as zout:  # fmt: skip
        for info in zin.infolist():
            part = zin.read(info.filename)
            zout.writestr(info.filename, edit(info.filename, part) if edit else part)
        for name, part in (extra or {}).items():
            zout.writestr(name, part)
    return out.getvalue()


def with_shared_strings(data: bytes, body: bytes) -> bytes:
    """A workbook whose content types declare ``xl/sharedStrings.xml`` holding ``body``."""

    def declare(name, part):
        if name == "[Content_Types].xml":
            return part.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
                                + SST_TYPE + b'"/></Types>')  # fmt: skip
        return part

    return rezip(data, declare, {"xl/sharedStrings.xml": SST_OPEN + body + b"</sst>"})


def one_line_exit_2(capsys, path, *extra) -> str:
    """Run ``gloact check`` in-process: exit 2, nothing on stdout, one line on stderr naming the file."""
    assert main(["check", str(path), "--json", "--db", str(path.parent / "absent.duckdb"), *extra]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and path.name in lines[0], out.err
    return lines[0]


# -- 1. xlsx read in full whatever its <dimension> says --------------------------------------------
@pytest.mark.parametrize("ref", ["A1:C4", "A1", "A1:XFD1048576", "B3:D5"])
def test_xlsx_read_in_full_whatever_the_dimension_says(con, tmp_path, ref):
    rows = [journey(journey_id=f"d{i}") for i in range(10)]

    def stale(name, part):
        if name == "xl/worksheets/sheet1.xml":
            return re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), part)
        return part

    path = tmp_path / "stale.xlsx"
    path.write_bytes(rezip(workbook_bytes(rows), stale))
    with zipfile.ZipFile(path) as zf:
        assert f'<dimension ref="{ref}"'.encode() in zf.read("xl/worksheets/sheet1.xml")
    result = import_file(con, path)
    assert (result.rows, result.accepted, result.rejected) == (10, 10, 0)
    assert scalar(con, "SELECT count(*) FROM journeys") == 10


def test_xlsx_row_numbered_beyond_excel_is_refused_quickly(con, tmp_path):
    def far(name, part):
        return part.replace(b'<row r="3"', b'<row r="900000000"').replace(b'r="A3"', b'r="A900000000"') \
            if name == "xl/worksheets/sheet1.xml" else part  # fmt: skip

    path = tmp_path / "far.xlsx"
    path.write_bytes(rezip(workbook_bytes([journey(journey_id=f"f{i}") for i in range(3)]), far))
    started = time.perf_counter()
    with pytest.raises(ReadError, match="far.xlsx: .*beyond Excel's last row"):
        check_file(con, path)
    assert time.perf_counter() - started < 20


# -- 2. a quote that never closes ------------------------------------------------------------------
def test_unclosed_quote_is_a_read_error_naming_its_row(con, tmp_path, capsys):
    data = csv_bytes([journey(journey_id=f"q{i}") for i in range(10)]).replace(b"q3,", b'q3,"', 1)
    path = tmp_path / "quote.csv"
    path.write_bytes(data)
    before = snapshot(con)
    with pytest.raises(ReadError) as err:
        import_file(con, path)
    assert "quote.csv: row 5: a quoted value that starts in this row is never closed" in str(err.value)
    assert "lines 5-11" in str(err.value)
    assert snapshot(con) == before
    assert "row 5" in one_line_exit_2(capsys, path)


def test_unclosed_quote_in_a_large_file_hits_the_record_limit_with_a_hint(con, tmp_path):
    rows = [journey(journey_id=f"q{i}") for i in range(2000)]
    path = tmp_path / "quote-big.csv"
    path.write_bytes(csv_bytes(rows).replace(b"q100,", b'q100,"', 1))
    with pytest.raises(ReadError, match=r"row 102: a row longer than 65,536 characters.*is a quote never closed"):
        check_file(con, path)


def test_a_quote_closed_lines_later_is_reported_with_the_lines_it_swallowed(con, tmp_path):
    data = csv_bytes([journey(journey_id=f"q{i}") for i in range(8)])
    data = data.replace(b"q2,", b'q2,"', 1).replace(b"q5,trafficking", b'q5",trafficking', 1)
    path = tmp_path / "swallow.csv"
    path.write_bytes(data)
    result = import_file(con, path)
    report = read_report(result.report)
    assert [r["row"] for r in report] == ["4"]
    assert "runs over lines 4-7" in report[0]["reason"]
    assert result.rows == result.accepted + result.rejected == 5


def test_line_breaks_inside_a_quoted_value_are_kept(con, write_csv):
    path = write_csv([journey(journey_id="a", source="line one\nline two\r\nthree\ttabbed"), journey(journey_id="b")])
    result = import_file(con, path)
    assert (result.rows, result.accepted) == (2, 2)
    assert scalar(con, "SELECT source FROM journeys WHERE journey_id = 'a'") == "line one\nline two\r\nthree\ttabbed"
    assert con.execute("SELECT journey_id FROM journeys ORDER BY 1").fetchall() == [("a",), ("b",)]


# -- 3. encoding decided per file, rows that do not fit reported ------------------------------------
def test_one_latin1_byte_in_a_utf8_file_costs_one_row(con, tmp_path):
    rows = [journey(journey_id=f"e{i}", origin="Côte d'Ivoire") for i in range(2000)]
    lines = csv_bytes(rows).split(b"\r\n")
    lines[1500] = lines[1500].replace(b"test", b"t\xe9st")  # row 1501
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"\r\n".join(lines))
    result = import_file(con, path)
    assert (result.rows, result.accepted, result.rejected) == (2000, 1999, 1)
    assert "encoding" not in result.summary()
    [bad] = read_report(result.report)
    assert (bad["row"], bad["column"], bad["value"]) == ("1501", "source", "t\\xE9st")
    assert bad["reason"].startswith("not valid UTF-8: byte 0xE9 at character 2") and "save the file as UTF-8" in bad[
        "reason"]  # fmt: skip
    assert con.execute("SELECT DISTINCT origin FROM journeys").fetchall() == [("CIV",)]


def test_a_latin1_file_is_read_as_windows_1252_even_if_its_first_accent_is_far_down(con, tmp_path, capsys):
    rows = [journey(journey_id=f"l{i}") for i in range(1000)]
    rows[900]["origin"] = "Côte d'Ivoire"  # beyond the first 64 kB
    rows[950]["source"] = "Ministère – 2018"  # an en dash: Windows-1252, not Latin-1
    path = tmp_path / "latin.csv"
    path.write_bytes(csv_bytes(rows, "cp1252"))
    assert open_source(path).encoding == "cp1252"
    result = import_file(con, path)
    assert (result.rows, result.rejected) == (1000, 0)
    assert result.summary()["encoding"] == "cp1252"
    assert scalar(con, "SELECT source FROM journeys WHERE journey_id = 'l950'") == "Ministère – 2018"
    assert main(["check", str(path), "--db", str(tmp_path / "absent.duckdb")]) == 0
    assert "read as Windows-1252" in capsys.readouterr().out


def test_utf8_rows_in_a_mostly_windows_1252_file_are_reported_not_garbled(con, tmp_path):
    rows = [journey(journey_id=f"w{i}", source="Ministère de la Justice") for i in range(20)]
    data = csv_bytes(rows, "cp1252").split(b"\r\n")
    data[5] = data[5].replace("Ministère".encode("cp1252"), "Ministère".encode())  # row 6
    data[7] = data[7].replace(b"w6,", b"w6\x81,")  # 0x81: no character in Windows-1252
    path = tmp_path / "mostly1252.csv"
    path.write_bytes(b"\r\n".join(data))
    result = import_file(con, path)
    assert (result.rows, result.accepted, result.rejected) == (20, 18, 2)
    report = {r["row"]: r for r in read_report(result.report)}
    assert "this value is UTF-8" in report["6"]["reason"] and "Ministère" in report["6"]["reason"]
    assert "byte 0x81" in report["8"]["reason"] and "Windows-1252" in report["8"]["reason"]
    assert scalar(con, "SELECT count(*) FROM journeys WHERE source LIKE '%Ã%'") == 0


def test_utf16_with_a_byte_order_mark(con, tmp_path):
    path = tmp_path / "u16.csv"
    path.write_bytes(csv_bytes([journey(origin="Côte d'Ivoire")], "utf-16"))
    result = import_file(con, path)
    assert (result.rows, result.accepted) == (1, 1)
    assert result.summary()["encoding"] == "utf-16"


# -- 4. NUL and other control characters -----------------------------------------------------------
@pytest.mark.parametrize("char, code", [("\x00", "U+0000"), ("\x07", "U+0007"), ("\x1b", "U+001B"),
                                        ("\x7f", "U+007F"), ("\x85", "U+0085")])  # fmt: skip
def test_control_characters_reject_their_row(con, tmp_path, char, code):
    rows = [journey(journey_id=f"c{i}") for i in range(2000)]
    rows[1800]["source"] = f"te{char}st"  # row 1802, after the first 64 kB
    path = tmp_path / "ctrl.csv"
    path.write_bytes(csv_bytes(rows))
    result = import_file(con, path)
    assert (result.rows, result.accepted, result.rejected) == (2000, 1999, 1)
    [bad] = read_report(result.report)
    assert (bad["row"], bad["column"]) == ("1802", "source")
    assert bad["reason"] == f"control character {code} at character 3; remove it"
    assert "\\x" in bad["value"] and char not in bad["value"]
    assert scalar(con, "SELECT count(*) FROM journeys WHERE source <> 'test'") == 0


def test_nul_in_the_first_64_kb_is_still_binary(con, tmp_path):
    path = tmp_path / "bin.csv"
    path.write_bytes(csv_bytes([journey(source="a\x00b")]))
    with pytest.raises(ReadError, match="bin.csv: binary content"):
        check_file(con, path)


def test_read_error_message_is_always_one_line():
    assert "\n" not in str(ReadError("a.csv: one\nline\r\n two"))
    assert str(ReadError("a.csv: one\nline")) == "a.csv: one line"


# -- 5. limits: one line, exit 2, bounded memory ---------------------------------------------------
def test_field_over_the_limit(con, tmp_path, capsys):
    rows = [journey(journey_id=f"f{i}") for i in range(3)]
    rows[1]["source"] = "x" * (config.MAX_FIELD_CHARS + 1)
    path = tmp_path / "field.csv"
    path.write_bytes(csv_bytes(rows))
    before = snapshot(con)
    with pytest.raises(ReadError, match=r"field.csv: row 3, column source: a value of 32,768 characters, more than "
                                        r"the limit of 32,767 \(MAX_FIELD_CHARS\)"):  # fmt: skip
        import_file(con, path)
    assert snapshot(con) == before
    assert "row 3" in one_line_exit_2(capsys, path)


def test_record_over_the_limit_in_bounded_memory(con, tmp_path, capsys):
    path = tmp_path / "line.csv"
    with open(path, "wb") as fh:
        fh.write(csv_bytes([journey()]))
        fh.write(b"a" * 20_000_000 + b"\n")
    tracemalloc.start()
    try:
        with pytest.raises(ReadError, match=r"line.csv: row 3: a row longer than 65,536 characters"):
            check_file(con, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20, peak
    assert "row 3" in one_line_exit_2(capsys, path)


def test_rows_over_the_limit_change_nothing(con, tmp_path, monkeypatch, capsys):
    import_file(con, _write(tmp_path / "first.csv", 1))
    monkeypatch.setattr(config, "MAX_ROWS", 20)  # the check below imports the 18 shipped hubs first
    monkeypatch.setattr(config, "IMPORT_CHUNK_ROWS", 4)  # five batches are staged before the limit
    assert import_file(con, _write(tmp_path / "twenty.csv", 20, "v")).accepted == 20
    before = snapshot(con)
    path = _write(tmp_path / "more.csv", 21, "s")
    with pytest.raises(ReadError, match=r"more.csv: row 22: more than 20 data rows, the limit for one file"):
        import_file(con, path)
    assert snapshot(con) == before
    assert "more than 20 data rows" in one_line_exit_2(capsys, path)
    xlsx = tmp_path / "more.xlsx"
    xlsx.write_bytes(workbook_bytes([journey(journey_id=f"x{i}") for i in range(21)]))
    with pytest.raises(ReadError, match=r"more.xlsx: row 22: more than 20 data rows"):
        import_file(con, xlsx)
    assert snapshot(con) == before


def _write(path, n, prefix="r"):
    path.write_bytes(csv_bytes([journey(journey_id=f"{prefix}{i}") for i in range(n)]))
    return path


def _no_openpyxl(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl must not open a workbook over a limit")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def test_xlsx_uncompressed_size_limit_checked_before_openpyxl(con, tmp_path, monkeypatch, capsys):
    path = tmp_path / "big.xlsx"
    path.write_bytes(workbook_bytes([journey()]))
    monkeypatch.setattr(config, "XLSX_MAX_UNCOMPRESSED", 10_000)
    _no_openpyxl(monkeypatch)
    with pytest.raises(ReadError, match=r"big.xlsx: the workbook unpacks to .* MiB, more than the limit"):
        check_file(con, path)
    assert "XLSX_MAX_UNCOMPRESSED" in one_line_exit_2(capsys, path)


def test_xlsx_part_size_limit(con, tmp_path, monkeypatch, capsys):
    path = tmp_path / "styles.xlsx"
    path.write_bytes(workbook_bytes([journey()]))
    monkeypatch.setattr(config, "XLSX_MAX_PART_BYTES", 2_000)  # styles.xml and the theme are larger
    _no_openpyxl(monkeypatch)
    assert "XLSX_MAX_PART_BYTES" in one_line_exit_2(capsys, path)


def test_xlsx_shared_strings_count_and_size_limits(con, tmp_path, monkeypatch, capsys):
    body = b"".join(b"<si><t>s%d</t></si>" % i for i in range(1_500))
    path = tmp_path / "strings.xlsx"
    path.write_bytes(with_shared_strings(workbook_bytes([journey()]), body))
    assert check_file(con, path).rows == 1  # within the limits the declared table is read
    monkeypatch.setattr(config, "XLSX_MAX_SHARED_STRINGS", 1_000)
    _no_openpyxl(monkeypatch)
    with pytest.raises(ReadError, match=r"strings.xlsx: more than 1,000 shared strings, the limit"):
        check_file(con, path)
    assert "XLSX_MAX_SHARED_STRINGS" in one_line_exit_2(capsys, path)
    monkeypatch.setattr(config, "XLSX_MAX_SHARED_STRINGS", 1_000_000)
    monkeypatch.setattr(config, "XLSX_MAX_SHARED_STRINGS_BYTES", 10_000)
    with pytest.raises(ReadError, match=r"part xl/sharedStrings.xml unpacks to .* \(XLSX_MAX_SHARED_STRINGS_BYTES\)"):
        check_file(con, path)


def test_shared_strings_part_found_by_its_content_type_whatever_its_name(con, tmp_path, monkeypatch):
    body = b"".join(b"<si><t>s%d</t></si>" % i for i in range(1_500))

    def declare(name, part):
        if name == "[Content_Types].xml":
            return part.replace(b"</Types>", b'<Override ContentType="' + SST_TYPE
                                + b'" PartName="/xl/&#115;trings.xml"/></Types>')  # fmt: skip
        return part

    path = tmp_path / "renamed.xlsx"
    path.write_bytes(rezip(workbook_bytes([journey()]), declare, {"xl/strings.xml": SST_OPEN + body + b"</sst>"}))
    monkeypatch.setattr(config, "XLSX_MAX_SHARED_STRINGS", 1_000)
    with pytest.raises(ReadError, match="more than 1,000 shared strings"):
        check_file(con, path)


BOMB_SCRIPT = r"""
import json, resource, sys, time
from gloact_lib.imports.pipeline import ReadError, check_file
from gloact_lib.imports.build import scratch
con = scratch()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    check_file(con, sys.argv[1], report=sys.argv[1] + ".rej.csv")
    error = None
except ReadError as exc:
    error = str(exc)
print(json.dumps({"error": error, "seconds": time.perf_counter() - started,
                  "extra_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base}))
"""


def test_crafted_shared_strings_bomb_is_refused_fast_in_bounded_memory(tmp_path):
    # 5 million empty-ish shared strings: 85 MB of XML in a 0.2 MB file.  openpyxl alone took
    # 100 s and +460 MB on it; it is now refused from the zip directory, before openpyxl.
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(with_shared_strings(workbook_bytes([]), b"<si><t>x</t></si>" * 5_000_000))
    assert path.stat().st_size < 400_000
    done = subprocess.run([sys.executable, "-c", BOMB_SCRIPT, str(path)], capture_output=True, text=True, check=True)
    measured = json.loads(done.stdout)
    assert "bomb.xlsx: part xl/sharedStrings.xml is compressed" in measured["error"], measured
    assert "XLSX_MAX_RATIO" in measured["error"]
    assert measured["seconds"] < 5 and measured["extra_kb"] < 50_000, measured
    cli = subprocess.run([sys.executable, "-m", "gloact_lib.app.cli", "import", str(path), "--json",
                          "--db", str(tmp_path / "w.duckdb")], capture_output=True, text=True)  # fmt: skip
    assert cli.returncode == 2 and cli.stdout == ""
    assert len(cli.stderr.strip().splitlines()) == 1 and "bomb.xlsx" in cli.stderr


def test_shared_strings_counted_in_bounded_memory(con, tmp_path, monkeypatch):
    # A table that compresses like real text (not a bomb) but holds too many strings: counted as it streams.
    body = b"".join(b"<si><t>%08x</t></si>" % (i * 2654435761 % 2**32) for i in range(300_000))
    path = tmp_path / "many.xlsx"
    path.write_bytes(with_shared_strings(workbook_bytes([journey()]), body))
    monkeypatch.setattr(config, "XLSX_MAX_SHARED_STRINGS", 200_000)
    _no_openpyxl(monkeypatch)
    tracemalloc.start()
    try:
        with pytest.raises(ReadError, match="more than 200,000 shared strings"):
            check_file(con, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 12 * 2**20, peak


def test_batches_also_end_at_the_character_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "IMPORT_CHUNK_CHARS", 1_000)
    path = _write(tmp_path / "chunks.csv", 30)
    source = open_source(path)
    sizes = [len(b) for b in source.batches(100)]
    assert sum(sizes) == 30 and len(sizes) >= 3 and max(sizes) < 20


def test_a_byte_order_mark_decides_the_encoding(con, tmp_path):
    rows = [journey(journey_id=f"b{i}", origin="Côte d'Ivoire") for i in range(3)] + [journey(journey_id="b3")]
    data = csv_bytes(rows, "utf-8-sig").replace(b"b3,", b"b3\xe9,")  # mostly ASCII, one Latin-1 byte
    path = tmp_path / "bom.csv"
    path.write_bytes(data)
    result = import_file(con, path)
    assert (result.rows, result.accepted, result.rejected) == (4, 3, 1)
    [bad] = read_report(result.report)
    assert bad["row"] == "5" and "from its byte-order mark" in bad["reason"]
