"""Words that code writes on pages (figure titles, labels, alt text, captions, table headings,
the events of the data files), in the language of the edition being built.

English is the source: code passes its English text through :func:`tr`. In the Arabic edition
(``$COURSE_LANGUAGE`` is ``ar``, set by the build for the notebooks' kernels) :func:`tr` returns
the translation from ``locales/ar/LC_MESSAGES/coursekit.po``, the same gettext workflow as the
pages. A text with no translation, or a fuzzy one, raises :class:`TextError`, so the Arabic build
reports it instead of mixing English into an Arabic figure.

Templates keep their placeholders: ``tr("Timeline of {n} events", n=12)``; the translation must
use the same ``{names}``.

``python -m coursekit.text extract OUT.pot`` runs every notebook (in kernels, as the build does)
with ``$COURSE_TEXT_COLLECT`` set, so that each text passed to :func:`tr` is recorded, adds the
browser lab's interface (the texts of its raw HTML in ``chapters/evidence-lab-browser.md`` and
every ``BL.t("...")`` message of ``browserlab/src/*.js``), and writes them as a gettext template.
``make gettext`` runs it and updates ``coursekit.po``.
Exit codes: 0 written, 2 bad arguments, 3 a notebook failed or a file cannot be written.
"""

from __future__ import annotations

import functools
import os
import re
import string
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = {"ar": ROOT / "locales" / "ar" / "LC_MESSAGES" / "coursekit.po"}
LANGUAGE_ENV = "COURSE_LANGUAGE"
COLLECT_ENV = "COURSE_TEXT_COLLECT"
#: Notebooks whose code writes text on pages.
NOTEBOOK_FOLDERS = ("chapters", "exercises", "appendices")
#: Pages whose raw HTML (the browser lab's forms) holds interface text, and the lab's scripts.
RAW_HTML_PAGES = ("chapters/evidence-lab-browser.md",)
BROWSER_LAB_SOURCES = "browserlab/src"


class TextError(LookupError):
    """A text has no (current) translation in the edition's language."""


class Translated(str):
    """Text already in the edition's language (what :func:`tr` returns): passing it to
    :func:`tr` again returns it unchanged, so functions can accept English or translated text."""


def language() -> str:
    lang = os.environ.get(LANGUAGE_ENV, "en").strip()
    return lang if lang in CATALOGUE else "en"


@functools.lru_cache(maxsize=4)
def _catalogue(lang: str, stamp: float) -> dict[str, str]:
    from babel.messages.pofile import read_po

    path = CATALOGUE[lang]
    try:
        with path.open("rb") as fh:
            catalog = read_po(fh)
    except OSError as exc:
        raise TextError(f"{path}: cannot be read ({exc}); run `make gettext`") from exc
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _record(msgid: str) -> None:
    target = os.environ.get(COLLECT_ENV)
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(msgid.replace("\\", "\\\\").replace("\n", "\\n") + "\n")


def tr(msgid: str, **values: object) -> Translated:
    """``msgid`` in the edition's language, with ``values`` filled into its ``{placeholders}``."""
    if isinstance(msgid, Translated) and not values:
        return msgid
    _record(msgid)
    lang = language()
    text = msgid
    if lang != "en":
        path = CATALOGUE[lang]
        found = translations(lang).get(msgid)
        if found is None:
            raise TextError(f"no {lang} translation of {msgid[:70]!r} in {path.name} "
                            "(run `make gettext`, then translate it)")
        if _fields(found) != _fields(msgid):
            raise TextError(f"{path.name}: the translation of {msgid[:50]!r} must keep the "
                            f"placeholders {sorted(_fields(msgid))}")
        text = found
    return Translated(text.format(**values) if values else text)


def joined(parts: list[str], sep: str = "") -> Translated:
    """Translated pieces joined into one translated text."""
    return Translated(sep.join(parts))


def is_rtl() -> bool:
    return language() == "ar"


def text_style() -> str:
    """The font style for a chart's secondary labels: italic in English; upright in Arabic,
    which has no italic (the chart font's oblique face has no Arabic letters)."""
    return "normal" if is_rtl() else "italic"


# --- The browser lab's interface: raw HTML and script messages ------------------------------

_RAW_HTML_BLOCK = re.compile(r"^```\{raw\} html[^\n]*\n(.*?)^```", re.S | re.M)
#: A text between two tags that has a letter in it (element text; attribute values are names).
_HTML_TEXT = re.compile(r">([^<>]*[^\W\d_][^<>]*)<")
#: A script message: ``BL.t("...")`` with one double-quoted literal (what translators see).
JS_MESSAGE = re.compile(r'BL\.t\(\s*"((?:[^"\\\n]|\\.)*)"\s*[,)]')
JS_CALL = re.compile(r"BL\.t\(")


def _element_text(raw: str) -> str:
    """An element's text as a translator sees it: unescaped, spaces collapsed, trimmed."""
    import html

    return " ".join(html.unescape(raw).split())


def html_texts(markup: str) -> list[str]:
    """The texts of ``markup``'s elements, unescaped and trimmed, in order, each once."""
    found: dict[str, None] = {}
    for m in _HTML_TEXT.finditer(markup):
        text = _element_text(m.group(1))
        if text:
            found[text] = None
    return list(found)


def translate_html(markup: str, lookup: Callable[[str], str | None]) -> tuple[str, list[str]]:
    """``markup`` with each element text replaced by ``lookup(text)``; returns the new markup and
    the texts ``lookup`` had no translation for (those stay as they were)."""
    import html

    missing: list[str] = []

    def one(m: re.Match[str]) -> str:
        raw = m.group(1)
        text = _element_text(raw)
        if not text:
            return m.group(0)
        found = lookup(text)
        if found is None:
            missing.append(text)
            return m.group(0)
        lead, trail = raw[: len(raw) - len(raw.lstrip())], raw[len(raw.rstrip()):]
        return f">{lead}{html.escape(found, quote=False)}{trail}<"

    return _HTML_TEXT.sub(one, markup), missing


def _js_unescape(literal: str) -> str:
    import json

    return str(json.loads(f'"{literal}"'))


def js_messages(sources: Iterable[Path]) -> list[str]:
    """The ``BL.t("...")`` messages of the browser lab's scripts, in order, each once. A call
    whose first argument is not one plain string literal raises :class:`TextError` (it could
    not be translated)."""
    found: dict[str, None] = {}
    for path in sources:
        code = path.read_text(encoding="utf-8")
        calls = [m.start() for m in JS_CALL.finditer(code)]
        literals = {m.start(): m for m in JS_MESSAGE.finditer(code)}
        for start in calls:
            if start not in literals:
                line = code.count("\n", 0, start) + 1
                raise TextError(f"{path.name}:{line}: BL.t( needs one double-quoted string literal")
            found[_js_unescape(literals[start].group(1))] = None
    return list(found)


def raw_html_texts(page: Path) -> list[str]:
    """The interface texts in the ``{raw} html`` blocks of a MyST page."""
    found: dict[str, None] = {}
    for block in _RAW_HTML_BLOCK.finditer(page.read_text(encoding="utf-8")):
        for text in html_texts(block.group(1)):
            found[text] = None
    return list(found)


def browser_lab_sources(root: Path = ROOT) -> list[Path]:
    return sorted((root / BROWSER_LAB_SOURCES).glob("*.js"))


def browser_lab_texts(root: Path = ROOT) -> list[str]:
    """Every text of the browser lab's interface: its pages' raw HTML, then its scripts."""
    found: dict[str, None] = {}
    for page in RAW_HTML_PAGES:
        found.update(dict.fromkeys(raw_html_texts(root / page)))
    found.update(dict.fromkeys(js_messages(browser_lab_sources(root))))
    return list(found)


def translations(lang: str) -> dict[str, str]:
    """The edition's whole ``coursekit.po`` (current, non-fuzzy entries): English -> ``lang``."""
    path = CATALOGUE[lang]
    stamp = path.stat().st_mtime if path.exists() else 0.0
    return _catalogue(lang, stamp)


# --- Extraction -----------------------------------------------------------------------------

def notebooks(root: Path = ROOT) -> list[Path]:
    return sorted(p for folder in NOTEBOOK_FOLDERS for p in (root / folder).glob("*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts)


def collect(paths: list[Path], log: Path) -> list[str]:
    """Run ``paths`` (English) with collection on; the texts passed to :func:`tr`, in order."""
    import nbformat
    from nbclient import NotebookClient

    log.write_text("", encoding="utf-8")
    previous = os.environ.get(COLLECT_ENV), os.environ.get(LANGUAGE_ENV)
    os.environ[COLLECT_ENV], os.environ[LANGUAGE_ENV] = str(log), "en"
    try:
        for path in paths:
            nb = nbformat.read(path, as_version=4)
            try:
                NotebookClient(nb, timeout=300, kernel_name="python3",
                               resources={"metadata": {"path": str(path.parent)}}).execute()
            except Exception as exc:  # nbclient's CellExecutionError: name the notebook and the error
                last = [ln for ln in str(exc).splitlines() if ln.strip()][-1:] or [repr(exc)]
                raise TextError(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
                                f"{last[0][:200]}") from exc
    finally:
        for key, value in zip((COLLECT_ENV, LANGUAGE_ENV), previous, strict=True):
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    seen: dict[str, None] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        seen[re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), line)] = None
    return list(seen)


def write_pot(msgids: list[str], out: Path) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    catalog = Catalog(project="Solidarity in Practice (coursekit)", charset="utf-8")
    for msgid in msgids:
        catalog.add(msgid)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        write_po(fh, catalog, width=0, omit_header=False)
    os.replace(tmp, out)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] != "extract":
        print("usage: python -m coursekit.text extract OUT.pot", file=sys.stderr)
        return 2
    out = Path(args[1])
    try:
        msgids = collect(notebooks(), out.with_suffix(".log"))
        msgids += [m for m in browser_lab_texts() if m not in set(msgids)]
        write_pot(msgids, out)
    except OSError as exc:
        print(f"coursekit.text: {exc}", file=sys.stderr)
        return 3
    except TextError as exc:  # a notebook that fails to run
        print(f"coursekit.text: a notebook failed: {exc}", file=sys.stderr)
        return 3
    print(f"{len(msgids)} texts written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
