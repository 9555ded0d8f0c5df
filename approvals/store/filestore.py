"""Signed trails on disk, addressed by their SHA-256; the database keeps the index.

A trail is stored as ``<root>/ab/cd/<sha256>.pdf`` (the first two pairs of hex digits as
folders, so no folder grows too large). A file is written to a temporary name in its folder,
flushed to disk, then renamed into place, and the folder is flushed too: a crash leaves either
no file or the whole file, never half of one. The same content always lands on the same name,
so storing it twice is harmless. Reading checks the content against its name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from approvals.core.errors import StoredFileProblem


@dataclass(frozen=True)
class Stored:
    sha256: str
    size: int
    path: str  # relative to the root, with forward slashes


def relative_path(sha256: str, suffix: str = ".pdf") -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}{suffix}"


def put(root: Path, data: bytes, suffix: str = ".pdf") -> Stored:
    """Store ``data`` under its SHA-256 (atomically; a file already there is kept)."""
    sha256 = hashlib.sha256(data).hexdigest()
    relative = relative_path(sha256, suffix)
    target = Path(root) / relative
    if not _holds(target, sha256):
        write_atomically(target, data)  # absent, or damaged: replaced by the right bytes
    return Stored(sha256, len(data), relative)


def _holds(path: Path, sha256: str) -> bool:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False


def write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a flushed temporary file and a rename."""
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=target.suffix, dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o640)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    fsync_folder(folder)


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the platform allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read(root: Path, relative: str, sha256: str) -> bytes:
    """The stored bytes, checked against ``sha256``; :class:`StoredFileProblem` otherwise."""
    path = Path(root) / relative
    try:
        data = path.read_bytes()
    except OSError as error:
        raise StoredFileProblem(f"the stored file {path} cannot be read: "
                                f"{error.strerror or error}", path=str(path)) from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise StoredFileProblem(f"the stored file {path} does not match its SHA-256 {sha256}: "
                                "it was changed or damaged on disk", path=str(path))
    return data


def discard(root: Path, relative: str) -> None:
    """Remove a stored file nobody indexes (a render that lost a race)."""
    (Path(root) / relative).unlink(missing_ok=True)
