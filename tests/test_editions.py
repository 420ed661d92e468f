"""Two editions from one source. Both show each worked solution collapsed under its exercise
("Try it first, then open"); only the facilitator edition has the facilitator notes, the
facilitator guide and the session plans."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import Build
from course import pages
from test_build import broken_internal_links, images_without_alt

from coursekit.sphinx_ext import SOLUTION_TITLE, solution_title_text


@pytest.fixture(scope="module")
def facilitator(facilitator_build: Build) -> Path:
    result = facilitator_build
    assert result.returncode == 0, result.log[-4000:] + result.reports()[-4000:]
    warnings = result.warnings()
    assert not warnings, warnings[:20]
    return result.html


def test_facilitator_edition_has_guide_and_plans(facilitator: Path) -> None:
    assert (facilitator / "facilitator" / "guide.html").exists()
    assert (facilitator / "facilitator" / "session-plans.html").exists()


_SOLUTION = re.compile(r"```\{solution\}\s+(\S+)")
_SOLUTION_TITLE_HTML = re.compile(
    r'<div class="solution[^"]*"[^>]*>\s*<(?:p|h\d)[^>]*class="admonition-title"[^>]*>(.*?)</', re.S)


def test_solutions_show_in_both_editions_under_try_it_first(facilitator: Path, built_html: Path) -> None:
    """Worked solutions sit under their exercises in both editions, titled for self-study."""
    with_solutions = [p for p in pages() if _SOLUTION.search(p.markdown())]
    assert with_solutions, "at least one page carries its worked solutions inline"
    for p in with_solutions:
        html_path = Path(p.rel).with_suffix(".html")
        for edition in (built_html, facilitator):
            html = (edition / html_path).read_text(encoding="utf-8")
            for target in _SOLUTION.findall(p.markdown()):
                assert f'id="{target}"' in html, f"{p.rel}: exercise {target} missing"
            titles = _SOLUTION_TITLE_HTML.findall(html)
            assert len(titles) == len(_SOLUTION.findall(p.markdown())), f"{p.rel}: a solution is missing"
            for title in titles:
                text = re.sub(r"<[^>]+>", "", title)
                assert text.startswith(SOLUTION_TITLE), f"{p.rel}: solution titled {text!r}"
                assert "Solution to" not in text


def test_untitled_exercise_is_named_by_its_bold_opening() -> None:
    from docutils import nodes

    from coursekit.sphinx_ext import _bold_lead

    named = nodes.container("", nodes.paragraph("", "", nodes.strong("", '"That post hurt me."'),
                                                nodes.Text(" After your trip…")))
    assert _bold_lead(named) == "That post hurt me"
    plain = nodes.container("", nodes.paragraph("", "Write three sentences about the first campaign."))
    assert _bold_lead(plain) == ""


def test_solution_title_names_the_exercise() -> None:
    assert solution_title_text("Exercise 3 (Who decides?)") == "Try it first, then open: Exercise 3 (Who decides?)"
    assert solution_title_text("  ") == SOLUTION_TITLE


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
    index = (built_html / "searchindex.js").read_text(encoding="utf-8")
    assert "facilitator/guide" not in index and "facilitator/session-plans" not in index


def test_facilitator_edition_links_and_images(facilitator: Path) -> None:
    assert not broken_internal_links(facilitator)
    assert not images_without_alt(facilitator)


def test_learner_footer_links_to_the_facilitator_edition_published_beside_it(
        facilitator: Path, built_html: Path) -> None:
    """Every learner page links to the facilitator edition's home, as deployed at /facilitator/;
    the facilitator edition does not link to itself."""
    import re

    bad = []
    for page in built_html.rglob("*.html"):
        if {"_static", "_sources", "reports", "ar"} & set(page.relative_to(built_html).parts) \
                or page.name == "index.html":
            continue
        hrefs = re.findall(r'<a class="course-edition-link" href="([^"]+)">Facilitator edition',
                           page.read_text())
        # resolve as the deploy workflow lays the site out: learner at /, facilitator at /facilitator/
        root = built_html.resolve()
        if not any((page.parent / h).resolve() == root / "facilitator" / "intro.html" for h in hrefs):
            bad.append(page.relative_to(built_html).as_posix())
    assert not bad, f"learner pages without a working facilitator-edition link: {bad[:10]}"
    assert (facilitator / "intro.html").is_file()
    assert "course-edition-link" not in (facilitator / "intro.html").read_text()
