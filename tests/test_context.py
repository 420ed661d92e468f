"""Tests for the chapter *The land and its history, 1947 to today* and its module, coursekit.context.

The data files load and are cited; malformed rows are rejected with the file, line and problem;
the figures carry alt text and stay phone-width; the chapter meets the template and thresholds.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from course import ROOT, TERM, bib_keys, cite_keys, glossary_terms, headings, prose_words, section
from PIL import Image

from coursekit.context import (
    LAT_RANGE,
    LON_RANGE,
    ZOOM_BOX,
    context_timeline,
    load_context_events,
    load_places,
    locator_figure,
    periods,
    timeline_alt,
    vertical_timeline,
)
from coursekit.datafiles import DataFileError
from coursekit.figures import AccessibleFigure
from coursekit.timeline import Event, PartialDate

CHAPTER = ROOT / "chapters" / "context.ipynb"
FACTS = ROOT.parent / "shared" / "sources" / "facts.md"
PLACES_HEADER = "place,kind,region,latitude,longitude,label_side,note,sources\n"
GOOD_PLACE = "Jenin,town or city,West Bank,32.46,35.30,right,,wiki-jenin\n"
EVENTS_HEADER = "date,event,sources\n"

# Coordinates exactly as the fact sheet gives them (section 8.6, two decimals; section 2.1, three).
EXPECTED = {
    "Ramallah": (31.90, 35.20), "Jerusalem": (31.78, 35.22), "Nablus": (32.22, 35.28),
    "Hebron": (31.53, 35.10), "Bethlehem": (31.70, 35.21), "Jenin": (32.46, 35.30),
    "Qalqilya": (32.19, 34.97), "Jericho": (31.86, 35.46), "Gaza City": (31.52, 34.45),
    "Rafah": (31.27, 34.26), "Budrus": (31.967, 34.994), "Biddu": (31.834, 35.145),
    "Bil'in": (31.928, 35.071), "Ni'lin": (31.947, 35.022), "Nabi Saleh": (32.017, 35.125),
    "Kafr Qaddum": (32.222, 35.143), "Beita": (32.144, 35.288),
}

# Markers the chapter is built around, checked in the timeline file.
MILESTONES = {
    PartialDate(1947, 11, 29): "resolution 181",
    PartialDate(1967, 11, 22): "resolution 242",
    PartialDate(1993, 9, 13): "Oslo I",
    PartialDate(2023, 10, 7): "attack",
}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def png_size(fig: AccessibleFigure) -> tuple[int, int]:
    with Image.open(io.BytesIO(fig.png)) as img:
        return img.size


# --- the shipped data files --------------------------------------------------------------------


def test_places_match_the_fact_sheet_and_are_cited() -> None:
    places = load_places()
    assert {p.name: (p.latitude, p.longitude) for p in places} == EXPECTED
    known = bib_keys()
    for p in places:
        assert LAT_RANGE[0] <= p.latitude <= LAT_RANGE[1] and LON_RANGE[0] <= p.longitude <= LON_RANGE[1]
        assert p.sources and set(p.sources) <= known, p
    gaza = {p.name for p in places if p.region == "Gaza Strip"}
    assert gaza == {"Gaza City", "Rafah"}
    # Jerusalem's status is disputed (fact sheet 8.6): it is not filed under either territory.
    assert next(p for p in places if p.name == "Jerusalem").region == "Jerusalem"


def test_timeline_loads_sorted_from_1947_and_cited() -> None:
    events = load_context_events()
    assert len(events) >= 12
    assert [e.when for e in events] == sorted(e.when for e in events)
    assert events[0].when.year == 1947 and events[-1].when.as_date() <= date.today()
    unknown = {k for e in events for k in e.sources} - bib_keys()
    assert not unknown, f"source keys not in references.bib: {unknown}"
    for when, words in MILESTONES.items():
        assert any(e.when == when and words in e.event for e in events), (when, words)


def test_disputed_dates_are_coarse_or_flagged() -> None:
    """Where the fact sheet says sources disagree on the day, the row gives the month and says so."""
    events = load_context_events()
    intifada = [e for e in events if "First intifada" in e.event]
    assert intifada and intifada[0].when == PartialDate(1987, 12)
    assert "sources differ" in intifada[0].event


def test_nothing_unverified_in_the_timeline() -> None:
    text = (ROOT / "coursekit" / "data" / "context-timeline.csv").read_text(encoding="utf-8")
    for pattern in (r"\b251\b", r"19 January 2025|2025-01-19", r"\b300,000\b", r"13 votes to 2"):
        assert not re.search(pattern, text), pattern


# --- malformed files: rejected with file, line and problem (and a good row accepted) -------------


def test_a_good_place_row_is_accepted(tmp_path: Path) -> None:
    [place] = load_places(write(tmp_path, "p.csv", PLACES_HEADER + GOOD_PLACE))
    assert place.name == "Jenin" and place.kind == "town or city" and place.note == ""


@pytest.mark.parametrize("row, message", [
    ("Jenin,town or city,West Bank,32.46,-35.30,right,,wiki-jenin\n", r":3: column 'longitude'.*outside"),
    ("Jenin,town or city,West Bank,35.30,32.46,right,,wiki-jenin\n", r":3: column 'latitude'.*outside"),
    ("Jenin,town or city,West Bank,32.46N,35.30,right,,wiki-jenin\n", r":3: column 'latitude'"),
    ("Jenin,city,West Bank,32.46,35.30,right,,wiki-jenin\n", r":3: column 'kind'.*unknown kind"),
    ("Jenin,town or city,Israel,32.46,35.30,right,,wiki-jenin\n", r":3: column 'region'.*unknown region"),
    ("Jenin,town or city,West Bank,32.46,35.30,up,,wiki-jenin\n", r":3: column 'label_side'"),
    ("Jenin,town or city,West Bank,32.46,35.30,right,,\n", r":3: column 'sources'"),
    ("Jenin,town or city,West Bank,32.46,35.30,right\n", r":3: expected 8 cells, found 6"),
    (GOOD_PLACE, r":3: place 'Jenin' is listed twice"),
])
def test_a_malformed_place_row_is_rejected(tmp_path: Path, row: str, message: str) -> None:
    path = write(tmp_path, "p.csv", PLACES_HEADER + GOOD_PLACE + row)
    with pytest.raises(DataFileError, match=rf"{re.escape(str(path))}{message}"):
        load_places(path)


def test_a_wrong_places_header_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "place,latitude,longitude,sources\nJenin,32.46,35.30,wiki-jenin\n")
    with pytest.raises(DataFileError, match=r":1: header.*missing \['kind'"):
        load_places(path)


def test_a_good_event_row_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "e.csv", EVENTS_HEADER + "1967-06-05,Six-Day War begins,bbc-1967\n")
    [event] = load_context_events(path)
    assert event.when == PartialDate(1967, 6, 5) and event.sources == ("bbc-1967",)


@pytest.mark.parametrize("row, message", [
    ("1917-11-02,Too early for this timeline,ecf-unga181\n", r"before 1947"),
    ("2999-01-01,In the future,ecf-unga181\n", r"in the future"),
    ("1967-13-01,No such month,bbc-1967\n", r":2: column 'date'"),
    ("5 June 1967,Wrong date format,bbc-1967\n", r":2: column 'date'"),
    ("1967-06-05,No sources,\n", r":2: column 'sources'"),
    ("1967-06-05,,bbc-1967\n", r":2: column 'event'"),
])
def test_a_malformed_event_row_is_rejected(tmp_path: Path, row: str, message: str) -> None:
    path = write(tmp_path, "e.csv", EVENTS_HEADER + row)
    with pytest.raises(DataFileError, match=message) as err:
        load_context_events(path, today=date(2026, 1, 1))
    assert str(path) in str(err.value)


def test_a_missing_file_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="no such file"):
        load_places(tmp_path / "absent.csv")
    with pytest.raises(DataFileError, match="no such file"):
        load_context_events(tmp_path / "absent.csv")


# --- figures -------------------------------------------------------------------------------------


def test_locator_figure_is_tall_narrow_and_states_its_point() -> None:
    fig = locator_figure()
    assert isinstance(fig, AccessibleFigure) and fig.png.startswith(b"\x89PNG")
    width, height = png_size(fig)
    assert width <= 600 and height > width, (width, height)
    assert "no borders" in fig.alt and "Gaza City and Rafah" in fig.alt and "Jenin" in fig.alt
    for village in ("Budrus", "Ni'lin", "Bil'in", "Biddu", "Nabi Saleh"):
        assert village in fig.alt
    assert "no borders or map" in fig.caption and "north is up" in fig.caption


def test_zoom_box_holds_the_clustered_villages() -> None:
    south, north, west, east = ZOOM_BOX
    inside = {p.name for p in load_places()
              if south <= p.latitude <= north and west <= p.longitude <= east}
    assert {"Budrus", "Ni'lin", "Bil'in", "Biddu", "Nabi Saleh", "Ramallah", "Jerusalem"} <= inside
    assert "Kafr Qaddum" not in inside and "Gaza City" not in inside


def test_locator_figure_rejects_no_places() -> None:
    with pytest.raises(ValueError, match="at least one place"):
        locator_figure([])


def test_timeline_is_phone_width_and_its_alt_text_follows_the_data() -> None:
    fig = context_timeline()
    width, height = png_size(fig)
    assert width <= 600 and height > 2 * width, (width, height)
    events = load_context_events()
    assert fig.alt == timeline_alt(events)
    assert f"{len(events)} events from 29 November 1947" in fig.alt
    assert "1947 to 1948" in fig.alt


def test_periods_group_years_with_gaps() -> None:
    def ev(year: int) -> Event:
        return Event(PartialDate(year), "x", ("k",))
    assert periods([ev(1947), ev(1948), ev(1967), ev(1993), ev(1995)]) == [
        (1947, 1948), (1967, 1967), (1993, 1995)]
    assert periods([ev(2000)]) == [(2000, 2000)]


def test_vertical_timeline_rejects_no_events_and_token_alt_text() -> None:
    with pytest.raises(ValueError, match="at least one event"):
        vertical_timeline([], title="T", alt="A timeline of nothing at all, which cannot be drawn", caption="C")
    with pytest.raises(ValueError, match="alt text"):
        vertical_timeline(load_context_events()[:2], title="T", alt="timeline", caption="C")


# --- the chapter ----------------------------------------------------------------------------------


def _cells() -> list[dict]:
    return json.loads(CHAPTER.read_text(encoding="utf-8"))["cells"]


def _markdown() -> str:
    return "\n\n".join("".join(c["source"]) for c in _cells() if c["cell_type"] == "markdown")


def _section9_keys() -> set[str]:
    if not FACTS.is_file():
        pytest.fail(f"the verified fact sheet is missing: {FACTS}")
    text = FACTS.read_text(encoding="utf-8")
    start = text.index("\n## 9.")
    return set(re.findall(r"\[([a-z0-9][\w:./-]*)\]", text[start:text.index("\n## 10.", start)]))


def test_chapter_is_first_in_part_one_of_both_tocs() -> None:
    for toc in ("_toc.yml", "_toc-facilitator.yml"):
        data = yaml.safe_load((ROOT / toc).read_text(encoding="utf-8"))
        part = next(p for p in data["parts"] if p["caption"] == "Part I: ISM in context")
        files = [c["file"] for c in part["chapters"]]
        assert files[:2] == ["chapters/context", "chapters/ism-origins"], (toc, files)


def test_chapter_follows_the_full_template() -> None:
    text = _markdown()
    h1 = headings(text, 1)
    assert h1 == ["The land and its history, 1947 to today"]
    assert "This chapter is for" in text.split("## Learning objectives")[0]
    h2 = headings(text)
    order = ["Learning objectives", "Activity", "Self-check", "Key terms", "Discussion questions", "Summary"]
    at = [next(i for i, h in enumerate(h2) if h.startswith(t)) for t in order]
    assert at == sorted(at) and at[0] == 0 and h2[-1] == "Summary", h2
    assert text.rstrip().endswith("```") and "```{admonition} Takeaways\n:class: takeaways" in text
    questions = re.findall(r"^\s*\d+\.\s", section(text, "Discussion questions"), re.M)
    assert len(questions) >= 4
    for term in ("Occupation", "Nakba", "Areas A, B and C", "Popular committee"):
        assert f"{{term}}`{term}`" in section(text, "Key terms"), term


def test_chapter_meets_the_thresholds() -> None:
    text = _markdown()
    words = prose_words(text)
    assert words >= 2500, f"{words} words of prose; at least 2,500"
    keys = cite_keys(text)
    assert len(keys) >= 10, f"{len(keys)} distinct citation keys; at least 10"
    assert keys <= bib_keys(), keys - bib_keys()


def test_chapter_covers_the_periods_the_issue_names() -> None:
    text = _markdown()
    for needed in ("1947", "1948", "Nakba", "1967", "resolution 242", "first intifada", "Oslo",
                   "Area C", "second intifada", "settlement", "barrier", "7 October 2023", "Gaza"):
        assert needed in text, needed


def test_chapter_has_palestinian_voice_blocks_citing_section_nine() -> None:
    text = _markdown()
    blocks = re.findall(r"```\{admonition\} ([^\n]+)\n:class: (voice[^\n]*)\n(.*?)\n```", text, re.S)
    keys = _section9_keys()
    assert len(blocks) >= 2, f"{len(blocks)} voice blocks; at least 2"
    for title, cls, body in blocks:
        assert "," in title, title
        assert cite_keys(body) & keys, f"voice '{title}' cites no key from facts §9"
        if "paraphrase" in cls:
            assert body.strip().startswith("*In paraphrase:*") and '"' not in body
    assert len({t.split(",")[0] for t, _, _ in blocks}) >= 5


def test_figures_and_self_check_cells_hide_their_code() -> None:
    code = [c for c in _cells() if c["cell_type"] == "code"]
    sources = ["".join(c["source"]) for c in code]
    assert any("locator_figure()" in s for s in sources) and any("context_timeline()" in s for s in sources)
    quiz = [c for c, s in zip(code, sources, strict=True) if 'load_quiz("context")' in s]
    assert quiz and "remove-input" in quiz[0]["metadata"]["tags"]
    assert all({"hide-input", "remove-input"} & set(c["metadata"].get("tags", [])) for c in code)


def test_glossary_fragment_defines_each_key_term_once_with_arabic_marked() -> None:
    terms = glossary_terms()
    used = {re.sub(r".*<(.+)>$", r"\1", t).strip().lower() for t in TERM.findall(_markdown())}
    missing = sorted(t for t in used if t not in terms)
    assert not missing, f"terms the chapter links but no fragment defines: {missing}"
    twice = {t: f for t, f in terms.items() if "context.md" in f and len(f) > 1}
    assert not twice, twice
    fragment = (ROOT / "appendices" / "glossary-terms" / "context.md").read_text(encoding="utf-8")
    arabic = re.findall(r"[\u0600-\u06ff][\u0600-\u06ff\s]*", fragment)
    marked = re.findall(r'<span lang="ar" dir="rtl">([^<]+)</span>', fragment)
    assert arabic and sorted(a.strip() for a in arabic) == sorted(m.strip() for m in marked), \
        "every Arabic word must sit in <span lang=\"ar\" dir=\"rtl\">"
    assert cite_keys(fragment) <= bib_keys()
