"""Helpers for the structure tests: read the TOC, pages and notebooks of the course."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIRS = ("chapters", "exercises", "appendices", "facilitator")
NOT_PAGES = ("appendices/glossary-terms",)  # fragments included into the glossary page

CITE = re.compile(r"\{(?:cite|cite:p|cite:t|cite:ps|cite:ts|footcite)\}`([^`]+)`")
TERM = re.compile(r"\{term\}`([^`]+)`")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$", re.M)


@dataclass(frozen=True)
class Page:
    """A page of the book as listed in a TOC."""

    part: str
    path: Path

    @property
    def rel(self) -> str:
        return self.path.relative_to(ROOT).as_posix()

    def markdown(self) -> str:
        """All Markdown text of the page (a notebook's Markdown cells, or the .md file)."""
        if self.path.suffix == ".ipynb":
            nb = json.loads(self.path.read_text(encoding="utf-8"))
            return "\n\n".join(
                "".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"
            )
        return self.path.read_text(encoding="utf-8")

    def code(self) -> str:
        """All code-cell source of a notebook (empty for Markdown pages)."""
        if self.path.suffix != ".ipynb":
            return ""
        nb = json.loads(self.path.read_text(encoding="utf-8"))
        return "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def resolve(entry: str) -> Path | None:
    """The file a TOC entry names (``.ipynb`` or ``.md``), or None if neither exists."""
    for suffix in (".ipynb", ".md"):
        candidate = ROOT / f"{entry}{suffix}"
        if candidate.is_file():
            return candidate
    return None


def toc_entries(toc: Path = ROOT / "_toc.yml") -> list[tuple[str, str]]:
    """(part caption, entry) for the root and every chapter and section in a TOC."""
    data = yaml.safe_load(toc.read_text(encoding="utf-8"))
    out = [("", data["root"])]

    def walk(items: list[dict], part: str) -> None:
        for item in items:
            if "file" in item:
                out.append((part, item["file"]))
            walk(item.get("sections", []), part)

    for part in data.get("parts", []):
        walk(part.get("chapters", []), part.get("caption", ""))
    walk(data.get("chapters", []), "")
    return out


def pages(toc: Path = ROOT / "_toc.yml") -> list[Page]:
    """Every page listed in a TOC that exists on disk."""
    return [Page(part, p) for part, e in toc_entries(toc) if (p := resolve(e)) is not None]


def content_files() -> list[Path]:
    """Every notebook and Markdown page in the content folders (not fragments)."""
    files = []
    for d in CONTENT_DIRS:
        for p in sorted((ROOT / d).rglob("*")):
            rel = p.relative_to(ROOT).as_posix()
            if p.suffix in (".ipynb", ".md") and ".ipynb_checkpoints" not in rel \
                    and not rel.startswith(NOT_PAGES) and p.name != "README.md":
                files.append(p)
    return files


def notebooks() -> list[Path]:
    return [p for p in content_files() if p.suffix == ".ipynb"]


def cite_keys(text: str) -> set[str]:
    return {k.strip() for group in CITE.findall(text) for k in group.split(",") if k.strip()}


def headings(text: str, level: int = 2) -> list[str]:
    return [t for h, t in HEADING.findall(text) if len(h) == level]


def section(text: str, title: str) -> str:
    """The body of the level-2 section whose heading starts with ``title``."""
    m = re.search(rf"^##\s+{re.escape(title)}.*?$(.*?)(?=^##\s|\Z)", text, re.M | re.S)
    return m.group(1) if m else ""


def prose_words(text: str) -> int:
    """Words of prose: Markdown without code fences, directive options and MyST roles' targets."""
    text = re.sub(r"^```\{(?:code-cell|glossary)\}.*?^```", " ", text, flags=re.M | re.S)
    text = re.sub(r"^\s*:[a-z-]+:.*$", " ", text, flags=re.M)
    text = re.sub(r"\{[a-z:]+\}`[^`]*`", " ", text)
    return len(re.findall(r"[A-Za-zÀ-ž'’-]+", text))


def bib_keys(path: Path = ROOT / "references.bib") -> set[str]:
    return set(re.findall(r"^@\w+\{([^,\s]+),", path.read_text(encoding="utf-8"), re.M))


def glossary_terms() -> dict[str, list[str]]:
    """Glossary term (lower case) -> fragments that define it."""
    terms: dict[str, list[str]] = {}
    for frag in sorted((ROOT / "appendices" / "glossary-terms").glob("*.md")):
        body = frag.read_text(encoding="utf-8")
        for block in re.findall(r"```\{glossary\}(.*?)```", body, re.S):
            for line in block.splitlines():
                if line.strip() and not line.startswith((" ", "\t", ":")):
                    terms.setdefault(line.strip().lower(), []).append(frag.name)
    return terms
