"""Remove the entries of references.bib that no page of either edition cites.

    python tools/prune_bib.py          # list the uncited entries (exit 1 if any)
    python tools/prune_bib.py --fix    # rewrite references.bib without them (atomically)

"Cited" means a {cite} key in the Markdown or code of a page in _toc.yml or _toc-facilitator.yml
or in a glossary fragment, or a key in a data file or quiz bank (the rule tests/test_structure.py uses).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from course import cite_keys, pages  # noqa: E402

ENTRY = re.compile(r"(?ms)^@\w+\{([^,\s]+),.*?^\}\s*")


def cited() -> set[str]:
    keys: set[str] = set()
    for toc in (ROOT / "_toc.yml", ROOT / "_toc-facilitator.yml"):
        for p in pages(toc):
            keys |= cite_keys(p.markdown() + p.code())
    # glossary fragments are merged into the glossary page at build time
    for f in (ROOT / "appendices" / "glossary-terms").glob("*.md"):
        keys |= cite_keys(f.read_text(encoding="utf-8"))
    # data files name their sources in a column of citation keys; quiz banks may too
    for f in [*(ROOT / "coursekit" / "data").glob("*.csv"), *(ROOT / "coursekit" / "quizzes").glob("*.yml")]:
        keys |= set(re.findall(r"[\w:./-]+", f.read_text(encoding="utf-8")))
    return keys


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fix", action="store_true")
    args = ap.parse_args(argv)
    bib = ROOT / "references.bib"
    text = bib.read_text(encoding="utf-8")
    keep = cited()
    drop = [m.group(1) for m in ENTRY.finditer(text) if m.group(1) not in keep]
    for k in drop:
        print(k)
    if not args.fix:
        return 1 if drop else 0
    out = ENTRY.sub(lambda m: m.group(0) if m.group(1) in keep else "", text)
    out = re.sub(r"(?m)^% ---- Added from .*\n", "", out)
    tmp = bib.with_suffix(".bib.tmp")
    tmp.write_text(out.rstrip() + "\n", encoding="utf-8")
    tmp.replace(bib)
    print(f"removed {len(drop)} uncited entries", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
