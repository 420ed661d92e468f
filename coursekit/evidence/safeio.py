"""I/O safety shared by every command: no half-written file, no crash on a full disk.

- :func:`write_new` writes a new file *atomically*: the bytes go to a temporary
  file in the target folder, are flushed to disk (``fsync``), and only then is the
  file linked into place under its final name, which must not exist yet. A reader
  sees either nothing or the whole file, never an empty or truncated one; a full
  disk, a read-only folder or a missing folder leaves no trace.
- :func:`locked_append` appends one record to a file under an OS-level lock
  (``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows), with a single
  ``write`` and an ``fsync``; if anything fails the file is truncated back to
  its previous length, so it stays byte-identical to before.
- :func:`os_reason` turns an :class:`OSError` into a few plain words ("the disk is
  full", "permission denied", ...).

The tests inject faults through :data:`FAULTS`: a mapping from an operation
name (``"write"``, ``"fsync"``, ``"link"``) to an exception that operation
raises instead of running.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from .errors import EvidenceError, InputFileError, OutputRefusedError

#: Test hook: operation name -> exception raised instead of doing it.
FAULTS: dict[str, BaseException] = {}

T = TypeVar("T")

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the location is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "is a folder",
    errno.EEXIST: "already exists",
    errno.ENAMETOOLONG: "the name is too long",
    errno.EIO: "an input/output error (the disk or card may be failing)",
}


def os_reason(err: OSError) -> str:
    """A short plain-language reason for an OS error."""
    if err.errno in _REASONS:
        return _REASONS[err.errno]
    return (err.strerror or str(err) or type(err).__name__).lower()


def _fault(name: str) -> None:
    """Raise the injected fault for operation ``name``, if any (tests only)."""
    exc = FAULTS.get(name)
    if exc is not None:
        raise exc


def _write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` to ``fd``; a short write counts as a full disk."""
    _fault("write")
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        if n <= 0:  # pragma: no cover - os.write raises instead on Linux
            raise OSError(errno.ENOSPC, "short write")
        view = view[n:]


def _fsync(fd: int) -> None:
    """fsync with the test hook."""
    _fault("fsync")
    os.fsync(fd)


def check_new_path(path: str | os.PathLike[str], *, what: str = "file") -> Path:
    """Refuse an output that exists or whose folder is missing (:class:`OutputRefusedError`)."""
    p = Path(path)
    if os.path.lexists(p):
        raise OutputRefusedError(f"{p}: already exists; nothing was overwritten "
                                 f"(choose a new name for the {what})")
    parent = p.parent
    if not parent.is_dir():
        raise OutputRefusedError(f"{p}: cannot be written (the folder {parent} does not exist)")
    return p


def write_new(path: str | os.PathLike[str], data: bytes | Callable[[int], None], *,
              what: str = "file") -> Path:
    """Create ``path`` with ``data`` atomically; never overwrite; leave nothing on failure.

    ``data`` is the bytes, or a function that writes them to the open file
    descriptor it is given (for large outputs). Raises :class:`OutputRefusedError`
    naming the reason (exists, missing folder, disk full, read-only, permission).
    """
    p = check_new_path(path, what=what)
    tmp = p.parent / f".{p.name}.{os.getpid()}.partial"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
    except OSError as err:
        raise OutputRefusedError(f"{p}: cannot be written ({os_reason(err)})") from None
    try:
        try:
            if callable(data):
                data(fd)
            else:
                _write_all(fd, data)
            _fsync(fd)
        finally:
            os.close(fd)
        _fault("link")
        try:
            os.link(tmp, p)  # fails if p exists: never overwrites, even in a race
        except FileExistsError:
            raise OutputRefusedError(f"{p}: already exists; nothing was overwritten") from None
        except OSError as err:
            if err.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.ENOSYS):
                raise
            if os.path.lexists(p):  # file systems without hard links (FAT, some shares)
                raise OutputRefusedError(f"{p}: already exists; nothing was overwritten") from None
            os.replace(tmp, p)
        _fsync_folder(p.parent)
    except EvidenceError:
        _unlink_quietly(tmp)
        raise
    except OSError as err:
        _unlink_quietly(tmp)
        raise OutputRefusedError(f"{p}: cannot be written ({os_reason(err)}); "
                                 "nothing was left behind") from None
    except BaseException:
        _unlink_quietly(tmp)
        raise
    _unlink_quietly(tmp)
    return p


def new_temp_path(final: str | os.PathLike[str]) -> Path:
    """A temporary name in the same folder as ``final``, for a tool that writes by path.

    Publish it with :func:`commit_temp`; delete it (``unlink(missing_ok=True)``) otherwise.
    """
    p = Path(final)
    return p.parent / f".{p.stem}.{os.getpid()}.partial{p.suffix}"


def commit_temp(tmp: Path, final: str | os.PathLike[str]) -> Path:
    """Flush a finished temporary file to disk and link it into place under ``final``.

    Never overwrites (:class:`OutputRefusedError` if ``final`` appeared meanwhile);
    the temporary name is left for the caller to remove.
    """
    p = Path(final)
    try:
        fd = os.open(tmp, os.O_RDONLY)
        try:
            _fsync(fd)
        finally:
            os.close(fd)
        _fault("link")
        os.link(tmp, p)
    except FileExistsError:
        raise OutputRefusedError(f"{p}: already exists; nothing was overwritten") from None
    except OSError as err:
        raise OutputRefusedError(f"{p}: cannot be written ({os_reason(err)}); "
                                 "nothing was left behind") from None
    _fsync_folder(p.parent)
    return p


def _unlink_quietly(p: Path) -> None:
    """Remove a temporary file if it is there."""
    with contextlib.suppress(OSError):
        p.unlink()


def _fsync_folder(folder: Path) -> None:
    """Make a new directory entry durable (POSIX only; ignored where unsupported)."""
    if sys.platform == "win32":  # pragma: no cover
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _os_lock(fd: int) -> Iterator[None]:
    """Hold an exclusive OS-level lock on an open file (blocks until it is free)."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
                break
            except OSError:
                continue
        try:
            yield
        finally:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


def read_all(fd: int) -> bytes:
    """Read a whole open file from its start."""
    size = os.fstat(fd).st_size
    os.lseek(fd, 0, os.SEEK_SET)
    chunks, left = [], size
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def locked_append(path: str | os.PathLike[str], make_record: Callable[[bytes], tuple[bytes, T]]
                  ) -> T:
    """Append one record to an existing file under an exclusive lock, all or nothing.

    ``make_record`` gets the file's current bytes (read while the lock is held,
    so no other writer can slip in between) and returns ``(record, result)``;
    it may raise to append nothing. The record is written with one ``write``
    and an ``fsync``; on any failure the file is cut back to its old length.
    Returns ``result``.
    """
    p = Path(path)
    try:
        fd = os.open(p, os.O_RDWR | os.O_APPEND | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise InputFileError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise InputFileError(f"{p}: is a folder, not a file") from None
    except OSError as err:
        raise OutputRefusedError(f"{p}: cannot be appended to ({os_reason(err)}); "
                                 "nothing was written") from None
    try:
        with _os_lock(fd):
            try:
                before = read_all(fd)
            except OSError as err:
                raise InputFileError(f"{p}: cannot be read ({os_reason(err)})") from None
            record, result = make_record(before)
            try:
                _write_all(fd, record)
                _fsync(fd)
            except BaseException as exc:
                restored = _truncate_back(fd, len(before))
                if isinstance(exc, OSError):
                    tail = ("the log is unchanged" if restored else
                            f"the log could not be restored to {len(before)} bytes: check it "
                            "with 'log verify'")
                    raise OutputRefusedError(f"{p}: the entry could not be written "
                                             f"({os_reason(exc)}); {tail}") from None
                raise
    finally:
        os.close(fd)
    return result


def _truncate_back(fd: int, size: int) -> bool:
    """Cut a file back to ``size`` bytes after a failed append; True if that worked."""
    try:
        os.ftruncate(fd, size)
        os.fsync(fd)
    except OSError:
        return os.fstat(fd).st_size == size
    return True
