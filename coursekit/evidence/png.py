"""PNG at the level of its chunks: check, read text and metadata, scrub without re-encoding.

A PNG file is a signature followed by chunks (length, four-letter type, data,
CRC). The picture lives in the ``IDAT`` chunks; everything else is either
needed to show it (``IHDR``, ``PLTE``, ``tRNS``, colour information) or
*ancillary* data that may reveal something: text chunks (``tEXt``, ``zTXt``,
``iTXt``, which also carry XMP), ``eXIf``, ``tIME`` and private chunks of any
name. Working on chunks keeps the compressed pixels byte for byte, so a 16-bit
PNG stays 16-bit and nothing is re-encoded.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from .errors import BadImageError

SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Chunks kept by a scrub: the picture and how to show it (``iCCP`` is cleaned, see icc.py).
KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT",
        b"pHYs", b"bKGD", b"iCCP", b"cICP", b"mDCv", b"cLLi"}
TEXT_CHUNKS = {b"tEXt", b"zTXt", b"iTXt"}
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_MAX_TEXT = 1 << 20  # a text chunk inflating beyond 1 MiB is cut (a zlib bomb)


@dataclass(frozen=True)
class Chunk:
    """One chunk: its type and data, and where it sits in the file."""

    type: bytes
    data: bytes
    start: int
    end: int

    @property
    def name(self) -> str:
        """The chunk type as text, e.g. ``tEXt``."""
        return self.type.decode("latin-1")

    @property
    def raw(self) -> bytes:
        """The chunk's bytes as stored (length, type, data, CRC)."""
        return (struct.pack(">I", len(self.data)) + self.type + self.data
                + struct.pack(">I", zlib.crc32(self.type + self.data)))


def chunks(data: bytes, name: str = "PNG data") -> list[Chunk]:
    """Every chunk of a PNG, CRCs checked; :class:`BadImageError` for anything malformed."""
    if not data.startswith(SIGNATURE):
        raise BadImageError(f"{name}: does not start like a PNG")
    pos, out = len(SIGNATURE), []
    while True:
        if pos + 12 > len(data):
            raise BadImageError(f"{name}: truncated at byte {pos} (no IEND chunk)")
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 12 + length
        if end > len(data):
            raise BadImageError(f"{name}: the {ctype!r} chunk at byte {pos} runs past the end")
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[end - 4:end])
        if zlib.crc32(ctype + body) != crc:
            raise BadImageError(f"{name}: the {ctype.decode('latin-1')!r} chunk at byte {pos} "
                                "is corrupt (its checksum does not match)")
        out.append(Chunk(ctype, body, pos, end))
        pos = end
        if ctype == b"IEND":
            if pos < len(data):
                out.append(Chunk(b"", data[pos:], pos, len(data)))  # trailing bytes
            return out


def trailing_bytes(parts: list[Chunk]) -> int:
    """How many bytes follow the IEND chunk."""
    return len(parts[-1].data) if parts and parts[-1].type == b"" else 0


def _expected_size(width: int, height: int, depth: int, colour: int, interlace: int) -> int:
    """Bytes of filtered scanlines the IDAT stream must inflate to."""
    bits = _CHANNELS[colour] * depth

    def rows(w: int, h: int) -> int:
        return 0 if w == 0 or h == 0 else h * (1 + (w * bits + 7) // 8)

    if not interlace:
        return rows(width, height)
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4),
              (1, 0, 2, 2), (0, 1, 1, 2)]
    return sum(rows((width - x + dx - 1) // dx, (height - y + dy - 1) // dy)
               for x, y, dx, dy in passes)


def header(parts: list[Chunk], name: str) -> tuple[int, int, int, int, int]:
    """``(width, height, bit depth, colour type, interlace)`` from IHDR."""
    if not parts or parts[0].type != b"IHDR" or len(parts[0].data) != 13:
        raise BadImageError(f"{name}: the first chunk is not a valid IHDR")
    w, h, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", parts[0].data)
    if colour not in _CHANNELS:
        raise BadImageError(f"{name}: unknown colour type {colour}")
    return w, h, depth, colour, interlace


def check_png(data: bytes, name: str = "PNG data") -> None:
    """Check every chunk and inflate the image data in pieces (bounded memory, any bit depth)."""
    parts = chunks(data, name)
    w, h, depth, colour, interlace = header(parts, name)
    want = _expected_size(w, h, depth, colour, interlace)
    inflater = zlib.decompressobj()
    got = 0
    try:
        for c in parts:
            if c.type != b"IDAT":
                continue
            buf = inflater.decompress(c.data, 1 << 20)
            got += len(buf)
            while inflater.unconsumed_tail:
                buf = inflater.decompress(inflater.unconsumed_tail, 1 << 20)
                got += len(buf)
                if got > want:
                    break
        got += len(inflater.flush())
    except zlib.error as err:
        raise BadImageError(f"{name}: the image data is corrupt ({err})") from None
    if got != want or not inflater.eof:
        raise BadImageError(f"{name}: the image data is truncated or corrupt (it holds {got} of "
                            f"the {want} bytes its size needs)")


def raw_pixels(data: bytes) -> bytes:
    """The inflated scanlines of a PNG (all bits of every sample: a 16-bit-aware comparison)."""
    return zlib.decompress(b"".join(c.data for c in chunks(data) if c.type == b"IDAT"))


def _inflate(blob: bytes) -> bytes:
    """Inflate a compressed text at most to :data:`_MAX_TEXT` bytes."""
    d = zlib.decompressobj()
    try:
        return d.decompress(blob, _MAX_TEXT)
    except zlib.error:
        return b"<unreadable compressed text>"


def text_items(parts: list[Chunk]) -> list[tuple[str, str, str]]:
    """``(chunk type, keyword, text)`` for every tEXt, zTXt and iTXt chunk."""
    found = []
    for c in parts:
        if c.type not in TEXT_CHUNKS:
            continue
        key, _, rest = c.data.partition(b"\0")
        if c.type == b"tEXt":
            text = rest.decode("latin-1")
        elif c.type == b"zTXt":
            text = _inflate(rest[1:]).decode("latin-1")
        else:
            flag, _method, rest = rest[:1], rest[1:2], rest[2:]
            _lang, _, rest = rest.partition(b"\0")
            _tkey, _, rest = rest.partition(b"\0")
            text = (_inflate(rest) if flag == b"\x01" else rest).decode("utf-8", "replace")
        found.append((c.name, key.decode("latin-1"), text))
    return found


def text_chunk(keyword: str, text: str) -> bytes:
    """A new tEXt chunk."""
    body = keyword.encode("latin-1") + b"\0" + text.encode("latin-1")
    return Chunk(b"tEXt", body, 0, 0).raw


def rebuild(parts: list[Chunk], replace: dict[bytes, bytes | None],
            extra_after_ihdr: list[bytes]) -> bytes:
    """A PNG from kept chunks: ``replace`` maps a type to new data (None: drop)."""
    out = [SIGNATURE]
    for c in parts:
        if c.type == b"":
            continue
        if c.type in replace:
            new = replace[c.type]
            if new is not None:
                out.append(Chunk(c.type, new, 0, 0).raw)
        elif c.type in KEEP:
            out.append(data_of(c))
        if c.type == b"IHDR":
            out += extra_after_ihdr
    return b"".join(out)


def data_of(c: Chunk) -> bytes:
    """A chunk's bytes (length, type, data, CRC), as they were."""
    return c.raw
