"""Light pages: theme CSS that no page uses is removed, and every page describes itself.

A Sphinx extension loaded by :mod:`coursekit.sphinx_ext` (``app.setup_extension``).

- After each HTML build, PurgeCSS (npm, pinned in ``tools/site/package-lock.json``) removes
  from the theme's stylesheets every rule whose selector matches nothing in the built pages,
  the theme's own scripts, or the print script. Classes and attributes that scripts add at run
  time are kept by the safelist below (dark mode ``html[data-theme=dark]``, open dropdowns
  ``details[open]``, search results, sidebar and dialog states). The course's own stylesheets
  are left whole. The pydata theme's 387 KB stylesheet is most of a first visit; purged, a
  first visit is about a third lighter.
- Every page gets a ``<meta name="description">`` from its first paragraph (search engines and
  link previews show it), and keeps one viewport tag.
- The copy of the quiz script that :class:`coursekit.quiz.QuizView` embeds for JupyterLab is
  dropped from site pages, which load ``_static/quiz.js`` once for all pages.

PurgeCSS needs Node.js and ``npm ci --prefix tools/site`` (``make html`` and ``make test`` run
it when ``tools/site/node_modules`` is missing). Without them the build warns (``-W`` makes
that an error) rather than quietly shipping the heavy stylesheet.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "tools" / "site"
PURGE_SCRIPT = TOOLS / "purge.mjs"
#: Extra content PurgeCSS reads: the script that prepares pages for paper (tools/make_pdf.py).
EXTRA_CONTENT = (ROOT / "tools" / "print_prepare.js",)
#: The theme's and the Sphinx extensions' stylesheets, which PurgeCSS trims. Any other
#: stylesheet (the course's own: icons.css, course.css, and print.css, which styles classes
#: only the print script adds) is left whole, and so is pygments.css, which the pydata theme
#: writes anew at the end of the build (after this step), with its light and dark colours.
PURGED = re.compile(r"(basic|togglebutton|copybutton|exercise|sphinx-design\.min|mystnb\.[0-9a-f]+"
                    r"|styles/pydata-sphinx-theme|styles/sphinx-book-theme)\.css")
#: Scripts whose class names are not used as they stand: Bootstrap's bundle names every
#: Bootstrap component (carousel, offcanvas, modal, toast…) but the theme uses only its
#: dropdowns and tooltips, whose run-time classes are in the safelist. The icon script and the
#: thebe script are deleted from the output after this step (``sphinx_ext.UNUSED_OUTPUT``), and
#: a no-change rebuild does not copy them again: reading them made a clean build keep about
#: 5 KB of rules that no page uses and a rebuild drop them, so the site depended on its history.
NOT_CONTENT = ("bootstrap.js", "fontawesome.js", "sphinx-thebe.js")

#: Class names scripts compose at run time (so they never appear whole in any file).
SAFELIST_STANDARD = ["show", "showing", "collapsing", "collapsed", "active", "focus", "hover",
                     "highlighted", "search-summary", "context", "dark", "light"]
#: Patterns of class names built by string concatenation in the theme and search scripts.
SAFELIST_GREEDY = [r"^kind-", r"^search", r"^sd-tab", r"^toggle", r"^tooltip", r"^bs-tooltip",
                   r"^pst-", r"^quiz-"]
#: Custom properties kept even where no trimmed rule uses them: the theme's colours and sizes,
#: which the course's own stylesheets (left whole) use too. Unused Bootstrap ones go.
SAFELIST_VARIABLES = [r"^--pst-", r"^--sbt-", r"^--sd-", r"^--mystnb-"]
#: Attributes whose values scripts or the browser change (dark mode, open dropdowns, menus).
DYNAMIC_ATTRIBUTES = ["data-theme", "data-mode", "data-bs-theme", "open", "aria-expanded",
                      "aria-current", "aria-selected", "aria-hidden", "data-bs-popper",
                      "data-sd-tab-active", "data-popper-placement", "checked", "hidden", "disabled"]

DESCRIPTION_CHARS = 160
#: Descriptions of pages without a paragraph of their own (search, index, redirects).
FALLBACK = {
    "search": "Search every page of {project}, an open course for study groups on the "
              "International Solidarity Movement.",
    "genindex": "Index of {project}, an open course for study groups on the International "
                "Solidarity Movement.",
    "": "{project}: an open course for study groups on the International Solidarity Movement, "
        "its principles and its practice.",
}
#: Containers whose paragraphs do not describe the page (boxes, margins, contents lists).
_NOT_DESCRIPTIVE = (nodes.Admonition, nodes.topic, nodes.sidebar, nodes.footnote, nodes.citation,
                    nodes.table, nodes.figure, nodes.caption, nodes.field_list, nodes.option_list)
_QUIZ_SCRIPT = re.compile(r"<script data-course-quiz(?:=\"\")?>.*?</script>", re.S)
_VIEWPORT = re.compile(r'\s*<meta name="viewport"[^>]*>')


class PurgeError(RuntimeError):
    """PurgeCSS could not run (Node.js or the npm packages missing, or the tool failed)."""


def stylesheets(outdir: Path) -> list[Path]:
    """The stylesheets of the built site that PurgeCSS trims (every one but the course's own)."""
    static = outdir / "_static"
    return sorted(p for p in static.rglob("*.css")
                  if PURGED.fullmatch(p.relative_to(static).as_posix()))


def content_files(outdir: Path) -> list[Path]:
    """What PurgeCSS reads to learn which selectors are used: every page and every script."""
    pages = [p for p in outdir.rglob("*.html")
             if not {"_sources", "reports"} & set(p.relative_to(outdir).parts)]
    scripts = [p for p in (outdir / "_static").rglob("*.js") if p.name not in NOT_CONTENT]
    return sorted(pages) + sorted(scripts) + [p for p in EXTRA_CONTENT if p.is_file()]


def originals_dir(outdir: Path) -> Path:
    """Where the untrimmed stylesheets are kept, beside (not inside) the published output.

    ``tests/test_light.py`` serves them in place of the trimmed ones to show that every page
    looks the same either way.
    """
    return outdir.parent / "purgecss-originals"


def trimmed_dir(outdir: Path) -> Path:
    """Where the last trimmed stylesheets are kept, with the key of what they were trimmed from."""
    return outdir.parent / "purgecss-trimmed"


#: The two values the offline step writes into ``_static/offline.js`` after the purge (the site's
#: size and build number: digits only, never a selector), left out of :func:`_job_key`.
_WRITTEN_AFTER = re.compile(rb'var SIZE = \d+; // offline-size|var BUILD = "[0-9a-f]*"; // offline-build')


def _job_key(job: dict[str, Any], originals: dict[str, bytes], outdir: Path) -> str:
    """A digest of everything PurgeCSS's answer depends on: its settings, the untrimmed
    stylesheets, and the name and bytes of every content file."""
    digest = hashlib.sha256(json.dumps({k: v for k, v in job.items() if k not in ("css", "content")},
                                       sort_keys=True).encode())
    for rel, data in sorted(originals.items()):
        digest.update(f"\0css\0{rel}\0".encode() + data)
    for name in job["content"]:
        path = Path(name)
        label = path.relative_to(outdir).as_posix() if path.is_relative_to(outdir) else name
        digest.update(f"\0content\0{label}\0".encode() + _WRITTEN_AFTER.sub(b"", path.read_bytes()))
    return digest.hexdigest()


def _originals(outdir: Path, sheets: list[Path]) -> dict[str, bytes]:
    """Each stylesheet as it was before any trimming. A no-change rebuild leaves some sheets as
    the last build trimmed them (Sphinx does not copy them again); those are known by their
    bytes, and their original is the one kept from that build."""
    kept, trimmed = originals_dir(outdir), trimmed_dir(outdir)
    out: dict[str, bytes] = {}
    for sheet in sheets:
        rel = sheet.relative_to(outdir).as_posix()
        data = sheet.read_bytes()
        try:
            if (trimmed / rel).read_bytes() == data:
                data = (kept / rel).read_bytes()
        except OSError:
            pass
        out[rel] = data
    return out


def _replace(path: Path, data: bytes) -> None:
    """Replace a stylesheet atomically (written beside it, then renamed), as purge.mjs does."""
    tmp = path.with_name(path.name + ".purge-tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _reuse_trimmed(outdir: Path, sheets: list[Path], key: str) -> list[tuple[str, int, int]] | None:
    """Put the kept trimmed stylesheets in place if they were trimmed from exactly these inputs."""
    cache = trimmed_dir(outdir)
    try:
        if (cache / "key").read_text(encoding="utf-8") != key:
            return None
        report = []
        for sheet in sheets:
            rel = sheet.relative_to(outdir)
            report.append((str(rel), (originals_dir(outdir) / rel).stat().st_size,
                           (cache / rel).stat().st_size))
            _replace(sheet, (cache / rel).read_bytes())
    except OSError:
        return None
    return report


def _keep_trimmed(outdir: Path, sheets: list[Path], key: str) -> None:
    """Keep this build's trimmed stylesheets for the next build (the key is written last)."""
    cache = trimmed_dir(outdir)
    try:
        shutil.rmtree(cache, ignore_errors=True)
        for sheet in sheets:
            target = cache / sheet.relative_to(outdir)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(sheet, target)
        (cache / "key").write_text(key, encoding="utf-8")
    except OSError:  # the next build then runs PurgeCSS again; nothing is wrong with this one
        shutil.rmtree(cache, ignore_errors=True)


def purge_css(outdir: Path, node: str | None = None) -> list[tuple[str, int, int]]:
    """Trim the site's theme stylesheets in place; return ``(path, bytes before, bytes after)``.

    A copy of each untrimmed stylesheet is kept in :func:`originals_dir`. When the stylesheets
    and every page and script are byte for byte those the last build trimmed from (a no-change
    rebuild), the stylesheets it trimmed are reused from :func:`trimmed_dir` without starting
    Node.js: the same answer, half a second sooner. Raises :class:`PurgeError` with a one-line
    reason if Node.js, the npm packages or PurgeCSS fail; the stylesheets are then left as they
    were (each is replaced atomically).
    """
    node = node or shutil.which("node")
    if not node:
        raise PurgeError("Node.js is missing (apt-get install nodejs npm), so unused theme CSS "
                         "stays in the site")
    if not (TOOLS / "node_modules" / "purgecss").is_dir():
        raise PurgeError("PurgeCSS is not installed: run `npm ci --prefix tools/site` "
                         "(make html does it)")
    sheets = stylesheets(outdir)
    if not sheets:
        return []
    originals = _originals(outdir, sheets)
    keep = originals_dir(outdir)
    shutil.rmtree(keep, ignore_errors=True)  # only this build's stylesheets
    for rel, data in originals.items():
        target = keep / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    job = {"css": [str(p) for p in sheets], "content": [str(p) for p in content_files(outdir)],
           "standard": SAFELIST_STANDARD, "greedy": SAFELIST_GREEDY, "deep": [],
           "dynamicAttributes": DYNAMIC_ATTRIBUTES, "removeUnusedVariables": True,
           "variables": SAFELIST_VARIABLES}
    try:
        key = _job_key(job, originals, outdir)
    except OSError:  # a file PurgeCSS must read is unreadable: let it run and say so
        key = ""
    reused = _reuse_trimmed(outdir, sheets, key) if key else None
    if reused is not None:
        return reused
    for sheet in sheets:  # trim from the originals, so a rebuild gives what a clean build gives
        data = originals[sheet.relative_to(outdir).as_posix()]
        if sheet.read_bytes() != data:
            _replace(sheet, data)
    try:
        proc = subprocess.run([node, str(PURGE_SCRIPT)], input=json.dumps(job), text=True,
                              capture_output=True, cwd=TOOLS, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise PurgeError(f"PurgeCSS did not run ({err})") from err
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise PurgeError(f"PurgeCSS failed: {last}")
    try:
        report = json.loads(proc.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError) as err:
        raise PurgeError(f"PurgeCSS gave no report ({err})") from err
    if key:
        _keep_trimmed(outdir, sheets, key)
    return [(str(Path(f).relative_to(outdir)), int(a), int(b)) for f, a, b in report]


def _purge(app: Sphinx, exception: Exception | None) -> None:
    """build-finished (550): trim the theme CSS, once every stylesheet is in place."""
    if exception is not None or app.builder.format != "html":
        return
    try:
        report = purge_css(Path(app.outdir))
    except PurgeError as err:
        logger.warning("%s", err, type="coursekit", subtype="purgecss")
        return
    before = sum(a for _, a, _ in report)
    after = sum(b for _, _, b in report)
    logger.info("PurgeCSS: theme CSS %d KB -> %d KB", before // 1024, after // 1024)


def description(doctree: nodes.document | None, fallback: str) -> str:
    """The page's first descriptive paragraph, shortened to whole words within 160 characters.

    Paragraphs inside boxes, tables, figures and contents lists are skipped; a page without a
    paragraph gets ``fallback``.
    """
    text = ""
    if doctree is not None:
        for para in doctree.findall(nodes.paragraph):
            parent, inside = para.parent, False
            while parent is not None:
                if isinstance(parent, _NOT_DESCRIPTIVE) or "toctree-wrapper" in parent.get("classes", []):
                    inside = True
                    break
                parent = parent.parent
            words = " ".join(para.astext().split())
            if not inside and len(words) >= 40:
                text = words
                break
    text = text or " ".join(fallback.split())
    if len(text) <= DESCRIPTION_CHARS:
        return text
    cut = text[:DESCRIPTION_CHARS - 1]
    end = max(cut.rfind(". "), cut.rfind("; "))
    if end >= 80:  # a whole sentence (or clause) fits
        return cut[:end + 1]
    return cut[:cut.rfind(" ")].rstrip(",;:") + "…"


def _page_meta(app: Sphinx, pagename: str, templatename: str,
               context: dict[str, Any], doctree: Any) -> None:
    """html-page-context: add the page's description; drop the quiz script's notebook copy."""
    project = app.config.html_title or app.config.project
    fallback = FALLBACK.get(pagename, FALLBACK[""]).format(project=project)
    text = description(doctree if isinstance(doctree, nodes.document) else None, fallback)
    tag = f'<meta name="description" content="{html.escape(text, quote=True)}" />\n'
    context["metatags"] = context.get("metatags", "") + tag
    body = context.get("body")
    if isinstance(body, str) and "data-course-quiz" in body:
        context["body"] = _QUIZ_SCRIPT.sub("", body)


def one_viewport(text: str) -> str:
    """Keep the first ``<meta name="viewport">`` of a page and drop any repeat of it."""
    found = _VIEWPORT.findall(text)
    if len(found) < 2:
        return text
    first = text.index(found[0]) + len(found[0])
    return text[:first] + _VIEWPORT.sub("", text[first:])


def _one_viewport(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: the theme and the course layout each write a viewport tag; keep one."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    for page in out.rglob("*.html"):
        if {"_static", "_sources"} & set(page.relative_to(out).parts):
            continue
        text = page.read_text(encoding="utf-8")
        fixed = one_viewport(text)
        if fixed != text:
            tmp = page.with_suffix(".html.tmp")
            tmp.write_text(fixed, encoding="utf-8")
            tmp.replace(page)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the hooks: CSS and viewport before the offline zip (priority 500)."""
    # after every extension that copies its stylesheet at the end of the build (myst-nb does, at
    # 500, over the trimmed copy), before the offline zip (560) and the offline worker (600)
    app.connect("build-finished", _purge, priority=550)
    app.connect("build-finished", _one_viewport, priority=440)
    app.connect("html-page-context", _page_meta)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
