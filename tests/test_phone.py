"""Phones first: the sidebars open and close on every screen, and nothing is cut off at 320 or
390 px (issue 11). Chromium through Playwright, Firefox (Debian's firefox-esr) through
Puppeteer's WebDriver BiDi support (tools/a11y/nav-check.mjs); one build and one server.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import browser_pages

from coursekit import sphinx_ext
from coursekit.figures import PHONE_MIN_POINTS, new_figure, phone_figure, show

START, TARGET = "chapters/consensus.html", "chapters/nonviolence.html"
WIDTHS = (320, 390, 1280)
PHONES = (320, 390)
#: The smallest chart text, as rendered on the page, that still counts as legible (CSS px).
LEGIBLE_PX = 8.5


# --- the sidebar toggles -------------------------------------------------------------------

def _is_open(page, dialog: str) -> bool:
    return bool(page.evaluate(f"!!document.querySelector('{dialog}')?.open"))


def _shown(page, selector: str) -> bool:
    loc = page.locator(selector)
    return loc.count() > 0 and loc.first.is_visible() and page.evaluate(
        """(s) => { const r = document.querySelector(s).getBoundingClientRect();
                    return r.right > 0 && r.left < innerWidth; }""", selector)


def _toggle_problems(browser, url: str, width: int) -> list[str]:
    """Tap (phones) or click (wide screens) the visible toggles as a reader would."""
    phone = width < 992
    context = browser.new_context(viewport={"width": width, "height": 800}, has_touch=phone,
                                  is_mobile=phone)
    page = context.new_page()
    problems: list[str] = []
    press = (lambda loc: loc.tap()) if phone else (lambda loc: loc.click())
    page.goto(f"{url}/{START}", wait_until="networkidle")
    toggle = page.locator(".bd-header-article .primary-toggle")
    visible = page.locator(".primary-toggle:visible").count()
    if visible != 1:
        problems.append(f"{visible} visible primary toggles (want 1)")
    link = f'a[href$="{TARGET.split("/")[-1]}"]'
    if phone:
        press(toggle)
        page.wait_for_timeout(300)
        if not _is_open(page, "#pst-primary-sidebar-modal"):
            problems.append("tapping the primary toggle did not open the sidebar")
            context.close()
            return problems
        link = f"#pst-primary-sidebar-modal {link}"
    else:
        if not _shown(page, "#pst-primary-sidebar"):
            problems.append("the sidebar is not shown on a wide screen")
        press(toggle)
        page.wait_for_timeout(450)
        if _shown(page, "#pst-primary-sidebar"):
            problems.append("the primary toggle did not hide the sidebar")
        press(toggle)
        page.wait_for_timeout(450)
        link = f"#pst-primary-sidebar {link}"
    if not _shown(page, link):
        problems.append(f"no visible sidebar link to {TARGET}")
        context.close()
        return problems
    with page.expect_navigation():
        press(page.locator(link).first)
    if not page.url.endswith(TARGET):
        problems.append(f"the sidebar link led to {page.url}")
    press(page.locator(".bd-header-article .primary-toggle"))
    page.wait_for_timeout(450)
    if phone:
        if not _is_open(page, "#pst-primary-sidebar-modal"):
            problems.append("the sidebar did not open again on the next page")
        page.touchscreen.tap(width - 5, 400)
        page.wait_for_timeout(300)
        if _is_open(page, "#pst-primary-sidebar-modal"):
            problems.append("tapping beside the open sidebar did not close it")
    elif _shown(page, "#pst-primary-sidebar"):
        problems.append("the primary toggle did not close the sidebar on the next page")
    second = page.locator(".bd-header-article .secondary-toggle")
    if second.is_visible():
        press(second)
        page.wait_for_timeout(300)
        if not _is_open(page, "#pst-secondary-sidebar-modal"):
            problems.append("the secondary toggle did not open the page contents")
        elif not _shown(page, "#pst-secondary-sidebar-modal nav.page-toc a"):
            problems.append("the page contents opened without visible links")
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)
        if _is_open(page, "#pst-secondary-sidebar-modal"):
            problems.append("Escape did not close the page contents")
    elif not _shown(page, "#pst-secondary-sidebar nav.page-toc"):
        problems.append("neither a secondary toggle nor the page contents is shown")
    context.close()
    return problems


@pytest.mark.parametrize("width", WIDTHS)
def test_sidebar_toggles_work_in_chromium(browser, site_url: str, width: int) -> None:
    assert not _toggle_problems(browser, site_url, width)


def test_toggle_check_catches_the_themes_hidden_duplicate(browser, site_url: str) -> None:
    """Put back the hidden duplicate button pydata-sphinx-theme 0.17 renders first
    (pydata-sphinx-theme#2451): the visible toggle then does nothing, and the check says so."""
    context = browser.new_context(viewport={"width": 390, "height": 800}, has_touch=True)

    def with_duplicate(route) -> None:
        body = route.fetch().text().replace(
            '<header id="pst-header" class="bd-header navbar navbar-expand-lg bd-navbar d-print-none">',
            '<header id="pst-header" class="bd-header navbar navbar-expand-lg bd-navbar d-print-none">'
            '<button class="pst-navbar-icon sidebar-toggle primary-toggle" aria-label="x"></button>', 1)
        route.fulfill(body=body, content_type="text/html")

    context.route(re.compile(r".*/chapters/[^/]*\.html$"), with_duplicate)
    page = context.new_page()
    page.goto(f"{site_url}/{START}", wait_until="networkidle")
    page.locator(".bd-header-article .primary-toggle").tap()
    page.wait_for_timeout(300)
    assert not _is_open(page, "#pst-primary-sidebar-modal"), "the duplicate no longer breaks the toggle"
    context.close()


@pytest.mark.usefixtures("one_firefox")
def test_firefox_check_catches_toggles_that_do_nothing(a11y_tools: Path, built_html: Path, tmp_path: Path) -> None:
    """The Firefox walk can fail: on a copy of the site whose theme script is missing, the
    toggles do nothing, and the walk says so at a phone width (it waits, then reports)."""
    from conftest import serve

    site = tmp_path / "site"
    shutil.copytree(built_html, site, ignore=shutil.ignore_patterns("*.zip", "_sources"))
    for rel in (START, TARGET):
        page = site / rel
        page.write_text(re.sub(r'<script[^>]*pydata-sphinx-theme\.js[^>]*></script>', "",
                               page.read_text(encoding="utf-8")), encoding="utf-8")
    with serve(site) as url:
        proc = subprocess.run(["node", "nav-check.mjs", "firefox", url, START, TARGET, "390"],
                              cwd=a11y_tools, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "phone: the primary toggle did not open the sidebar" in json.loads(proc.stdout)["390"], proc.stdout


@pytest.mark.usefixtures("one_firefox")
def test_sidebar_toggles_work_in_firefox(a11y_tools: Path, site_url: str) -> None:
    """The same walk in Debian's firefox-esr (WebDriver BiDi through Puppeteer)."""
    firefox = Path("/usr/bin/firefox-esr")
    if not firefox.exists():
        pytest.fail("Firefox is missing: install Debian's 'firefox-esr' package")
    proc = subprocess.run(
        ["node", "nav-check.mjs", "firefox", site_url, START, TARGET, *map(str, WIDTHS)],
        cwd=a11y_tools, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads(proc.stdout)
    assert set(results) == {str(w) for w in WIDTHS}, results
    assert all(v == [] for v in results.values()), results


# --- nothing clipped at phone width --------------------------------------------------------

#: Boxes whose sideways scrolling the stylesheet marks with edge shadows (a visible cue).
CUED = ".pst-scrollable-table-container, .cell_output .output"
CLIPPED = """async ([cued, svgText, legible]) => {
  const W = document.documentElement.clientWidth, out = [];
  const what = el => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.') : '') + ' "' +
      (el.innerText || el.alt || '').trim().slice(0, 40).replace(/\\s+/g, ' ') + '"';
  if (document.documentElement.scrollWidth > W + 1)
    out.push(`page scrolls sideways by ${document.documentElement.scrollWidth - W}px`);
  const main = document.querySelector('.bd-main');
  const srOnly = el => { for (let a = el; a && a !== main; a = a.parentElement) {
      const cs = getComputedStyle(a); if (a.clientWidth <= 1 && a.clientHeight <= 1 &&
        (cs.overflow === 'hidden' || cs.clipPath !== 'none' || cs.clip !== 'auto')) return true; }
    return false; };
  const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 &&
      getComputedStyle(el).visibility !== 'hidden' && !el.closest('details:not([open]) > :not(summary)'); };
  // 1. text that runs past the screen's edge, or is cut by a box that hides overflow
  for (const el of main.querySelectorAll('*')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !shown(el) || srOnly(el)) continue;
    const range = document.createRange(); range.selectNodeContents(el);
    const r = range.getBoundingClientRect();  // where the text itself is drawn
    let scroller = null;
    for (let a = el.parentElement; a && a !== main; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.overflowX !== 'visible' && a.scrollWidth > a.clientWidth + 1) { scroller = a; break; }
    }
    if (scroller) {
      const cs = getComputedStyle(scroller);
      if (cs.overflowX === 'hidden' || cs.overflowX === 'clip') {
        const box = scroller.getBoundingClientRect();
        if (r.right > box.right + 1 || r.left < box.left - 1) out.push('cut off: ' + what(el));
      } else if (!scroller.matches(cued)) out.push('scrolls without a cue: ' + what(scroller));
      else if (el.closest('caption')) out.push('caption inside a scrolling box: ' + what(el));
    } else if (r.right > W + 1 || r.left < -1) out.push('off the screen: ' + what(el));
    if (getComputedStyle(el).overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1
        && !el.matches(cued)) out.push('text cut inside its own box: ' + what(el));
  }
  // 2. charts: the smallest text, as drawn at this width, must stay legible
  const imgs = [...main.querySelectorAll('.bd-article img')];
  await Promise.all(imgs.map(i => { i.loading = 'eager'; return (i.complete && i.naturalWidth) ? 0
      : new Promise(res => { i.addEventListener('load', res); i.addEventListener('error', res);
                             setTimeout(res, 5000); }); }));
  for (const img of imgs) {
    if (!shown(img) || !img.naturalWidth) continue;
    const r = img.getBoundingClientRect();
    if (r.right > W + 1) out.push('image wider than the screen: ' + what(img));
    const src = img.currentSrc.split('/').pop();
    let px = null;
    if (src.endsWith('.svg')) px = svgText[src] ?? null;
    else {
      const source = img.closest('picture')?.querySelector('source');
      const phone = source && img.currentSrc.endsWith(source.getAttribute('srcset').split('/').pop());
      const attr = phone ? source.dataset.textPx : img.dataset.textPx;
      px = attr ? parseFloat(attr) : null;
    }
    if (px === null) { out.push('chart without a known text size: ' + src); continue; }
    const shownPx = px * r.width / img.naturalWidth;
    if (shownPx < legible) out.push(`chart text ${shownPx.toFixed(1)}px at ${W}px: ${src}`);
  }
  return out;
}"""


def _svg_text_px(html: Path) -> dict[str, float]:
    """The smallest font size in each SVG image of the site, in its own pixels."""
    sizes: dict[str, float] = {}
    for svg in html.rglob("*.svg"):
        if "_static" in svg.parts:
            continue
        found = [float(x) for x in re.findall(r'font-size(?:="|:\s*)([0-9.]+)', svg.read_text(encoding="utf-8"))]
        if found:
            sizes[svg.name] = min(found)
    return sizes


def _clipping(browser, url: str, html: Path, pages: list[str], width: int) -> list[str]:
    svgs = _svg_text_px(html)
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    problems = []
    for rel in pages:
        # Laid out once loaded and its fonts are in: images carry their width and height, so a
        # lazy chart has its size before it arrives (no need to wait for the network to rest)
        page.goto(f"{url}/{rel}", wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        problems += [f"{rel} @{width}: {p}" for p in page.evaluate(CLIPPED, [CUED, svgs, LEGIBLE_PX])]
    context.close()
    return problems


@pytest.mark.parametrize("width", PHONES)
def test_nothing_is_clipped_at_phone_width(browser, site_url: str, built_html: Path, width: int) -> None:
    """Every page: no sideways page scroll, no text cut off or scrolled away without a cue,
    captions outside scrolling boxes, and every chart's text legible at this width."""
    problems = _clipping(browser, site_url, built_html, browser_pages(built_html), width)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:60])


def test_clip_check_catches_clipping(browser, site_url: str, built_html: Path) -> None:
    """The check above can fail: a wide unwrapped line, a text cut by a hidden overflow and a
    shrunken chart are each reported."""
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(f"{site_url}/{START}", wait_until="networkidle")
    page.evaluate("""() => { const a = document.querySelector('.bd-article');
      a.insertAdjacentHTML('afterbegin',
        '<pre style="white-space:pre;overflow-x:auto">' + 'x'.repeat(300) + '</pre>' +
        '<div style="overflow:hidden;width:200px"><p style="white-space:nowrap">' +
        'a long line of words '.repeat(10) + '</p></div>' +
        '<img src="../_images/' + [...document.querySelectorAll('img')].map(i => i.src.split('/').pop())
           .find(n => n.startsWith('chart-')) + '" data-text-px="12.5" style="width:60px">'); }""")
    found = page.evaluate(CLIPPED, [CUED, {}, LEGIBLE_PX])
    context.close()
    assert any(p.startswith("text cut inside its own box: pre") for p in found), found
    assert any(p.startswith("cut off: p") for p in found), found
    assert any(p.startswith("chart text") for p in found), found


WIDE_TABLES = {
    # page: (a column heading, a cell's text) that must both be readable on a phone
    "chapters/consensus.html": ("Under majority", "Round"),
    "exercises/documentation.html": ("Hash", "Entry"),
}


@pytest.mark.parametrize("rel", sorted(WIDE_TABLES))
def test_wide_tables_read_as_cards_on_a_phone(browser, site_url: str, rel: str) -> None:
    """The consensus lab's comparison and the custody log: each row becomes a card whose cells
    name their column; the consensus table's teaching caption wraps above it, in full."""
    column, _ = WIDE_TABLES[rel]
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.goto(f"{site_url}/{rel}", wait_until="networkidle")
    tables = page.locator("table.course-stack", has=page.locator(f'[data-label="{column}"]'))
    assert tables.count() >= 1, f"{rel}: no stacked table with a '{column}' column"
    report = page.evaluate("""(t) => { const W = innerWidth;
      const cells = [...t.querySelectorAll('tbody td[data-label]')];
      return {display: getComputedStyle(t.querySelector('tbody tr')).display,
              labels: cells.map(c => getComputedStyle(c, '::before').content).slice(0, 6),
              outside: cells.filter(c => c.getBoundingClientRect().right > W + 1).length,
              caption: t.caption ? [t.caption.getBoundingClientRect().right <= W + 1,
                                    t.caption.scrollWidth <= t.caption.clientWidth + 1] : null}; }""",
                           tables.first.element_handle())
    context.close()
    assert report["display"] == "block", report
    assert all(lab.startswith('"') and lab.endswith(': "') for lab in report["labels"]), report
    assert report["outside"] == 0, report
    if rel == "chapters/consensus.html":
        assert report["caption"] == [True, True], report


# --- unit tests of the page fixes and phone charts (no browser) ----------------------------

def test_stackable_tables_label_cells_and_stack_three_columns_or_more() -> None:
    three = ('<table class="table"><thead><tr><th class="head"><p>Date</p></th><th>Event</th>'
             '<th>Sources</th></tr></thead><tbody><tr><td>2001</td><td>A &amp; B</td><td>x</td></tr>'
             '</tbody></table>')
    out = sphinx_ext.stackable_tables(three)
    assert 'class="course-stack table"' in out
    assert '<td data-label="Date">2001</td>' in out and '<td data-label="Event">A &amp; B</td>' in out
    two = "<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>"
    assert "course-stack" not in sphinx_ext.stackable_tables(two)
    assert 'data-label="b"' in sphinx_ext.stackable_tables(two)
    headless = "<table><tbody><tr><td>1</td><td>2</td><td>3</td></tr></tbody></table>"
    assert sphinx_ext.stackable_tables(headless) == headless


def test_unique_exercise_ids_and_title_headings() -> None:
    body = ('<h2>Exercises</h2>'
            '<div class="exercise admonition" id="ex-a">\n<p class="admonition-title">Exercise 1</p>\n'
            '<section id="exercise-content"><p>a</p></section></div>'
            '<h3>More</h3><div class="solution dropdown admonition" id="sol-a">'
            '<p class="admonition-title">Try it first</p><section id="solution-content"></section></div>'
            '<div class="exercise admonition" id="ex-b"><p class="admonition-title">Exercise 2</p>'
            '<section id="exercise-content"><p class="admonition-title">not a title</p></section></div>')
    out = sphinx_ext.exercise_title_headings(sphinx_ext.unique_exercise_ids(body))
    assert 'id="exercise-content"' not in out and 'id="solution-content"' not in out
    assert out.count('id="exercise-content-') == 2 and 'id="solution-content-1"' in out
    assert '<h3 class="admonition-title">Exercise 1</h3>' in out
    assert '<h4 class="admonition-title">Try it first</h4>' in out
    assert '<h4 class="admonition-title">Exercise 2</h4>' in out
    assert '<p class="admonition-title">not a title</p>' in out


def test_code_toggles_and_hrefs_become_valid() -> None:
    toggle = ('<summary aria-label="Toggle hidden content">\n<p class="collapsed admonition-title">Show code</p>\n'
              '<p class="expanded admonition-title">Hide code</p>\n</summary>')
    out = sphinx_ext.plain_code_toggles(toggle)
    assert "<p" not in out and "aria-label" not in out and ">Show code</span>" in out
    link = '<a href="https://example.org/a[1] b|c">x</a> <a href="../local[1].html">y</a>'
    out = sphinx_ext.valid_hrefs(link)
    assert 'href="https://example.org/a%5B1%5D%20b%7Cc"' in out and 'href="../local[1].html"' in out


def test_a_chart_with_a_phone_variant_offers_it_below_600px() -> None:
    wide, ax = new_figure()
    ax.bar(["a", "b"], [1, 2])
    narrow, ax2 = phone_figure(3)
    ax2.barh(["a", "b"], [1, 2])
    out = show(wide, alt="Two bars: b is twice as tall as a here", caption="c", phone=narrow)
    html = out._repr_html_()
    assert html.index("<source") < html.index("<img")
    assert 'media="(max-width: 600px)"' in html and f'data-text-px="{out.phone_text_px:g}"' in html
    assert out.phone_text_px >= PHONE_MIN_POINTS * 100 / 72 - 0.1
    plain = show(new_figure()[0], alt="No phone variant for this one, on purpose", caption="c")
    assert "<picture>" not in plain._repr_html_() and plain.phone_png is None
    with pytest.raises(TypeError, match="phone variant"):
        show(new_figure()[0], alt="A phone variant that is not a figure at all", caption="c",
             phone="small")  # type: ignore[arg-type]


def test_every_coursekit_chart_has_a_legible_phone_variant() -> None:
    """Every chart coursekit draws for the course has a phone variant at most 460 px wide whose
    smallest text is at least 10 pt (13.9 px at 100 dpi)."""
    import io

    from PIL import Image

    from coursekit.consensus import Meeting, round_figure
    from coursekit.nva import load_findings, load_sharp_methods, sharp_figure, success_rate_figure
    from coursekit.timeline import load_events, timeline_figure
    from coursekit.villages import REFERENCE_POINTS, combined_timeline, locator_figure, village_timeline

    meeting = Meeting(["A", "B", "C"], "Meet on Saturday.")
    meeting.record({"A": "agree", "B": ("concern", "not trained yet"), "C": "agree"})
    events = load_events()
    charts = {
        "round": round_figure(meeting.current),
        "timeline": timeline_figure(events, "ISM", alt="A timeline of the events in order here",
                                    caption="c"),
        "village": village_timeline("Bil'in"),
        "combined": combined_timeline(),
        "locator": locator_figure(reference_points=REFERENCE_POINTS),
        "sharp": sharp_figure(load_sharp_methods()),
        "success": success_rate_figure(load_findings()),
    }
    for name, chart in charts.items():
        assert chart.phone_png, name
        width = Image.open(io.BytesIO(chart.phone_png)).width
        assert width <= 460, (name, width)
        assert chart.phone_text_px >= 13.8, (name, chart.phone_text_px)
        assert "<picture>" in chart._repr_html_(), name
