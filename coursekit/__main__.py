"""Command-line entry point: ``python -m coursekit <tool> ...``.

Tools:

- ``evidence`` — the evidence toolkit (hashes, custody logs, photo and video
  metadata, scrubbing, incident reports); see :mod:`coursekit.evidence.cli`. It is
  also installed as the console command ``evidence``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the tool name and hand the remaining arguments to that tool."""
    parser = argparse.ArgumentParser(
        prog="python -m coursekit",
        description="Helper tools of the Solidarity in Practice course.",
        epilog="Run 'python -m coursekit evidence --help' (or 'evidence --help') for the "
               "evidence toolkit.")
    parser.add_argument("tool", choices=["evidence"], help="the tool to run")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the tool")
    try:
        ns = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    from coursekit.evidence.cli import main as evidence_main

    return evidence_main(ns.args, prog="python -m coursekit evidence")


if __name__ == "__main__":
    sys.exit(main())
