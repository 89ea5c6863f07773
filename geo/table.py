"""Mentions and gazetteer entries as GeoDataFrames (EPSG:4326), and their exports.

Exports go through geopandas (``to_file`` for GeoJSON, ``to_parquet`` for GeoParquet) rather than
hand-written GeoJSON.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

import geopandas as gpd
import pandas as pd
from shapely import points

from geo.errors import UsageError
from geo.gazetteer import Gazetteer
from geo.model import Mention

CRS = "EPSG:4326"


def mentions_frame(mentions: Sequence[Mention]) -> gpd.GeoDataFrame:
    """One row a mention, point geometry; mentions without coordinates get an empty geometry."""
    from geo.batch import RECORD_FIELDS, record

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


def gazetteer_frame(gazetteer: Gazetteer) -> gpd.GeoDataFrame:
    rows = [entry.to_row() for entry in gazetteer]
    frame = pd.DataFrame(rows)
    frame["lat"] = [entry.lat for entry in gazetteer]
    frame["lon"] = [entry.lon for entry in gazetteer]
    frame["population"] = pd.array([entry.population for entry in gazetteer], dtype="Int64")
    geometry = gpd.GeoSeries(points(frame["lon"].to_numpy(), frame["lat"].to_numpy()), crs=CRS)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=CRS)


def write_frame(frame: gpd.GeoDataFrame, out: str | os.PathLike, fmt: str) -> None:
    if fmt == "geojson":
        frame.to_file(out, driver="GeoJSON", engine="pyogrio")
    elif fmt == "parquet":
        frame.to_parquet(out)
    elif fmt == "csv":
        frame.drop(columns="geometry").to_csv(out, index=False)
    else:
        raise UsageError(f"unknown format {fmt!r}")
