"""Two editions from one source: the learner edition hides solutions and facilitator notes;
the facilitator edition shows them, with the facilitator guide and session plans."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import Build, build_book
from course import ROOT, pages
from test_build import broken_internal_links, images_without_alt


@pytest.fixture(scope="module")
def facilitator(book: Build, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("facilitator")
    cache = book.html.parent / ".jupyter_cache"
    if cache.is_dir():  # reuse the learner build's executed notebooks
        shutil.copytree(cache, out / "_build" / ".jupyter_cache")
    result = build_book(out, edition="facilitator")
    assert result.returncode == 0, result.log[-4000:] + result.reports()[-4000:]
    warnings = result.warnings()
    assert not warnings, warnings[:20]
    return result.html


def test_facilitator_edition_has_guide_plans_and_every_solution(facilitator: Path) -> None:
    assert (facilitator / "facilitator" / "guide.html").exists()
    assert (facilitator / "facilitator" / "session-plans.html").exists()
    for sol in (ROOT / "exercises" / "solutions").glob("*.md"):
        assert (facilitator / "exercises" / "solutions" / f"{sol.stem}.html").exists(), sol.name


def test_facilitator_notes_show_only_in_the_facilitator_edition(facilitator: Path, built_html: Path) -> None:
    with_notes = [p for p in pages() if "{only} facilitator" in p.markdown()]
    assert with_notes, "at least one chapter carries facilitator notes"
    for p in with_notes:
        html = Path(p.rel).with_suffix(".html")
        assert "facilitator-note" in (facilitator / html).read_text(encoding="utf-8")
        assert "facilitator-note" not in (built_html / html).read_text(encoding="utf-8")
        assert "Facilitator note" not in (built_html / html).read_text(encoding="utf-8")


def test_learner_edition_has_no_facilitator_pages(built_html: Path) -> None:
    assert not (built_html / "facilitator").exists()
    assert not (built_html / "exercises" / "solutions").exists()
    assert "Worked solutions" not in (built_html / "searchindex.js").read_text(encoding="utf-8")


def test_facilitator_edition_links_and_images(facilitator: Path) -> None:
    assert not broken_internal_links(facilitator)
    assert not images_without_alt(facilitator)
