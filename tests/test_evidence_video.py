"""Tests for coursekit.evidence: MP4/MOV videos generated here with location and device tags."""

from __future__ import annotations

import json
import shutil
import subprocess
import tracemalloc
from pathlib import Path

import pytest

from coursekit.evidence.cli import main
from coursekit.evidence.errors import ExitCode, OutputRefusedError
from coursekit.evidence.hashing import sha256_file
from coursekit.evidence.metadata import DEVICE, LOCATION, PEOPLE, TIME, read_metadata
from coursekit.evidence.scrubber import scrub
from coursekit.evidence.video import parse_iso6709

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None,
                                reason="ffmpeg is not installed (apt: ffmpeg)")

_SOURCE = ["-f", "lavfi", "-i", "testsrc=size=160x120:rate=10", "-f", "lavfi", "-i",
           "sine=frequency=440:sample_rate=8000", "-t", "1", "-c:v", "mpeg4", "-q:v", "5",
           "-c:a", "aac"]


def make_video(path: Path, tags: dict[str, str], apple_keys: bool) -> None:
    """A one-second test pattern (no person) with the given metadata written in."""
    argv = ["ffmpeg", "-nostdin", "-v", "error", *_SOURCE]
    if apple_keys:
        argv += ["-movflags", "use_metadata_tags"]
    for key, value in tags.items():
        argv += ["-metadata", f"{key}={value}"]
    subprocess.run([*argv, str(path)], check=True)


@pytest.fixture(scope="module")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An MP4 with ©xyz and an artist, a MOV with Apple's location, make, model and software keys."""
    folder = tmp_path_factory.mktemp("video")
    out = {"mp4": folder / "clip.mp4", "mov": folder / "clip.mov", "m4v": folder / "clip.m4v"}
    make_video(out["mp4"], {"location": "+10.5000-030.2500/", "artist": "I. Video (fictional)",
                            "creation_time": "2024-03-01T09:30:00Z",
                            "comment": "filmed from the roof"}, apple_keys=False)
    apple = {"com.apple.quicktime.location.ISO6709": "+10.5000-030.2500+012.000/",
             "com.apple.quicktime.make": "Fictional Phones", "com.apple.quicktime.model": "FP 9",
             "com.apple.quicktime.software": "17.1",
             "com.apple.quicktime.creationdate": "2024-03-01T09:30:00+0000",
             "creation_time": "2024-03-01T09:30:00Z"}
    make_video(out["mov"], apple, apple_keys=True)
    make_video(out["m4v"], apple, apple_keys=True)
    return out


def exiftool_text(path: Path) -> str:
    """exiftool's full listing."""
    return subprocess.run(["exiftool", "-a", "-G1", "-u", str(path)], capture_output=True,
                          text=True, check=True).stdout


def frame_md5(path: Path) -> list[str]:
    """Per-packet MD5 of audio and video by ffmpeg's framemd5 muxer (a second, separate reader)."""
    proc = subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-map", "0:v",
                           "-map", "0:a", "-c", "copy", "-f", "framemd5", "-"],
                          capture_output=True, text=True, check=True)
    return [line.rsplit(",", 1)[-1].strip() for line in proc.stdout.splitlines()
            if line and not line.startswith("#")]


def test_iso6709() -> None:
    pos = parse_iso6709("+10.5000-030.2500+012.000/")
    assert pos is not None and (pos.latitude, pos.longitude, pos.altitude_m) == (10.5, -30.25, 12)
    assert parse_iso6709("+95.0+000.0/") is None and parse_iso6709("nowhere") is None


@pytest.mark.parametrize("kind", ["mp4", "mov", "m4v"])
def test_meta_shows_location_time_device(videos: dict[str, Path], kind: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    meta = read_metadata(videos[kind])
    assert meta.kind == "video" and (meta.width, meta.height) == (160, 120)
    assert meta.gps is not None and meta.gps.latitude == pytest.approx(10.5)
    assert meta.gps.longitude == pytest.approx(-30.25)
    want = {LOCATION, TIME} | ({PEOPLE} if kind == "mp4" else {DEVICE})
    assert want <= set(meta.revealing()), meta.summary()
    if kind != "mp4":
        values = {t.value for t in meta.tags}
        assert {"Fictional Phones", "FP 9", "17.1"} <= values
    assert main(["meta", str(videos[kind]), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "video" and data["positions"]


@pytest.mark.parametrize("kind", ["mp4", "mov", "m4v"])
def test_scrub_keeps_every_packet_and_drops_the_metadata(videos: dict[str, Path], tmp_path: Path,
                                                         kind: str) -> None:
    src = videos[kind]
    before = sha256_file(src)
    out = tmp_path / f"public.{kind}"
    result = scrub(src, out)
    assert sha256_file(src) == before
    assert "not re-encoded" in result.image_data and "copied byte for byte" in result.image_data
    assert frame_md5(out) == frame_md5(src) and len(frame_md5(src)) > 10
    meta = read_metadata(out)
    assert meta.gps is None and meta.revealing() == {}, meta.summary()
    if shutil.which("exiftool"):
        text = exiftool_text(out)
        for secret in ("GPS", "Location", "Fictional", "FP 9", "I. Video", "roof", "2024:03:01"):
            assert secret not in text, (secret, text)


def test_scrub_video_keep_timestamps(videos: dict[str, Path], tmp_path: Path) -> None:
    result = scrub(videos["mov"], tmp_path / "dated.mov", keep_timestamps=True)
    assert any("creation_time" in k for k in result.kept)
    meta = read_metadata(tmp_path / "dated.mov")
    assert set(meta.revealing()) == {TIME} and meta.gps is None


def test_scrub_video_refusals(videos: dict[str, Path], tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(OutputRefusedError, match="should end in"):
        scrub(videos["mp4"], tmp_path / "x.jpg")
    (tmp_path / "exists.mp4").write_bytes(b"keep")
    assert main(["scrub", str(videos["mp4"]), str(tmp_path / "exists.mp4")]) == \
        ExitCode.OUTPUT_REFUSED
    assert (tmp_path / "exists.mp4").read_bytes() == b"keep"
    assert main(["scrub", str(videos["mp4"]), str(tmp_path / "nope" / "x.mp4")]) == \
        ExitCode.OUTPUT_REFUSED
    assert [p.name for p in tmp_path.iterdir()] == ["exists.mp4"]  # no temporary file left
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(videos["mp4"].read_bytes()[:400])
    capsys.readouterr()
    assert main(["meta", str(broken)]) == ExitCode.BAD_IMAGE
    assert capsys.readouterr().err.count("\n") == 1


def test_hashing_a_large_video_stays_flat_in_memory(tmp_path: Path) -> None:
    """A 64 MiB sparse file hashes with memory near one 1 MiB chunk."""
    big = tmp_path / "big.mp4"
    with open(big, "wb") as f:
        f.truncate(64 * 1024 * 1024)
    tracemalloc.start()
    try:
        sha256_file(big)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * 1024 * 1024, peak


def test_scrub_video_with_awkward_names(videos: dict[str, Path], tmp_path: Path) -> None:
    """Brackets, a pipe, a colon and non-ASCII letters in names: no escaping trouble."""
    folder = tmp_path / "fol[der]|x"
    folder.mkdir()
    src = folder / "clip [1]|a:b ✓.mp4"
    shutil.copy(videos["mp4"], src)
    out = folder / "out [2]|c:d ✓.mp4"
    scrub(src, out)
    assert frame_md5(out) == frame_md5(src)
    assert sorted(p.name for p in folder.iterdir()) == sorted([src.name, out.name])
