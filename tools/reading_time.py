"""Check or fix every chapter's stated reading time (``Reading time: about N minutes.``).

    python tools/reading_time.py          # list chapters whose stated time is wrong (exit 1 if any)
    python tools/reading_time.py --fix    # rewrite the sentence in each chapter's first Markdown cell

The time follows from the chapter's words of prose at one course-wide rate
(:data:`coursekit.reading.WORDS_PER_MINUTE`). A chapter without the sentence gets it appended to
its first Markdown cell's opening paragraph block.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from course import pages, prose_words  # noqa: E402

from coursekit.reading import STATED, reading_minutes, stated_minutes  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fix", action="store_true", help="rewrite the stated times in place")
    args = ap.parse_args(argv)
    wrong = 0
    for page in pages():
        if not page.rel.startswith("chapters/") or page.path.suffix != ".ipynb":
            continue
        text = page.markdown()
        want = reading_minutes(prose_words(text))
        # the sentence itself adds five words; count them as the test will see them
        if stated_minutes(text) is None:
            want = reading_minutes(prose_words(text + " Reading time: about 10 minutes."))
        if stated_minutes(text) == want:
            continue
        wrong += 1
        print(f"{page.rel}: states {stated_minutes(text)}, should be {want}")
        if not args.fix:
            continue
        nb = json.loads(page.path.read_text(encoding="utf-8"))
        first = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
        src = "".join(first["source"])
        sentence = f"Reading time: about {want} minutes."
        if STATED.search(src):
            src = STATED.sub(sentence, src)
        else:  # end the chapter's opening paragraph (the one after "# Title") with the sentence
            paras = src.split("\n\n")
            i = 1 if len(paras) > 1 and paras[0].startswith("# ") else 0
            paras[i] = paras[i].rstrip() + " " + sentence
            src = "\n\n".join(paras)
        first["source"] = src.splitlines(keepends=True)
        tmp = page.path.with_suffix(".ipynb.tmp")
        tmp.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        tmp.replace(page.path)
    return 1 if wrong and not args.fix else 0


if __name__ == "__main__":
    raise SystemExit(main())
