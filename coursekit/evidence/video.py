"""Video (MP4, MOV, M4V): what its metadata reveals, and a scrubbed copy without re-encoding.

Phones write the place (QuickTime ``©xyz``, the 3GPP ``loci`` box or the ISO
6709 key ``com.apple.quicktime.location.ISO6709``), the time, the make, the
model and the software version into a video's ``moov`` box, and some add a
timed metadata track that follows the location frame by frame.

The toolkit uses ffmpeg's own tools (Debian's ``ffmpeg`` package): ``ffprobe``
reads the container's tags; ``ffmpeg -c copy`` writes a new file with the same
audio and video packets and without the metadata (global, per stream and
chapters; data tracks are left out). After writing, the packets of the copy are
read back by a separate ffmpeg and compared with the packets that were copied
(an MD5 over every packet of each stream, ffmpeg's ``streamhash``, computed
during the copy through the ``tee`` muxer, so the original is read once): the
copy is kept only if they are byte-identical.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from .errors import BadImageError, OutputRefusedError, ScrubCheckError, UnsupportedFormatError
from .hashing import require_file, sha256_file
from .metadata import CATEGORIES, OTHER, GpsPosition, MediaMetadata, Tag
from .safeio import check_new_path, commit_temp, os_reason

#: Container format names by file ending (ffmpeg muxer).
MUXERS = {".mp4": "mp4", ".m4v": "mp4", ".mov": "mov", ".qt": "mov"}
_ISO6709 = re.compile(r"([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)?")
#: Tags that describe the file's structure, not the person or the place.
_STRUCTURE = {"major_brand", "minor_version", "compatible_brands", "language", "handler_name",
              "vendor_id", "duration", "timecode"}
_LOCATION_KEYS = ("location", "location-eng", "com.apple.quicktime.location.ISO6709",
                  "com.android.capture.location", "xyz")


def _tool(name: str) -> str:
    """The path of ffprobe or ffmpeg, or a plain refusal (exit code 5) naming the package."""
    found = shutil.which(name)
    if found is None:
        raise UnsupportedFormatError(f"video needs {name}, which is not installed "
                                     "(Debian/Ubuntu: apt install ffmpeg)")
    return found


def _run(argv: list[str], what: Path) -> subprocess.CompletedProcess[str]:
    """Run an ffmpeg tool; a failure becomes :class:`BadImageError` (not a usable video)."""
    proc = subprocess.run(argv, capture_output=True, text=True, check=False,
                          stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["unknown error"])[-1]
        raise BadImageError(f"{what}: is not a video the toolkit can read ({last})")
    return proc


def probe(path: Path) -> dict[str, Any]:
    """ffprobe's JSON view of the container and its streams."""
    proc = _run([_tool("ffprobe"), "-v", "error", "-print_format", "json", "-show_format",
                 "-show_streams", "-show_chapters", str(path)], path)
    return json.loads(proc.stdout)


def parse_iso6709(text: str) -> GpsPosition | None:
    """``+10.5000-030.2500+012.000/`` as a position (None if it is not ISO 6709 degrees)."""
    m = _ISO6709.match(text.strip())
    if not m:
        return None
    lat, lon = float(m[1]), float(m[2])
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return GpsPosition(lat, lon, float(m[3]) if m[3] else None)


def _video_name(path: Path, info: dict[str, Any]) -> str:
    """MP4, MOV or M4V, judged by the major brand and then by the ending."""
    brand = info.get("format", {}).get("tags", {}).get("major_brand", "").strip()
    if brand == "qt":
        return "MOV"
    if brand.startswith("M4V"):
        return "M4V"
    return {".mov": "MOV", ".qt": "MOV", ".m4v": "M4V"}.get(path.suffix.lower(), "MP4")


def read_video_metadata(path: str | os.PathLike[str]) -> MediaMetadata:
    """What a video's container says: location, time, device, software, names, comments."""
    p = require_file(path)
    info = probe(p)
    streams = info.get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video"), {})
    meta = MediaMetadata(os.fspath(path), _video_name(p, info), int(video.get("width", 0)),
                         int(video.get("height", 0)), "video", kind="video")
    fmt = info.get("format", {})
    for key, value in fmt.get("tags", {}).items():
        if key in _STRUCTURE:
            continue
        meta.tags.append(Tag("container", key, str(value)))
        if key in _LOCATION_KEYS or key.endswith("ISO6709"):
            meta.add_position("container", parse_iso6709(str(value)))
    for s in streams:
        label = f"stream {s.get('index')} ({s.get('codec_type', '?')})"
        for key, value in s.get("tags", {}).items():
            if key not in _STRUCTURE:
                meta.tags.append(Tag(label, key, str(value)))
        if s.get("codec_type") in ("data", "subtitle"):
            meta.tags.append(Tag(label, "track", f"a {s.get('codec_type')} track "
                                 f"({s.get('codec_tag_string', '?')}); phones can keep the "
                                 "location frame by frame in such a track"))
    for ch in info.get("chapters", []):
        for key, value in ch.get("tags", {}).items():
            meta.tags.append(Tag("chapter", key, str(value)))
    if "duration" in fmt:
        meta.notes.append(f"duration {float(fmt['duration']):.1f} s; "
                          f"{len([s for s in streams if s.get('codec_type') in ('video', 'audio')])}"
                          " audio/video stream(s)")
    _scan_boxes(p, meta)
    return meta


def _scan_boxes(p: Path, meta: MediaMetadata) -> None:
    """Look for an XMP packet (a ``uuid`` box) that ffprobe does not report; reads only headers."""
    xmp_uuid = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
    try:
        with open(p, "rb") as f:
            size_total = os.fstat(f.fileno()).st_size
            pos = 0
            while pos + 8 <= size_total:
                f.seek(pos)
                head = f.read(24)
                size = int.from_bytes(head[:4], "big")
                if size == 1:
                    size = int.from_bytes(head[8:16], "big")
                elif size == 0:
                    size = size_total - pos
                if size < 8:
                    break
                if head[4:8] == b"uuid" and head[8:24] == xmp_uuid and size < (16 << 20):
                    from .metadata import _add_xmp

                    f.seek(pos + 24)
                    _add_xmp(f.read(size - 24), meta)
                pos += size
    except OSError as err:
        meta.notes.append(f"the file could not be read to the end ({os_reason(err)})")


def _hash_command(path: Path) -> list[str]:
    """ffmpeg reading every audio and video packet and printing one MD5 per stream.

    MD5 is enough to tell a copy from its original (nobody chooses both files) and
    ffmpeg computes it about three times faster than SHA-256, which matters for
    gigabytes of video.
    """
    return [_tool("ffmpeg"), "-nostdin", "-v", "error", "-i", str(path), "-map", "0:v?",
            "-map", "0:a?", "-c", "copy", "-f", "streamhash", "-hash", "md5", "-"]


def _start_hash(path: Path) -> subprocess.Popen[str]:
    """Start reading every packet of ``path`` (see :func:`packet_hashes`)."""
    return subprocess.Popen(_hash_command(path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True)


def _finish_hash(path: Path, proc: subprocess.Popen[str]) -> list[str]:
    """The per-stream packet hashes a started reader printed."""
    out, err = proc.communicate()
    if proc.returncode != 0:
        last = (err.strip().splitlines() or ["unknown error"])[-1]
        raise BadImageError(f"{path}: its packets could not be read ({last})")
    return [line for line in out.splitlines() if line.strip()]


def packet_hashes(*paths: Path) -> list[list[str]]:
    """For each file, the MD5 of all its packets per stream (``0,v,MD5=...``).

    The files are read at the same time (one ffmpeg each), so checking a copy
    against its original takes about as long as reading one of them.
    """
    procs = [_start_hash(p) for p in paths]
    return [_finish_hash(p, proc) for p, proc in zip(paths, procs, strict=True)]


def scrub_video(src: Path, dst: Path, *, keep_timestamps: bool = False) -> Any:
    """Write a copy of a video without its metadata, with every packet unchanged (no re-encoding).

    Returns a :class:`~coursekit.evidence.scrubber.ScrubResult`. Raises
    :class:`OutputRefusedError` for a bad output, :class:`ScrubCheckError` if a
    packet differs or metadata is left (nothing is written then).
    """
    from .scrubber import ScrubResult

    before = read_video_metadata(src)
    ending = dst.suffix.lower()
    if ending not in MUXERS:
        raise OutputRefusedError(f"{dst}: the input is a video, so the output name should end in "
                                 f"{', '.join(MUXERS)}")
    if os.path.lexists(dst) and dst.resolve() == src.resolve():
        raise OutputRefusedError(f"{dst}: is the input file; scrub always writes a new file")
    check_new_path(dst, what="scrubbed copy")
    pool = ThreadPoolExecutor(max_workers=2)  # hashing (hashlib frees the GIL) beside ffmpeg
    src_hash = pool.submit(sha256_file, src)
    # a temporary name of plain characters, so it needs no escaping in the tee muxer's syntax
    tmp = dst.parent / f".evidence-{os.getpid()}-{secrets.token_hex(4)}.partial{ending}"
    argv = [_tool("ffmpeg"), "-nostdin", "-v", "error", "-i", os.path.abspath(src), "-map",
            "0:v?", "-map", "0:a?", "-c", "copy", "-map_metadata", "-1", "-map_metadata:s", "-1",
            "-map_chapters", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact",
            "-flags:a", "+bitexact", "-metadata:s", "handler_name="]
    created = next((t.value for t in before.tags if t.ifd == "container"
                    and t.name == "creation_time"), None)
    if keep_timestamps and created:
        argv += ["-metadata", f"creation_time={created}"]
    # one read of the original: the tee muxer writes the copy and hashes the packets it copied
    argv += ["-f", "tee", f"[f={MUXERS[ending]}:fflags=+bitexact]{tmp.name}|"
             "[f=streamhash:hash=md5]pipe\\:1"]
    notes: list[str] = []
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, check=False,
                              stdin=subprocess.DEVNULL, cwd=tmp.parent)
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["unknown error"])[-1]
            if "No space" in last or "Read-only" in last or "Permission denied" in last:
                raise OutputRefusedError(f"{dst}: cannot be written ({last.split(': ')[-1]}); "
                                         "nothing was left behind")
            raise BadImageError(f"{src}: could not be copied without re-encoding ({last})")
        ours = [line for line in proc.stdout.splitlines() if line.strip()]
        dst_hash = pool.submit(sha256_file, tmp)
        (theirs,) = packet_hashes(tmp)  # the copy read back by a separate ffmpeg
        problems = [] if ours == theirs and ours else [
            "the audio or video packets differ from the original's "
            f"(original {ours}, copy {theirs})"]
        after = read_video_metadata(tmp)
        allowed = {"creation_time"} if keep_timestamps else set()
        problems += [f"{t.ifd}: {t.name} = {t.value}" for t in after.tags
                     if t.category != OTHER and t.name not in allowed]
        if after.positions:
            problems.append("a location is still there")
        if problems:
            raise ScrubCheckError(f"{dst}: the independent check found a problem, so nothing was "
                                  "written:\n" + "\n".join(f"  - {x}" for x in problems))
        commit_temp(tmp, dst)
        before_hash, after_hash = src_hash.result(), dst_hash.result()
    finally:
        pool.shutdown(wait=True)
        tmp.unlink(missing_ok=True)
    notes.append("anything an encoder wrote inside the packets themselves (some name their "
                 "software there) is kept, because the packets are copied unchanged")
    dropped = [t for t in before.tags if t.name == "track"]
    if dropped:
        notes.append(f"left out {len(dropped)} data or subtitle track(s); only audio and video "
                     "were copied")
    n_streams = len(ours)
    after_keys = {(t.ifd, t.name, t.value) for t in after.tags}
    gone = sorted((t for t in before.tags if (t.ifd, t.name, t.value) not in after_keys),
                  key=lambda t: CATEGORIES.index(t.category))
    removed = [f"{t.category}: {t.name}" + ("" if t.category == OTHER else f" = {t.value}")
               for t in gone]
    kept = [f"{t.category}: {t.name} = {t.value}" for t in after.tags if t.category != OTHER]
    return ScrubResult(os.fspath(src), os.fspath(dst), before.format, before_hash,
                       after_hash, removed, kept,
                       f"every packet of the {n_streams} audio and video stream(s) copied byte for "
                       "byte (checked by a hash over all packets, read back from the new file), "
                       "not re-encoded", notes)
