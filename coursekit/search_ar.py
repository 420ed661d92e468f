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


def stem(word: str) -> str:
    """Normalise ``word`` and strip the article and proclitics, keeping a stem of useful length."""
    w = normalise(word).lower()
    for prefix in ARTICLE_PREFIXES:
        if w.startswith(prefix) and len(w) - len(prefix) >= MIN_STEM:
            return w[len(prefix):]
    if w[:1] in SINGLE_PREFIXES and len(w) - 1 >= MIN_STEM_SINGLE:
        return w[1:]
    return w


def split(text: str) -> list[str]:
    """Words of ``text`` after normalisation (so a vowel mark never splits a word)."""
    return _WORD.findall(normalise(text))


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
        return split(input)

    def stem(self, word: str) -> str:
        return stem(word)

    def word_filter(self, word: str) -> bool:
        """Index every (stemmed) word of two letters or more except the function words."""
        return len(word) > 1 and word not in _STEMMED_STOPWORDS


_STEMMED_STOPWORDS = frozenset(stem(w) for w in STOPWORDS)


def register() -> None:
    """Make ``SearchArabic`` Sphinx's search language for ``ar``."""
    from sphinx.search import languages

    languages["ar"] = SearchArabic
