"""The JPEG container: its marker segments and the compressed image data (SOS to EOI).

Only the container is walked here (no EXIF parsing): the scrubber needs to know
where each segment is in order to keep the compressed image data byte for
byte, and ``meta`` lists every application segment (each APP1 EXIF or XMP
block, APP13 IPTC, ICC profile parts, comments) and bytes after the end.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import BadImageError


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
