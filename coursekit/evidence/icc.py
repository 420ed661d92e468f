"""Colour (ICC) profiles: read their free-text tags, and clear them while keeping the colours.

An ICC profile tells software how to show the colours. Besides the colour data
it holds text: a description (``desc``), a copyright line (``cprt``) and the
device maker and model descriptions (``dmnd``, ``dmdd``). Profiles made on a
person's own computer or by a calibration tool can carry a name, a machine or a
place in those texts. :func:`clean_profile` rewrites only those text tags
(description: "Colour profile", copyright: empty, device texts: removed) and
keeps every other tag byte for byte, so the colours are shown exactly as before.
"""

from __future__ import annotations

import hashlib
import struct

TEXT_TAGS = {b"desc": "description", b"cprt": "copyright", b"dmnd": "device maker",
             b"dmdd": "device model"}
NEUTRAL_DESCRIPTION = "Colour profile"


def _decode_text(blob: bytes) -> str | None:
    """The text of a ``desc``, ``mluc`` or ``text`` tag (None if it is none of these)."""
    kind = blob[:4]
    try:
        if kind == b"desc":
            (n,) = struct.unpack(">I", blob[8:12])
            return blob[12:12 + n].split(b"\0", 1)[0].decode("latin-1")
        if kind == b"text":
            return blob[8:].split(b"\0", 1)[0].decode("latin-1")
        if kind == b"mluc":
            count, size = struct.unpack(">II", blob[8:16])
            texts = []
            for i in range(min(count, 64)):
                rec = blob[16 + i * size:16 + i * size + 12]
                _lang, length, offset = struct.unpack(">4sII", rec)
                texts.append(blob[offset:offset + length].decode("utf-16-be", "replace"))
            return " / ".join(dict.fromkeys(t for t in texts if t))
    except (struct.error, UnicodeDecodeError):
        return "<unreadable text>"
    return None


def _tags(profile: bytes) -> list[tuple[bytes, int, int]]:
    """The tag table: ``(signature, offset, size)``; empty if the profile is malformed."""
    if len(profile) < 132 or profile[36:40] != b"acsp":
        return []
    (count,) = struct.unpack(">I", profile[128:132])
    table = []
    for i in range(min(count, 1000)):
        entry = profile[132 + 12 * i:144 + 12 * i]
        if len(entry) < 12:
            return []
        sig, offset, size = struct.unpack(">4sII", entry)
        if offset + size > len(profile):
            return []
        table.append((sig, offset, size))
    return table


def describe(profile: bytes) -> list[tuple[str, str]]:
    """``(tag name, text)`` for every free-text tag of a profile."""
    found = []
    for sig, offset, size in _tags(profile):
        if sig in TEXT_TAGS:
            text = (_decode_text(profile[offset:offset + size]) or "").strip()
            if text:
                found.append((TEXT_TAGS[sig], text))
    return found


def header_items(profile: bytes) -> list[tuple[str, str]]:
    """What the profile's header says about its making: creator program, device, date."""
    if len(profile) < 128 or profile[36:40] != b"acsp":
        return []
    found = []
    for name, start in (("profile creator", 80), ("device manufacturer", 48),
                        ("device model", 52)):
        sig = profile[start:start + 4]
        if sig.strip(b"\0 ") and all(32 <= b < 127 for b in sig):
            found.append((name, sig.decode("ascii").strip()))
    y, mo, d, h, mi, sec = struct.unpack(">6H", profile[24:36])
    if y:
        found.append(("profile date", f"{y:04d}:{mo:02d}:{d:02d} {h:02d}:{mi:02d}:{sec:02d}"))
    return found


def _desc_tag(text: str) -> bytes:
    """A version-2 ``desc`` tag holding ``text`` (ASCII only, no Unicode or Mac parts)."""
    ascii_text = text.encode("ascii") + b"\0"
    return (b"desc\0\0\0\0" + struct.pack(">I", len(ascii_text)) + ascii_text
            + b"\0" * 8 + b"\0\0\0" + b"\0" * 67)


def _mluc_tag(text: str) -> bytes:
    """A version-4 ``mluc`` tag holding ``text`` in English."""
    body = text.encode("utf-16-be")
    return b"mluc\0\0\0\0" + struct.pack(">II", 1, 12) + b"enUS" + struct.pack(
        ">II", len(body), 28) + body


def _text_like(original: bytes, text: str) -> bytes:
    """A replacement text tag of the same type as ``original``."""
    if original[:4] == b"mluc":
        return _mluc_tag(text)
    if original[:4] == b"text":
        return b"text\0\0\0\0" + text.encode("ascii") + b"\0"
    return _desc_tag(text)


def clean_profile(profile: bytes) -> tuple[bytes, list[str]]:
    """The profile with its free text cleared, and what changed (empty: nothing to clear).

    A malformed profile is returned unchanged with a note; callers decide.
    """
    table = _tags(profile)
    if not table:
        return profile, ["the colour profile could not be read, so it was kept as it was"]
    texts = {sig: _decode_text(profile[o:o + s]) for sig, o, s in table if sig in TEXT_TAGS}
    wanted = {b"desc": NEUTRAL_DESCRIPTION, b"cprt": ""}
    changes = [f"colour profile {TEXT_TAGS[sig]} text removed" for sig in (b"dmnd", b"dmdd")
               if sig in texts]
    changes += [f"colour profile {TEXT_TAGS[sig]} text cleared" for sig in wanted
                if sig in texts and texts[sig] != wanted[sig]]
    header = [name for name, _ in header_items(profile)]
    if header:
        changes.append(f"colour profile header cleared ({', '.join(header)})")
    if not changes:
        return profile, []
    out = bytearray(replace_texts(profile, {k: v for k, v in wanted.items() if k in texts},
                                  drop={b"dmnd", b"dmdd"}))
    out[24:36] = b"\0" * 12   # creation date
    out[48:56] = b"\0" * 8    # device manufacturer and model
    out[80:84] = b"\0" * 4    # creator program
    return _with_id(bytes(out), any(profile[84:100])), changes


def _with_id(profile: bytes, has_id: bool) -> bytes:
    """Recompute the profile ID (MD5, ICC.1:2010 7.2.18) if the profile has one."""
    if not has_id:
        return profile
    out = bytearray(profile)
    work = bytearray(out)
    work[44:48] = work[64:68] = b"\0\0\0\0"
    work[84:100] = b"\0" * 16
    out[84:100] = hashlib.md5(bytes(work)).digest()  # noqa: S324 - the format's own checksum
    return bytes(out)


def replace_texts(profile: bytes, texts: dict[bytes, str], drop: set[bytes] | None = None
                  ) -> bytes:
    """A profile whose text tags ``texts`` hold new text (added if missing), ``drop`` removed.

    Every other tag is kept byte for byte; the size and the profile ID are updated.
    """
    drop = drop or set()
    table = _tags(profile)
    if not table:
        raise ValueError("not an ICC profile")
    present = {sig for sig, _, _ in table}
    table = table + [(sig, -1, 0) for sig in texts if sig not in present]
    kept = [t for t in table if t[0] not in drop]
    new_data: list[bytes] = []
    entries: list[tuple[bytes, int, int]] = []
    placed: dict[tuple[int, int], tuple[int, int]] = {}
    pos = 128 + 4 + 12 * len(kept)
    for i, (sig, offset, size) in enumerate(kept):
        if sig in texts:
            original = profile[offset:offset + size] if offset >= 0 else b"desc"
            blob = _text_like(original if sig == b"desc" or offset >= 0 else b"text",
                              texts[sig])
            key = (-1, i)
        else:
            blob = profile[offset:offset + size]
            key = (offset, size)
        if key not in placed:
            pad = (-pos) % 4
            new_data.append(b"\0" * pad + blob)
            pos += pad
            placed[key] = (pos, len(blob))
            pos += len(blob)
        entries.append((sig, *placed[key]))
    body = b"".join(struct.pack(">4sII", *e) for e in entries)
    out = bytearray(profile[:128] + struct.pack(">I", len(entries)) + body + b"".join(new_data))
    out[0:4] = struct.pack(">I", len(out))
    return _with_id(bytes(out), any(profile[84:100]))
