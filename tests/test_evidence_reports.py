"""Tests for coursekit.evidence: report checks in one pass, inert Markdown, starter reports, hash lines."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from coursekit.evidence.cli import main, sha256sum_line
from coursekit.evidence.custody import fixed_clock
from coursekit.evidence.errors import CheckFailedError, ExitCode
from coursekit.evidence.hashing import sha256_file
from coursekit.evidence.report import (
    check_report_data,
    example_report,
    load_report,
    render_markdown,
    starter_report,
)

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2024, 3, 2, 12, 0, tzinfo=UTC)
H = "a" * 64


def problems_for(**changes: object) -> list[str]:
    """The problems of the example report with some fields changed."""
    return check_report_data({**example_report(), **changes}, now=NOW)


@pytest.mark.parametrize("sha, reason", [
    (H + "\n", "spaces or a line break around it"),
    (" " + H, "spaces or a line break around it"),
    (H + " ", "spaces or a line break around it"),
    ("\t" + H + "\r\n", "spaces or a line break around it"),
    (H.upper(), "is not the file's SHA-256 hash"),
    (H[:-1], "is not the file's SHA-256 hash"),
])
def test_hash_must_be_exactly_64_hex_digits(sha: str, reason: str) -> None:
    problems = problems_for(media=[{"file": "a.jpg", "sha256": sha}])
    assert len(problems) == 1 and problems[0].startswith("media → item 1 → sha256: ")
    assert reason in problems[0]


def test_a_good_hash_passes() -> None:
    assert problems_for(media=[{"file": "photos/a.jpg", "sha256": H}]) == []


@pytest.mark.parametrize("lat, lon, bad", [
    (float("nan"), 1.0, "latitude"), (1.0, float("inf"), "longitude"),
    (-float("inf"), 0.0, "latitude"), (91, 0, "latitude"), (0, -180.5, "longitude"),
])
def test_coordinates_must_be_finite_and_in_range(lat: float, lon: float, bad: str) -> None:
    problems = problems_for(where={"description": "x", "coordinates": {"latitude": lat,
                                                                         "longitude": lon}})
    assert len(problems) == 1 and f"coordinates → {bad}:" in problems[0]
    assert "between" in problems[0]


def test_nan_in_a_report_file_is_named_not_a_crash(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    text = json.dumps(example_report())[:-1] + ""
    data = json.loads(text + "}")
    data["where"]["coordinates"] = {"latitude": 0, "longitude": 0}
    raw = json.dumps(data).replace('"latitude": 0', '"latitude": NaN')
    (tmp_path / "r.json").write_text(raw, encoding="utf-8")
    rc = main(["report", "validate", str(tmp_path / "r.json")])
    _, err = capsys.readouterr()
    assert rc == ExitCode.CHECK_FAILED and "latitude: nan is not a usable number" in err


@pytest.mark.parametrize("content, message", [
    ('{"title": ' + "9" * 5000 + "}", "thousands of digits"),
    ("[" * 100000 + "]" * 100000, "nested too deeply"),
])
def test_crafted_report_files_are_refused_plainly(tmp_path: Path, content: str,
                                                  message: str) -> None:
    (tmp_path / "r.json").write_text(content, encoding="utf-8")
    with pytest.raises(CheckFailedError, match=message):
        load_report(tmp_path / "r.json")


def test_huge_numbers_in_data_do_not_crash_messages() -> None:
    problems = problems_for(title=10**5000)
    assert problems == ["title: should be text, but it is a number; expected a short title "
                        "for the report"]
    problems = problems_for(where={"description": "x",
                                   "coordinates": {"latitude": 10**5000, "longitude": 0}})
    assert problems == ["where → coordinates → latitude: a number with thousands of digits is "
                        "not a usable number; it should be a latitude between -90 and 90"]
    assert "more than 30 digits is out of range" in problems_for(
        where={"description": "x", "coordinates": {"latitude": 10**40, "longitude": 0}})[0]


@pytest.mark.parametrize("name, reason", [
    ("../secret.jpg", "climbs out"), ("photos/../../x.jpg", "climbs out"),
    ("..\\x.jpg", "climbs out"), ("/etc/passwd", "absolute path"),
    ("C:\\Users\\x.jpg", "absolute path"), ("\\\\server\\share\\x.jpg", "absolute path"),
    ("c:x.jpg", "absolute path"),
])
def test_media_paths_stay_inside_the_media_folder(name: str, reason: str) -> None:
    problems = problems_for(media=[{"file": name, "sha256": H}])
    assert len(problems) == 1 and problems[0].startswith("media → item 1 → file: ")
    assert reason in problems[0]


def test_unsafe_media_paths_are_not_opened(tmp_path: Path) -> None:
    (tmp_path / "inside").mkdir()
    (tmp_path / "outside.jpg").write_bytes(b"x")
    data = {**example_report(), "media": [{"file": "../outside.jpg",
                                           "sha256": sha256_file(tmp_path / "outside.jpg")}]}
    problems = check_report_data(data, media_dir=tmp_path / "inside", now=NOW)
    assert len(problems) == 1 and "climbs out" in problems[0]


@pytest.mark.parametrize("when, reason", [
    ("2024-03-01 09:30:00+00:00", "is not"), ("2024-03-01T09:30+0000", "is not"),
    ("20240301T093000Z", "is not"), ("2024-3-1T09:30:00Z", "is not"),
    ("2024-02-30T09:30:00Z", "is not"), ("2024-03-01T25:00:00Z", "is not"),
    ("2024-03-01T09:30:00", "is not"), ("2024-03-01", "is not"),
    ("2030-01-01T00:00:00Z", "is in the future"), ("2024-03-02T22:00:00+03:00", "in the future"),
])
def test_malformed_and_future_dates(when: str, reason: str) -> None:
    problems = problems_for(when=when)
    assert len(problems) == 1 and problems[0].startswith("when: ") and reason in problems[0]


@pytest.mark.parametrize("when", ["2024-03-01T09:30:00Z", "2024-03-01T09:30+03:00",
                                  "2024-03-01T09:30:00.250-05:00", "2024-03-02T12:05:00Z"])
def test_good_dates_pass(when: str) -> None:
    assert problems_for(when=when) == []


def test_every_problem_appears_in_the_first_pass() -> None:
    """Schema problems and the checks beyond the schema are all listed at once."""
    data = {**example_report(), "title": "", "when": "2030-01-01T00:00:00Z",
            "when_end": "2029-01-01T00:00:00Z",
            "where": {"description": "x", "coordinates": {"latitude": float("nan"),
                                                          "longitude": 0}},
            "media": [{"file": "../a.jpg", "sha256": H + "\n"}, {"file": "../a.jpg",
                                                                "sha256": "x"}]}
    problems = check_report_data(data, now=NOW)
    expected = ["title: is empty", "when: '2030-01-01T00:00:00Z' is in the future",
                "when_end: '2029-01-01T00:00:00Z' is in the future",
                "when_end: is earlier than 'when'", "latitude: nan is not a usable number",
                "media → item 1 → file: '../a.jpg' climbs out",
                "media → item 1 → sha256: has spaces",
                "media → item 2 → file: '../a.jpg' climbs out",
                "media → item 2 → sha256: 'x' is not",
                "media: the file '../a.jpg' is listed more than once"]
    for fragment in expected:
        assert any(fragment in p for p in problems), (fragment, problems)
    assert len(problems) == len(expected), problems
    fixed = {**data, "title": "t", "when": "2024-03-01T09:00:00Z", "when_end":
             "2024-03-01T10:00:00Z", "where": {"description": "x"},
             "media": [{"file": "a.jpg", "sha256": H}]}
    assert check_report_data(fixed, now=NOW) == []  # fixing what was listed is enough


# --- Markdown: no field can become structure ---------------------------------------------

HOSTILE = ["# Heading", "## Sub", "- item", "* item", "+ item", "1. first", "2) second",
           "---", "***", "___", "> quote", "[link](https://example.org)", "![img](x.png)",
           "<script>alert(1)</script>", "<b>bold</b>", "`code`", "```", "| a | b |",
           "Title\n===", "text\n---", "&lt;b&gt;", "[ref]: https://example.org",
           "<https://example.org>", "    indented code", "~~~", "\\# escaped"]


def _structure(md: str) -> list[str]:
    """Token types that carry structure or links in Markdown rendered with tables on."""
    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    found = []
    for tok in tokens:
        found.append(tok.type)
        for child in tok.children or []:
            found.append(child.type)
    return found


@pytest.mark.parametrize("text", HOSTILE)
def test_no_field_can_make_structure(text: str) -> None:
    data = {**example_report(), "title": text, "observations": [text, "plain"],
            "interpretations": [text], "where": {"description": text},
            "witnesses": [{"role": text, "name": text}],
            "media": [{"file": "a.jpg", "sha256": H, "description": text}]}
    plain = {**example_report(), "title": "x", "observations": ["x", "plain"],
             "interpretations": ["x"], "where": {"description": "x"},
             "witnesses": [{"role": "x", "name": "x"}],
             "media": [{"file": "a.jpg", "sha256": H, "description": "x"}]}
    assert _structure(render_markdown(data)) == _structure(render_markdown(plain))
    html = MarkdownIt("commonmark").enable("table").render(render_markdown(data))
    assert "<script" not in html and "<a " not in html and "<img" not in html
    assert "<b>" not in html and "<blockquote" not in html and "<hr" not in html


def test_escaped_text_reads_back_as_written() -> None:
    data = {**example_report(), "title": "Road 60 - checkpoint #3 (north) [approx.]"}
    html = MarkdownIt("commonmark").render(render_markdown(data))
    assert "Road 60 - checkpoint #3 (north) [approx.]" in html


# --- starter report ----------------------------------------------------------------------

def test_starter_report_is_valid_and_says_what_to_replace() -> None:
    data = starter_report(NOW, [("photos/a.jpg", H)])
    assert check_report_data(data, now=NOW) == []
    assert data["when"] == "2024-03-02T12:00:00Z"
    assert data["title"].startswith("Replace") and data["media"][0]["file"] == "photos/a.jpg"


def test_report_new_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    Path("photo.jpg").write_bytes(b"photo")
    clock = fixed_clock(NOW)
    assert main(["report", "new", "r.json", "--media", "photo.jpg"], clock=clock) == 0
    data = json.loads(Path("r.json").read_text(encoding="utf-8"))
    assert data["media"] == [{"file": "photo.jpg", "sha256": sha256_file("photo.jpg"),
                              "description": "Replace with what the file shows"}]
    capsys.readouterr()
    assert main(["report", "validate", "r.json", "--media-dir", "."]) == 0
    before = Path("r.json").read_bytes()
    rc = main(["report", "new", "r.json"], clock=clock)
    _, err = capsys.readouterr()
    assert rc == ExitCode.OUTPUT_REFUSED and "already exists" in err
    assert Path("r.json").read_bytes() == before
    rc = main(["report", "new", "s.json", "--media", "../x.jpg"], clock=clock)
    _, err = capsys.readouterr()
    assert rc == ExitCode.USAGE and not Path("s.json").exists()
    rc = main(["report", "new", "s.json", "--media", "gone.jpg"], clock=clock)
    assert rc == ExitCode.BAD_INPUT and not Path("s.json").exists()


# --- hash lines exactly as GNU sha256sum writes them -------------------------------------

NAMES = [b"plain.jpg", b"new\nline.jpg", b"back\\slash.jpg", b"car\rriage.jpg",
         b"both\\\n.jpg", b"latin-1 caf\xe9.jpg", b"\xff\xfe invalid.jpg", "صورة.jpg".encode()]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names")
def test_hash_lines_match_sha256sum_and_check(tmp_path: Path) -> None:
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum is not installed")
    folder = os.fsencode(tmp_path)
    for i, name in enumerate(NAMES):
        with open(os.path.join(folder, name), "wb") as f:
            f.write(b"file %d" % i)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    ours = subprocess.run([sys.executable, "-m", "coursekit", "evidence", "hash", *NAMES],
                          cwd=tmp_path, capture_output=True, env=env, check=False)
    assert ours.returncode == 0, ours.stderr
    theirs = subprocess.run(["sha256sum", *NAMES], cwd=tmp_path, capture_output=True, check=True)
    assert ours.stdout == theirs.stdout
    (tmp_path / "sums.txt").write_bytes(ours.stdout)
    check = subprocess.run(["sha256sum", "-c", "sums.txt"], cwd=tmp_path, capture_output=True,
                           check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count(b": OK") == len(NAMES)


def test_sha256sum_line_escapes() -> None:
    assert sha256sum_line(H, "a.jpg") == H.encode() + b"  a.jpg\n"
    assert sha256sum_line(H, "a\nb\\c") == b"\\" + H.encode() + b"  a\\nb\\\\c\n"
    assert sha256sum_line(H, b"\xff") == H.encode() + b"  \xff\n"


def test_an_unknown_field_with_a_line_break_or_no_name_is_quoted_in_one_line() -> None:
    """Found by test_check_report_data_never_raises: a field named "\\n" broke the message."""
    problems = [p for p in check_report_data({"witnesses": [{"\n": 1, "": 2, "rôle": 3}]})
                if "is not a field" in p]
    assert problems == [
        "witnesses → item 1 → '': is not a field of witnesses → item 1 (check the spelling; "
        "allowed: name, role)",
        "witnesses → item 1 → '\\n': is not a field of witnesses → item 1 (check the spelling; "
        "allowed: name, role)",
        "witnesses → item 1 → rôle: is not a field of witnesses → item 1 (check the spelling; "
        "allowed: name, role)"]
