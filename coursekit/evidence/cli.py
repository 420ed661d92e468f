"""Command line of the evidence toolkit: ``evidence <command> ...`` (or ``python -m coursekit evidence``).

Commands::

    hash FILE...                                  SHA-256 of each file (sha256sum format)
    log init LOG [--actor A] [--note N]           start a new custody log
    log add LOG FILE --actor A --action ACT [--note N]
                                                  hash FILE and append an entry
    log verify LOG [--base DIR] [--expect-head H] [--strict]
                                                  check every entry and logged file
    meta FILE [--json] [--max-pixels N]           show what a photo's or video's metadata reveals
    scrub IN OUT [--keep-timestamps] [--max-pixels N]
                                                  write a new copy without revealing metadata
    report new REPORT.json [--media FILE...]      write a starter report to fill in
    report validate REPORT.json [--media-dir D]   list every problem in an incident report
    report render REPORT.json [--output OUT.md]   render a valid report as Markdown
    sample OUTDIR                                 generate sample media with metadata

Results go to standard output; problems go to standard error with a non-zero
exit code (see :mod:`coursekit.evidence.errors` and ``--help``).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Callable, Sequence

from .custody import Clock, CustodyLog, utc_now
from .errors import EvidenceError, ExitCode
from .hashing import digest_file

#: The default pixel limit (kept here so that --help does not import the image libraries;
#: a test checks it equals coursekit.evidence.metadata.DEFAULT_MAX_PIXELS).
DEFAULT_MAX_PIXELS = 150_000_000

EXIT_CODES = """exit codes:
  0    success
  1    a check failed (log or logged file does not verify, invalid report, damaged log)
  2    usage error (unknown command, missing or empty argument)
  3    bad input path (missing, a folder, empty, unreadable or permission denied)
  4    not a usable image or video (not one, truncated, corrupt, or over --max-pixels)
  5    unsupported format (a real image or video of a kind the toolkit does not handle)
  6    output refused (exists, is the input, wrong extension, missing folder, read-only,
       permission denied, disk full); nothing is left half-written
  7    scrub self-check failed (metadata left in the new copy, so nothing was written)
  70   internal error (a bug in the toolkit; please report the message)
  130  interrupted (Ctrl-C)
  141  the output was closed early (broken pipe, e.g. piped into head)
"""


def _pixels(text: str) -> int:
    """argparse type for --max-pixels: a positive whole number (underscores allowed)."""
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of pixels") from None
    if value < 1:
        raise argparse.ArgumentTypeError("the pixel limit must be at least 1")
    return value


def build_parser(prog: str = "python -m coursekit evidence") -> argparse.ArgumentParser:
    """The argparse parser for all evidence commands."""
    parser = argparse.ArgumentParser(
        prog=prog, description="Evidence toolkit: hashes, custody logs, photo metadata, "
                               "scrubbing and incident reports.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("hash", help="SHA-256 of files, read in chunks")
    p.add_argument("files", nargs="+", metavar="FILE")

    log = sub.add_parser("log", help="custody log: init, add, verify")
    log_sub = log.add_subparsers(dest="log_command", required=True, metavar="ACTION")
    p = log_sub.add_parser("init", help="start a new custody log (never overwrites)")
    p.add_argument("log", metavar="LOG")
    p.add_argument("--actor", default="not recorded", help="who starts the log (a role is fine)")
    p.add_argument("--note", default="")
    p = log_sub.add_parser("add", help="hash FILE and append an entry to LOG")
    p.add_argument("log", metavar="LOG")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--actor", required=True, help="who handled the file (a role is fine)")
    p.add_argument("--action", required=True, help="what happened, e.g. 'collected', 'copied'")
    p.add_argument("--note", default="")
    p = log_sub.add_parser("verify", help="check every entry and every logged file")
    p.add_argument("log", metavar="LOG")
    p.add_argument("--base", default=None,
                   help="folder that relative logged paths are relative to (default: here)")
    p.add_argument("--expect-head", default=None, metavar="HASH",
                   help="the head hash noted earlier; detects entries cut off the end")
    p.add_argument("--strict", action="store_true",
                   help="count warnings (time going backwards, a file swapped under the same "
                        "name) as failures")

    p = sub.add_parser("meta", help="show what a photo's or video's metadata reveals")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--max-pixels", type=_pixels, default=DEFAULT_MAX_PIXELS, metavar="N",
                   help=f"refuse images larger than N pixels (default {DEFAULT_MAX_PIXELS:,})")

    p = sub.add_parser("scrub", help="write a NEW copy without location, device, names, "
                                     "comments (and times)")
    p.add_argument("input", metavar="IN")
    p.add_argument("output", metavar="OUT")
    p.add_argument("--keep-timestamps", action="store_true",
                   help="keep capture times (removed by default)")
    p.add_argument("--max-pixels", type=_pixels, default=DEFAULT_MAX_PIXELS, metavar="N",
                   help=f"refuse images larger than N pixels (default {DEFAULT_MAX_PIXELS:,})")

    rep = sub.add_parser("report", help="incident reports: new, validate, render")
    rep_sub = rep.add_subparsers(dest="report_command", required=True, metavar="ACTION")
    p = rep_sub.add_parser("new", help="write a starter report to fill in (never overwrites)")
    p.add_argument("report", metavar="REPORT.json")
    p.add_argument("--media", nargs="+", default=[], metavar="FILE",
                   help="media files to list, with their hashes (paths relative to here)")
    p = rep_sub.add_parser("validate", help="list every problem in a report")
    p.add_argument("report", metavar="REPORT.json")
    p.add_argument("--media-dir", default=None,
                   help="also re-hash the listed media files found in this folder")
    p = rep_sub.add_parser("render", help="render a valid report as Markdown")
    p.add_argument("report", metavar="REPORT.json")
    p.add_argument("--output", default=None, metavar="OUT.md",
                   help="write to this new file instead of printing")

    p = sub.add_parser("sample", help="generate sample media (abstract landscape) with metadata")
    p.add_argument("outdir", metavar="OUTDIR")
    return parser


def _say(text: str) -> None:
    """Print a result on standard output."""
    print(text, file=sys.stdout)


def _warn(text: str) -> None:
    """Print a problem or a note on standard error."""
    print(text, file=sys.stderr)


def sha256sum_line(sha256: str, name: str | bytes) -> bytes:
    """One output line exactly as GNU ``sha256sum`` writes it, so ``sha256sum -c`` can check it.

    A name holding a backslash, a line feed or a carriage return is escaped
    (``\\\\``, ``\\n``, ``\\r``) and the line then starts with a backslash. The name's
    bytes are written as they are, even when they are not valid UTF-8.
    """
    raw = os.fsencode(name)
    if any(c in raw for c in b"\\\n\r"):
        escaped = raw.replace(b"\\", b"\\\\").replace(b"\n", b"\\n").replace(b"\r", b"\\r")
        return b"\\" + sha256.encode("ascii") + b"  " + escaped + b"\n"
    return sha256.encode("ascii") + b"  " + raw + b"\n"


def _cmd_hash(args: argparse.Namespace, clock: Clock) -> int:
    """hash FILE...: print each hash; report bad paths and carry on with the rest."""
    code = 0
    for name in args.files:
        try:
            d = digest_file(name)
        except EvidenceError as err:
            _warn(f"error: {err}")
            code = code or int(err.exit_code)
            continue
        _write_stdout(sha256sum_line(d.sha256, name))
    return code


def _cmd_log(args: argparse.Namespace, clock: Clock) -> int:
    """log init | add | verify."""
    if args.log_command == "init":
        log = CustodyLog.create(args.log, actor=args.actor, note=args.note, clock=clock)
        first = log.entries()[0]
        _say(f"created {args.log}: line 1 (log created at {first['time']}), "
             f"head {first['entry_hash']}")
        return 0
    if args.log_command == "add":
        result = CustodyLog(args.log, clock=clock).add(
            args.file, actor=args.actor, action=args.action, note=args.note)
        e = result.entry
        _say(f"line {e['seq']}: {e['time']} {e['actor']} {e['action']!r} {e['path']} "
             f"sha256 {e['sha256']} ({e['size']} bytes)")
        if result.changed_since_line:
            _warn(f"note: {e['path']} differs from its entry on line "
                  f"{result.changed_since_line}; the new entry records the change")
        return 0
    result = CustodyLog(args.log, clock=clock).verify(base=args.base,
                                                      expect_head=args.expect_head,
                                                      strict=args.strict)
    _say(result.report())
    if result.warnings:
        _warn(f"warning: {args.log}: {len(result.warnings)} warning(s), listed above")
    if not result.ok:
        _warn(f"error: {args.log}: verification failed with {len(result.problems)} "
              "problem(s), listed above")
        return int(ExitCode.CHECK_FAILED)
    return 0


def _cmd_meta(args: argparse.Namespace, clock: Clock) -> int:
    """meta FILE [--json]: show what the image's metadata reveals."""
    from .metadata import read_metadata

    meta = read_metadata(args.file, max_pixels=args.max_pixels)
    _say(json.dumps(meta.to_dict(), indent=2, ensure_ascii=False) if args.json
         else meta.summary())
    return 0


def _cmd_scrub(args: argparse.Namespace, clock: Clock) -> int:
    """scrub IN OUT [--keep-timestamps] [--max-pixels N]: write a new, scrubbed copy."""
    from .scrubber import scrub

    _say(scrub(args.input, args.output, keep_timestamps=args.keep_timestamps,
               max_pixels=args.max_pixels).summary())
    return 0


def _cmd_report(args: argparse.Namespace, clock: Clock) -> int:
    """report new | validate | render."""
    from .report import new_report, render_report, validate_report

    if args.report_command == "new":
        data = new_report(args.report, now=clock(), media=args.media)
        _say(f"wrote {args.report}: a starter report with {len(data['media'])} media file(s); "
             "replace every text that starts with 'Replace', then run 'report validate'")
        return 0
    if args.report_command == "validate":
        check = validate_report(args.report, media_dir=args.media_dir)
        if check.ok:
            _say(check.summary())
            return 0
        _warn(check.summary())
        return int(ExitCode.CHECK_FAILED)
    text = render_report(args.report, args.output)
    _say(f"wrote {args.output}" if args.output else text.rstrip("\n"))
    return 0


def _cmd_sample(args: argparse.Namespace, clock: Clock) -> int:
    """sample OUTDIR: generate the sample media."""
    from .sample import make_samples

    for kind, path in make_samples(args.outdir).items():
        _say(f"{kind}: {path}")
    return 0


_COMMANDS: dict[str, Callable[[argparse.Namespace, Clock], int]] = {
    "hash": _cmd_hash, "log": _cmd_log, "meta": _cmd_meta, "scrub": _cmd_scrub,
    "report": _cmd_report, "sample": _cmd_sample,
}


def _write_stdout(data: bytes) -> None:
    """Write raw bytes to standard output (file names may not be valid UTF-8)."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # e.g. a notebook's stream: text only
        sys.stdout.write(data.decode("utf-8", errors="backslashreplace"))
    else:
        buffer.write(data)
        buffer.flush()


def _silence_stdout() -> None:
    """After a broken pipe, point standard output at /dev/null so exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


def main(argv: Sequence[str] | None = None, *, clock: Clock = utc_now,
         prog: str = "python -m coursekit evidence") -> int:
    """Run one command and return its exit code (it never calls ``sys.exit``).

    ``clock`` is the time source for custody-log entries (inject
    :func:`~coursekit.evidence.custody.fixed_clock` in tests and notebooks).
    Every failure is one line (or one short list) on standard error and a
    documented exit code; a traceback would be a bug (exit code 70).
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:  # never crash on an odd file name
            reconfigure(errors="backslashreplace")
    parser = build_parser(prog)
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else int(ExitCode.USAGE)
    try:
        code = _COMMANDS[args.command](args, clock)
        sys.stdout.flush()
        return code
    except EvidenceError as err:
        _warn(f"error: {err}")
        return int(err.exit_code)
    except BrokenPipeError:
        _silence_stdout()
        _warn("error: the output was closed before everything was written (broken pipe)")
        return int(ExitCode.BROKEN_PIPE)
    except KeyboardInterrupt:
        _warn("interrupted; nothing half-written was left")
        return int(ExitCode.INTERRUPTED)
    except MemoryError:
        _warn("error: not enough memory for this file")
        return int(ExitCode.INTERNAL)
    except Exception as err:  # noqa: BLE001 - the last line of defence: one line, not a traceback
        _warn(f"error: internal error, please report it: {type(err).__name__}: {err}")
        return int(ExitCode.INTERNAL)


def console_main() -> None:
    """Entry point of the ``evidence`` console command (see ``[project.scripts]``)."""
    sys.exit(main(prog="evidence"))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
