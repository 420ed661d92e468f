"""Reading time: one rate for the whole course, so stated times follow from word counts.

A chapter states its reading time in its first Markdown cell as
``Reading time: about N minutes.``; :func:`reading_minutes` gives ``N`` for a word count, and
``tools/reading_time.py --fix`` rewrites the sentence after a chapter changes.
"""

from __future__ import annotations

import re

WORDS_PER_MINUTE = 200
"""Course-wide reading rate (words of prose per minute), for careful reading of dense text."""

STATED = re.compile(r"Reading time: about (\d+) minutes\.")


def reading_minutes(words: int) -> int:
    """Minutes to read ``words`` words at :data:`WORDS_PER_MINUTE`, rounded to 5 (at least 5)."""
    if words < 0:
        raise ValueError(f"a word count cannot be negative: {words}")
    return max(5, 5 * round(words / WORDS_PER_MINUTE / 5))


def stated_minutes(text: str) -> int | None:
    """The minutes a chapter states (``Reading time: about N minutes.``), or None."""
    m = STATED.search(text)
    return int(m.group(1)) if m else None
