"""The browser lab in Firefox: the same checks as tests/test_browserlab.py, in a second engine.

Debian's firefox-esr is driven over WebDriver BiDi by puppeteer-core (from
browserlab/node_modules, installed by ``npm ci`` in browserlab/; no browser is downloaded)
through browserlab/test/firefox.mjs. This test makes the input files, runs the script on
the built site, and checks what came back with the CLI and exiftool.

puppeteer-core is installed on first use by ``npm ci`` from the committed lock file (like
tools/a11y). Without Firefox or Node.js the test FAILS naming what to install; it never skips.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from test_browserlab import MARKERS, PAGE, _exiftool, _image_data, cli, media  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
FIREFOX = shutil.which("firefox-esr") or "/usr/bin/firefox-esr"
NODE = shutil.which("node")
DRIVER = ROOT / "browserlab" / "test" / "firefox.mjs"


LAB = ROOT / "browserlab"


@pytest.fixture(scope="session")
def browserlab_tools() -> Path:
    """browserlab/ with its pinned npm packages (puppeteer-core) installed from the lock file.

    Installed once (``npm ci``, no browser download) when missing or older than the lock file;
    fails with the reason when Firefox, Node.js or npm are missing or npm cannot install.
    """
    if not Path(FIREFOX).exists():
        pytest.fail("Firefox is missing: install Debian's 'firefox-esr' package")
    npm = shutil.which("npm")
    if NODE is None or npm is None:
        pytest.fail("Node.js is missing: install Debian's 'nodejs' and 'npm' packages")
    stamp, lock = LAB / "node_modules" / ".package-lock.json", LAB / "package-lock.json"
    if not stamp.is_file() or stamp.stat().st_mtime < lock.stat().st_mtime:
        env = dict(os.environ, PUPPETEER_SKIP_DOWNLOAD="1")
        proc = subprocess.run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=LAB,
                              env=env, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            pytest.fail(f"npm ci in browserlab failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return LAB


@pytest.mark.usefixtures("one_firefox")
def test_the_lab_works_in_firefox(browserlab_tools: Path, site_url: str,
                                  media: dict[str, Path], tmp_path: Path) -> None:  # noqa: F811
    for fmt, ext in (("jpeg", "jpg"), ("png", "png"), ("webp", "webp")):
        shutil.copy(media[fmt], tmp_path / f"hills.{ext}")
    (tmp_path / "evidence.bin").write_bytes(b"footage bytes " * 1000)
    log = tmp_path / "cli.jsonl"
    assert cli("log", "init", str(log), "--actor", "coordinator", cwd=tmp_path).returncode == 0
    assert cli("log", "add", str(log), "evidence.bin", "--actor", "team", "--action", "collected",
               cwd=tmp_path).returncode == 0
    assert cli("log", "add", str(log), "hills.jpg", "--actor", "team", "--action", "collected",
               cwd=tmp_path).returncode == 0
    lines = log.read_bytes().splitlines(keepends=True)
    (tmp_path / "tampered.jsonl").write_bytes(lines[0] + lines[1].replace(b"team", b"mate") + lines[2])

    run = subprocess.run([NODE, str(DRIVER), f"{site_url}/{PAGE}", str(tmp_path)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, check=False)
    results_file = tmp_path / "results.json"
    assert run.returncode == 0 and results_file.exists(), run.stdout + run.stderr
    results = json.loads(results_file.read_text())
    assert "Firefox" in results["userAgent"]
    assert not results["errors"], results["errors"][:3]
    assert not results["remote"], results["remote"][:3]

    # Scrubbed copies: clean by exiftool, image data byte-identical.
    for fmt, ext in (("jpeg", "jpg"), ("png", "png"), ("webp", "webp")):
        clean = tmp_path / f"clean.{ext}"
        assert "Checked" in results["texts"][f"scrub-{ext}"]
        found = _exiftool(clean)
        leaks = {k: v for k, v in found.items()
                 if k.split(":")[0].startswith(("GPS", "XMP", "IPTC", "IFD1"))
                 or (k not in ("SourceFile", "System:FileName", "System:Directory")
                     and any(m in str(v) for m in MARKERS))}
        assert not leaks, (fmt, leaks)
        assert _image_data(fmt, clean.read_bytes()) == _image_data(fmt, media[fmt].read_bytes())

    assert "10.500000° N, 30.250000° W" in results["texts"]["meta"]

    # The page's log verifies with the CLI; the CLI's log verifies in the page.
    verified = cli("log", "verify", "browser.jsonl", cwd=tmp_path)
    assert verified.returncode == 0 and "2 entries read, 1 logged files checked" in verified.stdout, \
        verified.stdout + verified.stderr
    assert "OK:" in results["texts"]["verify-cli.jsonl"]
    assert "3 entries read" in results["texts"]["verify-cli.jsonl"]
    # The tampered log: both name line 2.
    assert "FAILED" in results["texts"]["verify-tampered.jsonl"]
    assert results["texts"]["first-bad-tampered.jsonl"] == "2"
    cli_result = cli("log", "verify", "tampered.jsonl", cwd=tmp_path)
    assert cli_result.returncode == 1 and "- line 2:" in cli_result.stdout
