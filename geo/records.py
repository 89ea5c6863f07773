"""The output record of a mention and the one writer that turns mentions into JSONL or CSV bytes.

Worker processes encode their own share with the same functions the parent would use, and the parent
only writes the bytes in input order: the output is byte-identical whatever engine ran it. JSON goes
through orjson (a fifth of the cost of ``json.dumps``; the same values, compact separators).

CSV output is meant for spreadsheets, where a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return is run as a formula (``=HYPERLINK(...)`` in a headline becomes a link, worse ones
run commands). Following OWASP's rule, such a text cell gets a leading apostrophe, which a spreadsheet
hides; numbers are never touched. JSONL and GeoParquet keep every value exactly as it was.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from operator import attrgetter

import orjson

from geo.coordinates import decimals_for
from geo.model import Mention

#: The output contract of ``geo extract`` (JSONL keys, CSV columns, GeoParquet columns), in this order.
RECORD_FIELDS = (
    "doc",
    "start",
    "end",
    "surface",
    "place_id",
    "name_ar",
    "name_en",
    "feature",
    "lat",
    "lon",
    "country",
    "admin1",
    "admin1_pcode",
    "admin2",
    "admin2_pcode",
    "admin3",
    "admin3_pcode",
    "role",
    "cue",
    "event",
    "confidence",
    "precision",
    "uncertainty_km",
    "reason",
    "status",
    "container",
    "sentence",
    "date",
    "title",
    "url",
    "source",
)
#: Characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_values = attrgetter(*RECORD_FIELDS)
_LAT, _LON, _UNCERTAINTY = (RECORD_FIELDS.index(name) for name in ("lat", "lon", "uncertainty_km"))
#: uncertainty_km -> decimals of a degree it is worth (a few dozen distinct values).
_DIGITS: dict = {}


def _digits(uncertainty: float | None) -> int:
    digits = _DIGITS.get(uncertainty)
    if digits is None:
        digits = _DIGITS[uncertainty] = decimals_for(uncertainty)
    return digits


def record(mention: Mention) -> dict:
    """The output record of a mention: :data:`RECORD_FIELDS`, in that order, coordinates to the
    decimals their uncertainty is worth (as :func:`geo.coordinates.reported` rounds them; done here
    field by field, since it runs for every mention written)."""
    values = _values(mention)
    data = dict(zip(RECORD_FIELDS, values, strict=True))
    lat = values[_LAT]
    if lat is not None:
        digits = _digits(values[_UNCERTAINTY])
        data["lat"] = round(lat, digits)
        data["lon"] = round(values[_LON], digits)
    return data


def _row(mention: Mention) -> list:
    """The record's values in :data:`RECORD_FIELDS` order (a CSV row)."""
    values = list(_values(mention))
    lat = values[_LAT]
    if lat is not None:
        digits = _digits(values[_UNCERTAINTY])
        values[_LAT] = round(lat, digits)
        values[_LON] = round(values[_LON], digits)
    return values


def jsonl_lines(mentions: Iterable[Mention]) -> bytes:
    """One JSON object a line, UTF-8."""
    dumps = orjson.dumps
    newline = orjson.OPT_APPEND_NEWLINE
    # One growing buffer: a list of thirteen thousand small bytes objects from orjson took ten times
    # their size in memory (each is allocated large, then shrunk) and three times as long.
    buffer = bytearray()
    for mention in mentions:
        data = record(mention)
        try:
            buffer += dumps(data, option=newline)
        except orjson.JSONEncodeError:
            # Text from the Python API may hold a lone surrogate, which UTF-8 cannot carry: escaped.
            buffer += json.dumps(data, ensure_ascii=True, separators=(",", ":")).encode() + b"\n"
    return bytes(buffer)


def spreadsheet_safe(value):
    """``value`` with a leading apostrophe when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_header() -> bytes:
    return (",".join(RECORD_FIELDS) + "\n").encode()


def csv_rows(mentions: Iterable[Mention]) -> bytes:
    """CSV rows (no header), formulas neutralised; ``None`` is an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    starts = FORMULA_STARTS
    # spreadsheet_safe, inlined: it runs for every cell written.
    writer.writerows(
        ["'" + value if value.__class__ is str and value.startswith(starts) else value for value in _row(mention)]
        for mention in mentions
    )
    return buffer.getvalue().encode("utf-8", "replace")


#: Output format -> the function that encodes a batch of mentions.
ENCODERS = {"jsonl": jsonl_lines, "csv": csv_rows}
