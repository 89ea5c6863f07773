"""Every exception the package raises on purpose, in one place.

The command line turns a :class:`GeoError` into a one-line message and a non-zero exit code, so each
message names the file, line or field at fault and never needs a traceback to be understood.
"""

from __future__ import annotations


class GeoError(Exception):
    """Base class: an error a user can act on."""

    exit_code = 1


class GazetteerError(GeoError):
    """A gazetteer file or entry breaks a rule; ``where`` is ``file:line`` or a field name."""

    def __init__(self, message: str, where: str | None = None) -> None:
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class EntryRefused(GazetteerError):
    """``add`` refused an entry; nothing was written."""


class InputError(GeoError):
    """An article or corpus file cannot be read (missing, not UTF-8, binary ...)."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        super().__init__(f"{path}: {message}")


class UsageError(GeoError):
    """The command line was given something it cannot act on."""

    exit_code = 2
