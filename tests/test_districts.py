"""The district normaliser: every known name of every district, Hindi variants, towns, other states, typos."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import paths
from helpers.reference import tables as reference
from helpers.reference.districts import (
    DistrictError, DistrictResolver, build_resolver, fold_devanagari, get_resolver,
)

MASTER = pd.read_csv(paths.REFERENCE_DIR / reference.DISTRICTS_FILE, dtype=str)
VARIANTS = pd.read_csv(paths.REFERENCE_DIR / "up_district_name_variants.csv", dtype=str)
OTHERS = pd.read_csv(paths.REFERENCE_DIR / "other_state_districts.csv", dtype=str)


def _names_of(row) -> list[str]:
    names = [row.name_common, row.name_lgd, row.name_hi]
    if isinstance(row.census2011_name, str):
        names.append(row.census2011_name)
    if isinstance(row.aliases, str):
        names += [a.split("(")[0].strip() for a in row.aliases.split("|")]
    return names


ALL_NAMES = [(name, row.name_common) for row in MASTER.itertuples() for name in _names_of(row)]
ENGLISH_NAMES = [(n, d) for n, d in ALL_NAMES if n.isascii()]
HINDI_NAMES = [(row.name_hi, row.name_common) for row in MASTER.itertuples()]


def test_no_name_means_two_districts():
    assert build_resolver().conflicts == []


@pytest.mark.parametrize(("name", "district"), ALL_NAMES)
def test_every_name_and_alias_maps_to_its_own_district(name, district):
    match = get_resolver().resolve(name)
    assert match.district == district
    assert match.method not in ("fuzzy", "unresolved", "other_state")
    assert match.lgd_code == int(MASTER.set_index("name_common").loc[district, "lgd_district_code"])


@pytest.mark.parametrize(("name", "district"), list(zip(VARIANTS["name_variant"], VARIANTS["district"])))
def test_every_variant_maps_to_its_district(name, district):
    assert get_resolver().resolve(name).district == district


SOURCE_EVENTS = {
    "मिर्जापुर": "Mirzapur", "भदोही": "Bhadohi", "वाराणसी": "Varanasi", "गोरखपुर": "Gorakhpur", "लखनऊ": "Lucknow",
    "कानपुर": "Kanpur Nagar", "कन्नौज": "Kannauj", "आगरा": "Agra", "अलीगढ़": "Aligarh", "मुरादाबाद": "Moradabad",
    "मेरठ": "Meerut", "ग्रेटर नोएडा": "Gautam Buddha Nagar", "Mirzapur": "Mirzapur", "Bhadohi": "Bhadohi",
    "Varanasi": "Varanasi", "Gorakhpur": "Gorakhpur", "Lucknow": "Lucknow", "Kanpur": "Kanpur Nagar",
    "Kannauj": "Kannauj", "Agra": "Agra", "Aligarh": "Aligarh", "Moradabad": "Moradabad", "Meerut": "Meerut",
    "Greater Noida": "Gautam Buddha Nagar",
}


@pytest.mark.parametrize(("name", "district"), SOURCE_EVENTS.items())
def test_the_source_reports_event_names_resolve(name, district):
    assert get_resolver().resolve(name).district == district


def test_towns_and_ambiguous_names_carry_a_note():
    resolver = get_resolver()
    noida = resolver.resolve("Greater Noida")
    assert (noida.method, noida.district) == ("town", "Gautam Buddha Nagar")
    assert "town in Gautam Buddha Nagar" in noida.note
    kanpur = resolver.resolve("कानपुर")
    assert (kanpur.method, kanpur.district) == ("ambiguous", "Kanpur Nagar")
    assert "Kanpur Dehat" in kanpur.note
    old = resolver.resolve("Allahabad")
    assert (old.method, old.district) == ("old_name", "Prayagraj")


@pytest.mark.parametrize(
    "name",
    ["Varanasi district", "Distt. Agra", "जिला आगरा", "जनपद आगरा", "AGRA", " agra ", "Agra, U.P.", "Agra (आगरा)"],
)
def test_decorated_names(name):
    expected = "Varanasi" if "Varanasi" in name else "Agra"
    assert get_resolver().resolve(name).district == expected


@pytest.mark.parametrize("name", ["मिर्जापुर", "मीरजापुर", "मिर्ज़ापुर", "मीर्जापूर", "बदायूं", "बदायूँ", "अंबेडकर नगर", "संभल"])
def test_hindi_spelling_variants(name):
    assert get_resolver().resolve(name).is_resolved


@pytest.mark.parametrize(("name", "state"), list(zip(OTHERS["name"], OTHERS["state"])))
def test_other_state_places_are_rejected_with_their_state(name, state):
    match = get_resolver().resolve(name)
    assert match.district is None
    assert match.method == "other_state"
    assert match.problem == f"a district of {state}, not of Uttar Pradesh"


@pytest.mark.parametrize("name", ["Hamirpur", "Pratapgarh", "Balrampur", "Bijnor", "Fatehpur", "Aurangabad"])
def test_names_shared_with_other_states_stay_in_up_only_if_up_has_them(name):
    match = get_resolver().resolve(name)
    assert match.is_resolved == (name != "Aurangabad")


@pytest.mark.parametrize(
    ("name", "state"),
    [("Hamirpur (H.P.)", "Himachal Pradesh"), ("Pratapgarh (Rajasthan)", "Rajasthan"), ("Bilaspur, HP", "Himachal Pradesh"),
     ("Hamirpur [HP]", "Himachal Pradesh"), ("हमीरपुर (हि.प्र.)", "Himachal Pradesh"), ("Agra, Raj.", "Rajasthan"),
     ("Balrampur (C.G.)", "Chhattisgarh"), ("Aurangabad, Bihar", "Bihar")],
)
def test_a_name_qualified_by_another_state_is_that_states_place(name, state):
    match = get_resolver().resolve(name)
    assert (match.district, match.method) == (None, "other_state")
    assert match.problem == f"a district of {state}, not of Uttar Pradesh"


@pytest.mark.parametrize(
    ("name", "district"),
    [("Agra, U.P.", "Agra"), ("Pratapgarh (U.P.)", "Pratapgarh"), ("Hamirpur (उ.प्र.)", "Hamirpur"),
     ("Lucknow, Uttar Pradesh", "Lucknow"), ("Bhadohi (Sant Ravidas Nagar)", "Bhadohi"), ("Agra (आगरा)", "Agra")],
)
def test_a_name_qualified_by_up_or_by_another_name_stays_in_up(name, district):
    assert get_resolver().resolve(name).district == district


def test_every_state_alias_has_a_key():
    resolver = get_resolver()
    aliases = pd.read_csv(paths.REFERENCE_DIR / reference.STATE_ALIASES_FILE, dtype=str)
    assert set(resolver.states.values()) == set(aliases["state"])
    assert resolver.states["hp"] == "Himachal Pradesh" and resolver.states["up"] == "Uttar Pradesh"


def test_confident_typos_resolve_and_others_get_three_suggestions():
    resolver = get_resolver()
    assert (resolver.resolve("Varansi").district, resolver.resolve("Varansi").method) == ("Varanasi", "fuzzy")
    assert resolver.resolve("Gorakpur").district == "Gorakhpur"
    unsure = resolver.resolve("Lukhnow")
    assert unsure.district is None
    assert unsure.suggestions[0] == "Lucknow"
    assert len(unsure.suggestions) == 3


def test_blank_and_question_marks_are_unresolved():
    for value in (None, "", "  ", float("nan"), "????"):
        match = get_resolver().resolve(value)
        assert match.district is None and match.method == "unresolved"


def test_require_returns_the_standard_name_or_one_line():
    resolver = get_resolver()
    assert resolver.require("मीरजापुर", "event district") == "Mirzapur"
    with pytest.raises(DistrictError) as error:
        resolver.require("Patna", "event district")
    assert str(error.value).startswith("event district 'Patna': a district of Bihar, not of Uttar Pradesh")
    assert "\n" not in str(error.value)
    with pytest.raises(DistrictError, match="did you mean 'Varanasi'"):
        resolver.require("Varansi")
    with pytest.raises(DistrictError, match="closest: Lucknow"):
        resolver.require("Lukhnow")


def resolve_series(resolver: DistrictResolver, names: pd.Series) -> pd.DataFrame:
    """Resolve every value of a Series, each distinct value once.

    Returns:
        A DataFrame with the index of ``names`` and columns ``district``,
        ``lgd_code`` (Int64), ``method``, ``note``, ``problem`` and ``suggestions``.
    """
    codes, uniques = pd.factorize(names, use_na_sentinel=True)
    matches = [resolver.resolve(value) for value in uniques] + [resolver.resolve(None)]
    table = pd.DataFrame(
        {
            "district": [m.district for m in matches],
            "lgd_code": pd.array([m.lgd_code for m in matches], dtype="Int64"),
            "method": [m.method for m in matches],
            "note": [m.note for m in matches],
            "problem": [m.problem for m in matches],
            "suggestions": [m.suggestions for m in matches],
        }
    )
    codes = np.where(codes < 0, len(matches) - 1, codes)
    out = table.take(codes)
    out.index = names.index
    return out


def test_resolve_series_on_a_million_rows_resolves_each_value():
    names = [n for n, _ in ALL_NAMES[:200]] + [None, "Patna"]
    series = pd.Series(np.tile(np.array(names, dtype=object), 1_000_000 // len(names) + 1)[:1_000_000])
    frame = resolve_series(get_resolver(), series)
    assert len(frame) == 1_000_000
    assert frame.index.equals(series.index)
    expected = {n: d for n, d in ALL_NAMES[:200]}
    sample = frame.iloc[: len(names)]
    assert sample["district"].tolist()[:200] == [expected[n] for n in names[:200]]
    assert sample["method"].tolist()[200:] == ["unresolved", "other_state"]
    assert frame["lgd_code"].dtype == "Int64"


# --------------------------------------------------------------- properties

english = st.sampled_from(ENGLISH_NAMES)


@st.composite
def perturbed(draw):
    name, district = draw(english)
    chars = []
    for char in name:
        char = char.upper() if draw(st.booleans()) else char.lower()
        chars.append(char)
        if draw(st.integers(0, 9)) == 0:
            chars.append(draw(st.sampled_from([" ", ".", "-", "  ", "'"])))
    prefix = draw(st.sampled_from(["", " ", "Distt. ", "District "]))
    suffix = draw(st.sampled_from(["", " ", " district", ", UP", "."]))
    return prefix + "".join(chars) + suffix, name, district


@settings(max_examples=400, deadline=None)
@given(perturbed())
def test_case_space_and_punctuation_do_not_matter(case):
    text, name, district = case
    assert get_resolver().resolve(text).district == district


@st.composite
def hindi_variant(draw):
    name, district = draw(st.sampled_from(HINDI_NAMES))
    out = []
    for char in name:
        out.append(char)
        if "\u0915" <= char <= "\u0939" and draw(st.integers(0, 3)) == 0:
            out.append(draw(st.sampled_from(["\u093c", "\u0901"])))  # nukta, chandrabindu
    swaps = {"ि": "ी", "ी": "ि", "ु": "ू", "ू": "ु", "ं": "ँ"}
    text = "".join(swaps.get(c, c) if draw(st.integers(0, 4)) == 0 else c for c in out)
    prefix = draw(st.sampled_from(["", "जिला ", "जनपद "]))
    return prefix + text, district


@settings(max_examples=400, deadline=None)
@given(hindi_variant())
def test_nukta_chandrabindu_and_vowel_length_do_not_matter(case):
    text, district = case
    assert get_resolver().resolve(text).district == district


@given(st.text(min_size=1, max_size=12))
def test_fold_devanagari_is_idempotent(text):
    assert fold_devanagari(fold_devanagari(text)) == fold_devanagari(text)
