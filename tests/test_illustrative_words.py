"""Words follow the phase's status: an illustrative phase never says a source names or holds its events.

Goes over every sentence the brief functions write about an illustrative phase (the phase
section, each district's role and figures section) in English and Hindi, and checks that a
phase from a source still says what its source says.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from helpers.analysis import metrics
from helpers.campaign.phases import load_phases
from helpers.presentation import briefs

#: What only a source can support: the phase's events named in, or held according to, a source.
SOURCE_CLAIMS = {
    "en": [r"in the source", r"named for a GeM event", r"\bholds? an event", r"source says", r"source gives"],
    "hi": [r"स्रोत में", r"नामित", r"स्रोत के अनुसार"],
}


def _sentences(html: str) -> list[str]:
    text = re.sub(r"<[^>]+>", "\n", html)
    return [line.strip() for line in text.splitlines() if line.strip()]


def _illustrative_phases():
    phases = [p for p in load_phases().values() if p.is_illustrative]
    assert phases, "phases.yaml has an illustrative phase (phase 2)"
    return phases


def _records(phase) -> pd.DataFrame:
    """A few registrations of the phase, one per event district of the first ten."""
    day = pd.Timestamp(phase.window_start)
    rows = [{"home_district": d, "event_district": d, "trade": "artisan", "is_woman": True, "is_tribal": False,
             "onboarding_status": "registered", "gi_product": None, "registration_date": day,
             "registration_id": f"T-{i}"} for i, d in enumerate(phase.event_districts[:10])]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_no_sentence_of_an_illustrative_phase_claims_a_source(lang) -> None:
    for phase in _illustrative_phases():
        coverage = metrics.district_coverage(metrics.phase_registrations(_records(phase), phase), phase)
        pages = [briefs.phase_section(phase, lang)]
        pages += [briefs.district_section(coverage, d, lang, 5, is_illustrative=True) for d in coverage["district"]]
        checked = 0
        for page in pages:
            for sentence in _sentences(page):
                checked += 1
                for claim in SOURCE_CLAIMS[lang]:
                    assert not re.search(claim, sentence), f"phase {phase.id} ({lang}): {sentence!r}"
        assert checked > len(coverage)  # every district's section was read


@pytest.mark.parametrize("lang", ["en", "hi"])
def test_an_event_district_of_an_illustrative_phase_is_said_to_be_assumed(lang) -> None:
    phase = _illustrative_phases()[0]
    district = phase.event_districts[0]
    sentence = briefs.role_sentence("event", district, lang, is_illustrative=True)
    assert {"en": "assumes an event", "hi": "आयोजन माना गया"}[lang] in sentence
    assert {"en": "assumes an event in every district", "hi": "हर जनपद में एक आयोजन माना गया"}[lang] in briefs.phase_section(phase, lang)


def test_a_phase_from_a_source_still_says_what_the_source_says() -> None:
    phase = next(p for p in load_phases().values() if not p.is_illustrative)
    sentence = briefs.role_sentence("event", phase.event_districts[0], "en", is_illustrative=False)
    assert "in the source" in sentence
