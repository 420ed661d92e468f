"""Session packs (`make packs`) and the short route (*Six sessions: the essentials*).

- packs.yml covers every session plan, states a preparation time of at most 30 minutes,
  and names only real sources; bad files are refused with a message.
- Each printed pack opens, carries its title and preparation time, has its cards and the
  debrief questions, and numbers its pages; each key-points handout fits on one page.
- The short route names sections that exist, and its reading fits in 30 minutes at 200
  words a minute, close to the time it states.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from course import ROOT
from pypdf import PdfReader

sys.path.insert(0, str(ROOT / "tools"))
import make_packs  # noqa: E402
from make_pdf import PrintError  # noqa: E402

WORDS_PER_MINUTE = 200
MAX_READING = 30


# --- The short route ------------------------------------------------------------------

def _markdown(chapter: str) -> str:
    path = ROOT / "chapters" / f"{chapter}.ipynb"
    if path.exists():
        nb = json.loads(path.read_text(encoding="utf-8"))
        return "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    return (ROOT / "chapters" / f"{chapter}.md").read_text(encoding="utf-8")


def section_words(chapter: str, title: str) -> int:
    """Words in a chapter's section (heading to the next heading of the same or a higher level)."""
    text = _markdown(chapter)
    heads = [(m.start(), len(m.group(1)), m.group(2).strip())
             for m in re.finditer(r"^(#{1,6})\s+(.+?)\s*$", text, re.M)]
    for i, (pos, level, name) in enumerate(heads):
        if re.sub(r"[*_`]", "", name) == title:
            end = next((p for p, lv, _ in heads[i + 1:] if lv <= level), len(text))
            body = re.sub(r"\{[a-z:]+\}`[^`]*`", "", text[pos:end])          # citations, roles
            body = re.sub(r"^(```|:::|:[a-z-]+:).*$", "", body, flags=re.M)  # directive lines
            return len(re.findall(r"[\w’'-]+", body))
    raise AssertionError(f"chapters/{chapter} has no section '{title}'")


def essentials_reading() -> list[tuple[str, int, list[tuple[str, str]]]]:
    """(session, stated minutes, [(chapter, section)]) for each session of the short route."""
    text = (ROOT / "chapters" / "essentials.md").read_text(encoding="utf-8")
    sessions = []
    for block in re.split(r"(?m)^(?=## Session )", text)[1:]:
        title = block.splitlines()[0][3:].strip()
        m = re.search(r"\*\*Read \(about (\d+) minutes\)\.\*\*(.*?)(?:\n\n)", block, re.S)
        assert m, f"{title}: no 'Read (about N minutes)' paragraph"
        named = []
        for chapter, names in re.findall(r"In\s+\{doc\}`([^`]+)`:(.*?)(?=In\s+\{doc\}|$)", m.group(2),
                                     re.S):
            named += [(chapter, " ".join(n.split())) for n in re.findall(r"\*([^*]+)\*", names)]
        sessions.append((title, int(m.group(1)), named))
    return sessions


def test_the_short_route_has_six_sessions_with_activity_self_check_and_key_points() -> None:
    text = (ROOT / "chapters" / "essentials.md").read_text(encoding="utf-8")
    blocks = re.split(r"(?m)^(?=## Session )", text)[1:]
    assert len(blocks) == 6
    for block in blocks:
        title = block.splitlines()[0]
        assert "**Activity.**" in block and "**Self-check.**" in block, title
        assert re.search(r"\*\*Debrief\.\*\*.*?\n\n1\. ", block, re.S), f"{title}: numbered debrief questions"
        assert block.count(":class: key-points") == 1, f"{title}: one key-points handout"
        assert "{cite}" in block, f"{title}: key points cite their sources"


@pytest.mark.parametrize("session", essentials_reading(), ids=lambda s: s[0])
def test_essentials_reading_fits_in_thirty_minutes(session) -> None:
    title, stated, named = session
    assert named, f"{title}: names no sections"
    words = sum(section_words(ch, name) for ch, name in named)
    minutes = words / WORDS_PER_MINUTE
    assert minutes <= MAX_READING, f"{title}: {words} words is {minutes:.0f} minutes"
    assert abs(minutes - stated) <= 5, f"{title}: states {stated} minutes, reading is {minutes:.0f}"


def test_section_words_rejects_a_missing_section() -> None:
    with pytest.raises(AssertionError, match="no section"):
        section_words("consensus", "A section that does not exist")
    assert section_words("consensus", "Hand signals") > 50


# --- packs.yml --------------------------------------------------------------------------

def test_every_plan_has_a_pack_with_prep_time_within_thirty_minutes() -> None:
    data = make_packs.load_packs()
    assert set(data["plans"]) == set(make_packs.plan_titles())
    for title, pack in data["plans"].items():
        assert make_packs.prep_minutes(pack["prep"]) <= make_packs.MAX_PREP, title
        assert pack.get("cards"), f"{title}: a pack with nothing to print"
    keys = sorted({k for p in data["plans"].values() for c in p["cards"] for k in make_packs.card_keys(c)})
    assert set(make_packs.source_labels(keys)) == set(keys)


def test_plans_follow_the_training_for_change_shape() -> None:
    text = make_packs.PLANS.read_text(encoding="utf-8")
    for block in re.split(r"(?m)^(?=## )", text)[1:]:
        title = block.splitlines()[0]
        labels = re.findall(r"^\*\*(Goals|Time|Materials|Preparation|How it's done|Debrief)\b", block, re.M)
        assert labels == ["Goals", "Time", "Materials", "Preparation", "How it's done", "Debrief"], title
        assert re.search(r"\*\*Debrief\.\*\*.*?\n\n1\. ", block, re.S), f"{title}: numbered debrief questions"


@pytest.mark.parametrize("bad, message", [
    ("plans: []\n", "needs a 'plans' mapping"),
    ("plans: {}\n", "no pack for the plan"),
    ("plans:\n  Start here:\n    prep: [[Read, 45]]\n    cards: []\nessentials:\n  prep: [[Read, 5]]\n",
     "preparation takes 45 minutes"),
    ("plans:\n  Start here:\n    prep: [[Read, 5]]\n    cards: [{kind: poster, title: X, text: y}]\n"
     "essentials:\n  prep: [[Read, 5]]\n", "card kind 'poster'"),
    ("plans:\n  Start here:\n    prep: [[Read, 5]]\n    cards: [{kind: handout, title: X}]\n"
     "essentials:\n  prep: [[Read, 5]]\n", "exactly one of"),
    ("plans: [unclosed\n", "cannot read"),
])
def test_bad_packs_file_is_refused(tmp_path: Path, bad: str, message: str) -> None:
    path = tmp_path / "packs.yml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(PrintError, match=re.escape(message)) as err:
        make_packs.load_packs(path, plans=["Start here"])
    assert err.value.code == 2


def test_unknown_source_is_refused() -> None:
    with pytest.raises(PrintError, match="not in references.bib"):
        make_packs.source_labels(["no-such-key-2099"])


def test_make_packs_needs_the_facilitator_edition(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert make_packs.main(["--html", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert "make facilitator" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# --- The printed packs ------------------------------------------------------------------

@pytest.fixture(scope="module")
def packs(facilitator_html: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("packs")
    # in a process of its own, as `make packs` runs it (the session's Playwright browser is open here)
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "make_packs.py"), "--html",
                           str(facilitator_html), "--out", str(out)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def _texts(pdf: Path, layout: bool = True) -> list[str]:
    """Each page's text; ``layout=False`` keeps reading order (cards side by side stay apart)."""
    mode = ["-layout"] if layout else []
    out = subprocess.run(["pdftotext", *mode, str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout.split("\f")
    return out[:-1] if out and not out[-1].strip() else out


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip().lower()


PLANS = list(make_packs.load_packs()["plans"].items())


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p[0])
def test_each_plan_pack_prints_plan_cards_and_debrief(packs: Path, plan) -> None:
    title, spec = plan
    pdf = packs / f"pack-{make_packs.slug(title)}.pdf"
    reader = PdfReader(str(pdf))
    texts = _texts(pdf)
    assert len(reader.pages) == len(texts) >= 3
    assert _norm(f"session pack: {title}") in _norm(texts[0])
    minutes = make_packs.prep_minutes(spec["prep"])
    assert f"preparation time: {minutes} minutes" in _norm(texts[0])
    everything = _norm(" ".join(_texts(pdf, layout=False)))
    for card in spec["cards"]:
        assert _norm(card["title"]) in everything, f"card '{card['title']}' missing"
    assert "debrief questions" in everything
    for number, text in enumerate(texts, start=1):
        assert f"page {number} of {len(texts)}" in _norm(text)


@pytest.mark.parametrize("number", range(1, 7))
def test_essentials_packs_and_one_page_key_points(packs: Path, number: int) -> None:
    title = make_packs.essentials_sessions()[number - 1]
    texts = _texts(packs / f"pack-essentials-{number}.pdf")
    assert _norm(f"session pack: {title}") in _norm(texts[0])
    assert "debrief questions" in _norm(" ".join(texts))
    key_points = packs / f"key-points-{number}.pdf"
    assert len(PdfReader(str(key_points)).pages) == 1, "the key-points handout must fit on one page"
    assert _norm("key points: " + title.split(": ", 1)[1]) in _norm(_texts(key_points)[0])
