"""Subset Noto Naskh Arabic (from npm ``@fontsource/noto-naskh-arabic``) into ``_static/fonts/``.

Run once after ``npm ci`` in this folder (the committed WOFF2 files are the output)::

    cd tools/fonts && npm ci --ignore-scripts && ../../.venv/bin/python subset.py

Keeps the Arabic block, Arabic punctuation and the direction and joiner controls; the
font's shaping tables (GSUB/GPOS) are kept whole so letters still join. Exit codes:
0 done, 2 the npm package is missing (run ``npm ci`` first), 3 a font could not be read
or written. Each output is written to a temporary file and renamed, never half-written.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = HERE / "node_modules" / "@fontsource" / "noto-naskh-arabic"
OUT = HERE.parent.parent / "_static" / "fonts"
#: Arabic letters, marks, digits and punctuation; ZWNJ/ZWJ/LRM/RLM; general punctuation;
#: ornate parentheses. Latin text is left to the reader's own system font.
UNICODES = "U+0020,U+00A0,U+0600-06FF,U+200C-200F,U+2010-2027,U+FD3E-FD3F"
WEIGHTS = (400, 700)


def main() -> int:
    try:
        from fontTools import subset
    except ImportError:
        print("subset.py: fonttools is not installed (pip install -r requirements.txt)", file=sys.stderr)
        return 3
    if not PACKAGE.is_dir():
        print(f"subset.py: {PACKAGE} not found: run `npm ci --ignore-scripts` in {HERE}", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    for weight in WEIGHTS:
        src = PACKAGE / "files" / f"noto-naskh-arabic-arabic-{weight}-normal.woff2"
        dst = OUT / f"noto-naskh-arabic-{weight}.woff2"
        tmp = dst.with_suffix(".woff2.tmp")
        args = [str(src), f"--unicodes={UNICODES}", "--flavor=woff2", "--layout-features=*",
                "--no-hinting", "--desubroutinize", f"--output-file={tmp}"]
        try:
            subset.main(args)
        except Exception as exc:  # noqa: BLE001 - one line for any font fault
            tmp.unlink(missing_ok=True)
            print(f"subset.py: could not subset {src.name}: {exc}", file=sys.stderr)
            return 3
        tmp.replace(dst)
        print(f"{dst.relative_to(OUT.parent.parent)}: {dst.stat().st_size} bytes")
    shutil.copyfile(PACKAGE / "LICENSE", OUT / "OFL.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
