"""Every built page in a real browser (Playwright driving Debian's Chromium).

Without Chromium these tests FAIL with the package to install; they never skip.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: the browser tests need Debian's 'chromium' package "
                    "(sudo apt-get update && sudo apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


class Visit:
    """A page opened with every request off localhost blocked and recorded."""

    def __init__(self, browser, url: str, color_scheme: str = "light") -> None:
        self.context = browser.new_context(color_scheme=color_scheme)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.remote: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)
        self.page.goto(url, wait_until="networkidle")

    def _route(self, route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in ("data", "blob") or urlsplit(url).hostname in LOCAL:
            route.continue_()
        else:
            self.remote.append(url)
            route.abort()

    def close(self) -> None:
        self.context.close()


def _pages(html: Path) -> list[str]:
    return sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html")
                  if not {"_static", "_sources", "reports"} & set(p.parts))


def test_every_page_loads_cleanly_and_stays_local(browser, site_url: str, built_html: Path) -> None:
    problems = []
    for rel in _pages(built_html):
        v = Visit(browser, f"{site_url}/{rel}")
        if v.errors:
            problems.append(f"{rel}: console errors {v.errors[:3]}")
        if v.remote:
            problems.append(f"{rel}: requests to other hosts {v.remote[:3]}")
        v.close()
    assert not problems, "\n".join(problems)


def test_search_finds_a_word_from_a_chapter(browser, site_url: str) -> None:
    v = Visit(browser, f"{site_url}/search.html?q=consensus")
    results = v.page.locator("#search-results li")
    results.first.wait_for(timeout=15000)
    assert results.count() > 0
    assert "consensus" in results.first.inner_text().lower() or results.count() > 1
    v.close()


def test_a_quiz_answer_shows_feedback_without_a_kernel(browser, site_url: str) -> None:
    v = Visit(browser, f"{site_url}/exercises/ism-in-context.html")
    quiz = v.page.locator("form.course-quiz fieldset").first
    feedback = quiz.locator(".quiz-feedback")
    assert feedback.inner_text() == ""
    wrong = quiz.locator("input[data-correct=false]").first
    wrong.check()
    assert feedback.inner_text().startswith("Not quite.")
    quiz.locator("input[data-correct=true]").check()
    assert feedback.inner_text().startswith("Correct.")
    assert not v.errors and not v.remote
    v.close()


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_RUN = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return r.violations.map(v => v.id + ' (' + v.impact + '): ' +
    v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
}"""


def _axe_source() -> str:
    import axe_playwright_python
    return (Path(axe_playwright_python.__file__).with_name("axe.min.js")).read_text(encoding="utf-8")


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_every_page_has_no_axe_violations(browser, site_url: str, built_html: Path, mode: str) -> None:
    """axe-core, WCAG 2.0/2.1/2.2 A and AA: zero violations of any impact on every page."""
    axe = _axe_source()
    problems = []
    for rel in _pages(built_html):
        v = Visit(browser, f"{site_url}/{rel}", color_scheme=mode)
        v.page.evaluate(axe)
        violations = v.page.evaluate(AXE_RUN, AXE_TAGS)
        problems += [f"{rel} [{mode}]: {x}" for x in violations]
        v.close()
    assert not problems, "\n".join(problems)


def test_quiz_works_from_the_keyboard(browser, site_url: str) -> None:
    v = Visit(browser, f"{site_url}/exercises/ism-in-context.html")
    first = v.page.locator("form.course-quiz input[type=radio]").first
    for _ in range(200):
        v.page.keyboard.press("Tab")
        if v.page.evaluate("document.activeElement.matches('form.course-quiz input[type=radio]')"):
            break
    else:
        pytest.fail("Tab never reached a quiz answer")
    v.page.keyboard.press("Space")
    fieldset = v.page.locator("form.course-quiz fieldset").first
    assert fieldset.locator(".quiz-feedback").inner_text() != ""
    assert first.is_checked() or fieldset.locator("input:checked").count() == 1
    v.close()


def test_offline_copy_opens_from_disk(browser, built_html: Path, tmp_path: Path) -> None:
    """The zipped site, unpacked anywhere, renders styled pages straight from file://."""
    import zipfile
    with zipfile.ZipFile(built_html / "solidarity-in-practice-offline.zip") as zf:
        zf.extractall(tmp_path)
    site = tmp_path / "solidarity-in-practice"
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    for rel in ("intro.html", "chapters/consensus.html"):
        page.goto((site / rel).as_uri(), wait_until="load")
        font = page.evaluate("getComputedStyle(document.body).fontFamily")
        assert "Times" not in font and font, f"{rel}: the theme's stylesheets did not load from disk"
        assert page.locator("article h1").first.is_visible(), f"{rel}: no visible title"
    assert not errors, errors
    context.close()


CONTROLS = "a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex=\"-1\"])"
MARK_CONTROLS = """(sel) => {
  const visible = el => el.offsetParent !== null && getComputedStyle(el).visibility !== 'hidden'
    && !el.closest('[inert], [aria-hidden=true], dialog:not([open])');
  const els = [...document.querySelectorAll(sel)].filter(visible);
  els.forEach((el, i) => el.dataset.kbd = i);
  return els.length;
}"""


@pytest.mark.parametrize("rel", ["chapters/consensus.html", "exercises/ism-in-context.html"])
def test_keyboard_reaches_every_control(browser, site_url: str, rel: str) -> None:
    """Tabbing through the page focuses every visible link, button and input, in turn."""
    v = Visit(browser, f"{site_url}/{rel}")
    v.page.set_viewport_size({"width": 1400, "height": 900})
    v.page.wait_for_timeout(300)  # let the theme re-mark scrollable blocks after the resize
    total = v.page.evaluate(MARK_CONTROLS, CONTROLS)
    reached: set[str] = set()
    for _ in range(total * 2 + 20):
        v.page.keyboard.press("Tab")
        mark = v.page.evaluate("document.activeElement && document.activeElement.dataset.kbd")
        if mark is not None:
            reached.add(mark)
        if len(reached) == total:
            break
    missed = v.page.evaluate("""(reached) => [...document.querySelectorAll('[data-kbd]')]
        .filter(el => !reached.includes(el.dataset.kbd) && el.getAttribute('tabindex') !== '-1')
        .map(el => el.outerHTML.slice(0, 120))""", sorted(reached))
    # radio buttons in one group share a single tab stop (arrow keys move within the group)
    missed = [m for m in missed if 'type="radio"' not in m]
    assert not missed, f"{rel}: {len(missed)} controls never receive keyboard focus: {missed[:5]}"
    v.close()
