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


def chunk(fourcc: bytes, body: bytes) -> bytes:
    """One RIFF chunk, padded to an even length."""
    return fourcc + struct.pack("<I", len(body)) + body + (b"\0" if len(body) % 2 else b"")


#: VP8X flag bits.
ICC_FLAG, ALPHA_FLAG, EXIF_FLAG, XMP_FLAG, ANIMATION_FLAG = 0x20, 0x10, 0x08, 0x04, 0x02


def rebuild(parts: list[tuple[bytes, bytes]], *, icc: bytes | None, exif: bytes | None) -> bytes:
    """A WebP from its picture chunks (kept byte for byte), an optional ICC profile and EXIF."""
    picture = [(f, b) for f, b in parts if f in IMAGE_CHUNKS and f != b"VP8X"]
    vp8x = next((b for f, b in parts if f == b"VP8X"), None)
    body = b""
    needs_extended = bool(icc or exif) or any(f in (b"ALPH", b"ANIM", b"ANMF") for f, _ in picture)
    if needs_extended:
        if vp8x is not None and len(vp8x) >= 10:
            flags, canvas = vp8x[0], vp8x[4:10]
        else:  # a simple file gaining a profile or EXIF: size from the VP8/VP8L header
            import io

            from PIL import Image

            with Image.open(io.BytesIO(_riff(picture))) as img:
                w, h = img.size
            flags = ALPHA_FLAG if any(f == b"ALPH" for f, _ in picture) else 0
            canvas = (w - 1).to_bytes(3, "little") + (h - 1).to_bytes(3, "little")
        flags &= ALPHA_FLAG | ANIMATION_FLAG
        flags |= (ICC_FLAG if icc else 0) | (EXIF_FLAG if exif else 0)
        body += chunk(b"VP8X", bytes([flags, 0, 0, 0]) + canvas)
        if icc:
            body += chunk(b"ICCP", icc)
    body += b"".join(chunk(f, b) for f, b in picture)
    if exif:
        body += chunk(b"EXIF", exif)
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


def _riff(parts: list[tuple[bytes, bytes]]) -> bytes:
    """A minimal RIFF/WebP holding ``parts`` (to let Pillow read the picture's size)."""
    body = b"".join(chunk(f, b) for f, b in parts)
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body


def picture_bytes(data: bytes) -> bytes:
    """The picture chunks of a WebP (VP8/VP8L/ALPH/ANIM/ANMF), concatenated in order."""
    return b"".join(f + b for f, b in riff_chunks(data) if f in IMAGE_CHUNKS and f != b"VP8X")
