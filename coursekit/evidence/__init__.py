"""The evidence toolkit: integrity, metadata and custody for documentation work.

- :mod:`~coursekit.evidence.safeio` — I/O safety every command shares (atomic new
  files, locked all-or-nothing appends, plain reasons for OS errors);
- :mod:`~coursekit.evidence.hashing` — SHA-256 of files, streamed in chunks;
- :mod:`~coursekit.evidence.custody` — an append-only, hash-chained custody log;
- :mod:`~coursekit.evidence.metadata` — what a photo reveals (every EXIF block, XMP,
  IPTC, text chunks, colour-profile texts), with one module per format family:
  :mod:`~coursekit.evidence.png`, :mod:`~coursekit.evidence.webp`,
  :mod:`~coursekit.evidence.xmp`, :mod:`~coursekit.evidence.iptc`,
  :mod:`~coursekit.evidence.icc`, :mod:`~coursekit.evidence.heif`,
  :mod:`~coursekit.evidence.video`;
- :mod:`~coursekit.evidence.scrubber` — a new copy without revealing metadata;
- :mod:`~coursekit.evidence.report` — incident reports: schema, validation, Markdown;
- :mod:`~coursekit.evidence.sample` — generated sample media (never a person);
- :mod:`~coursekit.evidence.cli` — ``evidence <command>`` (also ``python -m coursekit evidence``).

Every failure is an :class:`~coursekit.evidence.errors.EvidenceError` with a
plain message and a documented exit code (:class:`~coursekit.evidence.errors.ExitCode`).
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public name -> the module that defines it. Modules are imported on first use, so a
#: command such as ``evidence hash`` does not pay for the image libraries.
_LAZY = {
    **dict.fromkeys(("GENESIS", "CustodyLog", "VerifyResult", "fixed_clock", "format_entries",
                     "utc_now"), "custody"),
    **dict.fromkeys(("BadImageError", "CheckFailedError", "EvidenceError", "ExitCode",
                     "InputFileError", "OutputRefusedError", "ScrubCheckError",
                     "UnsupportedFormatError", "UsageError"), "errors"),
    **dict.fromkeys(("FileDigest", "digest_file", "sha256_file"), "hashing"),
    **dict.fromkeys(("MediaMetadata", "jpeg_image_data", "read_metadata"), "metadata"),
    **dict.fromkeys(("REPORT_SCHEMA", "check_report_data", "example_report", "render_markdown",
                     "validate_report", "starter_report"), "report"),
    "make_samples": "sample",
    **dict.fromkeys(("ScrubResult", "find_leftovers", "scrub"), "scrubber"),
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    """Import the defining module on first use of a public name (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """Public names, for tab completion."""
    return sorted(set(globals()) | set(_LAZY))
