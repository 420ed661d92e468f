"""Errors of the evidence toolkit, each tied to a documented exit code.

Every problem the toolkit can meet with a user's files is raised as a subclass of
:class:`EvidenceError`. Its message is written for a person (it names the file
and says what is wrong) and its :attr:`~EvidenceError.exit_code` is what the
command line returns, so a script can tell the kinds of failure apart:

====  =====================================================================
code  meaning
====  =====================================================================
0     success: every check passed
1     a check failed: the custody log or a logged file does not verify, a
      report is invalid, or a log is damaged so nothing was appended
2     usage error: unknown command, missing or empty argument
3     bad input path: missing, a folder, empty, or unreadable
4     not a usable image: not an image at all, truncated or corrupt
5     unsupported format: a real image, but not JPEG, PNG, TIFF or WebP
6     output refused: the output exists, equals the input, has the wrong
      extension or cannot be written (nothing was overwritten)
7     scrub self-check failed: the new file still carried metadata it must
      not, so it was deleted
70    internal error: a bug in the toolkit (the one-line message names it)
130   interrupted (Ctrl-C); nothing half-written is left behind
141   standard output was closed early (e.g. piped into ``head``), as for
      other tools stopped by SIGPIPE
====  =====================================================================

Codes 3 and 6 cover the operating system's refusals too: an input that cannot
be read (permission denied) is 3; an output or a log that cannot be written
(permission denied, read-only location, missing folder, full disk) is 6, and
nothing is left half-written.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The exit codes of ``python -m coursekit evidence`` (see the module docstring)."""

    OK = 0
    CHECK_FAILED = 1
    USAGE = 2
    BAD_INPUT = 3
    BAD_IMAGE = 4
    UNSUPPORTED = 5
    OUTPUT_REFUSED = 6
    SCRUB_FAILED = 7
    INTERNAL = 70
    INTERRUPTED = 130
    BROKEN_PIPE = 141


class EvidenceError(Exception):
    """Base class: a problem with the user's files, explained in plain words."""

    exit_code: ExitCode = ExitCode.CHECK_FAILED


class CheckFailedError(EvidenceError):
    """A log, a logged file or a report did not pass its check."""

    exit_code = ExitCode.CHECK_FAILED


class UsageError(EvidenceError):
    """An argument is present but unusable (e.g. an empty actor name)."""

    exit_code = ExitCode.USAGE


class InputFileError(EvidenceError):
    """An input path is missing, a folder, empty or unreadable."""

    exit_code = ExitCode.BAD_INPUT


class BadImageError(EvidenceError):
    """A file is not an image, or its image data is truncated or corrupt."""

    exit_code = ExitCode.BAD_IMAGE


class UnsupportedFormatError(EvidenceError):
    """A readable image in a format the toolkit does not handle."""

    exit_code = ExitCode.UNSUPPORTED


class OutputRefusedError(EvidenceError):
    """The output path cannot be used without risk to existing files."""

    exit_code = ExitCode.OUTPUT_REFUSED


class ScrubCheckError(EvidenceError):
    """A scrubbed file failed the independent check and was deleted."""

    exit_code = ExitCode.SCRUB_FAILED
