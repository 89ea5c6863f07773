"""Layered, self-contained maps of place mentions (folium + Leaflet, no network needed).

    >>> from geo.maps import render_map, save_html
    >>> save_html(render_map(mentions), "maps/aleppo.html")

Layers: conflict locations, diplomatic venues, other mentions (off by default) and a heat layer of
conflict mentions (off by default), over Natural Earth country outlines. See :mod:`geo.maps.render`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

#: Name -> the module that holds it: imported when first asked for, so that what a command checks
#: before its run (options, sizes) does not load folium, jinja2 and pandas (a quarter of a second and
#: 60 MB) into a process that then spends the run waiting for its workers.
_EXPORTS = {
    "MapOptions": "geo.maps.options",
    "parse_bbox": "geo.maps.options",
    "parse_size": "geo.maps.options",
    "Picture": "geo.maps.snapshot",
    "render_map": "geo.maps.render",
    **dict.fromkeys(
        ["assets_html", "fragment_html", "page_html", "places_frame", "save_assets", "save_fragment",
         "save_geojson", "save_html", "save_pdf", "save_png"],
        "geo.maps.export",
    ),
}

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'geo.maps' has no attribute {name!r}")


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
