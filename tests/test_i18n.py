"""The message catalogues (one per language of ``languages.yaml``) and Hindi district names."""

from __future__ import annotations

import re

import pytest
from support import catalogue_differences

from helpers.presentation import i18n
from helpers import languages
from helpers.reference import tables as reference

DEVANAGARI = re.compile(r"[\u0900-\u097F]")


def test_catalogues_have_the_same_keys():
    assert tuple(languages.LANGUAGES)[:2] == ("en", "hi")
    assert not any(catalogue_differences().values()), catalogue_differences()
    assert len(i18n.load_catalogue("en")) > 30


def test_no_message_is_empty_and_placeholders_match():
    english = i18n.load_catalogue("en")
    for lang in languages.LANGUAGES:
        other = i18n.load_catalogue(lang)
        for key, text in english.items():
            assert other[key].strip(), f"{lang}: {key} is empty"
            assert i18n.placeholders(text) == i18n.placeholders(other[key]), (lang, key)


def test_words_inside_formatted_values_come_from_the_catalogues():
    from helpers.presentation import display
    from helpers.presentation.formatting import format_count, format_crore

    assert [display.format_cell(v, "text", "hi") for v in (True, False)] == ["हाँ", "नहीं"]
    assert [display.format_cell(v, "text", "en") for v in (True, False)] == ["yes", "no"]
    assert format_count(None, "hi") == i18n.t("format.not_available", "hi") == "उपलब्ध नहीं"
    assert format_crore(1.5, "en") == "₹1.50 crore" and format_crore(1.5, "hi") == "₹1.50 करोड़"


def test_a_language_is_named_in_another_by_its_catalogue():
    assert [i18n.language_name(code, "hi") for code in ("en", "hi")] == ["अंग्रेज़ी", "हिन्दी"]
    assert i18n.t("index.brief_language", "en", language=i18n.language_name("hi", "en")) == "Brief (Hindi)"


def test_hindi_messages_are_in_devanagari():
    hindi = i18n.load_catalogue("hi")
    # everything a reader sees is Hindi, except codes such as SHA-256
    # a message of placeholders and punctuation only ("{period}: {change}") has no word to translate
    words = {k: re.sub(r"\{\w+\}", "", v) for k, v in hindi.items()}
    not_hindi = [k for k, v in words.items() if not DEVANAGARI.search(v) and re.search(r"\w", v) and k != "index.sha256"]
    assert not_hindi == []


def test_t_formats_and_fails_loudly():
    assert i18n.t("index.phase_window", "en", start="1 Nov", end="31 Mar") == "Window: 1 Nov to 31 Mar"
    assert i18n.t("index.phase_window", "hi", start="क", end="ख") == "अवधि: क से ख"
    with pytest.raises(i18n.I18nError, match="no message 'no.such.key'"):
        i18n.t("no.such.key", "en")
    with pytest.raises(i18n.I18nError, match="needs a value"):
        i18n.t("index.phase_window", "en")
    with pytest.raises(i18n.I18nError, match="not supported"):
        i18n.t("index.title", "fr")


def test_district_names_in_hindi_cover_all_75():
    names = i18n.district_names("hi")
    assert len(names) == 75
    assert set(names) == set(reference.load_districts()["district"])
    assert i18n.district_name("Varanasi", "hi") == "वाराणसी"
    assert i18n.district_name("Varanasi", "en") == "Varanasi"
    assert all(DEVANAGARI.search(name) for name in names.values())
    with pytest.raises(i18n.I18nError, match="not a district of UP"):
        i18n.district_name("Kanpur", "hi")


#: English proper names a Hindi message may keep, marked as such (the demo-data marker the build looks for).
MARKED_PROPER_NAMES = {"SYNTHETIC DEMO DATA"}


def test_hindi_catalogue_leaves_no_english_phrase_untranslated():
    for key, text in i18n.load_catalogue("hi").items():
        words = re.sub(r"\{[^}]*\}", " ", text)
        english = [m for m in re.findall(r"[A-Za-z]+(?:[ ,'\-]+[A-Za-z]+)+", words) if m not in MARKED_PROPER_NAMES]
        assert not english, f"hi: {key} keeps English {english}"


def test_hindi_uses_the_departments_terms():
    hindi = "\n".join(i18n.load_catalogue("hi").values())
    for term in ("आयोजन जनपद", "निकटवर्ती जनपद", "पारिवारिक उद्योग कर्मकार", "प्रथम क्रयादेश", "क्रय",
                 "सूक्ष्म, लघु एवं मध्यम उद्यम तथा निर्यात प्रोत्साहन विभाग, उ.प्र.", "काल्पनिक"):
        assert term in hindi, term
    for old in ("गढ़े", "इवेंट", "कृत्रिम", "पड़ोसी जनपद", "घरेलू उद्योग कामगार", "पहला ऑर्डर"):
        assert old not in hindi, old


def test_phase_titles_and_notes_in_hindi_use_the_departments_terms() -> None:
    from helpers.campaign.phases import load_phases

    for phase in load_phases().values():
        texts = [phase.title_hi, *phase.notes_hi, phase.window_note_hi or ""]
        texts += [location.note_hi or "" for location in phase.event_locations]
        for old in ("इवेंट", "गढ़े", "कृत्रिम", "पड़ोसी"):
            assert not [t for t in texts if old in t], (phase.id, old)
    assert "आयोजन" in load_phases()["1"].title_hi


def test_no_message_or_notebook_says_memory():
    from helpers import paths

    for lang in languages.LANGUAGES:
        assert not [k for k, v in i18n.load_catalogue(lang).items() if "memory" in v.casefold()]
    for notebook in (paths.ROOT / "notebooks").glob("*.ipynb"):
        assert "memory" not in notebook.read_text(encoding="utf-8").casefold(), notebook.name


def test_every_phase_note_has_its_hindi():
    from helpers.campaign.phases import load_phases

    for phase in load_phases().values():
        assert len(phase.notes_hi) == len(phase.notes)
        assert (phase.window_note is None) == (phase.window_note_hi is None)
        assert all(DEVANAGARI.search(n) for n in phase.notes_hi)
        for location in phase.event_locations:
            assert (location.note is None) == (location.note_hi is None), location.name_en
