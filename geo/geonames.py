"""Import GeoNames dumps a user holds (``allCountries.txt``, a country file such as ``SY.txt``, and
optionally ``alternateNamesV2.txt``) into a gazetteer CSV file.

Both files are streamed line by line. Memory grows with the number of Arabic names kept, never with
the size of the dump: the alternate-names pass keeps only names in the wanted language, and the main
pass keeps only places of the wanted country that have such a name.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from geo.arabic import is_arabic_language_name, name_key
from geo.coordinates import default_uncertainty_km
from geo.errors import GeoError, InputError
from geo.gazetteer import Gazetteer, read_file, render_file, write_atomically
from geo.model import Entry

#: GeoNames main table: the columns used here, by position.
GEONAMEID, NAME, ALTERNATES, LAT, LON, FEATURE_CLASS, FEATURE_CODE, COUNTRY, POPULATION = 0, 1, 3, 4, 5, 6, 7, 8, 14
MAIN_COLUMNS = 19


@dataclass
class ImportReport:
    read: int = 0
    imported: int = 0
    skipped_without_name: int = 0


def _lines(path: str | os.PathLike) -> Iterator[tuple[int, str]]:
    try:
        with open(path, encoding="utf-8", newline="") as stream:
            yield from enumerate(stream, start=1)
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except UnicodeDecodeError as error:
        raise InputError(str(path), f"not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise InputError(str(path), f"cannot read: {error.strerror or error}") from None


def read_alternate_names(path: str | os.PathLike, lang: str = "ar") -> dict[str, list[str]]:
    """geonameid -> names in ``lang`` from an alternateNamesV2 file (preferred names first)."""
    names: dict[str, list[str]] = defaultdict(list)
    for number, line in _lines(path):
        fields = line.rstrip("\r\n").split("\t")
        if len(fields) < 4:
            raise InputError(str(path), f"line {number}: expected at least 4 tab-separated fields")
        if fields[2] != lang:
            continue
        historic = len(fields) > 7 and fields[7] == "1"
        if historic:
            continue
        preferred = len(fields) > 4 and fields[4] == "1"
        if preferred:
            names[fields[1]].insert(0, fields[3].strip())
        else:
            names[fields[1]].append(fields[3].strip())
    return names


def _feature(feature_class: str, code: str, population: int) -> str | None:
    if feature_class == "P":
        return "city" if population >= 100_000 else "town" if population >= 10_000 else "village"
    if feature_class == "A":
        return {"ADM1": "admin1", "ADM2": "region"}.get(code)
    if feature_class in ("S", "T"):
        return "landmark"
    if feature_class == "L":
        return "region"
    return None


def import_geonames(
    main: str | os.PathLike,
    out: str | os.PathLike,
    gazetteer: Gazetteer,
    alternate_names: str | os.PathLike | None = None,
    country: str | None = None,
    lang: str = "ar",
) -> ImportReport:
    """Write the places of ``main`` that have a name in ``lang`` to the gazetteer file ``out``
    (merged with what it already holds, sorted, atomically)."""
    extra = read_alternate_names(alternate_names, lang) if alternate_names else {}
    wanted_country = country.upper() if country else None
    report = ImportReport()
    entries: dict[str, Entry] = {}
    for number, line in _lines(main):
        fields = line.rstrip("\r\n").split("\t")
        if len(fields) != MAIN_COLUMNS:
            raise InputError(
                str(main), f"line {number}: expected {MAIN_COLUMNS} tab-separated fields, found {len(fields)}"
            )
        report.read += 1
        code = fields[COUNTRY]
        if wanted_country and code != wanted_country:
            continue
        try:
            population = int(fields[POPULATION] or 0)
            lat, lon = float(fields[LAT]), float(fields[LON])
        except ValueError:
            raise InputError(str(main), f"line {number}: bad number in latitude, longitude or population") from None
        feature = _feature(fields[FEATURE_CLASS], fields[FEATURE_CODE], population)
        if feature is None:
            continue
        names = list(extra.get(fields[GEONAMEID], ()))
        if lang == "ar":
            names += [n for n in fields[ALTERNATES].split(",") if n and is_arabic_language_name(n)]
        unique: list[str] = []
        for name in names:
            if is_arabic_language_name(name) and name_key(name) not in {name_key(u) for u in unique}:
                unique.append(name)
        if not unique:
            report.skipped_without_name += 1
            continue
        parent = code.lower() if code.lower() in gazetteer else ""
        entry_id = f"gn-{fields[GEONAMEID]}"
        entries[entry_id] = Entry(
            id=entry_id,
            name_ar=unique[0],
            name_en=fields[NAME],
            feature=feature,
            lat=round(lat, 5),
            lon=round(lon, 5),
            parent=parent,
            country=code,
            variants_ar=tuple(unique[1:]),
            population=population or None,
            source=f"GeoNames {fields[GEONAMEID]} (imported from {Path(main).name})",
            coord_method="reference",
            uncertainty_km=default_uncertainty_km(feature, "reference"),
        )
    target = Path(out)
    if target.exists():
        current, problems = read_file(target)
        if problems:
            raise GeoError(f"{problems[0]}: fix the file before importing into it")
        for entry in current:
            entries.setdefault(entry.id, entry)
    write_atomically(target, render_file(entries.values()))
    report.imported = len(entries)
    return report
