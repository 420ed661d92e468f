"""The Part IV self-checks: right answers pass, each wrong answer gets a lesson."""

from __future__ import annotations

from pathlib import Path

import pytest

from coursekit.evidence import CustodyLog, sha256_file
from coursekit.evidence.exercises import (
    MUST_REMOVE,
    TAMPERED_LINE,
    check_publishing_removals,
    check_tamper_answer,
    tamper_hunt,
)
from coursekit.evidence.metadata import CATEGORIES, OTHER, TIME


def test_tamper_hunt_log_breaks_exactly_at_the_edited_line(tmp_path: Path) -> None:
    hunt = tamper_hunt(tmp_path / "hunt")
    result = CustodyLog(hunt.log).verify()
    assert not result.ok
    assert [p.line for p in result.problems] == [TAMPERED_LINE]
    assert len(result.entries) == 5
    entry = result.entries[-1]
    assert entry["sha256"] == sha256_file(hunt.photo), "the photo itself is untouched"


def test_tamper_hunt_never_overwrites(tmp_path: Path) -> None:
    tamper_hunt(tmp_path / "hunt")
    with pytest.raises(Exception, match="already exist"):
        tamper_hunt(tmp_path / "hunt")


def test_tamper_answer_right_and_wrong() -> None:
    right = check_tamper_answer(TAMPERED_LINE)
    assert right.correct and "entry hash" in right.message
    wrong = {n: check_tamper_answer(n) for n in (1, 2, 3, 5, 9)}
    assert not any(f.correct for f in wrong.values())
    assert "verifies" in wrong[2].message and "does not exist" in wrong[9].message
    with pytest.raises(TypeError, match="whole number"):
        check_tamper_answer("4")  # type: ignore[arg-type]


def test_publishing_removals_right_answers() -> None:
    assert check_publishing_removals(set(MUST_REMOVE)).correct
    with_time = check_publishing_removals(set(MUST_REMOVE) | {TIME})
    assert with_time.correct and "routine" in with_time.message
    assert check_publishing_removals(list(CATEGORIES)).correct


@pytest.mark.parametrize("left_in", list(MUST_REMOVE))
def test_publishing_removals_teach_what_is_missing(left_in: str) -> None:
    fb = check_publishing_removals(set(MUST_REMOVE) - {left_in})
    assert not fb.correct and left_in in fb.message and MUST_REMOVE[left_in] in fb.message


def test_publishing_removals_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="unknown categories"):
        check_publishing_removals({"GPS"})
    with pytest.raises(TypeError):
        check_publishing_removals("Device")  # type: ignore[arg-type]
    assert OTHER in CATEGORIES
