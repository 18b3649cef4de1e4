import datetime as dt

import pytest

from gloact_lib.imports.validate import parse_date, parse_period

D = dt.date


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("2018-06-18", D(2018, 6, 18), D(2018, 6, 18)),
        ("18/06/2018", D(2018, 6, 18), D(2018, 6, 18)),
        ("06/18/2018", D(2018, 6, 18), D(2018, 6, 18)),
        ("05/05/2018", D(2018, 5, 5), D(2018, 5, 5)),
        ("18.06.2018", D(2018, 6, 18), D(2018, 6, 18)),
        ("June 2018", D(2018, 6, 1), D(2018, 6, 30)),
        ("Jun 2018", D(2018, 6, 1), D(2018, 6, 30)),
        ("juin 2018", D(2018, 6, 1), D(2018, 6, 30)),
        ("Février 2020", D(2020, 2, 1), D(2020, 2, 29)),
        ("2018-06", D(2018, 6, 1), D(2018, 6, 30)),
        ("2018", D(2018, 1, 1), D(2018, 12, 31)),
        ("2018-06-18 00:00:00", D(2018, 6, 18), D(2018, 6, 18)),
    ],
)
def test_accepts_unambiguous_forms(text, start, end):
    assert parse_period(text) == (start, end)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("05/06/2018", "ambiguous"),
        ("2018-02-30", "not a valid date"),
        ("31/02/2018", "not a valid date"),
        ("2018-13", "not a valid month"),
        ("Juneteenth 2018", "unknown month"),
        ("18 June 2018", "unrecognised"),
        ("yesterday", "unrecognised"),
        ("1850", "implausible year"),
        ("13/13/2018", "not a valid date"),
        ("14/13/2018", "neither part"),
    ],
)
def test_rejects_the_rest_with_a_reason(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_period(text)


def test_single_day_required_where_asked():
    assert parse_date("2019-04-24") == D(2019, 4, 24)
    with pytest.raises(ValueError, match="single day"):
        parse_date("April 2019")
