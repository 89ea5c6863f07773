"""The gazetteer's rules, shared by ``geo gazetteer validate`` (all files) and ``add`` (one entry).

Field rules (numbers in range, a known feature, an Arabic ``name_ar`` ...) look at one entry; the
others (unknown parent, parent cycle, child far from its parent, duplicate name under one parent, one
id twice, rows out of order) look at the whole gazetteer.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from geo.arabic import is_arabic_name, name_key
from geo.coordinates import METHODS
from geo.errors import EntryRefused
from geo.gazetteer import Gazetteer, Problem, read_file
from geo.model import FEATURES, Entry

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")
#: An OCHA P-code: the country's ISO alpha-2 code, then digits (SY02, SY0200, SY020000).
PCODE_PATTERN = re.compile(r"^[A-Z]{2}[0-9]{2,}$")
#: How far (km) an entry may lie from its parent, by the parent's feature. Generous on purpose: they
#: catch swapped lat/lon and wrong signs, not a town placed at the edge of its governorate.
PARENT_RADIUS_KM = {
    "continent": 8000,
    "country": 4000,
    "admin1": 300,
    "admin2": 150,
    "admin3": 60,
    "region": 300,
    "city": 40,
    "town": 15,
    "village": 15,
    "district": 15,
    "neighbourhood": 5,
    "landmark": 15,
}
#: Entries that may stand without a country code.
WORLD_FEATURES = frozenset({"continent", "region"})


def field_problems(entry: Entry) -> list[tuple[str, str]]:
    """(field, message) for each rule of a single entry that ``entry`` breaks."""
    problems = []
    if not ID_PATTERN.match(entry.id):
        problems.append(("id", f"id {entry.id!r} must be a slug of a-z, 0-9 and single hyphens"))
    if not entry.name_ar:
        problems.append(("name_ar", "name_ar is empty"))
    elif not is_arabic_name(entry.name_ar):
        problems.append(("name_ar", f"name_ar {entry.name_ar!r} must be Arabic letters only"))
    for variant in entry.variants_ar:
        if not is_arabic_name(variant):
            problems.append(("variants_ar", f"variant {variant!r} is not Arabic"))
    if not entry.name_en:
        problems.append(("name_en", "name_en is empty"))
    if entry.feature not in FEATURES:
        problems.append(("feature", f"feature {entry.feature!r} is not one of {', '.join(FEATURES)}"))
    if entry.country and not COUNTRY_PATTERN.match(entry.country):
        problems.append(("country", f"country {entry.country!r} must be an upper-case ISO 3166-1 alpha-2 code"))
    if not entry.country and entry.feature not in WORLD_FEATURES:
        problems.append(("country", "country is empty"))
    if not (math.isfinite(entry.lat) and -90 <= entry.lat <= 90):
        problems.append(("lat", f"latitude {entry.lat} is out of range (-90 to 90)"))
    if not (math.isfinite(entry.lon) and -180 <= entry.lon <= 180):
        problems.append(("lon", f"longitude {entry.lon} is out of range (-180 to 180)"))
    if entry.parent == entry.id:
        problems.append(("parent", "an entry cannot be its own parent"))
    if not entry.source:
        problems.append(("source", "source is empty: say where the coordinates come from"))
    if entry.coord_method and entry.coord_method not in METHODS:
        problems.append(("coord_method", f"coord_method {entry.coord_method!r} is not one of {', '.join(METHODS)}"))
    if entry.uncertainty_km is not None and not (math.isfinite(entry.uncertainty_km) and entry.uncertainty_km >= 0):
        problems.append(("uncertainty_km", f"uncertainty_km {entry.uncertainty_km} must be a non-negative number"))
    for column in ("pcode", "admin_pcode"):
        code = getattr(entry, column)
        if code and not PCODE_PATTERN.match(code):
            problems.append((column, f"{column} {code!r} is not a P-code (country code and digits, e.g. SY0200)"))
        elif code and entry.country and not code.startswith(entry.country):
            problems.append((column, f"{column} {code!r} does not start with the country code {entry.country}"))
    return problems


def parent_problems(entry: Entry, gazetteer: Gazetteer) -> list[tuple[str, str]]:
    """Unknown parent, or an entry too far from its parent."""
    if not entry.parent:
        return []
    parent = gazetteer.get(entry.parent)
    if parent is None:
        return [("parent", f"unknown parent {entry.parent!r}")]
    from geopy.distance import geodesic

    if not all(math.isfinite(v) and abs(v) <= 180 for v in (entry.lat, entry.lon, parent.lat, parent.lon)):
        return []  # out of range: the field rules say so
    if abs(entry.lat) > 90 or abs(parent.lat) > 90:
        return []
    problems = []
    if entry.feature == "neighbourhood" and parent.feature in UNIT_FEATURES:
        problems.append(("parent", f"a neighbourhood belongs under its city or town, not directly under the "
                         f"{parent.feature} {parent.id}{_nearest_settlement_hint(entry, parent, gazetteer)}"))
    limit = PARENT_RADIUS_KM.get(parent.feature, 300)
    distance = geodesic((entry.lat, entry.lon), (parent.lat, parent.lon)).km
    if distance > limit:
        message = f"{distance:.0f} km from its parent {parent.id} (limit {limit} km for a {parent.feature})"
        if abs(entry.lon) <= 90:
            swapped = geodesic((entry.lon, entry.lat), (parent.lat, parent.lon)).km
            if swapped <= limit:
                message += (f"; with lat and lon swapped ({entry.lon:g}, {entry.lat:g}) it would be {swapped:.0f} km "
                            "away: were they typed the wrong way round?")
        problems.append(("lat", message))
    return problems


#: Administrative units and countries: a neighbourhood is never directly under one of them.
UNIT_FEATURES = frozenset({"country", "admin1", "admin2", "admin3"})
#: A neighbourhood's parent: one of these.
SETTLEMENT_FEATURES = ("city", "town", "village")


def _nearest_settlement_hint(entry: Entry, unit: Entry, gazetteer: Gazetteer) -> str:
    """"; nearest city or town: sy-aleppo (2 km)" from the settlements under ``unit``."""
    from geopy.distance import great_circle

    settlements = [e for e in gazetteer.children(unit.id) if e.feature in SETTLEMENT_FEATURES]
    if not settlements:
        return ""
    nearest = min(settlements, key=lambda e: great_circle((entry.lat, entry.lon), (e.lat, e.lon)).km)
    km = great_circle((entry.lat, entry.lon), (nearest.lat, nearest.lon)).km
    return f"; the nearest city or town under it is {nearest.id} ({nearest.name_en}, {km:.0f} km): " \
        f"--parent {nearest.id}"


def arabic_keys(entry: Entry) -> set[str]:
    return {name_key(name) for name in (entry.name_ar, *entry.variants_ar)}


def check_new_entry(entry: Entry, gazetteer: Gazetteer) -> None:
    """Raise :class:`EntryRefused` naming the first field of ``entry`` that breaks a rule."""
    for field, message in field_problems(entry) + parent_problems(entry, gazetteer):
        raise EntryRefused(message, field)
    if entry.id in gazetteer:
        raise EntryRefused(f"id {entry.id!r} already exists ({gazetteer[entry.id].origin})", "id")
    keys = arabic_keys(entry)
    for sibling in gazetteer:
        if sibling.parent == entry.parent and keys & arabic_keys(sibling):
            raise EntryRefused(
                f"duplicate: {sibling.id} ({sibling.name_ar}) has the same name under the same parent",
                "name_ar",
            )


def validate_files(paths: Iterable[Path], users: Iterable[Path] = ()) -> list[Problem]:
    """Every rule over every file; the problems located as ``file:line``. An entry of one of the
    ``users`` files may replace a bundled entry of the same id (as :meth:`Gazetteer.load` does); an
    id twice among the other files, or twice among the user's, is a problem."""
    problems: list[Problem] = []
    entries: dict[str, Entry] = {}
    first_seen: dict[str, str] = {}
    user_files = {Path(p).resolve() for p in users}
    replaceable: set[str] = set()
    for path in paths:
        from_user = Path(path).resolve() in user_files
        file_entries, file_problems = read_file(path)
        problems.extend(file_problems)
        previous = ""
        for entry in file_entries:
            file, line = entry.origin.rsplit(":", 1)
            if entry.id < previous:
                problems.append(
                    Problem(file, int(line), f"id {entry.id!r} is out of order (rows must be sorted by id)")
                )
            previous = max(previous, entry.id)
            if entry.id in first_seen and not (from_user and entry.id in replaceable):
                problems.append(
                    Problem(file, int(line), f"duplicate id {entry.id!r} (first at {first_seen[entry.id]})")
                )
                continue
            if from_user:
                replaceable.discard(entry.id)  # a second user row of the same id is a duplicate
            else:
                replaceable.add(entry.id)
            first_seen[entry.id] = entry.origin
            entries[entry.id] = entry
    problems.extend(entry_problems(entries.values()))
    return sorted(problems, key=lambda p: (p.file, p.line, p.message))


def entry_problems(entries: Iterable[Entry]) -> list[Problem]:
    """Every rule of single entries and of the whole set (unknown parent, far from the parent,
    duplicate name under one parent, parent cycle) over ``entries``, located by their origin;
    what :meth:`Gazetteer.validate` and ``geo gazetteer validate`` share."""
    entries = list(entries)
    gazetteer = Gazetteer(entries)
    problems: list[Problem] = []

    def located(entry: Entry, message: str) -> Problem:
        if not entry.origin:
            return Problem(f"(entry {entry.id}, not read from a file)", 0, message)
        file, line = entry.origin.rsplit(":", 1)
        return Problem(file, int(line), message)

    by_parent_key: dict[tuple[str, str], Entry] = {}
    for entry in entries:
        for _, message in field_problems(entry) + parent_problems(entry, gazetteer):
            problems.append(located(entry, message))
        for key in sorted(arabic_keys(entry)):
            other = by_parent_key.setdefault((entry.parent, key), entry)
            if other is not entry:
                problems.append(
                    located(
                        entry,
                        f"duplicate name {key!r} under parent {entry.parent or '(none)'}: "
                        f"also {other.id} at {other.origin or '(not read from a file)'}",
                    )
                )
                break
    problems.extend(located(entry, message) for entry, message in cycles(gazetteer))
    return problems


def cycles(gazetteer: Gazetteer) -> list[tuple[Entry, str]]:
    """Entries whose parent chain loops back on itself."""
    found = []
    for entry in gazetteer:
        seen = [entry.id]
        current = entry
        while current.parent and current.parent in gazetteer:
            if current.parent in seen:
                if current.parent == entry.id:
                    found.append((entry, "parent cycle: " + " -> ".join([*seen, entry.id])))
                break
            seen.append(current.parent)
            current = gazetteer[current.parent]
    return found


def entries_by_file(gazetteer: Gazetteer) -> dict[str, list[Entry]]:
    grouped: dict[str, list[Entry]] = defaultdict(list)
    for entry in gazetteer:
        grouped[entry.origin.rsplit(":", 1)[0]].append(entry)
    return grouped
