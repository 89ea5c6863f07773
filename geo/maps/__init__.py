"""Layered, self-contained maps of place mentions (folium + Leaflet, no network needed).

    >>> from geo.maps import render_map, save_html
    >>> save_html(render_map(mentions), "maps/aleppo.html")

Layers: conflict locations, diplomatic venues, other mentions (off by default) and a heat layer of
conflict mentions (off by default), over Natural Earth country outlines. See :mod:`geo.maps.render`.
"""

from __future__ import annotations

from geo.maps.export import (
    assets_html,
    fragment_html,
    page_html,
    places_frame,
    save_assets,
    save_fragment,
    save_geojson,
    save_html,
    save_pdf,
    save_png,
)
from geo.maps.options import MapOptions, parse_bbox, parse_size
from geo.maps.render import render_map
from geo.maps.snapshot import Picture

__all__ = [
    "MapOptions",
    "Picture",
    "assets_html",
    "fragment_html",
    "page_html",
    "parse_bbox",
    "parse_size",
    "places_frame",
    "render_map",
    "save_assets",
    "save_fragment",
    "save_geojson",
    "save_html",
    "save_pdf",
    "save_png",
]
