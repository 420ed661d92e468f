"""IPTC-IIM records, as found in a JPEG's Photoshop APP13 segment or a TIFF's IPTC tag.

IPTC fields are what news agencies fill in: a caption, the photographer's name
("By-line"), the city, the country, keywords, a copyright notice. They are
stored as numbered datasets (record 2, dataset 120 is the caption); Photoshop
keeps them inside an "image resource" block (``8BIM`` resource 0x0404).
"""

from __future__ import annotations

import struct

#: (record, dataset) -> name, as exiftool spells them.
DATASETS = {
    (1, 90): "CodedCharacterSet", (2, 0): "ApplicationRecordVersion", (2, 5): "ObjectName",
    (2, 15): "Category", (2, 20): "SupplementalCategories", (2, 25): "Keywords",
    (2, 40): "SpecialInstructions", (2, 55): "DateCreated", (2, 60): "TimeCreated",
    (2, 62): "DigitalCreationDate", (2, 63): "DigitalCreationTime",
    (2, 65): "OriginatingProgram", (2, 70): "ProgramVersion", (2, 80): "By-line",
    (2, 85): "By-lineTitle", (2, 90): "City", (2, 92): "Sub-location",
    (2, 95): "Province-State", (2, 100): "Country-PrimaryLocationCode",
    (2, 101): "Country-PrimaryLocationName", (2, 103): "OriginalTransmissionReference",
    (2, 105): "Headline", (2, 110): "Credit", (2, 115): "Source", (2, 116): "CopyrightNotice",
    (2, 118): "Contact", (2, 120): "Caption-Abstract", (2, 122): "Writer-Editor",
}


def photoshop_resources(data: bytes) -> list[tuple[int, bytes]]:
    """``(resource id, data)`` for each ``8BIM`` image resource (APP13 payload after its header)."""
    if data.startswith(b"Photoshop 3.0\x00"):
        data = data[14:]
    out, pos = [], 0
    while pos + 12 <= len(data) and data[pos:pos + 4] == b"8BIM":
        (rid,) = struct.unpack(">H", data[pos + 4:pos + 6])
        nlen = data[pos + 6]
        name_end = pos + 7 + nlen + ((nlen + 1) % 2)  # Pascal string padded to even length
        if name_end + 4 > len(data):
            break
        (size,) = struct.unpack(">I", data[name_end:name_end + 4])
        start = name_end + 4
        out.append((rid, data[start:start + size]))
        pos = start + size + (size % 2)
    return out


def iptc_records(data: bytes) -> list[tuple[str, str]]:
    """``(name, value)`` for every IPTC dataset in a block of IIM records."""
    out, pos = [], 0
    while pos + 5 <= len(data) and data[pos] == 0x1C:
        record, dataset = data[pos + 1], data[pos + 2]
        (size,) = struct.unpack(">H", data[pos + 3:pos + 5])
        start = pos + 5
        if size & 0x8000:  # extended length: rare, read and skip
            n = size & 0x7FFF
            size = int.from_bytes(data[start:start + n], "big")
            start += n
        value = data[start:start + size]
        pos = start + size
        if (record, dataset) in ((1, 90), (2, 0)):
            continue
        name = DATASETS.get((record, dataset), f"IPTC {record}:{dataset:03d}")
        text = value.decode("utf-8", "replace").strip("\x00 ") if value else ""
        if text:
            out.append((name, text))
    return out


def iptc_from_app13(payload: bytes) -> list[tuple[str, str]]:
    """IPTC datasets of a JPEG APP13 (Photoshop) payload."""
    found = []
    for rid, block in photoshop_resources(payload):
        if rid == 0x0404:
            found += iptc_records(block)
    return found
