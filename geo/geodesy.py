"""Distances for the resolver's rules: the great-circle distance, as geopy computes it.

The resolver compares places with a container's radius (25 km for a city) and a document's centre
(50 km): a sphere is plenty for that. geopy's ``great_circle`` gives the same figure, to the last
bit (``tests/test_geodesy.py`` checks it), but importing geopy pulls in its every online geocoder
and an HTTP stack: a fifth of an extraction worker's memory. Elsewhere (the gazetteer's checks,
``reverse``, the evaluation) geopy's ``geodesic`` stays the measure.
"""

from __future__ import annotations

import math

#: The mean radius of the Earth (km), the one geopy's ``great_circle`` uses.
EARTH_RADIUS_KM = 6371.009


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The distance (km) between two (latitude, longitude) points in degrees, on a sphere: the
    central angle in its arctangent form (well conditioned for near and antipodal points alike)."""
    lat1, lat2 = math.radians(a[0]), math.radians(b[0])
    sin1, cos1 = math.sin(lat1), math.cos(lat1)
    sin2, cos2 = math.sin(lat2), math.cos(lat2)
    apart = math.radians(b[1]) - math.radians(a[1])
    cos_apart, sin_apart = math.cos(apart), math.sin(apart)
    across = (cos2 * sin_apart) ** 2 + (cos1 * sin2 - sin1 * cos2 * cos_apart) ** 2
    along = sin1 * sin2 + cos1 * cos2 * cos_apart
    return EARTH_RADIUS_KM * math.atan2(math.sqrt(across), along)
