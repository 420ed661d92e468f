"""Shared fixtures: the project's paths, a one-off book build, and a local web server."""

from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
JB = Path(sys.executable).with_name("jupyter-book")


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
        [str(JB), "build", str(ROOT), *toc, "--path-output", str(out), "-n", "-W", "--keep-going"],
        capture_output=True, text=True, env=env, check=False,
    )
    return Build(out / "_build" / "html", proc.stdout + proc.stderr, proc.returncode)


@pytest.fixture(scope="session")
def book(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The learner edition, built once per test session into a temporary folder."""
    return build_book(tmp_path_factory.mktemp("book"))


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
    import shutil

    out = tmp_path_factory.mktemp("facilitator")
    cache = book.html.parent / ".jupyter_cache"
    if cache.is_dir():  # reuse the learner build's executed notebooks
        shutil.copytree(cache, out / "_build" / ".jupyter_cache")
    return build_book(out, edition="facilitator")


@pytest.fixture(scope="session")
def site_url(built_html: Path) -> Iterator[str]:
    """Serve the built site on a free localhost port for the session."""
    handler = functools.partial(_QuietHandler, directory=str(built_html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# `make test-fast` runs only the checks that need no book build, browser or PDF: any test that
# asks (directly or through another fixture) for one of these fixtures is marked `needs_build`.
BUILD_FIXTURES = {"book", "built_html", "site_url", "facilitator_book", "facilitator_html",
                  "browser", "pdfs", "packs", "lab_server"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "needs_build: the test needs a book build, a browser or PDFs")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if BUILD_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.needs_build)
