"""Figures that always carry alt text, rendered as small static images.

Every chart in the course goes through :func:`show`, so a figure cannot be
published without a text alternative that states its point.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # render off-screen, the same in notebooks, builds and tests
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

#: A palette that stays distinguishable in grayscale and for colour-blind readers
#: (dark to light), paired with hatches so meaning never rests on colour alone.
PALETTE = ("#1b3a4b", "#4f6d7a", "#8aa29e", "#c0d6df", "#e8c547", "#9c6644")
HATCHES = ("", "//", "..", "xx", "\\\\", "oo")

MIN_ALT_WORDS = 8

#: Phone variants are drawn this wide (inches at 100 dpi: 360 px, a 390-px phone's column) ...
PHONE_WIDTH = 3.6
#: ... and below this viewport width the page shows the phone variant instead of the wide one.
PHONE_MEDIA = "(max-width: 600px)"
#: The smallest text a phone variant may carry, in points (10 pt = 13.9 px at 100 dpi).
PHONE_MIN_POINTS = 10.0
DPI = 100


def new_figure(width: float = 7.0, height: float = 3.5) -> tuple[Figure, plt.Axes]:
    """Return a figure and axes in the course style (plain, large text, no chartjunk)."""
    fig, ax = plt.subplots(figsize=(width, height), dpi=DPI)
    ax.spines[["top", "right"]].set_visible(False)
    for item in [ax.title, ax.xaxis.label, ax.yaxis.label]:
        item.set_fontsize(12)
    return fig, ax


def phone_figure(height: float) -> tuple[Figure, plt.Axes]:
    """A figure and axes for a chart's phone variant: :data:`PHONE_WIDTH` wide, ``height`` tall.

    Axis tick labels start at :data:`PHONE_MIN_POINTS`; draw every other text at least that large.
    """
    fig, ax = new_figure(PHONE_WIDTH, height)
    ax.tick_params(labelsize=PHONE_MIN_POINTS)
    return fig, ax


def smallest_text_px(fig: Figure) -> float:
    """The size, in pixels of the rendered PNG, of the smallest visible text in ``fig``."""
    from matplotlib.text import Text

    fig.canvas.draw()
    sizes = [t.get_fontsize() for t in fig.findobj(Text)
             if t.get_visible() and t.get_text().strip() and t.get_figure() is not None]
    return round(min(sizes) * DPI / 72, 1) if sizes else 0.0


@dataclass(frozen=True)
class AccessibleFigure:
    """A rendered figure with its alt text and caption.

    In a notebook or a built page it shows as ``<figure><img alt=…>``; as plain
    text (a screen reader in a terminal, a test) it is its alt text.
    """

    png: bytes
    alt: str
    caption: str
    #: A narrow, taller variant for phones (shown below :data:`PHONE_MEDIA`), if the chart has one.
    phone_png: bytes | None = None
    #: The smallest text in ``png`` and ``phone_png``, in image pixels (tests check legibility).
    text_px: float = 0.0
    phone_text_px: float = 0.0

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        sizes = f' data-text-px="{self.text_px:g}"' if self.text_px else ""
        img = (f'<img src="data:image/png;base64,{data}"{sizes} '
               f'alt="{html.escape(self.alt, quote=True)}">')
        if self.phone_png:
            phone = base64.b64encode(self.phone_png).decode("ascii")
            img = (f'<picture><source media="{PHONE_MEDIA}" data-text-px="{self.phone_text_px:g}" '
                   f'srcset="data:image/png;base64,{phone}">{img}</picture>')
        return (
            f'<figure class="course-figure">{img}'
            f"<figcaption>{html.escape(self.caption)}</figcaption></figure>"
        )

    def __repr__(self) -> str:
        return f"[Figure: {self.alt}]"


def show(fig: Figure, alt: str, caption: str, phone: Figure | None = None) -> AccessibleFigure:
    """Render ``fig`` to a compact PNG and pair it with ``alt`` and ``caption``.

    ``alt`` must state the figure's point in at least eight words; a missing or
    token alt text (such as "chart") raises ``ValueError``. ``phone`` is an optional
    narrow variant of the same chart (see :func:`phone_figure`), which pages show on
    screens narrower than 600 px. The figures are closed afterwards so notebooks do not
    also print them.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"expected a matplotlib Figure, got {type(fig).__name__}")
    if phone is not None and not isinstance(phone, Figure):
        raise TypeError(f"expected a matplotlib Figure for the phone variant, got {type(phone).__name__}")
    if not isinstance(alt, str) or len(alt.split()) < MIN_ALT_WORDS:
        raise ValueError(
            f"alt text must state the figure's point in at least {MIN_ALT_WORDS} words; got {alt!r}"
        )
    if not isinstance(caption, str) or not caption.strip():
        raise ValueError("a caption is required")
    text_px = smallest_text_px(fig)
    png = _render(fig)
    phone_png, phone_px = None, 0.0
    if phone is not None:
        phone_px = smallest_text_px(phone)
        phone_png = _render(phone)
    return AccessibleFigure(png=png, alt=alt.strip(), caption=caption.strip(),
                            phone_png=phone_png, text_px=text_px, phone_text_px=phone_px)


def _render(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return _compact_png(buf.getvalue())


def _compact_png(png: bytes, colours: int = 64) -> bytes:
    """Re-encode a chart as a palette PNG: about a third of the bytes, same look.

    Charts use a handful of flat colours plus anti-aliasing, which 64 palette
    entries reproduce closely; pages load faster on slow or metered links.
    """
    with Image.open(io.BytesIO(png)) as img:
        small = img.convert("RGB").quantize(colors=colours, method=Image.Quantize.MEDIANCUT)
        out = io.BytesIO()
        small.save(out, format="PNG", optimize=True)
    return out.getvalue() if out.tell() < len(png) else png
