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

import csv
import gzip
import io
import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from geo.errors import DocumentError, InputError, UsageError

TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
CSV_SUFFIXES = (".csv", ".csv.gz")
PARQUET_SUFFIXES = (".parquet", ".pq")
CORPUS_SUFFIXES = JSONL_SUFFIXES + CSV_SUFFIXES + PARQUET_SUFFIXES
#: Everything a folder is searched for.
DOCUMENT_SUFFIXES = TEXT_SUFFIXES + CORPUS_SUFFIXES
#: Optional metadata columns, copied into every mention of the document.
METADATA_FIELDS = ("date", "title", "url", "source")
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
    return datetime.fromisoformat(text).isoformat()


def date_instant(value: str) -> datetime:
    """The UTC instant a parsed date stands for: a date is its midnight, a time without an offset is
    taken as UTC (news archives rarely say, and a day's precision is what filters need)."""
    if len(value) == 10:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


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
            except ValueError:
                raise UsageError(f"{flag} {text!r}: give a date as YYYY-MM-DD or an ISO 8601 timestamp") from None
            instant = date_instant(value)
            if flag == "--to":
                instant += timedelta(days=1) if len(value) == 10 else timedelta(microseconds=1)
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
    """Each input path as given; a folder gives its article and corpus files (sorted, recursively).
    A missing path, or a folder with nothing to read, yields an :class:`InputError` in its place."""
    for item in paths:
        if item == "-":
            yield item
            continue
        path = Path(item)
        try:
            if path.is_dir():
                found = sorted(p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(DOCUMENT_SUFFIXES))
                if not found:
                    yield InputError(item, "folder holds no .txt, .jsonl, .csv or .parquet files")
                yield from (str(p) for p in found)
            elif path.exists():
                yield item
            else:
                yield InputError(item, "no such file")
        except OSError as error:  # a name too long, a loop of links ...
            yield InputError(printable(item), f"cannot read: {error.strerror or error}")


# -- reading -----------------------------------------------------------------------------------------
def read_documents(paths: Iterable[str], encoding: str = "utf-8") -> Iterator[Document | InputError]:
    """Every document of every input, in order; what cannot be read comes as an error in its place.

    ``encoding`` is that of the text files and CSV corpora (JSONL and Parquet are UTF-8 by definition).
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
            yield from read_jsonl(item)
        elif kind == "csv":
            yield from read_csv(item, encoding)
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
    except ValueError:
        raise refuse(f"date {row.get('date')!r} is not ISO 8601 (YYYY-MM-DD or a full timestamp)") from None
    origin = file if line is None and row_number is None else f"{file}:{line}" if line else f"{file} row {row_number}"
    return Document(id=doc_id, text=text, origin=origin, **metadata)


def _open_binary(path: str):
    return gzip.open(path, "rb") if path.lower().endswith(".gz") else open(path, "rb")


def read_jsonl(path: str) -> Iterator[Document | InputError]:
    """One JSON object a line; blank lines are skipped."""
    try:
        stream = _open_binary(path)
    except OSError as error:
        yield InputError(path, f"cannot read: {error.strerror or error}")
        return
    with stream:
        try:
            for number, raw in enumerate(stream, 1):
                if not raw.strip():
                    continue
                try:
                    row = json.loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
                except UnicodeDecodeError as error:
                    yield DocumentError(path, f"not UTF-8 (bad byte at column {error.start + 1})", number)
                    continue
                except json.JSONDecodeError as error:
                    yield DocumentError(path, f"not JSON ({error.msg} at column {error.colno})", number)
                    continue
                if not isinstance(row, dict):
                    yield DocumentError(path, f"expected a JSON object, got {type(row).__name__}", number)
                    continue
                try:
                    yield document_from_row(row, path, number)
                except DocumentError as error:
                    yield error
        except (OSError, EOFError) as error:  # a truncated .gz
            yield InputError(path, f"cannot read further: {error}")


def read_csv(path: str, encoding: str = "utf-8") -> Iterator[Document | InputError]:
    """A CSV file with a header row naming at least ``id`` and ``text``. Line numbers are those of
    the file (a quoted text may span lines)."""
    # Articles are long: the csv module's default limit of 128 KB a field would refuse many.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        binary = _open_binary(path)
    except OSError as error:
        yield InputError(path, f"cannot read: {error.strerror or error}")
        return
    with io.TextIOWrapper(binary, encoding=codec, newline="") as stream:
        reader = csv.DictReader(stream)
        try:
            header = reader.fieldnames or []
        except (UnicodeDecodeError, csv.Error) as error:
            yield InputError(path, f"cannot read the header: {error}")
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
            except UnicodeDecodeError as error:
                hint = "; try --encoding cp1256" if codec.startswith("utf-8") else ""
                yield InputError(f"{path}:{line}", f"not {encoding} text ({error.reason}){hint}; rest of file skipped")
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
    """A text file (``document.text`` is None) as pieces of whole lines, about a megabyte each, cut
    where :meth:`geo.pipeline.Geoparser.iter_file` cuts them, so they give the same mentions; any
    other document as it is. A file that is not valid text gives one error and no piece (it is
    decoded once first, without being kept), so a file is never half extracted; standard input,
    which cannot be read twice, is checked as it streams."""
    from geo.pipeline import read_chunks

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
