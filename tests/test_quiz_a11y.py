"""Quizzes for screen readers and checkers: live regions that exist before the first answer,
named groups with a real submit button, and the same feedback in a notebook as on the site.

The browser tests use the session build and server (tests/conftest.py) and Debian's Chromium;
without Chromium they fail with the package to install.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coursekit.quiz import SCRIPT_MARK, QuizView, load_quiz, quiz_script

ROOT = Path(__file__).resolve().parent.parent
HTMLCS = ROOT / "tools" / "a11y" / "node_modules" / "@pa11y" / "html_codesniffer" / "build" / "HTMLCS.js"
QUIZ_PAGE = "exercises/ism-in-context.html"

BANK = """
title: Test quiz
questions:
  - id: q1
    prompt: Which is right?
    choices:
      - text: This one
        correct: true
        feedback: Because this one is the right answer here, for a reason.
      - text: That one
        feedback: That one misses the point entirely, as the chapter explains.
  - id: q2
    prompt: And this one?
    choices:
      - text: First
        feedback: The first choice overlooks what the chapter said about it.
      - text: Second
        correct: true
        feedback: The second choice matches what the chapter describes here.
"""


def view(tmp_path: Path) -> QuizView:
    bank = tmp_path / "t.yml"
    bank.write_text(BANK, encoding="utf-8")
    return load_quiz("t", bank).show()


# --- the HTML, without a browser ---------------------------------------------------------------

def test_quiz_is_a_named_form_of_question_groups_with_a_submit_button(tmp_path: Path) -> None:
    html = view(tmp_path)._repr_html_()
    form = re.match(r"<form [^>]*>", html).group(0)  # type: ignore[union-attr]
    assert 'aria-label="Test quiz"' in form
    assert "role=" not in form  # a form may not be given the group role (Nu HTML checker)
    assert html.count('<button type="submit" class="quiz-submit">Check my answers</button>') == 1
    assert html.count("<fieldset><legend>") == 2


def test_live_regions_are_rendered_empty_and_never_hidden(tmp_path: Path) -> None:
    html = view(tmp_path)._repr_html_()
    regions = re.findall(r'<(div|p) class="(quiz-status|quiz-summary)" role="status" aria-live="polite">'
                         r'(.*?)</\1>', html)
    assert [r[1] for r in regions] == ["quiz-status", "quiz-status", "quiz-summary"]
    assert all(r[2] in ("", '<p class="quiz-feedback"></p>') for r in regions)
    assert "hidden" not in re.sub(r"<script.*?</script>", "", html, flags=re.S)


def test_quiz_carries_the_site_script_once_guarded(tmp_path: Path) -> None:
    html = view(tmp_path)._repr_html_()
    script = quiz_script()
    assert script and "if (window.courseQuiz) return;" in script
    assert html.count(f"<script {SCRIPT_MARK}>") == 1 and script.strip()[:40] in html


def test_a_quiz_without_the_script_still_renders_its_questions(tmp_path: Path, monkeypatch) -> None:
    import coursekit.quiz as quiz
    monkeypatch.setattr(quiz, "QUIZ_SCRIPT", tmp_path / "missing.js")
    quiz.quiz_script.cache_clear()
    try:
        html = view(tmp_path)._repr_html_()
    finally:
        quiz.quiz_script.cache_clear()
    assert "<script" not in html and "Which is right?" in html


# --- in the browser ------------------------------------------------------------------------------



def _status_nodes(page) -> list[dict[str, object]]:
    """The accessibility tree's live status regions of the page's first quiz, in order."""
    cdp = page.context.new_cdp_session(page)
    tree = cdp.send("Accessibility.getFullAXTree")["nodes"]
    by_id = {n["nodeId"]: n for n in tree}
    found = []

    def collect(n: dict, text: list[str]) -> None:
        if n.get("role", {}).get("value") in ("StaticText", "text") and not n.get("ignored"):
            text.append(str(n.get("name", {}).get("value", "")))
        for child in n.get("childIds", []):
            if child in by_id:
                collect(by_id[child], text)

    for node in tree:
        if node.get("ignored") or node.get("role", {}).get("value") != "status":
            continue
        text: list[str] = []
        collect(node, text)
        props = {p["name"]: p["value"].get("value") for p in node.get("properties", [])}
        found.append({"live": props.get("live"), "text": "".join(text).strip()})
    return found


def test_live_regions_are_in_the_accessibility_tree_before_the_first_answer(browser, site_url: str) -> None:
    page = browser.new_page()
    page.goto(f"{site_url}/{QUIZ_PAGE}", wait_until="networkidle")
    questions = page.locator("form.course-quiz fieldset").count()
    before = _status_nodes(page)
    quiz_regions = [n for n in before if n["live"] == "polite"]
    assert len(quiz_regions) >= questions + 1, before  # one per question and the summary
    assert all(n["text"] == "" for n in quiz_regions)
    first = page.locator("form.course-quiz fieldset").first
    first.locator("input[data-correct=false]").first.check()
    after = _status_nodes(page)
    spoken = [n["text"] for n in after if n["text"]]
    assert len(spoken) == 1 and str(spoken[0]).startswith("Not quite.")
    page.close()


def test_check_my_answers_sums_up_and_names_unanswered_questions(browser, site_url: str) -> None:
    page = browser.new_page()
    page.goto(f"{site_url}/{QUIZ_PAGE}", wait_until="networkidle")
    form = page.locator("form.course-quiz").first
    total = form.locator("fieldset").count()
    form.locator("fieldset").first.locator("input[data-correct=true]").check()
    url = page.url
    form.get_by_role("button", name="Check my answers").click()
    summary = form.locator(".quiz-summary")
    expected = f"1 of {total} answers right." if total > 1 else "1 of 1 answer right."
    assert summary.inner_text().startswith(expected)
    if total > 1:
        assert "Not answered yet: question" in summary.inner_text() and " 2" in summary.inner_text()
    assert page.url == url  # the page did not submit anywhere
    page.close()


def test_html_codesniffer_finds_no_quiz_form_errors(browser, site_url: str) -> None:
    """pa11y's checker (HTML_CodeSniffer, WCAG2AA): no error on any quiz element (H32.2 etc.)."""
    if not HTMLCS.is_file():
        pytest.fail("HTML_CodeSniffer is missing: run `npm ci --prefix tools/a11y`")
    page = browser.new_page()
    page.goto(f"{site_url}/{QUIZ_PAGE}", wait_until="networkidle")
    page.add_script_tag(path=str(HTMLCS))
    errors = page.evaluate("""() => new Promise(done => {
      HTMLCS.process('WCAG2AA', document, () => {
        done(HTMLCS.getMessages().filter(m => m.type === HTMLCS.ERROR && m.element.closest &&
          m.element.closest('.course-quiz')).map(m => m.code + ': ' + m.element.outerHTML.slice(0, 80)));
      });
    })""")
    assert errors == []
    page.close()


def test_the_site_binds_quiz_feedback_once(browser, site_url: str) -> None:
    """The page's quiz.js binds; the notebook copy of the script is stripped from site pages."""
    page = browser.new_page()
    page.goto(f"{site_url}/{QUIZ_PAGE}", wait_until="networkidle")
    assert page.locator(f"script[{SCRIPT_MARK}]").count() == 0
    assert page.evaluate("window.courseQuiz === true")
    fs = page.locator("form.course-quiz fieldset").first
    fs.locator("input[data-correct=true]").check()
    assert fs.locator(".quiz-feedback").inner_text().startswith("Correct.")
    page.close()
