"""Tests for coursekit.evidence: sample media, metadata reading and scrubbing."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import exifread
import piexif
import pytest
from PIL import ExifTags, Image

import coursekit.evidence.scrubber as scrub_module
from coursekit.evidence.errors import (
    BadImageError,
    ExitCode,
    InputFileError,
    OutputRefusedError,
    ScrubCheckError,
    UnsupportedFormatError,
)
from coursekit.evidence.hashing import sha256_file
from coursekit.evidence.metadata import (
    COMMENTS,
    DEVICE,
    LOCATION,
    PEOPLE,
    TIME,
    jpeg_image_data,
    jpeg_layout,
    read_metadata,
)
from coursekit.evidence.sample import SAMPLE_LATITUDE, SAMPLE_LONGITUDE, make_samples
from coursekit.evidence.scrubber import find_leftovers, scrub

KINDS = ["jpeg", "png", "tiff", "webp"]
EXT = {"jpeg": ".jpg", "png": ".png", "tiff": ".tiff", "webp": ".webp"}


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The four sample files, made once; tests copy them before changing anything."""
    return make_samples(tmp_path_factory.mktemp("samples"))


@pytest.fixture
def work(tmp_path: Path, samples: dict[str, Path]) -> dict[str, Path]:
    """Fresh copies of the samples in this test's own folder."""
    return {k: Path(shutil.copy(p, tmp_path / p.name)) for k, p in samples.items()}


def exifread_keys(path: Path) -> set[str]:
    """The tag names exifread finds in a file."""
    with open(path, "rb") as f:
        return set(exifread.process_file(f, details=False))


# --- samples -----------------------------------------------------------------------------

def test_samples_are_deterministic_and_never_overwrite(tmp_path: Path,
                                                       samples: dict[str, Path]) -> None:
    again = make_samples(tmp_path / "again")
    for kind in KINDS:
        assert again[kind].read_bytes() == samples[kind].read_bytes(), kind
    before = again["jpeg"].read_bytes()
    with pytest.raises(OutputRefusedError, match="already exist"):
        make_samples(tmp_path / "again")
    assert again["jpeg"].read_bytes() == before
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputRefusedError, match="not a folder"):
        make_samples(tmp_path / "file")


@pytest.mark.parametrize("kind", KINDS)
def test_samples_carry_revealing_metadata(samples: dict[str, Path], kind: str) -> None:
    meta = read_metadata(samples[kind])
    assert meta.format == {"jpeg": "JPEG", "png": "PNG", "tiff": "TIFF", "webp": "WEBP"}[kind]
    assert meta.gps is not None
    assert meta.gps.latitude == pytest.approx(SAMPLE_LATITUDE)
    assert meta.gps.longitude == pytest.approx(SAMPLE_LONGITUDE)
    groups = {c: {t.name: t.value for t in tags} for c, tags in meta.by_category().items()}
    assert "GPSLatitude" in groups[LOCATION]
    assert groups[DEVICE]["BodySerialNumber"] == "DEMO-SN-000123"
    assert "fictional" in groups[PEOPLE]["Artist"]
    assert groups[TIME]["DateTimeOriginal"] == "2024:03:01 09:30:00"
    assert groups[COMMENTS]["UserComment"].startswith("Filmed by the second team")
    assert groups[COMMENTS]["XPComment"] == "Sample comment: second roll"
    assert meta.xmp is not None and b"dc:creator" in meta.xmp
    assert "Position: 10.500000° N, 30.250000° W" in meta.summary()
    assert meta.to_dict()["gps"]["latitude"] == pytest.approx(SAMPLE_LATITUDE)


def test_format_specific_metadata_is_found(samples: dict[str, Path]) -> None:
    jpeg = read_metadata(samples["jpeg"])
    assert jpeg.has_thumbnail
    assert any(t.ifd == "JPEG comment" for t in jpeg.tags)
    png = {t.name: t for t in read_metadata(samples["png"]).tags if t.ifd == "PNG text"}
    assert png["Author"].category == PEOPLE
    assert png["Creation Time"].category == TIME
    assert png["Comment"].category == COMMENTS


def test_sample_images_show_no_person_only_a_landscape(samples: dict[str, Path]) -> None:
    with Image.open(samples["png"]) as img:
        assert img.size == (640, 427)
        top, bottom = img.getpixel((5, 5)), img.getpixel((5, 420))
    assert top[2] > top[1] > top[0]  # blue sky at the top
    assert bottom[1] > bottom[2]  # green hills at the bottom


# --- bad input ---------------------------------------------------------------------------

def test_not_an_image_with_an_image_extension(tmp_path: Path) -> None:
    p = tmp_path / "notes.jpg"
    p.write_text("this is just text, not a photo")
    with pytest.raises(BadImageError, match="not an image") as info:
        read_metadata(p)
    assert info.value.exit_code == ExitCode.BAD_IMAGE


def test_truncated_jpeg(tmp_path: Path, samples: dict[str, Path]) -> None:
    p = tmp_path / "cut.jpg"
    data = samples["jpeg"].read_bytes()
    p.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(BadImageError, match="truncated"):
        read_metadata(p)
    with pytest.raises(BadImageError):
        scrub(p, tmp_path / "out.jpg")
    assert not (tmp_path / "out.jpg").exists()


def test_jpeg_missing_only_its_end_marker_is_truncated(tmp_path: Path,
                                                       samples: dict[str, Path]) -> None:
    p = tmp_path / "noeoi.jpg"
    p.write_bytes(samples["jpeg"].read_bytes()[:-2])
    with pytest.raises(BadImageError, match="truncated"):
        scrub(p, tmp_path / "out.jpg")
    assert not (tmp_path / "out.jpg").exists()
    with pytest.raises(BadImageError, match="no end-of-image marker"):
        jpeg_layout(p.read_bytes())


@pytest.mark.parametrize("kind", ["png", "tiff", "webp"])
def test_truncated_or_corrupt_other_formats(tmp_path: Path, samples: dict[str, Path],
                                            kind: str) -> None:
    data = samples[kind].read_bytes()
    p = tmp_path / f"cut{EXT[kind]}"
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(BadImageError):
        read_metadata(p)


def test_corrupt_png_chunk(tmp_path: Path, samples: dict[str, Path]) -> None:
    data = bytearray(samples["png"].read_bytes())
    idat = data.index(b"IDAT")
    data[idat + 20:idat + 40] = b"\x00" * 20
    p = tmp_path / "corrupt.png"
    p.write_bytes(bytes(data))
    with pytest.raises(BadImageError):
        read_metadata(p)


def test_unsupported_format(tmp_path: Path) -> None:
    p = tmp_path / "shapes.gif"
    Image.new("P", (10, 10)).save(p)
    with pytest.raises(UnsupportedFormatError, match="GIF") as info:
        read_metadata(p)
    assert info.value.exit_code == ExitCode.UNSUPPORTED
    with pytest.raises(UnsupportedFormatError):
        scrub(p, tmp_path / "out.gif")


@pytest.mark.parametrize("kind", ["missing", "folder", "empty"])
def test_bad_paths(tmp_path: Path, kind: str) -> None:
    p = tmp_path / f"{kind}.jpg"
    if kind == "folder":
        p.mkdir()
    elif kind == "empty":
        p.write_bytes(b"")
    with pytest.raises(InputFileError):
        read_metadata(p)
    with pytest.raises(InputFileError):
        scrub(p, tmp_path / "out.jpg")


def test_extension_that_does_not_match_the_content(tmp_path: Path,
                                                   samples: dict[str, Path]) -> None:
    p = Path(shutil.copy(samples["png"], tmp_path / "really-a-png.jpg"))
    meta = read_metadata(p)
    assert meta.format == "PNG"
    assert "content is PNG" in meta.notes[0]
    with pytest.raises(OutputRefusedError, match=r"\.png"):
        scrub(p, tmp_path / "out.jpg")
    scrub(p, tmp_path / "out.png")


def test_multi_frame_tiff_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "pages.tiff"
    Image.new("RGB", (8, 8)).save(p, save_all=True, append_images=[Image.new("RGB", (8, 8))])
    with pytest.raises(UnsupportedFormatError, match="frames"):
        scrub(p, tmp_path / "out.tiff")
    assert not (tmp_path / "out.tiff").exists()


# --- scrubbing ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS)
def test_scrub_removes_everything_revealing(work: dict[str, Path], kind: str) -> None:
    src = work[kind]
    before = sha256_file(src)
    out = src.with_name("public" + EXT[kind])
    result = scrub(src, out)
    assert sha256_file(src) == before, "the original must not change"
    assert result.source_sha256 == before and result.output_sha256 == sha256_file(out)
    meta = read_metadata(out)
    assert meta.gps is None and meta.xmp is None and not meta.has_thumbnail
    assert meta.revealing() == {}, meta.summary()
    assert find_leftovers(out, meta.format) == []
    assert any("GPSLatitude" in r for r in result.removed)
    assert any("BodySerialNumber" in r for r in result.removed)
    assert "Independent check passed" in result.summary()


@pytest.mark.parametrize("kind", ["jpeg", "png", "tiff"])
def test_second_reader_exifread_finds_no_gps(work: dict[str, Path], kind: str) -> None:
    src = work[kind]
    out = src.with_name("public" + EXT[kind])
    assert any(k.startswith("GPS") for k in exifread_keys(src))
    scrub(src, out)
    keys = exifread_keys(out)
    assert not any(k.startswith("GPS") or k == "Image GPSInfo" for k in keys), keys
    assert not {"Image Artist", "EXIF BodySerialNumber", "EXIF UserComment"} & keys


def test_webp_second_reader_piexif_finds_no_gps(work: dict[str, Path]) -> None:
    out = work["webp"].with_name("public.webp")
    assert piexif.load(str(work["webp"]))["GPS"]
    scrub(work["webp"], out)
    with pytest.raises(ValueError, match="exif"):
        piexif.load(str(out))  # piexif: the file has no EXIF at all


def test_scrubbed_jpeg_keeps_the_compressed_image_data(work: dict[str, Path]) -> None:
    src, out = work["jpeg"], work["jpeg"].with_name("public.jpg")
    scrub(src, out)
    original, scrubbed = src.read_bytes(), out.read_bytes()
    data = jpeg_image_data(original)
    assert data.startswith(b"\xff\xda") and data.endswith(b"\xff\xd9")
    assert jpeg_image_data(scrubbed) == data
    assert len(scrubbed) < len(original)
    with Image.open(src) as a, Image.open(out) as b:
        assert a.tobytes() == b.tobytes()
    segments = jpeg_layout(scrubbed).segments
    assert 0xFE not in [s.marker for s in segments]  # no COM segment


@pytest.mark.parametrize("kind", ["tiff", "webp"])
def test_resaved_formats_keep_identical_pixels(work: dict[str, Path], kind: str) -> None:
    src, out = work[kind], work[kind].with_name("public" + EXT[kind])
    result = scrub(src, out)
    assert ("identical" if kind == "tiff" else "copied byte for byte") in result.image_data
    with Image.open(src) as a, Image.open(out) as b:
        assert a.size == b.size
        # a lossy WebP sample too: the scrub re-saves its decoded pixels losslessly
        assert a.convert("RGB").tobytes() == b.convert("RGB").tobytes()


@pytest.mark.parametrize("kind", KINDS)
def test_keep_timestamps(work: dict[str, Path], kind: str) -> None:
    src = work[kind]
    default = scrub(src, src.with_name("default" + EXT[kind]))
    kept = scrub(src, src.with_name("kept" + EXT[kind]), keep_timestamps=True)
    assert not any(k.startswith("Time") for k in default.kept)
    assert any("DateTimeOriginal = 2024:03:01 09:30:00" in k for k in kept.kept)
    meta = read_metadata(src.with_name("kept" + EXT[kind]))
    assert set(meta.revealing()) == {TIME}
    assert meta.gps is None


def test_scrub_refuses_outputs_that_risk_data(work: dict[str, Path], tmp_path: Path) -> None:
    src = work["jpeg"]
    before = sha256_file(src)
    existing = tmp_path / "exists.jpg"
    existing.write_bytes(b"keep me")
    cases = [(existing, "already exists"), (src, "already exists"),
             (tmp_path / "." / src.name, "already exists"),
             (tmp_path / "nofolder" / "x.jpg", "does not exist"),
             (tmp_path / "x.png", "should end in")]
    for out, message in cases:
        with pytest.raises(OutputRefusedError, match=message) as info:
            scrub(src, out)
        assert info.value.exit_code == ExitCode.OUTPUT_REFUSED
    assert existing.read_bytes() == b"keep me"
    assert sha256_file(src) == before
    assert not (tmp_path / "x.png").exists()


def test_scrub_refuses_output_that_is_the_input_through_a_link(work: dict[str, Path]) -> None:
    link = work["jpeg"].with_name("link.jpg")
    link.symlink_to(work["jpeg"])
    with pytest.raises(OutputRefusedError):
        scrub(work["jpeg"], link)


def test_failed_self_check_deletes_the_output(work: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """If cleaning ever let GPS through, the check must catch it and delete the file."""

    def leaky(exif: Image.Exif, keep_timestamps: bool, dropped: object = None) -> bytes:
        """A broken cleaner that keeps everything."""
        return exif.tobytes()  # the original block, GPS included

    monkeypatch.setattr(scrub_module, "_clean_exif", leaky)
    src, out = work["jpeg"], work["jpeg"].with_name("public.jpg")
    before = sha256_file(src)
    with pytest.raises(ScrubCheckError, match="GPS") as info:
        scrub(src, out)
    assert info.value.exit_code == ExitCode.SCRUB_FAILED
    assert not out.exists()
    assert sha256_file(src) == before


def test_failed_self_check_for_resaved_formats(work: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    def leaky(img: Image.Image) -> bytes:
        """A broken timestamp copier that adds a name and a GPS position."""
        exif = Image.Exif()
        exif[ExifTags.Base.Artist] = "someone"
        exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (1.0, 2.0, 3.0)}
        return exif.tobytes()

    monkeypatch.setattr(scrub_module, "_timestamp_exif", leaky)
    out = work["png"].with_name("public.png")
    with pytest.raises(ScrubCheckError):
        scrub(work["png"], out, keep_timestamps=True)
    assert not out.exists()


def test_trailer_after_end_of_image_is_removed(work: dict[str, Path]) -> None:
    src = work["jpeg"]
    with_trailer = src.with_name("trailer.jpg")
    with_trailer.write_bytes(src.read_bytes() + b"EXTRA IMAGE DATA" * 10)
    assert "follow the end of the image" in " ".join(read_metadata(with_trailer).notes)
    result = scrub(with_trailer, src.with_name("public.jpg"))
    assert any("after the end of the image" in n for n in result.notes)
    assert src.with_name("public.jpg").read_bytes().endswith(b"\xff\xd9")


def test_orientation_is_kept_for_jpeg_and_png(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Artist] = "someone"
    img = Image.new("RGB", (40, 20), (200, 10, 10))
    img.save(tmp_path / "o.jpg", exif=exif.tobytes())
    img.save(tmp_path / "o.png", exif=exif.tobytes())
    scrub(tmp_path / "o.jpg", tmp_path / "p.jpg")
    with Image.open(tmp_path / "p.jpg") as out:
        assert out.getexif()[ExifTags.Base.Orientation] == 6
        assert ExifTags.Base.Artist not in out.getexif()
    scrub(tmp_path / "o.png", tmp_path / "p.png")
    with Image.open(tmp_path / "p.png") as out:  # PNG: chunks kept, so orientation kept as EXIF
        assert out.size == (40, 20) and out.getexif()[ExifTags.Base.Orientation] == 6
        assert ExifTags.Base.Artist not in out.getexif()


def test_damaged_exif_is_dropped_entirely(tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 120, 0)).save(buf, "JPEG")
    data = buf.getvalue()
    junk = b"Exif\x00\x00" + b"MM\x00\x2a\x00\x00\x00\x08\xff\xff" + b"\x01" * 20
    app1 = b"\xff\xe1" + (len(junk) + 2).to_bytes(2, "big") + junk
    p = tmp_path / "junk.jpg"
    p.write_bytes(data[:2] + app1 + data[2:])
    result = scrub(p, tmp_path / "clean.jpg")
    assert any("damaged" in n for n in result.notes)
    assert jpeg_image_data((tmp_path / "clean.jpg").read_bytes()) == jpeg_image_data(data)


def test_non_ascii_names_scrub(work: dict[str, Path]) -> None:
    src = work["jpeg"].rename(work["jpeg"].with_name("تلال café ✓.jpg"))
    out = src.with_name("publié ✓.jpg")
    scrub(src, out)
    assert read_metadata(out).gps is None


def test_jpeg_layout_rejects_malformed_data() -> None:
    with pytest.raises(BadImageError, match="SOI"):
        jpeg_layout(b"GIF89a....")
    with pytest.raises(BadImageError, match="truncated"):
        jpeg_layout(b"\xff\xd8\xff")
    with pytest.raises(BadImageError, match="runs past"):
        jpeg_layout(b"\xff\xd8\xff\xe0\x10\x00JFIF")
    with pytest.raises(BadImageError, match="expected a marker"):
        jpeg_layout(b"\xff\xd8\x00\x00\x00\x00")
