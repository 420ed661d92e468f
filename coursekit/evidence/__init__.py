"""The evidence toolkit: integrity, metadata and custody for documentation work.

- :mod:`~coursekit.evidence.hashing` — SHA-256 of files, streamed in chunks;
- :mod:`~coursekit.evidence.custody` — an append-only, hash-chained custody log;
- :mod:`~coursekit.evidence.metadata` — what a photo's EXIF/GPS/XMP reveals;
- :mod:`~coursekit.evidence.scrubber` — a new copy without revealing metadata;
- :mod:`~coursekit.evidence.report` — incident reports: schema, validation, Markdown;
- :mod:`~coursekit.evidence.sample` — generated sample media (never a person);
- :mod:`~coursekit.evidence.cli` — ``python -m coursekit evidence <command>``.

Every failure is an :class:`~coursekit.evidence.errors.EvidenceError` with a
plain message and a documented exit code (:class:`~coursekit.evidence.errors.ExitCode`).
"""

from __future__ import annotations

from .custody import GENESIS, CustodyLog, VerifyResult, fixed_clock, format_entries, utc_now
from .errors import (
    BadImageError,
    CheckFailedError,
    EvidenceError,
    ExitCode,
    InputFileError,
    OutputRefusedError,
    ScrubCheckError,
    UnsupportedFormatError,
    UsageError,
)
from .hashing import FileDigest, digest_file, sha256_file
from .metadata import MediaMetadata, jpeg_image_data, read_metadata
from .report import (
    REPORT_SCHEMA,
    check_report_data,
    example_report,
    render_markdown,
    validate_report,
)
from .sample import make_samples
from .scrubber import ScrubResult, find_leftovers, scrub

__all__ = [
    "GENESIS", "REPORT_SCHEMA", "BadImageError", "CheckFailedError", "CustodyLog",
    "EvidenceError", "ExitCode", "FileDigest", "InputFileError", "MediaMetadata",
    "OutputRefusedError", "ScrubCheckError", "ScrubResult", "UnsupportedFormatError",
    "UsageError", "VerifyResult", "check_report_data", "digest_file", "example_report",
    "find_leftovers", "fixed_clock", "format_entries", "jpeg_image_data", "make_samples",
    "read_metadata", "render_markdown", "scrub", "sha256_file", "utc_now", "validate_report",
]
