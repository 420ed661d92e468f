"""Dated events from the course's data files, and a timeline figure."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from datetime import date
from functools import total_ordering
from pathlib import Path

from matplotlib.dates import date2num

from .datafiles import data_path, load_table, non_empty, source_keys
from .figures import PHONE_MIN_POINTS, AccessibleFigure, new_figure, phone_figure, show
from .text import is_rtl, language, tr

#: Month names as the Arabic edition writes dates: the Levantine name, then the Egyptian one
#: in brackets (as the translated pages do, e.g. "6 أيلول (سبتمبر) 2010").
ARABIC_MONTHS = ("كانون الثاني (يناير)", "شباط (فبراير)", "آذار (مارس)", "نيسان (أبريل)",
                 "أيار (مايو)", "حزيران (يونيو)", "تموز (يوليو)", "آب (أغسطس)",
                 "أيلول (سبتمبر)", "تشرين الأول (أكتوبر)", "تشرين الثاني (نوفمبر)",
                 "كانون الأول (ديسمبر)")

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


@total_ordering
@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, the month or the day (sources differ in precision).

    Dates sort by their first possible day, a coarser date before a finer one on ties.
    """

    year: int
    month: int | None = None
    day: int | None = None

    def _key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() < other._key()

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; raise ``ValueError`` otherwise."""
        m = _DATE.match(text.strip())
        if not m:
            raise ValueError("dates are written YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = (int(g) if g else None for g in m.groups())
        date(year, month or 1, day or 1)  # validates month and day ranges
        return cls(year, month, day)  # type: ignore[arg-type]

    def as_date(self) -> date:
        """The first day the partial date could mean (for plotting)."""
        return date(self.year, self.month or 1, self.day or 1)

    def __str__(self) -> str:
        months = "January February March April May June July August September October November December".split()
        if language() == "ar":
            months = list(ARABIC_MONTHS)
        if self.month is None:
            return str(self.year)
        if self.day is None:
            return f"{months[self.month - 1]} {self.year}"
        return f"{self.day} {months[self.month - 1]} {self.year}"


@dataclass(frozen=True)
class Event:
    """One dated event with the citation keys that support it."""

    when: PartialDate
    event: str
    sources: tuple[str, ...]


def load_events(path: str | Path | None = None) -> list[Event]:
    """Load dated events (default: the ISM timeline shipped with the course), sorted by date."""
    rows = load_table(
        path or data_path("ism-timeline.csv"),
        {"date": PartialDate.parse, "event": non_empty, "sources": source_keys},
    )
    return sorted((Event(r["date"], r["event"], r["sources"]) for r in rows), key=lambda e: e.when)


def timeline_figure(events: list[Event], title: str, alt: str, caption: str) -> AccessibleFigure:
    """Draw ``events`` on a horizontal time axis, labels alternating above and below."""
    if not events:
        raise ValueError("a timeline needs at least one event")
    title, alt, caption = tr(title), tr(alt), tr(caption)
    fig, ax = new_figure(8, 0.9 + 0.42 * len(events))
    xs = [date2num(e.when.as_date()) for e in events]
    middle = (min(xs) + max(xs)) / 2
    for i, (x, ev) in enumerate(zip(xs, events, strict=True)):
        y = len(events) - i
        ax.plot([x], [y], marker="o", color="#1b3a4b")
        right_half = x > middle  # label towards the centre so it stays inside the figure
        ax.annotate(f"{ev.when}: {tr(ev.event)}", (x, y), xytext=(-8 if right_half else 8, 0),
                    textcoords="offset points", va="center", fontsize=9,
                    ha="right" if right_half else "left")
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.xaxis_date()
    ax.set_ylim(0.3, len(events) + 0.7)
    span = max(xs) - min(xs) or 365
    ax.set_xlim(min(xs) - span * 0.04, max(xs) + span * 0.04)
    ax.set_title(title, loc="right" if is_rtl() else "left")
    return show(fig, alt=alt, caption=caption, phone=timeline_phone_figure(events, title))


#: Line height of the phone timeline, in inches (10-pt text with some leading).
_LINE = 0.19


def timeline_phone_figure(events: list[Event], title: str, width_chars: int = 34):
    """The phone variant of :func:`timeline_figure`: a vertical list down a time line, one
    event after another in date order, the date in bold above its wrapped description.

    Gaps between events are not drawn to scale (the dates say when); every text is at least
    :data:`~coursekit.figures.PHONE_MIN_POINTS` so it reads at 320 px.
    """
    if not events:
        raise ValueError("a timeline needs at least one event")
    head = textwrap.wrap(title, width_chars - 4) or [title]
    labels = [tr(e.event) for e in events]
    blocks = [textwrap.wrap(label, width_chars) or [label] for label in labels]
    units = len(head) + 0.8 + sum(len(b) + 2.1 for b in blocks)
    fig, ax = phone_figure(units * _LINE + 0.1)
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(-units, 0)
    size = PHONE_MIN_POINTS
    # Right to left (Arabic): the same layout mirrored, the time line on the right.
    rtl = is_rtl()
    side, line_x, text_x = ("right", 0.97, 0.91) if rtl else ("left", 0.03, 0.09)
    ax.text(1 if rtl else 0, 0, "\n".join(head), fontsize=size + 1, fontweight="bold", va="top", ha=side)
    y = -(len(head) + 0.8)
    top = y
    for ev, lines in zip(events, blocks, strict=True):
        ax.plot([line_x], [y - 0.5], marker="o", color="#1b3a4b", markersize=6, zorder=3)
        ax.text(text_x, y, str(ev.when), fontsize=size, fontweight="bold", va="top", ha=side)
        ax.text(text_x, y - 1.05, "\n".join(lines), fontsize=size, va="top", ha=side,
                linespacing=1.25)
        bottom = y - 0.5
        y -= len(lines) + 2.1
    ax.plot([line_x, line_x], [top - 0.5, bottom], color="#8aa29e", linewidth=1.5, zorder=1)
    return fig


@dataclass(frozen=True)
class EventTable:
    """Events as a Markdown table whose sources are MyST citations (rendered on the site)."""

    events: tuple[Event, ...]

    def _repr_markdown_(self) -> str:
        rows = [f"| {tr('Date')} | {tr('Event')} | {tr('Sources')} |", "|---|---|---|"]
        for e in self.events:
            text = tr(e.event).replace("|", "\\|")
            rows.append(f"| {e.when} | {text} | {{cite}}`{','.join(e.sources)}` |")
        return "\n".join(rows)

    def __repr__(self) -> str:
        return "\n".join(f"{e.when}: {e.event} [{', '.join(e.sources)}]" for e in self.events)


def event_table(events: list[Event]) -> EventTable:
    """Show ``events`` (in date order) as a table with their citations."""
    return EventTable(tuple(sorted(events, key=lambda e: e.when)))
