"""Make a NEW copy of a photo that is safer to publish: no location, device, names or comments.

What is kept (a whitelist: anything not named here goes)
--------------------------------------------------------
Only what is needed to show the picture correctly: orientation, resolution,
colour space and the colour (ICC) profile. With ``keep_timestamps=True``
(``--keep-timestamps``) the capture times are kept too: EXIF ``DateTime``,
``DateTimeOriginal``, ``DateTimeDigitized``, their ``OffsetTime*`` and
``SubSecTime*`` companions and a PNG ``Creation Time`` chunk.

What is removed (by default, always)
------------------------------------
- location: the whole GPS directory;
- device: make, model, body/lens/camera serial numbers, software, host
  computer, unique image ID and the maker note (which often holds a serial);
- people: ``Artist``, ``Copyright`` (it usually names the photographer; add a
  credit line on purpose when publishing if you want one), ``CameraOwnerName``,
  ``XPAuthor``;
- comments: ``ImageDescription``, ``UserComment``, ``XPComment``/``XPTitle``/
  ``XPSubject``/``XPKeywords``, JPEG COM segments, PNG text chunks, XMP packets,
  IPTC/Photoshop blocks;
- timestamps, unless ``keep_timestamps`` is set;
- embedded thumbnails (they can show the picture before a crop or blur) and any
  bytes after a JPEG's end-of-image marker (such trailers can hold extra images).

How
---
- **JPEG**: the file is rebuilt from its own segments. Metadata segments
  (APP1 Exif/XMP, APP3–APP13, APP15, COM, MPF) are dropped, a new minimal APP1
  Exif built with Pillow's ``Image.Exif`` is inserted, and the compressed image data from the SOS
  marker to the EOI marker is copied byte for byte: the picture is not
  re-encoded and loses nothing.
- **PNG, TIFF, WebP**: the pixels are decoded with Pillow and saved into a fresh
  file without metadata (lossless: PNG, uncompressed TIFF, lossless WebP), with
  the EXIF orientation applied to the pixels. The pixels are identical; the
  bytes and the file size are not.

Safety
------
The original is never written to: the output must be a new path (the tool
refuses if it exists or is the input). After writing, the new file is read back
by an independent reader (exifread for JPEG, PNG and TIFF; piexif for JPEG and
WebP) and by Pillow; if any GPS tag or other removed item is still there, the
output is deleted and :class:`~coursekit.evidence.errors.ScrubCheckError` is raised.
"""

from __future__ import annotations

import io
import logging
import os
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import exifread
import piexif
from PIL import ExifTags, Image, ImageOps
from PIL.PngImagePlugin import PngInfo

from .errors import CheckFailedError, OutputRefusedError, ScrubCheckError, UnsupportedFormatError
from .hashing import sha256_file
from .metadata import CATEGORIES, OTHER, SUPPORTED, identify, jpeg_layout, read_metadata

_B = ExifTags.Base
_KEEP_0TH = {_B.Orientation, _B.XResolution, _B.YResolution, _B.ResolutionUnit,
             _B.YCbCrPositioning}
_KEEP_EXIF = {_B.ColorSpace, _B.ExifVersion}
_TIME_0TH = {_B.DateTime}
_TIME_EXIF = {_B.DateTimeOriginal, _B.DateTimeDigitized, _B.OffsetTime, _B.OffsetTimeOriginal,
              _B.OffsetTimeDigitized, _B.SubsecTime, _B.SubsecTimeOriginal,
              _B.SubsecTimeDigitized}

#: Tag names (as Pillow, exifread and piexif spell them) that must not survive a scrub.
REMOVED_NAMES = frozenset({
    "Make", "Model", "BodySerialNumber", "CameraSerialNumber", "LensSerialNumber", "LensMake",
    "LensModel", "Software", "HostComputer", "ImageUniqueID", "MakerNote", "Artist", "Copyright",
    "CameraOwnerName", "XPAuthor", "ImageDescription", "UserComment", "XPComment", "XPTitle",
    "XPSubject", "XPKeywords", "ApplicationNotes", "IPTCNAA", "ImageResources",
})
#: Timestamp tag names, removed unless timestamps are kept.
TIME_NAMES = frozenset({
    "DateTime", "DateTimeOriginal", "DateTimeDigitized", "OffsetTime", "OffsetTimeOriginal",
    "OffsetTimeDigitized", "SubSecTime", "SubSecTimeOriginal", "SubSecTimeDigitized",
    "SubsecTime", "SubsecTimeOriginal", "SubsecTimeDigitized", "PreviewDateTime",
})
_APP0, _APP1, _APP2, _APP14, _COM = 0xE0, 0xE1, 0xE2, 0xEE, 0xFE


@dataclass
class ScrubResult:
    """What :func:`scrub` did."""

    source: str
    output: str
    format: str
    source_sha256: str
    output_sha256: str
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    image_data: str = ""
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """A readable account of the scrub."""
        lines = [f"Wrote {self.output} (a new {SUPPORTED[self.format][0]} file); "
                 f"{self.source} was not changed.",
                 f"Image data: {self.image_data}."]
        if self.removed:
            lines.append(f"Removed ({len(self.removed)}):")
            lines += [f"  - {r}" for r in self.removed]
        else:
            lines.append("Removed: nothing (no revealing metadata was found).")
        if self.kept:
            lines.append("Kept on purpose:")
            lines += [f"  - {k}" for k in self.kept]
        lines += [f"Note: {n}" for n in self.notes]
        lines.append("Independent check passed: no GPS, device, name or comment metadata left.")
        lines.append(f"sha256 original {self.source_sha256}")
        lines.append(f"sha256 scrubbed {self.output_sha256}")
        return "\n".join(lines)


def check_output_path(src: Path, dst: Path, fmt: str) -> None:
    """Refuse an output that exists, is the input, lacks a folder or has the wrong ending."""
    if os.path.lexists(dst):
        raise OutputRefusedError(f"{dst}: already exists; scrub never overwrites a file "
                                 "(choose a new name)")
    if dst.resolve() == src.resolve():
        raise OutputRefusedError(f"{dst}: is the input file; scrub always writes a new file")
    if not dst.parent.is_dir():
        raise OutputRefusedError(f"{dst}: the folder {dst.parent} does not exist")
    name, endings = SUPPORTED[fmt]
    if dst.suffix.lower() not in endings:
        raise OutputRefusedError(f"{dst}: the input is {name}, so the output name should end "
                                 f"in {' or '.join(endings)}")


def scrub(src: str | os.PathLike[str], dst: str | os.PathLike[str], *,
          keep_timestamps: bool = False) -> ScrubResult:
    """Write a scrubbed copy of ``src`` to the new path ``dst`` and check it independently.

    See the module docstring for what is kept and removed. Raises
    :class:`~coursekit.evidence.errors.InputFileError`,
    :class:`~coursekit.evidence.errors.BadImageError`,
    :class:`~coursekit.evidence.errors.UnsupportedFormatError` for bad input,
    :class:`OutputRefusedError` for a bad output path and :class:`ScrubCheckError`
    (after deleting the output) if the independent check finds leftovers.
    """
    src_p, dst_p = Path(src), Path(dst)
    fmt = identify(src_p)
    check_output_path(src_p, dst_p, fmt)
    before_hash = sha256_file(src_p)
    before = read_metadata(src_p)
    data = src_p.read_bytes()
    notes: list[str] = []
    if fmt == "JPEG":
        new_bytes = scrub_jpeg_bytes(data, keep_timestamps=keep_timestamps, notes=notes,
                                     name=str(src_p))
        image_data = "compressed image data (SOS to EOI) copied byte for byte, not re-encoded"
    else:
        new_bytes, identical = _resave(src_p, fmt, keep_timestamps=keep_timestamps, notes=notes)
        image_data = ("pixels re-saved losslessly" + (", identical to the original's"
                                                      if identical else ", NOT identical"))
    try:
        with open(dst_p, "xb") as f:
            f.write(new_bytes)
    except FileExistsError:
        raise OutputRefusedError(f"{dst_p}: already exists; nothing was overwritten") from None
    except OSError as err:
        raise OutputRefusedError(f"{dst_p}: cannot be written ({err.strerror or err})") from None
    try:
        leftovers = find_leftovers(dst_p, fmt, keep_timestamps=keep_timestamps)
        if fmt == "JPEG" and not leftovers:
            out_layout = jpeg_layout(new_bytes, str(dst_p))
            src_layout = jpeg_layout(data, str(src_p))
            if (new_bytes[out_layout.scan_start:out_layout.scan_end]
                    != data[src_layout.scan_start:src_layout.scan_end]):
                leftovers.append("the compressed image data differs from the original's")
    except Exception:
        dst_p.unlink(missing_ok=True)
        raise
    if leftovers:
        dst_p.unlink(missing_ok=True)
        raise ScrubCheckError(
            f"{dst_p}: the independent check found metadata that should have been removed, so "
            "the output was deleted:\n" + "\n".join(f"  - {x}" for x in leftovers))
    if sha256_file(src_p) != before_hash:  # pragma: no cover - would be a bug or another process
        raise CheckFailedError(f"{src_p}: the original changed while scrubbing")
    after = read_metadata(dst_p)
    after_keys = {(t.ifd, t.name, t.value) for t in after.tags}
    gone = sorted((t for t in before.tags if (t.ifd, t.name, t.value) not in after_keys),
                  key=lambda t: CATEGORIES.index(t.category))
    removed = [f"{t.category}: {t.name}" + ("" if t.category == OTHER else f" = {t.value}")
               for t in gone]
    if before.has_thumbnail:
        removed.append("Thumbnail: embedded preview image")
    kept = [f"{t.category}: {t.name} = {t.value}" for t in after.tags if t.category != OTHER]
    return ScrubResult(os.fspath(src), os.fspath(dst), fmt, before_hash,
                       sha256_file(dst_p), removed, kept, image_data, notes)


# --- JPEG --------------------------------------------------------------------------------

def _exif_subset(exif: Image.Exif, keep0: set[int], keep_exif: set[int]) -> bytes | None:
    """A new EXIF block (built with Pillow) holding only the listed tags, or None if none remain.

    Nothing is deleted from the original block: a fresh one is built, so GPS,
    thumbnails and any tag not listed simply never get in.
    """
    clean = Image.Exif()
    for tag in sorted(keep0):
        if tag in exif:
            clean[tag] = exif[tag]
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    kept = {tag: sub[tag] for tag in sorted(keep_exif) if tag in sub}
    if kept:
        clean[ExifTags.IFD.Exif] = kept
    return clean.tobytes() if len(clean) else None


def _clean_exif(exif: Image.Exif, keep_timestamps: bool) -> bytes | None:
    """The whitelisted tags of a JPEG's EXIF (display tags, plus times if asked)."""
    return _exif_subset(exif, _KEEP_0TH | (_TIME_0TH if keep_timestamps else set()),
                        _KEEP_EXIF | (_TIME_EXIF if keep_timestamps else set()))


def _jfif_without_thumbnail(segment: bytes) -> bytes | None:
    """A JFIF APP0 segment with its thumbnail removed (None if it is malformed)."""
    payload = segment[4:]
    if len(payload) < 14:
        return None
    new = payload[:12] + b"\x00\x00"
    return b"\xff\xe0" + struct.pack(">H", len(new) + 2) + new


def scrub_jpeg_bytes(data: bytes, *, keep_timestamps: bool = False,
                     notes: list[str] | None = None, name: str = "JPEG data") -> bytes:
    """Rebuild a JPEG without metadata segments, keeping the image data (SOS..EOI) as is."""
    notes = notes if notes is not None else []
    layout = jpeg_layout(data, name)
    bad_between = [m for m in layout.between_scans if 0xE0 <= m <= 0xEF or m == _COM]
    if bad_between:
        raise UnsupportedFormatError(
            f"{name}: has metadata segments between its image scans; it cannot be scrubbed "
            "without re-encoding the picture")
    jfif: bytes | None = None
    exif_payload: bytes | None = None
    kept: list[bytes] = []
    for seg in layout.segments:
        raw = data[seg.start:seg.end]
        payload = raw[4:]
        if seg.marker == _APP0:
            if jfif is None and payload.startswith(b"JFIF\x00"):
                jfif = _jfif_without_thumbnail(raw)
        elif seg.marker == _APP1:
            if exif_payload is None and payload.startswith(b"Exif\x00\x00"):
                exif_payload = payload
        elif seg.marker == _APP2:
            if payload.startswith(b"ICC_PROFILE\x00"):
                kept.append(raw)
        elif seg.marker == _APP14:
            if payload.startswith(b"Adobe"):
                kept.append(raw)  # colour transform flag, needed to decode correctly
        elif 0xE0 <= seg.marker <= 0xEF or seg.marker == _COM:
            continue  # every other application segment and every comment is dropped
        else:
            kept.append(raw)  # tables and frame headers: DQT, DHT, SOFn, DRI, ...
    exif_segment = b""
    if exif_payload is not None:
        original = Image.Exif()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                original.load(exif_payload)
            except Exception:  # noqa: BLE001 - damaged EXIF is dropped entirely, which is safe
                original = Image.Exif()
        if caught or not len(original):
            notes.append("the EXIF block was damaged; whatever could not be read was removed")
        dumped = _clean_exif(original, keep_timestamps)
        if dumped:
            exif_segment = b"\xff\xe1" + struct.pack(">H", len(dumped) + 2) + dumped
    if layout.trailing:
        notes.append(f"removed {layout.trailing} bytes after the end of the image")
    return b"".join([b"\xff\xd8", jfif or b"", exif_segment, *kept,
                     data[layout.scan_start:layout.scan_end]])


# --- PNG, TIFF, WebP ---------------------------------------------------------------------

def _timestamp_exif(img: Image.Image) -> bytes | None:
    """EXIF bytes holding only the capture times of ``img``."""
    return _exif_subset(img.getexif(), set(_TIME_0TH), set(_TIME_EXIF))


def _resave(src: Path, fmt: str, *, keep_timestamps: bool,
            notes: list[str]) -> tuple[bytes, bool]:
    """Decode the pixels and save them into a fresh file with no metadata.

    Returns the new file's bytes and whether its pixels equal the source's.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(src) as img:
            frames = getattr(img, "n_frames", 1)
            if frames > 1:
                raise UnsupportedFormatError(
                    f"{src}: holds {frames} frames (pages or animation); only single images "
                    "can be scrubbed")
            img.load()
            icc = img.info.get("icc_profile")
            transparency = img.info.get("transparency")
            times = _timestamp_exif(img) if keep_timestamps else None
            creation = getattr(img, "text", {}).get("Creation Time") if keep_timestamps else None
            orientation = img.getexif().get(ExifTags.Base.Orientation, 1)
            upright = ImageOps.exif_transpose(img)
    if orientation not in (1, None):
        notes.append("the EXIF orientation was applied to the pixels")
    clean = upright.copy()
    clean.info = {}
    options: dict[str, Any] = {}
    if icc:
        options["icc_profile"] = icc
    if times:
        options["exif"] = times
    if fmt == "PNG":
        info = PngInfo()
        if creation:
            info.add_text("Creation Time", creation)
        options["pnginfo"] = info
        if transparency is not None:
            options["transparency"] = transparency
    elif fmt == "WEBP":
        options.update(lossless=True, exact=True, quality=100)
    buf = io.BytesIO()
    clean.save(buf, format=fmt, **options)
    new = buf.getvalue()
    with Image.open(io.BytesIO(new)) as out:
        out.load()
        reference = clean if clean.mode == out.mode else clean.convert(out.mode)
        identical = out.size == reference.size and out.tobytes() == reference.tobytes()
    return new, identical


# --- the independent check ---------------------------------------------------------------

@contextmanager
def _quiet_exifread() -> Iterator[None]:
    """Silence exifread's log messages (e.g. 'no EXIF') while it checks a file."""
    logger = logging.getLogger("exifread")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _banned(name: str, keep_timestamps: bool) -> bool:
    """Whether a tag name must not survive a scrub."""
    return name in REMOVED_NAMES or (not keep_timestamps and name in TIME_NAMES)


def find_leftovers(path: str | os.PathLike[str], fmt: str, *,
                   keep_timestamps: bool = False) -> list[str]:
    """Everything in ``path`` that a scrub must have removed, found by two readers.

    exifread (JPEG, PNG, TIFF) and piexif (JPEG, WebP) read the file
    independently of the Pillow code that wrote PNG/TIFF/WebP output; Pillow then
    checks all formats, including XMP, comments and text chunks.
    """
    p = Path(path)
    found: list[str] = []
    if fmt in ("JPEG", "PNG", "TIFF"):
        with _quiet_exifread(), open(p, "rb") as f:
            tags = exifread.process_file(f, details=False)
        for key in tags:
            group, _, name = key.partition(" ")
            if group == "GPS" or name == "GPSInfo":
                found.append(f"exifread: GPS tag {key}")
            elif key == "JPEGThumbnail" or group == "Thumbnail":
                found.append(f"exifread: thumbnail ({key})")
            elif _banned(name, keep_timestamps):
                found.append(f"exifread: {key}")
    if fmt in ("JPEG", "WEBP"):
        try:
            loaded = piexif.load(str(p))
        except ValueError as err:
            if "have exif" not in str(err):  # piexif: "doesnot have exif" = no EXIF at all
                found.append(f"piexif cannot read the output ({err})")
            loaded = {}
        except Exception as err:  # noqa: BLE001
            found.append(f"piexif cannot read the output ({err})")
            loaded = {}
        if loaded:
            if loaded.get("GPS"):
                found.append(f"piexif: GPS tags {sorted(loaded['GPS'])}")
            if loaded.get("thumbnail"):
                found.append("piexif: thumbnail")
            for ifd in ("0th", "Exif", "1st"):
                for tag in loaded.get(ifd, {}):
                    name = piexif.TAGS.get("Image" if ifd != "Exif" else "Exif", {}).get(
                        tag, {}).get("name", str(tag))
                    if name == "GPSTag" or _banned(name, keep_timestamps):
                        found.append(f"piexif: {ifd} {name}")
    found += _pillow_leftovers(p, fmt, keep_timestamps)
    return found


def _pillow_leftovers(p: Path, fmt: str, keep_timestamps: bool) -> list[str]:
    """Pillow's view of the output: EXIF, GPS, thumbnail, XMP, comments, text chunks."""
    found: list[str] = []
    with Image.open(p) as img:
        img.load()
        exif = img.getexif()
        if ExifTags.IFD.GPSInfo in exif or exif.get_ifd(ExifTags.IFD.GPSInfo):
            found.append("Pillow: GPS directory")
        if exif.get_ifd(ExifTags.IFD.IFD1):
            found.append("Pillow: thumbnail directory")
        for tags in (exif, exif.get_ifd(ExifTags.IFD.Exif)):
            for tag_id in tags:
                name = ExifTags.TAGS.get(tag_id, "")
                if _banned(name, keep_timestamps):
                    found.append(f"Pillow: {name}")
        for key in ("xmp", "XML:com.adobe.xmp", "comment", "photoshop", "iptc"):
            if img.info.get(key):
                found.append(f"Pillow: {key}")
        if fmt == "JPEG":
            for marker, _data in getattr(img, "applist", []):
                if marker in ("COM", "APP13") or marker not in ("APP0", "APP1", "APP2", "APP14"):
                    found.append(f"Pillow: JPEG {marker} segment")
        if fmt == "PNG":
            allowed = {"Creation Time"} if keep_timestamps else set()
            found += [f"Pillow: PNG text chunk {k!r}" for k in getattr(img, "text", {})
                      if k not in allowed]
        if fmt == "TIFF":
            tag_v2 = getattr(img, "tag_v2", {})
            found += [f"Pillow: TIFF tag {t}" for t in (700, 33723, 34377, 37510, 315, 33432)
                      if t in tag_v2]
    return found
