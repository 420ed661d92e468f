"""Arabic search for the Sphinx site: letter-form normalisation and light prefix stemming.

Sphinx ships no Arabic search language, so a search for «مقاومة» misses «والمقاومة» (a prefix)
and «مُقاوَمة» (vowel marks, which its splitter treats as word breaks). This module gives
Sphinx a :class:`SearchArabic` language for ``ar``. The indexer (Python, at build time) and the
query side (``_static/search-ar.js``, in the browser) apply the same two steps:

1. :func:`normalise`: alef variants (أ إ آ ٱ) become ا, taa marbuta (ة) becomes ه, alef maqsura
   (ى) becomes ي, hamza on a carrier (ؤ ئ) becomes its carrier (و ي) and a standalone hamza (ء)
   is dropped; vowel marks and other diacritics (U+064B–U+065F, U+0670), tatweel (U+0640) and
   zero-width joiners are removed; Arabic-Indic digits become 0–9.
2. :func:`stem`: the article and common one-letter proclitics are stripped: an optional
   conjunction (و ف), an optional preposition (ب ك ل) and the article (ال), or ل + ال written
   لل; or one proclitic letter alone. A stem keeps at least :data:`MIN_STEM` letters
   (:data:`MIN_STEM_SINGLE` when only one letter would be stripped, since those letters also
   begin many words), so short words are left whole.

A test (``tests/test_arabic.py``) runs both implementations over the same words.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from sphinx.search import SearchLanguage

#: Letters removed outright: diacritics (tanween, harakat, shadda, sukun, maddah and hamza marks,
#: subscript alef …), superscript alef, tatweel, standalone hamza, ZWNJ/ZWJ/LRM/RLM.
_REMOVE = re.compile("[\u064B-\u065F\u0670\u0640\u0621\u200C-\u200F]")
_MAP = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي",
    **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
    **{chr(0x06F0 + d): str(d) for d in range(10)},  # Eastern Arabic-Indic (Persian) digits
})
#: Shortest stem left after stripping a prefix that contains the article.
MIN_STEM = 3
#: Shortest stem left after stripping one proclitic letter alone.
MIN_STEM_SINGLE = 4
#: Prefixes containing the article, longest first (after normalisation).
ARTICLE_PREFIXES = ("وبال", "وكال", "ولل", "فبال", "فكال", "فلل", "وال", "فال", "بال", "كال", "لل", "ال")
#: One-letter proclitics: conjunctions and prepositions.
SINGLE_PREFIXES = ("و", "ف", "ب", "ك", "ل")
#: Very common function words (normalised), not worth an index entry.
STOPWORDS = frozenset("""
في من الي علي عن ان او ثم قد لا ما لم لن هذا هذه ذلك تلك التي الذي الذين هو هي هم كان كانت
مع بين كل بعض عند حتي اذا لكن
""".split())

_WORD = re.compile(r"\w+")
JS_FILE = Path(__file__).resolve().parent.parent / "_static" / "search-ar.js"


def normalise(text: str) -> str:
    """Fold the letter forms an Arabic reader treats as the same letter (see the module doc)."""
    return _REMOVE.sub("", text).translate(_MAP)


def _strip_article(w: str) -> str | None:
    for prefix in ARTICLE_PREFIXES:
        if w.startswith(prefix) and len(w) - len(prefix) >= MIN_STEM:
            return w[len(prefix):]
    return None


def _strip_single(w: str) -> str | None:
    if w[:1] in SINGLE_PREFIXES and len(w) - 1 >= MIN_STEM_SINGLE:
        return w[1:]
    return None


def stem(word: str) -> str:
    """Normalise ``word`` and strip the article and proclitics, keeping a stem of useful length.

    This is what a search query's word becomes (``search-ar.js`` does the same in the browser).
    A word of the pages is indexed under every form in :func:`index_forms`.
    """
    if word.startswith(_MARK):  # an index form already worked out by split()
        return word[1:]
    w = normalise(word).lower()
    return _strip_article(w) or _strip_single(w) or w


def index_forms(word: str) -> list[str]:
    """The forms a word of the pages is indexed under (see :func:`_index_forms`); worked out
    once per distinct word, since a page repeats its words."""
    return list(_index_forms(word))


@functools.lru_cache(maxsize=1 << 16)
def _index_forms(word: str) -> tuple[str, ...]:
    """The forms a word of the pages is indexed under, so that a query finds it with or without
    a proclitic: its :func:`stem`, the word without only its article (``ال``), and its stem
    without one more proclitic letter. A letter such as ف may be a proclitic or part of the word
    (فلسطين); indexing both readings lets «فلسطين», «وفلسطين» and «الفلسطيني»-style queries agree.
    """
    w = normalise(word).lower()
    first = stem(w)
    forms = [first, _strip_article(w) or w]
    more = _strip_single(first)
    if more:
        forms.append(more)
    return tuple(dict.fromkeys(forms))


#: Marks a token that :func:`split` has already stemmed (a private-use character, never in text).
_MARK = "\ue000"


def split(text: str) -> list[str]:
    """Words of ``text`` after normalisation (so a vowel mark never splits a word)."""
    return _WORD.findall(normalise(text))


def index_tokens(text: str) -> list[str]:
    """Every index form of every word of ``text``, marked as already stemmed."""
    return [_MARK + form for word in split(text) for form in index_forms(word)]


class SearchArabic(SearchLanguage):
    """Sphinx search language for Arabic (indexer side; the query side is in ``search-ar.js``)."""

    lang = "ar"
    language_name = "Arabic"
    stopwords = set(STOPWORDS)

    @property
    def js_stemmer_code(self) -> str:  # type: ignore[override]
        """The browser's stemmer and splitter: ``_static/search-ar.js``."""
        return JS_FILE.read_text(encoding="utf-8")

    def split(self, input: str) -> list[str]:  # noqa: A002 - Sphinx's signature
        """Index side: each word's forms (:func:`index_forms`), which :meth:`stem` keeps as they are."""
        return index_tokens(input)

    def stem(self, word: str) -> str:
        return stem(word)

    def word_filter(self, word: str) -> bool:
        """Index every (stemmed) word of two letters or more except the function words."""
        word = word.lstrip(_MARK)
        return len(word) > 1 and word not in _STEMMED_STOPWORDS and not word.isdigit()


_STEMMED_STOPWORDS = frozenset(stem(w) for w in STOPWORDS)


def register() -> None:
    """Make ``SearchArabic`` Sphinx's search language for ``ar``."""
    from sphinx.search import languages

    languages["ar"] = SearchArabic
