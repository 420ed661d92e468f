"""Build the whole book with warnings as errors, then check the built pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from conftest import Build


class _Page(HTMLParser):
    """Collects what the page checks need: images, ids, links and fetched assets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.imgs: list[dict[str, str | None]] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.assets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "img":
            self.imgs.append(a)
        # a link to the other edition, published beside this one, is checked in test_editions
        if tag == "a" and a.get("href") and "course-edition-link" not in (a.get("class") or ""):
            self.links.append(a["href"] or "")
        for attr in ("src", "data-src"):
            if a.get(attr):
                self.assets.append(a[attr] or "")
        if tag == "link" and a.get("rel") in ("stylesheet", "preload", "icon", "manifest"):
            self.assets.append(a.get("href") or "")


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _html_pages(html: Path) -> list[Path]:
    return sorted(p for p in html.rglob("*.html") if "_static" not in p.parts
                  and "_sources" not in p.parts and "reports" not in p.parts)


def test_book_builds_without_warnings(book: Build) -> None:
    warnings = book.warnings()
    assert book.returncode == 0 and not warnings, (
        "the book build failed or warned:\n" + "\n".join(warnings[:40]) + "\n"
        + book.log[-3000:] + book.reports()[-6000:]
    )


def test_every_image_has_alt_text(built_html: Path) -> None:
    bad = images_without_alt(built_html)
    assert not bad, f"images without alt text: {bad}"


def test_no_page_fetches_anything_from_another_host(built_html: Path) -> None:
    remote = []
    for p in _html_pages(built_html):
        text = p.read_text(encoding="utf-8")
        remote += [f"{p.relative_to(built_html)}: {a}" for a in _parse(p).assets
                   if a.startswith(("http:", "https:", "//"))]
        remote += [f"{p.relative_to(built_html)}: {m}" for m in
                   re.findall(r"https?://(?:unpkg|cdn|cdnjs|fonts\.g|www\.google)[^\"' ]*", text)]
    assert not remote, f"pages would request other hosts: {remote}"


def broken_internal_links(html: Path) -> list[str]:
    """Every link inside a built site whose file or anchor does not exist."""
    broken = []
    cache: dict[Path, _Page] = {}
    for p in _html_pages(html):
        for href in _parse(p).links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
                continue
            target = (p.parent / unquote(parts.path)).resolve() if parts.path else p
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{p.relative_to(html)} -> {href}")
                continue
            if parts.fragment and target.suffix == ".html":
                if target not in cache:  # parse each target once (setdefault would parse every time)
                    cache[target] = _parse(target)
                ids = cache[target].ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{p.relative_to(html)} -> {href} (no such anchor)")
    return broken


def images_without_alt(html: Path) -> list[str]:
    """Every image in a built site whose alt text is missing or empty."""
    return [f"{p.relative_to(html)}: {img.get('src', '')[:60]}" for p in _html_pages(html)
            for img in _parse(p).imgs if not (img.get("alt") or "").strip()]


def test_no_broken_internal_links(built_html: Path) -> None:
    broken = broken_internal_links(built_html)
    assert not broken, f"broken internal links: {broken[:30]}"


def test_every_chapter_page_was_built(built_html: Path) -> None:
    from course import pages
    missing = [p.rel for p in pages() if not (built_html / Path(p.rel).with_suffix(".html")).exists()]
    assert not missing, f"TOC pages missing from the build: {missing}"




def test_offline_copy_is_complete_and_works_from_disk(built_html: Path, tmp_path: Path) -> None:
    import zipfile
    zpath = built_html / "solidarity-in-practice-offline.zip"
    assert zpath.exists(), "the build must produce the offline zip"
    with zipfile.ZipFile(zpath) as zf:
        assert zf.testzip() is None
        names = set(zf.namelist())
        zf.extractall(tmp_path)
    site = tmp_path / "solidarity-in-practice"
    for page in _html_pages(built_html):
        rel = page.relative_to(built_html).as_posix()
        assert f"solidarity-in-practice/{rel}" in names, f"{rel} missing from the offline copy"
    # every stylesheet and script a page uses is inside the copy, by relative path
    for page in _html_pages(site):
        for asset in _parse(page).assets:
            if asset.startswith("data:"):
                continue
            target = (page.parent / unquote(urlsplit(asset).path)).resolve()
            assert target.exists(), f"{page.relative_to(site)} needs {asset}, not in the offline copy"


def test_unused_theme_assets_are_not_shipped(built_html: Path) -> None:
    assert not (built_html / "_static" / "scripts" / "fontawesome.js").exists()
    assert not list(built_html.glob("_static/**/*.map"))


def test_citations_link_to_their_reference_without_a_hover_copy(built_html: Path) -> None:
    """Each in-text citation leads to the reference list; none repeats the whole reference as a
    tooltip (bytes no phone or keyboard reader sees), and the reference list is a plain list."""
    cite = re.compile(r'<span class="bibtex-citation"[^>]*>\[(.*?)\]</span>', re.S)
    seen = 0
    for page in _html_pages(built_html):
        text = page.read_text(encoding="utf-8")
        for link in (a for group in cite.findall(text) for a in re.findall(r"<a [^>]*>", group)):
            seen += 1
            assert "references.html#" in link or 'href="#' in link, (page.name, link)
            assert " title=" not in link, (page.name, link)
        assert 'role="doc-biblioentry"' not in text, page.name
    assert seen > 100, seen


def test_every_page_footer_links_to_about_this_course(built_html: Path) -> None:
    """The footer's About link is a real relative link on every page (no script needed)."""
    about = (built_html / "appendices" / "about.html").resolve()
    assert about.is_file(), "appendices/about.html was not built"
    bad = []
    for page in built_html.rglob("*.html"):
        if {"_static", "_sources", "reports"} & set(page.parts) or page.name == "index.html":
            continue
        m = re.search(r'<a class="course-footer-link" href="([^"]*)">About this course', page.read_text())
        if page.resolve() == about and m and m.group(1) == "#":  # the About page itself
            continue
        if not m or (page.parent / m.group(1)).resolve() != about:
            bad.append(page.relative_to(built_html).as_posix())
    assert not bad, f"pages whose footer lacks a working About link: {bad}"


def test_every_chapter_has_a_picture_that_teaches(built_html: Path) -> None:
    """Every chapter shows at least one figure or diagram, each with alt text that says something."""
    from course import pages
    bare = []
    for p in pages():
        if not p.rel.startswith("chapters/") or p.path.suffix != ".ipynb":
            continue
        imgs = _parse(built_html / Path(p.rel).with_suffix(".html")).imgs
        if not [i for i in imgs if len((i.get("alt") or "").split()) >= 6]:
            bare.append(p.rel)
    assert not bare, f"chapters without a figure or diagram (with alt text of six words or more): {bare}"


def test_plugin_lookups_are_scanned_once_and_runtime_plugins_still_come_first(monkeypatch) -> None:
    """The build asks pybtex for the same plugins once per citation; the entry-point scan is
    cached (a third of the build's time), while runtime registrations keep their priority."""
    import pybtex.plugin as plugin

    from coursekit.sphinx_ext import cache_plugin_lookups

    calls: list[dict] = []

    def counting(**selection):
        calls.append(selection)
        from importlib.metadata import entry_points
        return entry_points(**selection)

    monkeypatch.setattr(plugin, "entry_points", counting)
    cache_plugin_lookups()
    assert plugin.entry_points is not counting
    first = plugin.find_plugin("pybtex.backends", "plaintext")
    for _ in range(50):
        assert plugin.find_plugin("pybtex.backends", "plaintext") is first
    assert len(calls) == 1 and first.__name__ == "Backend"
    cache_plugin_lookups()  # idempotent: not wrapped twice
    assert plugin.find_plugin("pybtex.backends", "plaintext") is first and len(calls) == 1

    class Mine(plugin.Plugin):
        pass

    monkeypatch.setitem(plugin._RUNTIME_PLUGINS, "pybtex.backends", {"plaintext": Mine})
    assert plugin.find_plugin("pybtex.backends", "plaintext") is Mine
