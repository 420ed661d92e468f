"""Tests for coursekit.evidence: scrub keeps bit depth and colours, clears hidden text, refuses bombs."""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
import tracemalloc
import zlib
from pathlib import Path

import piexif
import pytest
from PIL import ExifTags, Image, ImageCms

from coursekit.evidence import icc, png
from coursekit.evidence.cli import main
from coursekit.evidence.errors import BadImageError, ExitCode
from coursekit.evidence.metadata import read_metadata
from coursekit.evidence.sample import landscape
from coursekit.evidence.scrubber import find_leftovers_in, scrub

HAS_EXIFTOOL = shutil.which("exiftool") is not None


def exiftool(path: Path, *tags: str) -> str:
    """exiftool's text output for some tags (-s -s -s: values only)."""
    return subprocess.run(["exiftool", "-s", "-G1", *tags, str(path)], capture_output=True,
                          text=True, check=True).stdout


def personal_profile() -> bytes:
    """An sRGB profile with texts a person wrote."""
    base = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return icc.replace_texts(base, {b"desc": "Calibrated on G. Person's laptop (fictional)",
                                    b"cprt": "G. Person", b"dmnd": "Maker", b"dmdd": "Desk"})


def png_16bit(path: Path, mode: str = "RGB") -> None:
    """A 16-bit PNG (RGB or grey) with GPS in eXIf, a text chunk and a private chunk."""
    w, h, channels = 32, 16, 3 if mode == "RGB" else 1
    rows = b"".join(b"\0" + b"".join(struct.pack(">H", (x * 2039 + y * 977 + c * 50000) % 65536)
                                     for x in range(w) for c in range(channels))
                    for y in range(h))
    exif = piexif.dump({"GPS": {piexif.GPSIFD.GPSLatitudeRef: "N",
                                piexif.GPSIFD.GPSLatitude: ((10, 1), (30, 1), (0, 1))}})

    def chunk(t: bytes, d: bytes) -> bytes:
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))

    colour = 2 if mode == "RGB" else 0
    path.write_bytes(png.SIGNATURE + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, colour,
                                                               0, 0, 0))
                     + chunk(b"iCCP", b"sRGB\0\0" + zlib.compress(personal_profile()))
                     + chunk(b"eXIf", exif[6:]) + chunk(b"tEXt", b"Author\0G. Person")
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"prVt", b"private notes")
                     + chunk(b"IEND", b"") + b"trailing bytes")


@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_16_bit_png_stays_16_bit_and_pixel_identical(tmp_path: Path, mode: str) -> None:
    src, out = tmp_path / "deep.png", tmp_path / "clean.png"
    png_16bit(src, mode)
    result = scrub(src, out)
    a, b = src.read_bytes(), out.read_bytes()
    assert png.header(png.chunks(b), "out")[2] == 16
    assert png.raw_pixels(a) == png.raw_pixels(b)  # every bit of every 16-bit sample
    assert "same pixels at the same bit depth" in result.summary()
    types = [c.type for c in png.chunks(b)]
    assert b"prVt" not in types and b"tEXt" not in types and b"eXIf" not in types
    assert any("prVt" in n for n in result.notes)
    assert any("after the end" in n for n in result.notes)
    meta = read_metadata(out)
    assert meta.gps is None and meta.revealing() == {}, meta.summary()
    if HAS_EXIFTOOL:
        text = exiftool(out)
        assert re.search(r"BitDepth +: 16\n", text), text
        assert "GPS" not in text and "G. Person" not in text and "prVt" not in text


def test_icc_profile_kept_but_its_texts_cleared(tmp_path: Path) -> None:
    profile = personal_profile()
    src = tmp_path / "icc.jpg"
    landscape(64, 48).save(src, "JPEG", icc_profile=profile)
    result = scrub(src, tmp_path / "clean.jpg")
    with Image.open(tmp_path / "clean.jpg") as img:
        new = img.info["icc_profile"]
    assert icc.describe(new) == [("description", "Colour profile")]
    assert icc.header_items(new) == []
    # the colour data of the profile is kept byte for byte
    for sig in (b"rXYZ", b"gXYZ", b"bXYZ", b"rTRC", b"wtpt"):
        assert _tag(new, sig) == _tag(profile, sig), sig
    ImageCms.ImageCmsProfile(io.BytesIO(new))  # still a valid profile
    assert any("description text cleared" in n for n in result.notes)
    assert "G. Person" not in (tmp_path / "clean.jpg").read_bytes().decode("latin-1")
    if HAS_EXIFTOOL:
        assert "G. Person" not in exiftool(tmp_path / "clean.jpg")


def _tag(profile: bytes, sig: bytes) -> bytes:
    """The data of one ICC tag."""
    (count,) = struct.unpack(">I", profile[128:132])
    for i in range(count):
        s, off, size = struct.unpack(">4sII", profile[132 + 12 * i:144 + 12 * i])
        if s == sig:
            return profile[off:off + size]
    raise KeyError(sig)


@pytest.mark.parametrize("fmt, ext", [("PNG", ".png"), ("WEBP", ".webp"), ("TIFF", ".tiff")])
def test_icc_texts_cleared_in_other_formats(tmp_path: Path, fmt: str, ext: str) -> None:
    src = tmp_path / f"icc{ext}"
    options = {"lossless": True} if fmt == "WEBP" else {}
    landscape(64, 48).save(src, fmt, icc_profile=personal_profile(), **options)
    scrub(src, tmp_path / f"clean{ext}")
    with Image.open(tmp_path / f"clean{ext}") as img:
        assert icc.describe(img.info["icc_profile"]) == [("description", "Colour profile")]


def test_free_text_in_a_kept_tag_is_removed(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 1
    exif[ExifTags.Base.DateTime] = "2024:03:01 09:30:00 at H. Person's house"
    exif[ExifTags.Base.XResolution] = 72.0
    exif[ExifTags.Base.ResolutionUnit] = 2
    src = tmp_path / "text.jpg"
    landscape(64, 48).save(src, "JPEG", exif=exif.tobytes())
    result = scrub(src, tmp_path / "clean.jpg", keep_timestamps=True)
    with Image.open(tmp_path / "clean.jpg") as img:
        kept = img.getexif()
    assert ExifTags.Base.DateTime not in kept and kept[ExifTags.Base.Orientation] == 1
    assert any("DateTime" in n and "plain value" in n for n in result.notes)
    good = Image.Exif()
    good[ExifTags.Base.DateTime] = "2024:03:01 09:30:00"
    landscape(64, 48).save(tmp_path / "good.jpg", "JPEG", exif=good.tobytes())
    scrub(tmp_path / "good.jpg", tmp_path / "good-clean.jpg", keep_timestamps=True)
    with Image.open(tmp_path / "good-clean.jpg") as img:
        assert img.getexif()[ExifTags.Base.DateTime] == "2024:03:01 09:30:00"


def test_self_check_catches_data_after_jpeg_end_and_private_png_chunks(tmp_path: Path) -> None:
    buf = io.BytesIO()
    landscape(32, 24).save(buf, "JPEG")
    clean_jpeg = buf.getvalue()
    assert find_leftovers_in(clean_jpeg, "JPEG") == []
    assert any("after the JPEG's end" in x for x in find_leftovers_in(clean_jpeg + b"hidden",
                                                                         "JPEG"))
    buf = io.BytesIO()
    landscape(32, 24).save(buf, "PNG")
    clean_png = buf.getvalue()
    assert find_leftovers_in(clean_png, "PNG") == []
    body = b"private"
    chunk = struct.pack(">I", len(body)) + b"prVt" + body + struct.pack(
        ">I", zlib.crc32(b"prVt" + body))
    iend = clean_png.rindex(b"IEND") - 4
    leaky = clean_png[:iend] + chunk + clean_png[iend:]
    assert any("'prVt'" in x for x in find_leftovers_in(leaky, "PNG"))
    assert any("after the PNG's end" in x for x in find_leftovers_in(clean_png + b"x", "PNG"))


def tiff_48bit(path: Path) -> None:
    """An uncompressed 8 x 8 TIFF with three 16-bit samples per pixel (48-bit colour)."""
    w = h = 8
    pix = bytes((i * 37) % 256 for i in range(w * h * 6))
    entries = [(256, 3, 1, w), (257, 3, 1, h), (258, 3, 3, 8 + 2 + 12 * 10 + 4),
               (259, 3, 1, 1), (262, 3, 1, 2), (273, 4, 1, 8 + 2 + 12 * 10 + 4 + 6),
               (277, 3, 1, 3), (278, 3, 1, h), (279, 4, 1, len(pix)), (284, 3, 1, 1)]
    out = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", len(entries))
    for tag, typ, count, val in entries:
        packed = struct.pack("<HH", val, 0) if typ == 3 and count == 1 else struct.pack("<I", val)
        out += struct.pack("<HHI", tag, typ, count) + packed
    path.write_bytes(out + struct.pack("<I", 0) + struct.pack("<3H", 16, 16, 16) + pix)


def test_48_bit_tiff_says_exactly_what_changed(tmp_path: Path) -> None:
    src = tmp_path / "deep.tiff"
    tiff_48bit(src)
    result = scrub(src, tmp_path / "clean.tiff")
    text = result.summary()
    assert "identical" not in text.replace("NOT identical", "")
    assert "NOT identical" in text
    assert any("16 bits per channel; the copy has 8" in n for n in result.notes)


# --- decompression bombs -----------------------------------------------------------------

def bomb_png(path: Path, side: int = 13000) -> None:
    """A small PNG claiming side x side 1-bit pixels (its data inflates to ~21 MB)."""
    def chunk(t: bytes, d: bytes) -> bytes:
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))

    comp = zlib.compressobj(9)
    row = b"\0" * (1 + (side + 7) // 8)
    idat = b"".join(comp.compress(row) for _ in range(side)) + comp.flush()
    path.write_bytes(png.SIGNATURE + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0,
                                                               0, 0, 0))
                     + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def test_bomb_is_refused_at_once_with_bounded_memory(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "bomb.png"
    bomb_png(src)
    assert src.stat().st_size < 100_000
    tracemalloc.start()
    try:
        with pytest.raises(BadImageError, match="169,000,000 pixels.*--max-pixels"):
            read_metadata(src)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, peak
    for argv in (["meta", str(src)], ["scrub", str(src), str(tmp_path / "out.png")]):
        assert main(argv) == ExitCode.BAD_IMAGE
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "--max-pixels" in err
    assert not (tmp_path / "out.png").exists()


def test_max_pixels_raises_and_lowers_the_limit(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "bomb.png"
    bomb_png(src, side=4000)
    assert main(["meta", str(src), "--max-pixels", "1_000_000"]) == ExitCode.BAD_IMAGE
    tracemalloc.start()
    try:
        assert main(["meta", str(src), "--max-pixels", "20000000"]) == 0
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, peak  # inflated in pieces, never all at once
    assert "4000 x 4000 pixels" in capsys.readouterr().out
    assert main(["meta", str(src), "--max-pixels", "0"]) == ExitCode.USAGE


def test_cli_default_pixel_limit_is_the_library_default() -> None:
    from coursekit.evidence import cli, metadata

    assert cli.DEFAULT_MAX_PIXELS == metadata.DEFAULT_MAX_PIXELS


@pytest.mark.parametrize("mode, options", [("RGB", {"quality": 70}), ("RGBA", {"quality": 70}),
                                           ("RGB", {"lossless": True})])
def test_webp_scrub_keeps_the_coded_picture(tmp_path: Path, mode: str,
                                            options: dict[str, object]) -> None:
    from coursekit.evidence import webp

    img = landscape(64, 48).convert(mode)
    exif = piexif.dump({"0th": {piexif.ImageIFD.Make: "Cam"}, "GPS": {
        piexif.GPSIFD.GPSLatitudeRef: "N", piexif.GPSIFD.GPSLatitude: ((1, 1), (2, 1), (3, 1))}})
    buf = io.BytesIO()
    img.save(buf, "WEBP", exif=exif, xmp=b"<x:xmpmeta xmlns:x='adobe:ns:meta/'/>", **options)
    data = buf.getvalue() + b"XTRA" + struct.pack("<I", 4) + b"note"
    data = data[:4] + struct.pack("<I", len(data) - 8) + data[8:]
    src, out = tmp_path / "in.webp", tmp_path / "out.webp"
    src.write_bytes(data)
    result = scrub(src, out)
    new = out.read_bytes()
    assert webp.picture_bytes(new) == webp.picture_bytes(data)  # not re-encoded
    kinds = [f for f, _ in webp.riff_chunks(new)]
    assert b"EXIF" not in kinds and b"XMP " not in kinds and b"XTRA" not in kinds
    assert any("XTRA" in n for n in result.notes)
    with Image.open(src) as a, Image.open(out) as b:
        assert a.mode == b.mode and a.tobytes() == b.tobytes()
    if HAS_EXIFTOOL:
        text = exiftool(out)
        assert "GPS" not in text and "Cam" not in text and "Warning" not in text
