"""Property: for any generated file, accepted + rejected == rows read, and the report names every rejected row."""

from __future__ import annotations

import csv

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gloact_lib.data.sql import scalar
from gloact_lib.imports.build import scratch
from gloact_lib.imports.pipeline import import_file

from ..conftest import JOURNEY_HEADER, read_report

VALUES = {
    "journey_id": st.sampled_from(["j1", "j2", "j3", "j4", "", "<b>x</b>", "=1+1"]),
    "crime": st.sampled_from(["trafficking", "smuggling", "Traite", "theft", ""]),
    "persons": st.sampled_from(["1", "5", "0", "-3", "2.5", "many", "", "12.0"]),
    "period_start": st.sampled_from(["2018-06-18", "18/06/2018", "June 2018", "05/06/2018", "2018-02-30", "", "2019"]),
    "period_end": st.sampled_from(["", "2018-12-31", "2017-01-01", "bad"]),
    "origin": st.sampled_from(["NGA", "Niger", "Ivory Coast", "Congo", "Atlantis", "", "agadez"]),
    "via": st.sampled_from(["", "NER;agadez", "agadez;Nowhere", "gao"]),
    "destination": st.sampled_from(["LBY", "Maroc", "ESP", "Narnia", ""]),
    "sex": st.sampled_from(["female", "male", "", "F", "x"]),
    "age_group": st.sampled_from(["child", "adult", "", "old"]),
    "exploitation": st.sampled_from(["sexual", "begging", "", "nope"]),
    "reporting_country": st.sampled_from(["", "NER", "Mali", "Nowhere"]),
    "source": st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
}
rows_strategy = st.lists(st.fixed_dictionaries(VALUES), max_size=25)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows_strategy, delimiter=st.sampled_from([",", ";"]), encoding=st.sampled_from(["utf-8", "utf-8-sig"]),
       ragged=st.lists(st.integers(min_value=0, max_value=30), max_size=3))  # fmt: skip
def test_every_row_is_stored_or_reported(tmp_path_factory, rows, delimiter, encoding, ragged):
    path = tmp_path_factory.mktemp("prop") / "gen.csv"
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(JOURNEY_HEADER)
        expected_rows = 0
        for i, row in enumerate(rows):
            fields = [row[h] for h in JOURNEY_HEADER]
            if i in ragged:
                fields = fields[:4]  # a row with missing fields
            writer.writerow(fields)
            expected_rows += any(f.strip() for f in fields)  # all-blank rows are not rows
    con = scratch()
    result = import_file(con, path, report=path.with_suffix(".rej.csv"))
    assert result.rows == expected_rows
    assert result.accepted + result.rejected == result.rows
    assert scalar(con, "SELECT count(*) FROM journeys") == result.accepted
    assert len({r["row"] for r in read_report(result.report)}) == result.rejected
    con.close()
