"""`make pdf`: handouts and the whole-course PDF work on paper.

Every page of every PDF carries its page number and a running header with the course and
chapter title; no text runs past the margins; each handout ends with the sources it cites and,
where it has self-check questions, an answer key; the whole-course PDF has a title page, a
contents page with page numbers, a bookmark for every chapter, and is tagged.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest
from course import ROOT, pages
from pypdf import PdfReader

sys.path.insert(0, str(ROOT / "tools"))
import make_pdf  # noqa: E402

PT_PER_MM = 72 / 25.4
SIDE_MARGIN = 16 * PT_PER_MM  # make_pdf.MARGIN's left and right margins
TOLERANCE = 2.0  # points: glyph side bearings


@pytest.fixture(scope="module")
def pdfs(built_html: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pdf")
    # in processes of their own, as `make pdf` runs it (and so that the session's Playwright
    # browser, already open in this process, does not collide with the tool's own): the
    # handouts and the whole-course PDF are printed at the same time, by two processes
    tool = [sys.executable, str(ROOT / "tools" / "make_pdf.py"), "--html", str(built_html), "--out", str(out)]
    jobs = [subprocess.Popen([*tool, flag], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for flag in ("--no-course", "--no-handouts")]
    for job in jobs:
        _, err = job.communicate()
        assert job.returncode == 0, err[-3000:]
    return out


def _title(page) -> str:
    m = re.search(r"^#\s+(.+)$", page.markdown(), re.M)
    assert m, f"{page.rel} has no title"
    return re.sub(r"[*_`]", "", m.group(1)).strip()


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("\u00a0", " ")).strip().lower()


def page_texts(pdf: Path) -> list[str]:
    """The text of every page, as pdftotext (poppler) reads it."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    texts = out.split("\f")
    return texts[:-1] if texts and not texts[-1].strip() else texts


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>')
_PAGE = re.compile(r'<page width="([\d.]+)" height="[\d.]+">(.*?)</page>', re.S)


def words_outside_margins(pdf: Path) -> list[tuple[int, str, float, float]]:
    """Words whose box crosses the left or right margin: (page, word, xMin, xMax)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    bad = []
    for number, (width, body) in enumerate(_PAGE.findall(out), start=1):
        right = float(width) - SIDE_MARGIN + TOLERANCE
        for x0, x1, word in _WORD.findall(body):
            if float(x0) < SIDE_MARGIN - TOLERANCE or float(x1) > right:
                bad.append((number, word, float(x0), float(x1)))
    return bad


CHAPTERS = [p for p in pages() if p.rel.startswith(("chapters/", "exercises/"))]


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.rel)
def test_handout_pages_have_number_and_running_header(pdfs: Path, page) -> None:
    texts = page_texts(pdfs / f"{page.path.stem}.pdf")
    title = _norm(_title(page))
    assert title in _norm(texts[0])
    for number, text in enumerate(texts, start=1):
        flat = _norm(text)
        assert f"page {number} of {len(texts)}" in flat, f"page {number} has no page number"
        head = _norm(" ".join(text.strip().splitlines()[:2]))
        assert "solidarity in practice" in head and title in head, f"page {number}: header {head!r}"


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.rel)
def test_no_text_cut_at_the_margin(pdfs: Path, page) -> None:
    bad = words_outside_margins(pdfs / f"{page.path.stem}.pdf")
    assert not bad, f"text beyond the margins: {bad[:5]}"


def _cited_entries(built_html: Path, rel: str) -> list[str]:
    """The reference-list text of every source a built page cites."""
    page = (built_html / rel).with_suffix(".html").read_text(encoding="utf-8")
    ids = set(re.findall(r'href="[^"]*references\.html#([^"]+)"', page))
    refs = (built_html / "appendices" / "references.html").read_text(encoding="utf-8")
    entries = []
    for ident in sorted(ids):
        m = re.search(rf'<div class="citation" id="{re.escape(ident)}"[^>]*>(.*?)</div>', refs, re.S)
        if m:
            text = html.unescape(re.sub(r"<[^>]+>", "", m.group(1)))
            entries.append(re.sub(r"^\s*\[\s*\d+\s*\]\s*", "", text))  # without the list's number
    return entries


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.rel)
def test_handout_ends_with_its_references(pdfs: Path, built_html: Path, page) -> None:
    entries = _cited_entries(built_html, page.rel)
    if not entries:
        pytest.skip(f"{page.rel} cites nothing")
    text = _norm(" ".join(page_texts(pdfs / f"{page.path.stem}.pdf")))
    refs = text.rsplit("references the sources this chapter cites", 1)
    assert len(refs) == 2, "no reference list at the end"
    # letters and digits only: pdftotext reorders right-to-left script and varies punctuation
    squashed = re.sub(r"[^a-z0-9]", "", refs[1])
    for entry in entries:
        start = re.sub(r"[^a-z0-9]", "", _norm(entry))[:30]
        assert start in squashed, f"reference missing: {entry[:80]!r}"


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda p: p.rel)
def test_quizzes_print_as_questions_with_an_answer_key(pdfs: Path, built_html: Path, page) -> None:
    html = (built_html / page.rel).with_suffix(".html").read_text(encoding="utf-8")
    questions = len(re.findall(r"<legend\b", html))
    if "course-quiz" not in html:
        pytest.skip(f"{page.rel} has no self-check")
    text = _norm(" ".join(page_texts(pdfs / f"{page.path.stem}.pdf")))
    # the site's instruction, unless the page itself says it is for the website
    assert not re.search(r"(?<!on the website, )choose an answer to see", text)
    assert "answer key" in text
    key = text.rsplit("answer key", 1)[1]
    for n in range(1, questions + 1):
        assert f"question {n}." in text, f"question {n} not numbered"
        assert f"question {n}:" in key, f"question {n} missing from the answer key"


def test_whole_course_pdf(pdfs: Path) -> None:
    pdf = pdfs / make_pdf.COURSE_PDF
    reader = PdfReader(str(pdf))
    texts = page_texts(pdf)
    assert len(texts) == len(reader.pages) > 50
    assert "solidarity in practice" in _norm(texts[0]), "no title page"
    assert "contents" in _norm(texts[1])
    # tagged for screen readers: a structure tree and the Marked flag
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    # a bookmark for every page of the book, pointing where the contents page says
    outline = {_norm(str(o.title)): reader.get_destination_page_number(o) + 1
               for o in reader.outline if not isinstance(o, list)}
    contents = _norm(" ".join(texts[1:3]))
    for page in pages():
        title = _norm(_title(page))
        assert title in outline, f"no bookmark for {title!r}"
        assert f"{title} {outline[title]}" in re.sub(r"\s+", " ", contents), f"contents: {title!r}"
        start = texts[outline[title] - 1]
        assert title in _norm(" ".join(start.strip().splitlines()[:2])), f"header on {title!r}"
    for number, text in enumerate(texts[1:], start=2):
        assert f"page {number} of {len(texts)}" in _norm(text), f"page {number} has no number"
    assert not words_outside_margins(pdf)[:1]


def test_running_header_escapes_quotes() -> None:
    css = make_pdf.running_header_css("c1", 'Say "no"\\')
    assert '@page c1' in css and 'content: "Say \\"no\\"\\\\"' in css


def test_fix_outline_restores_spaces_and_undoubles() -> None:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.add_outline_item(title="The InternationalSolidarity", page_number=0)
    writer.add_outline_item(title="ConsensusConsensus", page_number=0)
    writer.add_outline_item(title="Unknown heading", page_number=0)
    buf = io.BytesIO()
    writer.write(buf)
    fixed = PdfReader(io.BytesIO(make_pdf.fix_outline(buf.getvalue(), ["The International Solidarity",
                                                                      "Consensus"])))
    assert [str(o.title) for o in fixed.outline] == ["The International Solidarity", "Consensus",
                                                     "Unknown heading"]


def test_make_pdf_refuses_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert make_pdf.main(["--html", str(tmp_path), "--out", str(tmp_path / "pdf")]) == 2
    assert "no built site" in capsys.readouterr().err
    (tmp_path / "index.html").write_text("<p>x</p>", encoding="utf-8")
    assert make_pdf.main(["--html", str(tmp_path), "--pages", "chapters/nope"]) == 2
    assert "not in _toc.yml" in capsys.readouterr().err
    assert make_pdf.main(["--html", str(tmp_path), "--pages", "chapters/consensus",
                          "--out", str(tmp_path / "pdf")]) == 3
    assert "rebuild the site" in capsys.readouterr().err
    assert not (tmp_path / "pdf").exists() or not list((tmp_path / "pdf").iterdir())
