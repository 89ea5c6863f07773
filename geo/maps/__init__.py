"""Layered, self-contained maps of place mentions (folium + Leaflet, no network needed).

    >>> from geo.maps import render_map, save_html
    >>> save_html(render_map(mentions), "maps/aleppo.html")

Layers: conflict locations, diplomatic venues, other mentions (off by default) and a heat layer of
conflict mentions (off by default), over Natural Earth country outlines. See :mod:`geo.maps.render`.
"""

from __future__ import annotations

from geo.maps.export import fragment_html, page_html, places_frame, save_fragment, save_geojson, save_html, save_png
from geo.maps.options import MapOptions, parse_bbox
from geo.maps.render import render_map

__all__ = [
    "MapOptions",
    "fragment_html",
    "page_html",
    "parse_bbox",
    "places_frame",
    "render_map",
    "save_fragment",
    "save_geojson",
    "save_html",
    "save_png",
]
