"""Part IV diagrams (coursekit.diagrams_docs): the SVG flows and the before/after scrub figure."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from coursekit import diagrams_docs as dd
from coursekit.diagrams_docs import Box, DiagramError, flow_svg

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"


def _svg(text: str) -> ET.Element:
    return ET.fromstring(text)


def test_flow_svg_is_accessible_self_contained_and_narrow() -> None:
    text = flow_svg("A title", "A description of the point.",
                    [(Box("One", "first step"),), (Box("Two", public=True), Box("Three", gap=True))])
    root = _svg(text)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "A title"
    assert root.find(f"{SVG}desc").text == "A description of the point."
    assert int(root.get("width")) <= dd.MAX_WIDTH
    assert root.get("font-family").startswith("system-ui")
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "href" not in text
    sizes = [int(t.get("font-size")) for t in root.iter(f"{SVG}text")]
    assert sizes and min(sizes) >= 14
    # public and gap boxes are told apart without colour: different dash patterns
    dashes = {r.get("stroke-dasharray") for r in root.iter(f"{SVG}rect")}
    assert {"7 5", "2 5", None} <= dashes
    # a split row gets two arrows from the single box above it
    assert len(list(root.iter(f"{SVG}line"))) == 2


def test_flow_svg_wraps_text_inside_its_boxes() -> None:
    long = "word " * 40
    root = _svg(flow_svg("T", "D", [(Box("Heading", long),), (Box("Left", long), Box("Right", long))]))
    texts = list(root.iter(f"{SVG}text"))
    assert len(texts) > 10
    for t in texts:  # a conservative width estimate: every line fits the widest column
        assert len(t.text) * int(t.get("font-size")) * 0.56 <= dd.WIDTH - 2 * dd.MARGIN - 20


@pytest.mark.parametrize("title, desc, rows, width, message", [
    ("", "d", [(Box("a"),)], 420, "title and a description"),
    ("t", " ", [(Box("a"),)], 420, "title and a description"),
    ("t", "d", [], 420, "at least one row"),
    ("t", "d", [(Box("a"), Box("b"), Box("c"))], 420, "row 1"),
    ("t", "d", [(None, None)], 420, "row 1"),
    ("t", "d", [(Box("a"),)], 900, "width must be"),
])
def test_flow_svg_rejects_bad_specifications(title, desc, rows, width, message) -> None:
    with pytest.raises(DiagramError, match=message):
        flow_svg(title, desc, rows, width=width)


def test_render_rejects_an_unknown_figure() -> None:
    with pytest.raises(DiagramError, match="no figure named"):
        dd.render("no-such-figure.svg")


def test_committed_figures_match_the_code_and_are_used() -> None:
    assert dd.stale_figures() == [], "run: .venv/bin/python -m coursekit.diagrams_docs"
    for name in dd.FIGURES:
        chapter = name.rsplit("-", 2)[0]
        while not (ROOT / "chapters" / f"{chapter}.ipynb").exists() and "-" in chapter:
            chapter = chapter.rsplit("-", 1)[0]
        nb = (ROOT / "chapters" / f"{chapter}.ipynb").read_text(encoding="utf-8")
        assert f"figures/{name}" in nb, f"{name} is not shown in chapters/{chapter}.ipynb"
        block = nb[nb.index(f"figures/{name}"):][:900]
        assert re.search(r":alt: \S+( \S+){8,}", block), f"{name}: the figure needs alt text stating its point"


def test_write_and_stale_figures(tmp_path: Path) -> None:
    assert sorted(dd.stale_figures(tmp_path)) == sorted(dd.FIGURES)  # missing files are stale
    written = dd.write_figures(tmp_path)
    assert [p.name for p in written] == list(dd.FIGURES)
    assert dd.stale_figures(tmp_path) == []
    first = written[0]
    first.write_text(first.read_text(encoding="utf-8") + "<!-- edited -->", encoding="utf-8")
    assert dd.stale_figures(tmp_path) == [first.name]
    assert not list(tmp_path.glob("*.tmp"))


def test_compare_scrub_reads_the_toolkit_sample_before_and_after() -> None:
    result = dd.compare_scrub()
    assert "Location (GPS)" in result.before and "Device" in result.before
    assert result.before["Location (GPS)"][0].startswith("Position: 10.50, -30.25")
    assert result.after == {}
    assert result.same_image_data and result.original_unchanged


def test_scrub_figure_states_what_the_photo_gave_away() -> None:
    fig = dd.scrub_before_after()
    assert "a GPS position" in fig.alt and "serial number" in fig.alt
    assert "gives away nothing of the kind" in fig.alt
    width, height = Image.open(io.BytesIO(fig.png)).size
    assert width <= dd.MAX_WIDTH and height > width  # tall and narrow, for phones
    assert 'alt="' in fig._repr_html_()


def test_scrub_figure_says_so_when_the_copy_still_leaks(monkeypatch) -> None:
    leaky = dd.Comparison(before={"Location (GPS)": ["Position: 1.00, 2.00"]},
                          after={"People": ["Artist: someone"]}, position="1, 2",
                          same_image_data=True, original_unchanged=False)
    monkeypatch.setattr(dd, "compare_scrub", lambda: leaky)
    fig = dd.scrub_before_after()
    assert "still gives away the photographer's name" in fig.alt
    assert "Check failed" in fig.alt
