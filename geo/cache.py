"""The on-disk cache (the compiled gazetteer index, the simplified world outlines), treated as input.

A cache folder is a place another user, or a CI cache restored from elsewhere, may have written. So:

- **Nothing in it can run code.** Every file is data (JSON), never a pickle.
- **Files are checked before use.** Each starts with a header naming its kind and the SHA-256 of the
  rest; a file whose header or hash does not match (truncated, edited, another version's) is ignored,
  removed when it is ours, and rebuilt.
- **A folder others can write is not used**, as ssh refuses a key file others could replace: the
  folder and the file must belong to this user (or root) and not be writable by group or others
  (a sticky folder such as ``/tmp`` may be shared, the file may not). Such a cache is neither read
  nor written; the value is built in memory, with one warning.

The folder is the user cache folder (``platformdirs``), or ``$GEO_CACHE_DIR``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import sys
from pathlib import Path

ENV_VARIABLE = "GEO_CACHE_DIR"
APP_NAME = "geo-arabic-news"
#: First line of every cache file: ``geo-cache KIND\n``, then the hex SHA-256 of the payload and a
#: line break, then the payload.
MAGIC = b"geo-cache "
FILE_MODE = 0o644

_warned: set[str] = set()


def cache_directory() -> Path:
    configured = os.environ.get(ENV_VARIABLE)
    if configured:
        return Path(configured)
    try:
        from platformdirs import user_cache_dir
    except ImportError:  # platformdirs is small but optional: fall back to the XDG default
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / APP_NAME
    return Path(user_cache_dir(APP_NAME, appauthor=False))


def untrusted_reason(path: Path, folder: bool) -> str | None:
    """Why ``path`` may have been written by someone else (None when it cannot have been)."""
    status = path.stat()
    if status.st_uid not in (os.geteuid(), 0):
        return f"owned by another user (uid {status.st_uid})"
    writable = status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    if writable and not (folder and status.st_mode & stat.S_ISVTX):
        return "writable by other users"
    return None


def trusted_folder(folder: Path) -> bool:
    """True when ``folder`` exists and only this user (or root) can have written what it holds."""
    try:
        reason = untrusted_reason(folder, folder=True)
    except FileNotFoundError:
        return False
    except OSError as error:
        reason = f"cannot be checked ({error.strerror or error})"
    if reason is not None:
        _warn(folder, reason)
        return False
    return True


def _warn(folder: Path, reason: str) -> None:
    if str(folder) not in _warned:
        _warned.add(str(folder))
        print(f"geo: warning: cache folder {folder} is {reason}; not used (set {ENV_VARIABLE})", file=sys.stderr)


def read(path: Path, kind: str) -> bytes | None:
    """The payload of the cache file ``path`` if it is a ``kind`` file written by this code, whole and
    unchanged, in a trusted folder; None otherwise (and a damaged file of ours is removed)."""
    if not trusted_folder(path.parent):
        return None
    try:
        with open(path, "rb") as stream:
            if untrusted_reason(path, folder=False) is not None:
                return None
            header = stream.readline(len(MAGIC) + 64)
            digest = stream.readline(80).strip()
            payload = stream.read()
    except OSError:
        return None
    if header != MAGIC + kind.encode() + b"\n" or hashlib.sha256(payload).hexdigest().encode() != digest:
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    return payload


def present(path: Path, kind: str) -> bool:
    """True when ``path`` is a ``kind`` file in a trusted folder, by its first line: what a process
    that hands the file to others (a pool's parent) checks. Whoever reads it checks the rest
    (:func:`read`), and a file found damaged then is rebuilt."""
    if not trusted_folder(path.parent):
        return False
    try:
        with open(path, "rb") as stream:
            if untrusted_reason(path, folder=False) is not None:
                return False
            return stream.readline(len(MAGIC) + 64) == MAGIC + kind.encode() + b"\n"
    except OSError:
        return False


def write(path: Path, kind: str, payload: bytes) -> bool:
    """Store ``payload`` as a ``kind`` cache file, atomically; False when the folder cannot be used
    (a read-only or untrusted cache only costs a rebuild next time)."""
    from geo.atomic import atomic_output
    from geo.errors import OutputError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    if not trusted_folder(path.parent):
        return False
    try:
        with atomic_output(path) as temporary:
            with open(temporary, "wb") as stream:
                stream.write(MAGIC + kind.encode() + b"\n")
                stream.write(hashlib.sha256(payload).hexdigest().encode() + b"\n")
                stream.write(payload)
            os.chmod(temporary, FILE_MODE & ~_umask())
    except OutputError:
        return False
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def prune(folder: Path, pattern: str, keep: int = 2) -> None:
    """Remove all but the ``keep`` newest files matching ``pattern`` (old versions of a cache file:
    every gazetteer edit or upgrade makes a new one)."""
    try:
        found = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for old in found[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()
