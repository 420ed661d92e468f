"""Structured incident reports: a JSON Schema, plain-language validation and Markdown.

A report keeps **observations** (what was seen and heard) apart from
**interpretations** (what the writer thinks it means), names witnesses by their
**role** (a name is optional, because naming can put people at risk), and lists
its media files with their SHA-256 hashes so anyone can check the files later.

Validation uses ``jsonschema`` but never shows its raw messages: every problem
is turned into one plain sentence naming the field, and all problems are listed
at once.
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # jsonschema is imported on first use: it is slow to import
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

from .errors import CheckFailedError, InputFileError, UsageError
from .hashing import digest_file, read_input
from .safeio import write_new

_TEXT = {"type": "string", "minLength": 1, "pattern": r"\S"}

#: The incident report schema (JSON Schema 2020-12). ``description`` texts are
#: used in the error messages, so they say what a valid value looks like.
REPORT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Incident report",
    "type": "object",
    "required": ["title", "when", "where", "observations", "witnesses", "media"],
    "additionalProperties": False,
    "properties": {
        "title": {**_TEXT, "description": "a short title for the report"},
        "when": {"type": "string", "format": "date-time",
                 "description": "a date and time with its UTC offset, like "
                                "2024-10-15T09:30:00+03:00 or 2024-10-15T06:30:00Z"},
        "when_end": {"type": "string", "format": "date-time",
                     "description": "the end time, in the same form as 'when'"},
        "where": {
            "type": "object", "required": ["description"], "additionalProperties": False,
            "description": "an object with a place description and optional coordinates",
            "properties": {
                "description": {**_TEXT, "description": "a description of the place in words"},
                "coordinates": {
                    "type": "object", "required": ["latitude", "longitude"],
                    "additionalProperties": False,
                    "description": "an object with latitude and longitude in decimal degrees",
                    "properties": {
                        "latitude": {"type": "number", "minimum": -90, "maximum": 90,
                                     "description": "a latitude between -90 and 90"},
                        "longitude": {"type": "number", "minimum": -180, "maximum": 180,
                                      "description": "a longitude between -180 and 180"},
                    },
                },
            },
        },
        "observations": {
            "type": "array", "minItems": 1, "items": {
                **_TEXT, "description": "one thing that was seen or heard, in plain words"},
            "description": "a list of what was seen or heard (at least one)",
        },
        "interpretations": {
            "type": "array", "items": {
                **_TEXT, "description": "one interpretation, kept apart from observations"},
            "description": "a list of what the writer thinks the observations mean",
        },
        "witnesses": {
            "type": "array", "minItems": 1,
            "description": "a list of witnesses (at least one; the writer counts)",
            "items": {
                "type": "object", "required": ["role"], "additionalProperties": False,
                "description": "an object with a role and, only if it is safe, a name",
                "properties": {
                    "role": {**_TEXT, "description": "the witness's role, e.g. 'resident' or "
                                                     "'international volunteer'"},
                    "name": {**_TEXT, "description": "a name, only with consent and if safe"},
                },
            },
        },
        "media": {
            "type": "array",
            "description": "a list of media files (it may be empty)",
            "items": {
                "type": "object", "required": ["file", "sha256"], "additionalProperties": False,
                "description": "an object with a file name, its sha256 and a description",
                "properties": {
                    "file": {**_TEXT, "description": "the media file's path, relative to "
                                                     "the report's media folder"},
                    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$",
                               "description": "the file's SHA-256 hash: 64 characters, digits "
                                              "0-9 and lowercase letters a-f"},
                    "description": {**_TEXT, "description": "what the file shows"},
                },
            },
        },
    },
}

_TYPE_WORDS = {"string": "text", "number": "a number", "integer": "a whole number",
               "object": "an object ({...})", "array": "a list ([...])",
               "boolean": "true or false", "null": "null"}

#: The date-time form a report uses: ISO 8601 with a UTC offset, e.g. 2024-10-15T09:30:00+03:00.
DATE_TIME_RE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,6})?)?(Z|[+-]\d\d:\d\d)")
#: How far in the future a time may be (clocks differ a little) before it is a problem.
FUTURE_TOLERANCE = timedelta(minutes=10)


def _is_date_time(value: object) -> bool:
    """ISO 8601 date and time with a UTC offset (or Z), written out in full, and a real date."""
    if not isinstance(value, str):
        return True
    if not DATE_TIME_RE.fullmatch(value):
        raise ValueError("not in the form 2024-10-15T09:30:00+03:00")
    datetime.fromisoformat(value.replace("Z", "+00:00"))  # a real day and time (no 31 April)
    return True


@cache
def report_validator() -> Draft202012Validator:
    """The jsonschema validator for :data:`REPORT_SCHEMA`, with our own date-time check.

    jsonschema imports the optional ``rfc3987_syntax`` package when it is installed
    (Jupyter brings it), which builds a grammar for seconds at import time; the
    report schema checks no URI format, so that import is skipped while jsonschema
    loads (and allowed again afterwards).
    """
    skip = "jsonschema" not in sys.modules and "rfc3987_syntax" not in sys.modules
    if skip:
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment] - "not installed"
    try:
        from jsonschema import Draft202012Validator, FormatChecker
    finally:
        if skip and sys.modules.get("rfc3987_syntax", 0) is None:
            del sys.modules["rfc3987_syntax"]

    formats = FormatChecker(formats=())
    formats.checks("date-time", raises=ValueError)(_is_date_time)
    return Draft202012Validator(REPORT_SCHEMA, format_checker=formats)


def _field(path: list[str | int]) -> str:
    """A plain name for a place in the report: ``media → item 2 → sha256``."""
    if not path:
        return "the report"
    return " → ".join(f"item {p + 1}" if isinstance(p, int) else _name(str(p)) for p in path)


def _name(key: str) -> str:
    """A field's name as a message shows it: as it is, or quoted when it is empty, long, or has
    a line break or another character that would not print (so a message stays one line)."""
    return key if key and key.isprintable() and key.strip() == key and len(key) <= 40 else _show(key)


def _kind(value: Any) -> str:
    """A plain name for the JSON type of a value."""
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return "a number"
    return {str: "text", list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


Problem = tuple[list[str | int], str]


def _friendly(error: ValidationError) -> list[Problem]:
    """Plain sentences for a jsonschema error, each with the path of the field it names."""
    path = list(error.absolute_path)
    where = _field(path)
    expect = error.schema.get("description", "") if isinstance(error.schema, dict) else ""
    kw = error.validator
    value = error.instance
    if kw == "required":
        return [([*path, name], f"{_field([*path, name])}: is missing; it should be "
                                f"{_describe(error.schema, name)}")
                for name in error.validator_value if name not in value]
    if kw == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(k for k in value if k not in allowed)
        return [([*path, k], f"{_field([*path, k])}: is not a field of {where} (check the "
                             f"spelling; allowed: {', '.join(allowed)})") for k in extra]
    if kw == "type":
        want = error.validator_value
        words = " or ".join(_TYPE_WORDS.get(w, w) for w in (want if isinstance(want, list)
                                                            else [want]))
        return [(path, f"{where}: should be {words}, but it is {_kind(value)}"
                       + (f"; expected {expect}" if expect else ""))]
    if kw == "format":
        return [(path, f"{where}: {_show(value)} is not {expect or 'in the expected format'}")]
    if kw == "pattern":
        if error.validator_value == r"\S":
            return [] if value == "" else [(path, f"{where}: is blank; it should be {expect}")]
        return [(path, f"{where}: {_show(value)} is not {expect}")]
    if kw == "minLength":
        return [(path, f"{where}: is empty; it should be {expect}")]
    if kw == "minItems":
        n = error.validator_value
        return [(path, f"{where}: is an empty list; it needs at least {n} "
                       f"item{'s' if n != 1 else ''}: {expect}")]
    if kw in ("minimum", "maximum"):
        return [(path, f"{where}: {_show(value)} is out of range; it should be {expect}")]
    return [(path, f"{where}: {error.message}")]  # pragma: no cover - all keywords handled


_ORDER = {name: i for i, name in enumerate(REPORT_SCHEMA["properties"])}


def _sort_key(problem: Problem) -> tuple[int, list[str]]:
    """Report order: fields in the schema's order, unknown fields last, then by sub-path."""
    path = problem[0]
    top = _ORDER.get(str(path[0]), len(_ORDER)) if path else -1
    return top, [f"{p:06d}" if isinstance(p, int) else p for p in path[1:]]


def _describe(schema: dict[str, Any], name: str) -> str:
    """The description of property ``name`` in ``schema`` (what a valid value is)."""
    sub = schema.get("properties", {}).get(name, {})
    return sub.get("description", "present")


@dataclass
class ReportCheck:
    """The outcome of :func:`validate_report`: the data (if it parsed) and every problem."""

    path: str
    data: Any
    problems: list[str]

    @property
    def ok(self) -> bool:
        """True when the report is valid."""
        return not self.problems

    def summary(self) -> str:
        """A plain-language result, listing every problem."""
        if self.ok:
            return f"{self.path}: valid incident report."
        return "\n".join([f"{self.path}: {len(self.problems)} problem(s):",
                          *[f"  - {p}" for p in self.problems]])


def load_report(path: str | os.PathLike[str]) -> Any:
    """Read a report file as JSON, with errors that name the line and column.

    ``NaN`` and ``Infinity`` are read (as the numbers they stand for) so that
    the validator can name the field that holds them; numbers with thousands of
    digits and absurdly deep nesting are refused here, with a plain message.
    """
    p = Path(path)
    raw = read_input(p)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise CheckFailedError(f"{p}: is not UTF-8 text ({err.reason}); "
                               "a report is a JSON text file") from None
    if text.startswith("\ufeff"):
        text = text[1:]  # a byte-order mark from a text editor is harmless here
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise CheckFailedError(f"{p}: is not valid JSON: {err.msg} at line {err.lineno}, "
                               f"column {err.colno}") from None
    except RecursionError:
        raise CheckFailedError(f"{p}: is nested too deeply to be a report (lists or objects "
                               "inside each other thousands of times)") from None
    except ValueError as err:
        raise CheckFailedError(f"{p}: holds a number with thousands of digits, which no report "
                               f"needs ({str(err).split(':')[0]})") from None


class _Huge(float):
    """Stands in for an integer with thousands of digits (too long even to print)."""

    def __repr__(self) -> str:
        """How the number is named in messages."""
        return "a number with thousands of digits"

    __str__ = __repr__


def _tame(value: Any) -> Any:
    """A copy of report data in which integers too long to print are replaced by :class:`_Huge`."""
    if isinstance(value, dict):
        return {k: _tame(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tame(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 3000:
        return _Huge("inf" if value > 0 else "-inf")
    return value


def _show(value: Any) -> str:
    """A short, safe repr of a value for a message."""
    if isinstance(value, _Huge):
        return repr(value)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**30:
        return "a number with more than 30 digits"
    text = repr(value) if not isinstance(value, float) or math.isfinite(value) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _bad_media_path(name: str) -> str | None:
    """Why a media path is unsafe (absolute or climbing out of the folder), or None."""
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute() or \
            PureWindowsPath(name).drive or name.startswith(("/", "\\")):
        return (f"{_show(name)} is an absolute path; give the path relative to the report's "
                "media folder, like photos/grove.jpg")
    parts = re.split(r"[/\\]", name)
    if ".." in parts:
        return (f"{_show(name)} climbs out of the media folder with '..'; give a path inside "
                "it, like photos/grove.jpg")
    return None


def _extra_problems(data: dict[str, Any], now: datetime) -> list[Problem]:
    """Checks JSON Schema cannot express: finite numbers, safe paths, times, duplicates."""
    found: list[Problem] = []
    times: dict[str, datetime] = {}
    for key in ("when", "when_end"):
        value = data.get(key)
        if isinstance(value, str) and DATE_TIME_RE.fullmatch(value):
            try:
                times[key] = _parse(value)
            except ValueError:
                continue
            if times[key] > now + FUTURE_TOLERANCE:
                found.append(([key], f"{key}: {value!r} is in the future (it is now "
                                     f"{now.strftime('%Y-%m-%dT%H:%M')}Z); check the date and "
                                     "the UTC offset"))
    if "when" in times and "when_end" in times and times["when_end"] < times["when"]:
        found.append((["when_end"], "when_end: is earlier than 'when'"))
    where = data.get("where")
    coords = where.get("coordinates") if isinstance(where, dict) else None
    if isinstance(coords, dict):
        for name in ("latitude", "longitude"):
            value = coords.get(name)
            if isinstance(value, float) and not math.isfinite(value):
                limit = 90 if name == "latitude" else 180
                found.append((["where", "coordinates", name],
                              f"where → coordinates → {name}: {_show(value)} is not a usable "
                              "number; "
                              f"it should be a {name} between -{limit} and {limit}"))
    media = data.get("media")
    if isinstance(media, list):
        files = []
        for i, item in enumerate(media):
            if not isinstance(item, dict):
                continue
            name, sha = item.get("file"), item.get("sha256")
            if isinstance(name, str):
                files.append(name)
                reason = _bad_media_path(name)
                if reason:
                    found.append((["media", i, "file"], f"media → item {i + 1} → file: {reason}"))
            if isinstance(sha, str) and sha != sha.strip():
                found.append((["media", i, "sha256"],
                              f"media → item {i + 1} → sha256: has spaces or a line break "
                              "around it; copy only the 64 characters of the hash"))
        found += [(["media"], f"media: the file {f!r} is listed more than once")
                  for f in sorted({f for f in files if files.count(f) > 1})]
    return found


def check_report_data(data: Any, *, media_dir: str | os.PathLike[str] | None = None,
                      now: datetime | None = None) -> list[str]:
    """Every problem with report data, in plain words, in document order, all in one pass.

    With ``media_dir``, each media file is also looked for there and re-hashed.
    ``now`` (default: the current time) is what "in the future" is measured against.
    """
    now = now or datetime.now(UTC)
    try:
        data = _tame(data)
        found = [p for err in report_validator().iter_errors(data) for p in _friendly(err)]
        extra = _extra_problems(data, now) if isinstance(data, dict) else []
    except RecursionError:
        return ["the report: is nested too deeply to be a report"]
    # a clearer reason from the extra checks replaces the schema's for the same field
    clearer = {tuple(path) for path, msg in extra if "spaces or a line break" in msg
               or "not a usable number" in msg}
    found = [(path, msg) for path, msg in found if tuple(path) not in clearer] + extra
    problems: list[str] = []
    for _path, msg in sorted(found, key=_sort_key):
        if msg not in problems:
            problems.append(msg)
    if isinstance(data, dict) and media_dir is not None and isinstance(data.get("media"), list):
        usable = [(i, m) for i, m in enumerate(data["media"], start=1)
                  if isinstance(m, dict) and isinstance(m.get("file"), str)
                  and isinstance(m.get("sha256"), str) and not _bad_media_path(m["file"])]
        problems += _check_media(usable, Path(media_dir))
    return problems


def _parse(value: str) -> datetime:
    """Parse an ISO 8601 date-time that has already passed validation."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _check_media(media: list[tuple[int, dict[str, str]]], folder: Path) -> list[str]:
    """Re-hash each listed media file found in ``folder``."""
    problems = []
    for i, item in media:
        try:
            now = digest_file(folder / item["file"])
        except InputFileError as err:
            problems.append(f"media → item {i} ({item['file']}): {str(err).split(': ', 1)[-1]}")
            continue
        if now.sha256 != item["sha256"]:
            problems.append(f"media → item {i} ({item['file']}): the file's hash is "
                            f"{now.sha256[:16]}…, not the {item['sha256'][:16]}… the report "
                            "records; the file changed or is a different file")
    return problems


def validate_report(path: str | os.PathLike[str], *,
                    media_dir: str | os.PathLike[str] | None = None) -> ReportCheck:
    """Load and check a report file; invalid JSON raises :class:`CheckFailedError`."""
    data = load_report(path)
    return ReportCheck(os.fspath(path), data, check_report_data(data, media_dir=media_dir))


_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _md(text: str) -> str:
    """A field as inert Markdown text: one line, every ASCII punctuation mark backslash-escaped.

    CommonMark lets any ASCII punctuation be escaped, and an escaped mark is
    always literal text, so no field can start a heading, a list, a rule, a
    quote, a table cell, a link, an image, code or raw HTML.
    """
    out = " ".join(str(text).split())
    return "".join("\\" + ch if ch in _PUNCTUATION else ch for ch in out)


def render_markdown(data: dict[str, Any]) -> str:
    """Render VALID report data as Markdown (call :func:`check_report_data` first)."""
    problems = check_report_data(data)
    if problems:
        raise CheckFailedError("the report is not valid, so it was not rendered:\n"
                               + "\n".join(f"  - {p}" for p in problems))
    where = data["where"]
    lines = [f"# Incident report: {_md(data['title'])}", ""]
    # the times passed DATE_TIME_RE (digits, '-', ':', '.', 'T', 'Z', '+'): inert as they are
    when = data["when"] + (f" to {data['when_end']}" if "when_end" in data else "")
    lines.append(f"**When:** {when}  ")
    place = _md(where["description"])
    if "coordinates" in where:
        c = where["coordinates"]
        place += f" (latitude {c['latitude']}, longitude {c['longitude']})"
    lines += [f"**Where:** {place}", "", "## What was observed", ""]
    lines += [f"{i}. {_md(o)}" for i, o in enumerate(data["observations"], start=1)]
    lines += ["", "## Interpretations", "",
              "*Kept apart from the observations: these are the writer's reading of events.*",
              ""]
    interpretations = data.get("interpretations") or []
    lines += [f"- {_md(t)}" for t in interpretations] or ["- None recorded."]
    lines += ["", "## Witnesses", ""]
    lines += [f"- {_md(w['role'])}" + (f" ({_md(w['name'])})" if "name" in w
                                       else " (name not recorded)")
              for w in data["witnesses"]]
    lines += ["", "## Media", ""]
    if data["media"]:
        lines += ["| File | SHA-256 | Shows |", "|---|---|---|"]
        lines += [f"| {_md(m['file'])} | `{m['sha256']}` | {_md(m.get('description', ''))} |"
                  for m in data["media"]]
    else:
        lines.append("No media files.")
    return "\n".join(lines) + "\n"


def render_report(path: str | os.PathLike[str], output: str | os.PathLike[str] | None = None
                  ) -> str:
    """Validate a report file and render it; write to ``output`` (a new file) if given."""
    check = validate_report(path)
    if not check.ok:
        raise CheckFailedError(check.summary() + "\nThe report was not rendered.")
    text = render_markdown(check.data)
    if output is not None:
        write_new(output, text.encode("utf-8"), what="rendered report")
    return text


def starter_report(now: datetime, media: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """A valid report to fill in: placeholder texts, ``when`` set to ``now``, media as given.

    ``media`` is a list of ``(path, sha256)``. Every text says what to replace it
    with; the report validates as it is so that each step can be checked.
    """
    return {
        "title": "Replace with a short title",
        "when": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "where": {"description": "Replace with a description of the place in words"},
        "observations": ["Replace with one thing you saw or heard; add one item for each"],
        "interpretations": [],
        "witnesses": [{"role": "writer of this report"}],
        "media": [{"file": f, "sha256": h, "description": "Replace with what the file shows"}
                  for f, h in (media or [])],
    }


def new_report(path: str | os.PathLike[str], *, now: datetime,
               media: list[str] | None = None) -> dict[str, Any]:
    """Write :func:`starter_report` as a new JSON file (never overwrites); media files are hashed."""
    items = []
    for name in media or []:
        reason = _bad_media_path(name)
        if reason:
            raise UsageError(f"{name}: {reason.split(' ', 1)[1]}")
        items.append((name, digest_file(name).sha256))
    data = starter_report(now, items)
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    write_new(path, text.encode("utf-8"), what="report")
    return data


def example_report() -> dict[str, Any]:
    """A small valid example report (invented) for the lab and the tests."""
    return {
        "title": "Sample: harvest access blocked (invented example)",
        "when": "2024-03-01T09:30:00+00:00",
        "where": {"description": "Terraced hillside, lower grove (invented place)"},
        "observations": [
            "Two vehicles parked across the track at about 09:30.",
            "Farmers were told to turn back; they waited at the gate for 40 minutes.",
        ],
        "interpretations": ["The closure may have been planned in advance."],
        "witnesses": [{"role": "farmer"}, {"role": "international volunteer"}],
        "media": [],
    }
