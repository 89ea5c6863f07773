"""Mentions and gazetteer entries as GeoDataFrames (EPSG:4326), and their exports.

Exports go through geopandas (``to_file`` for GeoJSON, ``to_parquet`` for GeoParquet) rather than
hand-written GeoJSON. A corpus too large for one frame is written by :class:`GeoParquetWriter`, a
row group at a time, with the same columns and GeoParquet metadata as ``to_parquet`` gives.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely import points

from geo.errors import UsageError
from geo.model import Mention
from geo.places import Places

CRS = "EPSG:4326"


def mentions_frame(mentions: Sequence[Mention]) -> gpd.GeoDataFrame:
    """One row a mention, point geometry; mentions without coordinates get an empty geometry."""
    from geo.records import RECORD_FIELDS, record

    frame = pd.DataFrame([record(m) for m in mentions], columns=list(RECORD_FIELDS))
    geometry = (
        points(frame["lon"].astype(float).to_numpy(), frame["lat"].astype(float).to_numpy()) if len(frame) else []
    )
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs=CRS, index=frame.index), crs=CRS)


def extract_frame(paths: Iterable[str | os.PathLike], parser=None, encoding: str = "utf-8") -> gpd.GeoDataFrame:
    """Mentions of text files (or folders of them) as a GeoDataFrame; unreadable files raise."""
    from geo.batch import stream_documents
    from geo.pipeline import default_geoparser

    failures: list = []
    collected = list(stream_documents(parser or default_geoparser(), [str(p) for p in paths], failures, encoding))
    if failures:
        raise failures[0]
    return mentions_frame(collected)


class GeoParquetWriter:
    """Mentions streamed into a GeoParquet file: a row group every ``rows`` mentions, so memory
    stays bounded whatever the corpus size. Use as a context manager; the file is complete (and
    readable by ``geopandas.read_parquet``) once it is closed.

    Columns are :data:`geo.batch.RECORD_FIELDS` plus a WKB ``geometry`` (a point; ``POINT EMPTY``-
    like NaN coordinates for a mention that has none, as :func:`mentions_frame` gives).
    """

    def __init__(self, path: str | os.PathLike, rows: int = 20_000) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq
        from pyproj import CRS as ProjCRS

        from geo import __version__
        from geo.records import RECORD_FIELDS

        numbers = {"start": pa.int64(), "end": pa.int64(), "precision": pa.int64(), "lat": pa.float64(),
                   "lon": pa.float64(), "confidence": pa.float64(), "uncertainty_km": pa.float64()}
        geo = {
            "version": "1.0.0",
            "primary_column": "geometry",
            "columns": {"geometry": {"encoding": "WKB", "geometry_types": ["Point"],
                                     "crs": ProjCRS.from_user_input(CRS).to_json_dict()}},
            "creator": {"library": "geo-arabic-news", "version": __version__},
        }
        self.fields = RECORD_FIELDS
        self.schema = pa.schema(
            [(name, numbers.get(name, pa.string())) for name in RECORD_FIELDS] + [("geometry", pa.binary())],
            metadata={"geo": json.dumps(geo)},
        )
        self.rows = rows
        self.pending: list[Mention] = []
        self.count = 0
        try:
            self.writer = pq.ParquetWriter(path, self.schema, compression="zstd")
        except OSError as error:
            raise UsageError(f"--out {path}: cannot write ({error})") from None

    def write(self, mentions: Iterable[Mention]) -> None:
        self.pending.extend(mentions)
        while len(self.pending) >= self.rows:
            # Row groups of exactly ``rows`` mentions, however the results were batched: the file is
            # byte for byte the same whatever engine ran.
            group, self.pending = self.pending[: self.rows], self.pending[self.rows :]
            self._write_group(group)

    def flush(self) -> None:
        if self.pending:
            group, self.pending = self.pending, []
            self._write_group(group)

    def _write_group(self, group: list[Mention]) -> None:
        import pyarrow as pa
        import shapely

        from geo.records import record

        records = [record(m) for m in group]
        columns = {name: [r[name] for r in records] for name in self.fields}
        lon = [float("nan") if v is None else v for v in columns["lon"]]
        lat = [float("nan") if v is None else v for v in columns["lat"]]
        columns["geometry"] = shapely.to_wkb(points(lon, lat)).tolist()
        self.writer.write_table(pa.table(columns, schema=self.schema))
        self.count += len(group)

    def close(self) -> None:
        self.flush()
        self.writer.close()

    def __enter__(self) -> GeoParquetWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def gazetteer_frame(gazetteer: Places) -> gpd.GeoDataFrame:
    rows = [entry.to_row() for entry in gazetteer]
    frame = pd.DataFrame(rows)
    frame["lat"] = [entry.lat for entry in gazetteer]
    frame["lon"] = [entry.lon for entry in gazetteer]
    frame["population"] = pd.array([entry.population for entry in gazetteer], dtype="Int64")
    geometry = gpd.GeoSeries(points(frame["lon"].to_numpy(), frame["lat"].to_numpy()), crs=CRS)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=CRS)


def write_frame(frame: gpd.GeoDataFrame, out: str | os.PathLike | None, fmt: str, layer: str = "geo") -> None:
    """Write ``frame`` as ``fmt`` (a :data:`geo.formats.FORMATS` name) to the file ``out``, or to
    stdout when ``out`` is ``-`` or None. ``layer`` names the GeoPackage layer (and the GeoJSON
    collection, which would otherwise take the name of a temporary file)."""
    from geo.formats import through_file, to_stdout

    if fmt in ("csv", "jsonl"):
        table = frame.drop(columns="geometry")
        target = sys.stdout if to_stdout(out) else out
        if fmt == "csv":
            # For spreadsheets: a text cell a spreadsheet would run as a formula is neutralised
            # (geo.records.spreadsheet_safe); every other format keeps values as they are.
            from geo.records import spreadsheet_safe

            for column in table.columns:
                if not pd.api.types.is_numeric_dtype(table[column]):
                    table[column] = table[column].map(spreadsheet_safe)
            table.to_csv(target, index=False, lineterminator="\n")
        else:
            # pandas leaves no newline after the last line; a JSON Lines file ends with one.
            text = table.to_json(orient="records", lines=True, force_ascii=False, date_format="iso")
            text = text if text.endswith("\n") or not text else text + "\n"
            if target is sys.stdout:
                sys.stdout.write(text)
            else:
                Path(target).write_text(text, encoding="utf-8")
        return
    if fmt not in ("geojson", "parquet", "gpkg"):
        raise UsageError(f"unknown format {fmt!r}")
    if to_stdout(out):
        with through_file(fmt) as path:
            write_frame(frame, path, fmt, layer)
        return
    if fmt == "geojson":
        frame.to_file(out, driver="GeoJSON", engine="pyogrio", layer=layer)
    elif fmt == "gpkg":
        frame.to_file(out, driver="GPKG", engine="pyogrio", layer=layer)
    else:
        frame.to_parquet(out)
