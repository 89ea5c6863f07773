"""Read corpora: text files, JSONL, CSV and Parquet collections of dated articles, as a stream of
:class:`Document` values.

A corpus row has an ``id`` and a ``text`` and may have a ``date``, ``title``, ``url`` and ``source``;
these travel with every mention of the document into exports, popups and the map's time slider.
Every format is read as a stream (JSONL line by line, CSV with the ``csv`` module, Parquet a record
batch at a time), so a corpus larger than memory runs in bounded memory. A broken row does not stop
the file: it becomes a :class:`DocumentError` naming the file, line (or row) and id, in the place the
document would have had, and reading goes on.

A ``.txt`` file is one document whose id is its path; its text is not read here but in chunks when
it is extracted (:meth:`geo.pipeline.Geoparser.iter_file`), so a 50 MB file stays cheap.
"""

from __future__ import annotations

import codecs
import csv
import functools
import gzip
import io
import json
import os
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import orjson

from geo.errors import DocumentError, InputError, UsageError, quoted

TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
CSV_SUFFIXES = (".csv", ".csv.gz")
PARQUET_SUFFIXES = (".parquet", ".pq")
CORPUS_SUFFIXES = JSONL_SUFFIXES + CSV_SUFFIXES + PARQUET_SUFFIXES
#: Everything a folder is searched for.
DOCUMENT_SUFFIXES = TEXT_SUFFIXES + CORPUS_SUFFIXES
#: Optional metadata columns, copied into every mention of the document.
METADATA_FIELDS = ("date", "title", "url", "source")
#: Text is read, and resolved, in chunks of whole lines of about this many characters (a hundred
#: or more articles' worth): a 50 MB article stays in bounded memory (extracting a chunk takes about
#: 25 MB, on each worker), and resolution context (rule 5 of :mod:`geo.resolve`) is per chunk.
CHUNK_CHARS = 1 << 19
#: Rows read from a Parquet file at a time: a few MB of text, whatever the file's row groups are.
PARQUET_BATCH_ROWS = 512


@dataclass(frozen=True, slots=True)
class Document:
    """One article. ``text`` is None for a text file, read in chunks when it is extracted."""

    id: str
    text: str | None
    date: str = ""
    title: str = ""
    url: str = ""
    source: str = ""
    #: Where it was read from: ``file:line`` (JSONL, CSV), ``file row N`` (Parquet) or the path.
    origin: str = ""
    #: None for a whole document. For a piece of a long text file (see :func:`text_pieces`): where the
    #: piece starts in the file's text; the piece is extracted as it is, its spans moved by this much.
    offset: int | None = None

    @property
    def path(self) -> str | None:
        """The text file to read when ``text`` is None (``-`` is standard input)."""
        return self.origin if self.text is None else None

    @property
    def metadata(self) -> dict[str, str]:
        return {"date": self.date, "title": self.title, "url": self.url, "source": self.source}


# -- dates -------------------------------------------------------------------------------------------
def parse_date(value: object) -> str:
    """``value`` as an ISO 8601 string: a date stays a date (``2016-12-01``), a timestamp keeps its
    time and offset (``2016-12-01T09:30:00+02:00``). Empty gives ``""``; anything else raises
    ``ValueError``. A ``Z`` suffix is read as UTC."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):  # before date: a datetime is a date too
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        raise ValueError(f"date {value!r} is not a string")
    text = value.strip()
    if not text:
        return ""
    if len(text) == 10:
        return date.fromisoformat(text).isoformat()
    if len(text) < 16 or text[10] not in "Tt ":
        raise ValueError(f"date {value!r}")
    parsed = datetime.fromisoformat(text).isoformat()
    date_instant(parsed)  # 0001-01-01T00:00:00+14:00 is a valid timestamp with no UTC instant
    return parsed


class DateOutOfRange(ValueError):
    """A timestamp whose UTC instant falls before year 1 or after year 9999 (Python's range)."""


def date_instant(value: str) -> datetime:
    """The UTC instant a parsed date stands for: a date is its midnight, a time without an offset is
    taken as UTC (news archives rarely say, and a day's precision is what filters need).
    :class:`DateOutOfRange` when that instant cannot be represented."""
    if len(value) == 10:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        ahead = moment.utcoffset() > timedelta(0)
        raise DateOutOfRange("before year 1 in UTC" if ahead else "after year 9999 in UTC") from None


@dataclass(frozen=True, slots=True)
class DateRange:
    """``--from``/``--to``: documents dated inside the range, both ends included (``--to 2016-12-31``
    takes the whole of that day). Undated documents are outside any range that is set."""

    start: datetime | None = None
    #: Exclusive.
    end: datetime | None = None

    @classmethod
    def parse(cls, start: str | None = None, end: str | None = None) -> DateRange | None:
        """None when neither bound is given; ``UsageError`` for a bound that is not ISO 8601."""
        if not start and not end:
            return None
        bounds = []
        for flag, text in (("--from", start), ("--to", end)):
            if not text:
                bounds.append(None)
                continue
            try:
                value = parse_date(text)
            except DateOutOfRange as error:
                raise UsageError(f"{flag} {text!r}: out of range ({error})") from None
            except ValueError:
                raise UsageError(f"{flag} {text!r}: give a date as YYYY-MM-DD or an ISO 8601 timestamp") from None
            instant = date_instant(value)
            if flag == "--to":
                try:
                    instant += timedelta(days=1) if len(value) == 10 else timedelta(microseconds=1)
                except OverflowError:  # --to 9999-12-31: no end at all
                    instant = None
            bounds.append(instant)
        if bounds[0] is not None and bounds[1] is not None and bounds[0] >= bounds[1]:
            raise UsageError(f"--from {start} is after --to {end}")
        return cls(bounds[0], bounds[1])

    def __contains__(self, value: str) -> bool:
        if not value:
            return False
        instant = date_instant(value)
        return (self.start is None or instant >= self.start) and (self.end is None or instant < self.end)


# -- paths -------------------------------------------------------------------------------------------
def printable(name: str) -> str:
    """A path as text that can be written anywhere: undecodable bytes (surrogate escapes) -> U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def kind_of(path: str | os.PathLike) -> str:
    """``text``, ``jsonl``, ``csv`` or ``parquet``, from the file name (anything unknown is text)."""
    name = str(path).lower()
    for kind, suffixes in (("jsonl", JSONL_SUFFIXES), ("csv", CSV_SUFFIXES), ("parquet", PARQUET_SUFFIXES)):
        if name.endswith(suffixes):
            return kind
    return "text"


def expand_paths(paths: Iterable[str]) -> Iterator[str | InputError]:
    """Each input path as given; a folder gives its article and corpus files (sorted, recursively,
    following links to folders). A missing path, a folder with nothing to read, and whatever a folder
    holds that cannot be read (a dangling link, a loop of links, a subfolder that cannot be listed)
    yields an :class:`InputError` in its place: nothing is skipped without a word."""
    for item in paths:
        if item == "-":
            yield item
            continue
        path = Path(item)
        try:
            if path.is_dir():
                found = False
                for entry in _walk(item, [_identity(item)]):
                    found = found or not isinstance(entry, InputError)
                    yield entry
                if not found:
                    yield InputError(item, "folder holds no .txt, .jsonl, .csv or .parquet files")
            elif path.exists():
                yield item
            elif path.is_symlink():
                yield InputError(printable(item), "dangling link (its target does not exist)")
            else:
                yield InputError(printable(item), "no such file")
        except OSError as error:  # a name too long, a loop of links ...
            yield InputError(printable(item), f"cannot read: {error.strerror or error}")


def _identity(path: str) -> tuple[int, int]:
    status = os.stat(path)
    return status.st_dev, status.st_ino


def _walk(folder: str, ancestors: list[tuple[int, int]], seen: set | None = None) -> Iterator[str | InputError]:
    """The document files under ``folder`` in name order (what ``sorted(rglob)`` gives), folders
    reached through links included once; ``ancestors`` are the folders being walked, to tell a link
    back to one of them (a loop) from a link to a folder read elsewhere."""
    seen = {ancestors[0]} if seen is None else seen
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        yield InputError(printable(folder), f"cannot list folder ({error.strerror or error}); skipped")
        return
    for entry in entries:
        path = os.path.join(folder, entry.name)
        document = entry.name.lower().endswith(DOCUMENT_SUFFIXES)
        try:
            is_dir = entry.is_dir()
            is_file = not is_dir and entry.is_file()
        except OSError as error:
            yield InputError(printable(path), f"cannot read ({error.strerror or error}); skipped")
            continue
        if is_file:
            if document:
                yield path
        elif is_dir:
            identity = _identity(path)
            if identity in ancestors:
                back = folder if identity == ancestors[-1] else "a folder above it"
                yield InputError(printable(path), f"link loop (leads back to {quoted(back)}); skipped")
            elif identity in seen:
                yield InputError(printable(path), "link to a folder read already; skipped")
            else:
                seen.add(identity)
                yield from _walk(path, [*ancestors, identity], seen)
        elif entry.is_symlink() and document:
            yield InputError(printable(path), "dangling link (its target does not exist); skipped")


# -- reading -----------------------------------------------------------------------------------------
#: A corpus row (a JSONL line, a CSV record) longer than this is refused; ``--max-row-bytes``.
MAX_ROW_BYTES = 64_000_000
#: JSONL rows up to this size are parsed where they are extracted (a worker process); a longer one
#: is parsed by the reader and cut into pieces like a long text file.
RAW_ROW_BYTES = 1 << 19


class RawRow(NamedTuple):
    """A JSONL line not parsed yet: the worker that extracts it parses it (:func:`parse_jsonl_row`)."""

    file: str
    line: int
    data: bytes


def read_documents(
    paths: Iterable[str], encoding: str = "utf-8", max_row_bytes: int = MAX_ROW_BYTES, raw_rows: bool = False
) -> Iterator[Document | RawRow | InputError]:
    """Every document of every input, in order; what cannot be read comes as an error in its place.

    ``encoding`` is that of the text files and CSV corpora (JSONL and Parquet are UTF-8 by definition).
    A row longer than ``max_row_bytes`` is an error, read past in bounded memory. With ``raw_rows``,
    JSONL lines come as :class:`RawRow` for the extracting process to parse.
    """
    for item in expand_paths(paths):
        if isinstance(item, InputError):
            yield item
            continue
        kind = kind_of(item)
        if kind == "text":
            # A file name that is not valid UTF-8 gets a printable id (U+FFFD for the bad bytes).
            yield Document(id=printable(item), text=None, origin=item)
        elif kind == "jsonl":
            yield from read_jsonl(item, max_row_bytes, raw_rows)
        elif kind == "csv":
            yield from read_csv(item, encoding, max_row_bytes)
        else:
            yield from read_parquet(item)


def document_from_row(row: dict, file: str, line: int | None = None, row_number: int | None = None) -> Document:
    """A document from one corpus row; :class:`DocumentError` (naming file, line or row and id) when
    the id or text is missing or not text, or the date is not ISO 8601."""
    raw_id = row.get("id")
    doc_id = "" if raw_id is None else str(raw_id).strip()
    if isinstance(raw_id, float) and raw_id.is_integer():
        doc_id = str(int(raw_id))  # an id column with nulls comes out of pandas and CSV tools as floats

    def refuse(reason: str) -> DocumentError:
        return DocumentError(file, reason, line, row_number, doc_id)

    if not doc_id or isinstance(raw_id, bool | dict | list):
        raise refuse("missing id" if not doc_id else "id must be a string or a number")
    text = row.get("text")
    if text is None:
        raise refuse("missing text")
    if not isinstance(text, str):
        raise refuse(f"text must be a string, not {type(text).__name__}")
    metadata = {}
    for key in ("title", "url", "source"):
        value = row.get(key)
        if value is not None and not isinstance(value, str):
            if isinstance(value, bool | dict | list):
                raise refuse(f"{key} must be a string, not {type(value).__name__}")
            value = str(value)
        metadata[key] = (value or "").strip()
    try:
        metadata["date"] = parse_date(row.get("date"))
    except DateOutOfRange as error:
        raise refuse(f"date {row.get('date')!r} is out of range ({error})") from None
    except ValueError:
        raise refuse(f"date {row.get('date')!r} is not ISO 8601 (YYYY-MM-DD or a full timestamp)") from None
    origin = file if line is None and row_number is None else f"{file}:{line}" if line else f"{file} row {row_number}"
    return Document(id=doc_id, text=text, origin=origin, **metadata)


def _open_binary(path: str):
    return gzip.open(path, "rb") if path.lower().endswith(".gz") else open(path, "rb")


def bounded_lines(stream, limit: int) -> Iterator[tuple[int, bytes | bytearray | None, int]]:
    """(line number, bytes, size) of each line of a binary stream; the bytes keep their line break,
    the size does not count it. A line longer than ``limit`` bytes comes as ``None`` with its size:
    it is read past, never held (a GiB line in a small ``.gz`` costs time, not memory). A long line
    grows in one buffer (a list of pieces joined at the end would briefly take twice its size)."""
    number = 0
    readline = stream.readline
    probe = min(limit + 1, 1 << 20)
    while True:
        raw = readline(probe)
        if not raw:
            return
        number += 1
        size = len(raw)
        ended = raw.endswith(b"\n")
        if not ended and size == probe:
            buffer: bytearray | None = bytearray(raw)
            while not ended:
                part = readline(1 << 20)
                if not part:
                    break
                size += len(part)
                ended = part.endswith(b"\n")
                if buffer is not None:
                    if size - ended > limit:
                        buffer = None  # too long: from here on only counted
                    else:
                        buffer += part
            raw = buffer
        size -= ended
        if raw is None or size > limit:
            yield number, None, size
        else:
            yield number, raw, size


def too_long(size: int, limit: int) -> str:
    return f"row of {size:,} bytes is longer than --max-row-bytes {limit:,}"


def read_jsonl(
    path: str, max_row_bytes: int = MAX_ROW_BYTES, raw: bool = False
) -> Iterator[Document | RawRow | InputError]:
    """One JSON object a line; blank lines are skipped."""
    try:
        stream = _open_binary(path)
    except OSError as error:
        yield InputError(path, f"cannot read: {error.strerror or error}")
        return
    with stream:
        try:
            for number, line, size in bounded_lines(stream, max_row_bytes):
                if line is None:
                    yield DocumentError(path, too_long(size, max_row_bytes), number)
                elif not line.strip():
                    continue
                elif raw and size <= RAW_ROW_BYTES:
                    yield RawRow(path, number, line)
                else:
                    document = parse_jsonl_row(RawRow(path, number, line))
                    del line  # a 50 MB row is held once, as text, while its pieces are extracted
                    yield document
        except (OSError, EOFError, zlib.error) as error:  # a truncated or corrupt .gz
            yield InputError(path, f"cannot read further: {error}")


def parse_jsonl_row(raw: RawRow) -> Document | DocumentError:
    """The document of one JSONL line, or the error that names its file, line and (when it could be
    read) id. orjson parses it; what orjson refuses is parsed again by the standard library only to
    say precisely why (a bad byte's column, a lone surrogate, nesting too deep)."""
    data = raw.data
    if raw.line == 1 and data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    try:
        row = orjson.loads(data)
    except orjson.JSONDecodeError:
        row = _explain(raw, data)
        if isinstance(row, DocumentError):
            return row
    if not isinstance(row, dict):
        return DocumentError(raw.file, f"expected a JSON object, got {type(row).__name__}", raw.line)
    try:
        return document_from_row(row, raw.file, raw.line)
    except DocumentError as error:
        return error


def _decoded(path: str, number: int, data: bytes | bytearray) -> str | DocumentError:
    try:
        return data.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError as error:
        return DocumentError(path, f"not UTF-8 (bad byte at column {error.start + 1})", number)


def _explain(raw: RawRow, data: bytes, text: str | None = None) -> object:
    if text is None:
        text = _decoded(raw.file, raw.line, data)
        if isinstance(text, DocumentError):
            return text
    try:
        row = json.loads(text)
    except RecursionError:
        return DocumentError(raw.file, "JSON nested too deeply", raw.line)
    except json.JSONDecodeError as error:
        if "\\u" in text and "surrogate" in str(error).lower():
            return DocumentError(raw.file, "holds a lone surrogate escape: not valid Unicode", raw.line)
        return DocumentError(raw.file, f"not JSON ({error.msg} at column {error.colno})", raw.line)
    if isinstance(row, dict) and ("\\ud" in text or "\\uD" in text):
        # The standard library reads a lone surrogate escape (\ud800) that no UTF-8 output can hold.
        for key, value in row.items():
            if isinstance(value, str) and not _is_unicode(value):
                raw_id = row.get("id")
                doc_id = str(raw_id) if isinstance(raw_id, str | int) and _is_unicode(str(raw_id)) else ""
                return DocumentError(raw.file, f"{quoted(key)} holds a lone surrogate escape: not valid Unicode",
                                     raw.line, doc_id=doc_id)
    return row


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


#: Byte order marks of the Unicode encodings a UTF-8 reader would otherwise call binary (UTF-32 first:
#: its little-endian mark starts with UTF-16's).
_OTHER_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


_OTHER_BOM_MARKS = tuple(bom for bom, _encoding in _OTHER_BOMS)


def refuse_other_unicode(first_block: bytes, name: str) -> None:
    """A file that starts with a UTF-16 or UTF-32 byte order mark is text, just not UTF-8: say so."""
    for bom, encoding in _OTHER_BOMS:
        if first_block.startswith(bom):
            raise InputError(name, f"looks like {encoding.upper()} text (byte order mark); try --encoding {encoding}")


def _ascii_compatible(codec: str) -> bool:
    """True when every line break of the encoded text is a ``\\n`` byte (UTF-8, cp1256, Latin-1 ...),
    so lines can be decoded one at a time; False for UTF-16 and UTF-32."""
    try:
        return "id,\n".encode("utf-8" if codec == "utf-8-sig" else codec) == b"id,\n"
    except (LookupError, UnicodeError):
        return False


class _RowTooLong(Exception):
    def __init__(self, line: int, size: int) -> None:
        super().__init__(line, size)
        self.line, self.size = line, size


class _CsvLines:
    """The physical lines of a CSV file for ``csv.reader``, decoded one at a time so a bad byte is
    pinned to its line (and only the row holding it fails); lines before ``start`` are read past."""

    def __init__(self, binary, codec: str, limit: int, start: int) -> None:
        self.binary = binary
        self.codec = codec
        self.plain = "utf-8" if codec == "utf-8-sig" else codec
        self.limit = limit
        self.start = start
        #: Line number -> column of its first bad byte, for lines not yet blamed on a row.
        self.bad: dict[int, int] = {}

    def __iter__(self) -> Iterator[str]:
        for number, line, size in bounded_lines(self.binary, self.limit):
            if line is None:
                raise _RowTooLong(number, size)
            if number < self.start:
                continue
            codec = self.codec if number == 1 else self.plain
            try:
                yield line.decode(codec)
            except UnicodeDecodeError as error:
                self.bad.setdefault(number, error.start + 1)
                yield line.decode(codec, "replace")


def read_csv(path: str, encoding: str = "utf-8", max_row_bytes: int = MAX_ROW_BYTES) -> Iterator[Document | InputError]:
    """A CSV file with a header row naming at least ``id`` and ``text``. Line numbers are those of
    the file (a quoted text may span lines).

    A row that cannot be read fails alone: a bad byte (the row named, with an ``--encoding`` hint), a
    row longer than ``max_row_bytes``, and a quote never closed, which would otherwise swallow the
    rest of the file: it is reported and reading goes on at the line after the one it opened on.
    A file that fails before its first good row (another encoding, most likely) is one error.
    """
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    utf8 = codec == "utf-8-sig"
    # A field may be as long as a row (csv's default limit, 128 KB, would refuse long articles).
    csv.field_size_limit(max_row_bytes)
    hint = "; if it is Windows Arabic, try --encoding cp1256" if utf8 else ""
    if not _ascii_compatible(codec):
        yield from _read_csv_wide(path, codec, encoding, max_row_bytes)
        return
    start, header = 1, None
    good = False
    while start is not None:
        try:
            binary = _open_binary(path)
        except OSError as error:
            yield InputError(path, f"cannot read: {error.strerror or error}")
            return
        with binary:
            if start == 1 and utf8:
                try:
                    refuse_other_unicode(binary.peek(4)[:4], path)
                except InputError as error:
                    yield error
                    return
            lines = _CsvLines(binary, codec, max_row_bytes, start)
            reader = csv.reader(iter(lines), strict=True)
            resume = None
            line = start
            try:
                if header is None:
                    header = next(reader, [])
                    if lines.bad:
                        line, column = next(iter(lines.bad.items()))
                        yield InputError(f"{path}:{line}", f"not {encoding} text (bad byte at column {column}){hint}; "
                                                           "file skipped")
                        return
                    missing = [name for name in ("id", "text") if name not in header]
                    if missing:
                        columns = ", ".join(header)
                        yield InputError(path, f"no {' or '.join(missing)} column (the header has: {columns})")
                        return
                line = reader.line_num + 1 if start == 1 else start
                while True:
                    try:
                        fields = next(reader)
                    except StopIteration:
                        break
                    except csv.Error as error:
                        if reader.line_num >= line and "unexpected end of data" in str(error):
                            yield DocumentError(path, "unterminated quote (the row runs to the end of the file); "
                                                      f"reading goes on at line {line + 1}", line)
                            resume = line + 1
                            break
                        yield DocumentError(path, f"bad CSV ({error})", line)
                        line = reader.line_num + 1
                        continue
                    bad = [(n, c) for n, c in lines.bad.items() if line <= n <= reader.line_num]
                    if bad:
                        for number, _ in bad:
                            del lines.bad[number]
                        if not good:
                            yield InputError(f"{path}:{bad[0][0]}", f"not {encoding} text (bad byte at column "
                                                                    f"{bad[0][1]}){hint}; file skipped")
                            return
                        yield DocumentError(path, f"not {encoding} text (bad byte at column {bad[0][1]}){hint}", line)
                    elif not fields:
                        pass  # a blank line
                    elif len(fields) > len(header):
                        row = dict(zip(header, fields, strict=False))
                        yield DocumentError(path, "more fields than the header has", line,
                                            doc_id=str(row.get("id") or ""))
                    else:
                        try:
                            document = document_from_row(dict(zip(header, fields, strict=False)), path, line)
                        except DocumentError as error:
                            yield error
                        else:
                            good = True
                            yield document
                    line = reader.line_num + 1
            except _RowTooLong as error:
                reason = too_long(error.size, max_row_bytes) + f"; reading goes on at line {error.line + 1}"
                yield DocumentError(path, reason, line)
                resume = error.line + 1
            except (OSError, EOFError, zlib.error) as error:
                yield InputError(path, f"cannot read further: {error}")
                return
        start = resume


def _read_csv_wide(path: str, codec: str, encoding: str, max_row_bytes: int) -> Iterator[Document | InputError]:
    """A CSV file in UTF-16 or UTF-32, where lines cannot be cut as bytes: decoded as a stream."""
    csv.field_size_limit(max_row_bytes)
    try:
        binary = _open_binary(path)
    except OSError as error:
        yield InputError(path, f"cannot read: {error.strerror or error}")
        return
    with io.TextIOWrapper(binary, encoding=codec, newline="") as stream:
        reader = csv.DictReader(stream)
        try:
            header = reader.fieldnames or []
        except (UnicodeError, csv.Error) as error:
            yield InputError(path, f"cannot read the header as {encoding} ({error})")
            return
        missing = [name for name in ("id", "text") if name not in header]
        if missing:
            yield InputError(path, f"no {' or '.join(missing)} column (the header has: {', '.join(header)})")
            return
        line = reader.line_num + 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except UnicodeError as error:
                yield InputError(f"{path}:{line}", f"not {encoding} text ({error}); rest of file skipped")
                return
            except csv.Error as error:
                yield DocumentError(path, f"bad CSV ({error})", line)
                line = reader.line_num + 1
                continue
            if None in row:
                yield DocumentError(path, "more fields than the header has", line, doc_id=str(row.get("id") or ""))
            else:
                try:
                    yield document_from_row(row, path, line)
                except DocumentError as error:
                    yield error
            line = reader.line_num + 1


def read_parquet(path: str) -> Iterator[Document | InputError]:
    """A Parquet file with ``id`` and ``text`` columns, read a batch of rows at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as error:
        yield InputError(path, f"not a readable Parquet file ({error})")
        return
    names = parquet.schema_arrow.names
    missing = [name for name in ("id", "text") if name not in names]
    if missing:
        yield InputError(path, f"no {' or '.join(missing)} column (the columns are: {', '.join(names)})")
        return
    columns = [name for name in ("id", "text", *METADATA_FIELDS) if name in names]
    number = 0
    try:
        for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=columns):
            for row in batch.to_pylist():
                number += 1
                try:
                    yield document_from_row(row, path, row_number=number)
                except DocumentError as error:
                    yield error
    except (OSError, pa.ArrowException) as error:
        yield InputError(f"{path} row {number + 1}", f"cannot read further ({error})")


def text_pieces(document: Document, encoding: str = "utf-8") -> Iterator[Document | InputError]:
    """A text file (``document.text`` is None) as pieces of whole lines (:data:`CHUNK_CHARS`), cut
    where :meth:`geo.pipeline.Geoparser.iter_file` cuts them, so they give the same mentions; any
    other document as it is. A file that is not valid text gives one error and no piece (it is
    decoded once first, without being kept), so a file is never half extracted; standard input,
    which cannot be read twice, is checked as it streams."""
    if document.text is not None:
        yield document
        return
    path = document.origin
    try:
        if path != "-":
            for _ in read_chunks(path, encoding=encoding, name=document.id):
                pass
        found = False
        for offset, chunk in read_chunks(path, encoding=encoding, name=document.id):
            found = True
            yield Document(document.id, chunk, origin=path, offset=offset)
        if not found:
            yield Document(document.id, "", origin=path, offset=0)
    except InputError as error:
        yield error


def read_chunks(
    path: str | os.PathLike, encoding: str = "utf-8", name: str | None = None, size: int = CHUNK_CHARS
) -> Iterator[tuple[int, str]]:
    """(offset, text) chunks of whole lines, about ``size`` characters each; ``-`` reads stdin."""
    name = name or str(path)
    try:
        codec = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
    except LookupError:
        raise UsageError(f"--encoding {encoding}: unknown text encoding (try utf-8, cp1256, utf-16)") from None
    if str(path) == "-":
        stream = sys.stdin.buffer
        close = False
    else:
        try:
            if Path(path).is_dir():
                raise InputError(name, "is a directory, not a text file")
            stream = open(path, "rb")  # noqa: SIM115 - closed below, also on error
        except FileNotFoundError:
            raise InputError(name, "no such file") from None
        except PermissionError:
            raise InputError(name, "permission denied") from None
        except OSError as error:
            raise InputError(name, f"cannot read: {error.strerror or error}") from None
        close = True
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    consumed = 0
    offset = 0
    pending = ""
    try:
        while True:
            try:
                block = stream.read(1 << 16)
            except OSError as error:
                raise InputError(name, f"cannot read: {error.strerror or error}") from None
            if consumed == 0 and codec.startswith("utf-8"):
                refuse_other_unicode(block, name)
            if b"\x00" in block and codec.startswith("utf-8"):
                raise InputError(name, "binary file (NUL bytes); not a text article")
            try:
                text = decoder.decode(block, final=not block)
            except UnicodeDecodeError as error:
                where = consumed + error.start
                hint = "; if it is Windows Arabic, try --encoding cp1256" if codec.startswith("utf-8") else ""
                raise InputError(name, f"not {encoding} text (bad byte at offset {where}){hint}") from None
            consumed += len(block)
            pending += text
            if not block or len(pending) >= size:
                cut = len(pending)
                if block:
                    # Cut after the last line break (else the last space) so no word is split.
                    cut = pending.rfind("\n", 0, size) + 1 or pending.rfind(" ", 0, size) + 1 or len(pending)
                chunk, pending = pending[:cut], pending[cut:]
                if chunk:
                    yield offset, chunk
                    offset += len(chunk)
            if not block:
                if pending:
                    yield offset, pending
                return
    finally:
        if close:
            stream.close()


def file_chunks(path: str, encoding: str = "utf-8", name: str | None = None) -> list[tuple[int, str]]:
    """``list(read_chunks(path, encoding, name))`` for a file of a few megabytes at most, a UTF-8 one
    read and decoded in one go: a news article is one read and one decode, not an incremental
    decoder fed block by block. Anything else (another encoding, an error to report, a text long
    enough to be cut) takes :func:`read_chunks` itself, so errors and chunks are exactly its own."""
    try:
        if not _is_utf8(encoding):
            raise LookupError(encoding)
        with open(path, "rb") as stream:
            data = stream.read()
        if b"\x00" in data or data.startswith(_OTHER_BOM_MARKS):
            raise ValueError("refused: read_chunks says why")
        text = data.decode("utf-8-sig")
    except (OSError, ValueError, LookupError):  # a UnicodeDecodeError is a ValueError
        return list(read_chunks(path, encoding, name))
    if len(text) >= CHUNK_CHARS:
        return list(read_chunks(path, encoding, name))
    return [(0, text)] if text else []


@functools.cache
def _is_utf8(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def text_chunks(text: str, size: int = CHUNK_CHARS) -> Iterator[tuple[int, str]]:
    """(offset, chunk) of whole lines, as :func:`geo.pipeline.read_chunks` cuts a file: a long
    document is resolved a chunk at a time, like a long text file."""
    offset = 0
    while len(text) - offset > size:
        window = text[offset : offset + size]
        cut = window.rfind("\n") + 1 or window.rfind(" ") + 1 or size
        yield offset, text[offset : offset + cut]
        offset += cut
    if offset < len(text):
        yield offset, text[offset:]


def count_documents(paths: Iterable[str]) -> int | None:
    """About how many documents ``paths`` hold, for a progress bar's total: exact for text and
    Parquet files (metadata only), lines for JSONL, rows for CSV. None when standard input is read."""
    import pyarrow.parquet as pq

    total = 0
    for item in expand_paths(paths):
        if isinstance(item, InputError):
            continue
        if item == "-":
            return None
        kind = kind_of(item)
        try:
            if kind == "text":
                total += 1
            elif kind == "parquet":
                total += pq.ParquetFile(item).metadata.num_rows
            elif kind == "jsonl":
                with _open_binary(item) as stream:
                    total += sum(1 for line in stream if line.strip())
            else:
                with io.TextIOWrapper(_open_binary(item), encoding="utf-8", errors="replace", newline="") as stream:
                    total += max(0, sum(1 for _ in csv.reader(stream)) - 1)
        except Exception:
            continue
    return total
