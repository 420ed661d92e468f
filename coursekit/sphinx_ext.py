"""A small Sphinx extension with the course's site rules.

- Pages make no request to any other host: the theme's CDN-loaded helpers
  (MathJax, require.js, thebe) are dropped.
- ``COURSE_EDITION=facilitator`` adds the Sphinx tag ``facilitator`` so that
  ``{only} facilitator`` blocks and facilitator pages appear only in that edition.
"""

from __future__ import annotations

import base64
import hashlib
import html
import os
import re
import shutil
import struct
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

_REMOTE = ("http://", "https://", "//")
#: Assets of features the course does not use (thebe would fetch its code from a CDN).
_UNUSED = ("sphinx-thebe.js", "sphinx-thebe.css", "sphinx_thebe")


def _drop_remote_assets(app: Sphinx, pagename: str, templatename: str,
                        context: dict[str, Any], doctree: Any) -> None:
    """Remove any script or stylesheet that would be fetched from another host."""
    for key in ("script_files", "css_files"):
        files = context.get(key)
        if files is None:
            continue
        kept = []
        for f in files:
            name = getattr(f, "filename", f)
            body = str(getattr(f, "attributes", {}).get("body", ""))
            if isinstance(name, str) and (name.startswith(_REMOTE) or name.endswith(_UNUSED)):
                continue
            if "thebe" in body or "unpkg.com" in body:
                continue
            kept.append(f)
        files[:] = kept


def _fix_citations(app: Sphinx, pagename: str, templatename: str,
                   context: dict[str, Any], doctree: Any) -> None:
    """Make citations accessible.

    docutils marks each reference-list entry ``doc-biblioentry`` (a deprecated ARIA role)
    inside a ``role="list"`` container, which axe reports as a critical violation: use
    ``listitem``. (In-text citations carry no hover copy of the reference:
    ``bibtex_tooltips: false`` in ``_config.yml`` saves a kilobyte per page and half the
    reference formatting of every build.)
    """
    body = context.get("body")
    if isinstance(body, str):
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


_DATA_IMG = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"')



def _chart_file(folder: Path, context: dict[str, Any], encoded: str) -> tuple[str, int, int]:
    """Write a base64 PNG chart to ``folder`` as ``chart-<hash>.png`` (once) and return the
    page-relative address and the PNG's width and height (from its header)."""
    data = base64.b64decode(encoded)
    name = f"chart-{hashlib.sha256(data).hexdigest()[:16]}.png"
    target = folder / name
    if not target.exists():
        target.write_bytes(data)
    width, height = struct.unpack(">II", data[16:24])
    return context["pathto"](f"_images/{name}", 1), width, height

def _externalise_images(app: Sphinx, pagename: str, templatename: str,
                        context: dict[str, Any], doctree: Any) -> None:
    """Move inline chart images out of the page into cacheable, lazily loaded files.

    Charts render in notebooks as ``data:`` URIs (so a notebook is self-contained);
    on the site each becomes ``_images/chart-<hash>.png``, fetched only when a reader
    scrolls to it and cached after that. The page itself gets much lighter.
    """
    body = context.get("body")
    if not isinstance(body, str) or "data:image/png;base64," not in body:
        return
    folder = Path(app.outdir) / "_images"
    folder.mkdir(exist_ok=True)

    def swap(match: re.Match[str]) -> str:
        src, width, height = _chart_file(folder, context, match.group(1))
        return f'<img src="{src}" width="{width}" height="{height}" loading="lazy" decoding="async"'

    context["body"] = _DATA_IMG.sub(swap, body)


def _drop_thebe_config(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Remove the thebe configuration sphinx-thebe appends to every page (we do not use thebe)."""
    for node in list(doctree.findall(nodes.raw)):
        text = node.astext()
        if "x-thebe-config" in text or "kernelName =" in text:
            node.parent.remove(node)


def _theme_defaults(app: Sphinx, config: Any) -> None:
    """Theme options the course relies on (Jupyter Book rebuilds html_theme_options itself)."""
    opts = config.html_theme_options
    config.html_context.setdefault("default_mode", "auto")  # follow the reader's light/dark setting
    opts.setdefault("use_fullscreen_button", False)
    opts.setdefault("use_download_button", True)  # download the .ipynb / print the page


GLOSSARY_MARKER = "% glossary-terms"
_GLOSSARY_BLOCK = re.compile(r"```\{glossary\}[^\n]*\n(.*?)```", re.S)


def merged_glossary(folder: Path) -> str:
    """One sorted MyST glossary built from every fragment in ``folder``.

    Each chapter keeps its key terms in ``appendices/glossary-terms/<chapter>.md``;
    the glossary page shows them all as a single alphabetical list.
    """
    bodies = []
    for frag in sorted(folder.glob("*.md")):
        for block in _GLOSSARY_BLOCK.findall(frag.read_text(encoding="utf-8")):
            lines = [ln for ln in block.splitlines() if not ln.startswith(":")]
            bodies.append("\n".join(lines).strip("\n"))
    return "````{glossary}\n:sorted:\n\n" + "\n\n".join(bodies) + "\n````\n"


def _insert_glossary(app: Sphinx, docname: str, source: list[str]) -> None:
    """Replace the marker on the glossary page with the merged glossary."""
    if GLOSSARY_MARKER not in source[0]:
        return
    folder = Path(app.srcdir) / "appendices" / "glossary-terms"
    for frag in folder.glob("*.md"):
        app.env.note_dependency(str(frag))
    source[0] = source[0].replace(GLOSSARY_MARKER, merged_glossary(folder))


#: Theme files no course page loads (icon script and fonts, thebe, source maps), removed
#: from the output so the site and its offline copy stay small.
UNUSED_OUTPUT = ("_static/scripts/fontawesome.js", "_static/scripts/fontawesome.js.LICENSE.txt",
                 "_static/sphinx-thebe.js", "_static/sphinx-thebe.css", "_static/vendor")
OFFLINE_ZIP = "solidarity-in-practice-offline.zip"


def offline_zip(outdir: Path) -> Path:
    """Zip the built site (without the zip itself) so it can be opened from disk."""
    target = outdir / OFFLINE_ZIP
    tmp = target.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(outdir.rglob("*")):
            rel = path.relative_to(outdir)
            if path.is_file() and rel.parts[0] not in (OFFLINE_ZIP, tmp.name, ".buildinfo") \
                    and rel.parts[0] != "reports":
                zf.write(path, Path("solidarity-in-practice") / rel)
    tmp.replace(target)
    return target


_KEEP_AS_IS = re.compile(r"(<pre[\s\S]*?</pre>|<textarea[\s\S]*?</textarea>|<script[\s\S]*?</script>)")


def minify_html(text: str) -> str:
    """Drop indentation and comments from a page, leaving ``pre``, ``textarea`` and scripts alone.

    A newline still separates words, so the rendered page is unchanged; it is just
    smaller on a slow or metered connection.
    """
    parts = _KEEP_AS_IS.split(text)
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(r"<!--(?!\[)[\s\S]*?-->", "", re.sub(r"\n[ \t]+", "\n", parts[i]))
        parts[i] = re.sub(r"\n{2,}", "\n", parts[i])
    return "".join(parts)


_HEAD_SCRIPT = re.compile(r"<script\b([^>]*)>([\s\S]*?)</script>\s*")


def scripts_after_content(text: str) -> str:
    """Move the scripts in a page's ``<head>`` to the end of its body, in the same order.

    In the head they hold up the first paint until each is fetched and run (on a slow phone
    link, seconds); at the end of the body they run before the page's deferred scripts and
    before DOMContentLoaded, which is all they wait for. The theme's light/dark script stays in
    the head (it must run before anything is drawn), and so do deferred or module scripts.
    """
    head_end = text.find("</head>")
    if head_end < 0 or "</body>" not in text:
        return text
    head, rest = text[:head_end], text[head_end:]
    moved: list[str] = []

    def take(m: re.Match[str]) -> str:
        attrs, body = m.group(1), m.group(2)
        if "data-cfasync" in attrs or "dataset.mode" in body or re.search(r"\b(defer|async)\b|type=\"module\"", attrs):
            return m.group(0)
        moved.append(m.group(0).strip())
        return ""

    head = _HEAD_SCRIPT.sub(take, head)
    if not moved:
        return text
    block = "\n".join(moved) + "\n"
    first_deferred = re.search(r"<script\b[^>]*\bdefer\b", rest)
    at = first_deferred.start() if first_deferred else rest.rfind("</body>")
    return head + rest[:at] + block + rest[at:]


def non_blocking_styles(text: str) -> str:
    """The print stylesheet only for print (it no longer holds up the first paint), and the
    theme's ``@import`` of ``basic.css`` as a link of its own, fetched alongside the others."""
    text = re.sub(r'(<link rel="stylesheet" type="text/css" href="[^"]*print\.css[^"]*")( />)',
                  r'\1 media="print"\2', text)
    if re.search(r'<link href="(?:\.\./)*_static/basic\.css"', text):
        return text
    return re.sub(r'<link href="((?:\.\./)*)_static/styles/theme\.css" rel="stylesheet" />',
                  r'<link href="\1_static/basic.css" rel="stylesheet" />\n\g<0>', text, count=1)


def _finish_output(app: Sphinx, exception: Exception | None) -> None:
    """After a successful HTML build: drop unused theme files and make each page smaller."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    for rel in UNUSED_OUTPUT:
        target = out / rel
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    for source_map in out.glob("_static/**/*.map"):
        source_map.unlink()
    theme_css = out / "_static" / "styles" / "theme.css"
    linked = (out / "_static" / "basic.css").is_file() and theme_css.is_file()
    if linked and '@import "../basic.css";' in theme_css.read_text(encoding="utf-8"):
        # the pages link basic.css themselves (non_blocking_styles), so no chained request
        theme_css.write_text(theme_css.read_text(encoding="utf-8").replace('@import "../basic.css";', ""),
                             encoding="utf-8")
    for page in out.rglob("*.html"):
        if "_static" not in page.relative_to(out).parts:
            text = page.read_text(encoding="utf-8")
            small = minify_html(scripts_after_content(text))
            if linked:
                small = non_blocking_styles(small)
            if small != text:
                page.write_text(small, encoding="utf-8")


def _write_offline_zip(app: Sphinx, exception: Exception | None) -> None:
    """build-finished (560), once the output is final: PurgeCSS (550) runs after the extensions
    that copy their stylesheets at the end of the build (myst-nb's, at 500)."""
    if exception is None and app.builder.format == "html":
        offline_zip(Path(app.outdir))


SOLUTION_TITLE = "Try it first, then open"


def solution_title_text(exercise_title: str) -> str:
    """The heading of a worked solution: an invitation to try first, then the exercise's name.

    ``exercise_title`` is the exercise's resolved title ("Exercise 3 (Who decides?)");
    an empty title gives the invitation alone.
    """
    name = exercise_title.strip()
    return f"{SOLUTION_TITLE}: {name}" if name else SOLUTION_TITLE


def _bold_lead(exercise: nodes.Element) -> str:
    """The bold words an exercise opens with ("**The microphone.** After…" gives "The microphone")."""
    para = next(iter(exercise.findall(nodes.paragraph)), None)
    if para is None or not para.children or not isinstance(para.children[0], nodes.strong):
        return ""
    return para.children[0].astext().strip().strip('"“”').rstrip(".:").strip('"“”')


def _retitle_solutions(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Give every worked solution the title "Try it first, then open: <exercise>".

    sphinx-exercise titles a solution "Solution to Exercise N (…)"; a reader studying
    alone sees it collapsed under its exercise (``:class: dropdown``), so its title
    asks them to try first. Runs after sphinx-exercise has resolved titles and numbers.
    """
    try:
        from sphinx_exercise.nodes import exercise_enumerable_node, exercise_node, solution_node
    except ImportError:  # pragma: no cover - sphinx-exercise is a pinned dependency
        return
    here = {n.get("label"): n for n in doctree.findall(
        lambda n: isinstance(n, (exercise_node, exercise_enumerable_node)))}
    registry = getattr(app.env, "sphinx_exercise_registry", {})
    for node in list(doctree.findall(solution_node)):
        if not node.children or not isinstance(node.children[0], nodes.title):
            continue
        label = node.get("target_label")
        target = here.get(label) or registry.get(label, {}).get("node")
        exercise = ""
        if target is not None and target.children and isinstance(target.children[0], nodes.title):
            exercise = target.children[0].astext().strip()
            if isinstance(target, exercise_enumerable_node):
                # HTML adds the number when it writes the page; take it from the same table.
                ids = target.get("ids") or [""]
                fignumbers = app.env.toc_fignumbers.get(target.get("docname", docname), {})
                number = ".".join(map(str, fignumbers.get("exercise", {}).get(ids[0], ())))
                label = app.config.numfig_format.get("exercise", "Exercise %s")
                numbered = label % number if number else label.replace("%s", "").strip()
                exercise = f"{numbered} {exercise}".strip()
            if "(" not in exercise:  # untitled exercise: name it by its bold opening words
                lead = _bold_lead(target)
                if lead:
                    exercise = f"{exercise} ({lead})".strip()
        title = nodes.title("", solution_title_text(exercise))
        title.parent = node
        node.children[0] = title
        node["title"] = title.astext()


def _quiet_kernels() -> None:
    """Keep ipykernel's per-kernel "running over TCP without encryption" notice out of build logs.

    The kernels that execute the notebooks inherit this process's environment, so an IPython
    directory whose kernel config raises the kernel's log level to ERROR silences that notice
    (one per notebook) and nothing else the build reports. A reader's own IPYTHONDIR is respected.
    """
    if os.environ.get("IPYTHONDIR"):
        return
    folder = Path(tempfile.gettempdir()) / "coursekit-ipython"
    config = folder / "profile_default" / "ipython_kernel_config.py"
    if not config.is_file():
        config.parent.mkdir(parents=True, exist_ok=True)
        tmp = config.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text('c.IPKernelApp.log_level = "ERROR"\n', encoding="utf-8")
        tmp.replace(config)
    os.environ["IPYTHONDIR"] = str(folder)


def cache_plugin_lookups() -> None:
    """Look up each pybtex plugin's entry point once per build, not once per citation.

    sphinxcontrib-bibtex asks pybtex for its style and backend plugins while resolving every
    citation (about 1,300 per edition), and pybtex scans the metadata of every installed
    distribution for each ask: a third of a build's time. The installed entry points do not
    change during a build; plugins registered at run time (``register_plugin``) are still
    looked up first, as before, because only the entry-point scan is cached. Idempotent.
    """
    import functools

    import pybtex.plugin as plugin

    if getattr(plugin.entry_points, "_coursekit_cached", False):
        return
    original = plugin.entry_points

    @functools.cache
    def scan(group: str, name: str) -> tuple[Any, ...]:
        return tuple(original(group=group, name=name))

    def cached(**selection: Any) -> Any:
        if set(selection) == {"group", "name"}:
            return scan(selection["group"], selection["name"])
        return original(**selection)

    cached._coursekit_cached = True  # type: ignore[attr-defined]
    plugin.entry_points = cached


def files_not_in_toc(srcdir: Path, site_map: Any, suffixes: Any, exclude_patterns: list[str]) -> list[str]:
    """The source files that ``only_build_toc_files: true`` must exclude: those not in the table
    of contents, not already excluded and matching none of its globs (sphinx-external-toc's
    rule; the order of the list does not matter).

    sphinx-external-toc finds them with ``glob("**/*.md", recursive=True)`` once per suffix,
    which walks every folder of the source tree, already-excluded ones too: ``_build``, three
    ``node_modules`` (about 100,000 entries) and the notebook caches. That took about a second of
    every build, however little changed. This walks the tree once and does not enter a folder
    the exclude patterns already cover (so nothing inside it is a candidate, as before); like
    ``glob``, it skips hidden files and folders.
    """
    from sphinx.util.matching import Matcher, patmatch

    excluded = Matcher(exclude_patterns)
    globs = list(site_map.globs())
    found: dict[str, list[str]] = {suffix: [] for suffix in suffixes}
    for folder, dirs, names in os.walk(srcdir):
        rel = Path(folder).relative_to(srcdir).as_posix()
        prefix = "" if rel == "." else rel + "/"
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not excluded(prefix + d))
        for name in names:
            if name.startswith("."):
                continue
            posix = prefix + name
            for suffix in found:
                if not name.endswith(suffix) or not (Path(folder) / name).is_file():
                    continue
                stem = posix[: -len(suffix)]
                if posix in site_map or stem in site_map or excluded(posix) \
                        or any(patmatch(stem, pat) for pat in globs):
                    continue
                found[suffix].append(posix)
    return [posix for suffix in found for posix in sorted(found[suffix])]


def _toc_exclusions_off(app: Sphinx, config: Any) -> None:
    """config-inited, before sphinx-external-toc (900): take over its search for files not in
    the table of contents (:func:`files_not_in_toc`), which it would do by globbing."""
    app._coursekit_toc_exclusions = bool(config.external_toc_exclude_missing)  # type: ignore[attr-defined]
    config.external_toc_exclude_missing = False


def _toc_exclusions(app: Sphinx, config: Any) -> None:
    """config-inited, after sphinx-external-toc has read the table of contents."""
    if not getattr(app, "_coursekit_toc_exclusions", False):
        return
    config.external_toc_exclude_missing = True  # as configured, so the saved environment matches
    extra = files_not_in_toc(Path(app.srcdir), config.external_site_map, config.source_suffix,
                             config.exclude_patterns)
    if extra:
        logger.info("[etoc] Excluded %s extra file(s) not in toc", len(extra))
        config.exclude_patterns = config.exclude_patterns + extra


# --- Phones and accessibility (site helper) ------------------------------------------------
# Post-processing of each page's body so that it validates (Nu HTML checker), passes axe-core
# and pa11y, and reads on a 320-px phone. Tested by tests/test_a11y.py and tests/test_phone.py.

_SECTION_ID = re.compile(r'<section id="(exercise|solution)-content">')


def unique_exercise_ids(body: str) -> str:
    """sphinx-exercise gives every exercise's body ``id="exercise-content"`` (and every solution's
    ``id="solution-content"``): many per page, which is invalid HTML. Number them instead."""
    count = {"exercise": 0, "solution": 0}

    def number(m: re.Match[str]) -> str:
        kind = m.group(1)
        count[kind] += 1
        return f'<section class="{kind}-content" id="{kind}-content-{count[kind]}">'

    return _SECTION_ID.sub(number, body)


_HEADING_OR_EXERCISE_TITLE = re.compile(
    r'<h([1-6])\b|(<div class="(?:exercise|solution)\b[^"]*"[^>]*>\s*)<p class="admonition-title">(.*?)</p>',
    re.S)


def exercise_title_headings(body: str) -> str:
    """Make each exercise's (and solution's) title a heading one level below the section it is in,
    so screen-reader users can jump between exercises as between sections."""
    level = 1

    def swap(m: re.Match[str]) -> str:
        nonlocal level
        if m.group(1):
            level = int(m.group(1))
            return m.group(0)
        n = min(level + 1, 6)
        return f'{m.group(2)}<h{n} class="admonition-title">{m.group(3)}</h{n}>'

    return _HEADING_OR_EXERCISE_TITLE.sub(swap, body)


_CODE_TOGGLE = re.compile(
    r'<summary aria-label="Toggle hidden content">\s*<p class="collapsed admonition-title">(.*?)</p>'
    r'\s*<p class="expanded admonition-title">(.*?)</p>\s*</summary>', re.S)


def plain_code_toggles(body: str) -> str:
    """myst-nb's "Show code" toggle puts ``<p>`` inside ``<summary>`` (invalid HTML) and names it
    "Toggle hidden content", which is not its visible label (WCAG 2.5.3). Use spans and let the
    visible words name it."""
    return _CODE_TOGGLE.sub(
        r'<summary><span class="collapsed admonition-title">\1</span>'
        r'<span class="expanded admonition-title">\2</span></summary>', body)


_EXTERNAL_HREF = re.compile(r'href="(https?://[^"]*)"')


def valid_hrefs(body: str) -> str:
    """Percent-encode characters a URL may not contain as they are (brackets, spaces, pipes),
    as they sometimes arrive from bibliography entries."""
    def encode(m: re.Match[str]) -> str:
        url = m.group(1)
        for ch, code in (("[", "%5B"), ("]", "%5D"), (" ", "%20"), ("|", "%7C"), ("{", "%7B"),
                         ("}", "%7D"), ("^", "%5E"), ("`", "%60")):
            url = url.replace(ch, code)
        return f'href="{url}"'

    return _EXTERNAL_HREF.sub(encode, body)


_TABLE = re.compile(r"<table\b([^>]*)>(.*?)</table>", re.S)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r"<(td|th)\b([^>]*)>", re.S)
_TAGS = re.compile(r"<[^>]+>")
#: Tables with at least this many columns are stacked (one card per row) on a phone.
STACK_COLUMNS = 3


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", fragment)).split())


def stackable_tables(body: str) -> str:
    """Label every body cell of a table with its column's heading (``data-label``), and mark
    tables of three or more columns ``course-stack``: on a phone the stylesheet shows each row
    as a small card ("Date: …", "Event: …") instead of a table that runs off the screen."""
    def label(m: re.Match[str]) -> str:
        attrs, inner = m.group(1), m.group(2)
        head = re.search(r"<thead\b[^>]*>(.*?)</thead>", inner, re.S)
        if not head:
            return m.group(0)
        first = _ROW.search(head.group(1))
        if not first:
            return m.group(0)
        names = [_text(c) for c in re.findall(r"<th\b[^>]*>(.*?)</th>", first.group(1), re.S)]
        if len(names) < 2 or "colspan" in inner:
            return m.group(0)

        def row(r: re.Match[str]) -> str:
            i = -1

            def cell(c: re.Match[str]) -> str:
                nonlocal i
                i += 1
                if i >= len(names) or "data-label" in c.group(2):
                    return c.group(0)
                return f'<{c.group(1)}{c.group(2)} data-label="{html.escape(names[i], quote=True)}">'

            return _CELL.sub(cell, r.group(0))

        body_part = re.sub(r"<tbody\b[^>]*>.*?</tbody>",
                           lambda b: _ROW.sub(row, b.group(0)), inner, flags=re.S)
        if len(names) >= STACK_COLUMNS:
            if 'class="' in attrs:
                attrs = attrs.replace('class="', 'class="course-stack ', 1)
            else:
                attrs += ' class="course-stack"'
        return f"<table{attrs}>{body_part}</table>"

    return _TABLE.sub(label, body)


_DATA_SOURCE = re.compile(r'srcset="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def _externalise_phone_charts(app: Sphinx, pagename: str, templatename: str,
                              context: dict[str, Any], doctree: Any) -> None:
    """Write each chart's phone variant (``<picture><source srcset="data:…">``, from
    :class:`coursekit.figures.AccessibleFigure`) to ``_images/chart-<hash>.png`` as well: a
    phone downloads only its own variant, a wide screen only the wide one."""
    body = context.get("body")
    if not isinstance(body, str) or 'srcset="data:image/png;base64,' not in body:
        return
    folder = Path(app.outdir) / "_images"
    folder.mkdir(exist_ok=True)

    def swap(match: re.Match[str]) -> str:
        src, width, height = _chart_file(folder, context, match.group(1))
        return f'srcset="{src}" width="{width}" height="{height}"'

    context["body"] = _DATA_SOURCE.sub(swap, body)


def _phone_and_a11y(app: Sphinx, pagename: str, templatename: str,
                    context: dict[str, Any], doctree: Any) -> None:
    """Apply the page fixes above to the page body."""
    body = context.get("body")
    if not isinstance(body, str):
        return
    for fix in (unique_exercise_ids, exercise_title_headings, plain_code_toggles, valid_hrefs,
                stackable_tables):
        body = fix(body)
    context["body"] = body


REDIRECT_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<meta http-equiv="refresh" content="0; url={target}">
<link rel="canonical" href="{target}">
</head>
<body>
<main><p><a href="{target}">{title}: open the course</a></p></main>
</body>
</html>
"""
_REFRESH = re.compile(r'<meta http-equiv="Refresh" content="0; url=([^"]+)"', re.I)


def _valid_redirect_page(app: Sphinx, exception: Exception | None) -> None:
    """Jupyter Book's ``index.html`` is a bare ``<meta refresh>`` with no doctype, title or
    language: write it as a small valid page with a link for browsers that do not redirect."""
    if exception is not None or app.builder.format != "html":
        return
    index = Path(app.outdir) / "index.html"
    if app.config.root_doc == "index":
        return
    # On a clean build the file does not exist yet (sphinx-external-toc writes its bare redirect
    # after this handler, and only if none exists): start from that same redirect.
    text = (index.read_text(encoding="utf-8") if index.is_file() else
            f'<meta http-equiv="Refresh" content="0; url={app.config.root_doc}.html" />\n')
    m = _REFRESH.search(text)
    if not m or "<!DOCTYPE" in text[:100].upper():
        return
    target = Path(app.outdir) / m.group(1)
    found = re.search(r"<title>(.*?)</title>", target.read_text(encoding="utf-8")
                      if target.is_file() else "", re.S)
    # the course's name: the target page's title after its page name ("Welcome — Course")
    title = re.split(r" [—-] ", html.unescape(found.group(1)))[-1].strip() if found else ""
    page = REDIRECT_PAGE.format(title=html.escape(title or "The course"),
                                target=html.escape(m.group(1), quote=True))
    tmp = index.with_suffix(".html.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(index)


_FOOTER_LINK = re.compile(r'<a class="course-footer-link" data-doc="([^"]+)">')


def _footer_links(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Give the footer's ``data-doc`` links a relative href on every page (works from disk too).

    The footer text comes from ``_config.yml`` and is the same on every page, so its links name
    a document, and this handler turns each into a link relative to the page being written.
    A link to a document this edition does not build is left as plain text.
    """
    footer = context.get("theme_extra_footer")
    if not footer or "course-footer-link" not in footer:
        return
    pathto = context["pathto"]

    def link(m: re.Match[str]) -> str:
        doc = m.group(1)
        if doc not in app.env.all_docs:
            return '<a class="course-footer-link">'
        return f'<a class="course-footer-link" href="{pathto(doc)}">'

    footer = _FOOTER_LINK.sub(link, footer)
    # The facilitator edition is published beside the learner one, at /facilitator/ (see the
    # deploy workflow); the learner edition links to its home page from every footer.
    if "facilitator" not in app.tags and "course-edition-link" in footer:
        root = pathto(app.config.root_doc).rsplit("/", 1)[0] + "/" if "/" in pathto(app.config.root_doc) else ""
        footer = footer.replace('<a class="course-edition-link">',
                                f'<a class="course-edition-link" href="{root}facilitator/intro.html">')
    elif "course-edition-link" in footer:  # in the facilitator edition itself: no self-link
        footer = re.sub(r'\s*· <a class="course-edition-link">.*?</a> \([^)]*\)', "", footer)
    context["theme_extra_footer"] = footer


# --- Languages (Arabic edition helper): all of it lives in coursekit/i18n.py ------------------

def _languages(app: Sphinx) -> None:
    """The Arabic edition: gettext catalogues checked for untranslated text, ``dir="rtl"``,
    ``rtl.css`` + the local Arabic font on Arabic pages only, Arabic search, and a language
    switch with ``hreflang`` links on every page of both editions."""
    from coursekit.i18n import setup_i18n

    setup_i18n(app)


# --- Light pages and offline reading (lite helper): all of it lives in coursekit/site_purge.py
# (unused theme CSS removed, a description per page) and coursekit/site_offline.py ("Save for
# offline": service worker and manifest written from the output's file list).

def _light_and_offline(app: Sphinx) -> None:
    """Load the two site modules as extensions of their own."""
    app.setup_extension("coursekit.site_purge")
    app.setup_extension("coursekit.site_offline")


def setup(app: Sphinx) -> dict[str, Any]:
    _quiet_kernels()
    cache_plugin_lookups()
    _light_and_offline(app)
    _languages(app)
    if os.environ.get("COURSE_EDITION", "learner") == "facilitator":
        app.tags.add("facilitator")
    else:
        app.tags.add("learner")
    app.connect("config-inited", _theme_defaults)
    app.connect("config-inited", _toc_exclusions_off, priority=800)
    app.connect("config-inited", _toc_exclusions, priority=950)
    app.connect("build-finished", _finish_output)
    app.connect("build-finished", _write_offline_zip, priority=560)
    app.connect("source-read", _insert_glossary)
    app.connect("html-page-context", _drop_remote_assets, priority=900)
    app.connect("html-page-context", _fix_citations)
    app.connect("html-page-context", _footer_links)
    app.connect("html-page-context", _externalise_images)
    app.connect("doctree-resolved", _drop_thebe_config, priority=900)
    app.connect("html-page-context", _phone_and_a11y)
    app.connect("html-page-context", _externalise_phone_charts)
    app.connect("build-finished", _valid_redirect_page, priority=400)  # before the offline zip
    app.connect("doctree-resolved", _retitle_solutions)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
