"""Issue 22, item 9: the Hindi pages carry no English explanations, and call a rank one thing.

What a Hindi reader reads of a build (every ``*.hi.html`` page: its text, alt texts,
titles and labels; every element marked ``lang="hi"`` on another page; the Hindi share
cards' alt texts and the Hindi summaries) is searched for English sentences: runs of four
or more words in Latin letters. A run is allowed only where English is the right thing to
show (``tests/data/hindi_pages/english_allowed.yaml`` says which and why): a link's text
(a cited source's own title, a file), a URL or file name, a name the page labels as an
English name ("... (अंग्रेज़ी नाम)") that reads as a name, or a listed phrase. A note labelled
as a name is a note: it fails.

A rank is "रैंक" on every Hindi page and in every Hindi message about ranks; "स्थान" (place)
is never used for it (not "3 स्थान नीचे", not "5वें स्थान पर").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from helpers.presentation import i18n
from support import Build, json_strings

ALLOWED_FILE = Path(__file__).parent / "data" / "hindi_pages" / "english_allowed.yaml"
#: Four or more words in Latin letters, separated by spaces, punctuation or numbers only.
WORD = r"[A-Za-z][A-Za-z'’\-]*"
SEPARATOR = r"(?:[\s,;:()/&'\"“”‘’.\-–—]|\d+)+"
ENGLISH_RUN = re.compile(rf"{WORD}(?:{SEPARATOR}{WORD}){{3,}}")
#: Addresses, file names and domains: shown as they are.
NOT_WORDS = re.compile(r"https?://\S+|www\.\S+|\b[\w\-]+(?:\.[\w\-]+)+\b")
#: A cell (or a block) that is a file's name, spaces and all: an office's sheet as it was sent.
FILE_NAME = re.compile(r".*\.(?:csv|tsv|xlsx|xlsm|xls|ods|pdf|html|json|png|txt|parquet|ipynb|md|yaml|yml)", re.I)
#: Between these a run of words does not continue: table cells, paragraphs, list items, headings.
BLOCK_TAGS = {"p", "div", "li", "td", "th", "tr", "caption", "figcaption", "dt", "dd", "h1", "h2", "h3", "h4",
              "h5", "h6", "br", "section", "header", "footer", "nav", "table", "ul", "ol", "dl", "figure", "title"}
BREAK = "¦"
#: Where English is code or a cited title, not an explanation.
SKIPPED_TAGS = {"script", "style", "template", "code", "pre", "kbd", "samp", "a"}
#: Attributes a reader meets (screen readers read them out).
READ_ATTRIBUTES = ("alt", "title", "aria-label")
DEVANAGARI = "\u0900-\u097f"
#: "स्थान" as a word of its own (not स्थानों, स्थानीय).
PLACE_WORD = re.compile(rf"(?<![{DEVANAGARI}])स्थान(?![{DEVANAGARI}])")
#: "स्थान" as a rank: places moved up or down, an ordinal place, "स्थान: 5".
PLACE_AS_RANK = re.compile(
    rf"(?<![{DEVANAGARI}])स्थान(?![{DEVANAGARI}])\s*(?:ऊपर|नीचे|:|पर\s+(?:है|रहा|था))"
    rf"|(?:वें|वाँ|वां|वीं|ला|रा|था)\s+स्थान(?![{DEVANAGARI}])"
)
RANK_WORD = "रैंक"


@lru_cache(maxsize=1)
def allowed() -> dict:
    return yaml.safe_load(ALLOWED_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _name_label() -> re.Pattern[str]:
    """The label after a name shown in English (``gi.english_name``), as a pattern: ") (अंग्रेज़ी नाम)"."""
    label = i18n.t("gi.english_name", "hi", name="\0").split("\0", 1)[1].strip()
    return re.compile(r"[\s)\]]*" + re.escape(label))


@dataclass(frozen=True)
class Finding:
    file: str
    place: str
    text: str

    def __str__(self) -> str:
        return f"{self.file} [{self.place}]: {self.text!r}"


def english_runs(text: str) -> list[str]:
    """The English sentences of ``text``: runs of 4+ Latin words not allowed by ``english_allowed.yaml``."""
    sentence_words = {w.lower() for w in allowed()["sentence_words"]}
    phrases = [" ".join(p["text"].split()) for p in allowed()["phrases"]]
    found = []
    for segment in " ".join(text.split()).split(BREAK):
        if FILE_NAME.fullmatch(segment.strip()):
            continue  # a file's name, as it was sent
        for phrase in phrases:
            segment = segment.replace(phrase, " ")
        segment = NOT_WORDS.sub(" ", segment)
        for match in ENGLISH_RUN.finditer(segment):
            words = {w.lower() for w in re.findall(WORD, match.group(0))}
            labelled = _name_label().match(segment, match.end())
            if labelled and not words & sentence_words:
                continue  # a name the page labels as an English name
            found.append(match.group(0))
    return found


def _texts_of(element, skip_self: bool = False) -> Iterator[tuple[str, str]]:
    """``(place, text)`` of an element: each block's text (links and code left out), and the attributes read out."""
    from bs4 import NavigableString, Tag

    for tag in element.find_all(True):
        for attribute in READ_ATTRIBUTES:
            if tag.get(attribute):
                yield f"{attribute} of <{tag.name}>", tag[attribute]
    pieces = []
    for node in element.descendants:
        if isinstance(node, NavigableString) and not any(
                isinstance(a, Tag) and a.name in SKIPPED_TAGS for a in node.parents):
            pieces.append(str(node))
        elif isinstance(node, Tag) and node.name in SKIPPED_TAGS | BLOCK_TAGS:
            pieces.append(f" {BREAK} ")  # a cell, a block, a link or code ends a run: its words are not the page's
    yield "text", "".join(pieces)


def page_findings(path: Path, name: str, whole_page: bool) -> list[Finding]:
    """The English sentences of a Hindi page (``whole_page``), or of its elements marked ``lang="hi"``."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
    for hidden in soup.find_all(["script", "style", "template"]):
        hidden.decompose()
    parts = [soup] if whole_page else soup.find_all(attrs={"lang": re.compile(r"^hi\b")})
    findings = []
    for part in parts:
        for place, text in _texts_of(part):
            folded = " ".join(text.split())
            for run in english_runs(text):
                start = folded.find(run)
                context = folded[max(0, start - 40):start].split(BREAK)[-1].strip() if start >= 0 else ""
                findings.append(Finding(name, f"{place}, after {context!r}" if context else place, run))
    return findings


def hindi_texts(reports: Path) -> Iterator[tuple[str, str, str]]:
    """``(file, place, text)`` of everything a Hindi reader reads in a build's reports."""
    for path in sorted(reports.rglob("*")):
        name = str(path.relative_to(reports))
        if path.name.endswith(".hi.png.alt.txt"):
            yield name, "alt text", path.read_text(encoding="utf-8")
        elif path.name.endswith(".hi.json"):
            for text in json_strings(json.loads(path.read_text(encoding="utf-8"))):
                yield name, "JSON text", text


def build_findings(reports: Path) -> list[Finding]:
    findings = []
    for path in sorted(reports.rglob("*.html")):
        findings.extend(page_findings(path, str(path.relative_to(reports)), path.name.endswith(".hi.html")))
    for name, place, text in hindi_texts(reports):
        findings.extend(Finding(name, place, run) for run in english_runs(text))
    return findings


def rank_findings(name: str, text: str) -> list[Finding]:
    """"स्थान" used for a rank: beside ऊपर/नीचे, as an ordinal place, or in a sentence about a rank."""
    folded = " ".join(text.split())
    found = [Finding(name, "place used as a rank", m.group(0)) for m in PLACE_AS_RANK.finditer(folded)]
    for sentence in re.split(r"[।.;!?]", folded):
        if RANK_WORD in sentence and PLACE_WORD.search(sentence):
            found.append(Finding(name, "रैंक and स्थान in one sentence", sentence.strip()))
    return found


def _visible_hindi(path: Path) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
    for hidden in soup.find_all(["script", "style", "template"]):
        hidden.decompose()
    return " ".join([soup.get_text(" "), *(t.get(a, "") for t in soup.find_all(True) for a in READ_ATTRIBUTES)])


# ------------------------------------------------------------------ the heuristic, on planted text


def test_an_english_note_is_found_even_when_labelled_as_a_name() -> None:
    label = i18n.t("gi.english_name", "hi", name="{name}")
    note = "Textile (per 2024 ODOP gallery report; the 2018 list as recalled says brassware)"
    assert english_runs("संत कबीर नगर का ओडीओपी उत्पाद: " + label.format(name=note) + "।")
    assert english_runs(i18n.t("brief.note_in_english", "hi", note="The window is assumed from the source's dates"))
    assert english_runs("<b>x</b> Counts from 1 to 4 are shown as <5") == ["Counts from 1 to 4 are shown as"]


def test_names_labelled_as_english_names_links_urls_and_files_are_not_sentences() -> None:
    label = i18n.t("gi.english_name", "hi", name="{name}")
    for name in ("Banaras Brocades and Sarees", "Agra Stone Craft (stone inlay)", "Ankle bells, bells and brass products",
                 "Black pottery (Nizamabad); silk sarees (Mubarakpur)", "Handmade Carpet of Bhadohi"):
        assert english_runs(f"आगरा का ओडीओपी उत्पाद: {label.format(name=name)}।") == [], name
    assert english_runs("स्रोत: https://www.example.org/one-district-one-product-gallery-in-police-line देखें") == []
    assert english_runs("फ़ाइल SYNTHETIC_phase-1_2021-11-07_week-01.csv और odopup.in पर जाँच लें") == []
    assert english_runs("तीन शब्द Leather products only") == []  # three words: a name, not a sentence


def test_a_link_breaks_a_run_and_its_title_is_not_checked(tmp_path: Path) -> None:
    page = tmp_path / "brief.hi.html"
    page.write_text('<html lang="hi"><body><p>जीआई उत्पाद <a href="https://x.org">Banarasi saree gets GI tag '
                    '(Wikipedia text mirror)</a></p><p>The kit shows the figures below.</p>'
                    '<img alt="Map of the districts of UP" src="x.png"></body></html>', encoding="utf-8")
    found = page_findings(page, page.name, whole_page=True)
    assert sorted(f.text for f in found) == ["Map of the districts of UP", "The kit shows the figures below"]


def test_table_cells_end_a_run_and_a_cell_holding_a_file_name_is_a_name(tmp_path: Path) -> None:
    page = tmp_path / "brief.hi.html"
    page.write_text('<html lang="hi"><body><table><tr><th>फ़ाइल</th><th>पंक्तियाँ</th></tr>'
                    '<tr><td>Aadhaar xxxx-xxxx-xxxx sheets.xlsx</td><td>8</td></tr>'
                    '<tr><td>forwarded from the office of Agra week 1.csv</td><td>1</td></tr>'
                    '<tr><td>Leather</td><td>products</td><td>made</td><td>here</td></tr>'
                    '<tr><td>The rows of this sheet were read twice</td></tr></table></body></html>', encoding="utf-8")
    assert [f.text for f in page_findings(page, page.name, whole_page=True)] == ["The rows of this sheet were read twice"]


def test_place_used_as_a_rank_is_found() -> None:
    assert rank_findings("p", "31 मार्च से पहले के 7 दिनों में: 3 स्थान नीचे, 12 से।")
    assert rank_findings("p", "जनपद 5वें स्थान पर है।")
    assert rank_findings("p", "रैंक में 2 स्थान ऊपर; 9 नए पंजीकरण")
    assert rank_findings("p", "उपलब्धि के अनुसार रैंक: 4। रैंक में 1 का सुधार, पिछली रैंक 5।") == []
    assert rank_findings("p", "लखनऊ और कानपुर के बीच अल्पविराम नहीं है; इन्हें दो स्थान माना गया है।") == []


def test_hindi_messages_about_ranks_say_rank() -> None:
    english, hindi = i18n.load_catalogue("en"), i18n.load_catalogue("hi")
    about_ranks = [k for k, v in english.items() if re.search(r"\brank", v, re.I) or "rank" in k.split(".")[-1]]
    assert len(about_ranks) >= 10
    wrong = {k: hindi[k] for k in about_ranks if PLACE_WORD.search(hindi[k])}
    assert not wrong, wrong
    assert all(RANK_WORD in hindi[k] for k in about_ranks if re.search(r"\brank\b", english[k], re.I)), [
        k for k in about_ranks if re.search(r"\brank\b", english[k], re.I) and RANK_WORD not in hindi[k]]


def test_no_hindi_message_is_an_english_sentence() -> None:
    hindi = i18n.load_catalogue("hi")
    found = {k: v for k, v in hindi.items() if english_runs(re.sub(r"\{[a-z_]+\}", "", v))}
    assert not found, found


# ------------------------------------------------------------------ the full build


@pytest.fixture(scope="module")
def hindi_pages(full_build: Build) -> list[Path]:
    pages = sorted(full_build.reports.rglob("*.hi.html"))
    assert pages and any("districts" in p.parts for p in pages), full_build.process.stdout + full_build.process.stderr
    return pages


def test_no_english_sentence_on_any_hindi_page_of_a_build(full_build: Build, hindi_pages: list[Path]) -> None:
    findings = build_findings(full_build.reports)
    assert not findings, f"{len(findings)} English sentence(s) on Hindi pages:\n" + "\n".join(map(str, findings[:40]))


def test_a_rank_is_called_rank_on_every_hindi_page(full_build: Build, hindi_pages: list[Path]) -> None:
    findings, ranks = [], 0
    texts = [(str(p.relative_to(full_build.reports)), _visible_hindi(p)) for p in hindi_pages]
    texts += [(name, text) for name, _, text in hindi_texts(full_build.reports)]
    for name, text in texts:
        findings.extend(rank_findings(name, text))
        ranks += text.count(RANK_WORD)
    assert ranks > 0  # the pages do speak of ranks
    assert not findings, "\n".join(map(str, findings[:40]))
