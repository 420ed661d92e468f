"""Tests for coursekit.evidence: incident reports and every command of the command line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from coursekit.__main__ import main as top_main
from coursekit.evidence.cli import main
from coursekit.evidence.custody import fixed_clock
from coursekit.evidence.errors import CheckFailedError, ExitCode
from coursekit.evidence.hashing import sha256_file
from coursekit.evidence.report import (
    REPORT_SCHEMA,
    check_report_data,
    example_report,
    render_markdown,
    validate_report,
)
from coursekit.evidence.sample import make_samples

ROOT = Path(__file__).resolve().parent.parent
CLOCK_START = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The four sample files, made once for this module."""
    return make_samples(tmp_path_factory.mktemp("samples"))


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, samples: dict[str, Path]) -> Path:
    """A working folder (current directory) holding a copy of the sample JPEG as photo.jpg."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(samples["jpeg"], tmp_path / "photo.jpg")
    return tmp_path


def run(argv: list[str], capsys: pytest.CaptureFixture[str],
        clock_start: datetime = CLOCK_START) -> tuple[int, str, str]:
    """Call the CLI in-process; return (exit code, stdout, stderr)."""
    code = main(argv, clock=fixed_clock(clock_start))
    out, err = capsys.readouterr()
    return code, out, err


# --- incident reports --------------------------------------------------------------------

def test_the_schema_is_valid_json_schema() -> None:
    Draft202012Validator.check_schema(REPORT_SCHEMA)


def test_example_report_is_valid_and_renders() -> None:
    data = example_report()
    assert check_report_data(data) == []
    md = render_markdown(data)
    assert md.startswith("# Incident report: ")
    observed = md.index("## What was observed")
    interpreted = md.index("## Interpretations")
    assert observed < md.index("Two vehicles") < interpreted < md.index("planned in advance")
    assert "farmer (name not recorded)" in md


def test_every_problem_is_listed_in_plain_words() -> None:
    bad = {"title": "", "when": "15/10/2024",
           "where": {"coordinates": {"latitude": 95, "longitude": "x"}},
           "observations": [], "witnesses": [{"nom": "x"}],
           "media": [{"file": "a.jpg", "sha256": "abc"}], "extra": 1}
    problems = check_report_data(bad)
    text = "\n".join(problems)
    expected = ["title: is empty", "when: '15/10/2024' is not a date and time",
                "where → description: is missing",
                "where → coordinates → latitude: 95 is out of range",
                "where → coordinates → longitude: should be a number, but it is text",
                "observations: is an empty list",
                "witnesses → item 1 → nom: is not a field",
                "witnesses → item 1 → role: is missing",
                "media → item 1 → sha256: 'abc' is not the file's SHA-256 hash",
                "extra: is not a field of the report"]
    for fragment in expected:
        assert fragment in text, fragment
    assert len(problems) == len(expected)
    for raw in ("is a required property", "does not match", "is not of type",
                "Additional properties"):
        assert raw not in text, "raw jsonschema wording leaked into the messages"


def test_missing_fields_and_wrong_top_level_type() -> None:
    problems = check_report_data({})
    assert [p.split(":")[0] for p in problems] == [
        "title", "when", "where", "observations", "witnesses", "media"]
    assert check_report_data([]) == ["the report: should be an object ({...}), but it is a list"]


@pytest.mark.parametrize("when", ["2024-03-01", "2024-03-01T09:30:00", "yesterday"])
def test_when_needs_a_date_time_with_offset(when: str) -> None:
    problems = check_report_data({**example_report(), "when": when})
    assert len(problems) == 1 and problems[0].startswith("when:")


def test_semantic_checks() -> None:
    data = {**example_report(), "when_end": "2024-03-01T08:00:00+00:00",
            "media": [{"file": "a.jpg", "sha256": "a" * 64}] * 2}
    problems = check_report_data(data)
    assert problems == ["when_end: is earlier than 'when'",
                        "media: the file 'a.jpg' is listed more than once"]


def test_media_dir_rehashes_files(here: Path) -> None:
    data = {**example_report(), "media": [
        {"file": "photo.jpg", "sha256": sha256_file("photo.jpg"), "description": "hills"},
        {"file": "gone.jpg", "sha256": "b" * 64}]}
    problems = check_report_data(data, media_dir=here)
    assert len(problems) == 1 and "gone.jpg" in problems[0] and "no such file" in problems[0]
    data["media"][0]["sha256"] = "c" * 64
    assert any("changed or is a different file" in p
               for p in check_report_data(data, media_dir=here))


def test_invalid_json_names_line_and_column(here: Path) -> None:
    Path("r.json").write_text('{\n  "title": "x",\n  oops\n}')
    with pytest.raises(CheckFailedError, match="line 3, column 3"):
        validate_report("r.json")
    Path("latin.json").write_bytes(b'{"title": "caf\xe9"}')
    with pytest.raises(CheckFailedError, match="not UTF-8"):
        validate_report("latin.json")


def test_render_escapes_markdown() -> None:
    data = {**example_report(), "title": "A | B *bold* <b>",
            "media": [{"file": "x|y.jpg", "sha256": "d" * 64}]}
    md = render_markdown(data)
    assert "A \\| B \\*bold\\* \\<b\\>" in md
    assert "| x\\|y\\.jpg |" in md
    with pytest.raises(CheckFailedError, match="not rendered"):
        render_markdown({**data, "observations": []})


# --- the command line --------------------------------------------------------------------

def test_hash_command(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["hash", "photo.jpg"], capsys)
    assert code == 0 and err == ""
    assert out == f"{sha256_file('photo.jpg')}  photo.jpg\n"


def test_hash_matches_sha256sum_format(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum is not installed")
    code, out, _ = run(["hash", "photo.jpg"], capsys)
    theirs = subprocess.run(["sha256sum", "photo.jpg"], capture_output=True, text=True,
                            check=True).stdout
    assert out == theirs


@pytest.mark.parametrize("setup, message, code", [
    (None, "no such file", ExitCode.BAD_INPUT),
    ("folder", "is a folder", ExitCode.BAD_INPUT),
    ("empty", "is empty", ExitCode.BAD_INPUT),
])
def test_hash_bad_input(here: Path, capsys: pytest.CaptureFixture[str], setup: str | None, message: str,
                        code: ExitCode) -> None:
    if setup == "folder":
        os.mkdir("target")
    elif setup == "empty":
        Path("target").write_bytes(b"")
    rc, out, err = run(["hash", "photo.jpg", "target"], capsys)
    assert rc == code
    assert out.startswith(sha256_file("photo.jpg"))  # good files are still hashed
    assert err.startswith("error: target: ") and message in err


def test_log_commands_end_to_end(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["log", "init", "custody.jsonl", "--actor", "lead"], capsys)
    assert code == 0 and "created custody.jsonl" in out and "2024-03-01T09:30:00Z" in out
    code, out, err = run(["log", "add", "custody.jsonl", "photo.jpg", "--actor", "filmer",
                          "--action", "collected", "--note", "roof"], capsys)
    assert code == 0 and out.startswith("line 2: 2024-03-01T09:30:00Z filmer 'collected'")
    code, out, err = run(["log", "verify", "custody.jsonl"], capsys)
    assert code == 0 and "OK" in out and err == ""
    head = out.split("Head hash")[1].split(": ")[1].strip()

    with open("photo.jpg", "ab") as f:
        f.write(b"!")
    code, out, err = run(["log", "verify", "custody.jsonl"], capsys)
    assert code == ExitCode.CHECK_FAILED
    assert "file 'photo.jpg': changed since line 2" in out
    assert "verification failed with 1 problem" in err

    code, out, err = run(["log", "add", "custody.jsonl", "photo.jpg", "--actor", "editor",
                          "--action", "annotated"], capsys)
    assert code == 0 and "differs from its entry on line 2" in err
    code, out, err = run(["log", "verify", "custody.jsonl", "--expect-head", head], capsys)
    assert code == ExitCode.CHECK_FAILED and "added at the end" in out


def test_log_verify_names_the_broken_line(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(["log", "init", "c.jsonl"], capsys)
    run(["log", "add", "c.jsonl", "photo.jpg", "--actor", "a", "--action", "b"], capsys)
    raw = Path("c.jsonl").read_bytes().replace(b'"actor":"a"', b'"actor":"z"')
    Path("c.jsonl").write_bytes(raw)
    code, out, err = run(["log", "verify", "c.jsonl"], capsys)
    assert code == ExitCode.CHECK_FAILED and "line 2:" in out


@pytest.mark.parametrize("argv, code, message", [
    (["log", "init", "photo.jpg"], ExitCode.OUTPUT_REFUSED, "already exists"),
    (["log", "add", "none.jsonl", "photo.jpg", "--actor", "a", "--action", "b"],
     ExitCode.BAD_INPUT, "no such file"),
    (["log", "verify", "."], ExitCode.BAD_INPUT, "is a folder"),
    (["log", "add", "photo.jpg", "photo.jpg", "--actor", "a", "--action", "b"],
     ExitCode.CHECK_FAILED, "damaged"),
])
def test_log_errors(here: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                    code: ExitCode, message: str) -> None:
    before = sha256_file("photo.jpg")
    rc, out, err = run(argv, capsys)
    assert rc == code and message in err and err.startswith("error: ")
    assert sha256_file("photo.jpg") == before


def test_empty_actor_is_a_usage_error(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(["log", "init", "c.jsonl"], capsys)
    rc, _, err = run(["log", "add", "c.jsonl", "photo.jpg", "--actor", " ", "--action", "b"],
                     capsys)
    assert rc == ExitCode.USAGE and "actor must not be empty" in err


@pytest.mark.parametrize("argv", [[], ["frobnicate"], ["log"], ["log", "add", "c.jsonl"],
                                  ["scrub", "only-one.jpg"], ["report", "publish", "r.json"]])
def test_usage_errors_exit_2(here: Path, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    rc, out, err = run(argv, capsys)
    assert rc == ExitCode.USAGE and "usage:" in err


def test_help_lists_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(["--help"], capsys)
    assert rc == 0 and "exit codes:" in out and "7    scrub self-check failed" in out


def test_meta_command(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["meta", "photo.jpg"], capsys)
    assert code == 0
    assert "Position: 10.500000° N, 30.250000° W" in out and "BodySerialNumber" in out
    code, out, err = run(["meta", "photo.jpg", "--json"], capsys)
    assert code == 0 and json.loads(out)["gps"]["longitude"] == pytest.approx(-30.25)


@pytest.mark.parametrize("content, code", [
    (b"plain text pretending to be a photo", ExitCode.BAD_IMAGE),
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", None),
])
def test_meta_bad_images(here: Path, capsys: pytest.CaptureFixture[str], content: bytes,
                         code: ExitCode | None) -> None:
    Path("fake.jpg").write_bytes(content)
    rc, out, err = run(["meta", "fake.jpg"], capsys)
    assert rc in ((code,) if code else (ExitCode.BAD_IMAGE, ExitCode.UNSUPPORTED))
    assert err.startswith("error: fake.jpg: ") and out == ""


def test_scrub_command_and_refusals(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = sha256_file("photo.jpg")
    code, out, err = run(["scrub", "photo.jpg", "public.jpg"], capsys)
    assert code == 0 and "Independent check passed" in out
    code, out, err = run(["scrub", "photo.jpg", "public.jpg"], capsys)
    assert code == ExitCode.OUTPUT_REFUSED and "already exists" in err
    code, out, err = run(["scrub", "photo.jpg", "photo.jpg"], capsys)
    assert code == ExitCode.OUTPUT_REFUSED
    code, out, err = run(["scrub", "photo.jpg", "kept.jpg", "--keep-timestamps"], capsys)
    assert code == 0 and "DateTimeOriginal" in out.split("Kept on purpose:")[1]
    assert sha256_file("photo.jpg") == before


def test_report_commands(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("good.json").write_text(json.dumps(example_report()), encoding="utf-8")
    code, out, err = run(["report", "validate", "good.json"], capsys)
    assert code == 0 and "valid incident report" in out
    code, out, err = run(["report", "render", "good.json"], capsys)
    assert code == 0 and out.startswith("# Incident report:")
    code, out, err = run(["report", "render", "good.json", "--output", "r.md"], capsys)
    assert code == 0 and Path("r.md").read_text(encoding="utf-8").startswith("# Incident")
    code, out, err = run(["report", "render", "good.json", "--output", "r.md"], capsys)
    assert code == ExitCode.OUTPUT_REFUSED and "already exists" in err

    Path("bad.json").write_text(json.dumps({"title": "x", "when": "soon"}), encoding="utf-8")
    code, out, err = run(["report", "validate", "bad.json"], capsys)
    assert code == ExitCode.CHECK_FAILED and "5 problem(s)" in err and out == ""
    code, out, err = run(["report", "render", "bad.json", "--output", "bad.md"], capsys)
    assert code == ExitCode.CHECK_FAILED and not Path("bad.md").exists()
    Path("broken.json").write_text("{", encoding="utf-8")
    code, out, err = run(["report", "validate", "broken.json"], capsys)
    assert code == ExitCode.CHECK_FAILED and "not valid JSON" in err
    code, out, err = run(["report", "validate", "missing.json"], capsys)
    assert code == ExitCode.BAD_INPUT


def test_report_validate_with_media_dir(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = {**example_report(),
            "media": [{"file": "photo.jpg", "sha256": sha256_file("photo.jpg")}]}
    Path("r.json").write_text(json.dumps(data), encoding="utf-8")
    assert run(["report", "validate", "r.json", "--media-dir", "."], capsys)[0] == 0


def test_sample_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["sample", str(tmp_path / "media")], capsys)
    assert code == 0 and out.count("\n") == 4
    code, out, err = run(["sample", str(tmp_path / "media")], capsys)
    assert code == ExitCode.OUTPUT_REFUSED and "never overwrite" in err


def test_original_is_unchanged_after_every_command(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Run every command that reads photo.jpg (successes and refusals): its hash never moves."""
    before = sha256_file("photo.jpg")
    Path("r.json").write_text(json.dumps(
        {**example_report(), "media": [{"file": "photo.jpg", "sha256": before}]}))
    commands = [
        ["hash", "photo.jpg"], ["log", "init", "c.jsonl"],
        ["log", "add", "c.jsonl", "photo.jpg", "--actor", "a", "--action", "b"],
        ["log", "verify", "c.jsonl"], ["meta", "photo.jpg"], ["meta", "photo.jpg", "--json"],
        ["scrub", "photo.jpg", "out.jpg"], ["scrub", "photo.jpg", "out.jpg"],
        ["scrub", "photo.jpg", "photo.jpg"], ["scrub", "photo.jpg", "out2.jpg",
                                              "--keep-timestamps"],
        ["scrub", "photo.jpg", "out.png"], ["report", "validate", "r.json", "--media-dir", "."],
        ["report", "render", "r.json"], ["log", "init", "photo.jpg"],
        ["report", "render", "r.json", "--output", "photo.jpg"],
    ]
    for argv in commands:
        run(argv, capsys)
        assert sha256_file("photo.jpg") == before, f"{argv} changed the original"


def test_module_entry_point_in_a_subprocess(here: Path) -> None:
    """``python -m coursekit evidence`` works from a shell, with a non-ASCII file name."""
    name = "صورة café ✓.jpg"
    shutil.copy("photo.jpg", name)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "coursekit", "evidence", "hash", name],
                          capture_output=True, text=True, encoding="utf-8", env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"{sha256_file(name)}  {name}\n"
    proc = subprocess.run([sys.executable, "-m", "coursekit", "evidence", "meta", "nope.jpg"],
                          capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == ExitCode.BAD_INPUT and "nope.jpg: no such file" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "coursekit"], capture_output=True, text=True,
                          env=env, check=False)
    assert proc.returncode == 2 and "evidence" in proc.stderr


def test_top_level_dispatch(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert top_main(["evidence", "hash", "photo.jpg"]) == 0
    assert sha256_file("photo.jpg") in capsys.readouterr().out
    assert top_main(["nonsense"]) == 2
