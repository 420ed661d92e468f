"""Tests for coursekit.evidence: every command under every fault, and every documented exit code."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

import coursekit.evidence.cli as cli_module
import coursekit.evidence.scrubber as scrub_module
from coursekit.evidence import safeio
from coursekit.evidence.cli import main
from coursekit.evidence.custody import CustodyLog, fixed_clock
from coursekit.evidence.errors import ExitCode
from coursekit.evidence.report import example_report
from coursekit.evidence.sample import make_samples

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
ENV = dict(os.environ, PYTHONPATH=str(ROOT))


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample files, made once for this module."""
    return make_samples(tmp_path_factory.mktemp("samples"))


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, samples: dict[str, Path]) -> Path:
    """A working folder with photo.jpg, a custody log and a valid report."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(samples["jpeg"], "photo.jpg")
    CustodyLog.create("c.jsonl", clock=fixed_clock(START))
    Path("r.json").write_text(json.dumps(example_report()), encoding="utf-8")
    return tmp_path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Call the CLI in-process; return (exit code, stdout, stderr)."""
    code = main(argv, clock=fixed_clock(START))
    out, err = capsys.readouterr()
    return code, out, err


def listing(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


#: Every command that writes, as (argv, the path it would create or change).
WRITERS = [
    (["log", "init", "new.jsonl"], "new.jsonl"),
    (["log", "add", "c.jsonl", "photo.jpg", "--actor", "a", "--action", "b"], "c.jsonl"),
    (["scrub", "photo.jpg", "public.jpg"], "public.jpg"),
    (["report", "render", "r.json", "--output", "r.md"], "r.md"),
    (["report", "new", "n.json", "--media", "photo.jpg"], "n.json"),
    (["sample", "media"], "media/hills.jpg"),
]


FAULT_CASES = [(argv, stage, code) for argv, _ in WRITERS
               for stage, code in [("write", errno.ENOSPC), ("fsync", errno.EIO),
                                   ("link", errno.EROFS), ("write", errno.EDQUOT)]
               if not (argv[:2] == ["log", "add"] and stage == "link")]  # appends link nothing


@pytest.mark.parametrize("argv, stage, code", FAULT_CASES,
                         ids=[f"{' '.join(a[:2])}-{s}-{errno.errorcode[c]}" for a, s, c in FAULT_CASES])
def test_every_writer_under_an_injected_fault(here: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str], argv: list[str],
                                              stage: str, code: int) -> None:
    before = listing(here)
    monkeypatch.setitem(safeio.FAULTS, stage, OSError(code, os.strerror(code)))
    rc, out, err = run(argv, capsys)
    assert rc == ExitCode.OUTPUT_REFUSED, err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert safeio._REASONS[code] in err and "Traceback" not in err
    assert out == ""
    assert listing(here) == before  # nothing half-written, nothing left behind


@contextlib.contextmanager
def mounted_tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A small tmpfs at ``path`` (needs root); skips the test with a message otherwise."""
    if not IS_ROOT or shutil.which("mount") is None:
        pytest.skip("needs root to mount a tmpfs; the injected-fault tests cover the same paths")
    path.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _fill(folder: Path) -> None:
    """Fill a file system to the last byte."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)
    with contextlib.suppress(OSError):
        while os.write(fd, b"\0" * 4096):
            pass
    with contextlib.suppress(OSError):
        while os.write(fd, b"\0"):
            pass
    os.close(fd)


@pytest.mark.parametrize("fault", ["full", "read-only"])
def test_every_writer_on_a_real_full_or_read_only_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str],
                                                       samples: dict[str, Path], fault: str) -> None:
    with mounted_tmpfs(tmp_path / "disk", "2m") as disk:
        monkeypatch.chdir(disk)
        shutil.copy(samples["jpeg"], "photo.jpg")
        CustodyLog.create("c.jsonl", clock=fixed_clock(START))
        Path("r.json").write_text(json.dumps(example_report()), encoding="utf-8")
        if fault == "full":
            _fill(disk)
        else:
            subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        before = listing(disk)
        reason = "the disk is full" if fault == "full" else "read-only"
        for argv, _target in WRITERS:
            if fault == "full" and argv[:2] == ["log", "add"]:
                argv = [*argv, "--note", "n" * 8000]  # make sure the line cannot fit
            rc, out, err = run(argv, capsys)
            assert rc == ExitCode.OUTPUT_REFUSED, (argv, err)
            assert reason in err and err.count("\n") == 1 and "Traceback" not in err, (argv, err)
            assert listing(disk) == before, argv


def test_missing_folder_for_every_writer(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = [["log", "init", "nope/new.jsonl"], ["scrub", "photo.jpg", "nope/public.jpg"],
             ["report", "render", "r.json", "--output", "nope/r.md"],
             ["report", "new", "nope/n.json"]]
    before = listing(here)
    for argv in cases:
        rc, _, err = run(argv, capsys)
        assert rc == ExitCode.OUTPUT_REFUSED and "does not exist" in err, argv
        assert err.count("\n") == 1
    assert listing(here) == before


# --- permission denied, for real: as an unprivileged user -------------------------------

def _unprivileged() -> list[str]:
    """A command prefix under which file permissions apply (root loses its override)."""
    if not IS_ROOT:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested for real")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


def test_permission_denied_input_is_3_and_output_is_6(tmp_path: Path,
                                                      samples: dict[str, Path]) -> None:
    if sys.platform == "win32":
        pytest.skip("POSIX permissions")
    shared_folder = tmp_path
    secret = shared_folder / "secret.jpg"
    shutil.copy(samples["jpeg"], secret)
    secret.chmod(0o000)
    readable = shared_folder / "photo.jpg"
    shutil.copy(samples["jpeg"], readable)
    readable.chmod(0o644)
    locked = shared_folder / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    CustodyLog.create(shared_folder / "ro.jsonl", clock=fixed_clock(START))
    (shared_folder / "ro.jsonl").chmod(0o444)
    log_before = (shared_folder / "ro.jsonl").read_bytes()
    cases = [
        (["hash", str(secret)], ExitCode.BAD_INPUT),
        (["meta", str(secret)], ExitCode.BAD_INPUT),
        (["scrub", str(secret), str(shared_folder / "out.jpg")], ExitCode.BAD_INPUT),
        (["log", "verify", str(secret)], ExitCode.BAD_INPUT),
        (["report", "validate", str(secret)], ExitCode.BAD_INPUT),
        (["scrub", str(readable), str(locked / "out.jpg")], ExitCode.OUTPUT_REFUSED),
        (["log", "init", str(locked / "c.jsonl")], ExitCode.OUTPUT_REFUSED),
        (["sample", str(locked / "media")], ExitCode.OUTPUT_REFUSED),
        (["log", "add", str(shared_folder / "ro.jsonl"), str(readable), "--actor", "a",
          "--action", "b"], ExitCode.OUTPUT_REFUSED),
    ]
    # one unprivileged interpreter runs every case through the CLI's main()
    script = (
        "import contextlib, io, json, sys\n"
        "from coursekit.evidence.cli import main\n"
        "out = []\n"
        "for argv in json.loads(sys.argv[1]):\n"
        "    err = io.StringIO()\n"
        "    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):\n"
        "        code = main(argv)\n"
        "    out.append([code, err.getvalue()])\n"
        "print(json.dumps(out))\n")
    proc = subprocess.run([*_unprivileged(), sys.executable, "-c", script,
                           json.dumps([argv for argv, _ in cases])], capture_output=True,
                          text=True, env=ENV, cwd=shared_folder, check=True)
    for (argv, code), (got, err) in zip(cases, json.loads(proc.stdout), strict=True):
        assert got == code, (argv, err)
        assert "permission denied" in err and err.count("\n") == 1, (argv, err)
    assert os.listdir(locked) == []
    assert (shared_folder / "ro.jsonl").read_bytes() == log_before


# --- broken pipe -------------------------------------------------------------------------

def test_piping_into_head_is_quiet_and_documented(here: Path) -> None:
    if shutil.which("head") is None:
        pytest.skip("head is not installed")
    names = " ".join(["photo.jpg"] * 3000)
    proc = subprocess.run(f"{sys.executable} -m coursekit evidence hash {names} | head -n 1; "
                          "echo \"status=${PIPESTATUS[0]}\"", shell=True, executable="/bin/bash",
                          capture_output=True, text=True, env=ENV, check=False)
    assert proc.stdout.count("photo.jpg") == 1
    assert f"status={int(ExitCode.BROKEN_PIPE)}" in proc.stdout
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") <= 1
    assert "broken pipe" in proc.stderr


# --- the table of every documented exit code ---------------------------------------------

def readme_exit_codes() -> dict[int, str]:
    """The exit-code table of the README's evidence section: code -> meaning."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Evidence toolkit (command line)", 1)[1].split("\n## ", 1)[0]
    return {int(m[1]): m[2] for m in re.finditer(r"^\| (\d+) \| (.+) \|$", section, re.M)}


def _leaky(exif: object, keep_timestamps: bool, dropped: object = None) -> bytes:
    """A broken cleaner that keeps the whole EXIF block, GPS included."""
    return exif.tobytes()  # type: ignore[attr-defined]


def _boom(*args: object, **kwargs: object) -> None:
    """A function that has a bug."""
    raise RuntimeError("something the toolkit did not expect")


def _interrupt(*args: object, **kwargs: object) -> None:
    """A user pressing Ctrl-C."""
    raise KeyboardInterrupt


SCENARIOS: dict[int, tuple[list[str], Callable[[pytest.MonkeyPatch], None] | None]] = {
    0: (["hash", "photo.jpg"], None),
    1: (["report", "validate", "bad.json"], None),
    2: (["frobnicate"], None),
    3: (["hash", "missing.jpg"], None),
    4: (["meta", "text.jpg"], None),
    5: (["meta", "anim.gif"], None),
    6: (["scrub", "photo.jpg", "photo.jpg"], None),
    7: (["scrub", "photo.jpg", "leaky.jpg"],
        lambda mp: mp.setattr(scrub_module, "_clean_exif", _leaky)),
    70: (["hash", "photo.jpg"], lambda mp: mp.setattr(cli_module, "digest_file", _boom)),
    130: (["hash", "photo.jpg"], lambda mp: mp.setattr(cli_module, "digest_file", _interrupt)),
}


def test_the_readme_documents_every_exit_code() -> None:
    assert set(readme_exit_codes()) == {int(c) for c in ExitCode}
    help_text = cli_module.EXIT_CODES
    for code in ExitCode:
        assert re.search(rf"^  {int(code)} ", help_text, re.M), code


@pytest.mark.parametrize("code", sorted(set(SCENARIOS)))
def test_each_documented_exit_code_happens(here: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str], code: int) -> None:
    from PIL import Image

    Path("bad.json").write_text('{"title": "x"}', encoding="utf-8")
    Path("text.jpg").write_text("not a photo", encoding="utf-8")
    Image.new("P", (4, 4)).save("anim.gif")
    argv, patch = SCENARIOS[code]
    if patch:
        patch(monkeypatch)
    rc, out, err = run(argv, capsys)
    assert rc == code, err
    assert "Traceback" not in err
    if code:
        assert err.strip(), "a failure always says why"
    assert not Path("leaky.jpg").exists()


def test_every_code_in_the_readme_has_a_scenario() -> None:
    """141 (broken pipe) is walked by test_piping_into_head_is_quiet_and_documented."""
    assert set(readme_exit_codes()) == set(SCENARIOS) | {int(ExitCode.BROKEN_PIPE)}


# --- the README example, end to end ------------------------------------------------------

def test_readme_example_runs_as_written(tmp_path: Path) -> None:
    evidence = Path(sys.executable).parent / "evidence"
    if not evidence.exists():
        pytest.skip("the console command is not installed (pip install -e .)")
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Evidence toolkit (command line)", 1)[1]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    lines = block.splitlines()
    assert lines[0].startswith("source .venv/bin/activate")
    script = "set -euo pipefail\n" + "\n".join(lines[1:]) + "\n"
    env = dict(os.environ, PATH=f"{evidence.parent}{os.pathsep}{os.environ['PATH']}")
    proc = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True,
                          env=env, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    scratch = tmp_path / "evidence-scratch"
    assert (scratch / "report.md").read_text(encoding="utf-8").startswith("# Incident report")
    assert "media/hills.jpg: OK" in proc.stdout  # sha256sum -c accepted our hash line
    assert "valid incident report" in proc.stdout
    assert (ROOT / ".gitignore").read_text(encoding="utf-8").count("evidence-scratch") == 1
    assert "evidence-scratch" in (ROOT / "Makefile").read_text(encoding="utf-8")
