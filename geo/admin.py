"""The OCHA administrative chain of a place: governorate, district and sub-district, with P-codes.

Humanitarian data (OCHA/HDX population and needs tables, IDP tracking, ACLED's admin1-admin3 columns)
is joined by P-code, so every Syrian mention carries its chain. It is worked out once per entry, when
the compiled index is built, never per mention:

1. the entry itself, or the nearest entry up its parent chain, that names a unit: its own ``pcode``
   (a governorate, district or sub-district entry) or an ``admin_pcode`` (the sub-district a curated
   town lies in, written by ``gazetteer/tools/import_opensyria.py``); a neighbourhood of Aleppo
   inherits the city's;
2. where that reaches only a governorate and the place is a point (a town filed directly under its
   governorate by a user or a newer row), the sub-district it is the seat of (same name, close by),
   else the nearest sub-district centroid inside that governorate, measured in units of each
   sub-district's radius so that a small central nahiya does not swallow the edge of a large one.

The names reported are OCHA's English names (as ACLED's columns have them); the P-code's prefixes
give the levels above (``SY050304`` lies in ``SY0503`` and ``SY05``). Outside Syria ``admin1`` is the
first ancestor of feature ``admin1`` the gazetteer has, without a P-code.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from geo.arabic import name_key
from geo.model import Entry

ADMIN_FEATURES = ("admin1", "admin2", "admin3")
#: Places small enough to lie in one sub-district (a region may straddle several).
POINT_FEATURES = frozenset({"city", "town", "village", "district", "neighbourhood", "landmark"})
#: Suffixes of a unit's ``name_en`` that are not part of OCHA's name of it.
NAME_SUFFIXES = (" Governorate", " Subdistrict", " District")
#: Prefixes of a unit's Arabic names that say what kind of unit it is (the seat's name follows).
UNIT_WORDS = ("محافظة", "منطقة", "ناحية", "مركز")
#: How far (km, besides the unit's own radius) a seat town may lie from its unit's centroid.
SEAT_SLACK_KM = 10.0


@dataclass(frozen=True, slots=True)
class AdminChain:
    """Names and P-codes of the units a place lies in; empty strings where unknown."""

    admin1: str = ""
    admin1_pcode: str = ""
    admin2: str = ""
    admin2_pcode: str = ""
    admin3: str = ""
    admin3_pcode: str = ""

    def as_tuple(self) -> tuple[str, str, str, str, str, str]:
        return (self.admin1, self.admin1_pcode, self.admin2, self.admin2_pcode, self.admin3, self.admin3_pcode)


EMPTY_CHAIN = AdminChain()


def unit_name(entry: Entry) -> str:
    """OCHA's name of a unit: its English name without "Governorate", "District" ..."""
    for suffix in NAME_SUFFIXES:
        if entry.name_en.endswith(suffix):
            return entry.name_en[: -len(suffix)]
    return entry.name_en


def seat_key(name: str) -> str:
    """The normalised seat name inside a unit's Arabic name (ناحية مركز منبج -> منبج)."""
    words = name_key(name).split()
    while len(words) > 1 and words[0] in _UNIT_KEYS:
        words = words[1:]
    return " ".join(words)


_UNIT_KEYS = frozenset(name_key(word) for word in UNIT_WORDS)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular distance: within 0.1 % of geodesic at a governorate's scale, and cheap enough
    to compare a place with every sub-district of its governorate."""
    mean_lat = math.radians((a[0] + b[0]) / 2)
    dy = (a[0] - b[0]) * 111.2
    dx = (a[1] - b[1]) * 111.2 * math.cos(mean_lat)
    return math.hypot(dx, dy)


class AdminUnits:
    """The gazetteer's administrative units, by P-code, with what finding a place's unit needs."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.by_pcode: dict[str, Entry] = {}
        self.subdistricts: dict[str, list[Entry]] = defaultdict(list)
        #: (governorate P-code, seat name) -> sub-district whose seat bears that name.
        self.seats: dict[tuple[str, str], Entry] = {}
        for entry in entries:
            if entry.pcode and entry.feature in ADMIN_FEATURES:
                self.by_pcode[entry.pcode] = entry
        for code, entry in sorted(self.by_pcode.items()):
            if entry.feature == "admin3":
                self.subdistricts[code[:4]].append(entry)
                self.subdistricts[code[:2]].append(entry)  # the whole country's, for a place with no governorate
        for code, entry in sorted(self.by_pcode.items()):
            if entry.feature not in ("admin2", "admin3"):
                continue
            # A district's seat is the seat of its central sub-district (code ending in 00).
            target = self.by_pcode.get(code + "00") if entry.feature == "admin2" else entry
            if target is None:
                continue
            for name in (entry.name_ar, *entry.variants_ar):
                self.seats.setdefault((code[:4], seat_key(name)), target)
                self.seats.setdefault((code[:2], seat_key(name)), target)

    def chain(self, code: str) -> AdminChain:
        """The chain a P-code names: itself and the units its prefixes name."""
        levels = [self.by_pcode.get(code[:n]) for n in (4, 6, 8) if len(code) >= n]
        names = [(unit_name(unit), unit.pcode) if unit is not None else ("", "") for unit in levels]
        names += [("", "")] * (3 - len(names))
        return AdminChain(*(value for pair in names for value in pair))

    def subdistrict_of(self, entry: Entry, governorate: str) -> tuple[Entry | None, str]:
        """The sub-district of ``governorate`` (a P-code, or a country code for the whole country) that
        ``entry`` lies in, and how it was found (``seat``: it is the seat; ``nearest``: nearest centroid)."""
        for name in (entry.name_ar, *entry.variants_ar):
            unit = self.seats.get((governorate, name_key(name)))
            if unit is not None and distance_km((entry.lat, entry.lon), (unit.lat, unit.lon)) <= (
                (unit.uncertainty_km or 0.0) + SEAT_SLACK_KM
            ):
                return unit, "seat"
        candidates = self.subdistricts.get(governorate, ())
        if not candidates:
            return None, ""
        point = (entry.lat, entry.lon)

        def reach(unit: Entry) -> tuple[float, str]:
            return distance_km(point, (unit.lat, unit.lon)) / max(unit.uncertainty_km or 1.0, 1.0), unit.pcode

        return min(candidates, key=reach), "nearest"


def admin_chains(entries: Iterable[Entry], parents: dict[str, Entry] | None = None) -> dict[str, AdminChain]:
    """Every entry's chain (entries without one left out), from its parent chain and the units."""
    entries = list(entries)
    by_id = parents if parents is not None else {entry.id: entry for entry in entries}
    units = AdminUnits(entries)
    chains: dict[str, AdminChain] = {}
    for entry in entries:
        chain = chain_of(entry, by_id, units)
        if chain != EMPTY_CHAIN:
            chains[entry.id] = chain
    return chains


#: Countries whose sub-districts the gazetteer holds.
_COUNTRIES_WITH_UNITS = frozenset({"SY"})


def chain_of(entry: Entry, by_id: dict[str, Entry], units: AdminUnits) -> AdminChain:
    """One entry's chain (see the module's docstring for the rules)."""
    code, first_admin1 = "", None
    current: Entry | None = entry
    seen: set[str] = set()
    while current is not None and current.id not in seen:
        seen.add(current.id)
        code = current.pcode or current.admin_pcode
        if code:
            break
        if first_admin1 is None and current.feature == "admin1":
            first_admin1 = current
        current = by_id.get(current.parent) if current.parent else None
    if entry.feature in POINT_FEATURES and (len(code) == 4 or (not code and entry.country in _COUNTRIES_WITH_UNITS)):
        # Only a governorate is known (or, for a world-layer town, only the country): the seat or
        # the nearest sub-district of it.
        unit, _how = units.subdistrict_of(entry, code or entry.country)
        if unit is not None:
            code = unit.pcode
    if code:
        return units.chain(code)
    if first_admin1 is not None:
        return AdminChain(unit_name(first_admin1))
    return EMPTY_CHAIN
