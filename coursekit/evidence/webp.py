"""WebP at the level of its RIFF chunks: which chunks there are, and their EXIF, XMP and ICC data.

A WebP file is a RIFF container: ``RIFF`` size ``WEBP`` then chunks (four-letter
name, little-endian size, data, padded to an even length). The picture is in
``VP8 ``/``VP8L`` (and ``ALPH``, ``ANIM``/``ANMF`` for animation); an extended
file (``VP8X``) may add ``ICCP``, ``EXIF`` and ``XMP `` chunks, and any other
chunk name a program chose.
"""

from __future__ import annotations

import struct

from .errors import BadImageError

IMAGE_CHUNKS = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF"}


def riff_chunks(data: bytes, name: str = "WebP data") -> list[tuple[bytes, bytes]]:
    """``(fourcc, data)`` of every chunk; :class:`BadImageError` if the container is malformed."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise BadImageError(f"{name}: does not start like a WebP file")
    pos, out = 12, []
    end = min(len(data), 8 + struct.unpack("<I", data[4:8])[0])
    while pos + 8 <= end:
        fourcc = data[pos:pos + 4]
        (size,) = struct.unpack("<I", data[pos + 4:pos + 8])
        if pos + 8 + size > len(data):
            raise BadImageError(f"{name}: the {fourcc!r} chunk runs past the end of the file")
        out.append((fourcc, data[pos + 8:pos + 8 + size]))
        pos += 8 + size + (size % 2)
    return out
