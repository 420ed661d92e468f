"""Tests for coursekit.evidence: streamed hashing and the hash-chained custody log."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursekit.evidence.custody import (
    GENESIS,
    Clock,
    CustodyLog,
    VerifyResult,
    canonical_json,
    compute_entry_hash,
    fixed_clock,
    format_time,
    parse_log,
)
from coursekit.evidence.errors import (
    CheckFailedError,
    ExitCode,
    InputFileError,
    OutputRefusedError,
    UsageError,
)
from coursekit.evidence.hashing import digest_file, require_file, sha256_file

START = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)


def clock() -> Clock:
    """A fresh deterministic clock starting at START, one minute per call."""
    return fixed_clock(START)


# --- hashing -----------------------------------------------------------------------------

def test_sha256_matches_hashlib_for_small_and_chunked_reads(tmp_path: Path) -> None:
    data = bytes(range(256)) * 41 + b"tail"
    p = tmp_path / "a.bin"
    p.write_bytes(data)
    want = hashlib.sha256(data).hexdigest()
    assert sha256_file(p) == want
    assert sha256_file(p, chunk_size=7) == want  # many chunks, a partial last one
    d = digest_file(p, chunk_size=1000)
    assert (d.sha256, d.size, d.path) == (want, len(data), str(p))


def test_digest_keeps_the_path_exactly_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("x.txt").write_text("x")
    assert digest_file("./x.txt").path == "./x.txt"


def test_hashing_memory_stays_flat(tmp_path: Path) -> None:
    """Peak Python allocation while hashing 8 MiB with 1 MiB chunks stays near one chunk."""
    p = tmp_path / "big.bin"
    with open(p, "wb") as f:
        for _ in range(8):
            f.write(os.urandom(1024 * 1024))
    tracemalloc.start()
    try:
        sha256_file(p)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * 1024 * 1024, f"peak {peak} bytes: the file was not streamed"


@pytest.mark.parametrize("kind, message", [
    ("missing", "no such file"), ("folder", "is a folder"), ("empty", "is empty"),
    ("broken-link", "no such file"),
])
def test_bad_input_paths_are_explained(tmp_path: Path, kind: str, message: str) -> None:
    p = tmp_path / kind
    if kind == "folder":
        p.mkdir()
    elif kind == "empty":
        p.write_bytes(b"")
    elif kind == "broken-link":
        p.symlink_to(tmp_path / "nowhere")
    with pytest.raises(InputFileError, match=message) as info:
        sha256_file(p)
    assert info.value.exit_code == ExitCode.BAD_INPUT
    assert str(p) in str(info.value)


def test_require_file_allows_empty_when_asked(tmp_path: Path) -> None:
    p = tmp_path / "e"
    p.write_bytes(b"")
    assert require_file(p, allow_empty=True) == p


def test_non_ascii_file_names_hash(tmp_path: Path) -> None:
    p = tmp_path / "café ✓ ملف.jpg"
    p.write_bytes(b"data")
    assert sha256_file(p) == hashlib.sha256(b"data").hexdigest()


# --- the custody log ---------------------------------------------------------------------

@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder (the current directory) with two evidence files."""
    monkeypatch.chdir(tmp_path)
    Path("photo.jpg").write_bytes(b"\xff\xd8 pretend photo bytes \xff\xd9")
    Path("clip.mp4").write_bytes(b"pretend video " * 50)
    return tmp_path


def make_log(path: str = "custody.jsonl") -> CustodyLog:
    """A log with an init line and three file entries (photo, clip, photo again)."""
    log = CustodyLog.create(path, actor="team lead", note="case 1", clock=clock())
    log.add("photo.jpg", actor="filmer", action="collected", note="from the phone")
    log.add("clip.mp4", actor="filmer", action="collected")
    log.add("photo.jpg", actor="archivist", action="copied to archive")
    return log


def test_create_writes_one_canonical_init_line(files: Path) -> None:
    CustodyLog.create("custody.jsonl", actor="lead", clock=clock())
    raw = Path("custody.jsonl").read_bytes()
    assert raw.endswith(b"\n") and raw.count(b"\n") == 1
    entry = json.loads(raw)
    assert entry["kind"] == "init" and entry["seq"] == 1
    assert entry["prev_hash"] == GENESIS
    assert entry["time"] == "2024-03-01T09:30:00Z"
    assert entry["entry_hash"] == compute_entry_hash(entry)
    assert canonical_json(entry) + b"\n" == raw


def test_create_never_overwrites(files: Path) -> None:
    Path("custody.jsonl").write_text("precious\n")
    with pytest.raises(OutputRefusedError, match="already exists"):
        CustodyLog.create("custody.jsonl", clock=clock())
    assert Path("custody.jsonl").read_text() == "precious\n"
    with pytest.raises(OutputRefusedError, match="does not exist"):
        CustodyLog.create("no-such-folder/custody.jsonl", clock=clock())


def test_entries_record_path_hash_size_time_actor_action_note_and_chain(files: Path) -> None:
    log = make_log()
    entries = log.entries()
    assert [e["seq"] for e in entries] == [1, 2, 3, 4]
    photo = entries[1]
    assert photo["path"] == "photo.jpg"
    assert photo["sha256"] == sha256_file("photo.jpg")
    assert photo["size"] == Path("photo.jpg").stat().st_size
    assert photo["time"] == "2024-03-01T09:31:00Z"
    assert (photo["actor"], photo["action"], photo["note"]) == (
        "filmer", "collected", "from the phone")
    for before, after in zip(entries, entries[1:], strict=False):
        assert after["prev_hash"] == before["entry_hash"]
    for e in entries:
        assert e["entry_hash"] == compute_entry_hash(e)


def test_table_shows_one_row_per_entry(files: Path) -> None:
    log = make_log()
    rows = log.table().splitlines()
    assert rows[0].split()[:4] == ["line", "time", "actor", "action"]
    assert len(rows) == 5
    assert rows[2].split()[:3] == ["2", "2024-03-01T09:31:00Z", "filmer"]
    assert sha256_file("photo.jpg")[:12] in rows[2]


def test_appending_never_rewrites_earlier_bytes(files: Path) -> None:
    log = CustodyLog.create("custody.jsonl", clock=clock())
    before = Path("custody.jsonl").read_bytes()
    for i in range(3):
        log.add("photo.jpg", actor="a", action=f"step {i}")
        now = Path("custody.jsonl").read_bytes()
        assert now.startswith(before) and len(now) > len(before)
        before = now


def test_verify_passes_an_intact_log(files: Path) -> None:
    log = make_log()
    result = log.verify()
    assert result.ok, result.report()
    assert result.files_checked == 2
    assert result.head == log.entries()[-1]["entry_hash"]
    assert "OK" in result.report()


def lines_of(path: str = "custody.jsonl") -> list[bytes]:
    """The log's lines, each with its line break."""
    return Path(path).read_bytes().splitlines(keepends=True)


def write_lines(lines: list[bytes], path: str = "custody.jsonl") -> None:
    """Replace the log's content with these lines (simulating tampering)."""
    Path(path).write_bytes(b"".join(lines))


def problems_at(result: VerifyResult) -> set[int | None]:
    """The line numbers (None for file problems) that verification reported."""
    return {p.line for p in result.problems}


def test_edited_entry_is_named_by_line(files: Path) -> None:
    make_log()
    lines = lines_of()
    entry = json.loads(lines[2])
    entry["actor"] = "someone else"
    lines[2] = canonical_json(entry) + b"\n"
    write_lines(lines)
    result = CustodyLog("custody.jsonl").verify()
    assert not result.ok
    assert problems_at(result) == {3}
    assert "changed after it was written" in result.report()


def test_edited_entry_with_recomputed_hash_breaks_the_next_link(files: Path) -> None:
    make_log()
    lines = lines_of()
    entry = json.loads(lines[1])
    entry["note"] = "rewritten"
    entry["entry_hash"] = compute_entry_hash(entry)
    lines[1] = canonical_json(entry) + b"\n"
    write_lines(lines)
    result = CustodyLog("custody.jsonl").verify()
    assert problems_at(result) == {3}
    assert "does not match the entry_hash of line 2" in result.report()


def test_deleted_entry_is_detected(files: Path) -> None:
    make_log()
    lines = lines_of()
    del lines[2]
    write_lines(lines)
    result = CustodyLog("custody.jsonl").verify()
    assert 3 in problems_at(result)
    assert "deleted, inserted or reordered" in result.report()


def test_reordered_entries_are_detected(files: Path) -> None:
    make_log()
    lines = lines_of()
    lines[1], lines[2] = lines[2], lines[1]
    write_lines(lines)
    assert {2, 3} <= problems_at(CustodyLog("custody.jsonl").verify())


def test_inserted_entry_is_detected(files: Path) -> None:
    make_log()
    lines = lines_of()
    lines.insert(2, lines[1])
    write_lines(lines)
    assert 3 in problems_at(CustodyLog("custody.jsonl").verify())


def test_hand_reformatted_line_is_detected(files: Path) -> None:
    make_log()
    lines = lines_of()
    lines[1] = json.dumps(json.loads(lines[1]), indent=None).encode() + b"\n"  # adds spaces
    write_lines(lines)
    result = CustodyLog("custody.jsonl").verify()
    assert problems_at(result) == {2}
    assert "exact form" in result.report()


def test_empty_truncated_and_unterminated_logs(files: Path) -> None:
    make_log()
    raw = Path("custody.jsonl").read_bytes()
    Path("empty.jsonl").write_bytes(b"")
    assert "empty" in CustodyLog("empty.jsonl").verify().report()
    Path("cut.jsonl").write_bytes(raw[:-1])
    result = CustodyLog("cut.jsonl").verify()
    assert 4 in problems_at(result) and "line break" in result.report()
    Path("nohead.jsonl").write_bytes(b"".join(raw.splitlines(keepends=True)[1:]))
    result = CustodyLog("nohead.jsonl").verify()
    assert 1 in problems_at(result) and "genesis" in result.report()


def test_cut_off_end_needs_the_noted_head(files: Path) -> None:
    log = make_log()
    head = log.verify().head
    lines = lines_of()
    write_lines(lines[:-1])
    assert CustodyLog("custody.jsonl").verify().ok  # the shorter chain alone is intact
    result = CustodyLog("custody.jsonl").verify(expect_head=head[:12])
    assert not result.ok and "cut off or added at the end" in result.report()
    with pytest.raises(CheckFailedError, match="not a hash prefix"):
        CustodyLog("custody.jsonl").verify(expect_head="xyz")


def test_changed_and_missing_logged_files_are_named(files: Path) -> None:
    make_log()
    Path("photo.jpg").write_bytes(b"edited")
    Path("clip.mp4").unlink()
    result = CustodyLog("custody.jsonl").verify()
    by_path = {p.path: p.message for p in result.problems}
    assert set(by_path) == {"photo.jpg", "clip.mp4"}
    assert "changed since line 4" in by_path["photo.jpg"]
    assert "no such file" in by_path["clip.mp4"] and "line 3" in by_path["clip.mp4"]


def test_verify_from_another_folder_with_base(files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_log()
    elsewhere = files / "sub"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert not CustodyLog("../custody.jsonl").verify().ok
    assert CustodyLog("../custody.jsonl").verify(base="..").ok


def test_add_reports_a_changed_file_and_records_it(files: Path) -> None:
    log = make_log()
    Path("photo.jpg").write_bytes(b"cropped version")
    result = log.add("photo.jpg", actor="editor", action="cropped for publication")
    assert result.changed_since_line == 4
    assert log.verify().ok  # the latest entry now matches the file


def test_add_refuses_a_damaged_log_and_appends_nothing(files: Path) -> None:
    make_log()
    lines = lines_of()
    lines[1] = lines[1].replace(b"filmer", b"FILMER")
    write_lines(lines)
    before = Path("custody.jsonl").read_bytes()
    with pytest.raises(CheckFailedError, match="nothing was appended"):
        CustodyLog("custody.jsonl").add("clip.mp4", actor="a", action="b")
    assert Path("custody.jsonl").read_bytes() == before


def test_add_input_errors(files: Path) -> None:
    log = make_log()
    with pytest.raises(InputFileError, match="no such file"):
        log.add("nope.jpg", actor="a", action="b")
    with pytest.raises(UsageError, match="actor"):
        log.add("photo.jpg", actor="  ", action="b")
    with pytest.raises(InputFileError, match="no such file"):
        CustodyLog("missing.jsonl").add("photo.jpg", actor="a", action="b")
    os.mkdir("folder.jsonl")
    with pytest.raises(InputFileError, match="folder"):
        CustodyLog("folder.jsonl").verify()


def test_clock_must_be_timezone_aware(files: Path) -> None:
    with pytest.raises(ValueError, match="timezone"):
        CustodyLog.create("c.jsonl", clock=lambda: datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="timezone"):
        fixed_clock(datetime(2024, 1, 1))
    assert format_time(datetime(2024, 1, 1, 12, tzinfo=UTC) + timedelta(hours=0)) == \
        "2024-01-01T12:00:00Z"


def test_non_ascii_paths_are_logged_and_verified(files: Path) -> None:
    Path("café ✓.jpg").write_bytes(b"bytes")
    log = CustodyLog.create("custody.jsonl", clock=clock())
    log.add("café ✓.jpg", actor="Zoë", action="collected")
    assert log.entries()[1]["path"] == "café ✓.jpg"
    assert Path("custody.jsonl").read_bytes().isascii()
    assert log.verify().ok


# --- property: every single-byte change is detected --------------------------------------

@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A folder with logged files and the bytes of a valid log over them."""
    folder = tmp_path_factory.mktemp("logged")
    (folder / "photo.jpg").write_bytes(bytes(range(256)) * 3)
    (folder / "note.txt").write_bytes(b"observed at the gate")
    with contextlib.chdir(folder):  # log relative paths, as a user would
        log = CustodyLog.create("custody.jsonl", actor="lead", clock=clock())
        log.add("photo.jpg", actor="filmer", action="collected", note="ok")
        log.add("note.txt", actor="writer", action="written")
        assert log.verify().ok
    return folder, (folder / "custody.jsonl").read_bytes()


@settings(max_examples=200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_single_byte_change_to_the_log_is_detected(
        logged: tuple[Path, bytes], data: st.DataObject, tmp_path: Path) -> None:
    folder, raw = logged
    pos = data.draw(st.integers(0, len(raw) - 1), label="position")
    new = data.draw(st.integers(0, 255).filter(lambda b: b != raw[pos]), label="new byte")
    changed = raw[:pos] + bytes([new]) + raw[pos + 1:]
    _, problems = parse_log(changed)
    assert problems, f"byte {pos} changed to {new} went unnoticed"
    copy = Path(tempfile.mkdtemp(dir=tmp_path)) / "custody.jsonl"
    copy.write_bytes(changed)
    result = CustodyLog(copy).verify(base=folder)
    assert not result.ok
    assert any(p.line is not None or p.path is None for p in result.problems)


@settings(max_examples=200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_single_byte_change_to_a_logged_file_is_detected(
        logged: tuple[Path, bytes], data: st.DataObject, tmp_path: Path) -> None:
    folder, raw = logged
    name = data.draw(st.sampled_from(["photo.jpg", "note.txt"]), label="file")
    content = (folder / name).read_bytes()
    pos = data.draw(st.integers(0, len(content) - 1), label="position")
    new = data.draw(st.integers(0, 255).filter(lambda b: b != content[pos]), label="new byte")
    work = Path(tempfile.mkdtemp(dir=tmp_path))  # hypothesis may repeat an example
    for other in ("photo.jpg", "note.txt"):
        (work / other).write_bytes((folder / other).read_bytes())
    (work / name).write_bytes(content[:pos] + bytes([new]) + content[pos + 1:])
    (work / "custody.jsonl").write_bytes(raw)
    result = CustodyLog(work / "custody.jsonl").verify(base=work)
    assert [p.path for p in result.problems] == [name], result.report()
