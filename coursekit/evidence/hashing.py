"""SHA-256 hashes of files, read in fixed-size chunks so memory stays flat.

A hash is a short fingerprint of a file's exact bytes: change one bit and the
fingerprint changes. The toolkit uses SHA-256 everywhere.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .errors import InputFileError

#: Bytes read at a time (1 MiB). Memory use does not grow with the file's size.
CHUNK_SIZE = 1024 * 1024


def require_file(path: str | os.PathLike[str], *, allow_empty: bool = False) -> Path:
    """Return ``path`` as a :class:`Path` if it is a readable, non-empty regular file.

    Raises :class:`InputFileError` with a plain message for a missing path (or a
    broken link), a folder, something that is not a regular file, or an empty
    file (unless ``allow_empty``).
    """
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise InputFileError(f"{p}: no such file") from None
    except OSError as err:
        raise InputFileError(f"{p}: cannot be read ({_reason(err)})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputFileError(f"{p}: is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise InputFileError(f"{p}: is not a regular file")
    if st.st_size == 0 and not allow_empty:
        raise InputFileError(
            f"{p}: is empty (0 bytes); an evidence file is never empty, "
            "so a copy or download may have failed"
        )
    return p


@dataclass(frozen=True)
class FileDigest:
    """A file's SHA-256 hash and size, with its path exactly as it was given."""

    path: str
    sha256: str
    size: int


def digest_file(path: str | os.PathLike[str], *, chunk_size: int = CHUNK_SIZE) -> FileDigest:
    """Hash a file with SHA-256, reading ``chunk_size`` bytes at a time.

    The size is the number of bytes actually hashed, so hash and size always
    describe the same content. Raises :class:`InputFileError` for bad paths.
    """
    p = require_file(path)
    h = hashlib.sha256()
    buf = bytearray(chunk_size)
    view = memoryview(buf)
    size = 0
    try:
        with open(p, "rb") as f:
            while n := f.readinto(buf):
                h.update(view[:n])
                size += n
    except OSError as err:
        raise InputFileError(f"{p}: cannot be read ({_reason(err)})") from None
    if size == 0:
        raise InputFileError(f"{p}: is empty (0 bytes)")
    return FileDigest(os.fspath(path), h.hexdigest(), size)


def sha256_file(path: str | os.PathLike[str], *, chunk_size: int = CHUNK_SIZE) -> str:
    """Return the SHA-256 hash of a file as 64 lowercase hex digits.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> sha256_file(p)[:16]
    'ba7816bf8f01cfea'
    """
    return digest_file(path, chunk_size=chunk_size).sha256


def _reason(err: OSError) -> str:
    """Plain words for an OS error (see :func:`coursekit.evidence.safeio.os_reason`)."""
    from .safeio import os_reason

    return os_reason(err)


def read_input(path: str | os.PathLike[str], *, limit: int | None = None) -> bytes:
    """The bytes of an input file, with plain errors (:class:`InputFileError`, exit code 3).

    ``limit`` refuses a file larger than that many bytes before reading it.
    """
    p = require_file(path)
    if limit is not None and p.stat().st_size > limit:
        raise InputFileError(f"{p}: is {p.stat().st_size} bytes, more than the {limit} bytes "
                             "this command reads into memory")
    try:
        with open(p, "rb") as f:
            return f.read()
    except OSError as err:
        raise InputFileError(f"{p}: cannot be read ({_reason(err)})") from None


def sha256_bytes(data: bytes) -> str:
    """Return the SHA-256 hash of some bytes as 64 lowercase hex digits."""
    return hashlib.sha256(data).hexdigest()
