"""The Arabic edition: catalogues, translation checks, Arabic search, and the built site.

Unit checks need no build (`make test-fast`). The site checks share ONE Arabic build per test
session (the ``arabic_build`` fixture: its own --path-output, so its own notebook cache) and the
session's browser; the English pages come from the shared ``built_html`` build.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import JB, ROOT, Build, serve, shared_build, site_pages

from coursekit import i18n, quiz, search_ar
from coursekit import translation_checks as checks

LOCALES = ROOT / "locales" / "ar" / "LC_MESSAGES"
GLOSSARY = ROOT / "translation" / "glossary-ar.yml"
SHOTS = Path(os.environ.get("ARABIC_SCREENSHOTS", "/tmp/arabic-screenshots"))


def page_catalogues() -> list[Path]:
    """The .po file of every page (not the interface catalogue sphinx.po)."""
    return sorted(p for p in LOCALES.rglob("*.po") if p.name != "sphinx.po")


entries = checks.entries


# --- Search normalisation and stemming (Python and the browser's JS) ----------------------

@pytest.mark.parametrize("raw, folded", [
    ("أحمد", "احمد"), ("إسلام", "اسلام"), ("آمال", "امال"), ("ٱلله", "الله"),
    ("مقاومة", "مقاومه"), ("إلى", "الي"), ("مسؤول", "مسوول"), ("بيئة", "بييه"),
    ("ماء", "ما"), ("مُقَاوَمَةٌ", "مقاومه"), ("سـلام", "سلام"), ("ﻻ", "ﻻ"),
    ("٢٠١٠", "2010"), ("ذٰلك", "ذلك"),
])
def test_normalise_folds_letter_forms(raw: str, folded: str) -> None:
    assert search_ar.normalise(raw) == folded


@pytest.mark.parametrize("a, b", [("بيت", "بنت"), ("هل", "هي"), ("سلام", "كلام"), ("ه", "ة")])
def test_normalise_keeps_different_letters_apart(a: str, b: str) -> None:
    if (a, b) == ("ه", "ة"):  # folding is one way: ه is never turned into ة
        assert search_ar.normalise(a) == "ه"
        return
    assert search_ar.normalise(a) != search_ar.normalise(b)


@pytest.mark.parametrize("word, stem", [
    ("والمقاومة", "مقاومه"), ("بالمقاومة", "مقاومه"), ("للمقاومة", "مقاومه"), ("فالعمل", "عمل"),
    ("كالعادة", "عاده"), ("وبالتوافق", "توافق"), ("المقاومة", "مقاومه"), ("ومقاومة", "مقاومه"),
    ("التَّوَافُق", "توافق"),
    # short words keep their letters: a stem keeps at least 3 letters (4 after one letter)
    ("كتاب", "كتاب"), ("وقت", "وقت"), ("الي", "الي"), ("بحث", "بحث"), ("الم", "الم"),
])
def test_stem_strips_article_and_proclitics_only_when_enough_is_left(word: str, stem: str) -> None:
    assert search_ar.stem(word) == stem


@pytest.mark.parametrize("page_word, query", [
    ("والمقاومة", "مقاومة"), ("مقاومة", "والمقاومة"), ("المُقاوَمة", "مقاومة"), ("مقاومة", "مُقاوَمة"),
    ("فلسطين", "وفلسطين"), ("فلسطين", "فلسطين"), ("الفلسطينيين", "فلسطينيين"),
    ("القواعد", "وبالقواعد"), ("أسئلة", "اسئله"),
])
def test_a_query_finds_the_word_with_or_without_prefix_and_marks(page_word: str, query: str) -> None:
    assert search_ar.stem(query) in search_ar.index_forms(page_word)


@pytest.mark.parametrize("page_word, query", [("مقاطعة", "مقاومة"), ("كتاب", "تاب"), ("سلام", "كلام")])
def test_a_query_does_not_find_a_different_word(page_word: str, query: str) -> None:
    assert search_ar.stem(query) not in search_ar.index_forms(page_word)


def test_splitting_keeps_vowel_marked_words_whole() -> None:
    assert search_ar.split("المُقَاوَمَةُ الشَّعْبِيَّة، ٢٠٠٥") == ["المقاومه", "الشعبيه", "2005"]


def test_browser_stemmer_matches_the_indexer() -> None:
    """search-ar.js (query side) and search_ar.py (index side) agree on every word."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is missing: this test runs _static/search-ar.js (apt-get install -y nodejs)")
    words = ["والمقاومة", "مُقاوَمة", "إلى", "مسؤول", "ماء", "كتاب", "وقت", "فلسطين", "للمقاومة",
             "التَّوَافُق", "سـلام", "٢٠١٠", "JupyterLab", "بالعمل", "وفلسطين", "ٱلله", "بيئة"]
    script = (ROOT / "_static" / "search-ar.js").read_text(encoding="utf-8") + """
const words = JSON.parse(process.argv[1]);
const s = new Stemmer();
console.log(JSON.stringify({stems: words.map(w => s.stemWord(w)), norm: words.map(normaliseArabic),
                            split: splitQuery("المُقَاوَمَةُ الشَّعْبِيَّة، ٢٠٠٥")}));
"""
    out = subprocess.run([node, "-e", script, json.dumps(words)], capture_output=True, text=True, check=True)
    got = json.loads(out.stdout)
    assert got["stems"] == [search_ar.stem(w) for w in words]
    assert got["norm"] == [search_ar.normalise(w) for w in words]
    assert got["split"] == search_ar.split("المُقَاوَمَةُ الشَّعْبِيَّة، ٢٠٠٥")


def test_arabic_search_language_is_registered() -> None:
    from sphinx.search import languages

    search_ar.register()
    lang = languages["ar"]({})
    assert "Stemmer" in lang.js_stemmer_code and "splitQuery" in lang.js_stemmer_code
    tokens = lang.split("والمقاومة")
    assert [lang.stem(t) for t in tokens] == search_ar.index_forms("والمقاومة")
    assert not lang.word_filter(lang.stem(lang.split("في")[0]))  # a function word is not indexed


# --- Catalogues: out-of-date translations are reported ------------------------------------

PO_HEAD = 'msgid ""\nmsgstr ""\n"Language: ar\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'


def test_catalogue_problems_reports_fuzzy_and_empty_entries(tmp_path: Path) -> None:
    good = tmp_path / "good.po"
    good.write_text(PO_HEAD + 'msgid "Hello"\nmsgstr "مرحبا"\n', encoding="utf-8")
    assert i18n.catalogue_problems(good) == []
    bad = tmp_path / "bad.po"
    bad.write_text(PO_HEAD + '#, fuzzy\nmsgid "Hello"\nmsgstr "مرحبا"\n\nmsgid "Bye"\nmsgstr ""\n',
                   encoding="utf-8")
    problems = i18n.catalogue_problems(bad)
    assert len(problems) == 2
    assert "fuzzy" in problems[0] and "Hello" in problems[0]
    assert "not translated" in problems[1] and "Bye" in problems[1]


def test_the_committed_catalogues_are_complete() -> None:
    problems = [p for po in sorted(LOCALES.rglob("*.po")) for p in i18n.catalogue_problems(po)]
    assert not problems, "\n".join(problems)


def _tiny_project(root: Path, fuzzy: bool) -> None:
    (root / "conf.py").write_text('extensions = ["coursekit.i18n"]\nlanguage = "ar"\n', encoding="utf-8")
    (root / "index.rst").write_text("Title\n=====\n\nA paragraph.\n", encoding="utf-8")
    po = root / "locales" / "ar" / "LC_MESSAGES" / "index.po"
    po.parent.mkdir(parents=True)
    flag = "#, fuzzy\n" if fuzzy else ""
    po.write_text(PO_HEAD + 'msgid "Title"\nmsgstr "عنوان"\n\n' + flag
                  + 'msgid "A paragraph."\nmsgstr "فقرة."\n', encoding="utf-8")


@pytest.mark.parametrize("fuzzy", [False, True])
def test_a_sphinx_build_fails_on_a_fuzzy_entry(tmp_path: Path, fuzzy: bool) -> None:
    """Both ways, in a real (tiny) Sphinx build with -W: complete builds, fuzzy fails and says why."""
    _tiny_project(tmp_path, fuzzy)
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q", str(tmp_path),
                           str(tmp_path / "_build")], capture_output=True, text=True, check=False)
    if fuzzy:
        assert proc.returncode != 0
        assert "fuzzy" in proc.stderr and "not translated (English left in the page): A paragraph." in proc.stderr
    else:
        assert proc.returncode == 0, proc.stderr
        page = (tmp_path / "_build" / "index.html").read_text(encoding="utf-8")
        assert "فقرة." in page and 'dir="rtl"' in page


# --- Editions, tables of contents, links --------------------------------------------------

def test_arabic_toc_lists_english_pages_with_complete_catalogues() -> None:
    english = i18n.edition_pages(ROOT, "en")
    arabic = i18n.toc_pages(ROOT / "_toc-ar.yml")
    assert arabic[0] == "intro" and "chapters/start-here" in arabic
    for page in arabic:
        assert page in english, f"{page} is in _toc-ar.yml but not in _toc.yml"
        assert i18n.catalogue_for(ROOT, "ar", page).is_file(), f"{page} has no Arabic catalogue"


def test_arabic_toc_captions_are_intro_po_translations_of_english_captions() -> None:
    translated = dict(entries(LOCALES / "intro.po"))
    english = [p["caption"] for p in yaml.safe_load((ROOT / "_toc.yml").read_text())["parts"]]
    arabic = [p["caption"] for p in yaml.safe_load((ROOT / "_toc-ar.yml").read_text())["parts"]]
    allowed = {translated[c] for c in english if translated.get(c)}
    assert arabic and set(arabic) <= allowed, set(arabic) - allowed


@pytest.mark.parametrize("page, here, there, pages, href", [
    ("chapters/start-here", "en", "ar", {"intro", "chapters/start-here"}, "../ar/chapters/start-here.html"),
    ("chapters/consensus", "en", "ar", {"intro", "chapters/start-here"}, "../ar/intro.html"),
    ("intro", "en", "ar", {"intro"}, "ar/intro.html"),
    ("chapters/start-here", "ar", "en", {"intro", "chapters/start-here"}, "../../chapters/start-here.html"),
    ("intro", "ar", "en", {"intro"}, "../intro.html"),
    ("search", "ar", "en", {"intro"}, "../search.html"),
])
def test_counterpart_links(page: str, here: str, there: str, pages: set[str], href: str) -> None:
    assert i18n.counterpart_href(page, here, there, pages) == href


def test_edition_config_sets_the_language_and_keeps_the_rest(tmp_path: Path) -> None:
    config = i18n.edition_config(ROOT / "_config.yml", "ar")
    english = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["sphinx"]["config"]["language"] == "ar"
    assert config["title"] == "التضامن عمليًا"
    assert config["sphinx"]["config"]["nb_code_prompt_show"] == "أظهر الشيفرة"
    assert config["execute"] == english["execute"] and config["parse"] == english["parse"]
    with pytest.raises(i18n.I18nError):
        i18n.edition_config(ROOT / "_config.yml", "xx")
    assert i18n.main(["config", str(tmp_path / "c.yml"), "--language", "xx"]) == 2
    assert i18n.main(["config", str(tmp_path / "c.yml")]) == 0 and (tmp_path / "c.yml").is_file()


def test_arabic_footer_keeps_the_english_footers_links() -> None:
    links = re.compile(r'<a class="([^"]+)"(?: data-doc="([^"]*)")?>')
    english = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["html"]["extra_footer"]
    arabic = i18n.edition_config(ROOT / "_config.yml", "ar")["html"]["extra_footer"]
    assert links.findall(arabic) == links.findall(english) != []
    assert re.search("[\u0600-\u06ff]", arabic)


def test_mark_direction_marks_rtl_pages_only() -> None:
    page = ('<html lang="ar" data-x><body><pre>x</pre><code class="c">y</code>'
            '<span class="bibtex-citation" id="i">[<a>A, 2001</a>]</span></body></html>')
    out = i18n.mark_direction(page, "ar")
    assert '<html lang="ar" dir="rtl"' in out
    assert '<pre dir="ltr">' in out and '<code dir="ltr" class="c">' in out
    assert 'class="bibtex-citation" dir="ltr"' in out
    assert i18n.mark_direction(out, "ar") == out  # idempotent
    quiz = i18n.mark_direction('<html lang="ar"><form class="course-quiz" data-quiz="x"></form>', "ar")
    assert '<form lang="en" dir="ltr" class="course-quiz"' in quiz and "لم تُترجم بعد" in quiz
    assert i18n.mark_direction(quiz, "ar") == quiz
    arabic_quiz = '<html lang="ar"><form class="course-quiz" data-quiz="x" lang="ar"></form>'
    assert i18n.mark_direction(arabic_quiz, "ar").count("لم تُترجم") == 0  # a translated bank


def test_english_program_output_is_marked_and_noted_once() -> None:
    page = ('<html lang="ar"><main><div class="output stream highlight"><pre>Round 1: Agree</pre></div>'
            '<div class="output text_plain"><pre>Hash matches: True</pre></div>'
            '<div class="output text_html"><figure><img alt="خط زمني للأحداث"></figure></div></main>')
    out = i18n.mark_direction(page, "ar")
    assert out.count('<div lang="en" dir="ltr" class="output') == 2
    assert out.count('class="course-untranslated"') == 1
    assert '<div class="output text_html"><figure><img alt="خط زمني' in out
    assert i18n.mark_direction(out, "ar") == out
    assert i18n.mark_direction(page.replace('"ar"', '"en"'), "en") == page.replace('"ar"', '"en"')


# --- Translation faithfulness -------------------------------------------------------------

def _glossary() -> list[dict]:
    return checks.load_glossary(GLOSSARY)


_uses = checks.uses


def test_glossary_is_well_formed() -> None:
    seen = set()
    for entry in _glossary():
        assert {"en", "ar", "forms"} <= set(entry), entry
        assert entry["en"] not in seen, f"{entry['en']} twice"
        seen.add(entry["en"])
        assert re.search("[\u0600-\u06ff]", entry["ar"]), entry
        assert any(_uses(f, entry["ar"]) for f in entry["forms"]), f"{entry['en']}: ar is not one of its forms"


def test_uses_accepts_prefixed_plural_and_possessive_forms() -> None:
    assert _uses("البيانات الوصفية", "تحذف بيانات وصفية من الصورة")
    assert _uses("البصمة الرقمية", "قارن البصمات الرقمية")
    assert _uses("صوت", "بصوت واضح")
    assert _uses("البيانات الوصفية", "بياناته الوصفية")


def test_quotation_rule_is_for_quoted_passages_not_quoted_words() -> None:
    assert checks.quotation_problem('"We chose nonviolence, not out of fear."', "اخترنا اللاعنف")
    assert not checks.quotation_problem('"We chose nonviolence, not out of fear."',
                                        "*ترجمة عن النص الإنجليزي المنشور:* اخترنا اللاعنف")
    assert not checks.quotation_problem('"Apartheid": a word in dispute', "الفصل العنصري: كلمة موضع خلاف")


def test_uses_rejects_a_different_term() -> None:
    assert _uses("القواعد الأساسية", "وتتفق على قواعدها الأساسية")
    assert not _uses("القواعد الأساسية", "وتتفق على خطة العمل")
    assert not _uses("التوافق", "المقاومة الشعبية")


def test_glossary_renderings_are_used_in_translated_paragraphs() -> None:
    glossary = _glossary()
    problems = [p for po in page_catalogues() for msgid, msgstr in entries(po)
                for p in checks.glossary_problems(po.relative_to(LOCALES).as_posix(), msgid, msgstr, glossary)]
    assert not problems, "\n".join(problems)


facts_missing = checks.facts_missing


def test_facts_check_accepts_arabic_digits_and_rejects_a_changed_number() -> None:
    assert facts_missing("In 2005, {cite}`gv2005`", "في عام ٢٠٠٥ {cite}`gv2005`") == []
    assert facts_missing("In 2005, {cite}`gv2005`", "في عام 2006 {cite}`gv2005`") == ["2005"]
    assert facts_missing("{cite}`a,b`", "{cite}`a`") == ["b"]


def test_every_number_date_and_citation_key_survives_translation() -> None:
    problems = [f"{po.relative_to(LOCALES)}: {missing} missing from: {msgstr[:70]}"
                for po in page_catalogues() for msgid, msgstr in entries(po)
                if (missing := facts_missing(msgid, msgstr))]
    assert not problems, "\n".join(problems)


def test_quotations_translated_from_a_source_are_marked_as_translated() -> None:
    """An English quotation is given in Arabic as the course's translation: marked ترجمة at its
    start and (like the course's other translations) without quotation marks. An Arabic original
    may be used only where a cited source prints it (none on the translated pages yet)."""
    problems = [f"{po.name}: quotation not marked as a translation: {msgstr[:80]}"
                for po in page_catalogues() for msgid, msgstr in entries(po)
                if checks.quotation_problem(msgid, msgstr)]
    assert not problems, "\n".join(problems)


def test_font_licence_and_files_are_present() -> None:
    fonts = ROOT / "_static" / "fonts"
    assert "SIL Open Font License" in (fonts / "OFL.txt").read_text(encoding="utf-8")
    for weight in (400, 700):
        data = (fonts / f"noto-naskh-arabic-{weight}.woff2").read_bytes()
        assert data[:4] == b"wOF2" and len(data) < 60_000


# --- The built Arabic edition -------------------------------------------------------------

@pytest.fixture(scope="session")
def arabic_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """The Arabic edition, built once per session, fresh, with its own notebook cache."""
    def make(out: Path) -> Build:
        config = out / "_config-ar.yml"
        assert i18n.main(["config", str(config), "--language", "ar"]) == 0
        proc = subprocess.run([*JB, "build", str(ROOT), "--config", str(config), "--toc",
                               str(ROOT / "_toc-ar.yml"), "--path-output", str(out), "-n", "-W", "--keep-going"],
                              capture_output=True, text=True, check=False)
        return Build(out / "_build" / "html", proc.stdout + proc.stderr, proc.returncode)

    return shared_build(tmp_path_factory, "arabic", make)


@pytest.fixture(scope="session")
def arabic_html(arabic_build: Build) -> Path:
    if arabic_build.returncode != 0 or not (arabic_build.html / "intro.html").is_file():
        pytest.fail(f"the Arabic edition did not build:\n{arabic_build.log[-6000:]}")
    return arabic_build.html


@pytest.fixture(scope="session")
def arabic_url(arabic_html: Path) -> Iterator[str]:
    with serve(arabic_html) as url:
        yield url


@pytest.mark.needs_build
def test_arabic_build_has_no_warnings_and_its_own_cache(arabic_build: Build, arabic_html: Path) -> None:
    assert arabic_build.warnings() == []
    assert (arabic_html.parent / ".jupyter_cache").is_dir()


@pytest.mark.parametrize("base, here, page, want", [
    ("https://example.org/course/", "en", "chapters/consensus",
     ['hreflang="en" href="https://example.org/course/chapters/consensus.html"',
      'hreflang="ar" href="https://example.org/course/ar/chapters/consensus.html"']),
    ("https://example.org/course/ar", "ar", "intro",
     ['hreflang="ar" href="https://example.org/course/ar/intro.html"',
      'hreflang="en" href="https://example.org/course/intro.html"']),
])
def test_alternate_links_are_absolute_when_the_site_address_is_set(base: str, here: str, page: str,
                                                                   want: list[str]) -> None:
    there = "ar" if here == "en" else "en"
    links = i18n.alternate_links(page, here, there, base)
    assert all(w in links for w in want) and links.count("<link") == 2
    assert i18n.alternate_links(page, here, there, "") == ""


def test_the_arabic_config_publishes_under_ar(tmp_path: Path) -> None:
    src = tmp_path / "_config.yml"
    src.write_text("title: T\nhtml:\n  baseurl: https://example.org/course/\n", encoding="utf-8")
    assert i18n.edition_config(src, "ar")["html"]["baseurl"] == "https://example.org/course/ar/"
    assert i18n.edition_config(src, "en")["html"]["baseurl"] == "https://example.org/course/"


@pytest.mark.needs_build
def test_arabic_doctrees_are_not_bloated_by_scratch_documents(arabic_build: Build, built_html: Path) -> None:
    """Translated nodes belong to their page's document (i18n.adopt_translated_nodes): an Arabic
    doctree stays within three times the English one (they were up to 45 times, 8.5 MB)."""
    arabic, english = arabic_build.html.parent / ".doctrees", built_html.parent / ".doctrees"
    for doctree in sorted(english.glob("chapters/*.doctree")):
        mine = arabic / doctree.relative_to(english)
        assert mine.stat().st_size <= 3 * doctree.stat().st_size + 50_000, mine.name


def test_translated_paragraphs_share_one_parser_and_pages_parse_as_before(monkeypatch) -> None:
    from types import SimpleNamespace

    from docutils import nodes
    from docutils.frontend import get_default_settings
    from docutils.utils import new_document
    from myst_nb import sphinx_ as nb
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers import mdit

    pages: list[str] = []
    made: list[object] = []
    real_create = mdit.create_md_parser
    monkeypatch.setattr(nb.Parser, "parse", lambda self, text, document: pages.append(text))
    monkeypatch.setattr(mdit, "create_md_parser", lambda *a: made.append(a) or real_create(*a))
    i18n.cache_translation_parser()
    i18n.cache_translation_parser()  # idempotent
    parse = nb.Parser.parse
    env = SimpleNamespace(myst_config=MdParserConfig(), metadata={}, docname="chapters/x")

    def document(source: str):
        settings = get_default_settings(nb.Parser)
        settings.env = env
        return new_document(source, settings)

    parse(None, "a page's own text", document("chapters/x.ipynb"))
    assert pages == ["a page's own text"] and not made
    first, second = document("chapters/x.ipynb<translated>"), document("chapters/x.ipynb<translated>")
    parse(None, "نص **عريض**", first)
    parse(None, "نص آخر", second)
    assert len(made) == 1 and pages == ["a page's own text"]
    assert first.astext() == "نص عريض" and first.next_node(nodes.strong).astext() == "عريض"
    assert second.astext() == "نص آخر" and second.next_node(nodes.strong) is None
    parse(None, "---\nmyst: {}\n---\nمع إعدادات", document("chapters/x.ipynb<translated>"))
    assert pages[-1].endswith("مع إعدادات")  # its own settings: the original path


def test_adopting_nodes_points_them_at_the_page() -> None:
    from docutils import nodes
    from docutils.utils import new_document

    page, scratch = new_document("page"), new_document("scratch")
    original = nodes.paragraph("", "")
    page += original
    patch = nodes.paragraph("", "")
    scratch += patch
    patch += nodes.emphasis("", "نص")
    original.children = patch.children  # as Sphinx's Locale transform moves a translation in
    assert original.children[0].document is scratch
    assert i18n.adopt_translated_nodes(page) >= 1 and original.children[0].document is page
    assert i18n.adopt_translated_nodes(page) == 0


@pytest.mark.needs_build
def test_every_arabic_page_is_rtl_arabic_with_a_switch(arabic_html: Path) -> None:
    pages = site_pages(arabic_html)
    assert {"chapters/start-here.html", "intro.html", "appendices/about.html"} <= set(pages)
    for rel in pages:
        if rel in ("index.html", "genindex.html"):
            continue
        text = (arabic_html / rel).read_text(encoding="utf-8")
        assert re.search(r'<html lang="ar" dir="rtl"', text), rel
        assert 'class="course-lang-switch"' in text and 'hreflang="en"' in text, rel
        assert "rtl.css" in text, rel
    start = (arabic_html / "chapters" / "start-here.html").read_text(encoding="utf-8")
    assert '<link rel="alternate"' not in start  # no site address configured: no relative alternates
    assert "Skip to main content" not in start and "انتقل إلى المحتوى الرئيسي" in start
    assert 'href="../../facilitator/intro.html" hreflang="en"' in start  # footer: English edition
    assert "start-here-route.ar.svg" in start  # the Arabic copy of the diagram (figure_language_filename)
    svg = (ROOT / "chapters" / "figures" / "start-here-route.ar.svg").read_text(encoding="utf-8")
    assert 'role="img"' in svg and "<title" in svg and "http://" not in svg.replace("http://www.w3.org", "")


def test_english_pages_link_to_arabic_or_its_home(built_html: Path) -> None:
    start = (built_html / "chapters" / "start-here.html").read_text(encoding="utf-8")
    assert '<link rel="alternate"' not in start  # relative alternates fail search engines' checks
    assert 'hreflang="ar" lang="ar">العربية</a>' in start
    other = (built_html / "chapters" / "consensus.html").read_text(encoding="utf-8")
    assert 'href="../ar/chapters/consensus.html" hreflang="ar"' in other  # every page has its counterpart
    # a cross-edition link: test_build's link check (one edition at a time) skips this class
    assert '<a class="course-edition-link course-lang-link" href="../ar/chapters/start-here.html"' in start
    assert not (built_html / "_static" / "rtl.css").exists()
    assert not list((built_html / "_static").rglob("noto-naskh-arabic-*"))
    for rel in site_pages(built_html):
        text = (built_html / rel).read_text(encoding="utf-8")
        if rel != "index.html":
            assert "rtl.css" not in text and "noto-naskh" not in text, rel
            assert 'class="course-lang-switch"' in text, rel


def _visit(browser, url: str, width: int):
    from test_browser import Visit

    v = Visit.__new__(Visit)
    v.context = browser.new_context(viewport={"width": width, "height": 900})
    v.page = v.context.new_page()
    v.errors, v.remote, v.fonts = [], [], []
    v.page.on("console", lambda m: v.errors.append(m.text) if m.type == "error" else None)
    v.page.on("request", lambda r: v.fonts.append(r.url) if r.url.endswith(".woff2") else None)
    v.page.route("**/*", v._route)
    v.page.goto(url, wait_until="networkidle")
    return v


SIDEBAR_BOX = "JSON.stringify(document.querySelector('.bd-sidebar-primary').getBoundingClientRect())"


def test_arabic_pages_in_the_browser(browser, arabic_url: str, arabic_html: Path, site_url: str) -> None:
    """Local only, the font on Arabic pages only, no sideways scrolling at 390 px, the table of
    contents on the right (wide) and the drawer opening from the right (phone); screenshots."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    visits = [("chapters/start-here.html", 390), ("chapters/start-here.html", 1280), ("intro.html", 390),
              ("appendices/about.html", 1280)]
    for rel, width in visits:
        v = _visit(browser, f"{arabic_url}/{rel}", width)
        name = rel.replace("/", "-").removesuffix(".html")
        v.page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=False)
        if v.remote:
            problems.append(f"{rel}: requests to other hosts {v.remote[:3]}")
        if v.errors:
            problems.append(f"{rel}: console errors {v.errors[:3]}")
        if not any("noto-naskh-arabic" in f for f in v.fonts):
            problems.append(f"{rel}: the Arabic font was not loaded")
        over = v.page.evaluate("document.documentElement.scrollWidth")
        if width == 390 and over > 390:
            problems.append(f"{rel}: {over} px wide at 390 px")
        box = json.loads(v.page.evaluate(SIDEBAR_BOX))
        if width == 1280 and box["left"] < width / 2:
            problems.append(f"{rel}: table of contents on the left at 1280 px ({box})")
        if (rel, width) == ("chapters/start-here.html", 390):
            v.page.click("button.primary-toggle")
            v.page.wait_for_timeout(500)
            box = json.loads(v.page.evaluate(SIDEBAR_BOX))
            v.page.screenshot(path=str(SHOTS / f"{name}-{width}-drawer.png"))
            if abs(box["right"] - width) > 2 or box["left"] < width / 4:
                problems.append(f"{rel}: the drawer does not open from the right ({box})")
        v.context.close()
    english = _visit(browser, f"{site_url}/chapters/start-here.html", 1280)
    if english.fonts and any("noto-naskh" in f for f in english.fonts):
        problems.append("the English page loaded the Arabic font")
    english.context.close()
    assert not problems, "\n".join(problems)


def test_the_arabic_edition_saved_under_ar_opens_and_searches_offline(browser, built_html: Path,
                                                                     arabic_html: Path, tmp_path: Path) -> None:
    """Published as a facilitator publishes it (English at the root, Arabic at /ar/), the Arabic
    edition's own control stores the Arabic edition (its size in Arabic, nothing unasked), and
    three other Arabic pages and an Arabic search then work with no connection."""
    from test_offline import STORED

    site = tmp_path / "site"
    shutil.copytree(built_html, site)
    shutil.copytree(arabic_html, site / "ar")
    with serve(site) as url:
        context = browser.new_context()
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{url}/ar/intro.html", wait_until="networkidle")
        button = page.get_by_role("button", name=re.compile(r"^احفظ للقراءة دون اتصال \(\d+(\.\d)? (م|ك)\.ب\)$"))
        assert page.evaluate(STORED) == {"caches": [], "workers": 0}, "something was stored unasked"
        button.click()
        page.get_by_text("حُفظ المقرر في هذا المتصفح").wait_for(timeout=60_000)
        stored = page.evaluate(STORED)
        assert len(stored["caches"]) == 1 and stored["workers"] == 1
        scopes = page.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).map(r => r.scope)")
        assert scopes == [f"{url}/ar/"], scopes
        context.set_offline(True)
        for rel in ("chapters/consensus.html", "exercises/four-principles.html", "appendices/glossary.html"):
            page.goto(f"{url}/ar/{rel}", wait_until="load")
            assert page.evaluate("document.documentElement.dir") == "rtl", rel
            assert _ARABIC_LETTER.search(page.locator("article h1").first.inner_text()), rel
        page.goto(f"{url}/ar/search.html?q=" + "والتضامن", wait_until="load")
        page.locator("#search-results li").first.wait_for(timeout=30_000)
        context.set_offline(False)
        assert not errors, errors
        context.close()


#: The search page's own code run on one query: the pages it finds (Sphinx's _parseQuery and
#: _performSearch, as Search.query calls them, without rendering the list).
SEARCH_RUN = """(q) => {
  const parsed = Search._parseQuery(q);
  return [...new Set(Search._performSearch(...parsed).map(r => r[0] + '.html'))].sort();
}"""


def _pages_with_stem(arabic_html: Path, word: str) -> list[str]:
    """The translated pages (as the search index lists them) with a word whose stem is ``word``'s."""
    want = search_ar.stem(word)
    found = []
    for rel in site_pages(arabic_html):
        if rel in ("search.html", "genindex.html", "index.html"):
            continue
        text = re.sub(r"<[^>]+>", " ", (arabic_html / rel).read_text(encoding="utf-8").split('<main', 1)[-1])
        if any(want in search_ar.index_forms(w) for w in search_ar.split(text)):
            found.append(rel)
    return sorted(found)


def test_arabic_search_finds_words_with_prefixes_and_vowel_marks(browser, arabic_url: str,
                                                                 arabic_html: Path) -> None:
    """A query with proclitics the page does not use («وبالتوافق»), or with vowel marks, finds the
    pages that have the word in any form; a taa marbuta typed as ه finds «فلسطينية»; two words
    that differ by one letter («مقاطعة», boycott; «مقاومة», resistance) find different pages,
    each only where its own word is; a word on no page finds nothing.
    The first query goes through the search page as a reader uses it."""
    from urllib.parse import quote

    consensus = _pages_with_stem(arabic_html, "التوافق")
    assert "chapters/consensus.html" in consensus and "chapters/start-here.html" in consensus
    v = _visit(browser, f"{arabic_url}/search.html?q={quote('وبالتوافق')}", 1280)
    v.page.wait_for_function("document.querySelector('#search-results .search-summary') !== null",
                             timeout=15000)
    shown = v.page.evaluate("[...new Set([...document.querySelectorAll('#search-results li a')]"
                            ".map(a => a.getAttribute('href').split('#')[0].split('?')[0]))].sort()")
    assert set(shown) <= set(consensus) and "chapters/consensus.html" in shown
    marked = v.page.evaluate(SEARCH_RUN, "التَّوَافُق")
    assert set(marked) <= set(consensus) and "chapters/consensus.html" in marked
    assert "chapters/start-here.html" in v.page.evaluate(SEARCH_RUN, "فلسطينيه")
    boycott, resistance = v.page.evaluate(SEARCH_RUN, "مقاطعة"), v.page.evaluate(SEARCH_RUN, "مقاومة")
    assert boycott and resistance and boycott != resistance
    assert set(boycott) <= set(_pages_with_stem(arabic_html, "مقاطعة"))
    assert set(resistance) <= set(_pages_with_stem(arabic_html, "مقاومة"))
    assert _pages_with_stem(arabic_html, "زرافة") == []
    assert v.page.evaluate(SEARCH_RUN, "زرافة") == []  # «زرافة» (giraffe) is on no page
    v.context.close()


def test_every_arabic_page_loads_cleanly_and_stays_local(browser, arabic_url: str, arabic_html: Path) -> None:
    from conftest import browser_pages
    from test_browser import load_problems

    problems = load_problems(browser, arabic_url, browser_pages(arabic_html))
    assert not problems, "\n".join(problems)


_ARABIC_LETTER = re.compile("[\u0621-\u064a]")


def test_the_browser_lab_speaks_arabic(browser, arabic_url: str, tmp_path: Path) -> None:
    """The lab's forms and the messages its script writes are Arabic on the Arabic page, on a
    phone; the data it compares (categories, the log) stays as the toolkit writes it."""
    from test_browserlab import Lab

    from coursekit.evidence.sample import make_samples

    photo = make_samples(tmp_path / "samples")["jpeg"]
    lab = Lab(browser, f"{arabic_url}/chapters/evidence-lab-browser.html", width=390)
    try:
        page = lab.page
        assert page.evaluate("BrowserLab.translated()")
        assert page.evaluate("document.querySelectorAll('[lang=en] .bl-tool, .bl-tool[lang=en]').length") == 0
        labels = page.evaluate("() => [...document.querySelectorAll('.bl-tool label, .bl-tool legend, "
                               ".bl-tool button, .bl-samples a, #bl-log-label, #bl-log-text')]"
                               ".map(e => e.textContent.trim())")
        assert len(labels) > 20
        assert all(_ARABIC_LETTER.search(t) for t in labels), [t for t in labels if not _ARABIC_LETTER.search(t)]

        page.set_input_files("#bl-meta-file", str(photo))
        page.wait_for_selector('#bl-meta-out details[data-category="Location (GPS)"]', timeout=30000)
        said = page.evaluate("() => [...document.querySelectorAll('#bl-meta-out p, #bl-meta-out summary')]"
                             ".map(e => e.textContent)")
        assert said and all(_ARABIC_LETTER.search(t) for t in said), [t for t in said if not _ARABIC_LETTER.search(t)]

        page.fill("#bl-log-start-actor", "مدوِّن الفريق أ")
        page.click("#bl-log-start button[type=submit]")
        page.wait_for_function("document.querySelector('#bl-log-text').textContent.includes('coursekit-custody/1')")
        log_line = json.loads(page.text_content("#bl-log-text").splitlines()[0])
        assert log_line["kind"] == "init" and log_line["actor"] == "مدوِّن الفريق أ"
        assert _ARABIC_LETTER.search(page.text_content("#bl-log-out") or "")
        page.click("#bl-verify-form button[type=submit]")
        page.wait_for_selector("#bl-verify-out[data-ok=true]", timeout=30000)
        verdict = page.evaluate("() => [...document.querySelectorAll('#bl-verify-out p')].map(e => e.textContent)")
        assert verdict and all(_ARABIC_LETTER.search(t) for t in verdict), verdict
        assert not lab.errors and not lab.remote, (lab.errors[:3], lab.remote[:3])
    finally:
        lab.close()


@pytest.mark.needs_build
def test_arabic_links_resolve_and_every_image_is_described_in_arabic(arabic_html: Path) -> None:
    from test_build import _html_pages, _parse, broken_internal_links, images_without_alt

    assert not broken_internal_links(arabic_html)
    assert not images_without_alt(arabic_html)
    english = [f"{p.relative_to(arabic_html)}: {img.get('alt', '')[:60]}" for p in _html_pages(arabic_html)
               for img in _parse(p).imgs if not re.search("[\u0621-\u064a]", img.get("alt") or "")]
    assert not english, "images described only in English:\n" + "\n".join(english)


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_arabic_pages_have_no_axe_violations(browser, a11y_tools: Path, arabic_url: str, arabic_html: Path,
                                             mode: str) -> None:
    from conftest import browser_pages
    from test_a11y import _axe_source, axe_problems

    problems = axe_problems(browser, _axe_source(a11y_tools), arabic_url, browser_pages(arabic_html), mode)
    assert not problems, "\n".join(problems)


def test_arabic_pages_have_no_pa11y_errors(a11y_tools: Path, arabic_url: str, arabic_html: Path) -> None:
    """pa11y (HTML_CodeSniffer, WCAG2AA) on every Arabic page (its control page: tests/test_a11y)."""
    pages = site_pages(arabic_html)
    proc = subprocess.run(["node", "pa11y-pages.mjs", arabic_url, *pages],
                          cwd=a11y_tools, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = json.loads(proc.stdout)
    assert set(found) == set(pages)
    problems = [f"{rel}: {i['code'].split('.', 3)[-1]}: {i['selector']}: {i['message'][:120]}"
                for rel, issues in found.items() for i in issues]
    assert not problems, f"{len(problems)} pa11y errors:\n" + "\n".join(problems[:60])


def test_arabic_pages_are_valid_html(a11y_tools: Path, arabic_html: Path) -> None:
    """The Nu HTML checker finds no error on any Arabic page (its control page: tests/test_a11y)."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is missing: the Nu HTML checker needs it (sudo apt-get install -y default-jre-headless)")
    jar = a11y_tools / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    pages = [arabic_html / rel for rel in site_pages(arabic_html)]
    proc = subprocess.run([java, "-jar", str(jar), "--errors-only", "--format", "json", *map(str, pages)],
                          capture_output=True, text=True, timeout=300, check=False)
    report = json.loads(proc.stderr or proc.stdout)
    problems = [f"{m['url'].split(str(arabic_html))[-1]}:{m.get('lastLine')}: {m['message'][:160]}"
                for m in report["messages"] if m.get("type") == "error"]
    assert not problems, f"{len(problems)} HTML errors:\n" + "\n".join(problems[:60])


@pytest.mark.parametrize("width", [320, 390])
def test_nothing_is_clipped_on_arabic_pages(browser, arabic_url: str, arabic_html: Path, width: int) -> None:
    """The English edition's phone check (tests/test_phone.py) on every Arabic page."""
    from conftest import browser_pages
    from test_phone import _clipping

    problems = _clipping(browser, arabic_url, arabic_html, browser_pages(arabic_html), width)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:60])


@pytest.mark.usefixtures("one_firefox")
def test_arabic_pages_in_firefox(a11y_tools: Path, arabic_url: str) -> None:
    """Debian's firefox-esr at 390 and 1280 px: the toggles work, the drawer opens from the right;
    screenshots of the page and the open drawer are kept (ARABIC_SCREENSHOTS)."""
    from test_phone import START, TARGET

    if not Path("/usr/bin/firefox-esr").exists():
        pytest.fail("Firefox is missing: install Debian's 'firefox-esr' package")
    SHOTS.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["node", "nav-check.mjs", "firefox", arabic_url, START, TARGET, "390", "1280"],
                          cwd=a11y_tools, capture_output=True, text=True, timeout=300, check=False,
                          env=dict(os.environ, NAV_SHOTS=str(SHOTS)))
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads(proc.stdout)
    assert results == {"390": [], "1280": []}, results
    for shot in ("firefox-390.png", "firefox-390-drawer.png", "firefox-1280.png"):
        assert (SHOTS / shot).stat().st_size > 5000, shot


# --- Arabic quiz banks ----------------------------------------------------------------------

AR_BANKS = sorted(p.stem for p in (ROOT / "coursekit" / "quizzes" / "ar").glob("*.yml"))


@pytest.mark.parametrize("name", AR_BANKS)
def test_arabic_bank_translates_the_current_english_bank(name: str) -> None:
    assert quiz.translation_problems(name, "ar") == []
    bank = quiz.load_quiz(name, language="ar")
    english = quiz.load_quiz(name, language="en")
    assert bank.language == "ar" and re.search("[\u0600-\u06ff]", bank.title)
    for q in bank.questions.values():
        assert re.search("[\u0600-\u06ff]", q.prompt), f"{name}/{q.qid}: prompt not in Arabic"
        assert not facts_missing(english.questions[q.qid].prompt, q.prompt), f"{name}/{q.qid}: prompt"
        for c, e in zip(q.choices, english.questions[q.qid].choices, strict=True):
            assert re.search("[\u0600-\u06ff]", c.text + c.feedback), f"{name}/{q.qid}: choice not in Arabic"
            # every number of the English choice and its feedback is in the Arabic one
            assert not facts_missing(e.text + " " + e.feedback, c.text + " " + c.feedback), f"{name}/{q.qid}"


def _bank_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit) -> str:
    """A translated bank in a temporary folder (its English: a copy of start-here), edited."""
    (tmp_path / "ar").mkdir()
    english = (ROOT / "coursekit" / "quizzes" / "start-here.yml").read_text(encoding="utf-8")
    (tmp_path / "demo.yml").write_text(english, encoding="utf-8")
    monkeypatch.setattr(quiz, "bank_path", lambda name, language="en":
                        tmp_path / ("ar" if language == "ar" else "") / f"{name}.yml")
    digest = quiz.english_digest("demo")
    arabic = english.replace("title:", f"english_sha256: {digest}\ntitle:", 1)
    (tmp_path / "ar" / "demo.yml").write_text(edit(arabic), encoding="utf-8")
    return "demo"


def test_a_faithful_bank_copy_passes_and_renders_arabic_controls(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    name = _bank_copy(tmp_path, monkeypatch, lambda t: t)
    assert quiz.translation_problems(name, "ar") == []
    monkeypatch.setenv("COURSE_LANGUAGE", "ar")
    page = quiz.load_quiz(name).show()._repr_html_()
    assert 'lang="ar"' in page and "تحقّق من إجاباتي" in page and ">أ) " in page
    first = next(iter(quiz.load_quiz(name).questions.values()))
    right = next(c for c in first.choices if c.correct)
    assert str(first.check(right.letter)).startswith("إجابة صحيحة.")
    monkeypatch.setenv("COURSE_LANGUAGE", "en")
    assert 'lang="ar"' not in quiz.load_quiz(name).show()._repr_html_()


@pytest.mark.parametrize("edit, reason", [
    (lambda t: re.sub(r"english_sha256: \w+", "english_sha256: 00", t), "out of date"),
    (lambda t: t.replace("correct: true", "correct: false", 1), "correct"),
    (lambda t: re.sub(r"(feedback: >-\n\s+)", r"\1صحيح، ", t, count=1), "verdict"),
    (lambda t: t.replace("id: ", "id: x-", 1), "ids differ"),
])
def test_an_unfaithful_bank_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit, reason: str) -> None:
    name = _bank_copy(tmp_path, monkeypatch, edit)
    problems = quiz.translation_problems(name, "ar")
    assert any(reason in p for p in problems), problems
    with pytest.raises(quiz.QuizError):
        quiz.load_quiz(name, language="ar")


def test_the_offline_control_speaks_the_pages_language() -> None:
    from coursekit import site_offline

    arabic = site_offline.control_html("ar")
    assert 'data-save="احفظ للقراءة دون اتصال ({size})"' in arabic and ">احفظ للقراءة دون اتصال<" in arabic
    assert site_offline.control_html("en") == site_offline.CONTROL and "data-save" not in site_offline.CONTROL
    script = (ROOT / "_static" / "offline.js").read_text(encoding="utf-8")
    assert 'word("save", "Save for offline ({size})"' in script  # English stays the script's default


@pytest.mark.needs_build
def test_an_arabic_handout_prints_right_to_left_in_the_local_font(arabic_html: Path, tmp_path: Path) -> None:
    """`make pdf` prints the Arabic edition too: a handout in Noto Naskh Arabic (embedded), the
    chapter title at the top left and the course name at the top right, pages numbered in Arabic."""
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "make_pdf.py"), "--html", str(arabic_html),
                           "--out", str(tmp_path), "--toc", str(ROOT / "_toc-ar.yml"),
                           "--pages", "chapters/start-here", "--no-course"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    pdf = tmp_path / "start-here.pdf"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "NotoNaskhArabic" in fonts
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 3
    for n, page in enumerate(pages, start=1):
        first = next(line for line in page.splitlines() if line.strip())
        assert first.strip().startswith("\u202bابدأ من هنا"), first  # the title, at the left
        assert "التضامن" in first.split("ابدأ من هنا", 1)[1], first  # the course, at the right
        assert re.search(rf"صفحة\s*\u202a?\s*{n}\s*\u202c?\s*من", page.replace("\u200f", "")), n
