"""How good a gazetteer point is: how it was obtained and how far the place may lie from it.

Every entry says how its point was obtained (``coord_method``) and how far, in km, the place it names
may lie from that point (``uncertainty_km``): the point's own error plus the place's extent, since a
mention of a city may mean anywhere in it. The output carries the figure, and the precision and the
number of decimals reported follow it, so that a neighbourhood placed from general knowledge is not
reported with the four decimals of a surveyed point.

The defaults below are what a row gets when it does not say (``gazetteer/tools/add_columns.py`` writes
them into the files; the loader applies them to a user's file that has no such columns).
"""

from __future__ import annotations

import math
import re

#: ``measured``: surveyed or read off imagery by the curator; ``reference``: copied from a named
#: reference (GeoNames, Natural Earth, an encyclopaedia article, OCHA/OpenSyria), which the row's
#: ``source`` names; ``approximate``: placed by hand from descriptions or general knowledge.
METHODS = ("measured", "reference", "approximate")

#: Typical radius (km) of the place itself, by feature: a mention of it may mean any part of it.
EXTENT_KM = {
    "continent": 2500.0,
    "country": 250.0,
    "admin1": 60.0,
    "admin2": 25.0,
    "admin3": 10.0,
    "region": 40.0,
    "city": 6.0,
    "town": 2.0,
    "district": 1.5,
    "neighbourhood": 0.5,
    "village": 1.0,
    "landmark": 0.5,
}
#: How far (km) a point of each method may be off, beyond the extent. An approximate point's error
#: grows with the size of what was placed (a region's "rough centre" is rougher than a quarter's).
#: Neighbourhoods: checked against independent references, hand-placed quarter points were a median
#: 0.6 km and at worst 2 km off.
APPROXIMATE_ERROR_KM = {
    "continent": 500.0,
    "country": 100.0,
    "admin1": 25.0,
    "admin2": 10.0,
    "admin3": 5.0,
    "region": 20.0,
    "city": 3.0,
    "town": 3.0,
    "district": 1.5,
    "neighbourhood": 1.0,
    "village": 3.0,
    "landmark": 1.0,
}
#: A region with no country (الشرق الأوسط، الخليج) is the size of a sub-continent.
WORLD_REGION_EXTENT_KM = 1500.0
REFERENCE_ERROR_KM = 0.5
MEASURED_ERROR_KM = 0.05
#: Length of a degree of latitude.
KM_PER_DEGREE = 111.2

#: Phrases of a ``source`` saying the point was placed by hand.
_APPROXIMATE = re.compile(
    r"\bapprox|\bestimated\b|representative point|general knowledge|not measured|no coordinate reference"
    r"|rough centre|placed (?:from|between|in|just|by)",
    re.IGNORECASE,
)
_MEASURED = re.compile(r"(?<!not )\bmeasured\b", re.IGNORECASE)
#: A named reference for the coordinates.
_REFERENCE = re.compile(
    r"GeoNames|Natural Earth|Wikipedia|encyclop|OpenSyria|OCHA|geoBoundaries|article coordinates",
    re.IGNORECASE,
)
#: "+-1 km", "±2 km", "+/- 0.5 km": an error the curator stated.
_STATED_ERROR = re.compile(r"(?:\+-|±|\+/-)\s*(\d+(?:\.\d+)?)\s*km", re.IGNORECASE)


def _coordinate_parts(source: str) -> list[str]:
    """The parts of a ``source`` about the point (not the population figure's provenance)."""
    return [part for part in source.split(";") if not part.strip().lower().startswith("population")]


def method_from_source(source: str) -> str:
    """The coordinate method a ``source`` text describes; ``approximate`` when it names no reference."""
    parts = _coordinate_parts(source)
    if any(_APPROXIMATE.search(part) for part in parts):
        return "approximate"
    if any(_MEASURED.search(part) for part in parts):
        return "measured"
    if any(_REFERENCE.search(part) for part in parts):
        return "reference"
    return "approximate"


def stated_error_km(source: str) -> float | None:
    """An error the ``source`` states ("+-1 km"), else ``None``."""
    for part in _coordinate_parts(source):
        found = _STATED_ERROR.search(part)
        if found:
            return float(found.group(1))
    return None


def default_uncertainty_km(feature: str, method: str, source: str = "", country: str = "x") -> float:
    """The place's extent plus the point's likely error, for a row that states no ``uncertainty_km``."""
    extent = EXTENT_KM.get(feature, 1.0)
    if feature == "region" and not country:
        extent = WORLD_REGION_EXTENT_KM
    error = stated_error_km(source)
    if error is None:
        if method == "measured":
            error = MEASURED_ERROR_KM
        elif method == "reference":
            error = REFERENCE_ERROR_KM
        else:
            error = APPROXIMATE_ERROR_KM.get(feature, 2.0)
    return round_uncertainty(extent + error)


def point_quality(
    feature: str, source: str, method: str = "", uncertainty_km: float | None = None, country: str = "x"
) -> tuple[str, float]:
    """(method, uncertainty_km) of an entry: what it states, else what its ``source`` implies."""
    method = method or method_from_source(source)
    if uncertainty_km is None:
        uncertainty_km = default_uncertainty_km(feature, method, source, country)
    return method, uncertainty_km


def radius_from_area_km(area_km2: float) -> float:
    """The radius of a disc of that area: how far a unit's centroid is from its typical edge."""
    return round_uncertainty(math.sqrt(max(area_km2, 0.0) / math.pi))


def round_uncertainty(value: float) -> float:
    """Two significant figures at most: an error estimate is no more exact than that."""
    if value <= 0:
        return 0.0
    digits = max(0, 1 - math.floor(math.log10(value)))
    rounded = round(value, digits)
    return float(int(rounded)) if rounded >= 10 else rounded


def decimals_for(uncertainty_km: float | None) -> int:
    """How many decimals of a degree say no more than the point is worth: the smallest step shown
    (0.01° is about 1.1 km) is no finer than a tenth of the uncertainty, and no coarser than it."""
    if uncertainty_km is None or uncertainty_km <= 0:
        return 5
    return min(5, max(1, math.ceil(math.log10(KM_PER_DEGREE / uncertainty_km))))


def reported(mention_record: dict) -> dict:
    """An output record with ``lat``/``lon`` rounded to what its ``uncertainty_km`` is worth (a quarter
    placed to within 1.5 km is reported to 0.01°, not 0.0001°). Maps keep the full value: rounding
    there would stack neighbouring quarters on one grid point."""
    lat = mention_record["lat"]
    if lat is not None:
        uncertainty = mention_record["uncertainty_km"]
        digits = _DIGITS.get(uncertainty)
        if digits is None:
            digits = _DIGITS[uncertainty] = decimals_for(uncertainty)
        mention_record["lat"] = round(lat, digits)
        mention_record["lon"] = round(mention_record["lon"], digits)
    return mention_record


#: uncertainty_km -> decimals: a few dozen distinct values, looked up once per output row.
_DIGITS: dict = {}
