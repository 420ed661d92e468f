"""coursekit.jb: Jupyter Book's command line with rfc3987-syntax loaded only when used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT).stdout.strip()


def test_jsonschema_imports_without_compiling_the_iri_grammars() -> None:
    out = _python(
        "import sys\n"
        "from coursekit.jb import defer_rfc3987_syntax\n"
        "defer_rfc3987_syntax()\n"
        "import jsonschema\n"
        "print(getattr(sys.modules['rfc3987_syntax'], '_coursekit_deferred', False),"
        " 'lark' in sys.modules)\n")
    assert out == "True False"


def test_an_iri_format_check_still_gives_the_real_answer() -> None:
    out = _python(
        "from coursekit.jb import defer_rfc3987_syntax\n"
        "defer_rfc3987_syntax()\n"
        "import jsonschema, sys\n"
        "check = jsonschema.Draft202012Validator.FORMAT_CHECKER\n"
        "good = check.conforms('https://example.org/قرية?x=1', 'iri')\n"
        "bad = check.conforms('not an iri', 'iri')\n"
        "real = not getattr(sys.modules['rfc3987_syntax'], '_coursekit_deferred', False)\n"
        "print(good, bad, real)\n")
    assert out == "True False True"


def test_other_names_load_the_real_module_and_dunder_lookups_do_not() -> None:
    out = _python(
        "import sys\n"
        "from coursekit.jb import defer_rfc3987_syntax\n"
        "defer_rfc3987_syntax(); defer_rfc3987_syntax()\n"
        "m = sys.modules['rfc3987_syntax']\n"
        "print(hasattr(m, '__path__'), 'lark' in sys.modules)\n"
        "terms = m.RFC3987_SYNTAX_TERMS\n"
        "print(len(terms) > 10, 'lark' in sys.modules)\n")
    assert out.splitlines() == ["False False", "True True"]


def test_it_runs_jupyter_book_with_its_exit_codes(tmp_path: Path) -> None:
    ok = subprocess.run([sys.executable, "-m", "coursekit.jb", "--version"], capture_output=True,
                        text=True, check=False)
    assert ok.returncode == 0 and "Jupyter Book" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "coursekit.jb", "build", str(tmp_path / "none")],
                         capture_output=True, text=True, check=False)
    plain = subprocess.run([str(Path(sys.executable).with_name("jupyter-book")), "build",
                            str(tmp_path / "none")], capture_output=True, text=True, check=False)
    assert bad.returncode == plain.returncode != 0
    assert "does not exist" in bad.stderr and bad.stderr == plain.stderr


@pytest.mark.parametrize("code", [0, 3])
def test_main_returns_the_command_s_code(monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    import jupyter_book.cli.main as cli

    from coursekit import jb

    def fake(args: list[str], prog_name: str) -> None:
        assert args == ["build", "x"] and prog_name == "jupyter-book"
        raise SystemExit(code)

    monkeypatch.setattr(cli, "main", fake)
    monkeypatch.setattr(jb, "defer_rfc3987_syntax", lambda: None)  # this process keeps its modules
    assert jb.main(["build", "x"]) == code
