"""Tests for coursekit.villages: the village data files, their checks and figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coursekit.datafiles import DataFileError
from coursekit.figures import AccessibleFigure
from coursekit.timeline import PartialDate
from coursekit.villages import (
    LAT_RANGE,
    LON_RANGE,
    REFERENCE_POINTS,
    Village,
    combined_timeline,
    distance_km,
    first_events,
    load_village_events,
    load_villages,
    locator_figure,
    village_timeline,
)

ROOT = Path(__file__).resolve().parent.parent
BIB_KEYS = set(re.findall(r"^@\w+\{([^,\s]+),", (ROOT / "references.bib").read_text("utf-8"), re.M))

# The rounded coordinates exactly as the fact sheet (section 2.1) gives them.
EXPECTED = {
    "Budrus": (31.967, 34.994),
    "Biddu": (31.834, 35.145),
    "Bil'in": (31.928, 35.071),
    "Ni'lin": (31.947, 35.022),
    "Nabi Saleh": (32.017, 35.125),
    "Kafr Qaddum": (32.222, 35.143),
}

VILLAGES_HEADER = "village,latitude,longitude,governorate,sources\n"
EVENTS_HEADER = "date,village,event,sources\n"


@pytest.fixture(scope="module")
def villages() -> list[Village]:
    return load_villages()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the shipped files -------------------------------------------------------------


def test_six_villages_with_fact_sheet_coordinates(villages: list[Village]) -> None:
    assert {v.name: (v.latitude, v.longitude) for v in villages} == EXPECTED


def test_villages_inside_box_and_sourced(villages: list[Village]) -> None:
    for v in villages:
        assert LAT_RANGE[0] <= v.latitude <= LAT_RANGE[1]
        assert LON_RANGE[0] <= v.longitude <= LON_RANGE[1]
        assert v.governorate
        assert v.sources and set(v.sources) <= BIB_KEYS, v


def test_reference_points_inside_box_and_sourced() -> None:
    for lat, lon, key in REFERENCE_POINTS.values():
        assert LAT_RANGE[0] <= lat <= LAT_RANGE[1]
        assert LON_RANGE[0] <= lon <= LON_RANGE[1]
        assert key in BIB_KEYS


def test_events_load_sorted_with_known_villages_and_keys(villages: list[Village]) -> None:
    events = load_village_events(villages=villages)
    names = {v.name for v in villages}
    assert len(events) >= 12
    assert {e.village for e in events} == names, "every village has at least one event"
    assert [e.when.as_date() for e in events] == sorted(e.when.as_date() for e in events)
    for e in events:
        assert e.village in names
        assert e.sources and set(e.sources) <= BIB_KEYS, e
        assert e.event.strip()


def test_disputed_dates_are_flagged() -> None:
    """Dates the fact sheet marks as disputed say so in the event text."""
    events = load_village_events()
    bilin_start = [e for e in events if e.village == "Bil'in" and "Weekly Friday" in e.event]
    assert bilin_start and bilin_start[0].when == PartialDate(2005)
    assert "sources differ" in bilin_start[0].event
    reroute = [e for e in events if "Re-routing" in e.event]
    assert reroute and "sources differ" in reroute[0].event


def test_first_event_in_each_village_is_the_start_of_protest() -> None:
    """The timeline's alt text says campaigns began one after another; keep that true."""
    firsts = first_events(load_village_events())
    words = ("protest", "resistance", "demonstration", "march")
    for name, ev in firsts.items():
        assert any(w in ev.event.lower() for w in words), (name, ev.event)
    starts = [ev.when.as_date() for ev in firsts.values()]
    assert starts == sorted(starts)


def test_distance_km(villages: list[Village]) -> None:
    by_name = {v.name: v for v in villages}
    assert distance_km(by_name["Budrus"], by_name["Budrus"]) == 0
    d = distance_km(by_name["Biddu"], by_name["Kafr Qaddum"])
    assert d == pytest.approx(distance_km(by_name["Kafr Qaddum"], by_name["Biddu"]))
    # 0.388 degrees of latitude and almost no change in longitude: about 43 km.
    assert 42 < d < 44


# --- malformed files ---------------------------------------------------------------


def test_bad_coordinate_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "villages.csv", VILLAGES_HEADER
                 + "Budrus,31.967,34.994,Ramallah and al-Bireh,wiki-budrus\n"
                 + "Bil'in,31.928,-35.071,Ramallah and al-Bireh,wiki-bilin\n")
    with pytest.raises(DataFileError, match=rf"{re.escape(str(path))}:3: column 'longitude'"):
        load_villages(path)


def test_swapped_coordinates_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "villages.csv", VILLAGES_HEADER
                 + "Budrus,34.994,31.967,Ramallah and al-Bireh,wiki-budrus\n")
    with pytest.raises(DataFileError, match=r"villages\.csv:2: column 'latitude'.*outside"):
        load_villages(path)


def test_non_numeric_coordinate_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "villages.csv", VILLAGES_HEADER
                 + "Budrus,31.967N,34.994,Ramallah and al-Bireh,wiki-budrus\n")
    with pytest.raises(DataFileError, match=r"villages\.csv:2: column 'latitude'"):
        load_villages(path)


def test_missing_column_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "villages.csv", "village,latitude,longitude,sources\n"
                 "Budrus,31.967,34.994,wiki-budrus\n")
    with pytest.raises(DataFileError, match=r"villages\.csv:1: header.*missing \['governorate'\]"):
        load_villages(path)


def test_missing_sources_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "villages.csv", VILLAGES_HEADER
                 + "Budrus,31.967,34.994,Ramallah and al-Bireh,\n")
    with pytest.raises(DataFileError, match=r"villages\.csv:2: column 'sources'"):
        load_villages(path)


def test_duplicate_village_rejected(tmp_path: Path) -> None:
    row = "Budrus,31.967,34.994,Ramallah and al-Bireh,wiki-budrus\n"
    path = write(tmp_path, "villages.csv", VILLAGES_HEADER + row + row)
    with pytest.raises(DataFileError, match=r"villages\.csv:3: village 'Budrus' is listed twice"):
        load_villages(path)


def test_unknown_village_in_events_names_file_and_line(
    tmp_path: Path, villages: list[Village]
) -> None:
    path = write(tmp_path, "village-events.csv", EVENTS_HEADER
                 + "2003-11,Budrus,Civil resistance begins,tf-budrus\n"
                 + "2005,Atlantis,Something happens,wiki-bilin\n")
    with pytest.raises(DataFileError, match=r"village-events\.csv:3: column 'village'.*Atlantis"):
        load_village_events(path, villages)


def test_bad_date_and_missing_event_column(tmp_path: Path, villages: list[Village]) -> None:
    bad_date = write(tmp_path, "a.csv", EVENTS_HEADER + "2003/11,Budrus,Begins,tf-budrus\n")
    with pytest.raises(DataFileError, match=r"a\.csv:2: column 'date'"):
        load_village_events(bad_date, villages)
    no_event = write(tmp_path, "b.csv", "date,village,sources\n2003-11,Budrus,tf-budrus\n")
    with pytest.raises(DataFileError, match=r"b\.csv:1: header.*missing \['event'\]"):
        load_village_events(no_event, villages)
    no_keys = write(tmp_path, "c.csv", EVENTS_HEADER + "2003-11,Budrus,Begins, \n")
    with pytest.raises(DataFileError, match=r"c\.csv:2: column 'sources'"):
        load_village_events(no_keys, villages)


# --- figures -----------------------------------------------------------------------


def test_locator_figure_has_alt_text_stating_the_point(villages: list[Village]) -> None:
    fig = locator_figure(villages, REFERENCE_POINTS)
    assert isinstance(fig, AccessibleFigure)
    assert fig.png.startswith(b"\x89PNG")
    assert "Kafr Qaddum is the northernmost" in fig.alt
    assert "Biddu the southernmost" in fig.alt
    assert "43 km" in fig.alt
    assert 'alt="' in fig._repr_html_()


def test_combined_timeline_has_alt_text() -> None:
    fig = combined_timeline()
    assert isinstance(fig, AccessibleFigure)
    assert fig.png.startswith(b"\x89PNG")
    assert "one after another" in fig.alt
    assert "Budrus November 2003" in fig.alt and "Kafr Qaddum July 2011" in fig.alt
    assert fig.caption


def test_village_timeline(villages: list[Village]) -> None:
    fig = village_timeline("Ni'lin")
    assert "Ni'lin" in fig.alt and "Ahmed Mousa" in fig.alt
    with pytest.raises(ValueError, match="no events for 'Atlantis'"):
        village_timeline("Atlantis")


def test_empty_inputs_rejected() -> None:
    with pytest.raises(ValueError):
        locator_figure([])
    with pytest.raises(ValueError):
        combined_timeline([], [])
