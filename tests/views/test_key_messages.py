"""Key messages: sentences a speaker reads out, each with its published figure and a source its readers know."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from gloact_lib.analysis import profiles
from gloact_lib.analysis.commitments import latest_status
from gloact_lib.analysis.flows import Flows, Selection
from gloact_lib.views.key_messages import (
    commitment_messages,
    country_messages,
    meeting_label,
    period_text,
    route_messages,
)
from gloact_lib.views.map_text import fmt_number
from gloact_lib.views.sources import source_name

CASABLANCA = ["MAR", "MLI", "NER"]
PERIOD = {"start": dt.date(2017, 1, 1), "end": dt.date(2019, 12, 31)}
INTERNAL = (".csv", ".md", "github.com", "gloact_lib", "seed", "UNVERIFIED")


@pytest.fixture(scope="module")
def nationals(built_db):
    from gloact_lib.data.database import connect

    with connect(built_db, read_only=True) as con:
        return Flows.from_db(con, Selection(origin="MLI", unit="detections", **PERIOD), level="country")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_detections_of_nationals_with_figure_period_and_source(nationals, lang):
    said = route_messages(nationals, lang)
    assert 3 <= len(said) <= 4
    total = fmt_number(nationals.summary["persons"], lang)
    first = {"en": f"Mali: {total} detections of its nationals were recorded from January 2017 to December 2019 "
                   "(Frontex).",
             "fr": f"Mali : {total} détections de ses ressortissants ont été enregistrées de janvier 2017 à "
                   "décembre 2019 (Frontex)."}[lang]  # fmt: skip
    assert said[0] == first
    assert all(s.endswith("(Frontex).") for s in said), said
    transit = said[-1]  # Frontex's transit country rests on one assumed departure country per route
    assert ("This is assumed" if lang == "en" else "C'est une hypothèse") in transit
    largest = nationals.legs.dropna(subset=["persons"]).iloc[0]
    assert fmt_number(largest["persons"], lang) in said[1]  # the largest published flow
    for sentence in said:
        assert not any(word in sentence for word in INTERNAL)


def test_the_illustrative_sample_is_said_so_and_persons_are_not_detections(built_con):
    sample = Flows.from_db(built_con, Selection(country=CASABLANCA, **PERIOD))
    assert sample.summary["illustrative"]
    said = route_messages(sample, "en")
    assert all("(illustrative sample, not real cases)." in s for s in said), said
    assert "persons" in said[0] and "detections" not in " ".join(said)
    assert "assumed" not in said[-1]  # a journey's transit is recorded, not assumed
    assert all("échantillon illustratif" in s for s in route_messages(sample, "fr"))


def test_only_published_figures_are_said(built_con):
    """A count below the disclosure threshold is said hidden, never as a number; nothing hidden is named largest."""
    hidden = Flows.from_db(built_con, Selection(origin="MLI", unit="detections", threshold=10**9, **PERIOD),
                           level="country")  # fmt: skip
    said = route_messages(hidden, "en")
    assert said[0].startswith("Mali: fewer than 1000000000 (hidden) detections")
    assert len(said) == 1  # no largest flow, no top country: all hidden
    empty = Flows.from_db(built_con, Selection(origin="ISL", unit="detections"))
    assert route_messages(empty, "fr") == ["Aucun enregistrement (détections) pour cette sélection."]


def _status(rows):
    base = {"number": 1, "meeting_id": "casablanca-2019", "adopted": pd.Timestamp("2019-04-25"), "source": "Ministry",
            "illustrative": False, "text_en": "", "text_fr": ""}  # fmt: skip
    return pd.DataFrame([{**base, **r} for r in rows])


def test_commitments_achieved_in_progress_and_no_report_yet():
    day = pd.Timestamp("2020-01-01")
    status = _status([
        {"rec_id": "r1", "iso3": "MLI", "status": "achieved", "date": day},
        {"rec_id": "r1", "iso3": "NER", "status": "in_progress", "date": day},
        {"rec_id": "r2", "iso3": "MLI", "status": "not_started", "date": day},
        {"rec_id": "r2", "iso3": "NER", "status": "not_started", "date": pd.NaT},
        {"rec_id": "r3", "iso3": "NER", "status": "not_applicable", "date": day},
    ])  # fmt: skip
    en = commitment_messages(status, "en")
    assert en[0] == ("Casablanca 2019 commitments (3 recommendations, 2 countries, 4 in all): 1 achieved, "
                     "1 in progress, 1 reported not started, 1 with no report yet (Ministry).")  # fmt: skip
    assert en[1] == "Furthest ahead: Mali (50%); furthest behind: Niger (0%) (Ministry)."
    fr = commitment_messages(status, "fr", meetings={"casablanca-2019": "Casablanca (avril 2019)"})
    assert fr[0].startswith("Engagements de Casablanca (avril 2019) (3 recommandations, 2 pays, 4 au total) : "
                            "1 réalisé, 1 en cours, 1 déclaré non commencé, 1 sans rapport à ce jour")  # fmt: skip
    assert commitment_messages(status.iloc[:0], "en") == []


def test_commitments_of_the_shipped_workbook_cite_the_sample(built_con):
    status = latest_status(built_con)
    status = status[status["iso3"].isin(CASABLANCA) & (status["meeting_id"] == "casablanca-2019")]
    said = commitment_messages(status, "en")
    assert said[0].startswith("Casablanca 2019 commitments (8 recommendations, 3 countries, 24 in all): ")
    assert said[0].endswith("(illustrative sample of status updates, not real reporting).")
    assert not any(word in " ".join(said) for word in INTERNAL)


def test_country_profile_messages(built_con):
    real = Flows.from_db(built_con, Selection(country="MLI", unit="detections", data="real"), level="country")
    status = latest_status(built_con)
    said = country_messages("MLI", real, status, profiles.incident_summary(built_con, "MLI"), "en")
    origin = real.roles[(real.roles["iso3"] == "MLI") & (real.roles["role"] == "origin")]["persons"].iloc[0]
    assert said[0].startswith(f"Mali: {fmt_number(origin)} detections of its nationals were recorded from ")
    assert any(s.startswith("Mali: of its ") and "commitments" in s for s in said)
    assert said[-1].endswith("(IOM Missing Migrants Project).")
    morocco = Flows.from_db(built_con, Selection(country="MAR", unit="detections", data="real"), level="country")
    assigned = [s for s in country_messages("MAR", morocco, lang="fr") if "pays de départ" in s]
    assert assigned and "C'est une hypothèse" in assigned[0]
    chad = Flows.from_db(built_con, Selection(country="ISL", unit="detections", data="real"), level="country")
    assert country_messages("ISL", chad, lang="en")[0].startswith("No Frontex detection concerns Iceland")


@pytest.mark.parametrize(("raw", "short", "full"), [
    ("Frontex, detections of illegal border-crossings (frontex_detections.csv)", "Frontex",
     "Frontex, detections of illegal border-crossings at the EU's external borders (monthly, by route and "
     "nationality)"),
    ("Illustrative data generated by gloact_lib.data.sample (seed 2018); not real cases",
     "illustrative sample, not real cases", "Illustrative sample generated by the workbook; not real cases"),
    ("IOM news release, iom.int/news/agadez; as cited in FACTS.md section 3.3",
     "IOM news release (iom.int/news/agadez)", "IOM news release (iom.int/news/agadez)"),
    ("Ministère de la Justice, rapport 2024 (mli_2024.csv)", "Ministère de la Justice, rapport 2024",
     "Ministère de la Justice, rapport 2024"),
    ("UN Treaty Collection (2014 snapshot, github.com/zmjones/untreaties)", "UN Treaty Collection",
     "UN Treaty Collection"),
])  # fmt: skip
def test_sources_by_their_readers_names(raw, short, full):
    assert source_name(raw, "en", short=True) == short
    assert source_name(raw, "en") == full


def test_periods_and_meeting_names():
    assert period_text(dt.date(2017, 4, 1), dt.date(2019, 8, 31), "fr") == " d'avril 2017 à août 2019"
    assert period_text(dt.date(2017, 1, 1), None, "en") == ""
    assert meeting_label("niamey-2018-06") == "Niamey 2018"
