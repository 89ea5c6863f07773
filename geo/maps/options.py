"""What a caller can ask of a map: a title, a first view, and whether online tiles are allowed."""

from __future__ import annotations

import math
from dataclasses import dataclass

from geo.errors import UsageError

Bbox = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class MapOptions:
    """Options of :func:`geo.maps.render_map`.

    ``focus`` (a gazetteer id) and ``bbox`` (south, west, north, east) choose the first view instead of
    fitting every place. The base layer shown first is the offline country outlines;
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


def parse_bbox(text: str) -> Bbox:
    """``"S,W,N,E"`` in decimal degrees, e.g. ``"36.1,37.0,36.3,37.3"`` for Aleppo."""
    parts = [part.strip() for part in str(text).split(",")]
    if len(parts) != 4:
        raise UsageError(f"--bbox {text!r}: expected four numbers S,W,N,E (e.g. 36.1,37.0,36.3,37.3)")
    try:
        south, west, north, east = (float(part) for part in parts)
    except ValueError:
        raise UsageError(f"--bbox {text!r}: S,W,N,E must be decimal degrees") from None
    return check_bbox((south, west, north, east), text)


def check_bbox(bbox: Bbox, text: str | None = None) -> Bbox:
    south, west, north, east = bbox
    shown = text if text is not None else ",".join(str(v) for v in bbox)
    if not all(math.isfinite(v) for v in bbox):
        raise UsageError(f"--bbox {shown!r}: values must be finite numbers")
    if not (-90 <= south < north <= 90):
        raise UsageError(f"--bbox {shown!r}: need -90 <= S < N <= 90 (south first)")
    if not (-180 <= west < east <= 180):
        raise UsageError(f"--bbox {shown!r}: need -180 <= W < E <= 180 (west first; not across 180°)")
    return (south, west, north, east)
