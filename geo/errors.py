"""Every exception the package raises on purpose, in one place.

The command line turns a :class:`GeoError` into a one-line message and a non-zero exit code, so each
message names the file, line or field at fault and never needs a traceback to be understood.

Two promises hold for every class here, whatever its ``__init__`` takes:

- **It pickles.** Errors are made in worker processes and on Dask workers and sent back; an
  exception that cannot be rebuilt from its pickle breaks the whole pool (``BrokenProcessPool``), so
  :meth:`GeoError.__reduce__` rebuilds any subclass from its state, not from its ``__init__``.
- **A name from the input cannot forge a message.** A path or id may hold a newline or a terminal
  escape; :func:`quoted` shows such a name escaped and in quotes, so a message stays one line.
"""

from __future__ import annotations

import signal


def quoted(name: object) -> str:
    """``name`` as a message shows it: as it is when it is plain printable text (``a/b.txt``), else
    quoted with Python escapes (``'evil\\ngeo: error: x'``, ``'\\x1b[31mred'``), so that a file name can
    neither start a new line of output nor send escape sequences to a terminal."""
    text = str(name)
    if text and text.isprintable() and text.strip() == text and not any(q in text for q in "'\""):
        return text
    return repr(text)


def one_line(message: str) -> str:
    """``message`` with every character that could end the line or drive a terminal escaped, the last
    guard before a message is printed (a message built from a library's error text included)."""
    if message.isprintable():
        return message
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)


def _rebuild(cls: type, args: tuple, state: dict) -> BaseException:
    error = cls.__new__(cls)
    BaseException.__init__(error, *args)
    error.__dict__.update(state)
    return error


class GeoError(Exception):
    """Base class: an error a user can act on."""

    exit_code = 1

    def __reduce__(self):
        # From the attributes, not the constructor: subclasses take other arguments than ``args``.
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


class GazetteerError(GeoError):
    """A gazetteer file or entry breaks a rule; ``where`` is ``file:line`` or a field name."""

    def __init__(self, message: str, where: str | None = None) -> None:
        self.where = where
        self.reason = message
        super().__init__(f"{quoted(where)}: {message}" if where else message)


class EntryRefused(GazetteerError):
    """``add`` refused an entry; nothing was written."""


class InputError(GeoError):
    """An article or corpus file cannot be read (missing, not UTF-8, binary ...)."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.reason = message
        super().__init__(f"{quoted(path)}: {message}")


class DocumentError(InputError):
    """A document that cannot be read or extracted; the others go on. ``file:line`` (JSONL, CSV),
    ``file row N`` (Parquet) and the document's id name it."""

    def __init__(
        self, file: str, reason: str, line: int | None = None, row: int | None = None, doc_id: str = ""
    ) -> None:
        self.file = file
        self.line = line
        self.row = row
        self.doc_id = doc_id
        where = quoted(file)
        if line is not None:
            where += f":{line}"
        if row is not None:
            where += f" row {row}"
        if doc_id:
            where += f" (id {doc_id!r})"
        GeoError.__init__(self, f"{where}: {reason}")
        self.path = file
        self.reason = reason

    @classmethod
    def of(cls, document, reason: str) -> DocumentError:
        """An error about ``document`` (a :class:`geo.corpus.Document`), placed where it was read from."""
        return cls(document.origin or document.id, reason, doc_id=document.id if document.text is not None else "")


class OutputError(GeoError):
    """An output cannot be written (read-only folder, full disk ...); the previous file is unchanged."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.reason = message
        super().__init__(f"{quoted(path)}: {message}")


class UsageError(GeoError):
    """The command line was given something it cannot act on."""

    exit_code = 2


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived: the run stops, workers are ended and temporary output removed.

    A ``BaseException``, like ``KeyboardInterrupt``: code that recovers from a document's failure
    (``except Exception``) must not recover from the user stopping the run. The exit code is the
    shell's: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM).
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    def __str__(self) -> str:
        return f"stopped by {self.name}"
