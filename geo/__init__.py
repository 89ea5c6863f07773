"""Arabic news geoparser: find every place in Arabic news text, resolve it with a curated Arabic
gazetteer, tell conflict locations from diplomatic venues, and draw layered offline maps.

The heavy modules (geopandas, folium) are imported on first use, so ``import geo`` and ``geo --help``
stay fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Gazetteer": "geo.gazetteer",
    "Entry": "geo.model",
    "Mention": "geo.model",
    "Geoparser": "geo.pipeline",
    "extract": "geo.pipeline",
    "extract_frame": "geo.table",
    "summarise": "geo.summary",
    "render_map": "geo.maps",
}

__all__ = [
    "Entry",
    "Gazetteer",
    "Geoparser",
    "Mention",
    "__version__",
    "extract",
    "extract_frame",
    "render_map",
    "summarise",
]

if TYPE_CHECKING:
    from geo.gazetteer import Gazetteer
    from geo.maps import render_map
    from geo.model import Entry, Mention
    from geo.pipeline import Geoparser, extract
    from geo.summary import summarise
    from geo.table import extract_frame


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'geo' has no attribute {name!r}")
