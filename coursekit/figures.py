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


def new_figure(width: float = 7.0, height: float = 3.5) -> tuple[Figure, plt.Axes]:
    """Return a figure and axes in the course style (plain, large text, no chartjunk)."""
    fig, ax = plt.subplots(figsize=(width, height), dpi=100)
    ax.spines[["top", "right"]].set_visible(False)
    for item in [ax.title, ax.xaxis.label, ax.yaxis.label]:
        item.set_fontsize(12)
    return fig, ax


@dataclass(frozen=True)
class AccessibleFigure:
    """A rendered figure with its alt text and caption.

    In a notebook or a built page it shows as ``<figure><img alt=…>``; as plain
    text (a screen reader in a terminal, a test) it is its alt text.
    """

    png: bytes
    alt: str
    caption: str

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        return (
            '<figure class="course-figure">'
            f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt, quote=True)}">'
            f"<figcaption>{html.escape(self.caption)}</figcaption></figure>"
        )

    def __repr__(self) -> str:
        return f"[Figure: {self.alt}]"


def show(fig: Figure, alt: str, caption: str) -> AccessibleFigure:
    """Render ``fig`` to a compact PNG and pair it with ``alt`` and ``caption``.

    ``alt`` must state the figure's point in at least eight words; a missing or
    token alt text (such as "chart") raises ``ValueError``. The figure is closed
    afterwards so notebooks do not also print it.
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"expected a matplotlib Figure, got {type(fig).__name__}")
    if not isinstance(alt, str) or len(alt.split()) < MIN_ALT_WORDS:
        raise ValueError(
            f"alt text must state the figure's point in at least {MIN_ALT_WORDS} words; got {alt!r}"
        )
    if not isinstance(caption, str) or not caption.strip():
        raise ValueError("a caption is required")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return AccessibleFigure(png=_compact_png(buf.getvalue()), alt=alt.strip(), caption=caption.strip())


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
