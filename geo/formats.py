"""The output formats ``geo`` writes, in one place: the name typed after ``--format``, the file
suffixes that mean it, and whether it is text (fit for a terminal) or binary.

Every command asks :func:`choose_format` which format an ``--out`` path means, so a suffix means the
same thing in ``extract``, ``gazetteer export`` and ``map``: ``--format`` wins, then the suffix, and a
suffix that means nothing is refused (writing JSON Lines into ``mentions.csv`` would be worse).
``-``, like a missing ``--out``, is stdout. A binary format is refused on a terminal, where it would
only garble the screen, and written when stdout is a pipe or a file (``> m.parquet``, ``| duckdb``),
as ``curl`` and ``gzip`` do.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from geo.errors import UsageError

#: The ``--out`` value that means stdout.
STDOUT = "-"


@dataclass(frozen=True)
class OutputFormat:
    """One way of writing results: its ``--format`` name, the suffixes that imply it, its kind."""

    name: str
    suffixes: tuple[str, ...]
    binary: bool
    description: str


FORMATS: dict[str, OutputFormat] = {
    f.name: f
    for f in (
        OutputFormat("jsonl", (".jsonl", ".ndjson"), False, "JSON Lines, one object a line"),
        OutputFormat("csv", (".csv",), False, "CSV with a header row"),
        OutputFormat("geojson", (".geojson",), False, "GeoJSON FeatureCollection (EPSG:4326)"),
        OutputFormat("parquet", (".parquet", ".geoparquet"), True, "GeoParquet"),
        OutputFormat("gpkg", (".gpkg",), True, "GeoPackage (QGIS, ArcGIS)"),
        OutputFormat("json", (".json",), False, "one JSON document"),
        OutputFormat("html", (".html", ".htm"), False, "a self-contained HTML page"),
        OutputFormat("png", (".png",), True, "a PNG picture"),
        OutputFormat("pdf", (".pdf",), True, "a PDF page"),
        OutputFormat("table", (), False, "tab-separated lines for reading"),
    )
}


def to_stdout(out: str | os.PathLike | None) -> bool:
    """True when ``out`` means stdout: not given, or ``-``."""
    return out is None or str(out) == STDOUT


def format_of(path: str | os.PathLike) -> str | None:
    """The format a file name's suffix names (case-insensitive), or None."""
    suffix = Path(path).suffix.lower()
    for output_format in FORMATS.values():
        if suffix and suffix in output_format.suffixes:
            return output_format.name
    return None


def choose_format(
    out: str | os.PathLike | None,
    given: str | None,
    choices: Sequence[str],
    default: str,
    flag: str = "--out",
    hint: str = "",
) -> str:
    """The format to write: ``given`` (``--format``) if any, else the one ``out``'s suffix names,
    else ``default`` for stdout. A file whose suffix names none of ``choices`` is refused with the
    suffixes that would be understood (``hint`` is added to the message)."""
    if given:
        if given not in choices:
            raise UsageError(f"--format {given}: choose one of {', '.join(choices)}")
        return given
    if to_stdout(out):
        return default
    found = format_of(out)
    if found in choices:
        return found
    suffix = Path(out).suffix
    known = " ".join(s for name in choices for s in FORMATS[name].suffixes)
    if not suffix:
        what = "no suffix to tell the format"
    elif found is None:
        what = f"unknown suffix {suffix!r}"
    else:
        what = f"this command does not write {suffix!r} files"
    message = f"{flag} {out}: {what}; name a {known} file"
    if len(choices) > 1:
        message += " or give --format " + "/".join(choices)
    raise UsageError(message + (f" ({hint})" if hint else ""))


def check_terminal(fmt: str, out: str | os.PathLike | None, flag: str = "--out", stream=None) -> None:
    """Refuse to write a binary format to stdout when stdout is a terminal."""
    stream = stream or sys.stdout
    if not FORMATS[fmt].binary or not to_stdout(out):
        return
    try:
        terminal = stream.isatty()
    except (AttributeError, ValueError):
        terminal = False
    if terminal:
        raise UsageError(
            f"--format {fmt} is binary and stdout is a terminal: give {flag} FILE{FORMATS[fmt].suffixes[0]}, "
            "or redirect stdout to a file or a pipe"
        )


@contextmanager
def through_file(fmt: str) -> Iterator[str]:
    """A temporary file for a format that can only be written to a file (Parquet's footer,
    GeoPackage's SQLite pages, GDAL's GeoJSON driver), copied to stdout once the block has written it
    without error; removed in every case."""
    suffix = (FORMATS[fmt].suffixes or (".out",))[0]
    # A fresh folder rather than an empty file: GDAL takes an existing empty .gpkg for a broken one.
    with tempfile.TemporaryDirectory(prefix="geo-") as folder:
        name = str(Path(folder) / f"stdout{suffix}")
        yield name
        sys.stdout.flush()
        with open(name, "rb") as written:
            shutil.copyfileobj(written, sys.stdout.buffer, 1 << 20)
        sys.stdout.buffer.flush()


__all__ = ["FORMATS", "STDOUT", "OutputFormat", "check_terminal", "choose_format", "format_of", "through_file",
           "to_stdout"]
