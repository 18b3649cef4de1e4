"""A workbook database whose every free-text value carries hostile text.

The shipped data are copied; in each shipped file, every column that accepts free text
(found by trying: a column where appending text makes no row fail validation) gets one of
:data:`PAYLOADS` appended in every row, and a few hostile transit hubs with journeys
through them are added (place names are keys, so the shipped hubs keep theirs).  The
database is then built through the same importers an analyst uses.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from gloact_lib import config
from gloact_lib.data.database import connect
from gloact_lib.imports.build import REFERENCE_FILES
from gloact_lib.imports.formats.reference import _slug
from gloact_lib.imports.pipeline import check_file, import_file

#: Evaluated by a template engine, this would be the text "gloactEVAL": it must never appear.
EVAL_MARK = "gloactEVAL"


def payloads(pwned_dir: Path) -> list[str]:
    """Template, HTML, JavaScript and spreadsheet-formula payloads (one per kind, and mixed)."""
    return [
        '{{ "gloact" ~ "EVAL" }} {{7*7}}',
        "{{ cycler.__init__.__globals__.os.mkdir('" + str(pwned_dir) + "') }}",
        "Police report {#12} In Guezzam {{ border post {% if %}",
        "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>",
        "\"'</script><script>window.__pwned=3</script><!--",
        '=HYPERLINK("http://x.invalid","y");x;=1+1,=2+2 \uff1d3+3 @SUM(A1) +1 -1',
        "{% raw %}{{ 'gloact' ~ 'EVAL' }}{% endraw %} ${window.__pwned=4} \u2028 `x`",
    ]


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def _free_text_columns(con, path: Path, tmp: Path) -> list[int]:
    """Columns where appending text makes no row fail validation (ids aside).

    Each column is tried on up to 40 rows where it has a value.
    """
    header, rows = _read(path)
    probe = tmp / path.name
    free = []
    for i, name in enumerate(header):
        if name.endswith("_id"):  # ids are keys other rows refer to: text, but not free text
            continue
        sample = [r for r in rows if len(r) > i and r[i]][:40]
        if not sample:
            continue
        _write(probe, header, sample)
        base = check_file(con, probe, report=tmp / "probe.csv").accepted
        _write(probe, header, [r[:i] + [r[i] + " {{x}} <b>"] + r[i + 1:] for r in sample])
        if base and check_file(con, probe, report=tmp / "probe.csv").accepted == base:
            free.append(i)
    return free


def build_hostile_db(root: Path, pwned_dir: Path) -> tuple[Path, dict[str, list[str]]]:
    """Copy ``data/``, poison every free-text column, build ``root/hostile.duckdb``.

    Returns
    -------
    (Path, dict)
        The database, and for each shipped file the names of the columns poisoned.
    """
    data = root / "data"
    shutil.copytree(config.DATA_DIR, data, ignore=shutil.ignore_patterns("*.duckdb*"))
    texts = payloads(pwned_dir)
    db = root / "hostile.duckdb"
    probe_dir = root / "probe"
    probe_dir.mkdir()
    con = connect(db)
    poisoned: dict[str, list[str]] = {}
    try:
        for rel in REFERENCE_FILES:
            path = data / rel
            header, rows = _read(path)
            free = [i for i in _free_text_columns(con, path, probe_dir)
                    if not (rel.endswith("hubs.csv") and header[i] == "name")]  # a place's name is its key
            poisoned[rel] = [header[i] for i in free]
            for n, row in enumerate(rows):
                for i in free:
                    if row[i]:
                        row[i] = f"{row[i]} {texts[(n + i) % len(texts)]}"
            if rel.endswith("hubs.csv"):  # hostile places near Agadez, on the map
                template = rows[0]
                for k, text in enumerate(texts):
                    extra = list(template)
                    extra[header.index("name")] = f"Hub{k} {text}"
                    extra[header.index("lat")] = str(17.5 + k * 0.6)
                    extra[header.index("lon")] = str(9.0 + k * 0.8)
                    rows.append(extra)
            if rel.endswith("journeys_sample.csv"):
                template = rows[0]
                for k, text in enumerate(texts):
                    extra = list(template)
                    values = {"journey_id": f"hostile-{k}", "crime": "smuggling", "persons": "60",
                              "period_start": "2018-01-01", "period_end": "2018-12-31", "origin": "NGA",
                              "via": f"agadez;{_slug(f'Hub{k} {text}')}", "destination": "LBY",
                              "source": f"Report {k} {text}", "illustrative": "true"}  # fmt: skip
                    for column, value in values.items():
                        extra[header.index(column)] = value
                    rows.append(extra)
            shipped = check_file(con, config.DATA_DIR / rel, report=probe_dir / "shipped.csv").accepted
            _write(path, header, rows)
            result = import_file(con, path, report=root / "reports" / f"{path.stem}.csv")
            added = len(texts) if rel.endswith(("hubs.csv", "journeys_sample.csv")) else 0
            assert result.accepted == shipped + added, (rel, shipped, result)  # poisoning lost no row
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return db, poisoned
