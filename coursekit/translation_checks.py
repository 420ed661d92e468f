"""Checks that a translated catalogue keeps the English's facts and the course's terms.

Used by the tests (tests/test_arabic.py) over every committed catalogue and by translators
on one file at a time (``python -m coursekit.translation_checks locales/ar/LC_MESSAGES/x.po``,
exit 0 when clean, 1 when it lists problems, 2 on a bad argument, 3 when a file cannot be read).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import yaml

from coursekit import search_ar

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales" / "ar" / "LC_MESSAGES"
GLOSSARY = ROOT / "translation" / "glossary-ar.yml"

_DIGITS = str.maketrans({chr(0x0660 + d): str(d) for d in range(10)} | {chr(0x06F0 + d): str(d) for d in range(10)})
_KEYS = re.compile(r"\{cite\}`([^`]+)`")


def load_glossary(path: Path = GLOSSARY) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data or [])


_PROCLITICS = "وفبكل"


def _variants(word: str) -> set[str]:
    """A word as it may be written: normalised, with the article or a proclitic removed (the
    search stemmer's stem too), so a glossary form matches prefixed, plural and possessive uses."""
    n = search_ar.normalise(word)
    out = {n, search_ar.stem(word)}
    for prefix in search_ar.ARTICLE_PREFIXES:
        if n.startswith(prefix) and len(n) - len(prefix) >= 2:
            out.add(n[len(prefix):])
    if n[:1] in _PROCLITICS and len(n) > 3:
        out.add(n[1:])
    return {v for v in out if v}


def _wanted(word: str) -> set[str]:
    """The stems a form's word may start with: its variants, and for a feminine singular (ة) the
    stem a sound plural (ات) shares with it."""
    out = _variants(word)
    out |= {v[:-1] for v in out if v.endswith("ه") and len(v) > 3}
    return out


def uses(form: str, translation: str) -> bool:
    """``form`` (one or more words) occurs in ``translation``, ignoring marks, letter-form
    variants, the article and proclitics, and suffixes after each word's stem."""
    want = [_wanted(w) for w in search_ar.split(form)]
    have = [_variants(w) for w in search_ar.split(translation)]
    for i in range(len(have) - len(want) + 1):
        if all(any(h.startswith(w) for h in have[i + j] for w in wants) for j, wants in enumerate(want)):
            return True
    return False


def english_pattern(entry: dict[str, Any]) -> re.Pattern[str]:
    words = [re.escape(w) for w in re.split(r"[\s-]+", entry["en"])]
    body = r"[\s-]+".join(words)
    flags = 0 if entry.get("case") == "exact" else re.I
    return re.compile(rf"(?<![\w-]){body}(?:s|es)?(?![\w-])", flags)


def glossary_problems(name: str, msgid: str, msgstr: str, glossary: list[dict[str, Any]]) -> list[str]:
    """Glossary terms in ``msgid`` whose approved rendering ``msgstr`` does not use."""
    problems = []
    for entry in glossary:
        if entry.get("context") and entry["context"] not in name:
            continue
        m = english_pattern(entry).search(msgid)
        if m and m.group(0) not in msgstr and not any(uses(f, msgstr) for f in entry["forms"]):
            problems.append(f"{name}: '{entry['en']}' should be {entry['ar']}: {msgstr[:80]}")
    return problems


def facts_missing(msgid: str, msgstr: str) -> list[str]:
    """Numbers, dates and citation keys of the English that the Arabic lacks."""
    arabic = _KEYS.sub(" ", msgstr.translate(_DIGITS))
    numbers = re.findall(r"\d+(?:[.,]\d+)?", _KEYS.sub(" ", msgid))
    missing = [n for n in numbers if not re.search(rf"(?<![\d.,]){re.escape(n)}(?![\d]|[.,]\d)", arabic)]
    keys = {k.strip() for group in _KEYS.findall(msgid) for k in group.split(",")}
    have = {k.strip() for group in _KEYS.findall(msgstr) for k in group.split(",")}
    return missing + sorted(keys - have)


def quotation_problem(msgid: str, msgstr: str) -> bool:
    """An English quotation (a paragraph that opens with a quoted passage of four words or more)
    must be marked as the course's translation, without quotation marks. A heading or sentence
    that opens with a quoted word (``"Apartheid": a word in dispute``) is not a quotation."""
    m = re.match(r'"([^"]*)"?', msgid)
    if not m or len(m.group(1).split()) < 4:
        return False
    return not msgstr.startswith("*ترجمة") or bool(re.search('[«»"“”]', msgstr))


def entries(po: Path) -> list[tuple[str, str]]:
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        return [(m.id, m.string) for m in read_po(fh) if m.id]


def catalogue_report(po: Path, glossary: list[dict[str, Any]] | None = None) -> list[str]:
    """Every problem in one catalogue: untranslated or fuzzy entries, lost facts, glossary
    terms not used, quotations not marked as translated."""
    from coursekit.i18n import catalogue_problems

    glossary = load_glossary() if glossary is None else glossary
    try:
        name = po.resolve().relative_to(LOCALES).as_posix()
    except ValueError:
        name = po.name
    problems = list(catalogue_problems(po))
    for msgid, msgstr in entries(po):
        if not msgstr:
            continue
        if missing := facts_missing(msgid, msgstr):
            problems.append(f"{name}: {missing} missing from: {msgstr[:70]}")
        problems += glossary_problems(name, msgid, msgstr, glossary)
        if quotation_problem(msgid, msgstr):
            problems.append(f"{name}: quotation not marked as a translation: {msgstr[:80]}")
    return problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or any(a.startswith("-") for a in args):
        print("usage: python -m coursekit.translation_checks FILE.po [FILE.po ...]", file=sys.stderr)
        return 2
    problems: list[str] = []
    try:
        glossary = load_glossary()
        for arg in args:
            problems += catalogue_report(Path(arg), glossary)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        print(f"translation_checks: {exc}".splitlines()[0], file=sys.stderr)
        return 3
    except Exception as exc:  # I18nError from a catalogue that cannot be read
        print(f"translation_checks: {exc}".splitlines()[0], file=sys.stderr)
        return 3
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
