"""Offline after one visit: "Save for offline" stores the whole site in the browser.

Unit tests for the file list, build hash and generated files (coursekit/site_offline.py), and
Chromium tests on the session build and server: nothing is stored before the reader asks; once
saved, with the network off, three other pages and a search work; a new build replaces the
saved copy; pages opened from disk keep the control hidden and register nothing.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from coursekit.site_offline import MANIFEST, WORKER, build_hash, saved_files, write_offline

ROOT = Path(__file__).resolve().parent.parent
LOCAL = {"127.0.0.1", "localhost"}
OFFLINE_JS = (ROOT / "_static" / "offline.js").read_text(encoding="utf-8")


def tiny_site(folder: Path) -> Path:
    """A three-file site with the offline script, the zip and a report that must not be saved."""
    (folder / "_static").mkdir(parents=True)
    (folder / "_static" / "offline.js").write_text(OFFLINE_JS, encoding="utf-8")
    (folder / "index.html").write_text("<p>home</p>", encoding="utf-8")
    (folder / "chapters").mkdir()
    (folder / "chapters" / "a.html").write_text("<p>a</p>", encoding="utf-8")
    (folder / "solidarity-in-practice-offline.zip").write_bytes(b"PK")
    (folder / "reports").mkdir()
    (folder / "reports" / "x.log").write_text("log", encoding="utf-8")
    return folder


# --- generated files, without a browser -----------------------------------------------------------

def test_saved_files_are_the_site_without_zip_reports_or_worker(tmp_path: Path) -> None:
    site = tiny_site(tmp_path / "site")
    info = write_offline(site)
    names = [p.relative_to(site).as_posix() for p in saved_files(site)]
    assert names == ["_static/offline.js", "chapters/a.html", "index.html", MANIFEST]
    worker = (site / WORKER).read_text(encoding="utf-8")
    listed = json.loads(re.search(r"const FILES = (\[.*?\]);", worker, re.S).group(1))  # type: ignore[union-attr]
    assert listed == names and info["files"] == 4
    assert all(not urlsplit(n).scheme and not n.startswith("/") for n in listed)


def test_the_page_states_the_true_size_and_build(tmp_path: Path) -> None:
    site = tiny_site(tmp_path / "site")
    info = write_offline(site)
    script = (site / "_static" / "offline.js").read_text(encoding="utf-8")
    assert f"var SIZE = {info['bytes']}; // offline-size" in script
    assert info["bytes"] == sum(p.stat().st_size for p in saved_files(site))
    assert f'var BUILD = "{info["build"]}"; // offline-build' in script
    assert f'const BUILD = "{info["build"]}";' in (site / WORKER).read_text(encoding="utf-8")
    manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["start_url"] == "./" and manifest["icons"][0]["src"] == "_static/favicon.svg"


def test_any_change_gives_a_new_cache_name_and_none_gives_the_same(tmp_path: Path) -> None:
    site = tiny_site(tmp_path / "site")
    first = write_offline(site)["build"]
    assert write_offline(site)["build"] == first  # rewriting its own files changes nothing
    (site / "chapters" / "a.html").write_text("<p>a, edited</p>", encoding="utf-8")
    second = write_offline(site)["build"]
    assert second != first
    (site / "chapters" / "a.html").rename(site / "chapters" / "b.html")
    assert build_hash(site, saved_files(site)) != second


def test_a_site_without_the_offline_script_is_refused(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<p>home</p>", encoding="utf-8")
    with pytest.raises(FileNotFoundError):
        write_offline(tmp_path)
    assert not (tmp_path / WORKER).exists()


def test_the_built_site_has_the_worker_and_a_hidden_control(built_html: Path) -> None:
    worker = (built_html / WORKER).read_text(encoding="utf-8")
    listed = set(json.loads(re.search(r"const FILES = (\[.*?\]);", worker, re.S).group(1)))  # type: ignore[union-attr]
    assert {"intro.html", "search.html", "searchindex.js", "chapters/consensus.html"} <= listed
    assert "solidarity-in-practice-offline.zip" not in listed
    assert not re.search(r"https?://", worker)
    page = (built_html / "chapters" / "consensus.html").read_text(encoding="utf-8")
    assert page.count('<div class="course-offline" hidden>') == 1
    assert page.count("_static/offline.js") == 1
    assert 'rel="manifest"' not in page  # linked only once the reader has saved


# --- in the browser ------------------------------------------------------------------------------



STORED = ("async () => ({caches: await caches.keys(), "
          "workers: (await navigator.serviceWorker.getRegistrations()).length})")


def _save(page) -> None:
    button = page.get_by_role("button", name=re.compile(r"^Save for offline \(\d+(\.\d)? (MB|KB)\)$"))
    assert page.evaluate(STORED) == {"caches": [], "workers": 0}, "something was stored unasked"
    button.click()
    page.get_by_text("Saved in this browser").wait_for(timeout=60_000)


def test_saved_site_opens_three_pages_and_searches_offline(browser, site_url: str) -> None:
    context = browser.new_context()
    remote: list[str] = []
    context.on("request", lambda r: remote.append(r.url)
               if urlsplit(r.url).scheme in ("http", "https") and urlsplit(r.url).hostname not in LOCAL else None)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{site_url}/intro.html", wait_until="networkidle")
    _save(page)
    stored = page.evaluate(STORED)
    assert len(stored["caches"]) == 1 and stored["workers"] == 1
    context.set_offline(True)
    for rel in ("chapters/consensus.html", "exercises/four-principles.html", "appendices/glossary.html"):
        page.goto(f"{site_url}/{rel}", wait_until="load")
        assert page.locator("article h1").first.is_visible(), f"{rel}: no title offline"
        font = page.evaluate("getComputedStyle(document.body).fontFamily")
        assert font and "Times" not in font, f"{rel}: stylesheets missing offline"
    page.goto(f"{site_url}/search.html?q=consensus", wait_until="load")
    results = page.locator("#search-results li")
    results.first.wait_for(timeout=30_000)
    assert "consensus" in results.first.inner_text().lower() or results.count() > 1
    assert page.get_by_role("button", name="Remove the offline copy").is_visible()
    context.set_offline(False)
    assert not remote and not errors, (remote, errors)
    context.close()


def test_a_new_build_replaces_the_saved_copy_and_remove_clears_it(browser, built_html: Path,
                                                                   tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "tools" / "site"))
    from static_server import serve

    site = tmp_path / "site"
    shutil.copytree(built_html, site, ignore=shutil.ignore_patterns("*.zip", "_sources"))
    write_offline(site)
    with serve(site) as url:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{url}/intro.html", wait_until="networkidle")
        _save(page)
        old = page.evaluate(STORED)["caches"]
        page_file = site / "appendices" / "about.html"
        page_file.write_text(page_file.read_text(encoding="utf-8").replace("</article>", "<p>New.</p></article>"),
                             encoding="utf-8")
        new_build = write_offline(site)["build"]
        page.evaluate("async () => { const r = await navigator.serviceWorker.getRegistration(); await r.update(); }")
        page.wait_for_function("async (b) => (await caches.keys()).length === 1 && "
                               "(await caches.keys())[0].endsWith(b)", arg=new_build, timeout=60_000)
        assert page.evaluate(STORED)["caches"] != old
        page.reload(wait_until="networkidle")
        page.get_by_role("button", name="Remove the offline copy").click()
        page.get_by_text("The offline copy is removed").wait_for()
        assert page.evaluate(STORED) == {"caches": [], "workers": 0}
        context.close()


def test_pages_from_disk_keep_the_control_hidden_and_register_nothing(browser, built_html: Path) -> None:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((built_html / "chapters" / "consensus.html").as_uri(), wait_until="load")
    assert page.locator(".course-offline").count() == 1
    assert not page.locator(".course-offline").is_visible()
    assert page.evaluate("typeof navigator.serviceWorker === 'undefined' || "
                         "navigator.serviceWorker.controller === null")
    assert not errors, errors
    context.close()
