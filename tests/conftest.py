"""Shared fixtures: the project's paths, a one-off book build, and a local web server."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Jupyter Book's command line, as `make html` runs it (coursekit/jb.py: the same command, started sooner).
JB = [sys.executable, "-m", "coursekit.jb"]


_SPHINX_WARNING = re.compile(r"(?:^|: )(?:\x1b\[[0-9;]*m)*(?:WARNING|ERROR|CRITICAL): ")


@dataclass(frozen=True)
class Build:
    """The result of building the book once with warnings as errors."""

    html: Path
    log: str
    returncode: int

    def warnings(self) -> list[str]:
        """Sphinx's warnings and errors, as Sphinx prints them ("path:line: WARNING: message").

        Log lines of the kernels that execute the notebooks ("[IPKernelApp] WARNING | …",
        "ERROR:tornado.general:…" during a kernel's shutdown) are not Sphinx warnings.
        """
        return [ln for ln in self.log.splitlines() if _SPHINX_WARNING.search(ln)]

    def reports(self) -> str:
        """Execution reports Jupyter Book writes when a notebook fails."""
        folder = self.html / "reports"
        if not folder.is_dir():
            return ""
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')}" for p in folder.rglob("*.*"))


def build_book(out: Path, edition: str = "learner") -> Build:
    """Build the book into ``out`` with ``-n -W --keep-going`` and return the result."""
    env = dict(os.environ, COURSE_EDITION=edition)
    toc = ["--toc", str(ROOT / "_toc-facilitator.yml")] if edition == "facilitator" else []
    proc = subprocess.run(
        [*JB, "build", str(ROOT), *toc, "--path-output", str(out), "-n", "-W", "--keep-going"],
        capture_output=True, text=True, env=env, check=False,
    )
    return Build(out / "_build" / "html", proc.stdout + proc.stderr, proc.returncode)


def shared_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's temporary folder, shared by every pytest-xdist worker of the session."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared_build(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], Build]) -> Build:
    """Build ``name`` once per test session, however many workers ask for it.

    `make test` runs the suite on two workers (pytest-xdist); the first worker to need a build
    makes it under a lock while the other waits, and both read the same result afterwards.
    """
    from filelock import FileLock

    root = shared_root(tmp_path_factory)
    record = root / f"{name}.build.json"
    with FileLock(str(root / f"{name}.build.lock")):
        if record.is_file():
            data = json.loads(record.read_text(encoding="utf-8"))
            return Build(Path(data["html"]), data["log"], data["returncode"])
        out = root / name
        out.mkdir(parents=True, exist_ok=True)
        result = make(out)
        record.write_text(json.dumps({"html": str(result.html), "log": result.log,
                                      "returncode": result.returncode}), encoding="utf-8")
        return result


@pytest.fixture
def one_firefox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Hold a lock shared by the session's workers while a test drives Firefox: two Firefox
    instances starting at once on two busy cores can take longer than the driver waits."""
    from filelock import FileLock

    with FileLock(str(shared_root(tmp_path_factory) / "firefox.lock")):
        yield


@pytest.fixture(scope="session")
def book(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The learner edition, built once per test session into a temporary folder."""
    return shared_build(tmp_path_factory, "book", build_book)


@pytest.fixture(scope="session")
def built_html(book: Build) -> Path:
    """The built site's folder; fails (with the log) if the build did not succeed."""
    if book.returncode != 0 or not (book.html / "index.html").exists():
        pytest.fail(f"the book did not build:\n{book.log[-6000:]}\n{book.reports()[-6000:]}")
    return book.html


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="session")
def facilitator_build(book: Build, tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The facilitator edition, built once per test session (reusing the learner build's cache)."""
    def make(out: Path) -> Build:
        cache = book.html.parent / ".jupyter_cache"
        if cache.is_dir():  # reuse the learner build's executed notebooks
            shutil.copytree(cache, out / "_build" / ".jupyter_cache")
        return build_book(out, edition="facilitator")

    return shared_build(tmp_path_factory, "facilitator", make)


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on a free localhost port while the block runs; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(built_html: Path) -> Iterator[str]:
    """Serve the built site on a free localhost port for the session."""
    with serve(built_html) as url:
        yield url


@pytest.fixture(scope="session")
def facilitator_html(facilitator_build: Build) -> Path:
    """The facilitator edition's built site; fails (with the log) if that build did not succeed."""
    b = facilitator_build
    if b.returncode != 0 or not (b.html / "index.html").exists():
        pytest.fail(f"the facilitator edition did not build:\n{b.log[-6000:]}\n{b.reports()[-6000:]}")
    return b.html


@pytest.fixture(scope="session")
def facilitator_url(facilitator_html: Path) -> Iterator[str]:
    """Serve the facilitator edition on a free localhost port for the session."""
    with serve(facilitator_html) as url:
        yield url


def site_pages(html: Path) -> list[str]:
    """Every reader-facing page of a built site, relative to its folder, sorted."""
    return sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html")
                  if not {"_static", "_sources", "reports", "_images"} & set(p.relative_to(html).parts))


def browser_pages(html: Path) -> list[str]:
    """The pages a browser test opens: every page except redirects (``<meta http-equiv=refresh>``,
    which leave for their target at once; the HTML checker still validates them)."""
    return [rel for rel in site_pages(html)
            if 'http-equiv="refresh"' not in (html / rel).read_text(encoding="utf-8")[:2000].lower()]


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright, one instance for the whole session.

    Without Chromium the browser tests FAIL with the package to install; they never skip.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: the browser tests need Debian's 'chromium' package "
                    "(sudo apt-get update && sudo apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


A11Y_TOOLS = ROOT / "tools" / "a11y"


@pytest.fixture(scope="session")
def a11y_tools() -> Path:
    """tools/a11y with its pinned npm packages installed (axe-core, pa11y, vnu-jar, Puppeteer).

    `make test` installs them (`npm ci` from the committed lock file, no browser download);
    when run directly, pytest does the same once. Fails with the reason when npm cannot.
    """
    stamp = A11Y_TOOLS / "node_modules" / ".package-lock.json"
    lock = A11Y_TOOLS / "package-lock.json"
    if not stamp.is_file() or stamp.stat().st_mtime < lock.stat().st_mtime:
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is missing: the accessibility checks need Node.js and npm "
                        "(sudo apt-get install -y nodejs npm)")
        env = dict(os.environ, PUPPETEER_SKIP_DOWNLOAD="1")
        proc = subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
                              cwd=A11Y_TOOLS, env=env, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            pytest.fail(f"npm ci in tools/a11y failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return A11Y_TOOLS


# `make test-fast` runs only the checks that need no book build, browser or PDF: any test that
# asks (directly or through another fixture) for one of these fixtures is marked `needs_build`.
BUILD_FIXTURES = {"book", "built_html", "site_url", "facilitator_book", "facilitator_html", "arabic_build",
                  "arabic_html", "arabic_url",
                  "facilitator_build", "facilitator_url", "browser", "pdfs", "packs", "lab_server"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs_build: the test needs a book build, a browser or PDFs")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if BUILD_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.needs_build)
