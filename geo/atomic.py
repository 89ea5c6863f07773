"""Write an output whole or not at all: every file the command line writes (extract's JSONL, CSV,
GeoJSON and GeoParquet, a map and its companions, a gazetteer export) goes through
:func:`atomic_output`.

The new content is written to a temporary file beside the target (same file system, so the final
rename is atomic), flushed to disk and renamed over the target only once it is complete.
A run that fails, is stopped by a signal or fills the disk leaves the earlier file byte for byte as
it was, and removes its temporary file. Opening the temporary file first also tells, before an hour
of extraction, that the folder cannot be written.

    >>> with atomic_output("mentions.csv") as temporary:
    ...     temporary.write_bytes(data)
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path

from geo.errors import OutputError

#: The temporary file is ``.NAME.RANDOM.tmp/NAME`` beside ``NAME``: a private hidden folder holding a
#: file of the target's own name, since some writers take something from the name (GDAL names the
#: GeoJSON layer after it, Chromium chooses the picture format by its suffix). A process killed with
#: SIGKILL, which no handler sees, may leave one behind: ``ls -a`` shows it.
TEMPORARY_MARK = ".tmp"


def temporary_folder(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}{TEMPORARY_MARK}")


def write_error(path: str | os.PathLike, error: BaseException) -> OutputError:
    """The one-line error for an output that could not be written; the earlier file is untouched."""
    reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return OutputError(str(path), f"cannot write ({reason}); any earlier file there is unchanged")


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path beside ``path`` to write the new content to; renamed over ``path`` when the
    block ends normally, removed when it raises (``Interrupted`` by a signal included).

    The private folder holding the temporary file is made when the block starts, so an unwritable
    folder is an :class:`OutputError` at once; the file itself is the writer's to create. A link is followed:
    the file it names is replaced, the link stays. The new file keeps the mode of the one it
    replaces. A write error raised in the block (:func:`is_write_error`) becomes an
    :class:`OutputError` naming ``path``.
    """
    shown = str(path)
    target = Path(os.path.realpath(path))
    folder = temporary_folder(target)
    temporary = folder / target.name
    try:
        os.mkdir(folder, 0o700)
    except OSError as error:
        raise write_error(shown, error) from None
    try:
        try:
            # Not created here: GDAL takes an existing empty GeoPackage for a broken one.
            yield temporary
            if not temporary.exists():
                temporary.touch()
            _sync(temporary)
            with contextlib.suppress(FileNotFoundError):
                os.chmod(temporary, target.stat().st_mode & 0o7777)
            os.replace(temporary, target)
        except OutputError as error:
            if error.path != str(temporary):
                raise
            # A writer that names its file (geo.maps) named the temporary one: name the output.
            raise OutputError(shown, f"{error.reason}; any earlier file there is unchanged") from None
        except Exception as error:
            if is_write_error(error):
                raise write_error(shown, error) from None
            raise
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
        with contextlib.suppress(OSError):
            folder.rmdir()
    _sync_folder(target.parent)


def is_write_error(error: BaseException) -> bool:
    """True for an error of writing a file, whichever library wrote it: ``OSError`` (Python's own,
    pyarrow's IO errors) and GDAL's errors through pyogrio, which are not ``OSError``s (a full disk
    is "Cannot write feature")."""
    if isinstance(error, OSError):
        return True
    pyogrio_errors = sys.modules.get("pyogrio.errors")
    return pyogrio_errors is not None and isinstance(
        error, pyogrio_errors.DataSourceError | pyogrio_errors.DataLayerError | pyogrio_errors.FeatureError
    )


def _sync(path: Path) -> None:
    """Flush the file's data to disk before the rename makes it the output: a power cut after the
    rename must not leave an empty file where the old one was."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
