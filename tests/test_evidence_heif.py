"""Tests for coursekit.evidence: HEIF/HEIC photos (generated here), read and scrubbed in place."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import piexif
import pytest
from PIL import Image, ImageCms

from coursekit.evidence import heif, icc
from coursekit.evidence.cli import main
from coursekit.evidence.errors import ExitCode
from coursekit.evidence.metadata import DEVICE, LOCATION, PEOPLE, TIME, read_metadata
from coursekit.evidence.sample import landscape
from coursekit.evidence.scrubber import scrub

pytestmark = pytest.mark.skipif(not heif.AVAILABLE, reason="pillow-heif is not installed")

XMP = ('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
       'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
       'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>'
       'H. Heif (fictional)</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF>'
       '</x:xmpmeta>')


def make_heic(path: Path) -> None:
    """A small HEIC with GPS, device, owner, time (EXIF), a creator (XMP) and an ICC profile."""
    exif = piexif.dump({
        "0th": {piexif.ImageIFD.Make: "Fictional Phone", piexif.ImageIFD.Model: "Model H",
                piexif.ImageIFD.Orientation: 1},
        "Exif": {piexif.ExifIFD.DateTimeOriginal: "2024:03:01 09:30:00",
                 piexif.ExifIFD.CameraOwnerName: "H. Heif (fictional)"},
        "GPS": {piexif.GPSIFD.GPSLatitudeRef: "N", piexif.GPSIFD.GPSLatitude:
                ((10, 1), (30, 1), (0, 1)), piexif.GPSIFD.GPSLongitudeRef: "W",
                piexif.GPSIFD.GPSLongitude: ((30, 1), (15, 1), (0, 1))}})
    profile = icc.replace_texts(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
                                {b"desc": "Profile of H. Heif's phone"})
    buf = io.BytesIO()
    landscape(96, 64).save(buf, "HEIF", quality=80, exif=exif, xmp=XMP.encode(),
                           icc_profile=profile)
    path.write_bytes(buf.getvalue())


@pytest.fixture(scope="module")
def heic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated HEIC, written once."""
    p = tmp_path_factory.mktemp("heif") / "phone.heic"
    make_heic(p)
    return p


def test_meta_reads_heic(heic: Path, capsys: pytest.CaptureFixture[str]) -> None:
    meta = read_metadata(heic)
    assert meta.format_name == "HEIF/HEIC" and (meta.width, meta.height) == (96, 64)
    assert meta.gps is not None and meta.gps.longitude == pytest.approx(-30.25)
    assert {LOCATION, DEVICE, PEOPLE, TIME} <= set(meta.revealing())
    values = {t.value for t in meta.tags}
    assert {"Fictional Phone", "H. Heif (fictional)", "Profile of H. Heif's phone"} <= values
    assert main(["meta", str(heic)]) == 0  # no longer 'unsupported'
    assert "Fictional Phone" in capsys.readouterr().out


def _pictures(data: bytes) -> list[bytes]:
    """The coded picture items (HEVC) of a HEIF file."""
    items, _ = heif.parse_items(data)
    return [heif._read(data, i.extents or []) for i in items.values() if i.item_type == b"hvc1"]


def test_scrub_heic_in_place_keeps_the_coded_picture(heic: Path, tmp_path: Path) -> None:
    out = tmp_path / "public.heic"
    before = heic.read_bytes()
    result = scrub(heic, out)
    after = out.read_bytes()
    assert heic.read_bytes() == before
    assert len(after) == len(before)
    assert _pictures(after) == _pictures(before) and len(_pictures(before)) >= 1
    assert heif.decoded_pixels(after) == heif.decoded_pixels(before)
    assert "not re-encoded" in result.image_data
    assert any("in place" in n for n in result.notes)  # says honestly what it cannot shrink
    meta = read_metadata(out)
    assert meta.gps is None and meta.revealing() == {}, meta.summary()
    for secret in (b"Fictional Phone", b"H. Heif", b"Profile of"):
        assert secret not in after
    if shutil.which("exiftool"):
        text = subprocess.run(["exiftool", "-a", "-G1", str(out)], capture_output=True,
                              text=True, check=True).stdout
        assert "GPS" not in text and "Fictional" not in text and "Heif (fict" not in text
        assert "Warning" not in text


def test_scrub_heic_keep_timestamps(heic: Path, tmp_path: Path) -> None:
    result = scrub(heic, tmp_path / "dated.heic", keep_timestamps=True)
    assert any("DateTimeOriginal = 2024:03:01 09:30:00" in k for k in result.kept)
    meta = read_metadata(tmp_path / "dated.heic")
    assert set(meta.revealing()) == {TIME}


def test_avif_is_still_unsupported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "x.avif"
    p.write_bytes(b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf" + b"\0" * 64)
    assert main(["meta", str(p)]) == ExitCode.UNSUPPORTED
    assert "AVIF" in capsys.readouterr().err


def test_heic_output_name_must_fit(heic: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scrub", str(heic), str(tmp_path / "x.jpg")]) == ExitCode.OUTPUT_REFUSED
    assert ".heic" in capsys.readouterr().err
    with Image.open(heic) as img:
        assert img.format == "HEIF"
