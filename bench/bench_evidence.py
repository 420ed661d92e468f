"""Benchmark: coursekit's streamed SHA-256 against the system ``sha256sum``.

For a small (1 MB) and a large file (``--large-mb``, default 1024 MB) created in
a temporary folder, it measures

- throughput (MB/s) of ``coursekit.evidence.hashing.sha256_file``, timed inside a
  child process so interpreter start-up is not counted;
- throughput of ``sha256sum`` on the same file (wall time of the process);
- the same for the whole command ``python -m coursekit evidence hash FILE``, timed
  from outside like ``sha256sum`` (so it includes Python's start-up);
- the ratios (coursekit / sha256sum throughput; 1.0 means as fast, more is faster);
- peak resident memory (ru_maxrss) of each child process, read with
  ``os.wait4``, and of a child that only imports the module, as a baseline. Flat
  memory shows as the same peak for the small and the large file.

It also measures the image and video commands, each in a child process (wall time and
peak RSS via ``os.wait4``):

- ``scrub`` of a generated 12-megapixel JPEG (4000 x 3000) carrying EXIF, GPS and XMP;
- ``meta`` refusing a 13,000 x 13,000-pixel PNG of about half a megabyte (a decompression
  bomb): how fast the refusal comes and how little memory it takes;
- ``scrub`` of a generated video of about ``--video-mb`` MB (default 1024; raw frames, so
  it is made in seconds) against ``ffmpeg -c copy -map_metadata -1`` on the same file, as
  a ratio (the toolkit also checks every packet's hash, so it reads the file more times).

It writes JSON to ``--output`` (default ``bench/results/evidence.json``) and prints a
summary. It is not a test: timings vary from machine to machine.

Usage::

    python bench/bench_evidence.py [--large-mb 1024] [--video-mb 1024] [--repeat 3] [--output PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024

_CHILD = """
import json, sys, time
from coursekit.evidence.hashing import sha256_file
t = time.perf_counter()
h = sha256_file(sys.argv[1])
print(json.dumps({"sha256": h, "seconds": time.perf_counter() - t}))
"""
_BASELINE = "import coursekit.evidence.hashing"


def make_file(path: Path, size_mb: int) -> None:
    """Write ``size_mb`` MiB of pseudo-random bytes, 1 MiB at a time."""
    block = os.urandom(MB)
    with open(path, "wb") as f:
        for i in range(size_mb):
            f.write(block[i % 251:] + block[: i % 251])  # vary the blocks cheaply


def run_child(argv: list[str]) -> tuple[str, float, float]:
    """Run a process; return (stdout, wall seconds, peak RSS in MiB) via os.wait4."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out, err = proc.stdout.read(), proc.stderr.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()  # type: ignore[union-attr]
    proc.stderr.close()  # type: ignore[union-attr]
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed: {err.decode(errors='replace')}")
    # ru_maxrss is KiB on Linux, bytes on macOS
    peak = usage.ru_maxrss / (MB if sys.platform == "darwin" else 1024)
    return out.decode(), wall, peak


def bench_file(path: Path, repeat: int) -> dict[str, Any]:
    """Best-of-``repeat`` timings and peak memory for one file."""
    size = path.stat().st_size
    ours: list[tuple[float, float, str]] = []
    for _ in range(repeat):
        out, _wall, peak = run_child([sys.executable, "-c", _CHILD, str(path)])
        data = json.loads(out)
        ours.append((data["seconds"], peak, data["sha256"]))
    result: dict[str, Any] = {
        "size_bytes": size,
        "coursekit": {"seconds": min(s for s, _, _ in ours),
                      "peak_rss_mib": max(p for _, p, _ in ours)},
    }
    result["coursekit"]["mb_per_s"] = size / MB / result["coursekit"]["seconds"]
    cli: list[tuple[float, float]] = []
    for _ in range(repeat):
        _out, wall, peak = run_child([sys.executable, "-m", "coursekit", "evidence", "hash",
                                      str(path)])
        cli.append((wall, peak))
    best_cli = min(w for w, _ in cli)
    result["coursekit_cli"] = {"seconds": best_cli, "mb_per_s": size / MB / best_cli,
                               "peak_rss_mib": max(p for _, p in cli)}
    tool = shutil.which("sha256sum")
    if tool is None:
        result["sha256sum"] = None
        result["ratio_coursekit_to_sha256sum"] = None
        result["ratio_cli_to_sha256sum"] = None
        result["note"] = "sha256sum not found; no comparison"
        return result
    theirs: list[tuple[float, float, str]] = []
    for _ in range(repeat):
        out, wall, peak = run_child([tool, str(path)])
        theirs.append((wall, peak, out.split()[0]))
    best = min(s for s, _, _ in theirs)
    result["sha256sum"] = {"seconds": best, "mb_per_s": size / MB / best,
                           "peak_rss_mib": max(p for _, p, _ in theirs)}
    result["ratio_coursekit_to_sha256sum"] = (result["coursekit"]["mb_per_s"]
                                              / result["sha256sum"]["mb_per_s"])
    result["ratio_cli_to_sha256sum"] = (result["coursekit_cli"]["mb_per_s"]
                                        / result["sha256sum"]["mb_per_s"])
    result["hashes_match"] = ours[0][2] == theirs[0][2]
    return result


_MAKE_JPEG = """
import io, sys
import piexif
from coursekit.evidence.sample import _XMP, landscape, sample_exif
img = landscape(640, 427).resize((4000, 3000))
img.save(sys.argv[1], "JPEG", quality=90, exif=sample_exif(), xmp=_XMP.encode())
"""


def bomb_png(path: Path, side: int = 13000) -> None:
    """A PNG of side x side RGB pixels, all black: about 0.5 MB on disk, 507 MB of pixels."""
    def chunk(t: bytes, d: bytes) -> bytes:
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))

    comp = zlib.compressobj(9)
    row = b"\0" * (1 + side * 3)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2,
                                                                  0, 0, 0)))
        data = b"".join(comp.compress(row) for _ in range(side)) + comp.flush()
        f.write(chunk(b"IDAT", data) + chunk(b"IEND", b""))


def run_timed(argv: list[str], ok_codes: tuple[int, ...] = (0,)) -> tuple[int, float, float]:
    """Run a process; return (exit code, wall seconds, peak RSS MiB), allowing ``ok_codes``."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    err = proc.stderr.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.stderr.close()  # type: ignore[union-attr]
    code = os.waitstatus_to_exitcode(status)
    if code not in ok_codes:
        raise RuntimeError(f"{argv[:4]} exited {code}: {err.decode(errors='replace')[-500:]}")
    return code, wall, usage.ru_maxrss / (MB if sys.platform == "darwin" else 1024)


def bench_media(tmp: Path, repeat: int, video_mb: int) -> dict[str, Any]:
    """12-MP JPEG scrub, bomb refusal, and video scrub against ffmpeg -c copy."""
    cli = [sys.executable, "-m", "coursekit", "evidence"]
    out: dict[str, Any] = {}
    jpeg = tmp / "12mp.jpg"
    run_timed([sys.executable, "-c", _MAKE_JPEG, str(jpeg)])
    runs = []
    for i in range(repeat):
        target = tmp / f"12mp-clean-{i}.jpg"
        runs.append(run_timed([*cli, "scrub", str(jpeg), str(target)])[1:])
        target.unlink()
    out["jpeg_12mp_scrub"] = {"size_bytes": jpeg.stat().st_size, "pixels": 4000 * 3000,
                              "seconds": min(w for w, _ in runs),
                              "peak_rss_mib": max(p for _, p in runs)}
    bomb = tmp / "bomb.png"
    bomb_png(bomb)
    runs = [run_timed([*cli, "meta", str(bomb)], ok_codes=(4,))[1:] for _ in range(repeat)]
    out["png_13000x13000_refusal"] = {"size_bytes": bomb.stat().st_size, "exit_code": 4,
                                      "seconds": min(w for w, _ in runs),
                                      "peak_rss_mib": max(p for _, p in runs)}
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None or video_mb < 1:
        out["video_scrub"] = None
        return out
    clip, video = tmp / "clip.mp4", tmp / "big.mov"
    subprocess.run([ffmpeg, "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                    "testsrc2=size=1920x1080:rate=30", "-t", "2", "-c:v", "mpeg4", "-q:v", "1",
                    str(clip)], check=True)
    loops = max(0, video_mb * MB // clip.stat().st_size - 1)
    subprocess.run([ffmpeg, "-nostdin", "-v", "error", "-stream_loop", str(loops), "-i",
                    str(clip), "-c", "copy", "-metadata", "location=+10.5000-030.2500/",
                    "-f", "mov", str(video)], check=True)  # copied, not encoded: made in seconds
    clip.unlink()
    ours, theirs = [], []
    for i in range(repeat):
        target = tmp / f"clean-{i}.mov"
        ours.append(run_timed([*cli, "scrub", str(video), str(target)])[1:])
        target.unlink()
        target = tmp / f"copy-{i}.mov"
        theirs.append(run_timed([ffmpeg, "-nostdin", "-v", "error", "-i", str(video), "-map",
                                 "0", "-c", "copy", "-map_metadata", "-1", str(target)])[1:])
        target.unlink()
    best_ours, best_theirs = min(w for w, _ in ours), min(w for w, _ in theirs)
    out["video_scrub"] = {"size_bytes": video.stat().st_size,
                          "coursekit_seconds": best_ours, "ffmpeg_copy_seconds": best_theirs,
                          "coursekit_peak_rss_mib": max(p for _, p in ours),
                          "ffmpeg_peak_rss_mib": max(p for _, p in theirs),
                          "ratio_coursekit_to_ffmpeg_time": best_ours / best_theirs}
    video.unlink()
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, write the JSON file and print a summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small-mb", type=int, default=1, help="small file size (MiB)")
    parser.add_argument("--large-mb", type=int, default=1024, help="large file size (MiB)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best kept)")
    parser.add_argument("--video-mb", type=int, default=1024,
                        help="size of the generated video for the scrub benchmark (0: skip)")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "evidence.json")
    args = parser.parse_args(argv)
    if args.small_mb < 1 or args.large_mb < 1 or args.repeat < 1:
        parser.error("sizes and --repeat must be at least 1")

    results: dict[str, Any] = {
        "benchmark": "coursekit.evidence.hashing.sha256_file vs sha256sum",
        "python": platform.python_version(), "platform": platform.platform(),
        "cpu_count": os.cpu_count(), "repeat": args.repeat,
        "unit_note": "MB = MiB; ratio > 1 means coursekit is faster than sha256sum",
        "files": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench-evidence-") as tmp:
        _, _, base_peak = run_child([sys.executable, "-c", _BASELINE])
        results["baseline_import_peak_rss_mib"] = base_peak
        for label, size_mb in (("small", args.small_mb), ("large", args.large_mb)):
            path = Path(tmp) / f"{label}.bin"
            make_file(path, size_mb)
            results["files"][label] = bench_file(path, args.repeat)
            path.unlink()
        results["media"] = bench_media(Path(tmp), args.repeat, args.video_mb)
    results["children_max_rss_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / (
        MB if sys.platform == "darwin" else 1024)

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")

    print(f"Baseline (import only): peak RSS {base_peak:.1f} MiB")
    for label, r in results["files"].items():
        ck, cli, ss = r["coursekit"], r["coursekit_cli"], r["sha256sum"]
        print(f"{label} file, {r['size_bytes'] / MB:.0f} MiB:")
        print(f"  coursekit (in process) {ck['mb_per_s']:9.1f} MB/s  peak RSS "
              f"{ck['peak_rss_mib']:6.1f} MiB")
        print(f"  coursekit CLI          {cli['mb_per_s']:9.1f} MB/s  peak RSS "
              f"{cli['peak_rss_mib']:6.1f} MiB")
        if ss:
            print(f"  sha256sum              {ss['mb_per_s']:9.1f} MB/s  peak RSS "
                  f"{ss['peak_rss_mib']:6.1f} MiB")
            print(f"  ratio to sha256sum: in process {r['ratio_coursekit_to_sha256sum']:.2f}, "
                  f"CLI {r['ratio_cli_to_sha256sum']:.2f}; hashes match: {r['hashes_match']}")
    media = results["media"]
    j, b = media["jpeg_12mp_scrub"], media["png_13000x13000_refusal"]
    print(f"scrub of a 12-MP JPEG: {j['seconds']:.2f} s, peak RSS {j['peak_rss_mib']:.0f} MiB")
    print(f"13,000 x 13,000 PNG ({b['size_bytes'] / 1024:.0f} KB) refused in {b['seconds']:.2f} s, "
          f"peak RSS {b['peak_rss_mib']:.0f} MiB")
    v = media["video_scrub"]
    if v:
        print(f"video scrub, {v['size_bytes'] / MB:.0f} MiB: {v['coursekit_seconds']:.1f} s against "
              f"{v['ffmpeg_copy_seconds']:.1f} s for ffmpeg -c copy (ratio "
              f"{v['ratio_coursekit_to_ffmpeg_time']:.2f})")
    print(f"Wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
