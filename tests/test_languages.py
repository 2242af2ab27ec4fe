"""Languages as data: the records, the one reader of bilingual fields, and a third language.

A third language is its catalogue and one record: the pseudo-language ``qps``
(``tests/fixtures/pseudo_language``: English with every letter accented, each
message lengthened inside ⟦ ⟧) is registered at run time, and every section the
briefs and the index show is rendered in it. Whatever letter a reader would see
is then either pseudo text from its catalogue or a value of the data (a district,
a phase's title, a source), never an untranslated English word.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from support import catalogue_differences

from helpers import paths
from helpers.presentation import i18n
from helpers import languages
from helpers.languages import localized, translated

SRC = paths.ROOT / "src" / "helpers"
PSEUDO_DIR = Path(__file__).resolve().parent / "fixtures" / "pseudo_language"
sys.path.insert(0, str(PSEUDO_DIR))

import pseudo  # noqa: E402  (tests/fixtures/pseudo_language/pseudo.py)

#: A comparison with a language code: code asks the language's record instead.
LANGUAGE_BRANCH = re.compile(r"""[=!]=\s*['"]hi['"]|['"]hi['"]\s*[=!]=""")


# ------------------------------------------------------------------ no code names a language


def test_no_code_compares_a_language_code() -> None:
    found = [f"{path.relative_to(paths.ROOT)}:{number}: {line.strip()}"
             for path in sorted(SRC.rglob("*.py")) if path.name != "languages.py"
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if LANGUAGE_BRANCH.search(line)]
    assert found == [], "ask the language's record (languages.language(lang)) or use languages.localized"


def test_dates_are_written_out_in_one_place() -> None:
    """Every written-out date goes through ``formatting.format_day`` (the record's locale and format)."""
    users = sorted(str(p.relative_to(SRC)) for p in SRC.rglob("*.py") if "format_date(" in p.read_text(encoding="utf-8"))
    assert users == ["presentation/formatting.py"]


# ------------------------------------------------------------------ the records


def test_the_records_of_english_and_hindi() -> None:
    from helpers import vocabulary
    from helpers.presentation.formatting import format_day

    english, hindi = languages.language("en"), languages.language("hi")
    assert languages.BASE == "en" and tuple(languages.LANGUAGES)[:2] == ("en", "hi") == vocabulary.LANGUAGES[:2]
    assert (english.locale, english.file_suffix, english.embeds_font) == ("en_IN", "", False)
    assert (hindi.locale, hindi.file_suffix, hindi.embeds_font, hindi.script) == ("hi_IN", ".hi", True, "Deva")
    assert hindi.catalogue == i18n.MESSAGES_DIR / "hi.yaml" and not hindi.district_names_verified
    assert format_day(date(2021, 10, 29), "en") == "29 October 2021"
    assert format_day("2021-10-29", "hi") == "29 अक्टूबर 2021"
    with pytest.raises(i18n.I18nError, match="'fr' is not supported; use one of en, hi"):
        languages.language("fr")


def test_a_record_file_names_its_mistake(tmp_path: Path) -> None:
    broken = tmp_path / "xx.language.yaml"
    broken.write_text("code: xx\nname: X\nlocale: en_IN\n", encoding="utf-8")
    with pytest.raises(i18n.I18nError, match=r"xx\.language\.yaml, language 1 \(xx\): missing keys \['catalogue'"):
        languages.read_records(broken)
    with pytest.raises(i18n.I18nError, match="cannot be replaced"):
        languages.register(languages.language("en"))


@dataclass(frozen=True)
class _Grade:
    code: str
    label_en: str
    label_hi: str

    def label(self, lang: str) -> str:  # a method named like the field is not the field
        return localized(self, "label", lang)


def test_localized_reads_every_kind_of_record() -> None:
    """``field_<code>``, falling back to the base text (``field`` or ``field_en``) when missing or empty."""
    meta = {"title": "Census 2011", "title_hi": "जनगणना 2011", "source": "ORGI", "source_hi": "  "}
    assert localized(meta, "title", "hi") == "जनगणना 2011" and localized(meta, "title", "en") == "Census 2011"
    assert localized(meta, "source", "hi") == "ORGI" and translated(meta, "source", "hi") is None
    assert localized({}, "title", "hi") is None
    row = pd.Series({"category": "Handicraft", "category_hi": float("nan")})
    assert localized(row, "category", "hi") == "Handicraft" and translated(row, "category", "hi") is None
    grade = _Grade("on_track", "on track", "लक्ष्य के अनुसार")
    assert grade.label("hi") == "लक्ष्य के अनुसार" and grade.label("en") == "on track"
    from helpers.campaign.phases import get_phase

    phase = get_phase("1")
    assert localized(phase, "title", "hi") == phase.title_hi and translated(phase, "notes", "en") == phase.notes
    with pytest.raises(i18n.I18nError, match="not supported"):
        localized(meta, "title", "fr")


def test_a_language_file_in_the_environment_adds_a_language(tmp_path: Path) -> None:
    record = pseudo.write_language(tmp_path / "qps")
    code = ("from helpers import vocabulary; from helpers.presentation import i18n; "
            "print(vocabulary.LANGUAGES, i18n.t('index.title', 'qps'))")
    env = {**os.environ, languages.EXTRA_LANGUAGES_ENV: str(record)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("('en', 'hi', 'qps') ⟦ĜéṀ") and "qps" not in languages.LANGUAGES


# ------------------------------------------------------------------ a third language


@pytest.fixture(scope="module")
def qps(tmp_path_factory: pytest.TempPathFactory):
    """The pseudo-language registered: its record and generated catalogue, and its column labels.

    The column registry (``helpers.fields``, ``fields.csv``) holds labels per language
    (``label_en``, ``label_hi``): a language adds its column there. Here the registry read
    gains ``label_qps`` and ``description_qps`` for the time of the module.
    """
    from helpers import fields

    [record] = languages.read_records(pseudo.write_language(tmp_path_factory.mktemp("qps")))
    languages.register(record)
    columns = fields.load_columns()
    monkey = pytest.MonkeyPatch()
    monkey.setattr(fields, "load_columns", lambda: columns.assign(
        label_qps=columns["label_en"].map(pseudo.pseudo_text),
        description_qps=columns["description"].map(pseudo.pseudo_text)))
    yield record.code
    monkey.undo()
    languages.LANGUAGES.pop(record.code, None)  # the language the fixture registered goes again


def test_the_pseudo_catalogue_has_every_key(qps: str) -> None:
    assert set(i18n.load_catalogue(qps)) == set(i18n.load_catalogue("en"))
    assert not any(catalogue_differences().values())
    assert i18n.t("index.phase_window", qps, start="a", end="b") == "⟦Ŵíñðóŵ: a ţó b········⟧"


def _registrations() -> pd.DataFrame:
    """A small phase-1 table: sellers in event and nearby districts, crafts of GI and ODOP products, every stage."""
    rows = []
    plan = [("Agra", "Agra", "artisan", "zari zardozi", ""), ("Varanasi", "Varanasi", "weaver", "banarasi saree",
             "Banaras Brocades and Sarees"), ("Bhadohi", "Varanasi", "weaver", "carpet", "Bhadohi Carpet"),
            ("Mathura", "Agra", "other", "sanjhi", ""), ("Lucknow", "Lucknow", "artisan", "chikankari", "Lucknow Chikan Craft")]
    start = pd.Timestamp("2021-11-01")
    for i, (home, event, trade, craft, gi_product) in enumerate(plan):
        for n in range(8 + 3 * i):
            day = start + pd.Timedelta(days=n * 3)
            rows.append({"registration_date": day, "home_district": home, "event_district": event, "trade": trade,
                         "is_woman": n % 2 == 0, "is_tribal": n % 5 == 0, "craft": craft, "gi_product": gi_product,
                         "onboarding_status": ("registered", "catalogue live", "first order")[n % 3],
                         "catalogue_live_date": day + pd.Timedelta(days=5) if n % 3 else pd.NaT,
                         "first_order_date": day + pd.Timedelta(days=9) if n % 3 == 2 else pd.NaT,
                         "source_file": f"data/raw/registrations/field/{home.lower()}_sheet.csv", "source_sheet": "",
                         "is_synthetic": True})
    return pd.DataFrame(rows)


def _brief_sections(lang: str) -> list[str]:
    """The phase and district brief sections that render without a notebook, in ``lang``."""
    from helpers.analysis import metrics, national, products
    from helpers.campaign import phases
    from helpers.presentation import briefs, reference_sections

    phase = phases.get_phase("1")
    regs = metrics.phase_registrations(_registrations(), phase)
    coverage = metrics.district_coverage(regs, phase)
    key = metrics.phase_key_figures(regs, coverage)
    representation = national.representation()
    quality = pd.DataFrame({"source_file": sorted(set(regs["source_file"])), "rows_in": 10, "accepted": 8,
                            "rejected": 1, "duplicates": 1})
    sections = [briefs.phase_section(p, lang) for p in phases.load_phases().values()]
    sections += [
        briefs.coverage_summary(coverage, key, lang), briefs.top_bottom_tables(coverage, lang),
        briefs.funnel_figure(metrics.funnel(regs), "x", lang, is_synthetic=True), briefs.source_key_figures(lang),
        reference_sections.national_section(representation, lang),
        reference_sections.national_section(representation, lang, as_of="2022-01-01"),
        reference_sections.snapshot_section(national.up_share_by_snapshot(), lang),
        reference_sections.gi_section(products.gi_coverage(regs, phase), lang, products.gi_left_out(phase), 5),
        reference_sections.odop_section(products.odop_coverage(regs, phase), products.craft_matching(regs), lang),
        reference_sections.sources_section(lang), briefs.data_quality_section(quality, lang), briefs.footnotes(lang, 5),
    ]
    for district in ("Agra", "Amethi", "Hapur", "Kanpur Nagar"):
        sections += [briefs.district_section(coverage, district, lang, 5, is_illustrative=True),
                     briefs.neighbours_table(coverage, district, lang), reference_sections.district_odop(district, lang)]
    chart = reference_sections.share_chart(representation, lang)
    sections += [chart._kit_alt_text, chart.axes[0].get_title()]
    return sections


def _progress_sections(lang: str) -> list[str]:
    """District standing, the summary and its sentences, progress, freshness: from the other tests' small frames."""
    import test_district_sections as district_test
    import test_freshness as freshness_test
    import test_summary as summary_test
    from helpers.analysis import freshness
    from helpers.campaign.targets import TargetBasis
    from helpers.presentation import district_sections, freshness_sections, progress_sections, summary

    grades, progress, totals, change = summary_test._phase_inputs()
    basis = TargetBasis("from targets.csv", "illustrative", False)
    result = summary.phase_summary(totals=totals, progress=progress, coverage=pd.DataFrame(), key={}, change=change,
                                   grades=grades, basis=basis, phase_id="1", is_synthetic=True, as_reported_count=2,
                                   lang=lang)
    standing = district_sections.district_standing(district_test._records(), district_test.PHASE, "Agra",
                                                   district_test.AS_OF, district_test._targets(), grades)
    records = district_test._records().assign(onboarding_status="registered")
    offices = freshness.district_freshness(*freshness_test.frames(*freshness_test.WEEKLY), freshness_test.PHASE,
                                           freshness_test.W3)
    return [
        summary.summary_html(result, lang), summary.as_of_text(date(2021, 12, 31), date(2022, 1, 5), lang),
        summary.leader_sentence(progress, pd.DataFrame(), lang),
        progress_sections.headline({**totals, "grade": grades.grades[0].code}, basis, grades, 0.5, lang), progress_sections.legend_html(grades, lang),
        progress_sections.since_last_report(change, grades, lang), progress_sections.ranking_tables(change.ranking, lang),
        progress_sections.status_as_reported_note(2, lang),
        district_sections.progress_section(standing, district_test.BASIS, grades, lang, 5),
        district_sections.as_of_section(district_test.AS_OF, district_test.AS_OF + timedelta(days=3), lang),
        district_sections.funnel_section(records, "Agra", lang, 5, is_synthetic=True),
        district_sections.card_change(standing, lang, 5), *(" ".join(f) for f in district_sections.card_figures(standing, lang)),
        freshness_sections.phase_freshness_section(offices, lang),
        freshness_sections.district_freshness_section(offices, "Etah", lang),
    ]


def _index_page(lang: str) -> str:
    import test_pages_and_index as index_test
    from helpers.publishing import index

    return index.render_index(index_test._entries(), built_at="2026-01-02 10:00", lang=lang, provenance_href="p.html",
                              corrections=[("Agra", "corrections/agra.xlsx")])


def _visible_text(page: str) -> str:
    """The text a reader sees: no style, script or tags; character references decoded; spaces collapsed."""
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _texts_of(value: object) -> list[str]:
    """Every text inside ``value`` (a frame, a mapping, a dataclass, a sequence, a text)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, pd.DataFrame):
        return [v for column in value.columns for v in value[column].tolist() if isinstance(v, str)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _texts_of(v)]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _texts_of(v)]
    if hasattr(value, "__dataclass_fields__"):
        return [t for name in value.__dataclass_fields__ for t in _texts_of(getattr(value, name))]
    return []


def _data_texts() -> list[str]:
    """What the rendered sections show from the data as the data writes it (a language with no field of its own
    in a data file falls back to the base text): names, titles, sources, file names, the English month names of
    the record's locale, and what the other tests' small frames hold. Longest first."""
    import test_pages_and_index as index_test
    from babel.dates import get_month_names

    from helpers.analysis import metrics, national, products
    from helpers.campaign import phases, targets
    from helpers.presentation import reference_sections
    from helpers.reference import tables as reference

    phase = phases.get_phase("1")
    regs = metrics.phase_registrations(_registrations(), phase)
    grades = targets.load_grades()
    gi, odop = products.gi_coverage(regs, phase), products.odop_coverage(regs, phase)
    entries = index_test._entries()
    texts = [
        *i18n.district_names("en"), *get_month_names("wide", locale="en_IN").values(),
        *_texts_of([(p.title, p.notes, p.window_note, [(e.name_en, e.note) for e in p.event_locations])
                    for p in phases.load_phases().values()]),
        *_texts_of([(g.label_en, g.description_en) for g in (*grades.grades, grades.not_graded)]),
        *_texts_of([gi[["gi_name", "category", "source_title"]], odop[["product"]],
                    reference.load_odop_products()[["product"]], national.up_order_value()[["source", "fy"]],
                    national.latest_national_figure("artisans")["source"]]),
        *(path.rsplit("/", 1)[-1] for path in regs["source_file"]), *reference_sections.SOURCE_FILES,
        *_texts_of([(meta.get("title"), meta.get("source")) for meta in map(reference.provenance, reference_sections.SOURCE_FILES)]),
        *_texts_of([(e.title, [(r.name, r.error) for r in e.reports], e.summaries) for e in entries]),
        index_test.CRAFT, "x",  # the funnel's title in _brief_sections
    ]
    texts = {" ".join(t.split()) for t in texts if isinstance(t, str)}
    return sorted((t for t in texts if re.search("[A-Za-z]", t)), key=len, reverse=True)


def _untranslated(text: str, data: list[str]) -> list[str]:
    """The words of ``text`` in plain ASCII letters once every data text is taken out, each with its context."""
    for value in data:
        text = re.sub(rf"(?<![A-Za-z]){re.escape(value)}(?![A-Za-z])", " ", text)
    return [text[max(0, m.start() - 30):m.end() + 30] for m in re.finditer(r"[A-Za-z]+", text)]


def test_every_word_of_a_pseudo_page_comes_from_its_catalogue_or_the_data(qps: str) -> None:
    """The sections of the briefs and the index in ``qps``: no untranslated English word, pseudo text everywhere."""
    from helpers.presentation.formatting import format_count, format_crore, format_day

    pages = _brief_sections(qps) + _progress_sections(qps) + [_index_page(qps)]
    texts = [_visible_text(page) for page in pages]
    assert all(pseudo.OPEN in text for text in texts if text)
    data = _data_texts()
    leaks = {leak for text in texts for leak in _untranslated(text, data)}
    assert sorted(leaks) == [], "text that came neither from the qps catalogue nor from the data"
    assert format_count(None, qps) == pseudo.pseudo_text("n/a") and format_day("2021-10-29", qps) == "29 October 2021"
    assert format_crore(2584.47, qps) == pseudo.pseudo_text("₹{amount} crore").format(amount="2,584.47")


def test_the_index_has_a_column_of_district_links_per_language(qps: str) -> None:
    from helpers.publishing import index

    reports = (index.ReportResult("district", "phase-1/districts/agra.html", name="Agra"),
               index.ReportResult("district", "phase-1/districts/agra.qps.html", name="Agra", lang=qps))
    entry = index.PhaseEntry("1", "Phase 1", "प्रथम चरण", "from_source", date(2021, 11, 1), date(2022, 3, 31),
                             reports=reports)
    page = index.render_index([entry], built_at="x", lang="en")
    headers = re.findall(r'<th scope="col">([^<]*)</th>', page)
    assert headers[-3:] == ["English", "Hindi", pseudo.pseudo_text("Pseudo")]
    row = re.search(r'<tr data-search="agra[^"]*">(.*?)</tr>', page, flags=re.S).group(1)
    cells = re.findall(r"<td>(.*?)</td>", row, flags=re.S)
    assert 'href="phase-1/districts/agra.html"' in cells[-3] and cells[-2] == ""
    assert 'href="phase-1/districts/agra.qps.html"' in cells[-1]
