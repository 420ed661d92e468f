"""Teaching checks read from the sources (no build): Palestinian voices, critiques and responses,
self-checks that test understanding, takeaways and reading times.

The voices and critiques checks read the verified fact sheet, ``../shared/sources/facts.md``;
without it they FAIL (the sheet is part of the project's set-up, see README).
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from course import ROOT, cite_keys, pages, prose_words, section

from coursekit.reading import WORDS_PER_MINUTE, reading_minutes, stated_minutes

FACTS = ROOT.parent / "shared" / "sources" / "facts.md"
QUIZZES = ROOT / "coursekit" / "quizzes"
CHAPTERS = [p for p in pages() if p.rel.startswith("chapters/") and p.path.suffix == ".ipynb"]
NUMBERED_PARTS = ("Part I:", "Part II:", "Part III:", "Part IV:", "Part V:")
CRITIQUE_PARTS = ("Part II:", "Part III:", "Part IV:")
VERDICT = re.compile(r"^\s*(correct|incorrect|yes|no|right|wrong|not quite|exactly|true|false)\b[.,!:;]",
                     re.I)
HARM = re.compile(r"\b(killed|killing|death|died|dead|injur\w*|wounded)\b", re.I)

# A MyST admonition fenced with backticks or colons: title line, options, body.
ADMONITION = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{admonition\}[ \t]*(?P<title>[^\n]*)\n(?P<opts>(?:[ \t]*:[\w-]+:[^\n]*\n)*)"
    r"(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.M | re.S,
)


def _facts() -> str:
    if not FACTS.is_file():
        pytest.fail(f"the verified fact sheet is missing: {FACTS} (clone the repository beside ../shared)")
    return FACTS.read_text(encoding="utf-8")


def _between(text: str, start: str, end: str) -> str:
    a = text.index(start)
    return text[a: text.index(end, a)]


def _keys_in(text: str) -> set[str]:
    return {k for group in re.findall(r"\[([a-z0-9][\w:./-]*(?:\]\s*\[[\w:./-]+)*)\]", text)
            for k in re.split(r"\]\s*\[", group)}


def section_keys(number: int) -> set[str]:
    """Citation keys the fact sheet gives in its section ``number`` (9: voices, 11: critiques)."""
    text = _facts()
    nxt = {9: "\n## 10.", 11: "\n## Sources"}[number]
    return _keys_in(_between(text, f"\n## {number}.", nxt))


def _norm(s: str) -> str:
    s = unicodedata.normalize("NFC", s)
    s = s.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    s = s.replace("\u2014", "--").replace("\u2013", "-").replace("—", "--")
    return re.sub(r"\s+", " ", s).strip()


class Voice:
    """One voice block on a page."""

    def __init__(self, page: str, title: str, classes: list[str], body: str) -> None:
        self.page, self.title, self.classes, self.body = page, title.strip(), classes, body

    @property
    def speaker(self) -> str:
        return self.title.split(",")[0].strip()

    @property
    def paraphrase(self) -> bool:
        return "paraphrase" in self.classes

    def quotations(self) -> list[str]:
        """Text inside double quotation marks (straight or curly), long enough to be a quotation."""
        body = re.sub(r"\{[a-z:]+\}`[^`]*`", " ", self.body)
        found = re.findall(r"[\"\u201c]([^\"\u201c\u201d]{12,}?)[\"\u201d]", body)
        return [q for q in found if len(q.split()) >= 3]


def voices(text: str, page: str) -> list[Voice]:
    out = []
    for m in ADMONITION.finditer(text):
        cls = re.search(r"^[ \t]*:class:[ \t]*(.*)$", m.group("opts"), re.M)
        classes = cls.group(1).split() if cls else []
        if "voice" in classes:
            out.append(Voice(page, m.group("title"), classes, m.group("body")))
    return out


def all_voices() -> list[Voice]:
    return [v for p in CHAPTERS for v in voices(p.markdown(), p.rel)]


# --- Palestinian voices ------------------------------------------------------------------------

@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.rel)
def test_every_chapter_has_two_cited_palestinian_voices(page) -> None:
    keys = section_keys(9)
    found = voices(page.markdown(), page.rel)
    assert len(found) >= 2, f"{page.rel}: {len(found)} voice blocks; every chapter needs at least two"
    for v in found:
        cited = cite_keys(v.body)
        assert cited & keys, f"{page.rel}: voice '{v.title}' must cite a key from facts §9, cites {cited}"
        assert "," in v.title, f"{page.rel}: voice title '{v.title}' must be 'Name, role'"


def test_at_least_twelve_distinct_palestinian_speakers() -> None:
    speakers = {v.speaker for v in all_voices()}
    assert len(speakers) >= 12, f"{len(speakers)} distinct speakers: {sorted(speakers)}"


def test_quotations_in_voice_blocks_are_exactly_as_the_sheet_prints_them() -> None:
    sheet = _norm(_between(_facts(), "\n## 9.", "\n## 10."))
    wrong = []
    for v in all_voices():
        for q in v.quotations():
            if _norm(q) not in sheet:
                wrong.append(f"{v.page}: {v.speaker}: “{q}”")
    assert not wrong, f"quotations not found word for word in facts §9: {wrong}"


def test_paraphrases_are_marked_and_not_in_quotation_marks() -> None:
    bad = [f"{v.page}: {v.speaker}" for v in all_voices() if v.paraphrase
           and ("paraphrase" not in v.body.lower() or v.quotations())]
    assert not bad, f"paraphrase voice blocks must say 'paraphrase' and quote nothing: {bad}"


def test_voice_checks_reject_a_bad_block() -> None:
    text = ("```{admonition} Someone\n:class: voice\n\n\"An invented sentence that no source ever "
            "printed anywhere.\"\n```\n")
    [v] = voices(text, "x")
    assert v.speaker == "Someone" and "," not in v.title
    assert v.quotations() and _norm(v.quotations()[0]) not in _norm(_facts())
    assert not cite_keys(v.body) & section_keys(9)


# --- critiques and responses -------------------------------------------------------------------

@pytest.mark.parametrize("part", CRITIQUE_PARTS)
def test_part_has_critiques_and_responses(part: str) -> None:
    keys = section_keys(11)
    sections = [(p.rel, section(p.markdown(), "Critiques and responses"))
                for p in CHAPTERS if p.part.startswith(part)]
    sections = [(rel, s) for rel, s in sections if s.strip()]
    assert sections, f"{part} has no '## Critiques and responses' section"
    cited = set().union(*(cite_keys(s) for _, s in sections)) & keys
    assert len(cited) >= 3, f"{part}: critiques cite {sorted(cited)} from facts §11; at least three"
    for rel, s in sections:
        assert "?" in s.strip().splitlines()[-1] or "?" in s[-600:], \
            f"{rel}: Critiques and responses should end with a question for the group"


# --- self-checks -------------------------------------------------------------------------------

def banks() -> list[Path]:
    return sorted(QUIZZES.glob("*.yml"))


def _questions(bank: Path) -> list[dict]:
    return yaml.safe_load(bank.read_text(encoding="utf-8"))["questions"]


def bank_problems(questions: list[dict]) -> list[str]:
    """The self-check rules, for one bank's questions (empty list: the bank is fine)."""
    problems = []
    n = len(questions)
    longest = positions = 0
    counts: dict[int, int] = {}
    for q in questions:
        ch = q["choices"]
        right = [i for i, c in enumerate(ch) if c.get("correct")]
        if len(right) != 1:
            problems.append(f"{q['id']}: needs exactly one correct choice")
            continue
        r = right[0]
        counts[r] = counts.get(r, 0) + 1
        lengths = [len(str(c["text"])) for c in ch]
        if lengths[r] == max(lengths) and lengths.count(max(lengths)) == 1:
            longest += 1
        for c in ch:
            fb = str(c.get("feedback", "")).strip()
            if not fb:
                problems.append(f"{q['id']}: a choice has no feedback")
            elif VERDICT.match(fb):
                problems.append(f"{q['id']}: feedback repeats the verdict the script adds: “{fb[:30]}…”")
            if not c.get("correct") and HARM.search(str(c["text"])):
                problems.append(f"{q['id']}: a wrong choice uses a death or injury: “{c['text'][:50]}”")
    positions = max(counts.values(), default=0)
    if n and longest / n > 0.35:
        problems.append(f"the correct answer is the longest choice in {longest} of {n} questions (max 35%)")
    if n and positions / n > 0.40:
        problems.append(f"one position holds the correct answer in {positions} of {n} questions (max 40%)")
    return problems


@pytest.mark.parametrize("bank", banks(), ids=lambda p: p.stem)
def test_bank_cannot_be_gamed(bank: Path) -> None:
    problems = bank_problems(_questions(bank))
    assert not problems, f"{bank.name}: {problems}"


def test_bank_rules_reject_a_gameable_bank() -> None:
    def q(i: int) -> dict:
        return {"id": f"q{i}", "choices": [
            {"text": "short", "feedback": "Not quite. This misses the point made in the chapter."},
            {"text": "the long and obviously right answer", "correct": True,
             "feedback": "This is what the chapter says, in its own words."}]}
    problems = bank_problems([q(i) for i in range(4)])
    assert any("longest" in p for p in problems)
    assert any("position" in p for p in problems)
    assert any("verdict" in p for p in problems)


def test_enough_questions_and_half_are_scenarios() -> None:
    qs = [q for b in banks() for q in _questions(b)]
    scenarios = [q for q in qs if q.get("kind") == "scenario"]
    assert len(qs) >= 80, f"{len(qs)} self-check questions in all; at least 80"
    assert len(scenarios) * 2 >= len(qs), f"{len(scenarios)} of {len(qs)} are scenario questions; half needed"


def _code_cells(page) -> list[dict]:
    nb = json.loads(page.path.read_text(encoding="utf-8"))
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.rel)
def test_chapter_has_its_own_self_check(page) -> None:
    stem = page.path.stem
    assert section(page.markdown(), "Self-check").strip(), f"{page.rel}: no '## Self-check' section"
    bank = QUIZZES / f"{stem}.yml"
    assert bank.is_file(), f"{page.rel}: no bank coursekit/quizzes/{stem}.yml"
    n = len(_questions(bank))
    assert 3 <= n <= 5, f"{bank.name}: {n} questions; a chapter's self-check has 3 to 5"
    cells = [c for c in _code_cells(page) if f'load_quiz("{stem}")' in "".join(c["source"])]
    assert cells, f"{page.rel}: no cell shows load_quiz(\"{stem}\")"
    assert all("remove-input" in c["metadata"].get("tags", []) for c in cells), \
        f"{page.rel}: the self-check cell must be tagged remove-input (no code above a quiz)"


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.rel)
def test_code_is_hidden_by_default(page) -> None:
    shown = [i for i, c in enumerate(_code_cells(page))
             if not {"hide-input", "remove-input", "remove-cell"} & set(c["metadata"].get("tags", []))]
    assert not shown, f"{page.rel}: code cells {shown} would show their code to readers"


# --- takeaways and reading time ----------------------------------------------------------------

@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.rel)
def test_chapter_ends_with_a_takeaways_box(page) -> None:
    text = page.markdown()
    boxes = [m for m in ADMONITION.finditer(text) if m.group("title").strip() == "Takeaways"
             and "takeaways" in m.group("opts")]
    assert boxes, f"{page.rel}: no Takeaways box (admonition 'Takeaways' with :class: takeaways)"
    items = re.findall(r"^\s*[-*]\s+\S", boxes[-1].group("body"), re.M)
    assert 3 <= len(items) <= 5, f"{page.rel}: Takeaways has {len(items)} items; 3 to 5"
    assert boxes[-1].start() > text.find("## Summary") > 0, f"{page.rel}: Takeaways comes after ## Summary"


def test_reading_time_rounds_at_one_rate() -> None:
    assert WORDS_PER_MINUTE == 200
    assert reading_minutes(0) == 5 and reading_minutes(3000) == 15 and reading_minutes(5200) == 25
    with pytest.raises(ValueError):
        reading_minutes(-1)
    assert stated_minutes("Reading time: about 20 minutes.") == 20 and stated_minutes("an hour") is None


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.rel)
def test_stated_reading_time_follows_from_the_word_count(page) -> None:
    text = page.markdown()
    stated = stated_minutes(text)
    expected = reading_minutes(prose_words(text))
    assert stated == expected, (f"{page.rel}: states {stated} minutes; {prose_words(text)} words at "
                                f"{WORDS_PER_MINUTE}/min give {expected} (run tools/reading_time.py --fix)")


def test_parts_are_numbered_as_the_pages_name_them() -> None:
    parts = {p.part for p in pages() if p.part}
    numbered = [p for p in parts if p.startswith(NUMBERED_PARTS)]
    assert len(numbered) == 5, f"the sidebar's parts must be numbered Part I–V: {sorted(parts)}"
