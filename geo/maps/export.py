"""Write a map: the standalone page, a fragment for reports, the layers as GeoJSON, a PNG."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import folium
from markupsafe import Markup

from geo.errors import OutputError, UsageError
from geo.maps.identity import assign_stable_ids, content_digest
from geo.maps.layers import LAYER_STYLES
from geo.maps.offline import make_offline
from geo.maps.options import CSS_LENGTH
from geo.maps.payload import parents_of
from geo.maps.templating import render
from geo.model import Mention
from geo.places import Places

#: A CSS length for the fragment's height; anything else could inject CSS into the host page.


def page_html(m: folium.Map) -> str:
    """The standalone page: inline resources, no request to the network."""
    figure = m.get_root()
    make_offline(figure)
    # Elements a caller added after render_map get ids from their place in the tree too.
    assign_stable_ids(m, getattr(m, "geo_seed", "") or content_digest(m.get_name()))
    page = figure.render()
    # branca writes a bare <html>: the page is Arabic first (legend, popups, labels; the English
    # parts and a title in Latin letters carry lang="en"), for screen readers and fonts. Not
    # dir="rtl": an RTL page breaks Leaflet's tiles and markers (the Arabic parts carry their own dir).
    return page.replace("<!DOCTYPE html>\n<html>", '<!DOCTYPE html>\n<html lang="ar">', 1)


def save_html(m: folium.Map, path: str | os.PathLike) -> None:
    """Write ``m`` as one self-contained HTML file."""
    _write(path, page_html(m))


#: Header parts every map of a page shares: the inlined libraries and the country outlines.
SHARED_PARTS = ("InlineAsset", "OutlinesData")


def _header_parts(m: folium.Map) -> tuple[list[str], list[str]]:
    """The figure's header, rendered, as (shared libraries and outlines, this map's own parts)."""
    figure = m.get_root()
    page_html(m)  # renders every element into the figure's header, html and script parts
    page_wide = {m.get_name(), "meta_http", "css_style", "map_style", "global_switches", "geo_page_style"}
    shared, own = [], []
    for name, child in figure.header._children.items():
        if name in page_wide:
            continue
        (shared if getattr(child, "_name", "") in SHARED_PARTS else own).append(child.render())
    return shared, own


def fragment_html(m: folium.Map, height: str = "560px", width: str = "100%", shared_assets: bool = False) -> str:
    """An HTML snippet to paste into another page: the Leaflet code it needs (skipped if the page
    has it already), CSS scoped to the map's container, the container, and the map's script in a
    function scope, so two maps, or two copies of one, live on one page.

    With ``shared_assets`` the libraries and the country outlines are left out: paste
    :func:`assets_html` once into the page, before the fragments, and each fragment carries only its
    own map (several maps on a page then load Leaflet and the outlines once).
    """
    for flag, value in (("--height", height), ("--width", width)):
        if not CSS_LENGTH.match(value):
            raise UsageError(f"fragment {flag.lstrip('-')} {value!r}: give a CSS length such as 560px, 70vh or 100%")
    figure = m.get_root()
    shared, own = _header_parts(m)
    return render(
        "fragment.html",
        map_id=m.get_name(),
        height=height,
        width=width,
        assets=Markup("\n".join(own if shared_assets else shared + own)),
        html=Markup(figure.html.render()),
        script=Markup(figure.script.render()),
    )


def assets_html(m: folium.Map) -> str:
    """What fragments written with ``shared_assets`` need, once per page: Leaflet and its plugins,
    the maps' runtime, and the country outlines (each guarded, so a page that has them runs them once)."""
    shared, _ = _header_parts(m)
    return "\n".join(shared) + "\n"


def save_fragment(m: folium.Map, path: str | os.PathLike, height: str = "560px", width: str = "100%",
                  shared_assets: bool = False) -> None:
    _write(path, fragment_html(m, height, width, shared_assets))


def save_assets(m: folium.Map, path: str | os.PathLike) -> None:
    _write(path, assets_html(m))


def places_frame(mentions: Sequence[Mention], gazetteer: Places | None = None):
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
                "uncertainty_km": place.uncertainty_km,
                "lat": place.lat,
                "lon": place.lon,
            })
    columns = ["place_id", "name_ar", "name_en", "feature", "country", "layer", "layer_ar", "layer_en",
               "mentions", "total", "conflict", "diplomatic", "other", "docs", "parents_ar", "parents_en",
               "precision", "confidence", "approximate", "uncertainty_km", "lat", "lon"]
    import pandas as pd

    frame = pd.DataFrame(rows, columns=columns)
    geometry = points(frame["lon"].astype(float).to_numpy(), frame["lat"].astype(float).to_numpy())
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, index=frame.index), crs="EPSG:4326")


MENTION_COLUMNS = ("doc", "date", "title", "url", "source", "surface", "cue", "event", "sentence", "uncertainty_km")


def mentions_rows(mentions: Sequence[Mention]):
    """One row per mention with coordinates, in the columns of :func:`places_frame` plus the
    mention's document, date and words: what QGIS's temporal controller filters by."""
    import pandas as pd

    from geo.summary import place_key

    styles = {style.key: style for style in LAYER_STYLES}
    rows = []
    for mention in mentions:
        if mention.lat is None or mention.lon is None:
            continue
        style = styles.get(mention.role, styles["other"])
        rows.append({
            "kind": "mention",
            "place_id": place_key(mention),
            "name_ar": mention.name_ar,
            "name_en": mention.name_en,
            "feature": mention.feature,
            "country": mention.country,
            "layer": style.key,
            "layer_ar": style.name_ar,
            "layer_en": style.name_en,
            "mentions": 1,
            "precision": mention.precision,
            "confidence": mention.confidence,
            "approximate": mention.status == "unresolved",
            "lat": mention.lat,
            "lon": mention.lon,
            **{key: getattr(mention, key) for key in MENTION_COLUMNS},
        })
    return pd.DataFrame(rows)


def save_geojson(mentions: Sequence[Mention], path: str | os.PathLike, gazetteer: Places | None = None) -> None:
    """The places by layer (``kind`` = ``place``), then every mention (``kind`` = ``mention``, with
    its ``doc`` and ``date``), as GeoJSON written by geopandas (UTF-8, Arabic kept as is)."""
    import geopandas as gpd
    import pandas as pd
    from shapely import points

    places = places_frame(mentions, gazetteer)
    places.insert(0, "kind", "place")
    rows = mentions_rows(mentions)
    frame = pd.concat([places.drop(columns="geometry"), rows], ignore_index=True) if len(rows) else places.drop(
        columns="geometry")
    for column in MENTION_COLUMNS:
        if column not in frame:
            frame[column] = None
    geometry = points(frame["lon"].astype(float).to_numpy(), frame["lat"].astype(float).to_numpy())
    frame = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, index=frame.index), crs="EPSG:4326")
    try:
        frame.to_file(path, driver="GeoJSON", engine="pyogrio")
    except OSError as error:
        raise OutputError(str(path), f"cannot write GeoJSON ({error.strerror or error})") from None


def save_png(html_path: str | os.PathLike, png_path: str | os.PathLike, width: int = 1280, height: int = 800,
             picture=None) -> None:
    """A picture of the map page, taken by headless Chromium once the markers and labels are drawn:
    no zoom buttons or layer checkboxes, a caption strip under the map (see
    :class:`geo.maps.snapshot.Picture` for size, scale and caption)."""
    from geo.maps.snapshot import Picture, screenshot

    screenshot(html_path, png_path, picture=picture or Picture(width=width, height=height))


def save_pdf(html_path: str | os.PathLike, pdf_path: str | os.PathLike, picture=None) -> None:
    """A one-page PDF of the map page (vectors where Chromium keeps them), with the caption strip."""
    from geo.maps.snapshot import Picture, print_pdf

    print_pdf(html_path, pdf_path, picture or Picture())


def _write(path: str | os.PathLike, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as error:
        raise OutputError(str(path), f"cannot write ({error.strerror or error})") from None
