"""Write a map: the standalone page, a fragment for reports, the layers as GeoJSON, a PNG."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

import folium
from markupsafe import Markup

from geo.errors import GeoError, UsageError
from geo.gazetteer import Gazetteer
from geo.maps.identity import assign_stable_ids, content_digest
from geo.maps.layers import LAYER_STYLES
from geo.maps.offline import make_offline
from geo.maps.payload import parents_of
from geo.maps.templating import render
from geo.model import Mention

#: A CSS length for the fragment's height; anything else could inject CSS into the host page.
CSS_LENGTH = re.compile(r"^\d+(\.\d+)?(px|em|rem|vh|%)$")


def page_html(m: folium.Map) -> str:
    """The standalone page: inline resources, no request to the network."""
    figure = m.get_root()
    make_offline(figure)
    # Elements a caller added after render_map get ids from their place in the tree too.
    assign_stable_ids(m, getattr(m, "geo_seed", "") or content_digest(m.get_name()))
    return figure.render()


def save_html(m: folium.Map, path: str | os.PathLike) -> None:
    """Write ``m`` as one self-contained HTML file."""
    _write(path, page_html(m))


def fragment_html(m: folium.Map, height: str = "560px") -> str:
    """An HTML snippet to paste into another page: the Leaflet code it needs (skipped if the page
    has it already), CSS scoped to the map's container, the container, and the map's script in a
    function scope, so two maps, or two copies of one, live on one page."""
    if not CSS_LENGTH.match(height):
        raise UsageError(f"fragment height {height!r}: give a CSS length such as 560px or 70vh")
    figure = m.get_root()
    page_html(m)  # renders every element into the figure's header, html and script parts
    page_wide = {m.get_name(), "meta_http", "css_style", "map_style", "global_switches"}
    assets = "\n".join(child.render() for name, child in figure.header._children.items() if name not in page_wide)
    return render(
        "fragment.html",
        map_id=m.get_name(),
        height=height,
        assets=Markup(assets),
        html=Markup(figure.html.render()),
        script=Markup(figure.script.render()),
    )


def save_fragment(m: folium.Map, path: str | os.PathLike, height: str = "560px") -> None:
    _write(path, fragment_html(m, height))


def places_frame(mentions: Sequence[Mention], gazetteer: Gazetteer | None = None):
    """One row per place and layer (a place with conflict and diplomatic mentions gives two rows),
    point geometry in EPSG:4326: what QGIS needs to style the layers by the ``layer`` column."""
    import geopandas as gpd
    from shapely import points

    from geo.summary import summarise

    if gazetteer is None:
        from geo.pipeline import default_geoparser

        gazetteer = default_geoparser().gazetteer
    rows = []
    for place in summarise(mentions):
        ancestors = parents_of(place, gazetteer)
        for style in LAYER_STYLES:
            if not place.roles[style.key]:
                continue
            rows.append({
                "place_id": place.place_id,
                "name_ar": place.name_ar,
                "name_en": place.name_en,
                "feature": place.feature,
                "country": place.country,
                "layer": style.key,
                "layer_ar": style.name_ar,
                "layer_en": style.name_en,
                "mentions": place.roles[style.key],
                "total": place.count,
                "conflict": place.roles["conflict"],
                "diplomatic": place.roles["diplomatic"],
                "other": place.roles["other"],
                "docs": len(place.docs),
                "parents_ar": "، ".join(a.name_ar for a in ancestors),
                "parents_en": ", ".join(a.name_en for a in ancestors),
                "precision": place.precision,
                "confidence": place.confidence,
                "approximate": place.approximate,
                "lat": place.lat,
                "lon": place.lon,
            })
    columns = ["place_id", "name_ar", "name_en", "feature", "country", "layer", "layer_ar", "layer_en",
               "mentions", "total", "conflict", "diplomatic", "other", "docs", "parents_ar", "parents_en",
               "precision", "confidence", "approximate", "lat", "lon"]
    import pandas as pd

    frame = pd.DataFrame(rows, columns=columns)
    geometry = points(frame["lon"].astype(float).to_numpy(), frame["lat"].astype(float).to_numpy())
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, index=frame.index), crs="EPSG:4326")


def save_geojson(mentions: Sequence[Mention], path: str | os.PathLike, gazetteer: Gazetteer | None = None) -> None:
    """The places by layer as GeoJSON, written by geopandas (UTF-8, Arabic kept as is)."""
    frame = places_frame(mentions, gazetteer)
    try:
        frame.to_file(path, driver="GeoJSON", engine="pyogrio")
    except OSError as error:
        raise GeoError(f"{path}: cannot write GeoJSON ({error})") from None


def save_png(html_path: str | os.PathLike, png_path: str | os.PathLike, width: int = 1280, height: int = 800) -> None:
    """A picture of the map page, taken by headless Chromium once the markers are drawn."""
    from geo.maps.snapshot import screenshot

    screenshot(html_path, png_path, width=width, height=height)


def _write(path: str | os.PathLike, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as error:
        raise GeoError(f"{path}: cannot write ({error.strerror or error})") from None
