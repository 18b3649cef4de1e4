"""Fuzz: whatever a CSV's bytes or an xlsx's parts hold, an import ends in a consistent result
(every row read is stored or reported) or in a one-line ReadError naming the file - never another exception."""

from __future__ import annotations

import io
import re
import warnings
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gloact_lib import config
from gloact_lib.data.sql import scalar
from gloact_lib.imports.build import scratch
from gloact_lib.imports.formats import FORMATS
from gloact_lib.imports.pipeline import ReadError, import_file
from gloact_lib.imports.read_common import SUSPECT
from gloact_lib.imports.readers import open_source

from ..conftest import read_report

FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

#: A valid journeys CSV: the header and 24 rows of the shipped sample.
SAMPLE = b"".join((config.SAMPLE_DIR / "journeys_sample.csv").read_bytes().splitlines(keepends=True)[:25])

PIECES = [b'"', b'""', b'",', b"\x00", b"\xe9", b"\xc3", b"\xc3\xa9", b"\xff\xfe", b"\xef\xbb\xbf", b"\r", b"\n",
          b"\r\n", b",", b";", b"\t", b"\x1b", b"\x1c", b"\xc2\x85", b"\x81", "Côte".encode(), "Côte".encode("cp1252"),
          b"=1+1", b" "]  # fmt: skip
piece = st.one_of(
    st.sampled_from(PIECES),
    st.binary(min_size=1, max_size=8),
    st.builds(lambda n, c: c * n, st.integers(1, 70_000), st.sampled_from([b"x", b"\xe9", b'"', b"\n"])),
)
edit = st.tuples(st.sampled_from(["insert", "replace", "delete"]), st.integers(0, 10**6), piece)


@pytest.fixture(scope="module")
def fuzz_con():
    con = scratch()
    yield con
    con.close()


def _counts(con) -> dict[str, int]:
    tables = {f.table for f in FORMATS.values()} | {"imports", "rejections"}
    return {t: scalar(con, f'SELECT count(*) FROM "{t}"') for t in tables}


def _outcome(con, path):
    """Import ``path``; check that every row is stored or reported, or that it is one clean ReadError."""
    before = _counts(con)
    try:
        result = import_file(con, path, report=path.with_name(path.name + ".rej.csv"))
    except ReadError as exc:
        message = str(exc)
        assert "\n" not in message and "\r" not in message
        assert path.name in message or "unknown format" in message
        assert _counts(con) == before, "a failed import changed the database"
        return None
    after = _counts(con)
    table = FORMATS[result.format].table
    assert result.accepted + result.rejected == result.rows
    assert after[table] - before[table] == result.stored
    if FORMATS[result.format].group is None:  # grouped formats store records, not rows
        assert result.stored == result.accepted
    report = read_report(result.report)
    assert len({r["row"] for r in report}) == result.rejected
    assert all(int(r["row"]) >= 2 and r["reason"] for r in report)
    if result.import_id is not None:  # keep the database small and the next example's ids fresh
        con.execute(f'DELETE FROM "{table}" WHERE import_id = ?', [result.import_id])
    return result


def _mutate(data: bytes, edits) -> bytes:
    for kind, at, chunk in edits:
        i = at % (len(data) + 1)
        if kind == "insert":
            data = data[:i] + chunk + data[i:]
        elif kind == "replace":
            data = data[:i] + chunk + data[i + len(chunk):]
        else:
            data = data[:i] + data[i + (len(chunk) % 50) :]
    return data


def _expected_rows(path, data: bytes) -> int | None:
    """Rows in a file without quotes, counted independently: every non-blank line after the header."""
    if b'"' in data:
        return None
    try:
        source = open_source(path)
    except ReadError:
        return None
    text = data.decode(source.encoding, "surrogateescape")
    lines = [ln for ln in re.split("\r\n|\r|\n", text) if "".join(ln.split(source.delimiter)).strip() or
             SUSPECT.search(ln)]  # fmt: skip
    return max(len(lines) - 1, 0)


@FUZZ
@given(edits=st.lists(edit, min_size=1, max_size=4), encoding=st.sampled_from(["utf-8", "cp1252", "utf-8-sig"]))
def test_mutated_journeys_csv(fuzz_con, tmp_path_factory, edits, encoding):
    base = SAMPLE.decode("utf-8").encode(encoding)
    data = _mutate(base, edits)
    path = tmp_path_factory.mktemp("csv") / "mutated.csv"
    path.write_bytes(data)
    result = _outcome(fuzz_con, path)
    expected = _expected_rows(path, data)
    if result is not None and expected is not None:
        assert result.rows == expected  # nothing swallowed: every line is a row, stored or reported


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=3000), with_header=st.booleans())
def test_random_bytes(fuzz_con, tmp_path_factory, body, with_header):
    data = (SAMPLE.splitlines(keepends=True)[0] if with_header else b"") + body
    path = tmp_path_factory.mktemp("raw") / "random.csv"
    path.write_bytes(data)
    if not data:
        with pytest.raises(ReadError, match="empty"):
            import_file(fuzz_con, path)
        return
    result = _outcome(fuzz_con, path)
    expected = _expected_rows(path, data)
    if result is not None and expected is not None:
        assert result.rows == expected


# -- xlsx structure --------------------------------------------------------------------------------
def _base_workbook() -> bytes:
    import openpyxl

    rows = [ln.split(",") for ln in SAMPLE.decode("utf-8").splitlines()[:11]]
    wb = openpyxl.Workbook()
    ws = wb.active
    for i, row in enumerate(rows):
        ws.append(row if i != 3 else row[:2] + ["0"] + row[3:])  # one bad row: persons 0
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


BASE_XLSX = _base_workbook()
with zipfile.ZipFile(io.BytesIO(BASE_XLSX)) as _zf:
    PARTS = [i.filename for i in _zf.infolist()]

REFS = ["A1:C4", "A1", "A1:XFD1048576", "B2:A1", "ZZZZ1", "A0:B-1", "", "A1:N2000000", "garbage"]
part = st.sampled_from(PARTS)
xlsx_edit = st.one_of(
    st.tuples(st.just("remove"), part),
    st.tuples(st.just("duplicate"), part),
    st.tuples(st.just("garbage"), part, st.binary(max_size=200)),
    st.tuples(st.just("truncate"), part, st.floats(0, 1)),
    st.tuples(st.just("insert"), part, st.integers(0, 10**5), st.sampled_from([b"<", b">", b"</row>", b"<c>",
                                                                              b'r="Q0"', b"&", b"\x00", b"\xff"])),
    st.tuples(st.just("dimension"), st.sampled_from(REFS)),
    st.tuples(st.just("rename"), part, st.sampled_from(["xl/other.xml", "x", "xl/worksheets/sheet2.xml"])),
)


def _build(edits) -> tuple[bytes, list]:
    with zipfile.ZipFile(io.BytesIO(BASE_XLSX)) as zf:
        parts = [[name, zf.read(name)] for name in PARTS]
    flips = []
    for e in edits:
        kind = e[0]
        index = next((i for i, p in enumerate(parts) if len(e) > 1 and p[0] == e[1]), None)
        if kind == "dimension":
            for p in parts:
                if p[0] == "xl/worksheets/sheet1.xml":
                    p[1] = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{e[1]}"'.encode(), p[1])
        elif index is None:
            continue
        elif kind == "remove":
            parts.pop(index)
        elif kind == "duplicate":
            parts.append(list(parts[index]))
        elif kind == "garbage":
            parts[index][1] = e[2]
        elif kind == "truncate":
            parts[index][1] = parts[index][1][: int(len(parts[index][1]) * e[2])]
        elif kind == "insert":
            data = parts[index][1]
            at = e[2] % (len(data) + 1)
            parts[index][1] = data[:at] + e[3] + data[at:]
        elif kind == "rename":
            parts[index][0] = e[2]
        flips.append(kind)
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name" is the point
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for name, data in parts:
                zout.writestr(name, data)
    return out.getvalue(), flips


@FUZZ
@given(edits=st.lists(xlsx_edit, min_size=1, max_size=3),
       flip=st.one_of(st.none(), st.tuples(st.integers(0, 10**5), st.integers(0, 255))))  # fmt: skip
def test_mutated_workbook(fuzz_con, tmp_path_factory, edits, flip):
    data, applied = _build(edits)
    if flip is not None:  # damage the zip container itself
        at = flip[0] % len(data)
        data = data[:at] + bytes([flip[1]]) + data[at + 1:]
    path = tmp_path_factory.mktemp("xlsx") / "mutated.xlsx"
    path.write_bytes(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about what it does not understand
        result = _outcome(fuzz_con, path)
    if set(applied) == {"dimension"} and flip is None:
        assert result is not None and result.rows == 10  # whatever <dimension> says, every row is read
