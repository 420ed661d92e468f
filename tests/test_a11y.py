"""Accessibility measured by current, independent tools, on every page (issue 11).

- axe-core (the version pinned in tools/a11y/package-lock.json, at least 4.14), injected by
  Playwright into Debian's Chromium: zero violations of WCAG 2.0/2.1/2.2 A and AA rules, in
  the light and the dark theme;
- pa11y with its HTML_CodeSniffer runner, WCAG2AA: zero errors;
- the Nu HTML checker (vnu-jar, run with the machine's Java): zero errors;
- and the things those tools cannot see: quiz feedback announced (its live region is in the
  accessibility tree before the first answer), quiz questions grouped and submittable, exercise
  titles are headings, search controls named by the words they show.

Each checker is also run on a small page with known faults, so a silent checker cannot pass.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import browser_pages, serve, site_pages
from test_browser import Visit

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_RUN = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return r.violations.map(v => v.id + ' (' + v.impact + '): ' +
    v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '));
}"""
#: A page with one fault for each checker: an image without alt text (axe, pa11y), a duplicate
#: id and a paragraph inside a summary (Nu checker), a form without a submit button (pa11y).
FAULTY = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Faulty</title></head>
<body><main><h1>Faulty</h1><img src="x.png"><p id="a">one</p><p id="a">two</p>
<details><summary><p>more</p></summary>text</details>
<form><label>Name <input name="n"></label></form></main></body></html>
"""


def _axe_source(tools: Path) -> str:
    return (tools / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")


def test_axe_core_is_current_and_pinned(a11y_tools: Path) -> None:
    lock = json.loads((a11y_tools / "package-lock.json").read_text(encoding="utf-8"))
    pinned = lock["packages"]["node_modules/axe-core"]["version"]
    installed = json.loads((a11y_tools / "node_modules" / "axe-core" / "package.json").read_text())["version"]
    assert installed == pinned
    assert tuple(int(x) for x in pinned.split(".")[:2]) >= (4, 14), pinned


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_every_page_has_no_axe_violations(browser, a11y_tools: Path, site_url: str, built_html: Path,
                                          mode: str) -> None:
    """axe-core, WCAG 2.0/2.1/2.2 A and AA: zero violations of any impact on every page."""
    problems = axe_problems(browser, _axe_source(a11y_tools), site_url, browser_pages(built_html), mode)
    assert not problems, "\n".join(problems)


def axe_problems(browser, axe: str, url: str, pages: list[str], mode: str) -> list[str]:
    """axe-core's violations on each of ``pages`` under ``url``, in one tab (fast), light or dark."""
    problems = []
    context = browser.new_context(color_scheme=mode)
    page = context.new_page()
    for rel in pages:
        page.goto(f"{url}/{rel}", wait_until="load")
        page.evaluate(axe)
        problems += [f"{rel} [{mode}]: {x}" for x in page.evaluate(AXE_RUN, AXE_TAGS)]
    context.close()
    return problems


def test_axe_reports_a_faulty_page(browser, a11y_tools: Path, tmp_path: Path) -> None:
    (tmp_path / "faulty.html").write_text(FAULTY, encoding="utf-8")
    with serve(tmp_path) as url:
        v = Visit(browser, f"{url}/faulty.html")
        v.page.evaluate(_axe_source(a11y_tools))
        found = v.page.evaluate(AXE_RUN, AXE_TAGS)
        v.close()
    assert any(x.startswith("image-alt") for x in found), found


def test_every_page_has_no_pa11y_errors(a11y_tools: Path, site_url: str, built_html: Path,
                                        tmp_path: Path) -> None:
    """pa11y (HTML_CodeSniffer, WCAG2AA) on every page, plus a faulty control page."""
    (tmp_path / "faulty.html").write_text(FAULTY, encoding="utf-8")
    pages = site_pages(built_html)
    with serve(tmp_path) as control:
        proc = subprocess.run(["node", "pa11y-pages.mjs", site_url, *pages, f"{control}/faulty.html"],
                              cwd=a11y_tools, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = json.loads(proc.stdout)
    faulty = found.pop(f"{control}/faulty.html")
    codes = {i["code"].split(".")[-2] + "." + i["code"].split(".")[-1] for i in faulty}
    assert any("H37" in c for c in codes) and any("H32" in c for c in codes), codes
    assert set(found) == set(pages)
    problems = [f"{rel}: {i['code'].split('.', 3)[-1]}: {i['selector']}: {i['message'][:120]}"
                for rel, issues in found.items() for i in issues]
    assert not problems, f"{len(problems)} pa11y errors:\n" + "\n".join(problems[:60])


def test_every_page_is_valid_html(a11y_tools: Path, built_html: Path, tmp_path: Path) -> None:
    """The Nu HTML checker (vnu-jar, with Java) finds no error on any page, and finds the
    faults of the control page."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is missing: the Nu HTML checker needs it (sudo apt-get install -y default-jre-headless)")
    jar = a11y_tools / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    faulty = tmp_path / "faulty.html"
    faulty.write_text(FAULTY, encoding="utf-8")
    pages = [built_html / rel for rel in site_pages(built_html)]
    proc = subprocess.run([java, "-jar", str(jar), "--errors-only", "--format", "json",
                           *map(str, pages), str(faulty)],
                          capture_output=True, text=True, timeout=300, check=False)
    report = json.loads(proc.stderr or proc.stdout)
    errors = [m for m in report["messages"] if m.get("type") == "error"]
    control = [m["message"] for m in errors if m.get("url", "").endswith("/faulty.html")]
    assert any("Duplicate ID" in m for m in control) and any("summary" in m for m in control), control
    problems = [f"{m['url'].split(str(built_html))[-1]}:{m.get('lastLine')}: {m['message'][:160]}"
                for m in errors if not m.get("url", "").endswith("/faulty.html")]
    assert not problems, f"{len(problems)} HTML errors:\n" + "\n".join(problems[:60])


# --- what the tools cannot see ---------------------------------------------------------------

QUIZ_PAGES = ["exercises/ism-in-context.html", "chapters/consensus.html"]


def _ax_nodes(page) -> list[dict]:
    session = page.context.new_cdp_session(page)
    try:
        return session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()


@pytest.mark.parametrize("rel", QUIZ_PAGES)
def test_quiz_feedback_live_region_is_ready_before_the_first_answer(browser, site_url: str, rel: str) -> None:
    """A screen reader announces a change to a live region it already knows: each question's
    (empty) feedback must be in the accessibility tree before any answer is chosen."""
    v = Visit(browser, f"{site_url}/{rel}")
    questions = v.page.locator(".course-quiz fieldset").count()
    assert questions > 0, f"{rel}: no quiz"
    live = [n for n in _ax_nodes(v.page) if not n.get("ignored")
            and n.get("role", {}).get("value") == "status"]
    v.close()
    assert len(live) >= questions, f"{rel}: {len(live)} live regions in the tree for {questions} questions"


@pytest.mark.parametrize("rel", QUIZ_PAGES)
def test_quiz_questions_are_groups_that_can_be_submitted(browser, site_url: str, rel: str) -> None:
    """Each quiz is either not a form, or a form with a submit button (pa11y H32.2); each
    question is a named group (fieldset with a legend, or role=group with a name)."""
    v = Visit(browser, f"{site_url}/{rel}")
    report = v.page.evaluate("""() => [...document.querySelectorAll('.course-quiz')].map(q => ({
        form: q.tagName === 'FORM',
        submit: !!q.querySelector('button:not([type=button]):not([type=reset]), input[type=submit], input[type=image]'),
        groups: [...q.querySelectorAll('fieldset, [role=group], [role=radiogroup]')].map(g =>
          !!(g.querySelector(':scope > legend')?.textContent.trim() || g.getAttribute('aria-label')
             || g.getAttribute('aria-labelledby')))}))""")
    v.close()
    assert report, f"{rel}: no quiz"
    for quiz in report:
        assert not quiz["form"] or quiz["submit"], f"{rel}: a quiz <form> without a submit button: {quiz}"
        assert quiz["groups"] and all(quiz["groups"]), f"{rel}: a question is not a named group: {quiz}"


EXERCISE_TITLE = re.compile(r'<div class="(?:exercise|solution)\b[^"]*"[^>]*>\s*<(\w+)[^>]*class="admonition-title"')


def test_exercise_titles_are_headings(built_html: Path) -> None:
    found = 0
    problems = []
    for rel in site_pages(built_html):
        for tag in EXERCISE_TITLE.findall((built_html / rel).read_text(encoding="utf-8")):
            found += 1
            if not re.fullmatch(r"h[2-6]", tag):
                problems.append(f"{rel}: an exercise title is a <{tag}>")
    assert found >= 20, f"only {found} exercises found"
    assert not problems, "\n".join(problems[:20])


def test_search_controls_are_named_by_the_words_they_show(browser, site_url: str) -> None:
    """Every visible search control's accessible name contains its visible text (WCAG 2.5.3)."""
    problems = []
    for width in (390, 1280):
        v = Visit(browser, f"{site_url}/chapters/consensus.html")
        v.page.set_viewport_size({"width": width, "height": 900})
        buttons = v.page.locator(".search-button__button:visible")
        assert buttons.count() > 0
        for i in range(buttons.count()):
            b = buttons.nth(i)
            shown = " ".join(b.inner_text().split())
            name = b.evaluate("""el => el.getAttribute('aria-label') || el.innerText""")
            name = " ".join(name.split())
            if shown and shown.lower() not in name.lower():
                problems.append(f"{width}px: shows {shown!r} but is named {name!r}")
        v.close()
    assert not problems, problems


def test_the_redirect_page_becomes_a_valid_page(tmp_path: Path) -> None:
    """Jupyter Book's bare ``<meta refresh>`` index is rewritten with a doctype, language, the
    course's title and a link; a page that is already complete is left alone."""
    from types import SimpleNamespace

    from coursekit import sphinx_ext

    app = SimpleNamespace(outdir=str(tmp_path), builder=SimpleNamespace(format="html"),
                          config=SimpleNamespace(root_doc="intro"))
    (tmp_path / "intro.html").write_text("<title>Welcome &#8212; A Course</title>", encoding="utf-8")
    (tmp_path / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=intro.html" />\n')
    sphinx_ext._valid_redirect_page(app, None)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert "<title>A Course</title>" in page and '<a href="intro.html">' in page
    sphinx_ext._valid_redirect_page(app, None)
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == page
    sphinx_ext._valid_redirect_page(app, RuntimeError("build failed"))
    (tmp_path / "index.html").write_text("<p>not a redirect</p>", encoding="utf-8")
    sphinx_ext._valid_redirect_page(app, None)
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == "<p>not a redirect</p>"
    # on a clean build there is no index.html yet: the valid page is written from the root document
    (tmp_path / "index.html").unlink()
    sphinx_ext._valid_redirect_page(app, None)
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == page
