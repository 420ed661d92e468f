"""An append-only custody log in JSON Lines, chained by SHA-256 hashes.

Each line of the log is one entry, a JSON object written in a fixed
("canonical") form: keys sorted, no spaces, plain ASCII. The first line is
written by :meth:`CustodyLog.create` (``kind: "init"``); every later line
records one file (``kind: "file"``) with

- ``path`` (exactly as it was given), ``sha256`` and ``size`` of the file;
- ``time`` (UTC, ISO 8601, e.g. ``2024-10-15T09:30:00Z``), ``actor``,
  ``action`` and ``note``;
- ``seq``, the entry's line number;
- ``prev_hash``, the ``entry_hash`` of the line before (the first line uses
  :data:`GENESIS`);
- ``entry_hash``, the SHA-256 of the canonical JSON of all the other fields.

Because every entry carries the hash of the one before, editing, deleting,
inserting or reordering any line breaks the chain at a line that
:meth:`CustodyLog.verify` names. Verification also re-hashes every logged file
and compares it with its latest entry.

One limit is worth knowing: cutting entries off the *end* of a log leaves a
shorter chain that is still intact. Write down the head hash that ``verify``
prints somewhere else (a message to a colleague, a paper notebook) and pass it
back with ``expect_head`` to catch that.

Appending never rewrites earlier lines, and it is safe with many writers: each
append holds an OS-level lock on the log while it reads the last entry and
writes the new one, writes the whole line with a single ``write`` and an
``fsync``, and on any failure (a full disk, a read-only location) cuts the file
back to its previous length, so a failed append leaves the log byte-identical.
A new log appears complete or not at all (see :mod:`coursekit.evidence.safeio`).

``verify`` also *warns* (without failing, unless ``strict``) when an entry's
time is earlier than the entry before it, and when a file's hash changes under
the same name without an action that explains the change (such as "edited").
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .errors import CheckFailedError, InputFileError, UsageError
from .hashing import digest_file, require_file, sha256_bytes
from .safeio import locked_append, os_reason, write_new

#: ``prev_hash`` of the first entry: there is nothing before it.
GENESIS = "0" * 64
#: Written into the first line so a future version can recognise old logs.
LOG_FORMAT = "coursekit-custody/1"

#: A function returning the current time (timezone-aware). Injected for tests.
Clock = Callable[[], datetime]

_INIT_FIELDS = {"seq", "kind", "format", "time", "actor", "action", "note",
                "prev_hash", "entry_hash"}
_FILE_FIELDS = {"seq", "kind", "time", "actor", "action", "note", "path", "sha256", "size",
                "prev_hash", "entry_hash"}
_HEX = set("0123456789abcdef")
#: Words in an action that explain why a file's hash changed under the same name.
EXPLAINING_ACTION = re.compile(
    r"edit|chang|modif|annotat|crop|redact|convert|re-?encod|transcod|scrub|replac|updat|trim|"
    r"blur|export|compress|resiz|rotat|correct|cut|merg|revis|new version", re.IGNORECASE)
_MAX_LINE_BYTES = 1 << 20


def utc_now() -> datetime:
    """The real clock: the current time in UTC."""
    return datetime.now(UTC)


def fixed_clock(start: datetime, step: timedelta = timedelta(minutes=1)) -> Clock:
    """A deterministic clock for notebooks and tests.

    The first call returns ``start``; each later call is ``step`` later.

    >>> clock = fixed_clock(datetime(2024, 10, 15, 9, 30, tzinfo=UTC))
    >>> format_time(clock()), format_time(clock())
    ('2024-10-15T09:30:00Z', '2024-10-15T09:31:00Z')
    """
    if start.tzinfo is None:
        raise ValueError("fixed_clock needs a timezone-aware start time")
    state = {"next": start}

    def clock() -> datetime:
        """Return the next time and step on."""
        now = state["next"]
        state["next"] = now + step
        return now

    return clock


def format_time(moment: datetime) -> str:
    """Format a timezone-aware time as UTC ISO 8601 with a ``Z``, to the second."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("the clock must return timezone-aware times (e.g. UTC)")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def canonical_json(obj: dict[str, Any]) -> bytes:
    """The one byte form the log uses: sorted keys, no spaces, ASCII only."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False).encode("ascii")


def compute_entry_hash(entry: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of an entry without its ``entry_hash`` field."""
    return sha256_bytes(canonical_json({k: v for k, v in entry.items() if k != "entry_hash"}))


def _short(h: str) -> str:
    """A hash shortened for messages."""
    return h[:16] + "…"


@dataclass(frozen=True)
class LogProblem:
    """One thing that does not verify: a log line (1-based) or a logged file."""

    message: str
    line: int | None = None
    path: str | None = None

    def __str__(self) -> str:
        """The problem with its place (line or file) first."""
        if self.line is not None:
            return f"line {self.line}: {self.message}"
        if self.path is not None:
            return f"file {self.path!r}: {self.message}"
        return self.message


@dataclass
class VerifyResult:
    """The outcome of :meth:`CustodyLog.verify`."""

    log_path: Path
    entries: list[dict[str, Any]] = field(default_factory=list)
    problems: list[LogProblem] = field(default_factory=list)
    files_checked: int = 0
    head: str | None = None
    warnings: list[LogProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the chain is intact and every logged file matches."""
        return not self.problems

    def report(self) -> str:
        """A plain-language report: what was checked and every problem found."""
        lines = [f"{self.log_path}: {len(self.entries)} entries read, "
                 f"{self.files_checked} logged files checked."]
        if self.ok and not self.warnings:
            lines.append("OK: the chain of entries is intact and every logged file matches "
                         "its latest logged hash.")
        elif self.ok:
            lines.append("The chain of entries is intact and every logged file matches its "
                         f"latest logged hash, but {len(self.warnings)} warning(s) need a "
                         "person to look:")
        else:
            lines.append(f"FAILED: {len(self.problems)} problem(s):")
            lines += [f"  - {p}" for p in self.problems]
        if self.warnings:
            if not self.ok:
                lines.append(f"Warnings ({len(self.warnings)}):")
            lines += [f"  - warning: {w}" for w in self.warnings]
        if self.head:
            lines.append("Head hash (keep a copy elsewhere to detect cut-off entries): "
                         f"{self.head}")
        return "\n".join(lines)


def _check_fields(entry: dict[str, Any], lineno: int) -> list[LogProblem]:
    """Type and shape checks of one parsed entry."""
    problems: list[LogProblem] = []
    kind = entry.get("kind")
    if kind not in ("init", "file"):
        return [LogProblem(f"unknown kind {kind!r} (expected 'init' or 'file')", line=lineno)]
    expected = _INIT_FIELDS if kind == "init" else _FILE_FIELDS
    missing = sorted(expected - set(entry))
    extra = sorted(set(entry) - expected)
    if missing:
        problems.append(LogProblem(f"fields missing: {', '.join(missing)}", line=lineno))
    if extra:
        problems.append(LogProblem(f"unexpected fields: {', '.join(extra)}", line=lineno))
    for name in ("time", "actor", "action", "note", "prev_hash", "entry_hash"):
        if name in entry and not isinstance(entry[name], str):
            problems.append(LogProblem(f"field {name!r} should be text", line=lineno))
    for name in ("prev_hash", "entry_hash", "sha256"):
        value = entry.get(name)
        if isinstance(value, str) and (len(value) != 64 or not set(value) <= _HEX):
            problems.append(LogProblem(f"field {name!r} is not a SHA-256 hash", line=lineno))
    for name in ("seq", "size"):
        value = entry.get(name, 0)
        if name in entry and (isinstance(value, bool) or not isinstance(value, int)):
            problems.append(LogProblem(f"field {name!r} should be a whole number", line=lineno))
    if kind == "file" and not isinstance(entry.get("path", ""), str):
        problems.append(LogProblem("field 'path' should be text", line=lineno))
    if isinstance(entry.get("time"), str):
        try:
            datetime.strptime(entry["time"], "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            problems.append(LogProblem(f"time {entry['time']!r} is not UTC ISO 8601 "
                                       "(like 2024-10-15T09:30:00Z)", line=lineno))
    return problems


def parse_log(data: bytes) -> tuple[list[tuple[int, dict[str, Any]]], list[LogProblem]]:
    """Parse and check a log's bytes: every line, its own hash and its link to the line before.

    Returns the readable entries as ``(line number, entry)`` and every problem
    found. Files are not looked at here (see :meth:`CustodyLog.verify`).
    """
    problems: list[LogProblem] = []
    entries: list[tuple[int, dict[str, Any]]] = []
    if not data:
        return [], [LogProblem("the log is empty; even a new log has the first line that "
                               "'log init' writes, so the log was truncated or replaced")]
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    else:
        problems.append(LogProblem("does not end with a line break: the last write was cut "
                                   "short or the file was edited", line=len(lines)))
    prev_stored: str | None = GENESIS  # entry_hash stored on the line before (None: unreadable)
    for lineno, raw in enumerate(lines, start=1):
        entry = _parse_line(raw, lineno, problems)
        if entry is None:
            prev_stored = None
            continue
        shape = _check_fields(entry, lineno)
        problems += shape
        if canonical_json(entry) != raw:
            problems.append(LogProblem("is not in the exact form the tool writes (spacing, key "
                                       "order or escapes differ), so it was edited", line=lineno))
        if not shape:
            if compute_entry_hash(entry) != entry["entry_hash"]:
                problems.append(LogProblem("its content does not match its own entry_hash: the "
                                           "entry was changed after it was written", line=lineno))
            if entry["seq"] != lineno:
                problems.append(LogProblem(f"has sequence number {entry['seq']} but is line "
                                           f"{lineno}: entries were deleted, inserted or "
                                           "reordered", line=lineno))
            if lineno == 1 and entry["kind"] != "init":
                problems.append(LogProblem("the first line is not the 'init' entry: the start "
                                           "of the log is missing", line=lineno))
            if lineno > 1 and entry["kind"] == "init":
                problems.append(LogProblem("an 'init' entry in the middle of the log: another "
                                           "log was spliced in", line=lineno))
            if prev_stored is not None and entry["prev_hash"] != prev_stored:
                if lineno == 1:
                    msg = "prev_hash is not the genesis value: earlier entries were removed"
                else:
                    msg = (f"prev_hash does not match the entry_hash of line {lineno - 1}: an "
                           "entry was deleted, inserted or reordered here, or the line before "
                           "was rewritten")
                problems.append(LogProblem(msg, line=lineno))
            entries.append((lineno, entry))
        stored = entry.get("entry_hash")
        prev_stored = stored if isinstance(stored, str) else None
    return entries, problems


def _reject_constant(name: str) -> Any:
    """json.loads hook: NaN and Infinity are not JSON, and the tool never writes them."""
    raise ValueError(f"{name} is not a JSON number")


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in a parsed JSON value (without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, level)
            stack += [(v, level + 1) for v in (item.values() if isinstance(item, dict) else item)]
    return deepest


def _parse_line(raw: bytes, lineno: int, problems: list[LogProblem]) -> dict[str, Any] | None:
    """Decode one line to a dict, or record why it cannot be read (never raises)."""
    def bad(message: str) -> None:
        problems.append(LogProblem(message, line=lineno))

    if raw.startswith(b"\xef\xbb\xbf"):
        bad("starts with a byte-order mark (BOM), which the tool never writes: the file was "
            "saved by a text editor")
        return None
    if raw.endswith(b"\r"):
        bad("ends with a Windows line end (CR LF); the tool writes LF only, so the file was "
            "converted or edited")
        return None
    if len(raw) > _MAX_LINE_BYTES:
        bad(f"is {len(raw)} bytes long; the tool's entries are far shorter, so this is not an "
            "entry it wrote")
        return None
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        bad("contains bytes that are not plain ASCII; the tool writes only ASCII, so the line "
            "was altered")
        return None
    if not text.strip():
        bad("is blank: a line was removed or a line break added")
        return None
    try:
        entry = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as err:
        bad(f"is not valid JSON ({err.msg} at column {err.colno})")
        return None
    except RecursionError:
        bad("is nested too deeply to be an entry (lists or objects inside each other "
            "thousands of times)")
        return None
    except ValueError as err:
        if "digits" in str(err):
            bad("holds a number with thousands of digits, which no entry has")
        else:
            bad(f"holds a value JSON does not allow ({err}); the tool never writes NaN or "
                "Infinity")
        return None
    if not isinstance(entry, dict):
        bad("is JSON but not an object")
        return None
    if _depth(entry) > 2:
        bad("holds nested lists or objects; an entry has only plain text and number fields")
        return None
    if any(isinstance(v, float) and not math.isfinite(v) for v in entry.values()):
        bad("holds a number too large to represent (it reads as infinity)")
        return None
    return entry


def format_entries(entries: list[dict[str, Any]], *, width: int = 12) -> str:
    """A compact table of log entries for reading (hashes shortened to ``width`` digits)."""
    rows = [("line", "time", "actor", "action", "file", "sha256", "prev_hash", "entry_hash")]
    for e in entries:
        rows.append((str(e.get("seq", "?")), str(e.get("time", "")), str(e.get("actor", "")),
                     str(e.get("action", "")), str(e.get("path") or "-"),
                     (e.get("sha256") or "-")[:width], str(e.get("prev_hash", ""))[:width],
                     str(e.get("entry_hash", ""))[:width]))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip()
                     for r in rows)


@dataclass(frozen=True)
class AddResult:
    """What :meth:`CustodyLog.add` appended, and whether the file had changed."""

    entry: dict[str, Any]
    changed_since_line: int | None = None


class CustodyLog:
    """A custody log file. Create one with :meth:`create`, open one with ``CustodyLog(path)``.

    ``clock`` returns the current time (timezone-aware); pass
    :func:`fixed_clock` for reproducible logs in tests and notebooks.
    """

    def __init__(self, path: str | os.PathLike[str], *, clock: Clock = utc_now) -> None:
        """Open the log at ``path`` (nothing is read or written yet)."""
        self.path = Path(path)
        self.clock = clock

    @classmethod
    def create(cls, path: str | os.PathLike[str], *, actor: str = "not recorded",
               note: str = "", clock: Clock = utc_now) -> CustodyLog:
        """Start a new log with its first ('init') line. Refuses to touch an existing file."""
        log = cls(path, clock=clock)
        entry: dict[str, Any] = {
            "seq": 1, "kind": "init", "format": LOG_FORMAT, "time": format_time(clock()),
            "actor": _required_text(actor, "actor"), "action": "log created",
            "note": note, "prev_hash": GENESIS,
        }
        entry["entry_hash"] = compute_entry_hash(entry)
        write_new(log.path, canonical_json(entry) + b"\n", what="custody log")
        return log

    def _read(self) -> bytes:
        """The log's bytes; the path must be an existing file (it may be empty)."""
        p = require_file(self.path, allow_empty=True)
        try:
            return p.read_bytes()
        except OSError as err:
            raise InputFileError(f"{p}: cannot be read ({os_reason(err)})") from None

    def entries(self) -> list[dict[str, Any]]:
        """All entries, after checking the chain. Raises :class:`CheckFailedError` if broken."""
        entries, problems = parse_log(self._read())
        if problems:
            raise CheckFailedError(
                f"{self.path}: the log is damaged, so nothing was done:\n"
                + "\n".join(f"  - {p}" for p in problems))
        return [e for _, e in entries]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Iterate over the entries of an intact log."""
        return iter(self.entries())

    def table(self) -> str:
        """The log as a readable table (see :func:`format_entries`)."""
        return format_entries(self.entries())

    def add(self, file: str | os.PathLike[str], *, actor: str, action: str,
            note: str = "") -> AddResult:
        """Hash ``file`` and append one entry for it. Earlier lines are never rewritten.

        The log's chain is checked first; a damaged log is refused
        (:class:`CheckFailedError`) and nothing is appended. If the file's hash
        differs from its latest entry, the entry is still written (the log records
        what is) and :attr:`AddResult.changed_since_line` says since which line.
        """
        actor = _required_text(actor, "actor")
        action = _required_text(action, "action")
        require_file(self.path, allow_empty=True)
        digest = digest_file(file)  # hashed before the lock is taken: it can take a while

        def make_record(data: bytes) -> tuple[bytes, AddResult]:
            """Build the entry from the log as it is now (called with the lock held)."""
            parsed, problems = parse_log(data)
            if problems:
                raise CheckFailedError(
                    f"{self.path}: the log is damaged, so nothing was appended (run 'log "
                    "verify'):\n" + "\n".join(f"  - {p}" for p in problems))
            last_line, last = parsed[-1]
            changed = None
            for lineno, e in reversed(parsed):
                if e["kind"] == "file" and e["path"] == digest.path:
                    if e["sha256"] != digest.sha256:
                        changed = lineno
                    break
            entry: dict[str, Any] = {
                "seq": last_line + 1, "kind": "file", "time": format_time(self.clock()),
                "actor": actor, "action": action, "note": note, "path": digest.path,
                "sha256": digest.sha256, "size": digest.size, "prev_hash": last["entry_hash"],
            }
            entry["entry_hash"] = compute_entry_hash(entry)
            return canonical_json(entry) + b"\n", AddResult(entry, changed)

        return locked_append(self.path, make_record)

    def verify(self, *, base: str | os.PathLike[str] | None = None,
               expect_head: str | None = None, strict: bool = False) -> VerifyResult:
        """Check every line and every logged file; collect all problems.

        Relative logged paths are looked up under ``base`` (default: the current
        folder, as when they were added). ``expect_head`` is a head hash noted
        earlier (at least 8 hex digits); a different head means entries were cut
        off or added at the end. With ``strict``, warnings count as problems.
        """
        parsed, problems = parse_log(self._read())
        result = VerifyResult(self.path, [e for _, e in parsed], problems)
        result.warnings = history_warnings(parsed)
        if strict and result.warnings:
            result.problems += result.warnings
            result.warnings = []
        if parsed:
            result.head = parsed[-1][1].get("entry_hash")
        latest: dict[str, tuple[int, dict[str, Any]]] = {}
        for lineno, e in parsed:
            if e["kind"] == "file":
                latest[e["path"]] = (lineno, e)
        root = Path(base) if base is not None else Path.cwd()
        for path, (lineno, e) in latest.items():
            result.files_checked += 1
            target = Path(path) if os.path.isabs(path) else root / path
            try:
                now = digest_file(target)
            except InputFileError as err:
                reason = str(err).split(": ", 1)[-1]
                result.problems.append(LogProblem(
                    f"{reason} (its latest entry is line {lineno})", path=path))
                continue
            if now.sha256 != e["sha256"]:
                result.problems.append(LogProblem(
                    f"changed since line {lineno}: logged sha256 {_short(e['sha256'])} "
                    f"({e['size']} bytes), now {_short(now.sha256)} ({now.size} bytes)",
                    path=path))
        if expect_head is not None:
            want = expect_head.strip().lower()
            if len(want) < 8 or not set(want) <= _HEX:
                raise CheckFailedError(f"expected head {expect_head!r} is not a hash prefix "
                                       "(at least 8 hex digits)")
            if not (result.head or "").startswith(want):
                result.problems.append(LogProblem(
                    f"the last entry's hash is {_short(result.head or 'none')}, but the head "
                    f"noted earlier was {want[:16]}: entries were cut off or added at the end"))
        return result


def history_warnings(parsed: list[tuple[int, dict[str, Any]]]) -> list[LogProblem]:
    """What a person should look at in an intact log: time going backwards, unexplained swaps."""
    warnings: list[LogProblem] = []
    prev_time: tuple[int, str] | None = None
    seen: dict[str, tuple[int, str]] = {}
    for lineno, e in parsed:
        t = e.get("time")
        if isinstance(t, str):
            if prev_time is not None and t < prev_time[1]:
                warnings.append(LogProblem(
                    f"its time {t} is earlier than line {prev_time[0]}'s {prev_time[1]}: the "
                    "clock was wrong, or the entry was back-dated", line=lineno))
            prev_time = (lineno, t)
        if e.get("kind") != "file":
            continue
        path, sha = e.get("path"), e.get("sha256")
        if not isinstance(path, str) or not isinstance(sha, str):
            continue
        if path in seen and seen[path][1] != sha and not EXPLAINING_ACTION.search(
                str(e.get("action", "")) + " " + str(e.get("note", ""))):
            warnings.append(LogProblem(
                f"{path!r} has a different hash than on line {seen[path][0]}, but the action "
                f"{e.get('action')!r} does not say it was changed: another file may have been "
                "put in its place", line=lineno))
        seen[path] = (lineno, sha)
    return warnings


def _required_text(value: str, name: str) -> str:
    """Reject an empty or blank actor/action."""
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{name} must not be empty")
    return value
