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
import os
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # jsonschema is imported on first use: it is slow to import
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

from .errors import CheckFailedError, InputFileError, OutputRefusedError
from .hashing import digest_file, require_file

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
                    "file": {**_TEXT, "description": "the media file's name"},
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

def _is_date_time(value: object) -> bool:
    """ISO 8601 date and time with a UTC offset (or Z)."""
    if not isinstance(value, str):
        return True
    if "T" not in value and " " not in value:
        raise ValueError("no time part")
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("no UTC offset")
    return True


@cache
def report_validator() -> Draft202012Validator:
    """The jsonschema validator for :data:`REPORT_SCHEMA`, with our own date-time check."""
    from jsonschema import Draft202012Validator, FormatChecker

    formats = FormatChecker(formats=())
    formats.checks("date-time", raises=ValueError)(_is_date_time)
    return Draft202012Validator(REPORT_SCHEMA, format_checker=formats)


def _field(path: list[str | int]) -> str:
    """A plain name for a place in the report: ``media → item 2 → sha256``."""
    if not path:
        return "the report"
    return " → ".join(f"item {p + 1}" if isinstance(p, int) else str(p) for p in path)


def _kind(value: Any) -> str:
    """A plain name for the JSON type of a value."""
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "null"
    return {str: "text", int: "a number", float: "a number", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


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
        return [(path, f"{where}: {value!r} is not {expect or 'in the expected format'}")]
    if kw == "pattern":
        if error.validator_value == r"\S":
            return [] if value == "" else [(path, f"{where}: is blank; it should be {expect}")]
        return [(path, f"{where}: {value!r} is not {expect}")]
    if kw == "minLength":
        return [(path, f"{where}: is empty; it should be {expect}")]
    if kw == "minItems":
        n = error.validator_value
        return [(path, f"{where}: is an empty list; it needs at least {n} "
                       f"item{'s' if n != 1 else ''}: {expect}")]
    if kw in ("minimum", "maximum"):
        return [(path, f"{where}: {value} is out of range; it should be {expect}")]
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
    """Read a report file as JSON, with errors that name the line and column."""
    p = require_file(path)
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise CheckFailedError(f"{p}: is not UTF-8 text ({err.reason}); "
                               "a report is a JSON text file") from None
    except OSError as err:
        raise InputFileError(f"{p}: cannot be read ({err.strerror or err})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise CheckFailedError(f"{p}: is not valid JSON: {err.msg} at line {err.lineno}, "
                               f"column {err.colno}") from None


def check_report_data(data: Any, *, media_dir: str | os.PathLike[str] | None = None
                      ) -> list[str]:
    """Every problem with report data, in plain words, in document order.

    With ``media_dir``, each media file is also looked for there and re-hashed.
    """
    found = [p for err in report_validator().iter_errors(data) for p in _friendly(err)]
    problems: list[str] = []
    for _path, msg in sorted(found, key=_sort_key):
        if msg not in problems:
            problems.append(msg)
    if isinstance(data, dict) and not problems:
        if "when_end" in data and _parse(data["when_end"]) < _parse(data["when"]):
            problems.append("when_end: is earlier than 'when'")
        files = [m["file"] for m in data["media"]]
        problems += [f"media: the file {f!r} is listed more than once"
                     for f in sorted({f for f in files if files.count(f) > 1})]
        if media_dir is not None:
            problems += _check_media(data["media"], Path(media_dir))
    return problems


def _parse(value: str) -> datetime:
    """Parse an ISO 8601 date-time that has already passed validation."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _check_media(media: list[dict[str, str]], folder: Path) -> list[str]:
    """Re-hash each listed media file found in ``folder``."""
    problems = []
    for i, item in enumerate(media, start=1):
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


def _md(text: str) -> str:
    """Escape characters that Markdown would otherwise interpret, and flatten line breaks."""
    out = " ".join(str(text).split())
    for ch in "\\`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return out


def render_markdown(data: dict[str, Any]) -> str:
    """Render VALID report data as Markdown (call :func:`check_report_data` first)."""
    problems = check_report_data(data)
    if problems:
        raise CheckFailedError("the report is not valid, so it was not rendered:\n"
                               + "\n".join(f"  - {p}" for p in problems))
    where = data["where"]
    lines = [f"# Incident report: {_md(data['title'])}", ""]
    when = _md(data["when"]) + (f" to {_md(data['when_end'])}" if "when_end" in data else "")
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
        out = Path(output)
        if not out.parent.is_dir():
            raise OutputRefusedError(f"{out}: the folder {out.parent} does not exist")
        try:
            with open(out, "x", encoding="utf-8") as f:
                f.write(text)
        except FileExistsError:
            raise OutputRefusedError(f"{out}: already exists; nothing was overwritten") from None
    return text


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
