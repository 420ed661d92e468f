"""The land and its history: a locator figure and a phone-width timeline.

Two data files back the chapter *The land and its history, 1947 to today*:

- ``coursekit/data/context-places.csv`` — towns, cities and villages with their
  rounded coordinates (fact sheet sections 8.6 and 2.1, from the Wikipedia
  articles), the region the fact sheet names, where to put each label, an
  optional note and citation keys;
- ``coursekit/data/context-timeline.csv`` — dated events from 1947 to today, in
  the same ``date,event,sources`` format as ``ism-timeline.csv``.

The loaders check the files as they read them and raise
:class:`~coursekit.datafiles.DataFileError` naming the file, the line and the
problem. The figures are drawn from these files alone: points and labels only,
no borders, no map tiles, nothing fetched from the network. Both are tall and
narrow so that they stay legible on a phone.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from .datafiles import DataFileError, data_path, load_table, non_empty, source_keys
from .figures import PALETTE, AccessibleFigure, new_figure, plt, show
from .text import is_rtl, joined, text_style, tr
from .timeline import Event, load_events
from .villages import _coordinate as _box_coordinate

# A generous box around the West Bank and the Gaza Strip, in decimal degrees north and
# east. Rafah (about 34.26 E, 31.27 N) is the south-western corner of the places on the
# fact sheet; Jenin (about 32.46 N) the northernmost; Jericho (about 35.46 E) the
# easternmost. The box is a sanity check, not a border: it catches latitude and
# longitude swapped, a lost digit, or a longitude printed with "W" (a negative number),
# errors the fact sheet found on mirror sites (sections 2.1 and 8.6).
LAT_RANGE: tuple[float, float] = (31.1, 32.7)
LON_RANGE: tuple[float, float] = (34.1, 35.7)

#: The kinds of place the file may hold, and the marker each is drawn with.
KINDS: dict[str, str] = {"town or city": "o", "village": "^"}
#: Regions as the fact sheet names them. Jerusalem is its own value because its status
#: is disputed (fact sheet 8.6): the figure labels it "Jerusalem" and nothing more.
REGIONS: tuple[str, ...] = ("West Bank", "Gaza Strip", "Jerusalem")
#: Where a label sits relative to its point.
LABEL_SIDES: tuple[str, ...] = ("left", "right", "above", "below")

#: The first year the chapter's timeline covers.
FIRST_YEAR = 1947

#: Mean radius of the Earth in kilometres, for the scale bar.
EARTH_RADIUS_KM = 6371.0

#: The area enlarged in the lower panel of the locator figure: the villages west and
#: north-west of Ramallah and Jerusalem, (south, north, west, east) in degrees.
ZOOM_BOX: tuple[float, float, float, float] = (31.74, 32.06, 34.94, 35.235)
#: Places inside :data:`ZOOM_BOX` that the upper panel still labels (the villages there are
#: labelled only in the enlarged panel). Ramallah is left out: at phone size its label would
#: cover Jericho's marker or the villages, and the enlarged panel names it.
OVERVIEW_LABELS_IN_ZOOM: tuple[str, ...] = ("Jerusalem",)


@dataclass(frozen=True)
class Place:
    """One place on the locator figure, with its rounded coordinates and sources."""

    name: str
    kind: str
    region: str
    latitude: float
    longitude: float
    label_side: str
    note: str
    sources: tuple[str, ...]


def _coordinate(low: float, high: float, what: str) -> Callable[[str], float]:
    """Return a parser for a decimal coordinate that must lie in ``[low, high]``."""
    return _box_coordinate(low, high, what, box="the box around the West Bank and Gaza")


def _one_of(allowed: Sequence[str], what: str) -> Callable[[str], str]:
    """Return a parser that accepts only the values in ``allowed``."""

    def parse(text: str) -> str:
        if text not in allowed:
            raise ValueError(f"unknown {what} {text!r}; use one of: {', '.join(allowed)}")
        return text

    return parse


def load_places(path: str | Path | None = None) -> list[Place]:
    """Load the places (default: ``coursekit/data/context-places.csv``), in file order.

    Raises :class:`DataFileError` naming the file and line for a wrong header, a
    coordinate that is not a number or lies outside :data:`LAT_RANGE` /
    :data:`LON_RANGE`, an unknown kind, region or label side, a row without
    source keys, or a place listed twice. The ``note`` column may be empty.
    """
    path = Path(path) if path is not None else data_path("context-places.csv")
    rows = load_table(
        path,
        {
            "place": non_empty,
            "kind": _one_of(tuple(KINDS), "kind"),
            "region": _one_of(REGIONS, "region"),
            "latitude": _coordinate(*LAT_RANGE, "latitude"),
            "longitude": _coordinate(*LON_RANGE, "longitude"),
            "label_side": _one_of(LABEL_SIDES, "label side"),
            "note": str,
            "sources": source_keys,
        },
    )
    places: list[Place] = []
    seen: set[str] = set()
    # load_table allows no blank lines, so data row i sits on line i + 2.
    for lineno, r in enumerate(rows, start=2):
        if r["place"] in seen:
            raise DataFileError(f"{path}:{lineno}: place {r['place']!r} is listed twice")
        seen.add(r["place"])
        places.append(Place(r["place"], r["kind"], r["region"], r["latitude"], r["longitude"],
                            r["label_side"], r["note"], r["sources"]))
    return places


def load_context_events(path: str | Path | None = None, today: date | None = None) -> list[Event]:
    """Load the chapter's dated events (default: ``coursekit/data/context-timeline.csv``).

    Uses :func:`coursekit.timeline.load_events` (same format and checks), then
    checks that every date is plausible for this chapter: not before
    :data:`FIRST_YEAR` and not after ``today`` (default: the current date).
    Raises :class:`DataFileError` naming the file and the event otherwise.
    """
    path = Path(path) if path is not None else data_path("context-timeline.csv")
    today = today or date.today()
    events = load_events(path)
    for e in events:
        if e.when.year < FIRST_YEAR:
            raise DataFileError(
                f"{path}: event {e.event!r} is dated {e.when}, before {FIRST_YEAR}, "
                "where this timeline starts"
            )
        if e.when.as_date() > today:
            raise DataFileError(f"{path}: event {e.event!r} is dated {e.when}, in the future")
    return events


# --- the locator figure ---------------------------------------------------------------

def _km_per_degree_lon(latitude: float) -> float:
    return math.radians(1) * EARTH_RADIUS_KM * math.cos(math.radians(latitude))


def _in_box(p: Place, box: tuple[float, float, float, float]) -> bool:
    south, north, west, east = box
    return south <= p.latitude <= north and west <= p.longitude <= east


_OFFSETS = {"left": ((-8, 0), "right", "center"), "right": ((8, 0), "left", "center"),
            "above": ((0, 8), "center", "bottom"), "below": ((0, -8), "center", "top")}


def _plot_places(ax: Axes, places: Sequence[Place], labelled: Callable[[Place], bool],
                 fontsize: float) -> None:
    """Draw each place's marker, and its label where ``labelled`` says so."""
    for p in places:
        village = p.kind == "village"
        ax.plot(p.longitude, p.latitude, linestyle="none", marker=KINDS[p.kind],
                markersize=9 if village else 8, markeredgecolor="black", markeredgewidth=1,
                markerfacecolor="white" if village else PALETTE[0], zorder=3)
        if labelled(p):
            offset, ha, va = _OFFSETS[p.label_side]
            ax.annotate(tr(p.name), (p.longitude, p.latitude), xytext=offset,
                        textcoords="offset points", ha=ha, va=va, fontsize=fontsize, zorder=4)


def _frame(ax: Axes, box: tuple[float, float, float, float], scale_km: int,
           scale_corner: str = "right", north_corner: str = "right") -> None:
    """Set limits, an equal-distance aspect ratio, a light frame, a scale bar and a north arrow
    (each in the lower or upper left or right corner, as asked).

    No degree ticks are drawn: they would cost width on a phone and say little to most
    readers; the scale bar (lower left or right) gives distances instead.
    """
    south, north, west, east = box
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    mid_lat = (south + north) / 2
    ax.set_aspect(1 / math.cos(math.radians(mid_lat)))
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color("#bbbbbb")
    length = scale_km / _km_per_degree_lon(mid_lat)
    if scale_corner == "right":
        x1 = east - (east - west) * 0.05
        x0 = x1 - length
    else:
        x0 = west + (east - west) * 0.05
        x1 = x0 + length
    y = south + (north - south) * 0.04
    ax.plot([x0, x1], [y, y], color="black", linewidth=3, solid_capstyle="butt")
    ax.annotate(tr("{n} km", n=scale_km), ((x0 + x1) / 2, y), xytext=(0, 4), textcoords="offset points",
                ha="center", va="bottom", fontsize=12)
    ax.annotate(tr("N"), (0.95 if north_corner == "right" else 0.07, 0.97), xycoords="axes fraction", xytext=(0, -26),
                textcoords="offset points", ha="center", va="top", fontsize=12,
                arrowprops={"arrowstyle": "-|>", "color": "black", "linewidth": 1})


def locator_alt(places: Sequence[Place]) -> str:
    """Alt text for the locator figure, computed from the data so it stays true."""
    north = max(places, key=lambda p: p.latitude)
    gaza = [tr(p.name) for p in places if p.region == "Gaza Strip"]
    zoomed = [tr(p.name) for p in places if p.kind == "village" and _in_box(p, ZOOM_BOX)]
    parts = [tr("Two stacked plots of {n} places by latitude and longitude, with no borders drawn. "
                "The upper plot shows the whole area: {north} is the northernmost place",
                n=len(places), north=tr(north.name))]
    if gaza:
        parts.append(tr(", and {gaza}, in the Gaza Strip, lie far to the south-west, apart from "
                        "the West Bank places", gaza=tr(" and ").join(gaza)))
    parts.append(tr(". "))
    if zoomed:
        parts.append(tr("The lower plot enlarges the area around Ramallah and Jerusalem, where the "
                        "villages {some} and {last} lie within a few kilometres of one another, "
                        "west and north-west of Ramallah.",
                        some=tr(", ").join(zoomed[:-1]), last=zoomed[-1]))
    return joined(parts)


def locator_figure(places: Sequence[Place] | None = None) -> AccessibleFigure:
    """Plot the places by longitude and latitude, labelled directly: points and labels only.

    The upper panel shows every place; the lower panel enlarges :data:`ZOOM_BOX`,
    whose villages would otherwise overlap. Towns and cities are filled circles,
    villages hollow triangles, so the figure reads in grayscale. Each panel uses
    a cosine-of-latitude aspect ratio (a kilometre east looks as long as a
    kilometre north) and has a scale bar.
    """
    places = list(places) if places is not None else load_places()
    if not places:
        raise ValueError("the locator figure needs at least one place")
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(3.9, 8.8), dpi=100,
                                      gridspec_kw={"height_ratios": [1.3, 1]})
    lats = [p.latitude for p in places]
    lons = [p.longitude for p in places]
    pad = 0.08
    whole = (min(lats) - pad, max(lats) + pad, min(lons) - pad, max(lons) + pad * 4)
    in_zoom = [p for p in places if _in_box(p, ZOOM_BOX)]
    # In the overview, label the places outside the enlarged box, plus those listed.
    _plot_places(top, places,
                 lambda p: not _in_box(p, ZOOM_BOX) or p.name in OVERVIEW_LABELS_IN_ZOOM, 12)
    _frame(top, whole, 20)
    south, north, west, east = ZOOM_BOX
    top.add_patch(Rectangle((west, south), east - west, north - south, fill=False,
                            linestyle="--", linewidth=1, edgecolor="black", zorder=2))
    top.annotate(tr("enlarged\nbelow"), (west, (south + north) / 2), xytext=(-4, 0),
                 textcoords="offset points", ha="right", va="center", fontsize=11,
                 style=text_style())
    # Region names as text beside their places (not borders): Gaza's above its
    # northernmost place, the West Bank's below its southernmost.
    for region, above in (("West Bank", False), ("Gaza Strip", True)):
        mine = [p for p in places if p.region == region]
        if mine:
            lat = max(p.latitude for p in mine) if above else min(p.latitude for p in mine)
            top.annotate(tr(region), (min(p.longitude for p in mine), lat),
                         xytext=(0, 10 if above else -10), textcoords="offset points",
                         ha="left", va="bottom" if above else "top", fontsize=12,
                         style=text_style(), color="#444444")
    side = "right" if is_rtl() else "left"
    top.set_title(tr("The places this course names"), loc=side, fontsize=13)
    _plot_places(bottom, in_zoom or places, lambda p: True, 13)
    _frame(bottom, ZOOM_BOX, 5, scale_corner="left", north_corner="left")
    bottom.set_title(tr("Enlarged: near Ramallah"), loc=side, fontsize=13)
    fig.subplots_adjust(hspace=0.12)
    return show(
        fig,
        alt=locator_alt(places),
        caption=tr("Filled circles: towns and cities; hollow triangles: villages; north is up. "
                   "Points are plotted from the rounded coordinates in the course file context-places.csv, "
                   "taken from the places' Wikipedia articles as cited in the text; no borders or map "
                   "background are drawn. Jerusalem is labelled by name only, because its status is disputed."),
    )


# --- the phone-width timeline ---------------------------------------------------------

def vertical_timeline(events: Sequence[Event], title: str, alt: str, caption: str,
                      wrap: int = 30) -> AccessibleFigure:
    """Draw ``events`` on a vertical time axis with labels in evenly spaced rows beside it.

    The narrow axis on the left is to scale (earliest at the top); a thin leader
    line joins each event's point on it to its label, so crowded years stay
    readable. Labels are wrapped to ``wrap`` characters. The figure is about
    430 px wide, so it stays legible on a phone (``timeline_figure`` in
    :mod:`coursekit.timeline` is drawn for wider screens).
    """
    if not events:
        raise ValueError("a timeline needs at least one event")
    events = sorted(events, key=lambda e: e.when)
    labels = [textwrap.fill(f"{e.when}: {tr(e.event)}", wrap) for e in events]
    # Right to left (Arabic): mirrored, the time axis on the right and the labels to its left.
    m = -1 if is_rtl() else 1
    near, far = ("left", "right") if m < 0 else ("right", "left")
    lines = [lbl.count("\n") + 1 for lbl in labels]
    total = sum(lines) + 0.9 * len(lines)  # label rows, with a gap between them
    fig, ax = new_figure(4.3, 0.9 + 0.24 * total)
    years = [e.when.as_date().toordinal() for e in events]
    first, last = min(years), max(years)
    span = (last - first) or 365

    def axis_y(ordinal: int) -> float:
        return total * (1 - (ordinal - first) / span)

    # The label rows, top to bottom, each centred on its block of lines.
    row_y: list[float] = []
    cursor = total
    for n in lines:
        row_y.append(cursor - n / 2)
        cursor -= n + 0.9
    ax.plot([0, 0], [axis_y(first), axis_y(last)], color="black", linewidth=1.5)
    for year in range(date.fromordinal(first).year // 10 * 10 + 10, date.fromordinal(last).year + 1, 10):
        y = axis_y(date(year, 1, 1).toordinal())
        ax.plot([-0.12 * m, 0], [y, y], color="black", linewidth=1)
        ax.annotate(str(year), (-0.16 * m, y), ha=near, va="center", fontsize=11)
    for ev_y, lbl_y, label in zip((axis_y(y) for y in years), row_y, labels, strict=True):
        ax.plot([0], [ev_y], marker="o", markersize=5, color=PALETTE[0])
        ax.plot([0, 0.5 * m, 0.75 * m], [ev_y, lbl_y, lbl_y], color="#888888", linewidth=0.7)
        ax.annotate(label, (0.82 * m, lbl_y), ha=far, va="center", fontsize=11, linespacing=1.1)
    ax.set_xlim(*sorted((-0.75 * m, 4.6 * m)))
    ax.set_ylim(-0.6, total + 0.6)
    ax.axis("off")
    ax.set_title(title, loc=far, fontsize=12)
    return show(fig, alt=alt, caption=caption)


def periods(events: Sequence[Event], gap_years: int = 3) -> list[tuple[int, int]]:
    """Group the events' years into periods: a new period starts after a gap of more
    than ``gap_years`` years with no event. Returns (first year, last year) pairs."""
    years = sorted({e.when.year for e in events})
    out: list[list[int]] = []
    for y in years:
        if out and y - out[-1][1] <= gap_years:
            out[-1][1] = y
        else:
            out.append([y, y])
    return [(a, b) for a, b in out]


def timeline_alt(events: Sequence[Event]) -> str:
    """Alt text for the chapter's timeline, computed from the events."""
    events = sorted(events, key=lambda e: e.when)
    spans = [str(a) if a == b else tr("{a} to {b}", a=a, b=b) for a, b in periods(events)]
    listed = tr(", ").join(spans[:-1]) + tr(" and ") + spans[-1] if len(spans) > 1 else spans[0]
    return tr("Vertical timeline of {n} events from {first} to {last}, earliest at the top, drawn "
              "to scale on the {side}. The events fall in {periods} periods with quieter years "
              "between them: {listed}. First: {first_event}. Last: {last_event}.",
              n=len(events), first=events[0].when, last=events[-1].when,
              side=(tr("right"), tr("left"))[0 if is_rtl() else 1], periods=len(spans), listed=listed,
              first_event=tr(events[0].event), last_event=tr(events[-1].event))


def context_timeline(events: Sequence[Event] | None = None) -> AccessibleFigure:
    """The chapter's timeline, drawn from ``context-timeline.csv`` with computed alt text."""
    events = list(events) if events is not None else load_context_events()
    if not events:
        raise ValueError("a timeline needs at least one event")
    return vertical_timeline(
        events,
        title=tr("The land and its history: selected events"),
        alt=timeline_alt(events),
        caption=tr("Selected dated events from the course file context-timeline.csv, each with "
                   "its sources in the table that follows. The axis on the {side} is to scale; the "
                   "labels are spaced evenly so that crowded years stay readable.",
                   side=(tr("right"), tr("left"))[0 if is_rtl() else 1]),
    )
