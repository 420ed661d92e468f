"""`make pdf`: every chapter handout and the whole-course PDF open, have pages and carry their titles."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from course import ROOT, pages
from pypdf import PdfReader

sys.path.insert(0, str(ROOT / "tools"))
import make_pdf  # noqa: E402


@pytest.fixture(scope="module")
def pdfs(built_html: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pdf")
    assert make_pdf.main(["--html", str(built_html), "--out", str(out)]) == 0
    return out


def _title(page) -> str:
    m = re.search(r"^#\s+(.+)$", page.markdown(), re.M)
    assert m, f"{page.rel} has no title"
    return re.sub(r"[*_`]", "", m.group(1)).strip()


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'")).lower()


@pytest.mark.parametrize("page", [p for p in pages() if p.rel.startswith("chapters/")],
                         ids=lambda p: p.rel)
def test_chapter_handout_has_its_title(pdfs: Path, page) -> None:
    reader = PdfReader(str(pdfs / f"{page.path.stem}.pdf"))
    assert len(reader.pages) >= 1
    first = _norm(reader.pages[0].extract_text())
    assert _norm(_title(page)) in first


def test_whole_course_pdf(pdfs: Path) -> None:
    reader = PdfReader(str(pdfs / "solidarity-in-practice.pdf"))
    handouts = [p for p in pdfs.glob("*.pdf") if p.name != "solidarity-in-practice.pdf"]
    assert len(reader.pages) >= len(handouts) > 10
    text = _norm(" ".join(reader.pages[i].extract_text() for i in range(min(3, len(reader.pages)))))
    assert "solidarity in practice" in text
