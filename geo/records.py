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
from bisect import bisect_right
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


class FindingsEncoder:
    """Output rows straight from the pipeline's findings (:meth:`geo.pipeline.Geoparser.analyse`),
    without a :class:`Mention` object each: the bytes :func:`jsonl_lines` and :func:`csv_rows` give
    for the same mentions, at a fraction of the cost, for a worker that extracts and encodes its own
    share of a corpus.

    What an entry's mentions report about it (ids, names, feature, coordinates rounded to what the
    point is worth, country, admin chain) is encoded once per entry, and whether the text said "near"
    it; each mention adds only what is its own (offsets, surface, role, resolution, sentence).
    """

    def __init__(self, facts: dict) -> None:
        #: Entry id -> :data:`geo.facts.Facts` (the parser's table).
        self.facts = facts
        self._json: dict[tuple[str, bool], bytes] = {}
        self._csv: dict[tuple[str, bool], list] = {}
        #: (id of a resolution, id of a role) -> (the two, the JSON from place_id to container): the
        #: objects are kept, so an id is never another object's while its entry is here.
        self._middles: dict[tuple[int, int], tuple] = {}

    # -- JSON Lines ----------------------------------------------------------------------------------
    def jsonl(self, buffer: bytearray, findings, doc: str, offset: int, metadata: tuple[str, str, str, str]) -> int:
        """Append the JSONL lines of ``findings`` (a text of document ``doc``, ``offset`` characters
        into it, whose date, title, url and source are ``metadata``) to ``buffer``; the number of
        mentions. A text that holds a lone surrogate (from the Python API) is written the way
        :func:`jsonl_lines` writes it."""
        from geo.pipeline import SENTENCE_CONTEXT, SentenceFinder

        mark = len(buffer)
        dumps = orjson.dumps
        try:
            head = b'{"doc":' + dumps(doc) + b',"start":'
            date, title, url, source = metadata
            tail = dumps({"date": date, "title": title, "url": url, "source": source})
        except orjson.JSONEncodeError:
            return self._jsonl_slowly(buffer, mark, findings, doc, offset, metadata)
        tail = b"," + tail[1:] + b"\n"
        text = findings.text
        sentences = SentenceFinder(text)
        breaks, whole = sentences.breaks, sentences.whole
        context = SENTENCE_CONTEXT
        middles = self._middles
        if len(middles) > 50_000:
            middles.clear()
        quoted: dict[str, bytes] = {}
        count = 0
        try:
            for match, resolution, role in zip(findings.matches, findings.resolutions, findings.roles, strict=True):
                start, end = match.start, match.end
                # SentenceFinder.around, its common case inlined (as in geo.pipeline.mentions_of).
                known = whole.get(bisect_right(breaks, start))
                if known is not None and start - context <= known[0] and end <= known[1] <= end + context:
                    sentence = known[2]
                else:
                    sentence = sentences.around(start, end)[0]
                surface = text[start:end]
                # Everything from place_id to container follows from the resolution and the role,
                # which the resolver and the role stage share between mentions decided alike.
                known = middles.get((id(resolution), id(role)))
                if known is None or known[0] is not resolution or known[1] is not role:
                    middle = self._middle(resolution, role, surface)
                    if resolution.entry.id:
                        middles[id(resolution), id(role)] = (resolution, role, middle)
                else:
                    middle = known[2]
                sentence_json = quoted.get(sentence)
                if sentence_json is None:
                    sentence_json = quoted[sentence] = dumps(sentence)
                buffer += head
                buffer += b'%d,"end":%d,"surface":' % (start + offset, end + offset)
                buffer += dumps(surface)
                buffer += middle
                buffer += sentence_json
                buffer += tail
                count += 1
        except orjson.JSONEncodeError:
            return self._jsonl_slowly(buffer, mark, findings, doc, offset, metadata)
        return count

    def _middle(self, resolution, role, surface: str) -> bytes:
        """``,"place_id": ... "container":...,"sentence":`` of a mention: its entry's fields (encoded
        once per entry and "near"), then what its resolution and role say."""
        entry, near = resolution.entry, resolution.near
        if entry.id:
            status, container = "resolved", ""
            fragment = self._json.get((entry.id, near))
            if fragment is None:
                fragment = self._json[entry.id, near] = self._entry_json(entry, surface, near)
        else:
            _lat, _lon, _name, status, container = _unresolved(entry, surface)
            fragment = self._entry_json(entry, surface, near)
        uncertainty, near_uncertainty, least_precision = self.facts[entry.id or container][:3]
        if near:
            uncertainty = near_uncertainty
        precision = resolution.precision
        if precision < least_precision:
            precision = least_precision
        rest = orjson.dumps({
            "role": role.role, "cue": role.cue, "event": role.event, "confidence": resolution.confidence,
            "precision": precision, "uncertainty_km": uncertainty,
            "reason": resolution.reason + "; metonymy" if role.metonymy else resolution.reason,
            "status": status, "container": container,
        })  # fmt: skip
        return fragment + rest[1:-1] + b',"sentence":'

    def _entry_json(self, entry, surface: str, near: bool) -> bytes:
        """``,"place_id":...,"admin3_pcode":...,`` of a mention of ``entry``."""
        values = self._entry_values(entry, surface, near)
        return b"," + orjson.dumps(dict(zip(_ENTRY_FIELDS, values, strict=True)))[1:-1] + b","

    def _entry_values(self, entry, surface: str, near: bool) -> tuple:
        """The record's values from ``place_id`` to ``admin3_pcode`` for a mention of ``entry``."""
        if entry.id:
            lat, lon, name_ar, container = entry.lat, entry.lon, entry.name_ar, ""
        else:
            lat, lon, name_ar, _status, container = _unresolved(entry, surface)
        uncertainty, near_uncertainty, _least, a1, a1p, a2, a2p, a3, a3p = self.facts[entry.id or container]
        if near:
            uncertainty = near_uncertainty
        if lat is not None:
            digits = _digits(uncertainty)
            lat, lon = round(lat, digits), round(lon, digits)
        return (entry.id, name_ar, entry.name_en, entry.feature, lat, lon, entry.country, a1, a1p, a2, a2p, a3, a3p)

    def _jsonl_slowly(self, buffer: bytearray, mark: int, findings, doc: str, offset: int, metadata) -> int:
        del buffer[mark:]
        mentions = self._mentions(findings, doc, offset, metadata)
        buffer += jsonl_lines(mentions)
        return len(mentions)

    def _mentions(self, findings, doc: str, offset: int, metadata) -> list[Mention]:
        from geo.pipeline import mentions_of

        mentions = mentions_of(findings, self.facts, doc, offset)
        for mention in mentions:
            mention.date, mention.title, mention.url, mention.source = metadata
        return mentions

    # -- CSV -----------------------------------------------------------------------------------------
    def csv(self, writer, findings, doc: str, offset: int, metadata: tuple[str, str, str, str]) -> int:
        """Write the CSV rows of ``findings`` with ``writer`` (a :func:`csv.writer`), as
        :func:`csv_rows` writes them; the number of mentions."""
        from geo.pipeline import SentenceFinder

        starts = FORMULA_STARTS
        doc = "'" + doc if doc.startswith(starts) else doc
        tail = ["'" + value if value.startswith(starts) else value for value in metadata]
        text = findings.text
        sentences = SentenceFinder(text)
        facts = self.facts
        cached = self._csv
        rows = []
        append = rows.append
        for match, resolution, role in zip(findings.matches, findings.resolutions, findings.roles, strict=True):
            entry = resolution.entry
            start, end = match.start, match.end
            sentence, _sentence_start = sentences.around(start, end)
            surface = text[start:end]
            near = resolution.near
            if entry.id:
                status, container = "resolved", ""
                uncertainty, near_uncertainty, least_precision = facts[entry.id][:3]
                values = cached.get((entry.id, near))
                if values is None:
                    values = cached[entry.id, near] = _spreadsheet_safe(self._entry_values(entry, surface, near))
            else:
                _lat, _lon, _name, status, container = _unresolved(entry, surface)
                uncertainty, near_uncertainty, least_precision = facts[container][:3]
                values = _spreadsheet_safe(self._entry_values(entry, surface, near))
            if near:
                uncertainty = near_uncertainty
            precision = resolution.precision
            if precision < least_precision:
                precision = least_precision
            reason = resolution.reason + "; metonymy" if role.metonymy else resolution.reason
            cue = role.cue
            append([
                doc, start + offset, end + offset, "'" + surface if surface.startswith(starts) else surface,
                *values, role.role, "'" + cue if cue.startswith(starts) else cue, role.event, resolution.confidence,
                precision, uncertainty, "'" + reason if reason.startswith(starts) else reason, status,
                "'" + container if container.startswith(starts) else container,
                "'" + sentence if sentence.startswith(starts) else sentence, *tail,
            ])  # fmt: skip
        writer.writerows(rows)
        return len(rows)


#: The record's fields that an entry decides (from ``place_id`` to ``admin3_pcode``).
_ENTRY_FIELDS = RECORD_FIELDS[RECORD_FIELDS.index("place_id") : RECORD_FIELDS.index("admin3_pcode") + 1]


def _spreadsheet_safe(values: tuple) -> list:
    return [spreadsheet_safe(value) for value in values]


def _unresolved(entry, surface: str):
    from geo.pipeline import unresolved_fields

    return unresolved_fields(entry, surface)
