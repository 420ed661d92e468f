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


def _stems(text: str) -> list[str]:
    return [search_ar.stem(w) for w in search_ar.split(text)]


def uses(form: str, translation: str) -> bool:
    """``form`` (one or more words) occurs in ``translation``, ignoring marks, letter-form
    variants, the article and proclitics, and suffixes after each word's stem."""
    want, have = _stems(form), _stems(translation)
    for i in range(len(have) - len(want) + 1):
        if all(have[i + j].startswith(w) for j, w in enumerate(want)):
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
    """An English quotation must be marked as the course's translation, without quotation marks."""
    return msgid.startswith('"') and (not msgstr.startswith("*ترجمة") or bool(re.search('[«»"“”]', msgstr)))


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
