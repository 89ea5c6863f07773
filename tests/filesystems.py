"""Folders that refuse writes, for tests of what a run does when its output cannot be written.

The tests may run as root, for whom ``chmod 555`` changes nothing: as root a read-only folder is a
read-only bind mount and a full disk a small tmpfs (the real ``EROFS`` and ``ENOSPC``); as another
user, ``chmod`` and a file-size limit (``EFBIG`` once a file would pass the room left) stand in.
"""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = os.geteuid() == 0


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """``folder`` (with what it holds now) made read-only while the block runs."""
    if ROOT:
        _mount("--bind", str(folder), str(folder))
        try:
            _mount("-o", "remount,bind,ro", str(folder))
            yield folder
        finally:
            subprocess.run(["umount", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)


@contextlib.contextmanager
def full_disk(folder: Path, size_kb: int = 64) -> Iterator[tuple[Path, Callable[[], None] | None]]:
    """A folder with ``size_kb`` of room, and the ``preexec_fn`` a process writing into it needs
    (None as root, where the room is a real tmpfs)."""
    folder.mkdir(parents=True, exist_ok=True)
    if ROOT:
        _mount("-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(folder))
        try:
            yield folder, None
        finally:
            subprocess.run(["umount", str(folder)], check=True)
    else:

        def limited() -> None:
            # What is left of the room when the process starts; no one file may grow past it.
            left = max(1, size_kb * 1024 - sum(p.stat().st_size for p in folder.iterdir()))
            resource.setrlimit(resource.RLIMIT_FSIZE, (left, left))

        yield folder, limited
