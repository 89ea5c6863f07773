"""The resolver's distance is geopy's great circle, to the last bit, without importing geopy."""

import random

from geopy.distance import great_circle

from geo.geodesy import great_circle_km


def test_great_circle_km_is_geopys_great_circle_to_the_last_bit():
    generator = random.Random(17)
    pairs = [((36.2021, 37.1343), (36.1969, 37.1612)), ((0.0, 0.0), (0.0, 180.0)), ((90.0, 10.0), (-90.0, 10.0)),
             ((33.5138, 36.2765), (33.5138, 36.2765)), ((-0.0, -0.0), (0.0, 0.0))]
    for _ in range(20_000):
        lat = generator.uniform(-90, 90)
        lon = generator.uniform(-180, 180)
        # Mostly near each other, as a place and its container are; some anywhere.
        spread = generator.choice([0.01, 0.5, 5.0, 180.0])
        other = (max(-90.0, min(90.0, lat + generator.uniform(-spread, spread))),
                 max(-180.0, min(180.0, lon + generator.uniform(-spread, spread))))
        pairs.append(((lat, lon), other))
    for a, b in pairs:
        assert great_circle_km(a, b) == great_circle(a, b).km, (a, b)


def test_aleppo_to_damascus_is_about_three_hundred_kilometres():
    assert 290 < great_circle_km((36.2021, 37.1343), (33.5138, 36.2765)) < 320
