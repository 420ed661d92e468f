"""Measure the course site against the stock `jupyter-book create` template.

For each book: clean build seconds per page (with notebook execution), no-change
rebuild seconds (the faster of two runs), peak memory of the build, and, in Chromium, the gzip bytes and
requests of a first visit and of the next page (resources already fetched are
cached, as a browser would), and Lighthouse scores (mobile: performance, accessibility,
best practices, SEO; npm lighthouse from tools/site with Debian's Chromium) against a local
server that compresses like a static host (tools/site/static_server.py). The Arabic edition is
built (clean, its own notebook cache), weighed and scored too, and both editions' build time is
compared with the English one's. Each edition's clean build is timed twice (the second pair one
after the other at the end); the faster run of each is reported, with both runs, because build
times on a shared machine vary by a third between runs. Each book is built as its users build it:
the stock template with ``jupyter-book``, the course through ``python -m coursekit.jb`` as
``make html`` does (see ``PLAIN`` and ``JB``; the other command is timed too, for comparison).
Also times nbval over every notebook. Writes JSON.

    python bench/bench_site.py [--output bench/results/site.json]
                               [--compare NAME=HTML_DIR ...] [--sites-only]

``--compare before=/tmp/old/_build/html`` weighs and scores an already built site in the same
run (side by side with the stock template and the course); ``--sites-only`` skips the build
timings and nbval (the course is then weighed from ``--compare`` sites only).
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
#: Each book is built as its users build it: the stock template with plain `jupyter-book`, the
#: course as `make html` does, through coursekit/jb.py (the same command line, started about 2 s
#: sooner). For comparison, the stock template's clean build is also timed through coursekit.jb
#: and the course's no-change rebuild with plain `jupyter-book`.
PLAIN = [str(BIN / "jupyter-book")]
JB = [str(BIN / "python"), "-m", "coursekit.jb"]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
TARGETS = {"first_visit_kb_median": 110, "next_page_kb_median": 15, "both_editions_build_ratio_to_english": 2.2,
           "clean_build_ratio_to_stock": 1.5, "rebuild_s": 5, "nbval_s": 90,
           "lighthouse_performance": 95, "lighthouse_accessibility": 100,
           "lighthouse_best-practices": 100, "lighthouse_seo": 100}
SITE_TOOLS = ROOT / "tools" / "site"
LIGHTHOUSE = SITE_TOOLS / "node_modules" / "lighthouse" / "cli" / "index.js"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
#: Pages Lighthouse scores: the course's home, a chapter and an exercise page (those that exist).
LIGHTHOUSE_PAGES = ("intro.html", "chapters/consensus.html", "exercises/ism-in-context.html")
LH_CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
                   "--disable-background-networking --disable-component-update --disable-sync")

PEAK = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
        "r = subprocess.run(sys.argv[1:], capture_output=True); "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")


def timed(cmd: list[str], cwd: Path) -> tuple[float, float, int]:
    """Run ``cmd``; return (seconds, peak resident MB of any child, exit code)."""
    out = subprocess.run([sys.executable, "-c", PEAK, *cmd], cwd=cwd, capture_output=True,
                         text=True, check=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024, int(out[2])


def build(src: Path, out: Path, cmd: list[str], extra: list[str] | None = None) -> dict[str, object]:
    """Clean build, then the no-change rebuild twice (the faster is kept, as the first run after a
    clean build reads much of it back from disk), with ``cmd``; and once with the other command."""
    args = ["build", str(src), "--path-output", str(out), *(extra or [])]
    clean_s, peak_mb, code = timed([*cmd, *args], src)
    if code != 0:
        raise SystemExit(f"build of {src} failed")
    rebuilds = [round(timed([*cmd, *args], src)[0], 2) for _ in range(2)]
    other, label = (JB, "rebuild_s_coursekit_jb") if cmd == PLAIN else (PLAIN, "rebuild_s_plain_jupyter_book")
    other_s, _, _ = timed([*other, *args], src)
    html = out / "_build" / "html"
    n = len([p for p in html.rglob("*.html") if not {"_static", "_sources"} & set(p.parts)
             and p.name not in ("genindex.html", "search.html")])
    return {"command": " ".join(Path(c).name for c in cmd), "pages": n,
            "clean_build_s": round(clean_s, 2), "clean_build_s_per_page": round(clean_s / n, 3),
            "rebuild_s": min(rebuilds), "rebuild_s_runs": rebuilds, label: round(other_s, 2),
            "peak_memory_mb": round(peak_mb, 1)}


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


def lighthouse(html: Path, pages: list[str]) -> dict[str, object]:
    """Lighthouse (mobile, simulated slow 4G) on ``pages``: scores 0-100 per page and the minimum."""
    import os

    sys.path.insert(0, str(SITE_TOOLS))
    from static_server import serve

    if not LIGHTHOUSE.is_file():
        raise SystemExit("Lighthouse is missing: run `npm ci --prefix tools/site` (make bench does)")
    node = shutil.which("node")
    if node is None:
        raise SystemExit("Node.js is missing: sudo apt-get install -y nodejs npm")
    env = dict(os.environ, CHROME_PATH=shutil.which("chromium") or "/usr/bin/chromium")
    scores: dict[str, dict[str, int]] = {}
    failed: dict[str, list[str]] = {}
    with serve(html) as base, tempfile.TemporaryDirectory() as tmp:
        for page in pages:
            out = Path(tmp) / "lh.json"
            proc = subprocess.run([node, str(LIGHTHOUSE), f"{base}/{page}", "--quiet", "--output=json",
                                   f"--output-path={out}", f"--chrome-flags={LH_CHROME_FLAGS}",
                                   f"--only-categories={','.join(CATEGORIES)}"],
                                  env=env, capture_output=True, text=True, check=False)
            if proc.returncode != 0 or not out.is_file():
                raise SystemExit(f"Lighthouse failed on {page}: {(proc.stderr.strip().splitlines() or ['?'])[-1]}")
            report = json.loads(out.read_text(encoding="utf-8"))
            scores[page] = {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES}
            failed[page] = sorted(a["id"] for c in CATEGORIES for a in report["categories"][c]["auditRefs"]
                                  if a["weight"] > 0 and (report["audits"][a["id"]].get("score") or 0) < 1
                                  and report["audits"][a["id"]].get("score") is not None)
    return {"lighthouse": scores, "lighthouse_failing_audits": failed,
            "lighthouse_min": {c: min(s[c] for s in scores.values()) for c in CATEGORIES}}


def lighthouse_pages(html: Path) -> list[str]:
    """The pages Lighthouse scores: those of LIGHTHOUSE_PAGES that exist, else the first page."""
    pages = [p for p in LIGHTHOUSE_PAGES if (html / p).is_file()]
    return pages or html_pages(html)[:1]


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
    ap.add_argument("--compare", action="append", default=[], metavar="NAME=HTML_DIR",
                    help="also weigh and score an already built site (repeatable)")
    ap.add_argument("--sites-only", action="store_true",
                    help="skip build timings and nbval; weigh and score the stock template and --compare sites")
    args = ap.parse_args(argv)
    extra: dict[str, Path] = {}
    for item in args.compare:
        name, _, folder = item.partition("=")
        if not name or not Path(folder, "index.html").is_file():
            ap.error(f"--compare {item!r}: give NAME=FOLDER of a built site (with index.html)")
        extra[name] = Path(folder)
    report: dict[str, object] = {"targets": TARGETS}
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        stock = tmpd / "stock"
        subprocess.run([*PLAIN, "create", str(stock)], check=True,
                       capture_output=True)
        books = [("stock_template", stock)] + ([] if args.sites_only else [("course", ROOT)])
        for name, src in books:
            out = tmpd / f"out-{name}"
            if args.sites_only:
                subprocess.run([*PLAIN, "build", str(src), "--path-output", str(out)],
                               check=True, capture_output=True)
                figures: dict[str, object] = {}
            else:
                figures = build(src, out, PLAIN if name == "stock_template" else JB)
            html = out / "_build" / "html"
            figures.update(weigh(html, html_pages(html)))
            figures.update(lighthouse(html, lighthouse_pages(html)))
            report[name] = figures
            print(name, json.dumps(figures))
        if not args.sites_only:  # the Arabic edition: its own build (own notebook cache), weighed and scored
            out = tmpd / "out-course-ar"
            out.mkdir()
            config = out / "_config-ar.yml"
            subprocess.run([str(BIN / "python"), "-m", "coursekit.i18n", "config", str(config), "--language", "ar"],
                           cwd=ROOT, check=True, capture_output=True)
            figures = build(ROOT, out, JB, extra=["--config", str(config), "--toc", str(ROOT / "_toc-ar.yml")])
            html = out / "_build" / "html"
            figures.update(weigh(html, html_pages(html)))
            figures.update(lighthouse(html, lighthouse_pages(html)))
            report["course_arabic"] = figures
            print("course_arabic", json.dumps(figures))
        for name, html in extra.items():
            figures = weigh(html, html_pages(html))
            figures.update(lighthouse(html, lighthouse_pages(html)))
            report[name] = figures
            print(name, json.dumps(figures))
        if not args.sites_only:  # each book's clean build once more, one after the other
            configs = {"stock_template": (stock, PLAIN, []), "course": (ROOT, JB, []),
                       "course_arabic": (ROOT, JB, ["--config", str(tmpd / "out-course-ar" / "_config-ar.yml"),
                                                    "--toc", str(ROOT / "_toc-ar.yml")])}
            for name, (src, cmd, extra_args) in configs.items():
                again = tmpd / f"again-{name}"
                again.mkdir()
                seconds, _, code = timed([*cmd, "build", str(src), "--path-output",
                                          str(again), *extra_args], src)
                if code != 0:
                    raise SystemExit(f"second build of {name} failed")
                first = report[name]["clean_build_s"]  # type: ignore[index]
                runs = [first, round(seconds, 2)]
                report[name].update({"clean_build_s_runs": runs, "clean_build_s": min(runs),  # type: ignore[union-attr]
                                     "clean_build_s_per_page": round(min(runs) / report[name]["pages"], 3)})  # type: ignore[index]
                shutil.rmtree(again, ignore_errors=True)
            again = tmpd / "again-stock-jb"  # the stock template through coursekit.jb, for comparison
            seconds, _, code = timed([*JB, "build", str(stock), "--path-output", str(again)], stock)
            if code == 0:
                report["stock_template"]["clean_build_s_coursekit_jb"] = round(seconds, 2)  # type: ignore[index]
            t = time.perf_counter()
            subprocess.run([str(BIN / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            "--nbval-lax", "chapters", "exercises", "appendices"], cwd=ROOT, check=True,
                           capture_output=True)
            report["nbval_s"] = round(time.perf_counter() - t, 1)
    if not args.sites_only:
        course, stock_fig = report["course"], report["stock_template"]
        report["clean_build_ratio_to_stock"] = round(
            course["clean_build_s_per_page"] / stock_fig["clean_build_s_per_page"], 2)  # type: ignore[index]
        if "clean_build_s_coursekit_jb" in stock_fig:  # type: ignore[operator]
            report["clean_build_ratio_to_stock_both_through_coursekit_jb"] = round(
                course["clean_build_s_per_page"] / (stock_fig["clean_build_s_coursekit_jb"]  # type: ignore[index]
                                                    / stock_fig["pages"]), 2)  # type: ignore[index]
        arabic = report["course_arabic"]
        report["both_editions_build_ratio_to_english"] = round(
            (course["clean_build_s"] + arabic["clean_build_s"]) / course["clean_build_s"], 2)  # type: ignore[index,operator]
        lh = course["lighthouse_min"]  # type: ignore[index]
        report["meets_targets"] = {
            "first_visit_kb_median": course["first_visit_kb_median"] <= TARGETS["first_visit_kb_median"],  # type: ignore[index]
            "next_page_kb_median": course["next_page_kb_median"] <= TARGETS["next_page_kb_median"],  # type: ignore[index]
            "clean_build_ratio_to_stock": report["clean_build_ratio_to_stock"] <= TARGETS["clean_build_ratio_to_stock"],  # type: ignore[operator]
            "rebuild_s": course["rebuild_s"] <= TARGETS["rebuild_s"],  # type: ignore[index]
            "nbval_s": report["nbval_s"] <= TARGETS["nbval_s"],  # type: ignore[operator]
            "both_editions_build_ratio_to_english": report["both_editions_build_ratio_to_english"]
            <= TARGETS["both_editions_build_ratio_to_english"],  # type: ignore[operator]
            **{f"lighthouse_{c}": lh[c] >= TARGETS[f"lighthouse_{c}"] for c in CATEGORIES},  # type: ignore[index]
        }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
