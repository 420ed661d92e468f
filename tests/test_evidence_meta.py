"""Tests for coursekit.evidence: `meta` shows every privacy-relevant item exiftool shows.

Each fixture is generated here and hides something where a simple reader would
not look: GPS only in XMP, a second EXIF block, IPTC, compressed PNG text, a
private PNG chunk, WebP chunks, free text in a colour profile.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import piexif
import pytest
from PIL import Image, ImageCms

from coursekit.evidence import icc
from coursekit.evidence.cli import main
from coursekit.evidence.metadata import LOCATION, PEOPLE, read_metadata
from coursekit.evidence.sample import landscape

pytestmark = pytest.mark.skipif(shutil.which("exiftool") is None,
                                reason="exiftool is not installed (apt: libimage-exiftool-perl)")

XMP_GPS = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    'xmlns:tiff="http://ns.adobe.com/tiff/1.0/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
    'xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" '
    'xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#" '
    'exif:GPSLatitude="10,30.0000N" exif:GPSLongitude="30,15.0000W" '
    'tiff:Make="XmpOnly Phones" xmp:CreatorTool="Fictional Editor 2.1" '
    'photoshop:City="Invented Town">'
    '<dc:creator><rdf:Seq><rdf:li>B. Example (fictional)</rdf:li></rdf:Seq></dc:creator>'
    '<xmpMM:History><rdf:Seq><rdf:li rdf:parseType="Resource">'
    '<stEvt:action>saved</stEvt:action><stEvt:softwareAgent>Invented Photo Suite 7'
    '</stEvt:softwareAgent></rdf:li></rdf:Seq></xmpMM:History>'
    '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def _jpeg(**kwargs: object) -> bytes:
    """A small generated JPEG."""
    buf = io.BytesIO()
    landscape(96, 64).save(buf, "JPEG", quality=80, **kwargs)
    return buf.getvalue()


def _segment(marker: int, payload: bytes) -> bytes:
    """A JPEG marker segment."""
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _gps_exif(lat: float, lon: float, zeroth: dict[int, object] | None = None) -> bytes:
    """EXIF bytes with a GPS position (and any 0th-IFD tags)."""
    def dms(v: float) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
        v = abs(v)
        return ((int(v), 1), (int(v * 60) % 60, 1), (0, 1))

    return piexif.dump({"0th": zeroth or {}, "GPS": {
        piexif.GPSIFD.GPSLatitudeRef: "N" if lat >= 0 else "S",
        piexif.GPSIFD.GPSLatitude: dms(lat),
        piexif.GPSIFD.GPSLongitudeRef: "E" if lon >= 0 else "W",
        piexif.GPSIFD.GPSLongitude: dms(lon)}})


def _iptc(items: list[tuple[int, str]]) -> bytes:
    """A Photoshop APP13 payload with IPTC record-2 datasets."""
    records = b"".join(b"\x1c\x02" + bytes([ds]) + struct.pack(">H", len(v.encode()))
                       + v.encode() for ds, v in items)
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(records)) + records
    if len(records) % 2:
        resource += b"\x00"
    return b"Photoshop 3.0\x00" + resource


def _profile(description: str) -> bytes:
    """An sRGB colour profile whose texts were written by a person."""
    base = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return icc.replace_texts(base, {b"desc": description, b"cprt": "(c) B. Example, fictional"})


def make_fixtures(folder: Path) -> dict[str, Path]:
    """Write every fixture into ``folder``."""
    out: dict[str, Path] = {}
    base = _jpeg()
    # 1. GPS and device only in XMP
    xmp_seg = _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + XMP_GPS.encode())
    out["xmp-only"] = folder / "xmp-only.jpg"
    out["xmp-only"].write_bytes(base[:2] + xmp_seg + base[2:])
    # 2. a harmless first EXIF block and a second one with GPS and an owner
    first = _segment(0xE1, piexif.dump({"0th": {piexif.ImageIFD.Orientation: 1}}))
    second = _segment(0xE1, _gps_exif(-12.25, 45.5, {piexif.ImageIFD.Artist:
                                                     "C. Invented (fictional)"}))
    out["second-exif"] = folder / "second-exif.jpg"
    out["second-exif"].write_bytes(base[:2] + first + second + base[2:])
    # 3. IPTC in APP13, and an ICC profile with a personal description
    app13 = _segment(0xED, _iptc([(80, "D. Made-Up (fictional)"), (90, "Nowhere City"),
                                  (101, "Imaginaria"), (120, "Caption naming the street")]))
    with_icc = _jpeg(icc_profile=_profile("Calibrated on D. Made-Up's laptop"))
    out["iptc-icc"] = folder / "iptc-icc.jpg"
    out["iptc-icc"].write_bytes(with_icc[:2] + app13 + with_icc[2:])
    # 4. PNG: eXIf with GPS, compressed and international text, a private chunk, iCCP
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "E. Fiction (fictional)", zip=True)              # zTXt
    info.add_itxt("Description", "Taken from the café on the corner", zip=True)  # iTXt
    info.add_text("Comment", "plain text comment")                           # tEXt
    buf = io.BytesIO()
    landscape(96, 64).save(buf, "PNG", pnginfo=info, exif=_gps_exif(33.5, -7.5),
                           icc_profile=_profile("Monitor profile of E. Fiction"))
    data = buf.getvalue()
    body = b"secret notes: meet at the north gate"
    private = struct.pack(">I", len(body)) + b"prVt" + body + struct.pack(
        ">I", zlib.crc32(b"prVt" + body))
    iend = data.rindex(b"IEND") - 4
    out["png"] = folder / "chunks.png"
    out["png"].write_bytes(data[:iend] + private + data[iend:])
    # 5. WebP with EXIF, XMP and ICC chunks, then an unknown chunk
    buf = io.BytesIO()
    landscape(96, 64).save(buf, "WEBP", quality=80, exif=_gps_exif(-40.5, 170.25, {
        piexif.ImageIFD.Make: "WebP Cameras"}), xmp=XMP_GPS.encode(),
        icc_profile=_profile("Profile by F. Someone"))
    data = buf.getvalue()
    extra = b"XTRA" + struct.pack("<I", 10) + b"hidden!!!!"
    data = data + extra
    data = data[:4] + struct.pack("<I", len(data) - 8) + data[8:]
    out["webp"] = folder / "chunks.webp"
    out["webp"].write_bytes(data)
    return out


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The fixtures, written once."""
    return make_fixtures(tmp_path_factory.mktemp("meta"))


#: exiftool tag names that reveal a place, a device, a person, a time or a comment.
PRIVACY = re.compile(r"GPS(Latitude|Longitude)$|Make$|Model$|Serial|Owner|Artist|Creator|"
                     r"By-line|Author|City|Country|Location|Caption|Description|Comment|"
                     r"Headline|Copyright|Credit|Software|SoftwareAgent|CreatorTool|"
                     r"DeviceManufacturer|DeviceModel|ProfileCopyright|ProfileCreator|Title$|Keywords")
_IGNORE = {"File:Comment"}  # exiftool's own view of the JPEG COM is also listed by us


def exiftool_items(path: Path) -> dict[str, object]:
    """exiftool's findings as {group:name: value}, numbers as numbers (-n)."""
    proc = subprocess.run(["exiftool", "-j", "-a", "-G1", "-u", "-n", "-struct", str(path)],
                          capture_output=True, text=True, check=True)
    (found,) = json.loads(proc.stdout)
    return {k: v for k, v in found.items() if ":" in k and not k.startswith(("System:", "ExifTool:"))}


@pytest.mark.parametrize("name", ["xmp-only", "second-exif", "iptc-icc", "png", "webp"])
def test_meta_shows_everything_exiftool_shows(fixtures: dict[str, Path], name: str) -> None:
    path = fixtures[name]
    theirs = exiftool_items(path)
    meta = read_metadata(path)
    ours = " | ".join(f"{t.name}={t.value}" for t in meta.tags)
    checked = 0
    for key, value in theirs.items():
        tag = key.split(":", 1)[1]
        if key in _IGNORE or not PRIVACY.search(tag):
            continue
        if tag in ("GPSLatitude", "GPSLongitude"):
            want = float(value)  # type: ignore[arg-type]
            got = [p.latitude if tag == "GPSLatitude" else p.longitude for _, p in meta.positions]
            # exiftool -n keeps the hemisphere in the Ref tag; the Composite value is signed
            assert any(abs(abs(g) - abs(want)) < 1e-4 for g in got), (key, value, meta.positions)
        else:
            for part in (value if isinstance(value, list) else [value]):
                text = json.dumps(part, ensure_ascii=False) if isinstance(part, dict) else str(part)
                for leaf in re.findall(r'"[^"]*":\s*"([^"]+)"', text) or [text]:
                    assert leaf in ours, (key, leaf, ours)
        checked += 1
    assert checked >= 3, theirs  # the fixture really hides several things


def test_xmp_only_gps_is_found(fixtures: dict[str, Path]) -> None:
    meta = read_metadata(fixtures["xmp-only"])
    assert meta.gps is not None and meta.gps.latitude == pytest.approx(10.5)
    assert meta.gps.longitude == pytest.approx(-30.25)
    assert "No location" not in meta.summary()
    assert LOCATION in meta.revealing() and PEOPLE in meta.revealing()
    assert any(t.name.endswith("stEvt:softwareAgent") for t in meta.tags)


def test_second_exif_block_is_read(fixtures: dict[str, Path]) -> None:
    meta = read_metadata(fixtures["second-exif"])
    assert meta.gps is not None and meta.gps.latitude == pytest.approx(-12.25)
    assert "No location" not in meta.summary()
    assert any("more than one EXIF block" in n for n in meta.notes)


def test_json_keeps_items_that_share_a_name(fixtures: dict[str, Path],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["meta", str(fixtures["webp"]), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data["items"], list)
    makes = [i for i in data["items"] if i["name"].endswith("Make")]
    assert {i["value"] for i in makes} == {"WebP Cameras", "XmpOnly Phones"}
    assert all(set(i) == {"group", "name", "value", "category"} for i in data["items"])
    assert [p["latitude"] for p in data["positions"]] == pytest.approx([-40.5, 10.5])


def test_hostile_xmp_is_refused_safely(tmp_path: Path) -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            '<x:xmpmeta xmlns:x="adobe:ns:meta/">&b;</x:xmpmeta>')
    base = _jpeg()
    p = tmp_path / "bomb.jpg"
    p.write_bytes(base[:2] + _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + bomb.encode())
                  + base[2:])
    meta = read_metadata(p)
    assert any("could not be read" in n for n in meta.notes)
    assert any(t.name == "XMP packet" for t in meta.tags)  # still flagged as present


def test_png_private_chunk_and_compressed_text(fixtures: dict[str, Path]) -> None:
    meta = read_metadata(fixtures["png"])
    found = {(t.ifd, t.name): t.value for t in meta.tags}
    assert found[("PNG text", "Author")] == "E. Fiction (fictional)"
    assert found[("PNG text", "Description")] == "Taken from the café on the corner"
    assert "prVt" in {t.name for t in meta.tags}
    assert found[("ICC profile", "description")] == "Monitor profile of E. Fiction"
    with Image.open(fixtures["png"]) as img:
        assert img.size == (96, 64)


def test_maker_note_texts_are_listed(tmp_path: Path) -> None:
    """A maker's private block can hide a serial and an owner: its readable text is shown."""
    note = b"MAKR\x00\x01\x02" + b"SN:CAM-0042-XY\x00\x00\x07" + b"Owner J. Private\x00\xff"
    exif = piexif.dump({"Exif": {piexif.ExifIFD.MakerNote: note}})
    p = tmp_path / "maker.jpg"
    landscape(32, 24).save(p, "JPEG", exif=exif)
    meta = read_metadata(p)
    texts = [t.value for t in meta.tags if t.name == "MakerNote text"]
    assert "SN:CAM-0042-XY" in texts and "Owner J. Private" in texts
    assert all(t.category == "Device" for t in meta.tags if t.name == "MakerNote text")
    clean = tmp_path / "clean.jpg"
    from coursekit.evidence.scrubber import scrub

    scrub(p, clean)
    assert b"CAM-0042" not in clean.read_bytes()
