"""JupyterLab (`make lab`): MyST renders, and quizzes give the same feedback as on the site.

Starts JupyterLab from .venv on a free port (token, no browser) over a copy of the notebooks (so
nothing a run changes reaches the repository; autosave is off as well), opens a chapter and an
exercise notebook in Debian's Chromium, runs every cell, answers a self-check question and reads
its feedback, and checks that MyST markup (admonitions, citations) is rendered, not shown raw.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
JUPYTER = Path(sys.executable).with_name("jupyter")
#: Lab settings for the test: no autosave, no news fetched from the internet, every cell rendered
#: (not only those in view), so the whole notebook can be read.
SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                          "checkForUpdates": False},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """JupyterLab over a copy of chapters/ and exercises/; yields its URL with the token."""
    if not JUPYTER.exists():
        pytest.fail(f"{JUPYTER} is missing: run `make venv`")
    base = tmp_path_factory.mktemp("lab")
    work = base / "course"
    for folder in ("chapters", "exercises"):
        shutil.copytree(ROOT / folder, work / folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    settings = base / "settings"
    for rel, value in SETTINGS.items():
        target = settings / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(value), encoding="utf-8")
    token, port = secrets.token_hex(16), _free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(base / "config"), JUPYTER_RUNTIME_DIR=str(base / "run"),
               JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(base / "workspaces"))
    log = (base / "lab.log").open("w")
    proc = subprocess.Popen(
        [str(JUPYTER), "lab", "--no-browser", "--allow-root", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.token={token}", f"--ServerApp.root_dir={work}", "--LabApp.expose_app_in_browser=True"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(120):
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab stopped: {(base / 'lab.log').read_text()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start within 60 s")
        yield f"http://127.0.0.1:{port}|{token}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def lab_page(browser, lab_server: str) -> Iterator[object]:
    """One Chromium page (the session's browser, tests/conftest.py) for the lab tests."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def _open_and_run(page, lab_server: str, notebook: str) -> None:
    url, token = lab_server.split("|")
    page.goto(f"{url}/lab/tree/{notebook}?token={token}")
    name = notebook.rsplit("/", 1)[-1]
    page.wait_for_function("""(name) => { const w = window.jupyterapp?.shell?.currentWidget;
        const k = w?.sessionContext?.session?.kernel;
        return w?.context?.path?.endsWith(name) && k?.connectionStatus === 'connected' &&
               k?.status === 'idle'; }""", arg=name, timeout=90_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function("""() => { const w = window.jupyterapp.shell.currentWidget;
        const cells = w?.content?.widgets?.filter(c => c.model.type === 'code') || [];
        return w?.sessionContext?.session?.kernel?.status === 'idle' && cells.length > 0 &&
               cells.every(c => c.model.executionCount !== null); }""", timeout=180_000, polling=500)
    errors = page.evaluate("""() => Array.from(document.querySelectorAll(
        '.jp-mod-active .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], '
        + '.jp-OutputArea-output.jp-RenderedText[data-mime-type="application/vnd.jupyter.error"]'))
        .map(e => e.innerText.slice(0, 300))""")
    assert not [e for e in errors if "Error" in e], errors


def _answer_first_quiz(page) -> str:
    quiz = page.locator(".jp-OutputArea-output form.course-quiz fieldset").first
    quiz.scroll_into_view_if_needed()
    wrong = quiz.locator("input[data-correct=false]").first
    quiz.locator(f"label[for='{wrong.get_attribute('id')}']").click()
    feedback = quiz.locator(".quiz-feedback")
    page.wait_for_function("(el) => el.textContent.length > 0", arg=feedback.element_handle(), timeout=10_000)
    return feedback.inner_text()


def _markdown_text(page) -> str:
    """The visible text of every rendered Markdown cell of the open notebook."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('.jp-MarkdownCell'))
        .map(e => e.innerText).join('\\n')""")


def _check_myst(page) -> None:
    """MyST markup is rendered by jupyterlab-myst: titled boxes and citations, no raw roles."""
    text = _markdown_text(page)
    assert "Learning objectives" in text
    for raw in ("{cite}", "```{admonition}", ":class:", "{doc}", "{term}"):
        assert raw not in text, f"raw MyST markup shown: {raw}"
    voice = page.locator(".jp-MarkdownCell").get_by_text("Ayed Morrar, community organiser").first
    assert voice.is_visible()
    # {cite} is parsed as a citation (Lab has no bibliography, so it names the key, marked
    # "Citation Not Found", instead of showing the raw role).
    assert page.locator(".jp-MarkdownCell cite, .jp-MarkdownCell [title='Citation Not Found']").count() > 0


@pytest.mark.parametrize("notebook", ["chapters/consensus.ipynb", "exercises/ism-in-context.ipynb"])
def test_notebook_runs_renders_myst_and_its_quiz_gives_the_site_feedback(lab_page, lab_server: str,
                                                                         notebook: str) -> None:
    from coursekit.quiz import load_quiz

    _open_and_run(lab_page, lab_server, notebook)
    if notebook.startswith("chapters/"):
        _check_myst(lab_page)
    text = _answer_first_quiz(lab_page)
    assert text.startswith("Not quite. ")
    bank = load_quiz(Path(notebook).stem)
    feedbacks = {c.feedback for q in bank.questions.values() for c in q.choices if not c.correct}
    assert text.removeprefix("Not quite. ") in feedbacks  # the bank's own words, as on the site
    lab_page.evaluate("window.jupyterapp.commands.execute('application:close-all')")
