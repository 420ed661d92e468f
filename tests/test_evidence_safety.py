"""Tests for coursekit.evidence: a custody log that survives concurrency, faults and crafted lines."""

from __future__ import annotations

import contextlib
import errno
import json
import multiprocessing
import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursekit.evidence import safeio
from coursekit.evidence.cli import main
from coursekit.evidence.custody import CustodyLog, fixed_clock, parse_log
from coursekit.evidence.errors import ExitCode, OutputRefusedError
from coursekit.evidence.report import check_report_data

START = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with an evidence file and a started custody log."""
    monkeypatch.chdir(tmp_path)
    Path("photo.jpg").write_bytes(b"evidence bytes " * 100)
    CustodyLog.create("c.jsonl", actor="lead", clock=fixed_clock(START))
    return tmp_path


# --- concurrency -------------------------------------------------------------------------

def _add_in_child(args: tuple[str, int, multiprocessing.synchronize.Barrier]) -> int:
    """One `log add` process: wait for all others, then append (real separate processes)."""
    folder, i, barrier = args
    os.chdir(folder)
    with open(os.devnull, "w") as null, contextlib.redirect_stdout(null), \
            contextlib.redirect_stderr(null):
        barrier.wait()
        return main(["log", "add", "c.jsonl", "photo.jpg", "--actor", f"helper {i}",
                     "--action", "checked"])


def test_fifty_concurrent_adds_keep_one_valid_chain(here: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Manager().Barrier(50)
    procs = []
    codes = ctx.Queue()

    def child(i: int) -> None:
        codes.put(_add_in_child((str(here), i, barrier)))

    for i in range(50):
        p = ctx.Process(target=child, args=(i,))
        p.start()
        procs.append(p)
    for p in procs:
        p.join(120)
    results = [codes.get(timeout=5) for _ in procs]
    assert results == [0] * 50
    data = Path("c.jsonl").read_bytes()
    assert data.count(b"\n") == 51
    entries, problems = parse_log(data)
    assert problems == [] and len(entries) == 51
    assert sorted(e["actor"] for _, e in entries[1:]) == sorted(f"helper {i}" for i in range(50))
    assert CustodyLog("c.jsonl").verify().ok


# --- faults: a failed append leaves the log byte-identical -------------------------------

@pytest.mark.parametrize("stage", ["write", "fsync"])
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EIO])
def test_injected_fault_leaves_log_unchanged(here: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str], stage: str,
                                             code: int) -> None:
    before = Path("c.jsonl").read_bytes()
    real_write = os.write

    def half_then_fail(fd: int, data: bytes) -> int:
        """Write half the line for real, then fail as a full disk would."""
        real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(code, os.strerror(code))

    if stage == "write":
        monkeypatch.setattr(safeio.os, "write", half_then_fail)
    else:
        monkeypatch.setitem(safeio.FAULTS, "fsync", OSError(code, os.strerror(code)))
    rc = main(["log", "add", "c.jsonl", "photo.jpg", "--actor", "a", "--action", "b"])
    out, err = capsys.readouterr()
    assert rc == ExitCode.OUTPUT_REFUSED
    assert out == "" and err.count("\n") == 1 and "the log is unchanged" in err
    assert safeio._REASONS[code] in err
    assert Path("c.jsonl").read_bytes() == before


@contextlib.contextmanager
def tiny_tmpfs(path: Path, size: str = "16k", options: str = "") -> Iterator[Path]:
    """Mount a tiny tmpfs (needs root); skip the test with a message otherwise."""
    if not IS_ROOT or shutil.which("mount") is None:
        pytest.skip("needs root to mount a tiny tmpfs (the injected-fault tests cover this)")
    path.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}{options}", "tmpfs",
                           str(path)], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_full_disk_append_and_new_files_leave_nothing_half_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    with tiny_tmpfs(tmp_path / "disk") as disk:
        monkeypatch.chdir(disk)
        Path("photo.jpg").write_bytes(b"x" * 100)
        assert main(["log", "init", "c.jsonl"], clock=fixed_clock(START)) == 0
        # fill the disk
        fd = os.open("filler", os.O_WRONLY | os.O_CREAT)
        with contextlib.suppress(OSError):
            while os.write(fd, b"\0" * 512):
                pass
        os.close(fd)
        before = Path("c.jsonl").read_bytes()
        capsys.readouterr()
        results = []
        for _ in range(3):
            rc = main(["log", "add", "c.jsonl", "photo.jpg", "--actor", "a",
                       "--action", "b", "--note", "n" * 4000])
            results.append(rc)
        out, err = capsys.readouterr()
        assert set(results) == {ExitCode.OUTPUT_REFUSED}, err
        assert "the disk is full" in err and "Traceback" not in err
        assert Path("c.jsonl").read_bytes() == before
        rc = main(["log", "init", "new.jsonl", "--note", "n" * 8000])
        assert rc == ExitCode.OUTPUT_REFUSED and not os.path.lexists("new.jsonl")
        assert sorted(os.listdir(".")) == ["c.jsonl", "filler", "photo.jpg"]


def test_read_only_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    with tiny_tmpfs(tmp_path / "ro", size="1m") as ro:
        monkeypatch.chdir(ro)
        Path("photo.jpg").write_bytes(b"x" * 100)
        assert main(["log", "init", "c.jsonl"], clock=fixed_clock(START)) == 0
        before = Path("c.jsonl").read_bytes()
        subprocess.run(["mount", "-o", "remount,ro", str(ro)], check=True)
        capsys.readouterr()
        rc = main(["log", "add", "c.jsonl", "photo.jpg", "--actor", "a", "--action", "b"])
        _, err = capsys.readouterr()
        assert rc == ExitCode.OUTPUT_REFUSED and "read-only" in err and err.count("\n") == 1
        assert Path("c.jsonl").read_bytes() == before
        rc = main(["log", "init", "d.jsonl"])
        _, err = capsys.readouterr()
        assert rc == ExitCode.OUTPUT_REFUSED and "read-only" in err
        assert main(["log", "verify", "c.jsonl"]) == 0  # reading still works


def test_init_never_leaves_an_empty_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for stage in ("write", "fsync", "link"):
        monkeypatch.setitem(safeio.FAULTS, stage, OSError(errno.ENOSPC, "No space left"))
        with pytest.raises(OutputRefusedError, match="disk is full"):
            CustodyLog.create("c.jsonl")
        monkeypatch.delitem(safeio.FAULTS, stage)
        assert os.listdir(".") == [], stage
    with pytest.raises(OutputRefusedError, match="does not exist"):
        CustodyLog.create("missing/c.jsonl")
    CustodyLog.create("c.jsonl")
    assert Path("c.jsonl").read_bytes().count(b"\n") == 1


# --- verify names every bad line ---------------------------------------------------------

def _log_with_lines(folder: Path, n: int = 3) -> Path:
    """A valid log of ``n`` lines in ``folder``."""
    (folder / "f.txt").write_bytes(b"content")
    log = CustodyLog.create(folder / "v.jsonl", clock=fixed_clock(START))
    for i in range(n - 1):
        log.add(folder / "f.txt", actor=f"a{i}", action="checked")
    return folder / "v.jsonl"


CRAFTED = {
    "invalid JSON": (b'{"seq": 2, oops}', "not valid JSON"),
    "NaN": (b'{"seq":NaN}', "NaN"),
    "Infinity": (b'{"seq":-Infinity}', "Infinity"),
    "overflowing float": (b'{"seq":1e999}', "infinity"),
    "huge integer": (b'{"seq":' + b"9" * 5000 + b"}", "thousands of digits"),
    "deep nesting": (b'{"note":' + b"[" * 100000 + b"]" * 100000 + b"}", "nested too deeply"),
    "shallow nesting": (b'{"note":[[1]]}', "nested lists"),
    "blank": (b"", "is blank"),
    "spaces": (b"   ", "is blank"),
    "garbage": (b"\x00\x01garbage", "not valid JSON"),
    "non-ASCII": ("{\"note\":\"é\"}".encode(), "not plain ASCII"),
}


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_verify_names_a_crafted_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     name: str) -> None:
    log = _log_with_lines(tmp_path)
    raw, message = CRAFTED[name]
    lines = log.read_bytes().split(b"\n")[:-1]
    lines.insert(1, raw)
    log.write_bytes(b"\n".join(lines) + b"\n")
    rc = main(["log", "verify", str(log), "--base", str(tmp_path)])
    out, err = capsys.readouterr()
    assert rc == ExitCode.CHECK_FAILED and "Traceback" not in out + err
    assert "line 2: " in out and message in out.split("line 2: ", 1)[1].split("\n")[0]


def test_bom_crlf_and_trailing_garbage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = _log_with_lines(tmp_path)
    good = log.read_bytes()
    cases = {
        b"\xef\xbb\xbf" + good: ("line 1", "byte-order mark"),
        good.replace(b"\n", b"\r\n"): ("line 1", "Windows line end"),
        good + b"\n": ("line 4", "is blank"),
        good + b"trailing garbage": ("line 4", "does not end with a line break"),
    }
    for data, (where, message) in cases.items():
        log.write_bytes(data)
        rc = main(["log", "verify", str(log), "--base", str(tmp_path)])
        out, _ = capsys.readouterr()
        assert rc == ExitCode.CHECK_FAILED, data[-40:]
        assert any(line.strip().startswith(f"- {where}: ") and message in line
                   for line in out.splitlines()), out


def test_add_refuses_a_crafted_log_without_a_traceback(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    log = _log_with_lines(tmp_path)
    log.write_bytes(log.read_bytes() + b'{"seq":' + b"1" * 5000 + b"}\n")
    before = log.read_bytes()
    rc = main(["log", "add", str(log), str(tmp_path / "f.txt"), "--actor", "a", "--action", "b"])
    _, err = capsys.readouterr()
    assert rc == ExitCode.CHECK_FAILED and "line 4" in err and log.read_bytes() == before


# --- warnings ----------------------------------------------------------------------------

def test_backdated_entry_and_silent_swap_are_warned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    Path("photo.jpg").write_bytes(b"first")
    main(["log", "init", "c.jsonl"], clock=fixed_clock(START))
    main(["log", "add", "c.jsonl", "photo.jpg", "--actor", "a", "--action", "collected"],
         clock=fixed_clock(START + timedelta(hours=1)))
    assert main(["log", "verify", "c.jsonl"]) == 0
    out, err = capsys.readouterr()
    assert "warning" not in out + err
    # another file put in place of the first, logged as if nothing happened, and back-dated
    Path("photo.jpg").write_bytes(b"second")
    main(["log", "add", "c.jsonl", "photo.jpg", "--actor", "b", "--action", "received"],
         clock=fixed_clock(START - timedelta(days=1)))
    capsys.readouterr()
    rc = main(["log", "verify", "c.jsonl"])
    out, err = capsys.readouterr()
    assert rc == 0 and "OK:" not in out and "2 warning(s)" in err
    assert "line 3: its time 2024-02-29T09:30:00Z is earlier than line 2's" in out
    assert "line 3: 'photo.jpg' has a different hash than on line 2" in out
    assert main(["log", "verify", "c.jsonl", "--strict"]) == ExitCode.CHECK_FAILED


def test_an_explained_change_is_not_warned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    Path("photo.jpg").write_bytes(b"first")
    clock = fixed_clock(START)
    main(["log", "init", "c.jsonl"], clock=clock)
    main(["log", "add", "c.jsonl", "photo.jpg", "--actor", "a", "--action", "collected"],
         clock=clock)
    Path("photo.jpg").write_bytes(b"second")
    main(["log", "add", "c.jsonl", "photo.jpg", "--actor", "a", "--action", "cropped"],
         clock=clock)
    capsys.readouterr()
    assert main(["log", "verify", "c.jsonl", "--strict"]) == 0
    assert "OK:" in capsys.readouterr().out


def test_log_json_is_still_plain_json(here: Path) -> None:
    """Every line the tool writes is standard JSON (no NaN), readable by any JSON reader."""
    CustodyLog("c.jsonl").add("photo.jpg", actor="a", action="b")
    for line in Path("c.jsonl").read_text(encoding="ascii").splitlines():
        json.loads(line, parse_constant=lambda c: pytest.fail(c))


# --- never a traceback, whatever the bytes -----------------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.binary(max_size=80) | _JSON.map(lambda v: json.dumps(v).encode()),
                min_size=1, max_size=6))
def test_parse_log_never_raises(lines: list[bytes]) -> None:
    entries, problems = parse_log(b"\n".join(lines) + b"\n")
    assert problems or entries  # something is always said about a non-empty log


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(["title", "when", "when_end", "where", "observations",
                                        "interpretations", "witnesses", "media", "x"]),
                       _JSON, max_size=8) | _JSON)
def test_check_report_data_never_raises(data: object) -> None:
    problems = check_report_data(data)
    assert all(isinstance(p, str) and "\n" not in p for p in problems)
