"""What a caller can ask of a map: a title, a first view, and whether online tiles are allowed."""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from geo.errors import UsageError

Bbox = tuple[float, float, float, float]
#: A CSS length for a fragment's width or height.
CSS_LENGTH = re.compile(r"^\d+(\.\d+)?(px|em|rem|vh|vw|cm|mm|in|pt|%)$")
OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
#: Another tile server with the same URL scheme (a mirror, a cache, or the tests' local server).
TILE_URL_VARIABLE = "GEO_TILE_URL"


def tile_url() -> str:
    """The URL template of the online tiles: ``$GEO_TILE_URL``, else OpenStreetMap's."""
    return os.environ.get(TILE_URL_VARIABLE) or OSM_URL


def tile_prefix() -> str:
    """What a picture taken with online tiles may fetch: the tile server, nothing else."""
    parts = urlsplit(tile_url())
    return f"{parts.scheme}://{parts.netloc}/"


@dataclass(frozen=True, slots=True)
class MapOptions:
    """Options of :func:`geo.maps.render_map`.

    ``focus`` (a gazetteer id) and ``bbox`` (west, south, east, north: the GeoJSON order) choose the
    first view instead of fitting every place. The base layer shown first is the offline country outlines;
    ``online_tiles`` shows OpenStreetMap tiles first instead. ``osm_layer`` offers OpenStreetMap in
    the layer control as an alternative base layer: the only thing that can make the file reach the
    network, and only once a reader picks it (offline, the map falls back to the outlines). Set it to
    False for a map that can never make a request. ``documents`` is how many documents were read,
    for the title ("12 articles" even when only 9 named a place); left out, the title counts the
    documents that have places on the map. ``by`` adds circles counting the mentions per
    administrative unit of that level (:mod:`geo.maps.units`).
    """

    title: str = ""
    focus: str | None = None
    bbox: Bbox | None = None
    online_tiles: bool = False
    osm_layer: bool = True
    documents: int | None = None
    #: ``admin1``, ``admin2`` or ``admin3``: also draw the mentions counted per unit of that level.
    by: str | None = None

    def __post_init__(self) -> None:
        if self.focus and self.bbox:
            raise UsageError("give either a focus place or a bbox, not both")
        if self.bbox is not None:
            check_bbox(self.bbox)
        if self.by is not None:
            from geo.maps.units import check_level

            check_level(self.by)


#: An example box, shown in the hints: Aleppo city.
BBOX_EXAMPLE = "37.05,36.15,37.25,36.27"


def parse_bbox(text: str) -> Bbox:
    """``"W,S,E,N"`` in decimal degrees, the GeoJSON order, e.g. ``"37.05,36.15,37.25,36.27"`` for
    Aleppo; returned as ``(west, south, east, north)``."""
    parts = [part.strip() for part in str(text).split(",")]
    if len(parts) != 4:
        raise UsageError(f"--bbox {text!r}: expected four numbers W,S,E,N (west,south,east,north), "
                         f"e.g. {BBOX_EXAMPLE} for Aleppo")
    try:
        west, south, east, north = (float(part) for part in parts)
    except ValueError:
        raise UsageError(f"--bbox {text!r}: W,S,E,N must be decimal degrees, e.g. {BBOX_EXAMPLE}") from None
    return check_bbox((west, south, east, north), text)


def check_bbox(bbox: Bbox, text: str | None = None) -> Bbox:
    """Refuse a box that is not one, with a hint at the likely mistake (the order, a sign)."""
    west, south, east, north = bbox
    shown = text if text is not None else ",".join(str(v) for v in bbox)
    where = f"--bbox {shown!r}"
    if not all(math.isfinite(v) for v in bbox):
        raise UsageError(f"{where}: values must be finite numbers")
    if not (-90 <= south <= 90 and -90 <= north <= 90):
        hint = " (latitudes come second and fourth: W,S,E,N)" if abs(west) <= 90 and abs(east) <= 90 else ""
        raise UsageError(f"{where}: latitudes must be within -90..90{hint}")
    if not (-180 <= west <= 180 and -180 <= east <= 180):
        raise UsageError(f"{where}: longitudes must be within -180..180")
    if south >= north:
        raise UsageError(f"{where}: south {south:g} is not below north {north:g}; the order is W,S,E,N "
                         f"(west,south,east,north), e.g. {BBOX_EXAMPLE}")
    if west >= east:
        raise UsageError(f"{where}: west {west:g} is not left of east {east:g}; the order is W,S,E,N, and a box "
                         "across the 180th meridian is not supported")
    return (west, south, east, north)


def parse_size(text: str) -> tuple[int, int]:
    """``"WxH"`` in CSS pixels, e.g. ``"1280x800"``."""
    parts = str(text).lower().replace("×", "x").split("x")
    try:
        width, height = (int(part) for part in parts)
    except ValueError:
        raise UsageError(f"--size {text!r}: give WIDTHxHEIGHT in pixels, e.g. 1280x800") from None
    if not (200 <= width <= 8000 and 150 <= height <= 8000):
        raise UsageError(f"--size {text!r}: width 200-8000 and height 150-8000 pixels")
    return width, height


def check_scale(scale: float) -> float:
    if not (math.isfinite(scale) and 0.5 <= scale <= 4):
        raise UsageError(f"--scale {scale:g}: give a device pixel ratio from 0.5 to 4 (2 for print)")
    return scale
