/*
 * Arabic search, query side (the indexer is coursekit/search_ar.py: keep the two in step;
 * tests/test_arabic.py runs both over the same words). Sphinx puts this file's text in
 * language_data.js on the Arabic edition only.
 *
 * normaliseArabic: alef variants -> ا, ة -> ه, ى -> ي, ؤ -> و, ئ -> ي, standalone ء dropped,
 * diacritics (U+064B-U+065F, U+0670), tatweel and zero-width joiners removed, Arabic-Indic
 * digits -> 0-9. Stemmer: strips the article and proclitics (وال، بال، لل، و، ب ...), keeping
 * at least 3 letters (4 when a single letter is stripped).
 */
var ARABIC_REMOVE = /[\u064B-\u065F\u0670\u0640\u0621\u200C-\u200F]/g;
var ARABIC_MAP = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي"};
var ARABIC_ARTICLE_PREFIXES = ["وبال", "وكال", "ولل", "فبال", "فكال", "فلل", "وال", "فال", "بال", "كال", "لل", "ال"];
var ARABIC_SINGLE_PREFIXES = ["و", "ف", "ب", "ك", "ل"];
var ARABIC_MIN_STEM = 3;
var ARABIC_MIN_STEM_SINGLE = 4;

function normaliseArabic(text) {
  return text.replace(ARABIC_REMOVE, "").replace(/[أإآٱةىؤئ٠-٩۰-۹]/g, function (c) {
    var code = c.charCodeAt(0);
    if (code >= 0x0660 && code <= 0x0669) return String(code - 0x0660);
    if (code >= 0x06F0 && code <= 0x06F9) return String(code - 0x06F0);
    return ARABIC_MAP[c];
  });
}

var Stemmer = function () {
  this.stemWord = function (word) {
    var w = normaliseArabic(word).toLowerCase();
    for (var i = 0; i < ARABIC_ARTICLE_PREFIXES.length; i++) {
      var p = ARABIC_ARTICLE_PREFIXES[i];
      if (w.startsWith(p) && w.length - p.length >= ARABIC_MIN_STEM) return w.slice(p.length);
    }
    if (ARABIC_SINGLE_PREFIXES.indexOf(w.charAt(0)) !== -1 && w.length - 1 >= ARABIC_MIN_STEM_SINGLE) {
      return w.slice(1);
    }
    return w;
  };
};

/* Split a query into words after normalisation, so a vowel mark never breaks a word. */
var splitQuery = function (query) {
  return normaliseArabic(query)
    .split(/[^\p{Letter}\p{Number}_]+/gu)
    .filter(function (term) { return term; });
};
