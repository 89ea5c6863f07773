"""Import Syria's administrative units (OCHA P-codes) from OpenSyria Data Geography.

    python gazetteer/tools/import_opensyria.py                   # from ../shared/data/opensyria
    python gazetteer/tools/import_opensyria.py --source DIR      # a checkout's data/ folder
    python gazetteer/tools/import_opensyria.py --check           # exit 1 if anything would change

Source: OpenSyria "data-geography" (``governorates.json``, ``districts.json``, ``subdistricts.json``),
CC BY 4.0: "OpenSyria Data Geography (CC BY 4.0), from OCHA/HDX COD, GeoNames, geoBoundaries, Wikidata
and US Census Bureau figures". What it does, each step re-runnable (a second run changes nothing):

1. writes ``gazetteer/syria_admin.csv`` anew: the 62 districts (feature ``admin2``, under their
   governorate) and 272 sub-districts (``admin3``, under their district), each at its area centroid
   with its P-code, area (as ``uncertainty_km``, the radius of a disc of that area), population and
   Wikidata/GeoNames ids in ``source``. A unit is named as the press names a unit, with its kind
   (منطقة منبج، ناحية عقيربات، مركز حلب), never by the bare seat name: that is the town's, and the
   curated town stays the town;
2. gives the 14 curated governorates their P-code, and, where their point was placed by hand, the
   reference centroid, area radius and population;
3. fills ``admin_pcode`` of every Syrian point (town, village, city ...) whose parent chain reaches
   no unit below its governorate: the sub-district it is the seat of (same name, close by), else the
   nearest sub-district centroid of its governorate. A value already there is kept (a curator may
   correct one).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from csvrows import ROOT, rewrite_file

from geo.admin import POINT_FEATURES, AdminUnits
from geo.arabic import name_key
from geo.coordinates import radius_from_area_km
from geo.gazetteer import Gazetteer, read_file, render_file, write_atomically
from geo.model import Entry

DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "opensyria"
TARGET = ROOT / "gazetteer" / "syria_admin.csv"
CREDIT = (
    "OpenSyria Data Geography (CC BY 4.0), from OCHA/HDX COD, GeoNames, geoBoundaries, Wikidata and US Census "
    "Bureau figures"
)
#: The marker a governorate row's source gets once the import has touched it (for idempotence).
GOVERNORATE_NOTE = "OCHA P-code, centroid, area and population: OpenSyria Data Geography (CC BY 4.0)"


def slug(text: str) -> str:
    import re
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def load(source: Path) -> tuple[list[dict], list[dict], list[dict]]:
    def read(name: str) -> list[dict]:
        path = source / name
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise SystemExit(f"{path}: cannot read: {error}") from None

    return read("governorates.json"), read("districts.json"), read("subdistricts.json")


def commit_of(source: Path) -> str:
    path = source / "COMMIT"
    return path.read_text(encoding="utf-8").strip()[:12] if path.exists() else "unknown commit"


def aliases(unit: dict, language: str) -> list[str]:
    return [a["value"].strip() for a in unit.get("aliases", []) if a.get("language") == language and a.get("value")]


def arabic_names(unit: dict, level: str, districts_by_id: dict[str, dict]) -> list[str]:
    """The unit's Arabic names as the press writes a unit: with the word for its kind first.

    A sub-district is ``ناحية X`` (``مركز X`` for the central one, which OpenSyria already calls so);
    a district ``منطقة X``. A bare alias (the seat town's name, or a stray word) is left out: the bare
    name belongs to the town.
    """
    name = unit["name"]["ar"].strip()
    if level == "admin2":
        names = [f"منطقة {name}"] + [a for a in aliases(unit, "ar") if a.startswith("منطقة ")]
    else:
        first = name if name.startswith("مركز ") else f"ناحية {name}"
        names = [first] + [a for a in aliases(unit, "ar") if a.startswith(("ناحية ", "مركز "))]
        if unit["externalIds"]["ochaPcode"].endswith("00"):
            # The central sub-district (P-code ending in 00) also goes by its district's other name
            # (مركز حلب beside مركز جبل سمعان, from the district's alias منطقة حلب).
            district = districts_by_id.get(unit.get("districtId", ""), {})
            for alias in aliases(district, "ar"):
                if alias.startswith("منطقة "):
                    names.append("مركز " + alias.removeprefix("منطقة "))
    unique: list[str] = []
    for candidate in names:
        if candidate and name_key(candidate) not in {name_key(u) for u in unique}:
            unique.append(candidate)
    return unique


def ocha_name(unit: dict, level: str) -> str:
    """The unit's English name as OCHA's COD spells it (what ACLED's admin columns hold).

    OpenSyria's sub-district names are OCHA's; its district names are Wikidata's (Mount Simeon), with
    OCHA's spelling as the first Latin alternate spelling (Jebel Saman, Menbij, A'zaz)."""
    if level == "admin2":
        for alias in unit.get("aliases", []):
            value = (alias.get("value") or "").strip()
            if alias.get("language") == "en" and alias.get("type") == "alternate_spelling" and value.isascii():
                return value
    return unit["name"]["en"].strip()


def english_names(unit: dict, level: str) -> list[str]:
    kind = "District" if level == "admin2" else "Subdistrict"
    own = unit["name"]["en"].strip()
    names = [f"{ocha_name(unit, level)} {kind}", f"{own} {kind}"]
    names += [a for a in aliases(unit, "en") if a.endswith((" District", " Subdistrict"))]
    unique: list[str] = []
    for candidate in names:
        if candidate.casefold() not in {u.casefold() for u in unique}:
            unique.append(candidate)
    return unique


def source_text(unit: dict, commit: str) -> str:
    ids = unit.get("externalIds", {})
    parts = [f"{CREDIT}, commit {commit}: OCHA P-code {ids.get('ochaPcode')}"]
    refs = [f"{key} {ids[key]}" for key in ("wikidata", "geonames") if ids.get(key)]
    if refs:
        parts.append(", ".join(refs))
    area = (unit.get("area") or {}).get("value")
    if area:
        parts.append(f"area centroid; area {area:g} km2 (geoBoundaries), uncertainty the radius of a disc of it")
    population = unit.get("population") or {}
    if population.get("value"):
        year = population.get("year", "year not stated")
        parts.append(f"population {population['value']} in {year} (US Census Bureau)")
    return "; ".join(parts)


def unit_entries(
    governorates: list[dict], districts: list[dict], subdistricts: list[dict], curated: Gazetteer, commit: str
) -> tuple[list[Entry], dict[str, str], dict[str, str]]:
    """The district and sub-district entries, OpenSyria governorate id -> curated entry id, and
    curated entry id -> P-code of the unit it shares a name with."""
    gov_entry: dict[str, str] = {}
    curated_governorates = {name_key(e.name_ar): e for e in curated if e.feature == "admin1" and e.country == "SY"}
    for gov in governorates:
        formal = [a for a in aliases(gov, "ar") if a.startswith("محافظة ")] + [f"محافظة {gov['name']['ar']}"]
        match = next((curated_governorates[name_key(f)] for f in formal if name_key(f) in curated_governorates), None)
        if match is None:
            raise SystemExit(f"governorate {gov['id']} ({gov['name']['ar']}) has no curated entry to attach to")
        gov_entry[gov["id"]] = match.id
    districts_by_id = {d["id"]: d for d in districts}
    ids: dict[str, str] = {}
    entries: list[Entry] = []
    same_as: dict[str, str] = {}

    def unique_id(prefix: str, unit: dict, parent_unit: dict | None) -> str:
        base = f"sy-{prefix}-{slug(unit['name']['en'])}"
        if base in taken and parent_unit is not None:
            base = f"sy-{prefix}-{slug(parent_unit['name']['en'])}-{slug(unit['name']['en'])}"
        return base

    # Ids that would collide get their parent's name too (two sub-districts are called Suran).
    taken: set[str] = set()
    for level, units in (("adm2", districts), ("adm3", subdistricts)):
        counts: dict[str, int] = {}
        for unit in units:
            key = f"sy-{level}-{slug(unit['name']['en'])}"
            counts[key] = counts.get(key, 0) + 1
        taken |= {key for key, count in counts.items() if count > 1}

    for level, units in (("admin2", districts), ("admin3", subdistricts)):
        for unit in sorted(units, key=lambda u: u["externalIds"]["ochaPcode"]):
            if level == "admin2":
                parent, parent_unit = gov_entry[unit["governorateId"]], None
                entry_id = unique_id("adm2", unit, {"name": {"en": unit["governorateId"].removeprefix("sy-")}})
            else:
                parent_unit = districts_by_id[unit["districtId"]]
                parent = ids[parent_unit["id"]]
                entry_id = unique_id("adm3", unit, parent_unit)
            ids[unit["id"]] = entry_id
            names_ar = arabic_names(unit, level, districts_by_id)
            # A curated entry under the same parent that already bears a name of the unit (the region
            # sy-jabal-saman is also منطقة جبل سمعان) keeps it, and is marked as lying in the unit.
            for sibling in curated.children(parent):
                keys = {name_key(n) for n in (sibling.name_ar, *sibling.variants_ar)}
                if any(name_key(n) in keys for n in names_ar):
                    same_as[sibling.id] = unit["externalIds"]["ochaPcode"]
                    names_ar = [n for n in names_ar if name_key(n) not in keys]
            names_en = english_names(unit, level)
            area = (unit.get("area") or {}).get("value")
            population = (unit.get("population") or {}).get("value")
            entries.append(
                Entry(
                    id=entry_id,
                    name_ar=names_ar[0],
                    variants_ar=tuple(names_ar[1:]),
                    name_en=names_en[0],
                    variants_en=tuple(names_en[1:]),
                    feature=level,
                    lat=round(unit["centroid"]["latitude"], 5),
                    lon=round(unit["centroid"]["longitude"], 5),
                    parent=parent,
                    country="SY",
                    population=int(population) if population else None,
                    source=source_text(unit, commit),
                    coord_method="reference",
                    uncertainty_km=radius_from_area_km(area) if area else None,
                    pcode=unit["externalIds"]["ochaPcode"],
                )
            )
    return entries, gov_entry, same_as


def governorate_update(governorates: list[dict], gov_entry: dict[str, str], commit: str):
    """A row update giving each curated governorate its P-code (and the reference point, area and
    population when the curated point was placed by hand)."""
    by_entry = {gov_entry[g["id"]]: g for g in governorates}

    def update(row: dict[str, str]) -> dict[str, str]:
        gov = by_entry.get(row.get("id", "").strip())
        if gov is None:
            return row
        row = dict(row)
        code = gov["externalIds"]["ochaPcode"]
        if not row.get("pcode"):
            row["pcode"] = code
        if GOVERNORATE_NOTE in row.get("source", ""):
            return row
        area = (gov.get("area") or {}).get("value")
        population = gov.get("population") or {}
        notes = [f"{GOVERNORATE_NOTE}, commit {commit}"]
        if row.get("coord_method", "").strip() != "measured":
            # The curated points were placed by hand or copied at degree precision: the reference
            # centroid replaces them, and the unit's size is its uncertainty.
            row["lat"] = f"{gov['centroid']['latitude']:.5f}".rstrip("0").rstrip(".")
            row["lon"] = f"{gov['centroid']['longitude']:.5f}".rstrip("0").rstrip(".")
            row["coord_method"] = "reference"
            notes.append("point: OpenSyria centroid (GeoNames/Wikidata)")
            if area:
                row["uncertainty_km"] = f"{radius_from_area_km(area):g}"
                notes.append(f"area {area:g} km2 (Wikidata), uncertainty the radius of a disc of it")
        if population.get("value") and not row.get("population", "").strip():
            row["population"] = str(population["value"])
            notes.append(f"population {population['value']} in {population.get('year')} (US Census Bureau estimate)")
        ids = gov.get("externalIds", {})
        refs = [f"{key} {ids[key]}" for key in ("wikidata", "geonames") if ids.get(key)]
        if refs:
            notes.append(", ".join(refs))
        row["source"] = "; ".join([row.get("source", "").strip(), *notes]).strip("; ")
        return row

    return update


def admin_pcode_update(gazetteer: Gazetteer, same_as: dict[str, str]):
    """A row update filling ``admin_pcode`` of Syrian points whose parent chain stops at a governorate
    (a neighbourhood under a city that gets one inherits it: parents are settled first), and of the
    curated entries that bear a unit's name (``same_as``)."""
    units = AdminUnits(gazetteer)
    assigned: dict[str, str] = {k: v for k, v in same_as.items() if k in gazetteer and not gazetteer[k].admin_pcode}

    def depth(entry: Entry) -> int:
        return len(gazetteer.ancestors(entry.id))

    for entry in sorted(gazetteer, key=lambda e: (depth(e), e.id)):
        if (entry.country != "SY" or entry.feature not in POINT_FEATURES or entry.pcode or entry.admin_pcode
                or entry.id in assigned):
            continue
        code = ""
        for ancestor in gazetteer.ancestors(entry.id):
            code = ancestor.pcode or ancestor.admin_pcode or assigned.get(ancestor.id, "")
            if code:
                break
        if len(code) != 4:
            continue  # a unit below the governorate is known up the chain, or no governorate at all
        unit, _how = units.subdistrict_of(entry, code)
        if unit is not None:
            assigned[entry.id] = unit.pcode

    def update(row: dict[str, str]) -> dict[str, str]:
        code = assigned.get(row.get("id", "").strip())
        if code and not row.get("admin_pcode"):
            return row | {"admin_pcode": code}
        return row

    update.assigned = assigned
    return update


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="folder with OpenSyria's JSON files")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file would change")
    options = parser.parse_args(argv)
    governorates, districts, subdistricts = load(options.source)
    commit = commit_of(options.source)
    curated_files = [p for p in sorted((ROOT / "gazetteer").glob("*.csv")) if p != TARGET]
    curated = Gazetteer.load(curated_files, bundled=False, environment=False)
    units, gov_entry, same_as = unit_entries(governorates, districts, subdistricts, curated, commit)
    changed: list[Path] = []

    # 1. the units file, written whole (it is generated: edit this tool, not the file).
    text = render_file(units)
    old = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
    if text != old:
        changed.append(TARGET)
        if not options.check:
            write_atomically(TARGET, text)
    # 2. the governorates' P-codes and reference points.
    update = governorate_update(governorates, gov_entry, commit)
    for path in curated_files:
        if rewrite_file(path, update, check=options.check):
            changed.append(path)
    # 3. the sub-district of each point whose parent chain stops at its governorate (read again:
    # step 2 may have moved the governorates).
    files = [p for p in curated_files if p.exists()]
    if options.check:
        gazetteer = Gazetteer([*curated, *units])
    else:
        gazetteer = Gazetteer.load([*files, TARGET], bundled=False, environment=False)
    update = admin_pcode_update(gazetteer, same_as)
    for path in files:
        if rewrite_file(path, update, check=options.check) and path not in changed:
            changed.append(path)
    for path in changed:
        print(f"{path}: {'would change' if options.check else 'updated'}")
    entries, _problems = read_file(TARGET) if TARGET.exists() else ([], [])
    if not options.check:
        print(f"{len(entries)} units in {TARGET.name} ({sum(e.feature == 'admin2' for e in entries)} districts, "
              f"{sum(e.feature == 'admin3' for e in entries)} sub-districts)")
    return 1 if options.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
