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
- **PNG** and **WebP**: the file is rebuilt from its own chunks (see
  :mod:`~coursekit.evidence.png`, :mod:`~coursekit.evidence.webp`): the
  compressed picture (IDAT; VP8/VP8L/ALPH) is copied byte for byte, so a 16-bit
  PNG stays 16-bit; text, EXIF, XMP, ``tIME`` and private chunks go.
- **HEIF/HEIC**: the metadata items are overwritten in place (see
  :mod:`~coursekit.evidence.heif`); the coded picture is not touched.
- **TIFF**: the pixels are decoded with Pillow and saved into a fresh,
  uncompressed file; if Pillow keeps fewer bits per channel than the original
  has (48-bit colour), the summary says so and does not call the copy identical.
- **Video** (MP4, MOV, M4V): see :mod:`~coursekit.evidence.video`.
- In every format the colour (ICC) profile is kept for its colours, but its
  free texts (description, copyright, device) and header names are cleared, and
  a kept tag whose value is not the plain value it should be (free text in a
  date, say) is dropped.

Safety
------
The original is never written to: the output must be a new path (the tool
refuses if it exists or is the input). The new bytes are checked *before*
anything is written, by independent readers (exifread for JPEG, PNG and TIFF;
piexif for JPEG and WebP), by Pillow, and by walking the container again (bytes
after a JPEG's end, chunks a scrub never keeps); the compressed image data is
compared with the original's. If anything is left, nothing is written and
:class:`~coursekit.evidence.errors.ScrubCheckError` is raised. The file then
appears atomically (:func:`~coursekit.evidence.safeio.write_new`). Images larger
than ``max_pixels`` are refused before any pixel is decoded.
"""

from __future__ import annotations

import io
import logging
import os
import re
import struct
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import exifread
import piexif
from PIL import ExifTags, Image, ImageOps

from . import icc, png, webp
from .errors import CheckFailedError, OutputRefusedError, ScrubCheckError, UnsupportedFormatError
from .hashing import read_input, sha256_bytes, sha256_file
from .metadata import (
    CATEGORIES,
    DEFAULT_MAX_PIXELS,
    OTHER,
    SUPPORTED,
    identify,
    is_video,
    jpeg_image_data,
    jpeg_layout,
    read_metadata,
)
from .safeio import write_new

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
        lines = [f"Wrote {self.output} (a new {SUPPORTED.get(self.format, (self.format,))[0]} file); "
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
        raise OutputRefusedError(f"{dst}: cannot be written (the folder {dst.parent} does not "
                                 "exist)")
    name, endings = SUPPORTED[fmt]
    if dst.suffix.lower() not in endings:
        raise OutputRefusedError(f"{dst}: the input is {name}, so the output name should end "
                                 f"in {' or '.join(endings)}")


def scrub(src: str | os.PathLike[str], dst: str | os.PathLike[str], *,
          keep_timestamps: bool = False, max_pixels: int = DEFAULT_MAX_PIXELS) -> ScrubResult:
    """Write a scrubbed copy of ``src`` to the new path ``dst`` and check it independently.

    See the module docstring for what is kept and removed. The new bytes are
    checked *before* anything is written; the file then appears atomically (see
    :func:`~coursekit.evidence.safeio.write_new`). Raises
    :class:`~coursekit.evidence.errors.InputFileError`,
    :class:`~coursekit.evidence.errors.BadImageError`,
    :class:`~coursekit.evidence.errors.UnsupportedFormatError` for bad input,
    :class:`OutputRefusedError` for a bad output path and :class:`ScrubCheckError`
    (nothing written) if the independent check finds leftovers.
    """
    src_p, dst_p = Path(src), Path(dst)
    if is_video(src_p):
        from .video import scrub_video

        return scrub_video(src_p, dst_p, keep_timestamps=keep_timestamps)
    data = read_input(src_p)
    fmt = identify(src_p, max_pixels=max_pixels, data=data)
    check_output_path(src_p, dst_p, fmt)
    before_hash = sha256_bytes(data)
    before = read_metadata(src_p, max_pixels=max_pixels, data=data)
    notes: list[str] = []
    if fmt == "JPEG":
        new_bytes = scrub_jpeg_bytes(data, keep_timestamps=keep_timestamps, notes=notes,
                                     name=str(src_p))
        image_data = "compressed image data (SOS to EOI) copied byte for byte, not re-encoded"
    elif fmt == "PNG":
        new_bytes = scrub_png_bytes(data, keep_timestamps=keep_timestamps, notes=notes,
                                    name=str(src_p))
        image_data = ("compressed image data (IDAT chunks) copied byte for byte, not "
                      "re-encoded: same pixels at the same bit depth")
    elif fmt == "WEBP":
        new_bytes = scrub_webp_bytes(data, keep_timestamps=keep_timestamps, notes=notes,
                                     name=str(src_p))
        image_data = ("compressed image data (VP8/VP8L chunks) copied byte for byte, not "
                      "re-encoded: same pixels")
    elif fmt == "HEIF":
        from .heif import scrub_heif_bytes

        new_bytes, image_data = scrub_heif_bytes(data, keep_timestamps=keep_timestamps,
                                                 notes=notes, name=str(src_p))
    else:
        new_bytes, identical = _resave(src_p, fmt, keep_timestamps=keep_timestamps, notes=notes,
                                       data=data)
        image_data = ("pixels re-saved losslessly" + (", identical to the original's"
                                                      if identical else ", NOT identical "
                                                      "(see the notes)"))
    leftovers = find_leftovers_in(new_bytes, fmt, keep_timestamps=keep_timestamps)
    if fmt == "JPEG" and jpeg_image_data(new_bytes) != jpeg_image_data(data):
        leftovers.append("the compressed image data differs from the original's")
    if fmt == "WEBP" and webp.picture_bytes(new_bytes) != webp.picture_bytes(data):
        leftovers.append("the compressed image data differs from the original's")
    if fmt == "PNG" and png.raw_pixels(new_bytes) != png.raw_pixels(data):
        leftovers.append("the pixels differ from the original's")
    if fmt == "HEIF":
        from .heif import decoded_pixels

        if decoded_pixels(new_bytes) != decoded_pixels(data):
            leftovers.append("the decoded picture differs from the original's")
    if leftovers:
        raise ScrubCheckError(
            f"{dst_p}: the independent check found metadata that should have been removed, so "
            "nothing was written:\n" + "\n".join(f"  - {x}" for x in leftovers))
    write_new(dst_p, new_bytes, what="scrubbed copy")
    if sha256_file(src_p) != before_hash:  # pragma: no cover - would be a bug or another process
        raise CheckFailedError(f"{src_p}: the original changed while scrubbing")
    after = read_metadata(dst_p, max_pixels=max_pixels, data=new_bytes)
    after_keys = {(t.ifd, t.name, t.value) for t in after.tags}
    gone = sorted((t for t in before.tags if (t.ifd, t.name, t.value) not in after_keys),
                  key=lambda t: CATEGORIES.index(t.category))
    removed = [f"{t.category}: {t.name}" + ("" if t.category == OTHER else f" = {t.value}")
               for t in gone]
    if before.has_thumbnail:
        removed.append("Thumbnail: embedded preview image")
    kept = [f"{t.category}: {t.name} = {t.value}" for t in after.tags if t.category != OTHER]
    return ScrubResult(os.fspath(src), os.fspath(dst), fmt, before_hash,
                       sha256_bytes(new_bytes), removed, kept, image_data, notes)


# --- JPEG --------------------------------------------------------------------------------

_DATE_RE = re.compile(r"\d{4}:\d\d:\d\d \d\d:\d\d:\d\d")
_OFFSET_RE = re.compile(r"[+-]\d\d:\d\d")
_SUBSEC_RE = re.compile(r"\d{1,9}")


def _is_number(value: Any) -> bool:
    """A plain number (int, float or rational), not text."""
    return isinstance(value, (int, float)) or type(value).__name__ == "IFDRational"


def kept_value_ok(tag: int, value: Any) -> bool:
    """Whether a value of a kept tag is the plain value that tag needs (no free text in it)."""
    if isinstance(value, str):
        value = value.rstrip("\x00")
    if tag == _B.Orientation:
        return isinstance(value, int) and 1 <= value <= 8
    if tag in (_B.XResolution, _B.YResolution):
        return _is_number(value)
    if tag in (_B.ResolutionUnit, _B.YCbCrPositioning, _B.ColorSpace):
        return isinstance(value, int) and not isinstance(value, bool)
    if tag == _B.ExifVersion:
        return isinstance(value, bytes) and re.fullmatch(rb"\d{4}", value) is not None
    if tag in (_B.DateTime, _B.DateTimeOriginal, _B.DateTimeDigitized):
        return isinstance(value, str) and _DATE_RE.fullmatch(value) is not None
    if tag in (_B.OffsetTime, _B.OffsetTimeOriginal, _B.OffsetTimeDigitized):
        return isinstance(value, str) and _OFFSET_RE.fullmatch(value) is not None
    if tag in (_B.SubsecTime, _B.SubsecTimeOriginal, _B.SubsecTimeDigitized):
        return isinstance(value, str) and _SUBSEC_RE.fullmatch(value) is not None
    return False


def _exif_subset(exif: Image.Exif, keep0: set[int], keep_exif: set[int],
                 dropped: list[str] | None = None) -> bytes | None:
    """A new EXIF block (built with Pillow) holding only the listed tags, or None if none remain.

    Nothing is deleted from the original block: a fresh one is built, so GPS,
    thumbnails and any tag not listed simply never get in. A listed tag whose
    value is not the plain value it should be (free text hidden in a date, say)
    is left out too, and its name added to ``dropped``.
    """
    clean = Image.Exif()
    dropped = dropped if dropped is not None else []
    for tag in sorted(keep0):
        if tag in exif:
            if kept_value_ok(tag, exif[tag]):
                clean[tag] = exif[tag]
            else:
                dropped.append(ExifTags.TAGS.get(tag, str(tag)))
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    kept = {}
    for tag in sorted(keep_exif):
        if tag in sub:
            if kept_value_ok(tag, sub[tag]):
                kept[tag] = sub[tag]
            else:
                dropped.append(ExifTags.TAGS.get(tag, str(tag)))
    if kept:
        clean[ExifTags.IFD.Exif] = kept
    return clean.tobytes() if len(clean) else None


def _clean_exif(exif: Image.Exif, keep_timestamps: bool,
                dropped: list[str] | None = None) -> bytes | None:
    """The whitelisted tags of an EXIF block (display tags, plus times if asked)."""
    return _exif_subset(exif, _KEEP_0TH | (_TIME_0TH if keep_timestamps else set()),
                        _KEEP_EXIF | (_TIME_EXIF if keep_timestamps else set()), dropped)


def _dropped_note(dropped: list[str]) -> list[str]:
    """A note for kept tags removed because they held something other than their value."""
    if not dropped:
        return []
    return [f"removed {', '.join(sorted(set(dropped)))}: normally kept, but the value held "
            "text or data that is not a plain value of that tag"]


def _load_exif(payload: bytes, notes: list[str]) -> Image.Exif:
    """Parse an EXIF block with Pillow; a damaged one becomes empty (which is safe)."""
    original = Image.Exif()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            original.load(payload)
        except Exception:  # noqa: BLE001 - damaged EXIF is dropped entirely, which is safe
            original = Image.Exif()
    if caught or not len(original):
        notes.append("the EXIF block was damaged; whatever could not be read was removed")
    return original


_ICC_JPEG = b"ICC_PROFILE\x00"


def _jpeg_icc_segments(profile: bytes) -> list[bytes]:
    """An ICC profile split into JPEG APP2 segments."""
    size = 65519 - len(_ICC_JPEG) - 2
    parts = [profile[i:i + size] for i in range(0, len(profile), size)] or [b""]
    return [b"\xff\xe2" + struct.pack(">H", len(_ICC_JPEG) + 4 + len(part)) + _ICC_JPEG
            + bytes([i + 1, len(parts)]) + part for i, part in enumerate(parts)]


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
    icc_parts: list[tuple[int, bytes]] = []
    icc_at: int | None = None
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
            if payload.startswith(_ICC_JPEG):
                icc_at = len(kept) if icc_at is None else icc_at
                icc_parts.append((payload[len(_ICC_JPEG)] if len(payload) > 12 else 0,
                                  payload[len(_ICC_JPEG) + 2:]))
        elif seg.marker == _APP14:
            if payload.startswith(b"Adobe"):
                kept.append(raw)  # colour transform flag, needed to decode correctly
        elif 0xE0 <= seg.marker <= 0xEF or seg.marker == _COM:
            continue  # every other application segment and every comment is dropped
        else:
            kept.append(raw)  # tables and frame headers: DQT, DHT, SOFn, DRI, ...
    if icc_parts:
        profile = b"".join(part for _, part in sorted(icc_parts, key=lambda x: x[0]))
        cleaned, changes = icc.clean_profile(profile)
        notes += changes
        kept[icc_at:icc_at] = _jpeg_icc_segments(cleaned)  # type: ignore[index]
    exif_segment = b""
    if exif_payload is not None:
        dropped: list[str] = []
        dumped = _clean_exif(_load_exif(exif_payload, notes), keep_timestamps, dropped)
        notes += _dropped_note(dropped)
        if dumped:
            exif_segment = b"\xff\xe1" + struct.pack(">H", len(dumped) + 2) + dumped
    if layout.trailing:
        notes.append(f"removed {layout.trailing} bytes after the end of the image")
    return b"".join([b"\xff\xd8", jfif or b"", exif_segment, *kept,
                     data[layout.scan_start:layout.scan_end]])


# --- WebP --------------------------------------------------------------------------------

def scrub_webp_bytes(data: bytes, *, keep_timestamps: bool = False,
                     notes: list[str] | None = None, name: str = "WebP data") -> bytes:
    """Rebuild a WebP from its own chunks: the picture kept byte for byte, metadata gone.

    Kept: VP8/VP8L/ALPH (and ANIM/ANMF), the VP8X header with its flags updated,
    the ICC profile with its texts cleared and, only with ``keep_timestamps``, a
    new EXIF chunk holding the capture times. Dropped: EXIF, XMP and every chunk
    a program added for its own use.
    """
    notes = notes if notes is not None else []
    parts = webp.riff_chunks(data, name)
    profile = next((b for f, b in parts if f == b"ICCP"), None)
    if profile:
        profile, changes = icc.clean_profile(profile)
        notes += changes
    exif_bytes = None
    raw_exif = next((b for f, b in parts if f == b"EXIF"), None)
    if raw_exif is not None:
        dropped: list[str] = []
        payload = raw_exif if raw_exif.startswith(b"Exif\x00\x00") else b"Exif\x00\x00" + raw_exif
        cleaned = _clean_exif(_load_exif(payload, notes), keep_timestamps, dropped)
        notes += _dropped_note(dropped)
        exif_bytes = cleaned[6:] if cleaned and keep_timestamps else None
    odd = sorted({f.decode("latin-1").strip() for f, _ in parts
                  if f not in webp.IMAGE_CHUNKS and f not in (b"ICCP", b"EXIF", b"XMP ")})
    if odd:
        notes.append(f"removed chunks {', '.join(odd)} (private or unknown data)")
    return webp.rebuild(parts, icc=profile or None, exif=exif_bytes)


# --- PNG ---------------------------------------------------------------------------------

def scrub_png_bytes(data: bytes, *, keep_timestamps: bool = False,
                    notes: list[str] | None = None, name: str = "PNG data") -> bytes:
    """Rebuild a PNG from its own chunks: the picture's chunks kept as they are, metadata gone.

    Kept: IHDR, PLTE, IDAT (byte for byte), tRNS and the colour chunks; the ICC
    profile with its texts cleared; a new minimal ``eXIf`` with the orientation
    (and the capture times with ``keep_timestamps``); a ``Creation Time`` text
    chunk with ``keep_timestamps`` if it is a plain date. Everything else goes:
    text chunks, XMP, ``tIME``, private chunks and bytes after IEND.
    """
    notes = notes if notes is not None else []
    parts = png.chunks(data, name)
    replace: dict[bytes, bytes | None] = {}
    extra: list[bytes] = []
    for c in parts:
        if c.type == b"iCCP":
            pname, _, rest = c.data.partition(b"\0")
            try:
                profile = zlib.decompress(rest[1:])
            except zlib.error:
                replace[b"iCCP"] = None
                notes.append("the colour profile was unreadable and was removed")
                continue
            cleaned, changes = icc.clean_profile(profile)
            notes += changes
            if pname != b"ICC profile" or changes:
                replace[b"iCCP"] = b"ICC profile\0\0" + zlib.compress(cleaned, 9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(io.BytesIO(data)) as img:
            exif = img.getexif()
            exif_bytes = _timestamp_exif(img) if keep_timestamps else None
            creation = getattr(img, "text", {}).get("Creation Time") if keep_timestamps else None
    dropped: list[str] = []
    if exif_bytes is None:
        exif_bytes = _clean_exif(exif, keep_timestamps, dropped)
    else:
        orientation = exif.get(_B.Orientation)
        if orientation not in (None, 1) and kept_value_ok(_B.Orientation, orientation):
            merged = Image.Exif()
            merged.load(exif_bytes)
            merged[_B.Orientation] = orientation
            exif_bytes = merged.tobytes()
    notes += _dropped_note(dropped)
    if exif_bytes:
        extra.append(png.Chunk(b"eXIf", exif_bytes[6:], 0, 0).raw)  # without "Exif\0\0"
    if creation:
        if re.fullmatch(r"[0-9T:+\-Z. ]{4,40}", creation):
            extra.append(png.text_chunk("Creation Time", creation))
        else:
            notes.append("removed the Creation Time text: it held more than a date")
    trailing = png.trailing_bytes(parts)
    if trailing:
        notes.append(f"removed {trailing} bytes after the end of the image")
    dropped_chunks = sorted({c.name for c in parts if c.type and c.type not in png.KEEP
                             and c.type not in png.TEXT_CHUNKS
                             and c.type not in (b"eXIf", b"tIME")})
    if dropped_chunks:
        notes.append(f"removed chunks {', '.join(dropped_chunks)} (private or unknown data)")
    return png.rebuild(parts, replace, extra)


# --- PNG, TIFF, WebP ---------------------------------------------------------------------

def _timestamp_exif(img: Image.Image) -> bytes | None:
    """EXIF bytes holding only the capture times of ``img``."""
    return _exif_subset(img.getexif(), set(_TIME_0TH), set(_TIME_EXIF))


def _resave(src: Path, fmt: str, *, keep_timestamps: bool, notes: list[str],
            data: bytes | None = None) -> tuple[bytes, bool]:
    """Decode the pixels and save them into a fresh file with no metadata (TIFF, WebP).

    Returns the new file's bytes and whether its pixels equal the source's; when
    they cannot (more bits per sample than Pillow keeps), ``notes`` says exactly
    what changed.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(io.BytesIO(data) if data is not None else src) as img:
            frames = getattr(img, "n_frames", 1)
            if frames > 1:
                raise UnsupportedFormatError(
                    f"{src}: holds {frames} frames (pages or animation); only single images "
                    "can be scrubbed")
            bits = _source_bits(img, fmt)
            img.load()
            icc_profile = img.info.get("icc_profile")
            transparency = img.info.get("transparency")
            times = _timestamp_exif(img) if keep_timestamps else None
            orientation = img.getexif().get(ExifTags.Base.Orientation, 1)
            upright = ImageOps.exif_transpose(img)
            mode = img.mode
    if orientation not in (1, None):
        notes.append("the EXIF orientation was applied to the pixels")
    clean = upright.copy()
    clean.info = {}
    options: dict[str, Any] = {}
    if icc_profile:
        cleaned, changes = icc.clean_profile(icc_profile)
        notes += changes
        options["icc_profile"] = cleaned
    if times:
        options["exif"] = times
    if fmt == "WEBP":
        options.update(lossless=True, exact=True, quality=100)
    elif transparency is not None:
        options["transparency"] = transparency
    buf = io.BytesIO()
    clean.save(buf, format=fmt, **options)
    new = buf.getvalue()
    with Image.open(io.BytesIO(new)) as out:
        out.load()
        reference = clean if clean.mode == out.mode else clean.convert(out.mode)
        identical = out.size == reference.size and out.tobytes() == reference.tobytes()
    kept_bits = _MODE_BITS.get(mode, 8)
    if bits > kept_bits:
        identical = False
        notes.append(f"the original has {bits} bits per channel; the copy has {kept_bits}, so "
                     "fine tonal detail was lost (the original keeps it)")
    return new, identical


_MODE_BITS = {"I;16": 16, "I;16B": 16, "I;16L": 16, "I": 32, "F": 32, "1": 1}


def _source_bits(img: Image.Image, fmt: str) -> int:
    """Bits per sample in the file (TIFF's BitsPerSample), before Pillow converts anything."""
    if fmt == "TIFF":
        value = getattr(img, "tag_v2", {}).get(258)
        if isinstance(value, tuple) and value:
            return max(int(v) for v in value)
        if isinstance(value, int):
            return value
    return _MODE_BITS.get(img.mode, 8)


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
    """Everything in the file at ``path`` that a scrub must have removed (see :func:`find_leftovers_in`)."""
    return find_leftovers_in(read_input(path), fmt, keep_timestamps=keep_timestamps)


def find_leftovers_in(data: bytes, fmt: str, *, keep_timestamps: bool = False) -> list[str]:
    """Everything in a file's bytes that a scrub must have removed, found by several readers.

    exifread (JPEG, PNG, TIFF) and piexif (JPEG, WebP) read the bytes
    independently of the code that wrote them; Pillow then checks all formats,
    including XMP, comments and text chunks; the container itself is walked for
    bytes after a JPEG's end and for PNG chunks a scrub never keeps.
    """
    found: list[str] = []
    if fmt in ("JPEG", "PNG", "TIFF"):
        with _quiet_exifread():
            tags = exifread.process_file(io.BytesIO(data), details=False)
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
            loaded = piexif.load(data)
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
    if fmt == "JPEG":
        layout = jpeg_layout(data, "the output")
        if layout.trailing:
            found.append(f"container: {layout.trailing} bytes after the JPEG's end")
        found += [f"container: JPEG segment 0xFF{s.marker:02X}" for s in layout.segments
                  if s.marker in (0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xEB, 0xEC,
                                  0xED, 0xEF, _COM)]
    if fmt == "WEBP":
        found += [f"container: WebP chunk {f!r}" for f, _ in webp.riff_chunks(data, "the output")
                  if f not in webp.IMAGE_CHUNKS | {b"ICCP", b"EXIF"}]
    if fmt == "PNG":
        parts = png.chunks(data, "the output")
        allowed = png.KEEP | {b"eXIf"} | ({b"tEXt"} if keep_timestamps else set())
        found += [f"container: PNG chunk {c.name!r}" for c in parts
                  if c.type and c.type not in allowed]
        if png.trailing_bytes(parts):
            found.append("container: bytes after the PNG's end")
    if fmt in ("JPEG", "PNG", "WEBP", "TIFF", "HEIF"):
        found += _pillow_leftovers(data, fmt, keep_timestamps)
    return found


def _pillow_leftovers(data: bytes, fmt: str, keep_timestamps: bool) -> list[str]:
    """Pillow's view of the output: EXIF, GPS, thumbnail, XMP, comments, text chunks, ICC texts."""
    found: list[str] = []
    with Image.open(io.BytesIO(data)) as img:
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
                elif fmt != "TIFF" and tag_id not in _KEEP_0TH | _KEEP_EXIF | _TIME_0TH | _TIME_EXIF | {
                        int(ExifTags.IFD.Exif)}:
                    found.append(f"Pillow: EXIF tag {name or tag_id} is not on the keep list")
                elif fmt != "TIFF" and tag_id != int(ExifTags.IFD.Exif) and not kept_value_ok(tag_id, tags[tag_id]):
                    found.append(f"Pillow: {name} holds more than a plain value")
        for key in ("xmp", "XML:com.adobe.xmp", "comment", "photoshop", "iptc"):
            if img.info.get(key):
                found.append(f"Pillow: {key}")
        profile = img.info.get("icc_profile")
        if profile:
            found += [f"Pillow: colour profile {tag} text {text!r}"
                      for tag, text in icc.describe(profile)
                      if text not in (icc.NEUTRAL_DESCRIPTION, "")]
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
