"""The six village case studies: locations, dated events and two figures.

Two data files back the chapter *Village popular resistance: case studies*:

- ``coursekit/data/villages.csv`` — one row per village with its rounded
  coordinates (from the Wikipedia village articles, as on the course fact sheet),
  governorate and citation keys;
- ``coursekit/data/village-events.csv`` — dated events, each tied to one of
  those villages and to its citation keys.

The loaders check the files as they read them and raise
:class:`~coursekit.datafiles.DataFileError` naming the file, the line and the
problem. The figures are drawn by code from these files alone: no map tiles,
nothing fetched from the network.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib.dates import date2num
from matplotlib.ticker import MaxNLocator

from .datafiles import DataFileError, data_path, load_table, non_empty, source_keys
from .figures import PALETTE, PHONE_MIN_POINTS, AccessibleFigure, new_figure, phone_figure, show
from .text import is_rtl, text_style, tr
from .timeline import Event, PartialDate, timeline_figure

# A deliberately generous box around the West Bank, in decimal degrees north and east.
# The territory runs roughly from the Hebron hills (about 31.3 N) to north of Jenin
# (about 32.6 N), and from the 1949 armistice line (about 34.85 E) to the Jordan River
# (about 35.6 E). The box is a sanity check, not a border: it catches latitude and
# longitude swapped, a lost digit, or a longitude printed as "W" (a negative number),
# the error some mirror sites make for Bil'in and Ni'lin (fact sheet, section 2.1).
LAT_RANGE: tuple[float, float] = (31.3, 32.6)
LON_RANGE: tuple[float, float] = (34.8, 35.6)

#: Optional reference points for the locator figure. Only places whose coordinates
#: are on the course fact sheet (section 2.1) may appear here, each with its key.
#: Beita is where ISM volunteer Ayşenur Ezgi Eygi was killed in 2024 (fact sheet 1.4).
REFERENCE_POINTS: dict[str, tuple[float, float, str]] = {
    "Beita": (32.144, 35.288, "wiki-beita"),
}

#: Mean radius of the Earth in kilometres, for great-circle distances.
EARTH_RADIUS_KM = 6371.0

# Marker shapes paired with the palette so each village stays distinct in grayscale.
_MARKERS = ("o", "s", "^", "D", "v", "P")


@dataclass(frozen=True)
class Village:
    """One village: its name, rounded coordinates, governorate and citation keys."""

    name: str
    latitude: float
    longitude: float
    governorate: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class VillageEvent:
    """One dated event in one village, with the citation keys that support it."""

    when: PartialDate
    village: str
    event: str
    sources: tuple[str, ...]

    def as_event(self, with_village: bool = True) -> Event:
        """Convert to a :class:`coursekit.timeline.Event` (text prefixed by the village)."""
        text = (tr("{village}: {event}", village=tr(self.village), event=tr(self.event))
                if with_village else tr(self.event))
        return Event(self.when, text, self.sources)


def _coordinate(low: float, high: float, what: str,
                box: str = "the West Bank box") -> Callable[[str], float]:
    """Return a parser for a decimal coordinate that must lie in ``[low, high]`` (``box`` names
    the area in the error message)."""

    def parse(text: str) -> float:
        value = float(text)  # raises ValueError for text that is not a number
        if not math.isfinite(value) or not low <= value <= high:
            raise ValueError(
                f"{what} {value} is outside {box} {low}–{high} "
                "(swapped latitude and longitude, or a W/S sign?)"
            )
        return value

    return parse


def _known_village(names: Iterable[str]) -> Callable[[str], str]:
    """Return a parser that accepts only the village names in ``names``."""
    known = tuple(names)

    def parse(text: str) -> str:
        if text not in known:
            raise ValueError(f"unknown village {text!r}; villages.csv lists: {', '.join(known)}")
        return text

    return parse


def load_villages(path: str | Path | None = None) -> list[Village]:
    """Load the villages (default: ``coursekit/data/villages.csv``), in file order.

    Raises :class:`DataFileError` naming the file and line for a missing column,
    a coordinate that is not a number or lies outside the West Bank box
    (:data:`LAT_RANGE`, :data:`LON_RANGE`), a row without source keys, or a
    village listed twice.
    """
    path = Path(path) if path is not None else data_path("villages.csv")
    rows = load_table(
        path,
        {
            "village": non_empty,
            "latitude": _coordinate(*LAT_RANGE, "latitude"),
            "longitude": _coordinate(*LON_RANGE, "longitude"),
            "governorate": non_empty,
            "sources": source_keys,
        },
    )
    villages: list[Village] = []
    seen: set[str] = set()
    # load_table allows no blank lines, so data row i sits on line i + 2.
    for lineno, r in enumerate(rows, start=2):
        if r["village"] in seen:
            raise DataFileError(f"{path}:{lineno}: village {r['village']!r} is listed twice")
        seen.add(r["village"])
        villages.append(
            Village(r["village"], r["latitude"], r["longitude"], r["governorate"], r["sources"])
        )
    return villages


def load_village_events(
    path: str | Path | None = None, villages: Sequence[Village] | None = None
) -> list[VillageEvent]:
    """Load dated village events (default: ``coursekit/data/village-events.csv``).

    Every event's village must be one of ``villages`` (default: those in
    ``villages.csv``); dates are ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; every
    row needs at least one source key. Problems raise :class:`DataFileError`
    naming the file and line. Events come back sorted by date, then village.
    """
    if villages is None:
        villages = load_villages()
    rows = load_table(
        path if path is not None else data_path("village-events.csv"),
        {
            "date": PartialDate.parse,
            "village": _known_village(v.name for v in villages),
            "event": non_empty,
            "sources": source_keys,
        },
    )
    events = [VillageEvent(r["date"], r["village"], r["event"], r["sources"]) for r in rows]
    return sorted(events, key=lambda e: (e.when.as_date(), e.village))


def distance_km(a: Village, b: Village) -> float:
    """Great-circle distance between two villages in kilometres (haversine formula).

    The coordinates are rounded to three decimals, so treat the result as
    good to about a hundred metres.
    """
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def first_events(events: Iterable[VillageEvent]) -> dict[str, VillageEvent]:
    """The earliest dated event for each village, in order of that date."""
    first: dict[str, VillageEvent] = {}
    for ev in sorted(events, key=lambda e: e.when.as_date()):
        first.setdefault(ev.village, ev)
    return first


def locator_alt(villages: Sequence[Village]) -> str:
    """Alt text for the locator figure, computed from the data so it stays true."""
    north = max(villages, key=lambda v: v.latitude)
    south = min(villages, key=lambda v: v.latitude)
    west = sorted(villages, key=lambda v: v.longitude)[:2]
    far = max(distance_km(a, b) for a in villages for b in villages)
    return tr("Scatter plot of the {n} villages by longitude and latitude: all lie within about "
              "{km} km of one another. {north} is the northernmost and {south} the southernmost; "
              "{west1} and {west2} are the westernmost.", n=len(villages), km=round(far),
              north=tr(north.name), south=tr(south.name), west1=tr(west[0].name), west2=tr(west[1].name))


def locator_figure(
    villages: Sequence[Village] | None = None,
    reference_points: dict[str, tuple[float, float, str]] | None = None,
) -> AccessibleFigure:
    """Plot the villages by longitude and latitude, labelled directly. No map tiles.

    The axes use a cosine-of-latitude aspect ratio so that a kilometre east
    looks as long as a kilometre north, and a 10 km scale bar is drawn.
    ``reference_points`` (default: none) maps a name to ``(lat, lon, key)``;
    :data:`REFERENCE_POINTS` holds the ones the fact sheet supports.
    """
    villages = list(villages) if villages is not None else load_villages()
    if not villages:
        raise ValueError("the locator figure needs at least one village")
    refs = reference_points or {}
    keys = sorted({k for v in villages for k in v.sources} | {p[2] for p in refs.values()})
    return show(
        _draw_locator(villages, refs, phone=False),
        alt=locator_alt(villages),
        caption=tr("The case-study villages plotted from their rounded coordinates; no map "
                   "background is drawn. Coordinates: {keys}.", keys=tr(", ").join(keys)),
        phone=_draw_locator(villages, refs, phone=True),
    )


def _draw_locator(villages: list[Village], refs: dict[str, tuple[float, float, str]],
                  phone: bool):
    """The locator chart, wide (6 x 6.5 in) or for a phone (3.6 in wide, 10-pt text at least)."""
    small = PHONE_MIN_POINTS if phone else 9
    label = PHONE_MIN_POINTS + 1 if phone else 11
    fig, ax = phone_figure(4.6) if phone else new_figure(6.0, 6.5)
    mid_lon = sorted(v.longitude for v in villages)[len(villages) // 2]
    for i, v in enumerate(villages):
        ax.plot(v.longitude, v.latitude, linestyle="none", marker=_MARKERS[i % len(_MARKERS)],
                markersize=9, color=PALETTE[0], markerfacecolor=PALETTE[i % 3],
                markeredgecolor="black")
        left = v.longitude < mid_lon
        ax.annotate(tr(v.name), (v.longitude, v.latitude), xytext=(-9 if left else 9, 0),
                    textcoords="offset points", ha="right" if left else "left",
                    va="center", fontsize=label)
    for name, (lat, lon, _key) in refs.items():
        ax.plot(lon, lat, linestyle="none", marker="x", markersize=8, color="black")
        ax.annotate(tr("{name} (reference)", name=tr(name)), (lon, lat), xytext=(0, -12),
                    textcoords="offset points", ha="center", va="top", fontsize=small,
                    style=text_style())
    lats = [v.latitude for v in villages] + [p[0] for p in refs.values()]
    lons = [v.longitude for v in villages] + [p[1] for p in refs.values()]
    pad = 0.06
    ax.set_xlim(min(lons) - pad * 2, max(lons) + pad * 2)
    ax.set_ylim(min(lats) - pad, max(lats) + pad)
    mean_lat = sum(lats) / len(lats)
    ax.set_aspect(1 / math.cos(math.radians(mean_lat)))
    # A 10 km scale bar in the lower right, in degrees of longitude at this latitude.
    km_per_deg_lon = math.radians(1) * EARTH_RADIUS_KM * math.cos(math.radians(mean_lat))
    x1 = max(lons) + pad
    x0 = x1 - 10 / km_per_deg_lon
    y = min(lats) - pad / 2
    ax.plot([x0, x1], [y, y], color="black", linewidth=3)
    ax.annotate(tr("{n} km", n=10), ((x0 + x1) / 2, y), xytext=(0, 4), textcoords="offset points",
                ha="center", va="bottom", fontsize=small)
    ax.set_xlabel(tr("Longitude (degrees east)"), fontsize=label)
    ax.set_ylabel(tr("Latitude (degrees north)"), fontsize=label)
    ax.grid(True, color="#dddddd", linewidth=0.6)
    side = "right" if is_rtl() else "left"
    if phone:
        ax.set_title(tr("Where the six villages are\n(rounded coordinates)"), loc=side, fontsize=label)
        ax.xaxis.set_major_locator(MaxNLocator(3))
    else:
        ax.set_title(tr("Where the six villages are (rounded coordinates)"), loc=side)
    return fig


def timeline_alt(events: Sequence[VillageEvent]) -> str:
    """Alt text for the combined timeline, computed from the events."""
    firsts = first_events(events)
    order = tr("; ").join(f"{tr(name)} {ev.when}" for name, ev in firsts.items())
    years = sorted(e.when.year for e in events)
    return tr("Timeline with one row per village, {n} dated events from {first} to {last}. The "
              "campaigns began one after another rather than all at once; first dated event in "
              "each village: {order}.", n=len(events), first=years[0], last=years[-1], order=order)


def combined_timeline(
    events: Sequence[VillageEvent] | None = None, villages: Sequence[Village] | None = None
) -> AccessibleFigure:
    """Draw every village's dated events on one time axis, one row per village.

    Rows follow the order of each village's first event; each village has its
    own marker shape so the chart reads in grayscale. Events known only to the
    year or month are drawn at the first day they could mean, with a hollow
    marker; events known to the day have a filled marker.
    """
    villages = list(villages) if villages is not None else load_villages()
    events = list(events) if events is not None else load_village_events(villages=villages)
    if not events:
        raise ValueError("a timeline needs at least one event")
    return show(
        _draw_combined(events, phone=False),
        alt=timeline_alt(events),
        caption=tr("Dated events in the six villages from the course data file "
                   "village-events.csv; every event carries its citation keys there. "
                   "The grey line joins a village's first and last dated events; it does not mean "
                   "protests ran without a break."),
        phone=_draw_combined(events, phone=True),
    )


def _draw_combined(events: list[VillageEvent], phone: bool):
    """The combined timeline, wide (8 in) or for a phone (3.6 in, fewer year ticks, 10-pt text)."""
    order = list(first_events(events))
    if phone:
        fig, ax = phone_figure(1.3 + 0.5 * len(order))
    else:
        fig, ax = new_figure(8.0, 0.9 + 0.55 * len(order))
    for row, name in enumerate(order):
        y = len(order) - row
        mine = [e for e in events if e.village == name]
        xs = [date2num(e.when.as_date()) for e in mine]
        ax.plot([min(xs), max(xs)], [y, y], color="#bbbbbb", linewidth=1, zorder=1)
        for x, e in zip(xs, mine, strict=True):
            exact = e.when.day is not None
            ax.plot(x, y, linestyle="none", marker=_MARKERS[row % len(_MARKERS)], markersize=8,
                    markeredgecolor=PALETTE[0], zorder=2,
                    markerfacecolor=PALETTE[0] if exact else "white")
    ax.set_yticks(range(len(order), 0, -1), [tr(name) for name in order])
    ax.tick_params(axis="y", length=0, labelsize=PHONE_MIN_POINTS if phone else 11)
    ax.spines["left"].set_visible(False)
    ax.xaxis_date()
    ax.set_ylim(0.4, len(order) + 0.6)
    ax.grid(True, axis="x", color="#dddddd", linewidth=0.6)
    if phone:
        from matplotlib.dates import AutoDateLocator
        ax.xaxis.set_major_locator(AutoDateLocator(maxticks=4))
        ax.set_title(tr("Dated events by village\n(filled marker: exact day known)"),
                     loc="right" if is_rtl() else "left", fontsize=PHONE_MIN_POINTS + 1)
    else:
        ax.set_title(tr("Dated events by village (filled marker: exact day known)"),
                     loc="right" if is_rtl() else "left")
    return fig


def village_timeline(name: str, events: Sequence[VillageEvent] | None = None) -> AccessibleFigure:
    """A labelled timeline of one village's events, drawn with :func:`timeline_figure`."""
    events = list(events) if events is not None else load_village_events()
    mine = [e for e in events if e.village == name]
    if not mine:
        known = sorted({e.village for e in events})
        raise ValueError(f"no events for {name!r}; villages with events: {', '.join(known)}")
    return timeline_figure(
        [e.as_event(with_village=False) for e in mine],
        title=tr("{name}: dated events", name=tr(name)),
        alt=tr("Timeline of {n} dated events in {name}, from {first} to {last}: {events}",
               n=len(mine), name=tr(name), first=mine[0].when, last=mine[-1].when,
               events=tr("; ").join(tr("{when}, {event}", when=e.when, event=tr(e.event)) for e in mine)),
        caption=tr("Dated events in {name}, from village-events.csv with their citation keys.",
                   name=tr(name)),
    )
