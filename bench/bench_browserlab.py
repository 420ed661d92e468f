"""Benchmark: the browser lab's streamed SHA-256 in Chromium against the toolkit's CLI.

On one file of ``--mb`` MB (default 500) in a temporary folder it measures

- the CLI: ``python -m coursekit evidence hash FILE``, wall time of the process (so Python's
  start-up is counted), median of ``--runs`` runs after one warm-up run (page cache warm);
- the browser lab: Debian's Chromium (Playwright, headless) opens a page that holds the lab's
  hashing form (copied from chapters/evidence-lab-browser.md) and the same bundle
  (_static/browserlab/browserlab.mjs), chooses the file and presses the button; the time is
  the page's own (from the click to the digest: the file's stream read piece by piece into
  hash-wasm's incremental SHA-256),
  median of ``--runs`` runs;
- the ratio (browser throughput / CLI throughput: 1.0 means as fast, less is slower);
- the browser's peak resident memory (all Chromium processes, sampled every 50 ms with
  psutil) above its resident memory just before hashing: flat memory shows as a peak far
  below the file's size;
- that both gave the same hash (and the same as hashlib's);
- with ``--big-mb`` (default 2048: a long phone video), the browser's peak memory while hashing
  one file that large once, to show that memory stays flat as the file grows.

Writes JSON to ``--output`` (default ``bench/results/browserlab.json``) and prints it. It is
not a test: timings vary from machine to machine.

    python bench/bench_browserlab.py [--mb 500] [--runs 3] [--output bench/results/browserlab.json]
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import http.server
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HARNESS = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Browser lab hashing bench</title><link rel="icon" href="data:,"></head><body><main>{tool}</main>
<script src="browserlab.mjs"></script></body></html>"""


def make_file(path: Path, mb: int) -> str:
    """Write ``mb`` MiB of varied bytes; return their SHA-256 (hashlib)."""
    h = hashlib.sha256()
    block = os.urandom(1 << 20)
    with path.open("wb") as f:
        for i in range(mb):
            piece = block[i % 256:] + block[:i % 256]
            f.write(piece)
            h.update(piece)
    return h.hexdigest()


def cli_hash(path: Path) -> tuple[float, str]:
    """Wall seconds of ``python -m coursekit evidence hash`` and the hash it printed."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "coursekit", "evidence", "hash", str(path)],
                         capture_output=True, text=True, check=True).stdout
    return time.perf_counter() - start, out.split()[0]


class Sampler:
    """Peak resident memory of a process tree, sampled in a thread."""

    def __init__(self, root_pid: int) -> None:
        self.root = psutil.Process(root_pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def rss(self) -> int:
        total = 0
        for p in [self.root, *self.root.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            time.sleep(0.05)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def browser_hash(path: Path, site: Path, runs: int, *, warm_up: bool = True) -> dict[str, object]:
    """Hash ``path`` in the lab's page ``runs`` times (after a warm-up run); seconds, hash, memory."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    seconds: list[float] = []
    peaks: list[int] = []
    digest = ""
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
            page.wait_for_selector("html[data-browserlab=ready]")
            browser_pid = _browser_pid()
            for _ in range(runs + warm_up):  # a first run warms up (page cache, WebAssembly)
                page.evaluate("document.getElementById('bl-hash-out').removeAttribute('data-seconds')")
                page.set_input_files("#bl-hash-file", str(path))
                time.sleep(0.5)
                sampler = Sampler(browser_pid)
                base = sampler.rss()
                with sampler:
                    page.click("#bl-hash-form button[type=submit]")
                    page.wait_for_selector("#bl-hash-out[data-seconds]", timeout=600_000)
                seconds.append(float(page.get_attribute("#bl-hash-out", "data-seconds") or "nan"))
                peaks.append(sampler.peak - base)
                digest = page.get_attribute("#bl-hash-out", "data-sha256") or ""
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    skip = 1 if warm_up else 0
    return {"seconds": seconds[skip:], "sha256": digest, "peak_rss_above_idle_mb":
            round(max(peaks[skip:]) / 1e6, 1)}


def _browser_pid() -> int:
    """The newest Chromium browser process started by this script."""
    mine = [p for p in psutil.Process().children(recursive=True)
            if "chrom" in (p.name() or "").lower()]
    return min(mine, key=lambda p: p.create_time()).pid


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=int, default=500, help="file size in MiB (default 500)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each (default 3)")
    parser.add_argument("--big-mb", type=int, default=2048,
                        help="also hash one file this large (MiB) once, for peak memory only "
                             "(default 2048, a long phone video; 0 skips it)")
    parser.add_argument("--output", default="bench/results/browserlab.json")
    args = parser.parse_args(argv)
    page = (ROOT / "chapters" / "evidence-lab-browser.md").read_text(encoding="utf-8")
    tool = re.search(r'<div class="bl-tool" id="bl-hashing">.*?\n</div>', page, re.S)
    bundle = ROOT / "_static" / "browserlab" / "browserlab.mjs"
    if tool is None or not bundle.is_file():
        raise SystemExit("the lab page or its bundle is missing (build it: cd browserlab && npm run build)")
    with tempfile.TemporaryDirectory(prefix="bench-browserlab-") as tmp:
        folder = Path(tmp)
        site = folder / "site"
        site.mkdir()
        shutil.copy(bundle, site / "browserlab.mjs")
        (site / "index.html").write_text(HARNESS.format(tool=tool.group(0)), encoding="utf-8")
        data = folder / "video.bin"
        want = make_file(data, args.mb)
        size = data.stat().st_size
        cli_hash(data)  # warm-up
        cli_runs = [cli_hash(data) for _ in range(args.runs)]
        cli_s = statistics.median(s for s, _ in cli_runs)
        lab = browser_hash(data, site, args.runs)
        big: dict[str, object] = {}
        if args.big_mb:
            data.unlink()
            big_want = make_file(data, args.big_mb)
            big = browser_hash(data, site, 1, warm_up=False)
            big["same_hash"] = big["sha256"] == big_want
            big["file_mb"] = round(data.stat().st_size / 1e6, 1)
    lab_s = statistics.median(lab["seconds"])  # type: ignore[arg-type]
    result = {
        "file_mb": round(size / 1e6, 1),
        "runs": args.runs,
        "cli_seconds_median": round(cli_s, 3),
        "cli_mb_per_s": round(size / 1e6 / cli_s, 1),
        "browser_seconds_median": round(lab_s, 3),
        "browser_seconds": [round(s, 3) for s in lab["seconds"]],  # type: ignore[union-attr]
        "browser_mb_per_s": round(size / 1e6 / lab_s, 1),
        "ratio_browser_to_cli_throughput": round(cli_s / lab_s, 2),
        "browser_peak_rss_above_idle_mb": lab["peak_rss_above_idle_mb"],
        "same_hash": lab["sha256"] == want and all(h == want for _, h in cli_runs),
        "big_file_mb": big.get("file_mb"),
        "big_file_browser_seconds": big.get("seconds", [None])[0],  # type: ignore[index]
        "big_file_browser_peak_rss_above_idle_mb": big.get("peak_rss_above_idle_mb"),
        "big_file_same_hash": big.get("same_hash"),
        "chromium": subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True,
                                   check=False).stdout.strip(),
    }
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0 if result["same_hash"] and big.get("same_hash", True) else 1


if __name__ == "__main__":
    raise SystemExit(main())
