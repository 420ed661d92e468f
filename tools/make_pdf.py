"""Print the built site to PDF: one handout per chapter and one PDF of the whole course.

Uses Playwright with Debian's Chromium (print-to-PDF applies the course's print stylesheet).

    python tools/make_pdf.py [--html _build/html] [--out _build/pdf]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import sys
import threading
from pathlib import Path

import yaml
from pypdf import PdfWriter

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def toc_pages(toc: Path = ROOT / "_toc.yml") -> list[str]:
    """Book pages in reading order (root, then every chapter), as paths without suffix."""
    data = yaml.safe_load(toc.read_text(encoding="utf-8"))
    order = [data["root"]]
    for part in data.get("parts", []):
        order += [c["file"] for c in part.get("chapters", [])]
    return order


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    ap.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf")
    args = ap.parse_args(argv)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        print("make pdf needs Debian's chromium: sudo apt-get install -y chromium", file=sys.stderr)
        return 2
    if not (args.html / "index.html").exists():
        print(f"{args.html} has no built site: run `make html` first", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(args.html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    written: list[Path] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=ARGS)
            page = browser.new_page()
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith((base, "data:"))
                       else r.abort())
            for entry in toc_pages():
                page.goto(f"{base}/{entry}.html", wait_until="networkidle")
                target = args.out / f"{Path(entry).name}.pdf"
                page.pdf(path=str(target), format="A4", print_background=False,
                         margin={"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"})
                written.append(target)
            browser.close()
    finally:
        server.shutdown()
    whole = PdfWriter()
    for pdf in written:
        whole.append(str(pdf))
    course = args.out / "solidarity-in-practice.pdf"
    with course.open("wb") as fh:
        whole.write(fh)
    print(f"wrote {len(written)} handouts and {course}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
