"""coursekit.sphinx_ext.files_not_in_toc excludes exactly what sphinx-external-toc would, without
walking the folders the exclude patterns already cover."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sphinx_external_toc.events import parse_toc_to_env
from sphinx_external_toc.parsing import parse_toc_yaml

from coursekit.sphinx_ext import files_not_in_toc

SUFFIXES = {".rst": "restructuredtext", ".ipynb": "myst-nb", ".md": "myst-nb"}
EXCLUDE = ["_build", "**/node_modules", "tools/**", "README.md"]


class _Config(dict):
    """The two ways sphinx-external-toc reads and writes a Sphinx config."""

    def __getattr__(self, name: str) -> Any:
        return self[name]

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value


def _tree(root: Path) -> None:
    (root / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nchapters:\n- file: chapters/a\n- glob: extra/*\n",
        encoding="utf-8")
    for rel in ["intro.md", "chapters/a.md", "chapters/b.ipynb", "chapters/c.md", "notes.rst",
                "extra/one.md", "extra/deeper/two.md", "README.md", "tools/x/guide.md",
                "_build/html/_sources/intro.md", "browserlab/node_modules/pkg/README.md",
                ".hidden/secret.md", "chapters/.draft.md", "chapters/a.md.txt"]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x", encoding="utf-8")
    (root / "folder.md").mkdir()  # a folder named like a page is not a page


def _external_toc(root: Path) -> list[str]:
    config = _Config(external_toc_path="_toc.yml", master_doc="index", source_suffix=SUFFIXES,
                     exclude_patterns=list(EXCLUDE), external_toc_exclude_missing=True)
    parse_toc_to_env(SimpleNamespace(srcdir=str(root), config=config), config)  # type: ignore[arg-type]
    return config["exclude_patterns"][len(EXCLUDE):]


def test_the_same_files_as_sphinx_external_toc(tmp_path: Path) -> None:
    _tree(tmp_path)
    ours = files_not_in_toc(tmp_path, parse_toc_yaml(tmp_path / "_toc.yml"), SUFFIXES, EXCLUDE)
    theirs = _external_toc(tmp_path)
    assert sorted(ours) == sorted(theirs)
    assert set(ours) == {"chapters/b.ipynb", "chapters/c.md", "notes.rst",
                         "extra/deeper/two.md"}


def test_folders_already_excluded_are_not_entered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path)
    entered: list[str] = []
    real_walk = os.walk

    def walk(top: Any, *args: Any, **kwargs: Any) -> Any:
        for folder, dirs, names in real_walk(top, *args, **kwargs):
            entered.append(Path(folder).relative_to(tmp_path).as_posix())
            yield folder, dirs, names

    monkeypatch.setattr(os, "walk", walk)
    files_not_in_toc(tmp_path, parse_toc_yaml(tmp_path / "_toc.yml"), SUFFIXES, EXCLUDE)
    assert "chapters" in entered and "extra/deeper" in entered
    # "tools/**" covers what is inside tools/, so tools/ is listed but none of its folders
    assert not [f for f in entered if f.split("/")[0] in ("_build", ".hidden")
                or f.startswith("tools/") or "node_modules" in f], entered


def test_a_new_page_missing_from_the_toc_is_excluded(tmp_path: Path) -> None:
    _tree(tmp_path)
    site_map = parse_toc_yaml(tmp_path / "_toc.yml")
    before = files_not_in_toc(tmp_path, site_map, SUFFIXES, EXCLUDE)
    (tmp_path / "chapters" / "new.md").write_text("x", encoding="utf-8")
    after = files_not_in_toc(tmp_path, site_map, SUFFIXES, EXCLUDE)
    assert set(after) - set(before) == {"chapters/new.md"}
