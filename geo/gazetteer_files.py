"""Which gazetteer files a run loads: the bundled ones, ``$GEO_GAZETTEER``'s and ``--gazetteer``'s.

Apart from :mod:`geo.gazetteer` so that a process that only needs the list (a pool's parent naming
the cached index for its workers) does not import what reading the files needs (geopy).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from geo.errors import GazetteerError

#: Extra gazetteer files or folders, separated by ``os.pathsep``.
ENV_VARIABLE = "GEO_GAZETTEER"


def bundled_directory() -> Path:
    """Where the project's CSV files are: ``$GEO_GAZETTEER_DIR`` when set (a team's own copy, or a
    test's), else inside the wheel, else the repository's ``gazetteer/``."""
    override = os.environ.get("GEO_GAZETTEER_DIR")
    if override:
        return Path(override)
    packaged = Path(__file__).resolve().parent / "_gazetteer"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "gazetteer"


def bundled_files() -> list[Path]:
    return sorted(bundled_directory().glob("*.csv"))


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files named directly, and the ``*.csv`` files of named directories, in a stable order. A
    folder that cannot be listed or holds no ``.csv`` file is a :class:`GazetteerError`: a user's
    places silently missing would give silently wrong maps."""
    files: list[Path] = []
    for item in paths:
        path = Path(item)
        try:
            folder = path.is_dir()
        except OSError:  # a name too long ...: read_file reports it on one line
            folder = False
        if folder:
            try:
                found = sorted(path / name for name in os.listdir(path) if name.endswith(".csv"))
            except OSError as error:
                raise GazetteerError(f"cannot list folder: {error.strerror or error}", str(path)) from None
            if not found:
                raise GazetteerError("folder holds no .csv files", str(path))
            files.extend(found)
        else:
            files.append(path)
    return files


def require_readable(files: Iterable[Path]) -> None:
    """Raise :class:`GazetteerError` naming the first file that cannot be opened (missing, a folder,
    a dangling link), before anything is built from the files."""
    for path in files:
        try:
            with open(path, "rb"):
                pass
        except OSError as error:
            raise GazetteerError(f"cannot read: {error.strerror or error}", str(path)) from None


def user_files_from_environment() -> list[Path]:
    value = os.environ.get(ENV_VARIABLE, "")
    return expand_paths(part for part in value.split(os.pathsep) if part.strip())
