"""Translate a page's catalogue as plain text, without editing .po syntax by hand.

    python tools/po_work.py dump locales/ar/LC_MESSAGES/chapters/x.po /tmp/x.txt
        writes every entry still to translate (empty or fuzzy) as a numbered block:
            === 12
            <the English, exactly as in the catalogue>
    python tools/po_work.py fill locales/ar/LC_MESSAGES/chapters/x.po /tmp/x-ar.txt
        reads blocks in the same form, with the Arabic in place of the English, sets each
        entry's msgstr and clears its fuzzy flag. Numbers refer to the dump's numbering (the
        entry's position in the catalogue), so blocks can be filled in several passes.

    python tools/po_work.py quiz-check NAME
        checks the Arabic bank coursekit/quizzes/ar/NAME.yml against the English one (same ids,
        kinds, choices and correct choice; no verdict word opening a feedback) and, when it
        passes, records the English bank's SHA-256 in it (`english_sha256`), which marks it
        as translating the current English. Run it after checking the translation.

Exit codes: 0 done, 1 the translation file names an entry that does not exist or is empty,
2 bad arguments, 3 a file cannot be read or written. The catalogue is replaced atomically.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po, write_po

BLOCK = re.compile(r"^=== (\d+)[ \t]*$", re.M)


def _catalog(po: Path):
    with po.open("rb") as fh:
        return read_po(fh)


def dump(po: Path, out: Path, everything: bool = False) -> int:
    catalog = _catalog(po)
    parts = []
    for n, msg in enumerate(m for m in catalog if m.id):
        if everything or msg.fuzzy or not msg.string:
            parts.append(f"=== {n}\n{msg.id}\n")
    out.write_text("\n".join(parts), encoding="utf-8")
    print(f"{len(parts)} entries to translate written to {out}")
    return 0


def parse_blocks(text: str) -> dict[int, str]:
    found = list(BLOCK.finditer(text))
    blocks = {}
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(text)
        blocks[int(m.group(1))] = text[m.end():end].strip("\n")  # keep spaces: ", " is a text
    return blocks


def fill(po: Path, translations: Path) -> int:
    catalog = _catalog(po)
    msgs = [m for m in catalog if m.id]
    blocks = parse_blocks(translations.read_text(encoding="utf-8"))
    for n, text in blocks.items():
        if n >= len(msgs) or not text.strip():
            print(f"po_work: {translations}: entry {n} {'does not exist' if n >= len(msgs) else 'is empty'}",
                  file=sys.stderr)
            return 1
    for n, text in blocks.items():
        msgs[n].string = text
        msgs[n].flags.discard("fuzzy")
        msgs[n].previous_id = []
    fd, tmp = tempfile.mkstemp(dir=po.parent, prefix=po.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            write_po(fh, catalog, width=0, omit_header=False)
        os.replace(tmp, po)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    left = sum(1 for m in msgs if m.fuzzy or not m.string)
    print(f"{len(blocks)} entries filled in {po}; {left} still to translate")
    return 0


def quiz_check(name: str) -> int:
    from coursekit import quiz

    path = quiz.bank_path(name, "ar")
    problems = [p for p in quiz.translation_problems(name, "ar") if quiz.SOURCE_KEY not in p
                and "out of date" not in p]
    if problems:
        for line in problems:
            print(line)
        return 1
    text = path.read_text(encoding="utf-8")
    stamp = f"{quiz.SOURCE_KEY}: {quiz.english_digest(name)}"
    if re.search(rf"^{quiz.SOURCE_KEY}:.*$", text, re.M):
        text = re.sub(rf"^{quiz.SOURCE_KEY}:.*$", stamp, text, count=1, flags=re.M)
    else:
        text = re.sub(r"^title:", f"{stamp}\ntitle:", text, count=1, flags=re.M)
    tmp = path.with_suffix(".yml.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    left = quiz.translation_problems(name, "ar")
    for line in left:
        print(line)
    if not left:
        print(f"{path}: translates the current English bank")
    return 1 if left else 0


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "quiz-check":
        try:
            return quiz_check(argv[1])
        except OSError as exc:
            print(f"po_work: {exc}", file=sys.stderr)
            return 3
    if len(argv) < 3 or argv[0] not in {"dump", "fill"}:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        print("usage: po_work.py dump|fill FILE.po TEXT [--all]  |  po_work.py quiz-check NAME", file=sys.stderr)
        return 2
    po, text = Path(argv[1]), Path(argv[2])
    try:
        if argv[0] == "dump":
            return dump(po, text, "--all" in argv[3:])
        return fill(po, text)
    except (OSError, ValueError) as exc:
        print(f"po_work: {exc}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
