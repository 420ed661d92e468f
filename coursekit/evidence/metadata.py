"""Read what a photo file says about itself: EXIF, GPS, XMP, comments and text chunks.

Reading is done by established libraries: Pillow opens and decodes the image
and reads its EXIF (including the GPS and Exif sub-directories) for JPEG, PNG,
TIFF and WebP; piexif decodes EXIF ``UserComment`` values. The only structure
walked by hand is the JPEG *container* (the list of marker segments), which
the scrubber needs in order to keep the compressed image data byte for byte.

Findings are sorted into the categories a publisher has to think about:
location, device, people, time and comments.
"""

from __future__ import annotations

import io
import math
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import piexif.helper
from PIL import ExifTags, Image, UnidentifiedImageError

from .errors import BadImageError, UnsupportedFormatError
from .hashing import read_input

#: Pillow format name -> (display name, file name endings it may use).
SUPPORTED: dict[str, tuple[str, tuple[str, ...]]] = {
    "JPEG": ("JPEG", (".jpg", ".jpeg", ".jpe")),
    "PNG": ("PNG", (".png",)),
    "TIFF": ("TIFF", (".tif", ".tiff")),
    "WEBP": ("WebP", (".webp",)),
}

LOCATION = "Location (GPS)"
DEVICE = "Device"
PEOPLE = "People"
TIME = "Time"
COMMENTS = "Comments and descriptions"
OTHER = "Other"
CATEGORIES = (LOCATION, DEVICE, PEOPLE, TIME, COMMENTS, OTHER)

#: EXIF tag name -> category; GPS tags are always LOCATION.
TAG_CATEGORY: dict[str, str] = {
    **dict.fromkeys(("Make", "Model", "BodySerialNumber", "CameraSerialNumber",
                     "LensSerialNumber", "LensMake", "LensModel", "Software", "HostComputer",
                     "ImageUniqueID", "MakerNote"), DEVICE),
    **dict.fromkeys(("Artist", "Copyright", "CameraOwnerName", "XPAuthor"), PEOPLE),
    **dict.fromkeys(("DateTime", "DateTimeOriginal", "DateTimeDigitized", "OffsetTime",
                     "OffsetTimeOriginal", "OffsetTimeDigitized", "SubsecTime",
                     "SubsecTimeOriginal", "SubsecTimeDigitized", "SubSecTime",
                     "SubSecTimeOriginal", "SubSecTimeDigitized", "PreviewDateTime"), TIME),
    **dict.fromkeys(("ImageDescription", "UserComment", "XPComment", "XPTitle", "XPSubject",
                     "XPKeywords"), COMMENTS),
}
#: PNG text chunk keyword -> category (any other keyword counts as a comment).
PNG_TEXT_CATEGORY: dict[str, str] = {
    "Author": PEOPLE, "Copyright": PEOPLE, "Creation Time": TIME,
    "Software": DEVICE, "Source": DEVICE,
}
#: TIFF tags that describe the pixel layout, not the photo; not listed.
_STRUCTURAL = {256, 257, 258, 259, 262, 266, 273, 277, 278, 279, 284, 317, 320, 322, 323, 324,
               325, 338, 339, 529, 530, 531, 532}
_SHOWN_APART = {700, 33723, 34377}  # XMP, IPTC, Photoshop: listed under their own headings
_POINTERS = {int(ExifTags.IFD.Exif), int(ExifTags.IFD.GPSInfo), int(ExifTags.IFD.Interop)}
_XMP_TIFF_TAG, _IPTC_TIFF_TAG, _PHOTOSHOP_TIFF_TAG = 700, 33723, 34377


@dataclass(frozen=True)
class Tag:
    """One metadata item: where it lives (``ifd``), its name and its value as text."""

    ifd: str
    name: str
    value: str

    @property
    def category(self) -> str:
        """The privacy category of this item."""
        if self.ifd == "GPS":
            return LOCATION
        if self.ifd == "PNG text":
            return PNG_TEXT_CATEGORY.get(self.name, COMMENTS)
        if self.ifd in ("JPEG comment", "XMP", "IPTC/Photoshop"):
            return COMMENTS
        return TAG_CATEGORY.get(self.name, OTHER)


@dataclass(frozen=True)
class GpsPosition:
    """A GPS position in decimal degrees (south and west negative)."""

    latitude: float
    longitude: float
    altitude_m: float | None = None

    def __str__(self) -> str:
        """Degrees with hemisphere letters, e.g. ``10.500000° N, 30.250000° W``."""
        ns = "N" if self.latitude >= 0 else "S"
        ew = "E" if self.longitude >= 0 else "W"
        text = f"{abs(self.latitude):.6f}° {ns}, {abs(self.longitude):.6f}° {ew}"
        if self.altitude_m is not None:
            text += f", altitude {self.altitude_m:.0f} m"
        return text


@dataclass
class MediaMetadata:
    """Everything the toolkit found in one image file."""

    path: str
    format: str
    width: int
    height: int
    mode: str
    tags: list[Tag] = field(default_factory=list)
    gps: GpsPosition | None = None
    xmp: bytes | None = None
    has_thumbnail: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def format_name(self) -> str:
        """The format's usual name (``WebP`` rather than ``WEBP``)."""
        return SUPPORTED[self.format][0]

    def by_category(self) -> dict[str, list[Tag]]:
        """Tags grouped by privacy category (only categories that have some)."""
        groups: dict[str, list[Tag]] = {}
        for tag in self.tags:
            groups.setdefault(tag.category, []).append(tag)
        return {c: groups[c] for c in CATEGORIES if c in groups}

    def revealing(self) -> dict[str, list[Tag]]:
        """Only the categories a publisher must think about (all but ``Other``)."""
        return {c: t for c, t in self.by_category().items() if c != OTHER}

    def summary(self, *, show_all: bool = True) -> str:
        """A readable report, revealing categories first."""
        lines = [f"{self.path}: {self.format_name}, {self.width} x {self.height} pixels"]
        if self.gps is not None:
            lines.append(f"  Position: {self.gps}")
        groups = self.by_category() if show_all else self.revealing()
        if not self.revealing():
            lines.append("  No location, device, people, time or comment metadata found.")
        for category, tags in groups.items():
            lines.append(f"{category}:")
            lines += [f"  {t.name}: {t.value}" + ("" if t.ifd in ("Image", "Exif", "GPS")
                                                   else f"  [{t.ifd}]") for t in tags]
        if self.has_thumbnail:
            lines.append("Thumbnail: an embedded preview image (it can show the picture as it "
                         "was before any crop or blur)")
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (for ``meta --json``)."""
        return {
            "path": self.path, "format": self.format_name, "width": self.width,
            "height": self.height, "mode": self.mode,
            "gps": None if self.gps is None else {
                "latitude": self.gps.latitude, "longitude": self.gps.longitude,
                "altitude_m": self.gps.altitude_m},
            "categories": {c: {f"{t.ifd}:{t.name}": t.value for t in tags}
                           for c, tags in self.by_category().items()},
            "has_xmp": self.xmp is not None, "has_thumbnail": self.has_thumbnail,
            "notes": self.notes,
        }


# --- opening images safely ---------------------------------------------------------------

#: Largest image (width × height) opened unless ``max_pixels`` / ``--max-pixels`` says more:
#: 150 million pixels, above every common phone camera (108 MP) and far below what would
#: exhaust a laptop's memory. A tiny file can claim a huge size (a "decompression bomb").
DEFAULT_MAX_PIXELS = 150_000_000

#: ISO base media ``ftyp`` brands of HEIF/HEIC/AVIF still images.
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1",
               b"avif", b"avis"}


def sniff_heif(head: bytes) -> bool:
    """True when bytes begin like a HEIF/HEIC/AVIF image (an ISO ``ftyp`` box with such a brand)."""
    if len(head) < 12 or head[4:8] != b"ftyp":
        return False
    size = int.from_bytes(head[:4], "big")
    brands = [head[8:12]] + [head[i:i + 4] for i in range(16, min(size, len(head)) - 3, 4)]
    return any(b in HEIF_BRANDS for b in brands)


def check_pixels(p: Path, width: int, height: int, max_pixels: int) -> None:
    """Refuse an image larger than ``max_pixels`` before any pixel is decoded."""
    if width * height > max_pixels:
        raise BadImageError(
            f"{p}: is {width} x {height} = {width * height:,} pixels, more than the limit of "
            f"{max_pixels:,}; it was not opened (a small file can claim a huge picture to "
            "exhaust memory); if you trust it, raise the limit with --max-pixels")


def identify(path: str | os.PathLike[str], *, max_pixels: int = DEFAULT_MAX_PIXELS,
             data: bytes | None = None) -> str:
    """Return the Pillow format name of a supported image, after decoding it fully.

    The size in the header is checked against ``max_pixels`` before decoding.
    Raises :class:`~coursekit.evidence.errors.InputFileError` (bad path or
    unreadable, exit code 3), :class:`BadImageError` (not an image, truncated,
    corrupt or too large) or :class:`UnsupportedFormatError` (another format).
    """
    p = Path(path)
    if data is None:
        data = read_input(p)
    if sniff_heif(data[:64]) and "HEIF" not in SUPPORTED:
        raise UnsupportedFormatError(f"{p}: is a HEIF/HEIC image (the iPhone's default); "
                                     "supported formats are JPEG, PNG, TIFF and WebP")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        limit = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = None  # our own limit below, checked before decoding
        try:
            with Image.open(io.BytesIO(data)) as img:
                fmt = img.format or "unknown"
                if fmt not in SUPPORTED:
                    raise UnsupportedFormatError(
                        f"{p}: is a {fmt} image; supported formats are "
                        f"{', '.join(v[0] for v in SUPPORTED.values())}")
                check_pixels(p, img.width, img.height, max_pixels)
                if fmt != "PNG":  # PNG is checked chunk by chunk (see png.py), any bit depth
                    img.load()
        except UnidentifiedImageError:
            raise BadImageError(
                f"{p}: is not an image the toolkit can read (its content is not "
                f"{', '.join(v[0] for v in SUPPORTED.values())}, whatever its name says, or "
                "it is badly damaged)") from None
        except (OSError, SyntaxError, ValueError, EOFError) as err:
            raise BadImageError(f"{p}: the image data is truncated or corrupt ({err})") from None
        finally:
            Image.MAX_IMAGE_PIXELS = limit
    if fmt == "JPEG":
        jpeg_layout(data, str(p))
    if fmt == "PNG":
        from .png import check_png

        check_png(data, str(p))
    return fmt


def extension_note(path: str | os.PathLike[str], fmt: str) -> str | None:
    """A note if the file name's ending does not match the content's format."""
    suffix = Path(path).suffix.lower()
    if suffix in SUPPORTED[fmt][1]:
        return None
    return (f"the name ends in {suffix or '(nothing)'!r} but the content is "
            f"{SUPPORTED[fmt][0]}; formats are recognised by content, not by name")


# --- the JPEG container ------------------------------------------------------------------

@dataclass(frozen=True)
class JpegSegment:
    """A marker segment before the first scan: marker byte and [start, end) in the file."""

    marker: int
    start: int
    end: int


@dataclass(frozen=True)
class JpegLayout:
    """Where things are in a JPEG file.

    ``segments`` are the marker segments between SOI and the first SOS;
    ``scan_start``..``scan_end`` is the compressed image data from the first
    SOS marker up to and including the EOI marker; ``between_scans`` lists the
    markers met inside it; ``trailing`` counts bytes after EOI.
    """

    segments: tuple[JpegSegment, ...]
    scan_start: int
    scan_end: int
    between_scans: tuple[int, ...]
    trailing: int


def jpeg_layout(data: bytes, name: str = "JPEG data") -> JpegLayout:
    """Walk a JPEG's marker segments (container structure only, no EXIF parsing).

    Raises :class:`BadImageError` naming the byte offset for anything malformed,
    including a missing end-of-image marker (a truncated file).
    """
    n = len(data)
    if data[:2] != b"\xff\xd8":
        raise BadImageError(f"{name}: does not start like a JPEG (no SOI marker)")
    pos, segments = 2, []
    while True:
        if pos + 2 > n:
            raise BadImageError(f"{name}: truncated in the header at byte {pos}")
        if data[pos] != 0xFF:
            raise BadImageError(f"{name}: expected a marker at byte {pos}, found data")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9 or 0xD0 <= marker <= 0xD8 or marker == 0x01:
            raise BadImageError(f"{name}: unexpected marker 0xFF{marker:02X} at byte {pos}")
        if pos + 4 > n:
            raise BadImageError(f"{name}: truncated in a segment header at byte {pos}")
        end = pos + 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
        if end > n or end < pos + 4:
            raise BadImageError(f"{name}: segment at byte {pos} runs past the end of the file")
        if marker == 0xDA:
            scan_start = pos
            pos = end
            break
        segments.append(JpegSegment(marker, pos, end))
        pos = end
    between: list[int] = []
    while True:
        i = data.find(b"\xff", pos)
        if i < 0 or i + 1 >= n:
            raise BadImageError(f"{name}: the image data is truncated (no end-of-image marker)")
        m = data[i + 1]
        if m == 0x00 or 0xD0 <= m <= 0xD7:
            pos = i + 2
        elif m == 0xFF:
            pos = i + 1
        elif m == 0xD9:
            return JpegLayout(tuple(segments), scan_start, i + 2, tuple(between), n - (i + 2))
        else:
            if i + 4 > n:
                raise BadImageError(f"{name}: truncated inside the image data at byte {i}")
            end = i + 2 + int.from_bytes(data[i + 2:i + 4], "big")
            if end > n or end < i + 4:
                raise BadImageError(f"{name}: a segment at byte {i} runs past the end")
            between.append(m)
            pos = end


def jpeg_image_data(data: bytes, name: str = "JPEG data") -> bytes:
    """The compressed image data of a JPEG: from the first SOS marker through EOI."""
    layout = jpeg_layout(data, name)
    return data[layout.scan_start:layout.scan_end]


# --- reading metadata --------------------------------------------------------------------

def _text(value: Any, name: str = "") -> str:
    """Render a tag value as short readable text."""
    if name == "UserComment" and isinstance(value, bytes):
        try:
            return piexif.helper.UserComment.load(value).strip("\x00 ")
        except ValueError:
            pass
    if name.startswith("XP") and isinstance(value, (bytes, tuple, list)):
        raw = bytes(value) if not isinstance(value, bytes) else value
        return raw.decode("utf-16-le", errors="replace").rstrip("\x00")
    if name == "MakerNote":
        return f"<{len(value)} bytes of maker data>"
    if isinstance(value, bytes) and len(value) == 1:
        return str(value[0])  # a one-byte flag, such as GPSAltitudeRef
    if isinstance(value, bytes):
        stripped = value.rstrip(b"\x00")
        if stripped and all(32 <= b < 127 for b in stripped):
            return stripped.decode("ascii")
        return f"<{len(value)} bytes>"
    if isinstance(value, str):
        return value.rstrip("\x00").strip()
    if isinstance(value, tuple):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, float) or type(value).__name__ == "IFDRational":
        f = float(value)
        return "undefined" if math.isnan(f) else f"{f:g}"
    return str(value)


def _dms(value: Any) -> float:
    """Degrees, minutes, seconds (rationals) to decimal degrees."""
    d, m, s = (float(v) for v in value)
    result = d + m / 60 + s / 3600
    if math.isnan(result):
        raise ValueError("undefined GPS value")
    return result


def _gps_position(gps: dict[int, Any]) -> GpsPosition | None:
    """Decimal position from a GPS IFD, or None if it has no usable latitude/longitude."""
    try:
        lat = _dms(gps[2]) * (-1 if _text(gps.get(1, "N")).upper().startswith("S") else 1)
        lon = _dms(gps[4]) * (-1 if _text(gps.get(3, "E")).upper().startswith("W") else 1)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    alt = None
    try:
        if 6 in gps:
            alt = float(gps[6]) * (-1 if gps.get(5) in (1, b"\x01") else 1)
            alt = None if math.isnan(alt) else alt
    except (TypeError, ValueError, ZeroDivisionError):
        alt = None
    return GpsPosition(lat, lon, alt)


VIDEO_ENDINGS = (".mp4", ".mov", ".m4v", ".qt")
_VIDEO_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1",
                 b"qt  ", b"M4V ", b"M4VH", b"M4VP", b"3gp4", b"3gp5", b"3g2a", b"MSNV", b"dash"}


def is_video(path: str | os.PathLike[str]) -> bool:
    """True when the file is an MP4/MOV/M4V video (judged by its first bytes, not its name)."""
    p = Path(path)
    try:
        with open(p, "rb") as f:
            head = f.read(64)
    except OSError:
        return False
    if sniff_heif(head):
        return False
    if head[4:8] == b"ftyp":
        size = int.from_bytes(head[:4], "big")
        brands = [head[8:12]] + [head[i:i + 4] for i in range(16, min(size, 64) - 3, 4)]
        return any(b in _VIDEO_BRANDS for b in brands) or p.suffix.lower() in VIDEO_ENDINGS
    return head[4:8] in (b"moov", b"mdat", b"wide", b"free") and p.suffix.lower() in VIDEO_ENDINGS


def read_metadata(path: str | os.PathLike[str], *, max_pixels: int = DEFAULT_MAX_PIXELS,
                  data: bytes | None = None) -> MediaMetadata:
    """Read all metadata of a JPEG, PNG, TIFF, WebP or HEIF file (or an MP4/MOV video).

    The image is checked first (decoded, or for PNG inflated chunk by chunk),
    so a truncated or corrupt file is reported (:class:`BadImageError`) rather
    than half-read. ``data`` is the file's bytes if already read.
    """
    p = Path(path)
    if data is None and is_video(p):
        from .video import read_video_metadata

        return read_video_metadata(p)
    if data is None:
        data = read_input(p)
    fmt = identify(p, max_pixels=max_pixels, data=data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        limit = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = None  # checked in identify()
        try:
            with Image.open(io.BytesIO(data)) as img:
                meta = MediaMetadata(os.fspath(path), fmt, img.width, img.height, img.mode)
                _read_exif(img, meta)
                _read_containers(img, fmt, meta, data)
        finally:
            Image.MAX_IMAGE_PIXELS = limit
    meta.notes += [f"reader warning: {w.message}" for w in caught]
    note = extension_note(path, fmt)
    if note:
        meta.notes.insert(0, note)
    return meta


def _read_exif(img: Image.Image, meta: MediaMetadata) -> None:
    """EXIF via Pillow: the main directory, Exif, GPS and Interop sub-directories, thumbnail."""
    try:
        exif = img.getexif()
        groups = [("Image", {k: v for k, v in exif.items()
                             if k not in _POINTERS | _STRUCTURAL | _SHOWN_APART}),
                  ("Exif", exif.get_ifd(ExifTags.IFD.Exif)),
                  ("GPS", exif.get_ifd(ExifTags.IFD.GPSInfo)),
                  ("Interop", exif.get_ifd(ExifTags.IFD.Interop))]
        thumbnail = exif.get_ifd(ExifTags.IFD.IFD1)
    except Exception as err:  # noqa: BLE001 - any EXIF damage is reported, not fatal
        meta.notes.append(f"the EXIF block is present but could not be read ({err})")
        return
    for ifd, tags in groups:
        names = ExifTags.GPSTAGS if ifd == "GPS" else ExifTags.TAGS
        for tag_id, value in tags.items():
            if ifd == "Exif" and tag_id in _POINTERS:
                continue
            name = names.get(tag_id, f"Tag0x{tag_id:04X}")
            meta.tags.append(Tag(ifd, name, _text(value, name)))
    gps = groups[2][1]
    if gps:
        meta.gps = _gps_position(dict(gps))
    meta.has_thumbnail = bool(thumbnail)


def _read_containers(img: Image.Image, fmt: str, meta: MediaMetadata, data: bytes) -> None:
    """Format-specific places: JPEG COM/APP13 and trailers, PNG text chunks, XMP, IPTC."""
    info = img.info
    xmp = info.get("xmp") or info.get("XML:com.adobe.xmp")
    tag_v2 = getattr(img, "tag_v2", None)
    if fmt == "TIFF" and tag_v2 is not None:
        xmp = xmp or tag_v2.get(_XMP_TIFF_TAG)
        for tag_id in (_IPTC_TIFF_TAG, _PHOTOSHOP_TIFF_TAG):
            if tag_id in tag_v2:
                meta.tags.append(Tag("IPTC/Photoshop", f"TIFF tag {tag_id}",
                                     "present (can hold captions, names, places)"))
    if xmp:
        meta.xmp = xmp.encode("utf-8") if isinstance(xmp, str) else bytes(xmp)
        meta.tags.append(Tag("XMP", "XMP packet", f"{len(meta.xmp)} bytes (can repeat any of "
                                                  "the fields above, and more)"))
    if fmt == "JPEG":
        for marker, seg in getattr(img, "applist", []):
            if marker == "COM":
                meta.tags.append(Tag("JPEG comment", "COM", _text(seg)))
            elif marker == "APP13":
                meta.tags.append(Tag("IPTC/Photoshop", "APP13", f"{len(seg)} bytes (can hold "
                                                                "captions, names, places)"))
        layout = jpeg_layout(data, meta.path)
        if layout.trailing:
            meta.notes.append(f"{layout.trailing} bytes follow the end of the image (such "
                              "trailers can hold extra images with their own metadata)")
    if fmt == "PNG":
        for key, value in getattr(img, "text", {}).items():
            if key in ("XML:com.adobe.xmp", "Raw profile type exif"):
                continue
            meta.tags.append(Tag("PNG text", key, _text(value)))
