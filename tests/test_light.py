"""Light pages: the theme's unused CSS is gone, yet every page looks exactly as before.

Uses the session build and browser (tests/conftest.py). The build keeps the untrimmed theme
stylesheets beside the output (coursekit/site_purge.py); here each page is drawn twice, once
with the trimmed stylesheets and once with the originals served in their place, in light and
dark mode, at phone and desktop width, and with the phone menu and a dropdown open: the two
drawings must be identical pixel for pixel. Also: one viewport tag and a description per page.
"""

from __future__ import annotations

import gzip
import html
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from coursekit.site_purge import TOOLS, content_files, description, one_viewport, originals_dir, stylesheets
from coursekit.sphinx_ext import OFFLINE_ZIP, UNUSED_OUTPUT

LOOK_PAGES = ["chapters/consensus.html", "exercises/ism-in-context.html", "appendices/glossary.html"]
STILL = "*,*::before,*::after{transition:none!important;animation:none!important;caret-color:transparent!important}"


def _pages(html_dir: Path) -> list[Path]:
    return sorted(p for p in html_dir.rglob("*.html")
                  if not {"_static", "_sources", "reports", "_images"} & set(p.relative_to(html_dir).parts))


# --- without a browser -----------------------------------------------------------------------------

def test_one_viewport_keeps_the_first_and_only_the_first() -> None:
    page = ('<head><meta name="viewport" content="a"/>\n<title>x</title>\n'
            '<meta name="viewport" content="b"/></head>')
    assert one_viewport(page) == '<head><meta name="viewport" content="a"/>\n<title>x</title></head>'
    single = '<head><meta name="viewport" content="a"/></head>'
    assert one_viewport(single) == single


def test_description_takes_the_first_real_paragraph_and_shortens_it() -> None:
    from docutils import nodes
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser
    from docutils.utils import new_document

    doc = new_document("x", get_default_settings(Parser))
    box = nodes.admonition()
    box += nodes.paragraph(text="A box paragraph that must not describe the whole page at all.")
    doc += box
    doc += nodes.paragraph(text="Short.")
    long = ("This chapter is for anyone who will make decisions with a volunteer group. "
            "It explains consensus, the roles people take, the hand signals groups use, and what "
            "it costs when a group decides this way rather than by vote.")
    doc += nodes.paragraph(text=long)
    text = description(doc, "fallback")
    assert text.startswith("This chapter is for anyone") and len(text) <= 160
    assert text.endswith("…") and long.startswith(text[:-1])  # cut at a word, marked as cut
    doc += nodes.paragraph(text="x")
    first = nodes.paragraph(text="It explains consensus and the roles people take. " * 4)
    doc.insert(0, first)
    three = " ".join(["It explains consensus and the roles people take."] * 3)
    assert description(doc, "fallback") == three  # whole sentences when they fit
    words = description(None, "word " * 60)
    assert len(words) <= 160 and words.endswith("…") and not words.endswith(" …")
    assert description(None, "Search the course.") == "Search the course."


def test_every_page_has_one_viewport_and_its_own_description(built_html: Path) -> None:
    problems, seen = [], {}
    for page in _pages(built_html):
        rel = page.relative_to(built_html).as_posix()
        text = page.read_text(encoding="utf-8")
        if re.search(r'http-equiv="refresh"', text, re.I):
            continue  # the root redirect page (written by coursekit/sphinx_ext.py)
        viewports = text.count('name="viewport"')
        if viewports != 1:
            problems.append(f"{rel}: {viewports} viewport tags")
        found = re.findall(r'<meta name="description" content="([^"]*)"', text)
        if len(found) != 1 or not 20 <= len(html.unescape(found[0])) <= 160:
            problems.append(f"{rel}: description {found}")
        elif rel.startswith("chapters/"):
            if found[0] in seen:
                problems.append(f"{rel}: same description as {seen[found[0]]}")
            seen[found[0]] = rel
    assert not problems, "\n".join(problems)


def test_purgecss_reads_the_pages_and_scripts_but_not_the_files_the_build_deletes(tmp_path: Path) -> None:
    """A clean build and a no-change rebuild must trim the theme CSS alike: the deleted icon and
    thebe scripts (present only in a clean build) must not count as content."""
    files = ["intro.html", "chapters/a.html", "_sources/intro.md.html", "_static/quiz.js",
             "_static/scripts/pydata-sphinx-theme.js", "_static/scripts/bootstrap.js",
             *(rel for rel in UNUSED_OUTPUT if rel.endswith(".js"))]
    for rel in files:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x", encoding="utf-8")
    read = {p.relative_to(tmp_path).as_posix() for p in content_files(tmp_path)
            if p.is_relative_to(tmp_path)}
    assert {"intro.html", "chapters/a.html", "_static/quiz.js",
            "_static/scripts/pydata-sphinx-theme.js"} <= read
    assert not read & {"_sources/intro.md.html", "_static/scripts/bootstrap.js",
                       "_static/scripts/fontawesome.js", "_static/sphinx-thebe.js"}, read


def test_theme_css_is_trimmed_and_the_originals_kept_outside_the_site(built_html: Path) -> None:
    keep = originals_dir(built_html)
    sheets = {p.relative_to(built_html).as_posix(): p for p in stylesheets(built_html)}
    theme = "_static/styles/pydata-sphinx-theme.css"
    assert theme in sheets and (keep / theme).is_file()
    before = len(gzip.compress((keep / theme).read_bytes()))
    after = len(gzip.compress(sheets[theme].read_bytes()))
    assert after < 0.4 * before, (before, after)
    assert "course.css" not in " ".join(sheets)  # the course's own stylesheet stays whole
    assert not (built_html / "purgecss-originals").exists()
    assert "html[data-theme=dark]" in sheets[theme].read_text(encoding="utf-8")
    # every trimmed sheet is the trimmed one in the end, including myst-nb's, which myst-nb
    # copies again at the end of each build, and the offline zip holds the same bytes
    with zipfile.ZipFile(built_html / OFFLINE_ZIP) as zf:
        for rel, sheet in sheets.items():
            assert sheet.stat().st_size <= (keep / rel).stat().st_size, rel
            assert zf.read(f"solidarity-in-practice/{rel}") == sheet.read_bytes(), rel
    mystnb = next(rel for rel in sheets if "mystnb." in rel)
    assert sheets[mystnb].stat().st_size < 0.5 * (keep / mystnb).stat().st_size


# --- in the browser ---------------------------------------------------------------------------------

def _draw(browser, site_url: str, built_html: Path, rel: str, width: int, mode: str, original: bool,
          action: str = "") -> bytes:
    keep = originals_dir(built_html)
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=mode)
    page = context.new_page()
    if original:
        def swap(route) -> None:
            path = route.request.url.split("?")[0][len(site_url) + 1:]
            source = keep / path
            if source.is_file():
                route.fulfill(body=source.read_bytes(), content_type="text/css")
            else:
                route.continue_()
        page.route("**/*.css*", swap)
    page.goto(f"{site_url}/{rel}", wait_until="networkidle")
    page.add_style_tag(content=STILL)
    if action == "menu":
        page.locator(".primary-toggle:visible, button[aria-label*='primary' i]:visible").first.click()
    elif action == "dropdown":
        page.locator("details.dropdown summary, .dropdown .toggle-button, details summary").first.click()
    page.wait_for_timeout(300)
    shot = page.screenshot(full_page=not action)
    context.close()
    return shot


@pytest.mark.parametrize("rel", LOOK_PAGES)
def test_pages_look_the_same_with_the_untrimmed_theme_css(browser, site_url: str, built_html: Path,
                                                         rel: str) -> None:
    from PIL import Image, ImageChops

    different = []
    cases = [(390, "light", ""), (390, "dark", "")]
    if rel == LOOK_PAGES[1]:
        cases += [(1280, "light", ""), (1280, "dark", ""), (390, "light", "menu"), (390, "dark", "dropdown")]
    for width, mode, action in cases:
        a, b = (Image.open(io.BytesIO(_draw(browser, site_url, built_html, rel, width, mode, orig, action)))
                .convert("RGB") for orig in (False, True))
        if a.size != b.size or ImageChops.difference(a, b).getbbox() is not None:
            box = ImageChops.difference(a, b).getbbox() if a.size == b.size else (a.size, b.size)
            different.append(f"{rel} at {width}px, {mode}{' ' + action if action else ''}: differs at {box}")
    assert not different, "\n".join(different)


# --- nothing holds up the first paint that need not ---------------------------------------

PAGE = ('<html><head><script data-cfasync="false">document.documentElement.dataset.mode = "auto";</script>'
        '<link href="../_static/styles/theme.css" rel="stylesheet" />'
        '<link rel="stylesheet" type="text/css" href="../_static/print.css?v=1" />'
        '<script src="../_static/documentation_options.js"></script>\n'
        '<script>DOCUMENTATION_OPTIONS.pagename = "x";</script>\n'
        '<script type="module" src="m.js"></script></head>'
        '<body><p>text</p><script defer src="../_static/scripts/bootstrap.js"></script></body></html>')


def test_head_scripts_move_after_the_content_in_order_before_the_deferred_ones() -> None:
    from coursekit.sphinx_ext import scripts_after_content

    out = scripts_after_content(PAGE)
    head, body = out.split("</head>")
    assert "dataset.mode" in head and 'type="module"' in head  # these stay
    assert "documentation_options" not in head and "pagename" not in head
    assert body.index("documentation_options.js") < body.index("pagename") < body.index("bootstrap.js")
    assert body.index("<p>text</p>") < body.index("documentation_options.js")
    assert scripts_after_content(out) == out


def test_print_css_is_for_print_and_basic_css_is_linked_not_imported() -> None:
    from coursekit.sphinx_ext import non_blocking_styles

    out = non_blocking_styles(PAGE)
    assert 'print.css?v=1" media="print" />' in out
    assert out.index('href="../_static/basic.css"') < out.index('href="../_static/styles/theme.css"')
    assert non_blocking_styles(out) == out


def test_built_pages_block_on_no_script(built_html: Path) -> None:
    """On every page only the theme's light/dark switch runs in the head; basic.css is linked."""
    theme = (built_html / "_static" / "styles" / "theme.css").read_text(encoding="utf-8")
    assert "@import" not in theme
    for page in sorted(built_html.rglob("*.html")):
        if "_static" in page.relative_to(built_html).parts:
            continue
        head = page.read_text(encoding="utf-8").split("</head>")[0]
        if 'http-equiv="refresh"' in head:
            continue
        scripts = re.findall(r"<script\b([^>]*)>", head)
        assert all("data-cfasync" in a or "defer" in a for a in scripts), (page.name, scripts)
        assert "basic.css" in head, page.name


def _mini_site(root: Path) -> Path:
    out = root / "_build" / "html"
    (out / "_static").mkdir(parents=True)
    (out / "_static" / "basic.css").write_text(
        ".used{color:red}.unused{color:blue}.later{color:green}", encoding="utf-8")
    (out / "index.html").write_text('<p class="used">x</p>', encoding="utf-8")
    return out


def _counting_node(root: Path) -> tuple[str, Path]:
    calls = root / "node-calls"
    script = root / "node"
    script.write_text(f'#!/bin/sh\necho run >> "{calls}"\nexec "{shutil.which("node")}" "$@"\n',
                      encoding="utf-8")
    script.chmod(0o755)
    return str(script), calls


@pytest.mark.skipif(not (TOOLS / "node_modules" / "purgecss").is_dir(),
                    reason="PurgeCSS is not installed (npm ci --prefix tools/site)")
def test_a_rebuild_with_nothing_changed_reuses_the_trimmed_css_and_a_change_trims_again(tmp_path: Path) -> None:
    from coursekit.site_purge import _WRITTEN_AFTER, purge_css, trimmed_dir

    out = _mini_site(tmp_path)
    node, calls = _counting_node(tmp_path)
    sheet = out / "_static" / "basic.css"

    purge_css(out, node)
    clean = sheet.read_text(encoding="utf-8")
    assert ".used" in clean and ".unused" not in clean and calls.read_text().count("run") == 1

    # a no-change rebuild: the sheet is still the trimmed one (Sphinx did not copy it again)
    assert purge_css(out, node) == [("_static/basic.css", 54, len(clean))]
    assert sheet.read_text(encoding="utf-8") == clean and calls.read_text().count("run") == 1
    # ... or Sphinx copied the original again: the same trimmed sheet, still without Node.js
    sheet.write_text(".used{color:red}.unused{color:blue}.later{color:green}", encoding="utf-8")
    purge_css(out, node)
    assert sheet.read_text(encoding="utf-8") == clean and calls.read_text().count("run") == 1
    assert (originals_dir(out) / "_static" / "basic.css").read_text(encoding="utf-8").count("{") == 3

    # a page now uses another class: trimmed again, from the original, as a clean build would
    (out / "index.html").write_text('<p class="used later">x</p>', encoding="utf-8")
    purge_css(out, node)
    assert calls.read_text().count("run") == 2
    assert ".later" in sheet.read_text(encoding="utf-8") and ".unused" not in sheet.read_text()

    # the offline step fills in the site's size and build after the purge: not a change
    (out / "_static" / "offline.js").write_text(
        'var SIZE = 0; // offline-size\nvar BUILD = ""; // offline-build\n', encoding="utf-8")
    purge_css(out, node)
    assert calls.read_text().count("run") == 3
    (out / "_static" / "offline.js").write_text(
        'var SIZE = 4600342; // offline-size\nvar BUILD = "f9c8ec74"; // offline-build\n',
        encoding="utf-8")
    purge_css(out, node)
    assert calls.read_text().count("run") == 3
    source = (TOOLS.parent.parent / "_static" / "offline.js").read_text(encoding="utf-8")
    assert len(_WRITTEN_AFTER.findall(source.encode())) == 2  # the markers the offline step uses

    # the kept copy is unusable: PurgeCSS runs rather than trusting it
    (trimmed_dir(out) / "key").write_text("something else", encoding="utf-8")
    purge_css(out, node)
    assert calls.read_text().count("run") == 4


@pytest.mark.skipif(not (TOOLS / "node_modules" / "purgecss").is_dir(),
                    reason="PurgeCSS is not installed (npm ci --prefix tools/site)")
def test_an_unreadable_page_is_a_one_line_purge_error(tmp_path: Path) -> None:
    from coursekit.site_purge import PurgeError, purge_css

    page = _mini_site(tmp_path) / "broken.html"
    page.symlink_to(tmp_path / "missing.html")  # unreadable even for root
    with pytest.raises(PurgeError) as err:
        purge_css(page.parent)
    assert "\n" not in str(err.value) and str(err.value).startswith("PurgeCSS")
