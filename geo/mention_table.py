"""Read back the mention tables ``geo extract`` writes (JSONL, CSV, GeoParquet, GeoJSON), after a user
filtered or corrected them in pandas, a spreadsheet or QGIS, as :class:`~geo.model.Mention` values
that :func:`geo.maps.render_map` draws.

What a correction looks like in each tool, and what wins:

- a role changed in any of them: the ``role`` column (``conflict``, ``diplomatic``, ``other``);
- a point moved in QGIS: the geometry. A GeoParquet or GeoJSON row with a point takes its position
  from the point, not from the ``lat``/``lon`` columns QGIS leaves as they were;
- a point moved in a spreadsheet or in pandas on a CSV or JSONL file: the ``lat``/``lon`` columns.

A row that cannot be read (a role that is not one of the three, a latitude that is not a number) is
reported with its file and line (or row) and left out; the other rows go on, as for a corpus.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from geo.corpus import DocumentError
from geo.errors import InputError
from geo.model import ROLES, Mention

#: Columns that make a table a table of mentions rather than a corpus of articles (which has ``text``).
SIGNATURE = frozenset({"surface", "role"})
GEOJSON_SUFFIXES = (".geojson", ".json")
INTEGER_FIELDS = ("start", "end", "precision")
FLOAT_FIELDS = ("confidence", "uncertainty_km")
TEXT_FIELDS = (
    "doc", "surface", "place_id", "name_ar", "name_en", "feature", "country", "admin1", "admin1_pcode",
    "admin2", "admin2_pcode", "admin3", "admin3_pcode", "cue", "event", "reason", "status", "container",
    "sentence", "date", "title", "url", "source",
)


def _open_binary(path: str):
    return gzip.open(path, "rb") if path.lower().endswith(".gz") else open(path, "rb")


def columns_of(path: str | os.PathLike) -> set[str] | None:
    """The column names of a JSONL, CSV or Parquet file (from its first row or schema); None for
    another kind of file or one that cannot be read (the corpus reader then says why)."""
    name = str(path).lower()
    try:
        if name.endswith((".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")):
            with _open_binary(str(path)) as stream:
                for raw in stream:
                    if raw.strip():
                        row = json.loads(raw.decode("utf-8-sig"))
                        return set(row) if isinstance(row, dict) else None
            return None
        if name.endswith((".csv", ".csv.gz")):
            with _open_binary(str(path)) as stream:
                first = stream.readline().decode("utf-8-sig")
            return {column.strip() for column in next(csv.reader([first]), [])}
        if name.endswith((".parquet", ".pq")):
            import pyarrow.parquet as pq

            return set(pq.read_schema(path).names)
    except (OSError, ValueError, UnicodeDecodeError, EOFError):
        return None
    except Exception as error:  # pyarrow's own errors: not a Parquet file
        if type(error).__module__.startswith("pyarrow"):
            return None
        raise
    return None


def is_mention_table(path: str | os.PathLike) -> bool:
    """True for a table of mentions (what ``geo extract`` writes); False for articles and corpora."""
    if str(path).lower().endswith(GEOJSON_SUFFIXES):
        return Path(path).is_file()
    columns = columns_of(path)
    return columns is not None and columns >= SIGNATURE and "text" not in columns


def read_mention_table(path: str | os.PathLike, encoding: str = "utf-8") -> Iterator[Mention | InputError]:
    """Every row of a mention table as a :class:`Mention`; a row that cannot be read comes as a
    :class:`~geo.corpus.DocumentError` (file, line or row, field) in its place."""
    name = str(path)
    lower = name.lower()
    if lower.endswith((".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")):
        yield from _read_jsonl(name)
    elif lower.endswith((".csv", ".csv.gz")):
        yield from _read_csv(name, encoding)
    else:
        yield from _read_geo(name)


def mentions_from_frame(frame, origin: str = "frame") -> Iterator[Mention | InputError]:
    """The rows of a (Geo)DataFrame with the columns of ``geo extract`` as mentions. A point geometry
    gives the position (QGIS moves the point, not the ``lat``/``lon`` attributes)."""
    geometry = frame.geometry if hasattr(frame, "geometry") and "geometry" in frame else None
    records = frame.drop(columns=[c for c in frame.columns if c == "geometry"]).to_dict("records")
    for number, row in enumerate(records, 1):
        if geometry is not None:
            point = geometry.iloc[number - 1]
            if point is not None and not point.is_empty and point.geom_type == "Point":
                row["lon"], row["lat"] = point.x, point.y
        try:
            yield mention_from_record(row)
        except ValueError as error:
            yield DocumentError(origin, str(error), row=number, doc_id=_text(row.get("doc")))


def mention_from_record(row: dict[str, Any]) -> Mention:
    """One record (JSON object, CSV row, frame row) as a :class:`Mention`; ``ValueError`` naming the
    field when a value cannot be one."""
    role = _text(row.get("role")).lower() or "other"
    if role not in ROLES:
        raise ValueError(f"role {row.get('role')!r} is not one of {', '.join(ROLES)}")
    values: dict[str, Any] = {key: _text(row.get(key)) for key in TEXT_FIELDS}
    values["role"] = role
    for key in INTEGER_FIELDS:
        number = _number(row.get(key), key)
        if number is not None:
            values[key] = int(number)
    values.setdefault("start", 0)
    values.setdefault("end", values["start"])
    confidence = _number(row.get("confidence"), "confidence")
    values["confidence"] = 0.0 if confidence is None else confidence
    values["uncertainty_km"] = _number(row.get("uncertainty_km"), "uncertainty_km")
    lat, lon = _number(row.get("lat"), "lat"), _number(row.get("lon"), "lon")
    if lat is not None and not -90 <= lat <= 90:
        raise ValueError(f"lat {lat} is outside -90..90")
    if lon is not None and not -180 <= lon <= 180:
        raise ValueError(f"lon {lon} is outside -180..180")
    values["lat"], values["lon"] = (lat, lon) if lat is not None and lon is not None else (None, None)
    values["status"] = values["status"] or "resolved"
    values["name_ar"] = values["name_ar"] or values["surface"]
    # Popups highlight the name in its sentence; the table keeps the sentence, not the offset in it.
    sentence_start = values["sentence"].find(values["surface"]) if values["surface"] else -1
    mention = Mention(**values, sentence_start=max(0, sentence_start))
    if sentence_start < 0:
        mention.end = mention.start  # nothing to highlight rather than the wrong words
    return mention


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip() if not isinstance(value, str) else value.strip()


def _number(value: Any, field: str) -> float | None:
    if value is None or value == "" or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{field} must be a number, not {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{field} {value!r} is not a number") from None
    if math.isnan(number):
        return None
    if math.isinf(number):
        raise ValueError(f"{field} {value!r} is not a finite number")
    return number


def _read_jsonl(path: str) -> Iterator[Mention | InputError]:
    try:
        stream = _open_binary(path)
    except OSError as error:
        yield InputError(path, f"cannot read: {error.strerror or error}")
        return
    with stream:
        for number, raw in enumerate(stream, 1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
                if not isinstance(row, dict):
                    raise ValueError(f"expected a JSON object, got {type(row).__name__}")
                yield mention_from_record(row)
            except UnicodeDecodeError as error:
                yield DocumentError(path, f"not UTF-8 (bad byte at column {error.start + 1})", number)
            except json.JSONDecodeError as error:
                yield DocumentError(path, f"not JSON ({error.msg} at column {error.colno})", number)
            except ValueError as error:
                doc = _text(row.get("doc")) if isinstance(row, dict) else ""
                yield DocumentError(path, str(error), number, doc_id=doc)


def _read_csv(path: str, encoding: str) -> Iterator[Mention | InputError]:
    try:
        binary = _open_binary(path)
    except OSError as error:
        yield InputError(path, f"cannot read: {error.strerror or error}")
        return
    text = io.TextIOWrapper(binary, encoding="utf-8-sig" if encoding.lower().replace("_", "-") == "utf-8"
                            else encoding, newline="")
    with text:
        reader = csv.DictReader(text)
        try:
            for row in reader:
                try:
                    yield mention_from_record(row)
                except ValueError as error:
                    yield DocumentError(path, str(error), reader.line_num, doc_id=_text(row.get("doc")))
        except UnicodeDecodeError as error:
            bad = error.object[error.start]
            yield DocumentError(path, f"not {encoding} (bad byte {bad:#04x})", reader.line_num + 1)
        except csv.Error as error:
            yield DocumentError(path, f"not CSV ({error})", reader.line_num)


def _read_geo(path: str) -> Iterator[Mention | InputError]:
    import geopandas as gpd
    import pandas as pd

    try:
        if path.lower().endswith((".parquet", ".pq")):
            try:
                frame = gpd.read_parquet(path)
            except ValueError:  # a plain Parquet table (no geometry metadata): lat/lon columns
                frame = pd.read_parquet(path)
        else:
            frame = gpd.read_file(path, engine="pyogrio")
    except Exception as error:  # pyogrio and pyarrow raise their own kinds for a broken file
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        yield InputError(path, f"cannot read: {first}")
        return
    if hasattr(frame, "crs") and frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    yield from mentions_from_frame(frame, path)
