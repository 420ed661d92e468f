"""Editions in more than one language: one English source, an Arabic edition built from it.

The Arabic edition is built with Sphinx's own gettext workflow:

1. ``make gettext`` extracts every page's text into ``.pot`` templates (the ``gettext``
   builder, one template per page) and runs ``sphinx-intl update -l ar`` for the pages listed
   in ``_toc-ar.yml``, so ``locales/ar/LC_MESSAGES/<page>.po`` gains the new or changed text.
2. A translator fills in the ``msgstr`` entries (see ``translation/glossary-ar.yml``).
3. ``make html-ar`` builds the edition with ``language = "ar"``; Sphinx compiles the ``.po``
   files to ``.mo`` at build time (the ``.mo`` files are not committed).

A page joins the Arabic edition when its catalogue is complete and a line is added to
``_toc-ar.yml``. An untranslated paragraph (a new or changed English ``msgid``, or an entry
still marked ``fuzzy``) on such a page is reported as a Sphinx warning, so ``-W`` fails the
build instead of mixing English into the Arabic page.

This module also gives every page of both editions a language switch with ``hreflang``
links, and marks Arabic pages ``dir="rtl"`` with their own stylesheet and font.

Command line (``python -m coursekit.i18n``), exit codes 0 done, 2 bad usage or input,
3 a file could not be read or written::

    python -m coursekit.i18n config OUT.yml [--language ar|en] [--execute off]
    python -m coursekit.i18n pots POT_DIR STAGE_DIR      # the Arabic TOC's templates only
    python -m coursekit.i18n check                        # fuzzy or empty entries in the .po files
"""

from __future__ import annotations

import argparse
import html
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
#: The languages of the learner course: English (the source) and Arabic.
SOURCE_LANGUAGE = "en"
LANGUAGES = ("en", "ar")
#: The Arabic font's files in ``_static/fonts`` (preloaded by Arabic pages).
ARABIC_FONTS = ("noto-naskh-arabic-400.woff2", "noto-naskh-arabic-700.woff2")
#: Languages written right to left.
RTL_LANGUAGES = frozenset({"ar"})
#: Where each edition is published, relative to the English site's root.
EDITION_PREFIX = {"en": "", "ar": "ar/"}
#: Each edition's table of contents.
TOC_FILE = {"en": "_toc.yml", "ar": "_toc-ar.yml"}
#: The name of each language in that language (the switch's visible text).
LANGUAGE_NAME = {"en": "English", "ar": "العربية"}
HOME_PAGE = "intro"
#: Pages Sphinx writes in every edition (not listed in a table of contents).
BUILT_IN_PAGES = frozenset({"search", "genindex"})
LOCALE_DIR = "locales"

#: Theme strings written into templates without gettext (so no catalogue can translate them),
#: replaced in the Arabic edition's pages as whole attribute values.
HARDCODED_UI: dict[str, dict[str, str]] = {
    "ar": {
        'title="Toggle primary sidebar"': 'title="إظهار قائمة المحتويات أو إخفاؤها"',
        'title="Toggle secondary sidebar"': 'title="إظهار «في هذه الصفحة» أو إخفاؤه"',
        'aria-label="Main"': 'aria-label="القائمة الرئيسية"',
        'aria-label="Toggle primary sidebar"': 'aria-label="إظهار قائمة المحتويات أو إخفاؤها"',
        'aria-label="Toggle secondary sidebar"': 'aria-label="إظهار «في هذه الصفحة» أو إخفاؤه"',
    },
}

#: Interface strings of the course's own (not the theme's) that depend on the language.
UI_STRINGS: dict[str, dict[str, str]] = {
    "ar": {
        "title": "التضامن عمليًا",
        "switch_label": "اللغة",
        "switch_text": "English",
        "missing_note": "هذه الصفحة لم تُترجم بعد؛ الرابط يفتح الصفحة الرئيسية",
        "code_show": "أظهر الشيفرة",
        "code_hide": "أخفِ الشيفرة",
        "author": "المساهمون في مقرر «التضامن عمليًا» (انظر «عن هذا المقرر»)",
        "search_bar_text": "ابحث في هذا المقرر…",
        "quiz_english": "أسئلة الاختبار الذاتي هذه ما زالت بالإنجليزية: لم تُترجم بعد.",
        "output_english": "ما تطبعه الشيفرة هنا بالإنجليزية: رسائل البرنامج نفسه لم تُترجم بعد، "
                          "والنص حولها يشرحها.",
        # The English footer of _config.yml in Arabic (a test checks they keep the same links).
        "footer": (
            "<p>التضامن عمليًا — مقرر مفتوح، مستقل عن حركة التضامن الدولية.\n"
            '<a class="course-footer-link" data-doc="appendices/about">عن هذا المقرر</a>\n'
            '· المصادر مذكورة في صفحة <a class="course-footer-link" data-doc="appendices/references">المراجع</a>\n'
            '· <a class="course-edition-link">نسخة الميسّرين</a>'
            " (خطط الجلسات وحزمها والملاحظات؛ على الإنترنت، بالإنجليزية).</p>\n"
        ),
    },
    "en": {
        "switch_label": "Language",
        "switch_text": "العربية",
        "missing_note": "this page is not in English yet; the link opens the home page",
    },
}


class I18nError(ValueError):
    """A configuration, table of contents or catalogue the Arabic edition needs is unusable."""


# --- Editions and their pages --------------------------------------------------------------

def toc_pages(toc: Path) -> list[str]:
    """Every page (docname, without suffix) a Jupyter Book ``_toc.yml`` lists, root first."""
    try:
        data = yaml.safe_load(toc.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise I18nError(f"cannot read {toc}: {exc}") from exc
    if not isinstance(data, dict) or "root" not in data:
        raise I18nError(f"{toc}: not a jb-book table of contents (no 'root')")
    pages = [str(data["root"])]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "file" in node:
                pages.append(re.sub(r"\.(md|ipynb)$", "", str(node["file"])))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in data.items() if k != "root"})
    return pages


def edition_pages(root: Path, language: str) -> set[str]:
    """The pages of one language's edition (from its table of contents)."""
    return set(toc_pages(root / TOC_FILE[language]))


def counterpart_href(pagename: str, here: str, there: str, there_pages: Iterable[str]) -> str:
    """Relative link from page ``pagename`` of edition ``here`` to the same page in ``there``.

    A page the other edition does not have links to that edition's home page instead.
    Editions sit at ``EDITION_PREFIX`` below the site root (English at the root, Arabic in ``ar/``).
    """
    target = pagename if pagename in set(there_pages) | BUILT_IN_PAGES else HOME_PAGE
    depth = pagename.count("/") + EDITION_PREFIX[here].count("/")
    return "../" * depth + EDITION_PREFIX[there] + target + ".html"


# --- Catalogues ----------------------------------------------------------------------------

def catalogue_problems(po_file: Path) -> list[str]:
    """Problems in one ``.po`` file that would leave English in a translated page.

    Fuzzy entries (translations of an older English text, never used by Sphinx) and entries
    with an empty ``msgstr`` are reported, one line each, as ``file:line: reason: msgid``.
    """
    from babel.messages.pofile import read_po

    try:
        with po_file.open("rb") as fh:
            catalog = read_po(fh)
    except (OSError, ValueError) as exc:
        raise I18nError(f"cannot read {po_file}: {exc}") from exc
    problems = []
    for msg in catalog:
        if not msg.id:
            continue
        text = msg.id if isinstance(msg.id, str) else msg.id[0]
        short = " ".join(text.split())[:70]
        line = msg.lineno or 0
        if msg.fuzzy:
            problems.append(f"{po_file}:{line}: fuzzy (English changed, translation not yet checked): {short}")
        elif not (msg.string if isinstance(msg.string, str) else "".join(msg.string)).strip():
            problems.append(f"{po_file}:{line}: not translated: {short}")
    return problems


def catalogue_for(root: Path, language: str, docname: str) -> Path:
    """The ``.po`` file of one page (``gettext_compact = False``: one catalogue per page)."""
    return root / LOCALE_DIR / language / "LC_MESSAGES" / f"{docname}.po"


# --- Derived configuration -----------------------------------------------------------------

def edition_config(source: Path, language: str, execute: str | None = None) -> dict[str, Any]:
    """``_config.yml`` for one language's edition: the English config with the language set.

    Everything else stays as the English edition has it, so there is one source of settings;
    only the title, the footer and the code-toggle labels are the language's own.
    """
    try:
        config = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise I18nError(f"cannot read {source}: {exc}") from exc
    if language not in LANGUAGES:
        raise I18nError(f"unknown language {language!r} (expected one of {', '.join(LANGUAGES)})")
    sphinx_config = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx_config["language"] = language
    if execute is not None:
        config.setdefault("execute", {})["execute_notebooks"] = execute
    base = str(config.get("html", {}).get("baseurl", "") or "").strip()
    if base and EDITION_PREFIX[language]:  # the edition is published in its folder of the site
        config["html"]["baseurl"] = base.rstrip("/") + "/" + EDITION_PREFIX[language]
    strings = UI_STRINGS.get(language, {})
    if "title" in strings:
        config["title"] = strings["title"]
        config["author"] = strings["author"]
        config.setdefault("html", {})["extra_footer"] = strings["footer"] + _footer_script(config)
        sphinx_config["nb_code_prompt_show"] = strings["code_show"]
        sphinx_config["nb_code_prompt_hide"] = strings["code_hide"]
    return config


def _footer_script(config: dict[str, Any]) -> str:
    """The English footer's own script (it sets the About link's address), kept unchanged."""
    footer = str(config.get("html", {}).get("extra_footer", ""))
    m = re.search(r"<script>[\s\S]*?</script>", footer)
    return m.group(0) + "\n" if m else ""


# --- Sphinx hooks --------------------------------------------------------------------------

def _config_defaults(app: Any, config: Any) -> None:
    """One catalogue per page, no machine-specific comments in templates, Arabic search."""
    config.gettext_compact = False
    config.gettext_uuid = False
    config.gettext_location = False  # paths would depend on where the book was built
    if LOCALE_DIR not in config.locale_dirs:
        config.locale_dirs = [*config.locale_dirs, LOCALE_DIR]
    # Notebooks run in kernels started by this process: they inherit the language, so code that
    # writes text (quizzes, figure labels and alt text) writes it in the edition's language.
    os.environ["COURSE_LANGUAGE"] = config.language or SOURCE_LANGUAGE
    if (config.language or SOURCE_LANGUAGE) != SOURCE_LANGUAGE:
        cache_default_settings()
        cache_translation_parser()
    text = UI_STRINGS.get(config.language or "", {}).get("search_bar_text")
    if text and str(config.html_theme).startswith(("sphinx_book_theme", "pydata_sphinx_theme")):
        config.html_theme_options["search_bar_text"] = text


def translated_strings(po_file: Path) -> set[str]:
    """The usable translations (``msgstr``) of a catalogue: not fuzzy, not empty."""
    from babel.messages.pofile import read_po

    with po_file.open("rb") as fh:
        catalog = read_po(fh)
    return {m.string for m in catalog if m.id and isinstance(m.string, str) and m.string and not m.fuzzy}


def untranslated_nodes(doctree: Any, translations: set[str]) -> list[tuple[Any, str]]:
    """Translatable text the Locale transform left in the source language.

    Sphinx marks each paragraph, title, etc. it translated ``translated``; an image's alt text
    is replaced without the mark, and the table of contents' captions come already in Arabic
    from ``_toc-ar.yml``, so text that is one of ``translations`` counts as translated.
    """
    from sphinx.util.nodes import extract_messages

    left = []
    for node, msg in extract_messages(doctree):
        if not msg.strip() or node.get("translated") or msg in translations:
            continue
        # Titles extensions write in the edition's language themselves (sphinx-exercise's
        # "تمرين", "الحل لـ") have no English words left in them.
        if not re.search(r"[A-Za-z]{2,}", re.sub(r"\{[a-z]+\}`[^`]*`", "", msg)):
            continue
        # What a notebook's code prints is written in the edition's language by the code itself
        # (coursekit.text); it is not in the page's catalogue.
        if _in_cell_output(node):
            continue
        left.append((node, msg))
    return left


def _in_cell_output(node: Any) -> bool:
    while node is not None:
        if "cell_output" in (node.get("classes", []) if hasattr(node, "get") else []):
            return True
        node = getattr(node, "parent", None)
    return False


def _report_untranslated(app: Any, doctree: Any) -> None:
    """Warn (``-W`` makes it fatal) for each paragraph of a translated page left in English."""
    if app.config.language == SOURCE_LANGUAGE or app.builder.name == "gettext":
        return
    from sphinx.util import logging

    logger = logging.getLogger("coursekit.i18n")
    docname = app.env.docname
    po = catalogue_for(Path(app.srcdir), app.config.language, docname)
    if not po.is_file():
        logger.warning("%s is in the %s edition but has no catalogue %s (run `make gettext`)",
                       docname, app.config.language, po.relative_to(app.srcdir),
                       location=docname, type="i18n", subtype="untranslated")
        return
    app.env.note_dependency(str(po))
    for line in catalogue_problems(po):
        logger.warning(line.split(": ", 1)[1], location=docname, type="i18n", subtype="untranslated")
    for node, msg in untranslated_nodes(doctree, translated_strings(po)):
        logger.warning("not translated (English left in the page): %s", " ".join(msg.split())[:80],
                       location=node, type="i18n", subtype="untranslated")


BROWSER_LAB_SCRIPT = "browserlab.mjs"


def browser_lab_messages(table: dict[str, str], msgids: Iterable[str]) -> tuple[str, list[str]]:
    """The ``<script id="bl-messages">`` element the browser lab reads its messages from (JSON,
    English -> translation), and the messages with no translation."""
    import json

    found = {m: table[m] for m in msgids if m in table}
    missing = [m for m in msgids if m not in table]
    data = json.dumps(found, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f'<script type="application/json" id="bl-messages">{data}</script>\n', missing


def _translate_raw_html(app: Any, doctree: Any) -> None:
    """In a translated edition, the browser lab's forms (raw HTML, which Sphinx's gettext does
    not extract) get their texts from ``coursekit.po``, and its script its messages; a text with
    no translation is a warning (``-W`` makes it fatal), never English left in an Arabic page."""
    if app.config.language == SOURCE_LANGUAGE or app.builder.name == "gettext":
        return
    from docutils import nodes
    from sphinx.util import logging

    from coursekit import text as coursekit_text

    pages = {Path(p).with_suffix("").as_posix() for p in coursekit_text.RAW_HTML_PAGES}
    if app.env.docname not in pages:
        return
    raws = [n for n in doctree.findall(nodes.raw)
            if "html" in n.get("format", "").split() and not _in_cell_output(n)]
    logger = logging.getLogger("coursekit.i18n")
    language = app.config.language
    if language not in coursekit_text.CATALOGUE:
        return
    app.env.note_dependency(str(coursekit_text.CATALOGUE[language]))
    table = coursekit_text.translations(language)
    for node in raws:
        markup, missing = coursekit_text.translate_html(node.astext(), table.get)
        if BROWSER_LAB_SCRIPT in markup:
            sources = coursekit_text.browser_lab_sources(Path(app.srcdir))
            for path in sources:
                app.env.note_dependency(str(path))
            script, lost = browser_lab_messages(table, coursekit_text.js_messages(sources))
            missing += lost
            markup = script + markup
        for msg in missing:
            logger.warning("not translated in coursekit.po (run `make gettext`): %s", msg[:80],
                           location=node, type="i18n", subtype="untranslated")
        node.replace_self(nodes.raw("", markup, format=node["format"]))


def switch_html(pagename: str, here: str, there: str, there_pages: set[str]) -> str:
    """The visible language switch of one page: a link to its counterpart (or the other home)."""
    href = counterpart_href(pagename, here, there, there_pages)
    note = ""
    if pagename not in set(there_pages) | BUILT_IN_PAGES:
        note = (f' <span class="course-lang-note" lang="{there}" dir="{"rtl" if there == "ar" else "ltr"}">'
                f'({html.escape(UI_STRINGS[there]["missing_note"])})</span>')
    return (f'<nav class="course-lang-switch" aria-label="{UI_STRINGS[here]["switch_label"]}">'
            f'<a class="course-edition-link course-lang-link" href="{html.escape(href)}" hreflang="{there}" '
            f'lang="{there}">{LANGUAGE_NAME[there]}</a>'
            f"{note}</nav>\n")


def _editions(app: Any) -> tuple[str, str, set[str]] | None:
    """(this edition's language, the other's, the other's pages), or None without a switch."""
    if "facilitator" in app.tags:  # the facilitator edition has no Arabic counterpart yet
        return None
    here = app.config.language if app.config.language in LANGUAGES else SOURCE_LANGUAGE
    there = "ar" if here == SOURCE_LANGUAGE else SOURCE_LANGUAGE
    try:
        return here, there, edition_pages(Path(app.srcdir), there)
    except I18nError:
        return None


def alternate_links(pagename: str, here: str, there: str, baseurl: str) -> str:
    """``<link rel="alternate" hreflang>`` for a page that exists in both editions.

    Search engines (and Lighthouse's hreflang audit) accept only fully qualified addresses, so
    the links are written only when the site's address is configured (``html.baseurl`` in
    ``_config.yml``, the English site's root); otherwise the visible switch, whose link carries
    ``hreflang``, is the only pointer to the other edition.
    """
    if not baseurl.strip():
        return ""
    root = baseurl.strip().rstrip("/") + "/"
    prefix = EDITION_PREFIX[here]
    if prefix and root.endswith("/" + prefix):
        root = root[: -len(prefix)]
    return "".join(f'<link rel="alternate" hreflang="{lang}" '
                   f'href="{html.escape(root + EDITION_PREFIX[lang] + pagename + ".html")}">\n'
                   for lang in (here, there))


def _language_switch(app: Any, pagename: str, templatename: str,
                     context: dict[str, Any], doctree: Any) -> None:
    """A visible switch and, when the site's address is known, ``<link rel="alternate" hreflang>``."""
    editions = _editions(app)
    if editions is None:
        return
    here, there, there_pages = editions
    if pagename in there_pages:
        context["metatags"] = context.get("metatags", "") + alternate_links(
            pagename, here, there, str(getattr(app.config, "html_baseurl", "") or ""))
    if isinstance(context.get("body"), str):
        context["body"] = switch_html(pagename, here, there, there_pages) + context["body"]


#: Where a page without a ``body`` (the search page, the index) gets its switch: the first found.
_SWITCH_ANCHORS = ('<article class="bd-article">', '<div class="bd-search-container">')


def add_switch(text: str, pagename: str, here: str, there: str, there_pages: set[str]) -> str:
    """Give a page whose template has no ``body`` (the search page) its switch, at its top."""
    if 'class="course-lang-switch"' in text:
        return text
    for anchor in _SWITCH_ANCHORS:
        if anchor in text:
            return text.replace(anchor, anchor + switch_html(pagename, here, there, there_pages), 1)
    return text


_TERM_LINE = re.compile(r"^(\S[^\n]*)$", re.M)


def glossary_terms(folder: Path) -> dict[str, str]:
    """Every glossary term of the English edition, keyed by its lower-case form (as Sphinx
    stores a ``{term}`` reference's target), with its original spelling."""
    from coursekit.sphinx_ext import _GLOSSARY_BLOCK

    terms: dict[str, str] = {}
    for frag in sorted(folder.glob("*.md")):
        for block in _GLOSSARY_BLOCK.findall(frag.read_text(encoding="utf-8")):
            for line in _TERM_LINE.findall(block):
                if not line.startswith((":", "%")):
                    terms[line.strip().lower()] = line.strip()
    return terms


def english_href(refdoc: str, target_doc: str, anchor: str = "") -> str:
    """Link from an Arabic page ``refdoc`` (under ``ar/``) to an English edition page."""
    return "../" * (refdoc.count("/") + 1) + target_doc + ".html" + (f"#{anchor}" if anchor else "")


def _link_to_english(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """A reference to a page (or glossary term) the Arabic edition does not have yet leads to
    the English edition's page instead, marked ``course-en-link`` (the stylesheet adds "EN")."""
    if app.config.language == SOURCE_LANGUAGE or "facilitator" in app.tags:
        return None
    from docutils import nodes
    from sphinx.util import docname_join

    refdoc = node.get("refdoc", env.docname)
    reftype = node.get("reftype")
    try:
        english = edition_pages(Path(app.srcdir), SOURCE_LANGUAGE)
    except I18nError:
        return None
    if reftype == "doc":
        target = docname_join(refdoc, node["reftarget"])
        if target not in english:
            return None
        href = english_href(refdoc, target)
    elif reftype == "term":
        terms = glossary_terms(Path(app.srcdir) / "appendices" / "glossary-terms")
        term = terms.get(str(node["reftarget"]).lower())
        if term is None:
            return None
        href = english_href(refdoc, "appendices/glossary", "term-" + re.sub(r"\s+", "-", term))
    else:
        return None
    # course-edition-link: a link to another edition, which this build's own link check skips
    ref = nodes.reference("", "", internal=False, refuri=href, classes=["course-en-link", "course-edition-link"])
    ref += contnode
    return ref


RTL_CSS = "rtl.css"
SEARCH_JS = "search-ar.js"


def _rtl_assets(app: Any, pagename: str, templatename: str,
                context: dict[str, Any], doctree: Any) -> None:
    """Arabic pages (only they) load ``rtl.css``, last, which brings the local Noto Naskh Arabic.

    Jupyter Book adds every ``.css`` and ``.js`` in ``_static`` to every page; the English
    edition drops ``rtl.css``, and no page loads ``search-ar.js`` as a file (its text is part of
    the Arabic edition's ``language_data.js``).
    """
    css = context.get("css_files")
    if isinstance(css, list):
        rtl = [f for f in css if str(getattr(f, "filename", f)).split("?")[0].endswith(RTL_CSS)]
        css[:] = [f for f in css if f not in rtl]
        if app.config.language in RTL_LANGUAGES and rtl:
            css.append(rtl[0])
    scripts = context.get("script_files")
    if isinstance(scripts, list):
        scripts[:] = [f for f in scripts
                      if not str(getattr(f, "filename", f)).split("?")[0].endswith(SEARCH_JS)]
    # The Arabic font is fetched with the stylesheets, not after them: the text is drawn in it
    # from the first paint instead of being redrawn (and shifted) when it arrives.
    if app.config.language in RTL_LANGUAGES and "pathto" in context:
        context["metatags"] = context.get("metatags", "") + "".join(
            f'<link rel="preload" href="{context["pathto"](f"_static/fonts/{name}", 1)}" as="font" '
            'type="font/woff2" crossorigin>\n' for name in ARABIC_FONTS)


_HTML_TAG = re.compile(r'<html([^>]*?) lang="([a-z-]+)"')
#: Code, highlighted blocks and keyboard keys are left-to-right islands in a right-to-left page.
_LTR_ISLAND = re.compile(r'<(pre|code|kbd|samp|div(?= class="highlight))((?![^>]*\bdir=)[\s>])')


_OUTPUT = re.compile(r'<div class="output (?:stream|text_plain|text_html)[^"]*"')
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def mark_english_outputs(text: str, note: str) -> str:
    """Mark each notebook output that has English words and no Arabic ``lang="en" dir="ltr"``,
    with ``note`` (once, before the first such output)."""
    starts = [m.start() for m in _OUTPUT.finditer(text)]
    if not starts:
        return text
    out, last, noted = [], 0, False
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else text.find("</main>", start)
        chunk = text[start:end if end > start else len(text)]
        visible = re.sub(r"<[^>]+>", " ", chunk)
        if _LATIN_WORD.search(visible) and not _ARABIC_LETTER.search(visible):
            out.append(text[last:start])
            if not noted:
                out.append(f'<p class="course-untranslated" dir="rtl">{html.escape(note)}</p>')
                noted = True
            out.append('<div lang="en" dir="ltr" ')
            last = start + len("<div ")
    out.append(text[last:])
    return "".join(out)


_AUTO_ID = re.compile(r'\bid="(id\d+)"')


def unique_auto_ids(text: str) -> str:
    """Give repeated docutils ids (``id8``…) a suffix after their first use.

    A translated paragraph that cites the same source several times comes back from Sphinx's
    gettext transform with its citation references sharing one id; links to that id still
    reach the first."""
    seen: dict[str, int] = {}

    def one(m: re.Match[str]) -> str:
        n = seen.get(m.group(1), 0)
        seen[m.group(1)] = n + 1
        return m.group(0) if n == 0 else f'id="{m.group(1)}-{n + 1}"'

    return _AUTO_ID.sub(one, text)


def mark_direction(text: str, language: str) -> str:
    """Add ``dir="rtl"`` to a right-to-left page's ``<html>`` tag, and mark its left-to-right islands."""
    if language not in RTL_LANGUAGES:
        return text
    tag = re.search(r"<html\b[^>]*>", text)
    strings = UI_STRINGS.get(language, {})
    extra = ' dir="rtl"'
    text = unique_auto_ids(text)
    if tag is not None and " dir=" not in tag.group(0):
        text = _HTML_TAG.sub(lambda m: f'<html{m.group(1)} lang="{m.group(2)}"{extra}', text, count=1)
    for old, new in HARDCODED_UI.get(language, {}).items():
        text = text.replace(old, new)
    text = _LTR_ISLAND.sub(lambda m: f'<{m.group(1)} dir="ltr"{m.group(2)}', text)
    # Self-check questions come from the English banks until those are translated: the form is
    # marked English (left to right), and a line in Arabic says so, instead of mixing silently.
    if "quiz_english" in strings:
        note = f'<p class="course-untranslated" dir="rtl">{html.escape(strings["quiz_english"])}</p>'
        text = re.sub(r'<form class="course-quiz"(?![^>]*\blang=)',
                      note + '<form lang="en" dir="ltr" class="course-quiz"', text)
    # Program output (the evidence toolkit's and the labs' own messages) is not translated yet:
    # an output with no Arabic in it is marked English, left to right, with a note before the
    # first one on the page, instead of mixing silently.
    if "output_english" in strings:
        text = mark_english_outputs(text, strings["output_english"])
    # The footer's link to the (English) facilitator edition, published beside the English site:
    # one folder further up from the Arabic edition, and in English.
    text = re.sub(r'<a class="course-edition-link" href="((?:\.\./)*)facilitator/intro\.html">',
                  r'<a class="course-edition-link" href="\1../facilitator/intro.html" hreflang="en">', text)
    # "[Author, year]" citations are Latin-script runs: isolated, so brackets stay with them.
    return text.replace('<span class="bibtex-citation" id=', '<span class="bibtex-citation" dir="ltr" id=')


def merged_js_translations(sphinx_js: Path, po_file: Path) -> str:
    """Sphinx's ``translations.js`` for a language with the course's own ``sphinx.po`` entries
    filled in (Sphinx's Arabic leaves most search-page strings empty)."""
    import json

    from babel.messages.pofile import read_po

    data: dict[str, Any] = {"messages": {}, "plural_expr": "0", "locale": po_file.parts[-3]}
    if sphinx_js.is_file():
        text = sphinx_js.read_text(encoding="utf-8")
        m = re.search(r"Documentation\.addTranslations\((\{[\s\S]*\})\);", text)
        if m:
            data = json.loads(m.group(1))
    with po_file.open("rb") as fh:
        for msg in read_po(fh):
            if msg.id and msg.string and not msg.fuzzy:
                data["messages"][msg.id] = msg.string
    return "Documentation.addTranslations(" + json.dumps(data, ensure_ascii=False, indent=1) + ");\n"


def _finish_pages(app: Any, exception: Exception | None) -> None:
    """After the HTML build: every page has its language switch, and every page of a
    right-to-left edition is marked ``dir="rtl"`` (Sphinx writes ``lang`` but never ``dir``,
    sphinx-doc/sphinx#10385) with its interface strings in that language."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    language = app.config.language
    rtl = language in RTL_LANGUAGES
    if rtl:
        import sphinx

        po = catalogue_for(Path(app.srcdir), language, "sphinx")
        if po.is_file():
            js = Path(sphinx.__file__).parent / "locale" / language / "LC_MESSAGES" / "sphinx.js"
            target = out / "_static" / "translations.js"
            tmp = target.with_suffix(".js.tmp")
            tmp.write_text(merged_js_translations(js, po), encoding="utf-8")
            tmp.replace(target)
    # Files no page of this edition loads: the Arabic stylesheet and font in other editions, and
    # search-ar.js in every edition (its text is inside the Arabic edition's language_data.js).
    unused = [out / "_static" / SEARCH_JS]
    if not rtl:
        unused += [out / "_static" / RTL_CSS, *sorted((out / "_static" / "fonts").glob("noto-naskh-arabic-*")),
                   out / "_static" / "fonts" / "OFL.txt"]
    for path in unused:
        path.unlink(missing_ok=True)
    editions = _editions(app)
    for page in out.rglob("*.html"):
        rel = page.relative_to(out)
        if {"_static", "_sources", "reports"} & set(rel.parts):
            continue
        text = page.read_text(encoding="utf-8")
        new = text
        if editions is not None:
            new = add_switch(new, rel.with_suffix("").as_posix(), *editions)
        if rtl:
            new = mark_direction(new, language)
        if new != text:
            tmp = page.with_suffix(".html.tmp")
            tmp.write_text(new, encoding="utf-8")
            tmp.replace(page)


def cache_default_settings() -> None:
    """Build docutils' default settings once per set of components, then hand out copies.

    Sphinx parses every translated paragraph as a document of its own (about 6,000 in the Arabic
    edition), and MyST builds fresh default settings through optparse for each: 13 s of a
    one-minute build. A copy of the first result is the same object in every respect that
    matters (lists and dicts copied too), at a fraction of the cost. Idempotent.
    """
    from docutils import frontend

    if getattr(frontend.get_default_settings, "_coursekit_cached", False):
        return
    original = frontend.get_default_settings
    cache: dict[tuple[Any, ...], Any] = {}

    def cached(*components: Any) -> Any:
        if components not in cache:
            cache[components] = original(*components)
        copy = frontend.Values()
        copy.__dict__.update({k: (list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v)
                              for k, v in vars(cache[components]).items()})
        return copy

    cached._coursekit_cached = True  # type: ignore[attr-defined]
    frontend.get_default_settings = cached


def cache_translation_parser() -> None:
    """Parse translated paragraphs with one Markdown parser, made once, instead of one each.

    Sphinx parses each translated paragraph (about 6,000 in the Arabic edition) with the page's
    parser. myst-nb's first tries to read the paragraph as a notebook, then falls back to MyST,
    which builds a fresh markdown-it parser with all its plugins each time: a fifth of the
    Arabic build. The same configuration gives the same parser, and its renderer sets up all
    its per-document state at the start of every render, so one parser per configuration does
    the same work. Only ``<translated>`` sources take this path; pages parse as before.
    Idempotent.
    """
    from myst_nb import sphinx_ as nb_sphinx
    from myst_parser.config.main import TopmatterReadError, read_topmatter
    from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
    from myst_parser.parsers.mdit import create_md_parser

    original = nb_sphinx.Parser.parse
    if getattr(original, "_coursekit_cached", False):
        return
    made: dict[str, Any] = {}

    def parse(self: Any, inputstring: str, document: Any) -> None:
        config = getattr(getattr(document.settings, "env", None), "myst_config", None)
        if config is None or not str(document.current_source).endswith("<translated>"):
            return original(self, inputstring, document)
        try:
            if read_topmatter(inputstring):
                return original(self, inputstring, document)  # its own settings: as before
        except TopmatterReadError:
            return original(self, inputstring, document)
        if made.get("config") is not config:
            made["config"], made["parser"] = config, create_md_parser(config, SphinxRenderer)
        parser = made["parser"]
        parser.options["document"] = document
        parser.render(inputstring)
        return None

    parse._coursekit_cached = True  # type: ignore[attr-defined]
    nb_sphinx.Parser.parse = parse  # type: ignore[method-assign]


def adopt_translated_nodes(doctree: Any) -> int:
    """Point every node at the page's own document; returns how many were pointing elsewhere.

    Sphinx parses each translation in a scratch document of its own and moves the nodes into
    the page, where they keep a reference to that scratch document, whose settings hold the
    whole build environment. Pickled with the page, they made each Arabic doctree 5 to 45 times
    the English one (8.5 MB for one chapter) and a no-change rebuild take 30 s.
    """
    moved = 0
    for node in doctree.findall(include_self=False):
        if getattr(node, "document", doctree) is not doctree:
            node.document = doctree
            moved += 1
    return moved


def _adopt_translated_nodes(app: Any, doctree: Any) -> None:
    if app.config.language != SOURCE_LANGUAGE:
        adopt_translated_nodes(doctree)


def setup_i18n(app: Any) -> None:
    """Register the language hooks (called from :func:`coursekit.sphinx_ext.setup`)."""
    from coursekit import search_ar

    search_ar.register()
    app.connect("config-inited", _config_defaults)
    app.connect("html-page-context", _rtl_assets, priority=950)
    app.connect("doctree-read", _report_untranslated)
    app.connect("doctree-read", _adopt_translated_nodes, priority=900)
    app.connect("doctree-read", _translate_raw_html)
    app.connect("html-page-context", _language_switch)
    app.connect("missing-reference", _link_to_english)
    app.connect("build-finished", _finish_pages, priority=300)  # before the minifier and zip


# --- Command line --------------------------------------------------------------------------

def _write_yaml(data: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    tmp.replace(out)


def stage_templates(pot_dir: Path, stage: Path, pages: Iterable[str]) -> list[Path]:
    """Copy the ``.pot`` templates of ``pages`` from ``pot_dir`` into ``stage`` (same layout)."""
    copied = []
    for page in pages:
        src = pot_dir / f"{page}.pot"
        if not src.is_file():
            raise I18nError(f"no template {src} for page {page} (did the gettext build run?)")
        dst = stage / f"{page}.pot"
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_bytes(src.read_bytes())
        copied.append(dst)
    return copied


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursekit.i18n", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_config = sub.add_parser("config", help="write an edition's _config.yml")
    p_config.add_argument("out", type=Path)
    p_config.add_argument("--language", default="ar")
    p_config.add_argument("--execute", choices=["off", "cache", "force", "auto"])
    p_pots = sub.add_parser("pots", help="stage the templates of the pages in _toc-ar.yml")
    p_pots.add_argument("pot_dir", type=Path)
    p_pots.add_argument("stage", type=Path)
    sub.add_parser("check", help="list fuzzy or empty entries in the Arabic catalogues")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 0 if exc.code == 0 else 2
    try:
        if args.command == "config":
            _write_yaml(edition_config(ROOT / "_config.yml", args.language, args.execute), args.out)
        elif args.command == "pots":
            stage_templates(args.pot_dir, args.stage, toc_pages(ROOT / TOC_FILE["ar"]))
        else:
            problems = [p for po in sorted((ROOT / LOCALE_DIR / "ar").rglob("*.po"))
                        for p in catalogue_problems(po)]
            for line in problems:
                print(line)
            return 2 if problems else 0
    except I18nError as exc:
        print(f"i18n: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"i18n: {exc}", file=sys.stderr)
        return 3
    return 0



def setup(app: Any) -> dict[str, Any]:
    """Use the language hooks on their own (the course loads them from ``coursekit.sphinx_ext``)."""
    setup_i18n(app)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    sys.exit(main())
