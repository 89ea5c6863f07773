"""The reference layer: names of gazetteer places that no article named, drawn faint around the
places that were named, so that a reader knows where a marker is relative to the rest of the city.

Only what the view needs is bundled: the quarters of each city (or town) that has marks, the towns
and villages of each province that has marks, the national capitals for the world view, and the
names of the countries around the marks (the gazetteer's countries sit at Natural Earth's label
points). Each row says between which zooms it is worth a label; the browser places the labels that
fit, bigger places first, after the labels of the places on the map.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from geo.model import FEATURES, Entry
from geo.places import Places
from geo.summary import PlaceSummary

#: From which zoom a reference name is shown, by feature.
MIN_ZOOM = {"country": 3, "admin1": 6, "city": 7, "town": 9, "district": 11, "village": 11,
            "neighbourhood": 12, "landmark": 14, "region": 9}
#: Capitals show from this zoom (the world view of a map of venues and battlefields).
CAPITAL_ZOOM = 3
#: Features of the places under a city that name its parts, and under a province its settlements.
CITY_PARTS = ("district", "neighbourhood", "landmark")
SETTLEMENTS = ("city", "town", "village")
#: At most this many settlements per province, biggest first (a world-layer province can hold hundreds).
MAX_PER_PROVINCE = 150
#: Country names show up to this zoom (closer in, the country is all there is on screen).
COUNTRY_MAX_ZOOM = 7
#: Countries whose label point is this many degrees around the marks are named ...
COUNTRY_MARGIN = 12.0
#: ... when they have this many people (Natural Earth's estimate): the Channel Islands or the
#: Vatican would crowd a world view, and an entry without a population is a former state.
COUNTRY_MIN_POPULATION = 1_000_000
MAX_ZOOM = 18
#: Reference row (rank: lower is drawn first; kind: 0 a place, 1 a country name).
REFERENCE_FIELDS = ("name_ar", "name_en", "lat", "lon", "min_zoom", "max_zoom", "rank", "kind")


def feature_rank(feature: str) -> int:
    """Bigger features first: a country before a city before a quarter."""
    return FEATURES.index(feature) if feature in FEATURES else len(FEATURES)


def reference_rows(places: Sequence[PlaceSummary], gazetteer: Places | None,
                   container_of: dict[str, str] | None = None) -> list[list]:
    """The reference names around ``places`` (see the module docstring), named places left out."""
    if gazetteer is None or not places:
        return []
    named = {place.place_id for place in places}
    cities: dict[str, Entry] = {}
    provinces: dict[str, Entry] = {}
    for place in places:
        entry = gazetteer.get(place.place_id) or gazetteer.get((container_of or {}).get(place.place_id, ""))
        if entry is None:
            continue
        for candidate in [entry, *gazetteer.ancestors(entry.id)]:
            if candidate.feature in ("city", "town") and not cities.get(candidate.id):
                cities.setdefault(candidate.id, candidate)
            if candidate.feature == "admin1":
                provinces.setdefault(candidate.id, candidate)
                break
    chosen: dict[str, tuple[Entry, int]] = {}

    def keep(entries: Iterable[Entry], zoom_of=lambda e: MIN_ZOOM.get(e.feature, 12)) -> None:
        for entry in entries:
            if entry.id not in named and entry.id not in chosen:
                chosen[entry.id] = (entry, zoom_of(entry))

    for city in sorted(cities.values(), key=lambda e: e.id):
        keep(c for c in gazetteer.children(city.id) if c.feature in CITY_PARTS)
        keep([city])
    for province in sorted(provinces.values(), key=lambda e: e.id):
        settlements = [e for e in _descendants(gazetteer, province.id) if e.feature in SETTLEMENTS]
        settlements.sort(key=lambda e: (feature_rank(e.feature), -(e.population or 0), e.id))
        keep(settlements[:MAX_PER_PROVINCE])
        keep([province])
    keep((e for e in gazetteer if e.capital and e.feature == "city"), lambda e: CAPITAL_ZOOM)
    south = min(p.lat for p in places) - COUNTRY_MARGIN
    north = max(p.lat for p in places) + COUNTRY_MARGIN
    west = min(p.lon for p in places) - COUNTRY_MARGIN
    east = max(p.lon for p in places) + COUNTRY_MARGIN
    # A country named in an article keeps its name here too: its marker may sit in a layer that is
    # off (other mentions), and the browser writes one label per name.
    named.difference_update(e.id for e in gazetteer if e.feature == "country")
    keep((e for e in gazetteer if e.feature == "country" and (e.population or 0) >= COUNTRY_MIN_POPULATION
          and south <= e.lat <= north and west <= e.lon <= east), lambda e: MIN_ZOOM["country"])
    rows = []
    for entry, zoom in sorted(chosen.values(), key=lambda item: (feature_rank(item[0].feature),
                                                                 -(item[0].population or 0), item[0].id)):
        country = entry.feature == "country"
        rank = feature_rank(entry.feature) * 10 - (2 if entry.capital else 0)
        rows.append([entry.name_ar, entry.name_en, round(entry.lat, 5), round(entry.lon, 5), zoom,
                     COUNTRY_MAX_ZOOM if country else MAX_ZOOM, rank, 1 if country else 0])
    return rows


def _descendants(gazetteer: Places, place_id: str) -> list[Entry]:
    found: list[Entry] = []
    stack = [place_id]
    seen = {place_id}
    while stack:
        for child in gazetteer.children(stack.pop()):
            if child.id not in seen:
                seen.add(child.id)
                found.append(child)
                stack.append(child.id)
    return found
