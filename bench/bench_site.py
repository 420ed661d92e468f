"""Measure the course site against the stock `jupyter-book create` template.

For each book: clean build seconds per page (with notebook execution), no-change
rebuild seconds, peak memory of the build, and, in Chromium, the gzip bytes and
requests of a first visit and of the next page (resources already fetched are
cached, as a browser would). Also times nbval over every notebook. Writes JSON.

    python bench/bench_site.py [--output bench/results/site.json]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
TARGETS = {"first_visit_kb_median": 250, "next_page_kb_median": 15,
           "clean_build_ratio_to_stock": 1.5, "rebuild_s": 5, "nbval_s": 90}

PEAK = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
        "r = subprocess.run(sys.argv[1:], capture_output=True); "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")


def timed(cmd: list[str], cwd: Path) -> tuple[float, float, int]:
    """Run ``cmd``; return (seconds, peak resident MB of any child, exit code)."""
    out = subprocess.run([sys.executable, "-c", PEAK, *cmd], cwd=cwd, capture_output=True,
                         text=True, check=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024, int(out[2])


def build(src: Path, out: Path, toc: Path | None = None) -> dict[str, float]:
    cmd = [str(BIN / "jupyter-book"), "build", str(src), "--path-output", str(out)]
    clean_s, peak_mb, code = timed(cmd, src)
    if code != 0:
        raise SystemExit(f"build of {src} failed")
    rebuild_s, _, _ = timed(cmd, src)
    html = out / "_build" / "html"
    n = len([p for p in html.rglob("*.html") if not {"_static", "_sources"} & set(p.parts)
             and p.name not in ("genindex.html", "search.html")])
    return {"pages": n, "clean_build_s": round(clean_s, 2), "clean_build_s_per_page":
            round(clean_s / n, 3), "rebuild_s": round(rebuild_s, 2), "peak_memory_mb": round(peak_mb, 1)}


def weigh(html: Path, pages: list[str]) -> dict[str, object]:
    """Per-page gzip bytes and requests: first visit (empty cache) and the next page."""
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(
        _Quiet, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    firsts, nexts, first_reqs, next_reqs = [], [], [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                     args=ARGS)
        for i, page_path in enumerate(pages):
            ctx = browser.new_context()
            page = ctx.new_page()
            seen: dict[str, int] = {}

            def record(resp, store=seen) -> None:
                if resp.url.startswith(base) and resp.url not in store:
                    try:
                        store[resp.url] = len(gzip.compress(resp.body(), 6))
                    except Exception:  # noqa: BLE001 (redirects have no body)
                        store[resp.url] = 0
            page.on("response", record)
            page.goto(f"{base}/{page_path}", wait_until="networkidle")
            firsts.append(sum(seen.values()))
            first_reqs.append(len(seen))
            before = dict(seen)
            nxt = pages[(i + 1) % len(pages)]
            page.goto(f"{base}/{nxt}", wait_until="networkidle")
            new = {u: b for u, b in seen.items() if u not in before}
            nexts.append(sum(new.values()))
            next_reqs.append(len(new))
            ctx.close()
        browser.close()
    server.shutdown()
    return {"first_visit_kb_median": round(statistics.median(firsts) / 1024, 1),
            "first_visit_kb_max": round(max(firsts) / 1024, 1),
            "first_visit_requests_median": statistics.median(first_reqs),
            "next_page_kb_median": round(statistics.median(nexts) / 1024, 1),
            "next_page_kb_max": round(max(nexts) / 1024, 1),
            "next_page_requests_median": statistics.median(next_reqs)}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def html_pages(html: Path) -> list[str]:
    return sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html")
                  if not {"_static", "_sources", "reports"} & set(p.parts)
                  and p.name not in ("genindex.html", "search.html"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "site.json")
    args = ap.parse_args(argv)
    report: dict[str, object] = {"targets": TARGETS}
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        stock = tmpd / "stock"
        subprocess.run([str(BIN / "jupyter-book"), "create", str(stock)], check=True,
                       capture_output=True)
        for name, src in (("stock_template", stock), ("course", ROOT)):
            out = tmpd / f"out-{name}"
            figures = build(src, out)
            html = out / "_build" / "html"
            figures.update(weigh(html, html_pages(html)))
            report[name] = figures
            print(name, json.dumps(figures))
        t = time.perf_counter()
        subprocess.run([str(BIN / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        "--nbval-lax", "chapters", "exercises", "appendices"], cwd=ROOT, check=True,
                       capture_output=True)
        report["nbval_s"] = round(time.perf_counter() - t, 1)
    course, stock_fig = report["course"], report["stock_template"]
    report["clean_build_ratio_to_stock"] = round(
        course["clean_build_s_per_page"] / stock_fig["clean_build_s_per_page"], 2)  # type: ignore[index]
    report["meets_targets"] = {
        "first_visit_kb_median": course["first_visit_kb_median"] <= TARGETS["first_visit_kb_median"],  # type: ignore[index]
        "next_page_kb_median": course["next_page_kb_median"] <= TARGETS["next_page_kb_median"],  # type: ignore[index]
        "clean_build_ratio_to_stock": report["clean_build_ratio_to_stock"] <= TARGETS["clean_build_ratio_to_stock"],  # type: ignore[operator]
        "rebuild_s": course["rebuild_s"] <= TARGETS["rebuild_s"],  # type: ignore[index]
        "nbval_s": report["nbval_s"] <= TARGETS["nbval_s"],  # type: ignore[operator]
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
