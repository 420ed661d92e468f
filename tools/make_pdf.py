"""Print the built site to PDF: one handout per page of the book and one PDF of the whole course.

Uses Playwright with Debian's Chromium. Every PDF has a running header (course and chapter
title), page numbers, printed link addresses, code and tables that wrap inside the page,
quizzes printed as questions with an answer key at the end, worked solutions at the end and
the chapter's own reference list. The whole-course PDF adds a title page, a contents page
with page numbers and bookmarks (a PDF outline), and is tagged for screen readers.

    python tools/make_pdf.py [--html _build/html] [--out _build/pdf] [--toc _toc.yml]
                             [--pages chapters/consensus ...] [--no-course]

Exit codes: 0 written · 2 usage error, no browser or no built site · 3 a page of the
table of contents is missing from the built site · 4 printing failed.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import io
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

logging.getLogger("pypdf").setLevel(logging.ERROR)  # Chromium's PDFs trip a harmless xref notice

ROOT = Path(__file__).resolve().parent.parent
TOOLS = Path(__file__).resolve().parent
COURSE = "Solidarity in Practice"
#: What the PDFs print around the course's text, per language of the built site (<html lang>).
WORDS = {
    "en": {"course": COURSE, "edition": "Learner edition", "contents": "Contents",
           "lead": "An open course on the International Solidarity Movement: its principles, "
                   "nonviolent direct action and documentation.", "page": None},
    "ar": {"course": "التضامن عمليًا", "edition": "نسخة المتعلمين", "contents": "المحتويات",
           "lead": "مقرر مفتوح عن حركة التضامن الدولية: مبادئها، والعمل المباشر اللاعنفي، والتوثيق.",
           "page": '"صفحة " counter(page) " من " counter(pages)'},
}
COURSE_PDF = "solidarity-in-practice.pdf"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: Page margins; the print stylesheet's @page rule uses the same ones.
MARGIN = {"top": "20mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}


class PrintError(Exception):
    """A failure with a one-line message and the exit code to return."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Part:
    """One part of the table of contents: its caption and its pages (paths without suffix)."""

    caption: str
    files: list[str]


def toc_parts(toc: Path = ROOT / "_toc.yml") -> tuple[str, list[Part]]:
    """The book's root page and its parts, in reading order (sections of a chapter follow it)."""
    data = yaml.safe_load(toc.read_text(encoding="utf-8"))

    def walk(entries: list[dict[str, Any]]) -> Iterator[str]:
        for entry in entries:
            if "file" in entry:
                yield entry["file"]
            yield from walk(entry.get("sections", []))

    parts = [Part(str(p.get("caption", "")), list(walk(p.get("chapters", []))))
             for p in data.get("parts", [])]
    return data["root"], parts


def toc_pages(toc: Path = ROOT / "_toc.yml") -> list[str]:
    """Book pages in reading order (root, then every chapter), as paths without suffix."""
    root, parts = toc_parts(toc)
    return [root] + [f for p in parts for f in p.files]


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string (for a margin box's ``content``)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def running_header_css(name: str | None, title: str, rtl: bool = False) -> str:
    """An @page rule whose top margin box shows ``title`` (named page ``name``, or every page):
    top right for a left-to-right page, top left (mirrored) for a right-to-left one."""
    selector = f"@page {name}" if name else "@page"
    box, align = ("top-left", "left") if rtl else ("top-right", "right")
    return (f"@media print {{ {selector} {{ @{box} {{ content: {css_string(title)}; "
            f"font: 8.5pt system-ui, sans-serif; color: #333; max-width: 60%; text-align: {align}; }} }} }}")


def page_language(page: Any) -> str:
    """The open page's language (``<html lang>``), if WORDS has it; English otherwise."""
    language = str(page.evaluate("document.documentElement.lang || 'en'"))[:2]
    return language if language in WORDS else "en"


def language_css(language: str) -> str:
    """The course name and page-number line in ``language`` (the print stylesheet's are English);
    right to left, the course name moves to the top right (the chapter title takes the left)."""
    words = WORDS[language]
    if not words["page"]:
        return ""
    return (f"@media print {{ @page {{ @top-left {{ content: none; }} "
            f"@top-right {{ content: {css_string(words['course'])}; font: 8.5pt system-ui, sans-serif; "
            f"color: #333; }} @bottom-center {{ content: {words['page']}; }} }} }}")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on a free localhost port; yields the base URL."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def browser_page(base: str) -> Iterator[Any]:
    """A Chromium page that may load only from ``base`` (and ``data:`` URIs)."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        raise PrintError("printing needs Debian's chromium: sudo apt-get install -y chromium", 2)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=ARGS)
        try:
            page = browser.new_page()
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith((base, "data:"))
                       else r.abort())
            yield page
        finally:
            browser.close()


def _print_css() -> str:
    """The repository's print stylesheet (applied even to a site built before it existed)."""
    return (ROOT / "_static" / "print.css").read_text(encoding="utf-8")


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file, so no half-written PDF is left."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def fix_outline(pdf: bytes, headings: list[str]) -> bytes:
    """Give every bookmark its heading's exact text.

    Chromium builds a bookmark's title from the heading's lines without the spaces
    between them ("SolidarityMovement"), and sometimes twice over; each bookmark is
    matched, ignoring spaces, to one of ``headings`` (the page's headings, in order).
    """
    known = {_squash(h): h for h in headings}
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    outlines = writer.root_object.get("/Outlines")
    stack = [outlines.get_object().get("/First")] if outlines is not None else []
    while stack:
        ref = stack.pop()
        if ref is None:
            continue
        item = ref.get_object()
        key = _squash(str(item.get("/Title", "")))
        half = key[: len(key) // 2]
        title = known.get(key) or (known.get(half) if half * 2 == key else None)
        if title:
            item[NameObject("/Title")] = TextStringObject(title)
        stack.extend([item.get("/Next"), item.get("/First")])
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def render(page: Any) -> bytes:
    """The current page as a tagged A4 PDF with an outline whose titles match the headings."""
    pdf = page.pdf(format="A4", print_background=False, margin=MARGIN, tagged=True, outline=True)
    headings = page.evaluate("() => Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6'))"
                             ".map(h => coursePrint.clean(h.textContent))")
    return fix_outline(pdf, headings)


_PREPARE_ONE = """async ({refsUrl}) => {
  const refs = refsUrl ? new DOMParser().parseFromString(
      await (await fetch(refsUrl)).text(), "text/html") : null;
  const root = document.querySelector("article.bd-article") || document.querySelector("main")
      || document.body;
  const h1 = root.querySelector("h1");
  const title = h1 ? coursePrint.clean(h1.textContent) : document.title;
  const result = coursePrint.prepare(root, {pageUrl: location.href, refs: refs});
  await coursePrint.imagesLoaded();
  result.title = title;
  return result;
}"""


def prepare_page(page: Any, url: str, refs_url: str | None) -> dict[str, Any]:
    """Open ``url`` and prepare it for paper; returns the title and what was moved."""
    response = page.goto(url, wait_until="load")
    if response is None or not response.ok:
        raise PrintError(f"{url} could not be opened (status {getattr(response, 'status', '?')})", 3)
    page.add_style_tag(content=_print_css())
    page.add_script_tag(path=str(TOOLS / "print_prepare.js"))
    info: dict[str, Any] = page.evaluate(_PREPARE_ONE, {"refsUrl": refs_url})
    language = page_language(page)
    page.add_style_tag(content=language_css(language)
                       + running_header_css(None, info["title"], rtl=language == "ar"))
    return info


def handout(page: Any, base: str, entry: str, target: Path) -> dict[str, Any]:
    """Print one page of the book as a handout to ``target``."""
    refs = None if entry.endswith("references") else f"{base}/appendices/references.html"
    info = prepare_page(page, f"{base}/{entry}.html", refs)
    write_atomically(target, render(page))
    return info


_ASSEMBLE = """async ({entries, parts, refsUrl, course, edition, lead, contents: contentsTitle}) => {
  const refs = new DOMParser().parseFromString(await (await fetch(refsUrl)).text(), "text/html");
  const index = {};
  entries.forEach((e, i) => { index[new URL(e + ".html", location.origin + "/").href] = "c" + i; });
  const docs = [];
  for (const e of entries) {
    const url = new URL(e + ".html", location.origin + "/").href;
    const resp = await fetch(url);
    if (!resp.ok) throw new Error("missing page " + e);
    docs.push([url, new DOMParser().parseFromString(await resp.text(), "text/html")]);
  }
  const body = document.createElement("main");
  body.className = "print-course bd-article";
  const titlePage = document.createElement("section");
  titlePage.className = "print-title-page";
  // Not a heading: the book's own first page carries the course title as its heading and bookmark.
  titlePage.innerHTML = "<p class='print-title'></p><p class='lead'></p><p></p>";
  titlePage.querySelector(".print-title").textContent = course;
  titlePage.querySelector(".lead").textContent = lead;
  titlePage.querySelector("p:last-child").textContent = edition;
  body.appendChild(titlePage);
  const contents = document.createElement("nav");
  contents.className = "print-contents";
  contents.setAttribute("aria-label", contentsTitle);
  contents.innerHTML = "<h1></h1><ol></ol>";
  contents.querySelector("h1").textContent = contentsTitle;
  body.appendChild(contents);
  const titles = [];
  const styles = [];
  docs.forEach(([url, doc], i) => {
    const article = doc.querySelector("article.bd-article") || doc.body;
    const section = document.createElement("section");
    section.className = "print-chapter";
    section.id = "c" + i;
    section.style.page = "c" + i;
    // A line box before the heading: without it Chromium doubles the bookmark's text of a
    // heading that opens a page ("Start hereStart here").
    const strut = document.createElement("span");
    strut.className = "print-strut";
    strut.setAttribute("aria-hidden", "true");
    strut.textContent = " ";
    section.appendChild(strut);
    Array.from(article.childNodes).forEach(n => section.appendChild(document.importNode(n, true)));
    body.appendChild(section);
    const h1 = section.querySelector("h1");
    const title = h1 ? coursePrint.clean(h1.textContent) : entries[i];
    titles.push(title);
    coursePrint.prepare(section, {pageUrl: url, refs: /references$/.test(entries[i]) ? null : refs,
                                  prefix: "c" + i, pageIndex: index});
  });
  const list = contents.querySelector("ol");
  const addEntry = (at) => {
    const li = document.createElement("li");
    li.innerHTML = "<a></a><span class='dots'></span><span class='pg'></span>";
    li.querySelector("a").href = "#c" + at;
    li.querySelector("a").textContent = titles[at];
    li.querySelector(".pg").dataset.chapter = String(at);
    list.appendChild(li);
  };
  addEntry(0);
  for (const part of parts) {
    if (part.caption) {
      const li = document.createElement("li");
      li.className = "part";
      li.textContent = part.caption;
      list.appendChild(li);
    }
    for (const f of part.files) addEntry(entries.indexOf(f));
  }
  document.body.replaceChildren(body);
  await coursePrint.imagesLoaded();
  return titles;
}"""


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def outline_pages(pdf: bytes) -> list[tuple[str, int]]:
    """Top-level bookmarks of a PDF as (title, 1-based page number)."""
    reader = PdfReader(io.BytesIO(pdf))
    found = []
    for item in reader.outline:
        if isinstance(item, list):
            continue
        found.append((str(item.title), reader.get_destination_page_number(item) + 1))
    return found


def chapter_pages(titles: list[str], outline: list[tuple[str, int]]) -> list[int]:
    """The page each chapter starts on, matching the chapters' titles to the outline in order."""
    pages, at = [], 0
    for title in titles:
        while at < len(outline) and _norm(outline[at][0]) != _norm(title):
            at += 1
        if at == len(outline):
            raise PrintError(f"the PDF outline has no bookmark for '{title}'", 4)
        pages.append(outline[at][1])
        at += 1
    return pages


def whole_course(page: Any, base: str, toc: Path, edition: str) -> bytes:
    """The whole course as one tagged PDF: title page, contents with page numbers, every page."""
    root, parts = toc_parts(toc)
    entries = [root] + [f for p in parts for f in p.files]
    page.goto(f"{base}/{root}.html", wait_until="load")
    page.add_style_tag(content=_print_css())
    page.add_script_tag(path=str(TOOLS / "print_prepare.js"))
    language = page_language(page)
    words = WORDS[language]
    rtl = language == "ar"
    if edition == WORDS["en"]["edition"]:
        edition = words["edition"]
    titles: list[str] = page.evaluate(_ASSEMBLE, {
        "entries": entries, "refsUrl": f"{base}/appendices/references.html", "course": words["course"],
        "edition": edition, "lead": words["lead"], "contents": words["contents"],
        "parts": [{"caption": p.caption, "files": p.files} for p in parts]})
    css = [language_css(language)]
    css += [running_header_css(f"c{i}", t, rtl=rtl) for i, t in enumerate(titles)]
    css.append("@media print { .print-title-page { page: front; } @page front { @top-left { content: none; } "
               "@top-right { content: none; } @bottom-center { content: none; } } }")
    page.add_style_tag(content="\n".join(css))
    first = render(page)  # first pass: where does each chapter start?
    numbers = chapter_pages(titles, outline_pages(first))
    page.evaluate("""(numbers) => document.querySelectorAll(".print-contents .pg").forEach(
        s => { s.textContent = String(numbers[Number(s.dataset.chapter)]); })""", numbers)
    final = render(page)
    if chapter_pages(titles, outline_pages(final)) != numbers:
        raise PrintError("the contents page changed the page numbers; rerun make pdf", 4)
    return final


def failure_code(tool: str, exc: Exception, out: Path) -> int:
    """Print ``exc`` as one line prefixed by ``tool`` and return its exit code: a
    :class:`PrintError`'s own code, 4 for a file-system fault or a failed browser."""
    if isinstance(exc, PrintError):
        print(f"{tool}: {exc}", file=sys.stderr)
        return exc.code
    if isinstance(exc, OSError):
        print(f"{tool}: {exc.strerror or exc}: {exc.filename or out}", file=sys.stderr)
        return 4
    # the browser failed (Playwright raises its own error types)
    print(f"{tool}: printing failed: {(str(exc).splitlines() or [type(exc).__name__])[0]}", file=sys.stderr)
    return 4


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    ap.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf")
    ap.add_argument("--toc", type=Path, default=ROOT / "_toc.yml")
    ap.add_argument("--pages", nargs="*", help="print only these pages (paths without suffix)")
    ap.add_argument("--no-course", action="store_true", help="skip the whole-course PDF")
    ap.add_argument("--no-handouts", action="store_true",
                    help="print only the whole-course PDF (with --no-course: print nothing)")
    ap.add_argument("--edition", default="Learner edition", help="line on the title page")
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:
        return 0 if exc.code == 0 else 2
    try:
        if not (args.html / "index.html").exists():
            raise PrintError(f"{args.html} has no built site: run `make html` first", 2)
        if not args.toc.is_file():
            raise PrintError(f"{args.toc}: no such table of contents", 2)
        entries = toc_pages(args.toc)
        wanted = args.pages or entries
        unknown = [e for e in wanted if e not in entries]
        if unknown:
            raise PrintError(f"not in {args.toc.name}: {', '.join(unknown)}", 2)
        missing = [e for e in wanted if not (args.html / f"{e}.html").exists()]
        if missing:
            raise PrintError(f"{args.html} lacks {missing[0]}.html: rebuild the site", 3)
        args.out.mkdir(parents=True, exist_ok=True)
        with serve(args.html) as base, browser_page(base) as page:
            for entry in [] if args.no_handouts else wanted:
                handout(page, base, entry, args.out / f"{Path(entry).name}.pdf")
            if not args.no_course:
                write_atomically(args.out / COURSE_PDF, whole_course(page, base, args.toc, args.edition))
    except Exception as exc:  # one line and a documented code, whatever went wrong
        return failure_code("make_pdf", exc, args.out)
    course = "" if args.no_course else f" and {args.out / COURSE_PDF}"
    print(f"wrote {0 if args.no_handouts else len(wanted)} handouts{course}")
    return 0



if __name__ == "__main__":
    sys.exit(main())
