"""Diagrams for Part IV (Documentation), drawn by code so their source stays readable.

Two kinds of figure live here:

- :func:`flow_svg` draws a tall, narrow flow of boxes (one or two columns per row) as a
  self-contained SVG: ``role="img"``, a ``<title>`` and ``<desc>``, system fonts, no
  external reference, readable in grayscale (public-facing steps have dashed borders).
  :data:`FIGURES` holds the Part IV flows; :func:`write_figures` writes them to
  ``chapters/figures/`` and :func:`stale_figures` tells a test whether the committed
  files still match this code.
- :func:`scrub_before_after` makes the evidence toolkit's own sample photo, scrubs a copy
  with the toolkit, reads both files' metadata back with the toolkit, and draws the two
  pictures side by side with what each file gives away. It returns an
  :class:`~coursekit.figures.AccessibleFigure` (alt text and caption included).
"""

from __future__ import annotations

import html
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

from .figures import AccessibleFigure, new_figure, show
from .text import is_rtl, tr

#: Where the committed SVG files live (relative to the repository root).
FIGURE_DIR = Path(__file__).resolve().parent.parent / "chapters" / "figures"

WIDTH = 420
MARGIN = 12
GAP = 12
HEAD_PX = 17
BODY_PX = 15
LINE = 1.35
ARROW = 34
FONT = "system-ui, sans-serif"
MAX_WIDTH = 600


class DiagramError(ValueError):
    """A diagram specification is malformed (empty text, bad row, too wide)."""


@dataclass(frozen=True)
class Box:
    """One step: a bold heading and a short body.

    ``public`` steps (copies meant to leave the group) get a dashed border; a ``gap`` (a
    missing link) gets a heavy dotted border, so the kinds differ without colour.
    """

    heading: str
    body: str = ""
    public: bool = False
    gap: bool = False


Row = tuple[Box | None, ...]


def _wrap(text: str, width_px: float, size: int) -> list[str]:
    """Wrap ``text`` to lines that fit ``width_px`` at font ``size`` (a conservative estimate)."""
    chars = max(8, int(width_px / (size * 0.56)))
    return textwrap.wrap(text, chars) if text else []


def _box_lines(box: Box, width: float) -> tuple[list[str], list[str]]:
    inner = width - 20
    return _wrap(box.heading, inner, HEAD_PX), _wrap(box.body, inner, BODY_PX)


def _box_height(box: Box, width: float) -> float:
    head, body = _box_lines(box, width)
    return 16 + len(head) * HEAD_PX * LINE + (6 if body else 0) + len(body) * BODY_PX * LINE + 8


def flow_svg(title: str, desc: str, rows: list[Row], *, width: int = WIDTH) -> str:
    """Draw ``rows`` top to bottom as an SVG flow.

    Each row holds one box (centred) or two slots (left and right column; ``None`` leaves a
    slot empty). Arrows join each box to the box or boxes below it in the same column, and
    a single box to both columns of a split row (or both columns to a single box).
    Raises :class:`DiagramError` for an empty title, an empty row, a row of more than two
    slots or a width above :data:`MAX_WIDTH`.
    """
    if not title.strip() or not desc.strip():
        raise DiagramError("a diagram needs a title and a description (they are its text alternative)")
    if not rows:
        raise DiagramError("a diagram needs at least one row")
    if not 200 <= width <= MAX_WIDTH:
        raise DiagramError(f"width must be 200 to {MAX_WIDTH} px, got {width}")
    for i, row in enumerate(rows, start=1):
        if not 1 <= len(row) <= 2 or all(b is None for b in row):
            raise DiagramError(f"row {i} must hold one box or two slots with at least one box")
    full = width - 2 * MARGIN
    half = (full - GAP) / 2
    out: list[str] = []
    y = MARGIN
    previous: list[tuple[float, float]] = []  # (centre x, bottom y) of the row above
    for row in rows:
        if len(row) == 1:
            slots = [(MARGIN, full, row[0])]
        else:
            slots = [(MARGIN, half, row[0]), (MARGIN + half + GAP, half, row[1])]
        boxes = [(x, w, b) for x, w, b in slots if b is not None]
        height = max(_box_height(b, w) for _, w, b in boxes)
        top = y + (ARROW if previous else 0)
        current = []
        for x, w, b in boxes:
            cx = x + w / 2
            if previous:
                sources = previous if len(previous) == 1 or len(row) == 1 else \
                    [p for p in previous if abs(p[0] - cx) < 1]
                for px, py in sources:
                    out.append(_arrow(px, py, cx, top))
            out.append(_box(x, top, w, height, b))
            current.append((cx, top + height))
        previous = current
        y = top + height
    total = y + MARGIN
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
            f'height="{total:.0f}" viewBox="0 0 {width} {total:.0f}" '
            f'font-family="{FONT}" aria-labelledby="t d">'
            f'<title id="t">{html.escape(title)}</title><desc id="d">{html.escape(desc)}</desc>'
            '<defs><marker id="a" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
            'fill="#1b3a4b"/></marker></defs>'
            f'<rect width="{width}" height="{total:.0f}" fill="#ffffff"/>')
    return head + "".join(out) + "</svg>\n"


def _arrow(x1: float, y1: float, x2: float, y2: float) -> str:
    return (f'<line x1="{x1:.1f}" y1="{y1 + 2:.1f}" x2="{x2:.1f}" y2="{y2 - 3:.1f}" '
            'stroke="#1b3a4b" stroke-width="2.5" marker-end="url(#a)"/>')


def _box(x: float, y: float, w: float, h: float, box: Box) -> str:
    dash = ' stroke-dasharray="2 5" stroke-linecap="round"' if box.gap else \
        (' stroke-dasharray="7 5"' if box.public else "")
    fill = "#ffffff" if box.public or box.gap else "#e6edf0"
    stroke = 3.5 if box.gap else 2
    parts = [f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="8" '
             f'fill="{fill}" stroke="#1b3a4b" stroke-width="{stroke}"{dash}/>']
    head, body = _box_lines(box, w)
    ty = y + 10
    for line in head:
        ty += HEAD_PX * LINE
        parts.append(f'<text x="{x + 10:.1f}" y="{ty - 5:.1f}" font-size="{HEAD_PX}" '
                     f'font-weight="700" fill="#111111">{html.escape(line)}</text>')
    if body:
        ty += 6
    for line in body:
        ty += BODY_PX * LINE
        parts.append(f'<text x="{x + 10:.1f}" y="{ty - 5:.1f}" font-size="{BODY_PX}" '
                     f'fill="#222222">{html.escape(line)}</text>')
    return "".join(parts)


# --- the Part IV flows ------------------------------------------------------------------------

FIGURES: dict[str, tuple[str, str, list[Row]]] = {
    "why-document-three-purposes.svg": (
        "One clip, three purposes",
        "One recording can serve witness, the media and accountability, but each asks something "
        "different of it: honest attention, checkable context, and an untouched original with its "
        "history. Consent from the people filmed comes before any of them.",
        [
            (Box("A recording in the olive grove",
                 "Made with the consent, or at the request, of the community and the people in it"),),
            (Box("Witness", "Asks: were you paying honest attention? Say what you saw and what you did not."),
             Box("Media", "Asks: can an editor check it? Who, what, when, where; no face shown without consent.",
                 public=True)),
            (Box("Accountability",
                 "Asks: is it genuine, complete and unchanged? Keep the untouched original, its hash "
                 "and a log of who held it."),),
        ],
    ),
    "documenting-an-incident-custody-chain.svg": (
        "A custody chain, link by link",
        "A chain of custody from the phone to a human rights organisation: the original is copied "
        "with a cable and hashed, kept and backed up, checked at every hand-over, while a separate "
        "working copy is blurred for publication. A hand-over nobody logged is where an "
        "investigator's questions begin.",
        [
            (Box("1. Filmed on a phone", "10:38 to 10:46, without stopping; time and place noted"),),
            (Box("2. Copied with a cable", "Hash recorded the same day; log entry: who, when, which file"),),
            (Box("3. Evidentiary copy", "On drive 1, backed up to drive 2; nobody edits it"),
             Box("4. Working copy", "Blurred and scrubbed; logged under its own name and hash", public=True)),
            (Box("5. Hand-over", "Receiver hashes the file: it matches the log, and says so in a new entry"),
             None),
            (Box("A gap in the chain",
                 "Drive 1 changed hands and nobody wrote it down: who held it, and where? "
                 "Add an honest, dated note now.", gap=True),),
            (Box("6. Human rights organisation", "Receives the original, the hashes and the whole log"),),
        ],
    ),
    "documentation-to-accountability-footage-path.svg": (
        "From recording to court: what each receiver asks",
        "A piece of footage splits after it is copied and hashed: a scrubbed, consented public copy "
        "goes to journalists, who ask whether they can check it; the untouched original goes with "
        "its custody log to a human rights organisation, which looks for corroboration, and may "
        "reach investigators or a court, which ask whether it is what it claims, held without a "
        "break and unchanged.",
        [
            (Box("Recording", "A filmer, a notebook and the people filmed"),),
            (Box("Copied, hashed, logged", "The same day, before anything is shared"),),
            (Box("Public copy", "Scrubbed, blurred where asked, consented", public=True),
             Box("Evidentiary copy", "Untouched original with its hash and custody log")),
            (Box("Newsroom", "Asks: can I check who, what, when and where?", public=True),
             Box("Human rights monitor", "Asks: do two independent sources confirm it?")),
            (None,
             Box("Investigators or a court",
                 "Ask: is it what it claims, held without a break, and unchanged?")),
        ],
    ),
}


def render(name: str) -> str:
    """The SVG text of the Part IV figure ``name`` (a key of :data:`FIGURES`)."""
    try:
        title, desc, rows = FIGURES[name]
    except KeyError:
        raise DiagramError(f"no figure named {name!r}; known: {', '.join(FIGURES)}") from None
    return flow_svg(title, desc, rows)


def write_figures(folder: Path = FIGURE_DIR) -> list[Path]:
    """Write every figure in :data:`FIGURES` into ``folder`` (temporary file, then rename)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in FIGURES:
        target = folder / name
        tmp = target.with_suffix(".svg.tmp")
        tmp.write_text(render(name), encoding="utf-8")
        tmp.replace(target)
        written.append(target)
    return written


def stale_figures(folder: Path = FIGURE_DIR) -> list[str]:
    """Names of figures whose committed file is missing or differs from :func:`render`."""
    return [n for n in FIGURES
            if not (folder / n).is_file() or (folder / n).read_text(encoding="utf-8") != render(n)]


# --- the sample photo, before and after scrubbing ----------------------------------------------

@dataclass(frozen=True)
class Comparison:
    """What the toolkit read from the sample photo and from its scrubbed copy."""

    before: dict[str, list[str]]
    after: dict[str, list[str]]
    position: str
    same_image_data: bool
    original_unchanged: bool


#: The items the figure lists first in each category (the most revealing ones).
_PREFERRED = {"Model", "BodySerialNumber", "Artist", "CameraOwnerName", "DateTimeOriginal",
              "ImageDescription", "UserComment"}
#: Plain names for the toolkit's categories, for the alt text.
_PLAIN = {"Location (GPS)": "a GPS position", "Device": "the camera and its serial number",
          "People": "the photographer's name", "Time": "the exact time",
          "Comments and descriptions": "comments about where the team stays"}


def compare_scrub() -> Comparison:
    """Make the sample photo, scrub a copy, and read both back (all in a temporary folder)."""
    from .evidence import MediaMetadata, jpeg_image_data, make_samples, read_metadata, scrub, sha256_file

    with tempfile.TemporaryDirectory(prefix="scrub-figure-") as tmp:
        folder = Path(tmp)
        photo = make_samples(folder / "originals")["jpeg"]
        before_hash = sha256_file(photo)
        public = folder / "public.jpg"
        scrub(photo, public)
        meta_before, meta_after = read_metadata(photo), read_metadata(public)

        def listing(meta: MediaMetadata) -> dict[str, list[str]]:
            found: dict[str, list[str]] = {}
            for cat, tags in meta.revealing().items():
                items = [f"{t.name}: {t.value}" for t in tags if t.name in _PREFERRED] or \
                    [f"{t.name}: {t.value}" for t in tags]
                if cat == "Location (GPS)" and meta.gps is not None:
                    items = [f"Position: {meta.gps.latitude:.2f}, {meta.gps.longitude:.2f}"] + \
                        [i for i in items if not i.startswith("GPS")]
                found[cat] = items
            return found

        return Comparison(
            before=listing(meta_before),
            after=listing(meta_after),
            position=str(meta_before.gps) if meta_before.gps else "",
            same_image_data=jpeg_image_data(photo.read_bytes()) == jpeg_image_data(public.read_bytes()),
            original_unchanged=sha256_file(photo) == before_hash,
        )


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def scrub_before_after() -> AccessibleFigure:
    """The sample photo and its scrubbed copy, each with what its metadata gives away."""
    import matplotlib.image as mpimg

    from .evidence import make_samples

    result = compare_scrub()
    with tempfile.TemporaryDirectory(prefix="scrub-figure-") as tmp:
        picture = mpimg.imread(make_samples(Path(tmp))["png"])
    width, pic_h, line_h = 500, 250, 24
    panels = [(tr("Original (evidentiary copy)"), result.before),
              (tr("Scrubbed copy for publication"), result.after)]
    blocks = []
    indent = "" if is_rtl() else "   "
    for label, found in panels:
        lines: list[tuple[str, bool]] = []
        for cat, items in found.items():
            lines.append((tr(cat), True))
            lines += [(indent + _short(it, 44), False) for it in items[:2]]
        if not found:
            lines = [(tr("Nothing revealing found"), True),
                     (indent + tr("no location, device, people, time or comments"), False)]
        blocks.append((label, lines))
    height = sum(40 + pic_h + 14 + len(lines) * line_h + 26 for _, lines in blocks) + 40
    fig, ax = new_figure(width / 100, height / 100)
    ax.set_position((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.set_axis_off()
    y = 10.0
    # Right to left (Arabic): the texts start at the right edge (the picture stays on the left).
    x, side = (width - 8, "right") if is_rtl() else (8, "left")
    for label, lines in blocks:
        ax.text(x, y + 22, label, fontsize=14, fontweight="bold", va="bottom", ha=side)
        y += 34
        ax.imshow(picture, extent=(8, 8 + pic_h * 1.5, y + pic_h, y))
        y += pic_h + 14
        for line, bold in lines:
            ax.text(x, y + line_h - 5, line, fontsize=12, va="bottom", ha=side,
                    fontweight="bold" if bold else "normal")
            y += line_h
        y += 26
    # each alternative is looked up, so every one is in the catalogue whichever the data needs
    passed, failed = (tr("Same picture, same image data; original unchanged"),
                      tr("Check failed: the picture or the original changed"))
    verdict = passed if result.same_image_data and result.original_unchanged else failed
    ax.text(x, y + 14, verdict, fontsize=13, fontweight="bold", va="bottom", ha=side)
    gave = [tr(_PLAIN[c]) if c in _PLAIN else tr(c).lower() for c in result.before]
    nothing, clean = tr("nothing"), tr("gives away nothing of the kind")
    still = tr("still gives away {what}", what=tr(", ").join(
        tr(_PLAIN[c]) if c in _PLAIN else tr(c).lower() for c in result.after))
    before_text = (tr(", ").join(gave[:-1]) + tr(" and ") + gave[-1]) if len(gave) > 1 else \
        (gave[0] if gave else nothing)
    after_text = clean if not result.after else still
    alt = tr("The course's sample photo of hills at dawn, shown twice and looking the same. The "
             "original's hidden metadata gives away {before}. The scrubbed copy {after}. {verdict}.",
             before=before_text, after=after_text, verdict=verdict)
    caption = tr("What the sample photo's metadata gave away, before and after scrubbing. Both "
                 "files were read back by the course's evidence toolkit; all values are invented.")
    return show(fig, alt=alt, caption=caption)


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    for path in write_figures():
        print(path)
