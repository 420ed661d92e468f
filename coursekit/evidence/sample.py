"""Sample media for the lab, generated in code: an abstract landscape, never a person.

Every file carries the kind of metadata a phone or camera writes, all of it
invented: a GPS position (a point in the Atlantic Ocean, so no real place is
exposed), a device serial number, a fictional photographer's name, comments and
times. The output is the same on every run with the same Pillow version.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
from pathlib import Path

import piexif
import piexif.helper
from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo

from .errors import OutputRefusedError
from .safeio import os_reason, write_new

WIDTH, HEIGHT = 640, 427
#: The invented position written into the samples: 10.5° N, 30.25° W (open ocean).
SAMPLE_LATITUDE, SAMPLE_LONGITUDE = 10.5, -30.25
SAMPLE_TIME = "2024:03:01 09:30:00"
SAMPLE_NAMES = {"jpeg": "hills.jpg", "png": "hills.png", "tiff": "hills.tiff",
                "webp": "hills.webp"}

_XMP = (
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">'
    "<dc:creator>A. Sample (fictional photographer)</dc:creator>"
    "<dc:description>Hills at dawn, a generated sample</dc:description>"
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
    '<?xpacket end="w"?>'
)


def landscape(width: int = WIDTH, height: int = HEIGHT) -> Image.Image:
    """Draw an abstract landscape: a sky gradient, a sun and layered hills."""
    img = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(img)
    for y in range(height):
        t = y / (height - 1)
        draw.line([(0, y), (width, y)],
                  fill=(int(70 + 150 * t), int(110 + 100 * t), int(190 - 40 * t)))
    sx, sy, r = int(width * 0.72), int(height * 0.30), int(height * 0.09)
    draw.ellipse([sx - r, sy - r, sx + r, sy + r], fill=(250, 215, 120))
    layers = [(0.55, 0.06, 2.0, (120, 140, 110)), (0.68, 0.05, 3.1, (85, 115, 80)),
              (0.80, 0.04, 4.3, (60, 90, 60))]
    for base, amp, freq, colour in layers:
        points = [(x, height * (base + amp * math.sin(freq * x / width * math.pi + base * 7)))
                  for x in range(0, width + 1, 8)]
        draw.polygon(points + [(width, height), (0, height)], fill=colour)
        for k in range(1, 4):  # terraces
            draw.line([(x, y + k * 9) for x, y in points], fill=tuple(c - 15 for c in colour),
                      width=1)
    return img


def _dms(value: float) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """Decimal degrees as EXIF degrees, minutes and seconds (rationals)."""
    deg = abs(value)
    d = int(deg)
    m = int((deg - d) * 60)
    s = round(((deg - d) * 60 - m) * 60 * 100)
    return ((d, 1), (m, 1), (s, 100))


def sample_exif(*, thumbnail: bytes | None = None) -> bytes:
    """EXIF bytes (made with piexif) with location, device, people, time and comments."""
    zeroth = {
        piexif.ImageIFD.Make: "CourseKit", piexif.ImageIFD.Model: "Demo Camera 1",
        piexif.ImageIFD.Software: "Demo Firmware 1.0",
        piexif.ImageIFD.Artist: "A. Sample (fictional photographer)",
        piexif.ImageIFD.Copyright: "(c) A. Sample, fictional",
        piexif.ImageIFD.ImageDescription: "Hills at dawn, seen from the roof where we stay",
        piexif.ImageIFD.DateTime: SAMPLE_TIME, piexif.ImageIFD.Orientation: 1,
        piexif.ImageIFD.XResolution: (72, 1), piexif.ImageIFD.YResolution: (72, 1),
        piexif.ImageIFD.ResolutionUnit: 2,
        piexif.ImageIFD.XPComment: "Sample comment: second roll".encode("utf-16-le"),
        piexif.ImageIFD.XPAuthor: "A. Sample".encode("utf-16-le"),
    }
    exif = {
        piexif.ExifIFD.DateTimeOriginal: SAMPLE_TIME, piexif.ExifIFD.DateTimeDigitized: SAMPLE_TIME,
        piexif.ExifIFD.OffsetTimeOriginal: "+00:00",
        piexif.ExifIFD.BodySerialNumber: "DEMO-SN-000123",
        piexif.ExifIFD.LensSerialNumber: "DEMO-LENS-42",
        piexif.ExifIFD.CameraOwnerName: "A. Sample (fictional)",
        piexif.ExifIFD.UserComment: piexif.helper.UserComment.dump(
            "Filmed by the second team; ask A. Sample for the raw files", encoding="unicode"),
        piexif.ExifIFD.ColorSpace: 1, piexif.ExifIFD.ExifVersion: b"0232",
    }
    gps = {
        piexif.GPSIFD.GPSLatitudeRef: "N" if SAMPLE_LATITUDE >= 0 else "S",
        piexif.GPSIFD.GPSLatitude: _dms(SAMPLE_LATITUDE),
        piexif.GPSIFD.GPSLongitudeRef: "E" if SAMPLE_LONGITUDE >= 0 else "W",
        piexif.GPSIFD.GPSLongitude: _dms(SAMPLE_LONGITUDE),
        piexif.GPSIFD.GPSAltitudeRef: 0, piexif.GPSIFD.GPSAltitude: (12, 1),
        piexif.GPSIFD.GPSDateStamp: "2024:03:01",
    }
    data: dict[str, object] = {"0th": zeroth, "Exif": exif, "GPS": gps}
    if thumbnail:
        data["1st"] = {piexif.ImageIFD.Compression: 6}
        data["thumbnail"] = thumbnail
    return piexif.dump(data)


def _write_new(path: Path, data: bytes) -> None:
    """Write a new file atomically; refuse if the path exists (see :mod:`.safeio`)."""
    write_new(path, data, what="sample")


def make_samples(outdir: str | os.PathLike[str]) -> dict[str, Path]:
    """Write ``hills.jpg``, ``hills.png``, ``hills.tiff`` and ``hills.webp`` into ``outdir``.

    The folder is created if needed; existing files are never overwritten
    (:class:`~coursekit.evidence.errors.OutputRefusedError`). Returns the paths by
    kind (``jpeg``, ``png``, ``tiff``, ``webp``).
    """
    out = Path(outdir)
    if out.exists() and not out.is_dir():
        raise OutputRefusedError(f"{out}: exists and is not a folder")
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputRefusedError(f"{out}: the folder cannot be created ({os_reason(err)})"
                                 ) from None
    paths = {kind: out / name for kind, name in SAMPLE_NAMES.items()}
    clash = [str(p) for p in paths.values() if os.path.lexists(p)]
    if clash:
        raise OutputRefusedError(f"{', '.join(clash)}: already exist; samples never overwrite "
                                 "files (choose an empty folder)")
    try:
        _write_samples(paths)
    except OutputRefusedError:
        for p in paths.values():  # all four or none: remove the ones this call wrote
            if p.exists():
                p.unlink()
        if created:
            with contextlib.suppress(OSError):
                out.rmdir()
        raise
    return paths


def _write_samples(paths: dict[str, Path]) -> None:
    """Draw the landscape and write the four files."""
    img = landscape()
    thumb = io.BytesIO()
    img.resize((160, 107)).save(thumb, "JPEG", quality=70)
    exif_with_thumb = sample_exif(thumbnail=thumb.getvalue())
    exif = sample_exif()

    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=88, exif=exif_with_thumb, xmp=_XMP.encode("utf-8"),
             comment=b"Sample comment: camera 2 of the team")
    _write_new(paths["jpeg"], buf.getvalue())

    info = PngInfo()
    info.add_text("Author", "A. Sample (fictional photographer)")
    info.add_text("Comment", "Sample comment: taken near the house where we stay")
    info.add_text("Creation Time", "2024-03-01T09:30:00Z")
    info.add_itxt("XML:com.adobe.xmp", _XMP)
    buf = io.BytesIO()
    img.save(buf, "PNG", pnginfo=info, exif=exif)
    _write_new(paths["png"], buf.getvalue())

    tiff_tags = Image.Exif()
    tiff_tags.load(exif)  # the same piexif-made EXIF, plus an XMP packet (TIFF tag 700)
    tiff_tags[700] = _XMP.encode("utf-8")
    buf = io.BytesIO()
    img.save(buf, "TIFF", tiffinfo=tiff_tags)  # uncompressed: Pillow's own writer keeps EXIF
    _write_new(paths["tiff"], buf.getvalue())

    buf = io.BytesIO()
    img.save(buf, "WEBP", quality=80, exif=exif, xmp=_XMP.encode("utf-8"))
    _write_new(paths["webp"], buf.getvalue())
