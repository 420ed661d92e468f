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
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import piexif.helper
from PIL import ExifTags, Image, UnidentifiedImageError

from .errors import BadImageError, UnsupportedFormatError
from .hashing import read_input
from .jpeg import JpegLayout, JpegSegment, jpeg_image_data, jpeg_layout  # noqa: F401 - re-exported

#: Pillow format name -> (display name, file name endings it may use).
SUPPORTED: dict[str, tuple[str, tuple[str, ...]]] = {
    "JPEG": ("JPEG", (".jpg", ".jpeg", ".jpe")),
    "PNG": ("PNG", (".png",)),
    "TIFF": ("TIFF", (".tif", ".tiff")),
    "WEBP": ("WebP", (".webp",)),
    "HEIF": ("HEIF/HEIC", (".heic", ".heif", ".hif")),
}

LOCATION = "Location (GPS)"
DEVICE = "Device"
PEOPLE = "People"
TIME = "Time"
COMMENTS = "Comments and descriptions"
OTHER = "Other"
CATEGORIES = (LOCATION, DEVICE, PEOPLE, TIME, COMMENTS, OTHER)

_LOCATION_NAMES = {"City", "State", "Country", "CountryCode", "Location", "Sublocation",
                   "Sub-location", "Province-State", "Country-PrimaryLocationName",
                   "Country-PrimaryLocationCode", "WorldRegion", "ProvinceState", "CountryName",
                   "LocationShown", "LocationCreated", "CiAdrCity", "CiAdrCtry", "CiAdrExtadr",
                   "CiAdrPcode", "CiAdrRegion", "location", "ISO6709"}
_DEVICE_NAMES = {"profile creator", "device manufacturer", "Make", "Model", "BodySerialNumber",
                 "CameraSerialNumber", "SerialNumber",
                 "LensSerialNumber", "LensMake", "LensModel", "Lens", "InternalSerialNumber",
                 "Software", "HostComputer", "ImageUniqueID", "MakerNote", "CreatorTool",
                 "softwareAgent", "OriginatingProgram", "ProgramVersion", "encoder",
                 "device maker", "device model", "make", "model", "software",
                 "com.apple.quicktime.make", "com.apple.quicktime.model",
                 "com.apple.quicktime.software", "Source"}
_PEOPLE_NAMES = {"Artist", "Copyright", "CameraOwnerName", "OwnerName", "Owner", "XPAuthor",
                 "creator", "rights", "CopyrightNotice", "By-line", "By-lineTitle", "Credit",
                 "Contact", "Writer-Editor", "CaptionWriter", "AuthorsPosition", "Author",
                 "PersonInImage", "CiEmailWork", "CiTelWork", "CiUrlWork", "copyright",
                 "artist", "author", "com.apple.quicktime.author", "Marked", "WebStatement",
                 "UsageTerms", "contributor", "publisher"}
_TIME_NAMES = {"DateTime", "DateTimeOriginal", "DateTimeDigitized", "OffsetTime",
               "OffsetTimeOriginal", "OffsetTimeDigitized", "SubsecTime", "SubsecTimeOriginal",
               "SubsecTimeDigitized", "SubSecTime", "SubSecTimeOriginal", "SubSecTimeDigitized",
               "PreviewDateTime", "CreateDate", "ModifyDate", "MetadataDate", "DateCreated",
               "TimeCreated", "DigitalCreationDate", "DigitalCreationTime", "when",
               "Creation Time", "tIME", "creation_time", "date",
               "com.apple.quicktime.creationdate", "DateTimeCreated", "profile date"}
_COMMENT_NAMES = {"ImageDescription", "UserComment", "XPComment", "XPTitle", "XPSubject",
                  "XPKeywords", "description", "title", "subject", "Headline", "Instructions",
                  "SpecialInstructions", "Caption-Abstract", "ObjectName", "Keywords", "Comment",
                  "COM", "Label", "Description", "Title", "Disclaimer", "Warning", "comment",
                  "com.apple.quicktime.description", "com.apple.quicktime.title",
                  "com.apple.quicktime.keywords", "Category", "SupplementalCategories",
                  "Event", "Scene"}


def category_of(name: str) -> str:
    """The privacy category of a metadata item, judged by its (last, local) name."""
    local = name.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    if local.startswith("GPS") or local in _LOCATION_NAMES or "location" in local.lower():
        return LOCATION
    if local in _PEOPLE_NAMES or name in _PEOPLE_NAMES:
        return PEOPLE
    if local in _DEVICE_NAMES or name in _DEVICE_NAMES or "Serial" in local:
        return DEVICE
    if local in _TIME_NAMES or name in _TIME_NAMES:
        return TIME
    if local in _COMMENT_NAMES or name in _COMMENT_NAMES:
        return COMMENTS
    return OTHER


#: TIFF tags that describe the pixel layout, not the photo; not listed.
_STRUCTURAL = {256, 257, 258, 259, 262, 266, 273, 277, 278, 279, 284, 317, 320, 322, 323, 324,
               325, 338, 339, 529, 530, 531, 532}
_SHOWN_APART = {700, 33723, 34377, 34675}  # XMP, IPTC, Photoshop, ICC: listed apart
_POINTERS = {int(ExifTags.IFD.Exif), int(ExifTags.IFD.GPSInfo), int(ExifTags.IFD.Interop)}
_XMP_TIFF_TAG, _IPTC_TIFF_TAG, _PHOTOSHOP_TIFF_TAG, _ICC_TIFF_TAG = 700, 33723, 34377, 34675
#: Where an item was found ("group") when it is free text by nature.
_TEXT_GROUPS = {"JPEG comment": COMMENTS, "PNG text": COMMENTS}


@dataclass(frozen=True)
class Tag:
    """One metadata item: where it lives (``ifd``: the group), its name and its value as text."""

    ifd: str
    name: str
    value: str

    @property
    def category(self) -> str:
        """The privacy category of this item."""
        if self.ifd.endswith("GPS"):
            return LOCATION
        if self.name == "MakerNote text":
            return DEVICE
        found = category_of(self.name)
        if found == OTHER and self.ifd in _TEXT_GROUPS:
            return _TEXT_GROUPS[self.ifd]
        if self.ifd == "ICC profile":
            if self.value in ("Colour profile", ""):
                return OTHER  # what a scrub leaves: reveals nothing
            return COMMENTS if found == OTHER else found
        return found

    def to_dict(self) -> dict[str, str]:
        """A JSON-ready form."""
        return {"group": self.ifd, "name": self.name, "value": self.value,
                "category": self.category}


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
    positions: list[tuple[str, GpsPosition]] = field(default_factory=list)
    kind: str = "image"

    @property
    def format_name(self) -> str:
        """The format's usual name (``WebP`` rather than ``WEBP``)."""
        return SUPPORTED.get(self.format, (self.format,))[0]

    def add_position(self, where: str, position: GpsPosition | None) -> None:
        """Record a position found in group ``where`` (the first one is :attr:`gps`)."""
        if position is None:
            return
        self.positions.append((where, position))
        if self.gps is None:
            self.gps = position

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
        shown: set[str] = set()
        for where, pos in self.positions:
            if str(pos) not in shown:
                shown.add(str(pos))
                lines.append(f"  Position: {pos}" + ("" if where in ("GPS", "") else
                                                     f"  [{where}]"))
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
            "kind": self.kind,
            "gps": None if self.gps is None else {
                "latitude": self.gps.latitude, "longitude": self.gps.longitude,
                "altitude_m": self.gps.altitude_m},
            "positions": [{"group": w, "latitude": p.latitude, "longitude": p.longitude,
                           "altitude_m": p.altitude_m} for w, p in self.positions],
            "items": [t.to_dict() for t in self.tags],
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
_AVIF_BRANDS = {b"avif", b"avis"}


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
    if sniff_heif(data[:64]):
        from . import heif

        if data[8:12] in _AVIF_BRANDS or not heif.AVAILABLE:
            raise UnsupportedFormatError(
                f"{p}: is an {'AVIF' if data[8:12] in _AVIF_BRANDS else 'HEIF'} image, which "
                "this installation cannot read; supported formats are "
                f"{', '.join(v[0] for v in SUPPORTED.values())}")
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


# --- the JPEG container: see jpeg.py (re-exported here for existing imports) ----------------

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


def maker_note_texts(blob: bytes, *, shortest: int = 5, most: int = 30) -> list[str]:
    """Readable text inside a camera maker's private block (serial numbers, owner names, ...).

    Each maker has its own layout; rather than decode dozens of them, the runs of
    printable characters are listed, which is where names and serials are kept.
    """
    found: list[str] = []
    for run in re.findall(rb"[\x20-\x7e]{%d,}" % shortest, blob[:1 << 20]):
        text = run.decode("ascii").strip()
        if len(text) >= shortest and text not in found and not text.isspace():
            found.append(text)
        if len(found) >= most:
            break
    return found


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
                _read_containers(img, fmt, meta, data)
        finally:
            Image.MAX_IMAGE_PIXELS = limit
    meta.notes += [f"reader warning: {w.message}" for w in caught]
    note = extension_note(path, fmt)
    if note:
        meta.notes.insert(0, note)
    return meta


def _exif_groups(exif: Image.Exif) -> list[tuple[str, dict[int, Any]]]:
    """The directories of a Pillow EXIF object: main, Exif, GPS, Interop, thumbnail (IFD1)."""
    return [("Image", {k: v for k, v in exif.items()
                       if k not in _POINTERS | _STRUCTURAL | _SHOWN_APART}),
            ("Exif", dict(exif.get_ifd(ExifTags.IFD.Exif))),
            ("GPS", dict(exif.get_ifd(ExifTags.IFD.GPSInfo))),
            ("Interop", dict(exif.get_ifd(ExifTags.IFD.Interop))),
            ("Thumbnail", {k: v for k, v in exif.get_ifd(ExifTags.IFD.IFD1).items()
                           if k not in _STRUCTURAL | {513, 514}})]


def _add_exif(exif: Image.Exif, meta: MediaMetadata, prefix: str = "") -> None:
    """List every tag of every EXIF directory; ``prefix`` names a second EXIF block."""
    try:
        groups = _exif_groups(exif)
        has_thumb = bool(exif.get_ifd(ExifTags.IFD.IFD1))
    except Exception as err:  # noqa: BLE001 - any EXIF damage is reported, not fatal
        meta.notes.append(f"{prefix or 'the '}EXIF block is present but could not be read ({err})")
        return
    for ifd, tags in groups:
        names = ExifTags.GPSTAGS if ifd == "GPS" else ExifTags.TAGS
        for tag_id, value in tags.items():
            if ifd == "Exif" and tag_id in _POINTERS:
                continue
            name = names.get(tag_id, f"Tag0x{tag_id:04X}")
            meta.tags.append(Tag(prefix + ifd, name, _text(value, name)))
            if name == "MakerNote" and isinstance(value, bytes):
                meta.tags += [Tag(prefix + "MakerNote", "MakerNote text", text)
                              for text in maker_note_texts(value)]
    if groups[2][1]:
        meta.add_position(prefix + "GPS", _gps_position(groups[2][1]))
    meta.has_thumbnail = meta.has_thumbnail or has_thumb


def _add_exif_bytes(blob: bytes, meta: MediaMetadata, prefix: str = "") -> None:
    """Parse an EXIF block (with or without its ``Exif\\0\\0`` header) and list it."""
    exif = Image.Exif()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exif.load(blob if blob.startswith(b"Exif\x00\x00") else b"Exif\x00\x00" + blob)
        except Exception as err:  # noqa: BLE001
            meta.notes.append(f"{prefix or 'the '}EXIF block is present but could not be read "
                              f"({err})")
            return
    _add_exif(exif, meta, prefix)


def _xmp_coordinate(value: str) -> float | None:
    """An XMP GPS coordinate (``10,30.5N`` or ``10,30,15N`` or decimal) as decimal degrees."""
    text = value.strip()
    if not text:
        return None
    sign = -1 if text[-1] in "SWsw" else 1
    body = text[:-1] if text[-1] in "NSEWnsew" else text
    try:
        parts = [float(x) for x in body.split(",")]
    except ValueError:
        return None
    deg = sum(v / 60 ** i for i, v in enumerate(parts[:3]))
    return sign * deg if math.isfinite(deg) else None


def _add_xmp(packet: bytes, meta: MediaMetadata, group: str = "XMP") -> None:
    """Parse an XMP packet safely and list each property (see :mod:`.xmp`)."""
    from .xmp import parse_xmp

    if meta.xmp is None:
        meta.xmp = packet
    items, problem = parse_xmp(packet)
    if problem:
        meta.notes.append(problem)
        meta.tags.append(Tag(group, "XMP packet", f"{len(packet)} bytes that could not be read "
                                                  "(may hold any of the fields above)"))
        return
    lat = lon = None
    for name, value in items:
        meta.tags.append(Tag(group, name, value))
        local = name.rsplit("/", 1)[-1]
        if local.endswith(":GPSLatitude"):
            lat = _xmp_coordinate(value)
        elif local.endswith(":GPSLongitude"):
            lon = _xmp_coordinate(value)
    if lat is not None and lon is not None:
        meta.add_position(group, GpsPosition(lat, lon))
    if not items:
        meta.tags.append(Tag(group, "XMP packet", f"{len(packet)} bytes, no properties"))


def _add_iptc(items: list[tuple[str, str]], meta: MediaMetadata) -> None:
    """List IPTC datasets."""
    meta.tags += [Tag("IPTC", name, value) for name, value in items]


def _add_icc(profile: bytes, meta: MediaMetadata) -> None:
    """List the free-text tags of a colour profile."""
    from .icc import describe, header_items

    for name, text in describe(profile):
        meta.tags.append(Tag("ICC profile", name, text))
    for name, text in header_items(profile):
        meta.tags.append(Tag("ICC profile", name, text))


_XMP_ID = b"http://ns.adobe.com/xap/1.0/\x00"
_XMP_EXT_ID = b"http://ns.adobe.com/xmp/extension/\x00"
_APP_NAMES = {0xE2: "APP2", 0xE3: "APP3", 0xE4: "APP4", 0xE5: "APP5", 0xE6: "APP6",
              0xE7: "APP7", 0xE8: "APP8", 0xE9: "APP9", 0xEA: "APP10", 0xEB: "APP11",
              0xEC: "APP12", 0xED: "APP13", 0xEF: "APP15"}


def _read_jpeg(data: bytes, meta: MediaMetadata) -> None:
    """Every segment of a JPEG: each APP1 (EXIF, XMP, extended XMP), APP13 IPTC, ICC, COM."""
    from .iptc import iptc_from_app13

    layout = jpeg_layout(data, meta.path)
    exif_count = 0
    icc_parts: list[tuple[int, bytes]] = []
    extended: dict[bytes, dict[int, bytes]] = {}
    for seg in layout.segments:
        payload = data[seg.start + 4:seg.end]
        if seg.marker == 0xE1 and payload.startswith(b"Exif\x00\x00"):
            exif_count += 1
            _add_exif_bytes(payload, meta, "" if exif_count == 1 else
                            f"EXIF block {exif_count} ")
            if exif_count == 2:
                meta.notes.append("the file holds more than one EXIF block; programs that read "
                                  "only the first one miss the others")
        elif seg.marker == 0xE1 and payload.startswith(_XMP_ID):
            _add_xmp(payload[len(_XMP_ID):], meta)
        elif seg.marker == 0xE1 and payload.startswith(_XMP_EXT_ID):
            body = payload[len(_XMP_EXT_ID):]
            if len(body) > 40:
                offset = int.from_bytes(body[36:40], "big")
                extended.setdefault(body[:32], {})[offset] = body[40:]
        elif seg.marker == 0xE1:
            ident = payload[:40].split(b"\x00", 1)[0].decode("latin-1", "replace")
            meta.tags.append(Tag("JPEG APP1", f"APP1 {ident!r}", f"{len(payload)} bytes of "
                                 "unrecognised data (it may hold anything)"))
        elif seg.marker == 0xE2 and payload.startswith(b"ICC_PROFILE\x00"):
            icc_parts.append((payload[12] if len(payload) > 12 else 0, payload[14:]))
        elif seg.marker == 0xED:
            items = iptc_from_app13(payload)
            _add_iptc(items, meta)
            if not items:
                meta.tags.append(Tag("IPTC", "APP13", f"{len(payload)} bytes (Photoshop data; "
                                                      "can hold captions, names, places)"))
        elif seg.marker == 0xFE:
            meta.tags.append(Tag("JPEG comment", "COM", _text(payload)))
        elif seg.marker in _APP_NAMES and not (seg.marker == 0xE2 and payload.startswith(
                (b"MPF\x00", b"FPXR"))):
            ident = payload[:40].split(b"\x00", 1)[0].decode("latin-1", "replace")
            meta.tags.append(Tag("JPEG segment", f"{_APP_NAMES[seg.marker]} {ident!r}",
                                 f"{len(payload)} bytes of application data (it may hold "
                                 "anything)"))
    for parts in extended.values():
        _add_xmp(b"".join(parts[k] for k in sorted(parts)), meta, "XMP (extended)")
    if icc_parts:
        _add_icc(b"".join(p for _, p in sorted(icc_parts, key=lambda x: x[0])), meta)
    if layout.trailing:
        meta.notes.append(f"{layout.trailing} bytes follow the end of the image (such "
                          "trailers can hold extra images with their own metadata)")


def _read_png(data: bytes, meta: MediaMetadata) -> None:
    """Every chunk of a PNG: eXIf, text chunks (with XMP and raw profiles), iCCP, tIME, others."""
    import zlib

    from . import png
    from .iptc import iptc_records

    parts = png.chunks(data, meta.path)
    for c in parts:
        if c.type == b"eXIf":
            _add_exif_bytes(c.data, meta)
        elif c.type == b"iCCP":
            try:
                _add_icc(zlib.decompressobj().decompress(c.data.partition(b"\0")[2][1:], 1 << 24),
                         meta)
            except zlib.error:
                meta.notes.append("the colour profile chunk is damaged")
        elif c.type == b"tIME" and len(c.data) == 7:
            y, mo, d, h, mi, sec = int.from_bytes(c.data[:2], "big"), *c.data[2:7]
            meta.tags.append(Tag("PNG chunk", "tIME",
                                 f"{y:04d}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{sec:02d}"))
        elif c.type and c.type not in png.KEEP and c.type not in png.TEXT_CHUNKS:
            meta.tags.append(Tag("PNG chunk", c.name, f"{len(c.data)} bytes of private or "
                                                      "unknown data (it may hold anything)"))
    for _ctype, key, text in png.text_items(parts):
        if key == "XML:com.adobe.xmp":
            _add_xmp(text.encode("utf-8"), meta)
        elif key.startswith("Raw profile type "):
            blob = _raw_profile(text)
            kind = key[len("Raw profile type "):].lower()
            if blob and kind in ("exif", "app1"):
                _add_exif_bytes(blob[blob.find(b"Exif"):] if b"Exif" in blob[:16] else blob,
                                meta, "PNG raw profile ")
            elif blob and kind == "iptc":
                _add_iptc(iptc_records(blob[blob.find(b"\x1c"):]), meta)
            elif blob and kind == "xmp":
                _add_xmp(blob, meta)
            else:
                meta.tags.append(Tag("PNG text", key, f"{len(text)} characters of encoded data"))
        else:
            meta.tags.append(Tag("PNG text", key, _text(text)))
    trailing = png.trailing_bytes(parts)
    if trailing:
        meta.notes.append(f"{trailing} bytes follow the end of the image")


def _raw_profile(text: str) -> bytes | None:
    """Decode ImageMagick's "Raw profile type" text (name, length, then hex digits)."""
    lines = text.strip().split("\n", 2)
    if len(lines) < 3:
        return None
    try:
        return bytes.fromhex("".join(lines[2].split()))
    except ValueError:
        return None


def _read_webp(data: bytes, meta: MediaMetadata) -> None:
    """Every chunk of a WebP: EXIF, XMP, ICCP, and any chunk that is not part of the picture."""
    from .webp import IMAGE_CHUNKS, riff_chunks

    for fourcc, body in riff_chunks(data, meta.path):
        if fourcc == b"EXIF":
            _add_exif_bytes(body, meta)
        elif fourcc == b"XMP ":
            _add_xmp(body, meta)
        elif fourcc == b"ICCP":
            _add_icc(body, meta)
        elif fourcc not in IMAGE_CHUNKS:
            name = fourcc.decode("latin-1", "replace")
            meta.tags.append(Tag("WebP chunk", name.strip(), f"{len(body)} bytes of private or "
                                                             "unknown data (it may hold anything)"))


def _read_tiff(img: Image.Image, meta: MediaMetadata) -> None:
    """A TIFF's tags, its EXIF and GPS directories, XMP, IPTC and ICC."""
    from .iptc import iptc_records, photoshop_resources

    _add_exif(img.getexif(), meta)
    tag_v2 = getattr(img, "tag_v2", {})
    if _XMP_TIFF_TAG in tag_v2:
        value = tag_v2[_XMP_TIFF_TAG]
        _add_xmp(value if isinstance(value, bytes) else str(value).encode("utf-8"), meta)
    if _IPTC_TIFF_TAG in tag_v2:
        raw = tag_v2[_IPTC_TIFF_TAG]
        raw = raw if isinstance(raw, bytes) else bytes(raw) if isinstance(raw, tuple) else b""
        items = iptc_records(raw)
        _add_iptc(items, meta)
        if not items:
            meta.tags.append(Tag("IPTC", f"TIFF tag {_IPTC_TIFF_TAG}",
                                 "present (can hold captions, names, places)"))
    if _PHOTOSHOP_TIFF_TAG in tag_v2:
        raw = tag_v2[_PHOTOSHOP_TIFF_TAG]
        if isinstance(raw, bytes):
            for rid, block in photoshop_resources(raw):
                if rid == 0x0404:
                    _add_iptc(iptc_records(block), meta)
        meta.tags.append(Tag("IPTC", f"TIFF tag {_PHOTOSHOP_TIFF_TAG}",
                             "Photoshop data present (can hold captions, names, places)"))
    icc_profile = img.info.get("icc_profile")
    if icc_profile:
        _add_icc(icc_profile, meta)


def _read_containers(img: Image.Image, fmt: str, meta: MediaMetadata, data: bytes) -> None:
    """Read every place metadata can live in this format."""
    if fmt == "JPEG":
        _read_jpeg(data, meta)
    elif fmt == "PNG":
        _read_png(data, meta)
    elif fmt == "WEBP":
        _read_webp(data, meta)
    elif fmt == "TIFF":
        _read_tiff(img, meta)
    elif fmt == "HEIF":
        from .heif import read_heif_extras

        read_heif_extras(img, meta)
