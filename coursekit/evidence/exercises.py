"""Self-checked exercises for Part IV (``exercises/documentation.ipynb``).

- :func:`tamper_hunt` builds a custody log in which one entry has been edited
  after the fact; learners find it with :meth:`CustodyLog.verify` and check
  their answer with :func:`check_tamper_answer`.
- :func:`check_publishing_removals` checks which kinds of metadata a learner
  would remove before publishing a photo, with feedback that teaches.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..quiz import Feedback
from .custody import CustodyLog, fixed_clock
from .metadata import CATEGORIES, COMMENTS, DEVICE, LOCATION, OTHER, PEOPLE, TIME
from .sample import make_samples

#: The line of the hunt's log that is edited after the fact (1-based), and how.
TAMPERED_LINE = 4
_ORIGINAL, _FORGED = b'"actor":"Volunteer B"', b'"actor":"Volunteer C"'

_HANDLING = [  # (actor, action, note) for each file entry after the log's first line
    ("Volunteer A", "collected", "photo taken at the grove; copied from the phone"),
    ("Volunteer A", "copied to encrypted drive 1", "hash checked after copying"),
    ("Volunteer B", "checked", "original on drive 1 re-hashed before making a working copy"),
    ("Local organiser", "received drive 1", "handed over in person"),
]


@dataclass(frozen=True)
class TamperHunt:
    """The files of a tamper hunt: the evidence photo and its (edited) custody log."""

    folder: Path
    photo: Path
    log: Path


def tamper_hunt(folder: str | os.PathLike[str]) -> TamperHunt:
    """Create a photo and a five-line custody log in ``folder``, then edit one line.

    The edit changes who handled the file, as a careless or dishonest person might
    "tidy" a log afterwards. The photo itself is untouched. The folder must not
    already hold the files (nothing is overwritten).
    """
    out = Path(folder)
    photo = make_samples(out)["jpeg"]
    log_path = out / "custody.jsonl"
    clock = fixed_clock(datetime(2026, 10, 12, 9, 0, tzinfo=UTC), step=timedelta(hours=5))
    log = CustodyLog.create(log_path, actor="Volunteer A", note="log for the grove photo", clock=clock)
    for actor, action, note in _HANDLING:
        log.add(photo, actor=actor, action=action, note=note)
    lines = log_path.read_bytes().splitlines(keepends=True)
    assert _ORIGINAL in lines[TAMPERED_LINE - 1], "the hunt's log changed shape"
    lines[TAMPERED_LINE - 1] = lines[TAMPERED_LINE - 1].replace(_ORIGINAL, _FORGED)
    log_path.write_bytes(b"".join(lines))  # the edit the hunt is about (not an append)
    return TamperHunt(out, photo, log_path)


def check_tamper_answer(line: int) -> Feedback:
    """Check which line of the hunt's log a learner says was edited."""
    if not isinstance(line, int) or isinstance(line, bool):
        raise TypeError(f"give the line number as a whole number, e.g. 3; got {line!r}")
    if line == TAMPERED_LINE:
        return Feedback(True, f"Line {line} was edited: its contents no longer match its own "
                        "entry hash, so the chain breaks there. The photo's hash still matches, "
                        "which tells you the evidence survived but its history was altered. Say so "
                        "openly in a note appended to the log; never 'fix' the old line.")
    if 1 <= line <= len(_HANDLING) + 1:
        return Feedback(False, f"Line {line} verifies: its contents match its entry hash and its "
                        "link to the line before. Read the verify report again and find the first "
                        "line it names.")
    return Feedback(False, f"The log has {len(_HANDLING) + 1} lines, so line {line} does not exist. "
                    "Count from 1, starting with the line that created the log.")


#: What must go before a photo is published, and why each kind matters.
MUST_REMOVE = {
    LOCATION: "GPS coordinates can lead anyone to the place, and to the people who live there",
    DEVICE: "a device serial number links the photo to one phone, and so to the person who owns it",
    PEOPLE: "owner or artist names identify the person who took the photo",
    COMMENTS: "comments and descriptions often hold names, places or notes never meant for the public",
}
MAY_KEEP = {
    TIME: "the time can help readers trust the picture, but it can also show a routine; keep it "
          "only if the group decides it is safe, and keep it in the evidentiary original anyway",
    OTHER: "technical fields such as orientation and colour space are needed to show the picture "
           "correctly and reveal nothing about people",
}


def check_publishing_removals(categories: set[str] | list[str] | tuple[str, ...]) -> Feedback:
    """Check the metadata categories a learner would remove before publishing a photo.

    ``categories`` uses the names in :data:`coursekit.evidence.metadata.CATEGORIES`
    (e.g. ``"Device"``). The right answer removes every category in
    :data:`MUST_REMOVE`; removing the time is a choice, removing "Other" is unnecessary.
    """
    if isinstance(categories, str) or not all(isinstance(c, str) for c in categories):
        raise TypeError("give a set of category names, e.g. {\"Device\", \"People\"}")
    chosen = set(categories)
    unknown = sorted(chosen - set(CATEGORIES))
    if unknown:
        raise ValueError(f"unknown categories {unknown}; choose from {list(CATEGORIES)}")
    missing = [c for c in MUST_REMOVE if c not in chosen]
    if missing:
        return Feedback(False, "Still in the published copy: " + "; ".join(
            f"{c} ({MUST_REMOVE[c]})" for c in missing) + ".")
    notes = [f"You also removed {c}: {MAY_KEEP[c]}." for c in (TIME, OTHER) if c in chosen]
    return Feedback(True, "Everything that identifies a place, a device or a person is gone. "
                    + " ".join(notes or [f"You kept {TIME}: {MAY_KEEP[TIME]}."]))
