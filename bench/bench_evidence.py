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

It writes JSON to ``--output`` (default ``bench/results/evidence.json``) and prints a
summary. It is not a test: timings vary from machine to machine.

Usage::

    python bench/bench_evidence.py [--large-mb 1024] [--repeat 3] [--output PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
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


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, write the JSON file and print a summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small-mb", type=int, default=1, help="small file size (MiB)")
    parser.add_argument("--large-mb", type=int, default=1024, help="large file size (MiB)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best kept)")
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
    print(f"Wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
