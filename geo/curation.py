"""Growing the gazetteer: describe entries, build new ones from what a user typed, add rows in bulk,
and validate files. The command line is a thin layer over these functions.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from geo.coordinates import point_quality
from geo.errors import EntryRefused, GazetteerError, GeoError, UsageError
from geo.gazetteer import Gazetteer, Problem, bundled_files, expand_paths, user_files_from_environment
from geo.model import Entry


def describe(gazetteer: Gazetteer, entry: Entry) -> dict:
    """An entry as a JSON-ready dict, with its parent chain."""
    row = {key: value for key, value in entry.to_row().items()}
    row["lat"], row["lon"] = entry.lat, entry.lon
    row["population"] = entry.population
    row["capital"] = entry.capital
    row["variants_ar"] = list(entry.variants_ar)
    row["variants_en"] = list(entry.variants_en)
    row["parents"] = [
        {"id": a.id, "name_ar": a.name_ar, "name_en": a.name_en, "feature": a.feature}
        for a in gazetteer.ancestors(entry.id)
    ]
    row["origin"] = entry.origin
    chain = gazetteer.admin_chain(entry.id)
    row["admin"] = {
        "admin1": chain.admin1, "admin1_pcode": chain.admin1_pcode, "admin2": chain.admin2,
        "admin2_pcode": chain.admin2_pcode, "admin3": chain.admin3, "admin3_pcode": chain.admin3_pcode,
    }
    return row


def search(gazetteer: Gazetteer, query: str) -> list[dict]:
    """Entries for ``query`` as :func:`describe` gives them, each with ``match``: how it was found
    (``name``, ``type word``, ``transliteration``, ``P-code``; see :mod:`geo.search`)."""
    from geo.lexicon import Lexicon
    from geo.search import find

    found = find(gazetteer, query, Lexicon.load().triggers)
    return [describe(gazetteer, entry) | {"match": found.how} for entry in found.entries]


def parse_point(text: str) -> tuple[float, float]:
    """Coordinates as a user types them, through geopy's parser ("36.19, 37.15", "36°11′N 37°09′E")."""
    import warnings

    from geopy.point import Point

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            point = Point(text)
    except (ValueError, TypeError) as error:
        raise EntryRefused(f"cannot read coordinates {text!r}: {error}", "at") from None
    # geopy wraps a longitude beyond 180 silently (190 -> -170): a typo would land on the far side of
    # the world, so the longitude as typed is checked too.
    typed = re.match(Point.POINT_PATTERN, text.replace("''", '"'))
    if typed:
        longitude = Point.parse_degrees(
            typed.group("longitude_degrees") or 0.0,
            typed.group("longitude_arcminutes") or 0.0,
            typed.group("longitude_arcseconds") or 0.0,
        )
        if abs(longitude) > 180:
            raise EntryRefused(f"longitude {longitude:g} in {text!r} is out of range (-180 to 180)", "at")
    if not (-90 <= point.latitude <= 90 and -180 <= point.longitude <= 180):
        raise EntryRefused(f"coordinates {text!r} are out of range", "at")
    return round(point.latitude, 5), round(point.longitude, 5)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def new_entry(
    gazetteer: Gazetteer,
    *,
    name_ar: str,
    name_en: str,
    at: str,
    feature: str,
    parent: str,
    entry_id: str | None = None,
    variants_ar: str = "",
    variants_en: str = "",
    country: str | None = None,
    population: int | None = None,
    source: str = "",
    coord_method: str = "",
    uncertainty_km: float | None = None,
) -> Entry:
    """An :class:`Entry` from command-line style values; ``add`` checks it against every rule."""
    parent_entry = gazetteer.get(parent) if parent else None
    if parent and parent_entry is None:
        from geo.search import closest_ids

        close = closest_ids(gazetteer, parent)
        hint = f"; did you mean {', '.join(close)}?" if close else " (geo gazetteer search NAME finds ids)"
        raise EntryRefused(f"unknown parent {parent!r}{hint}", "parent")
    lat, lon = parse_point(at)
    if not entry_id:
        name_slug = slug(name_en or "")
        if not name_slug:
            raise EntryRefused("name_en is empty", "name_en")
        if parent_entry is not None and parent_entry.feature in ("city", "town", "district"):
            entry_id = f"{parent_entry.id}-{name_slug}"
        else:
            code = (country or (parent_entry.country if parent_entry else "") or "").lower()
            entry_id = f"{code}-{name_slug}" if code else name_slug
    if population is not None and population < 0:
        raise EntryRefused("population must not be negative", "population")
    source = source.strip() or "added with geo gazetteer add"
    code = (country or (parent_entry.country if parent_entry else "")).upper()
    method, uncertainty = point_quality(
        (feature or "").strip(), source, (coord_method or "").strip(), uncertainty_km, code
    )
    return Entry(
        id=entry_id,
        name_ar=(name_ar or "").strip(),
        name_en=(name_en or "").strip(),
        feature=(feature or "").strip(),
        lat=lat,
        lon=lon,
        parent=parent or "",
        country=code,
        variants_ar=tuple(v.strip() for v in variants_ar.split("|") if v.strip()),
        variants_en=tuple(v.strip() for v in variants_en.split("|") if v.strip()),
        population=population,
        source=source,
        coord_method=method,
        uncertainty_km=uncertainty,
    )


@dataclass
class BulkReport:
    added: list[tuple[str, Path]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    #: Rows left as ``suggest`` wrote them (no coordinates yet): not an error, nothing to add.
    skipped: int = 0


def add_from_csv(gazetteer: Gazetteer, path: str, target: str | None = None) -> BulkReport:
    """Add each completed row of a CSV (the columns of ``geo gazetteer suggest`` or of the gazetteer):
    a bad row is refused with its row number, the good rows land, every file stays valid."""
    report = BulkReport()
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.DictReader(stream))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise GeoError(f"{path}: cannot read CSV: {error}") from None
    for number, row in enumerate(rows, start=2):
        at = (row.get("at") or "").strip()
        if not at and (row.get("lat") or "").strip():
            at = f"{row['lat']}, {row.get('lon', '')}"
        if not at and not (row.get("name_en") or "").strip():
            report.skipped += 1
            continue
        try:
            entry = new_entry(
                gazetteer,
                name_ar=row.get("name_ar", ""),
                name_en=row.get("name_en", ""),
                at=at,
                feature=row.get("feature", ""),
                parent=(row.get("parent") or "").strip(),
                entry_id=(row.get("id") or "").strip() or None,
                variants_ar=row.get("variants_ar", "") or "",
                variants_en=row.get("variants_en", "") or "",
                country=(row.get("country") or "").strip() or None,
                population=int(row["population"]) if (row.get("population") or "").strip().isdigit() else None,
                source=row.get("source", "") or "",
                coord_method=(row.get("coord_method") or "").strip(),
                uncertainty_km=_optional_km(row.get("uncertainty_km")),
            )
            written = gazetteer.add(entry, target)
        except GazetteerError as error:
            report.refused.append(f"{path}:{number}: {error}")
            continue
        report.added.append((entry.id, written))
    return report


def _optional_km(text: str | None) -> float | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise EntryRefused(f"uncertainty_km {text!r} is not a number", "uncertainty_km") from None
    if not (value >= 0 and value < float("inf")):
        raise EntryRefused(f"uncertainty_km {text!r} must be a non-negative number", "uncertainty_km")
    return value


def validate(paths: list[str] | None, extra: list[str] = ()) -> tuple[list[Problem], int]:
    """Problems in the named files, or in the bundled and user files when none are named.

    Files named alone are checked together with the bundled ones (their parents live there), but
    only their own problems are reported.
    """
    from geo.checks import validate_files

    if paths:
        named = expand_paths(paths)
        for path in named:
            if not path.exists():
                raise UsageError(f"{path}: no such file")
        own = {f.resolve() for f in bundled_files()}
        bundled = [f for f in bundled_files() if f.resolve() not in {p.resolve() for p in named}]
        report = {str(p) for p in named}
        # A named file outside the bundled folder is a user's own: its entries may replace bundled ones.
        users = [p for p in named if p.resolve() not in own]
        problems = [p for p in validate_files(bundled + named, users=users) if p.file in report]
        return problems, len(named)
    users = user_files_from_environment() + expand_paths(extra)
    files = bundled_files() + users
    return validate_files(files, users=users), len(files)


SUGGESTION_COLUMNS = ("name_ar", "name_en", "feature", "parent", "at", "source", "count", "example_1", "example_2")


def suggest(parser, paths: list[str], out: str | None = None, encoding: str = "utf-8") -> tuple[list[dict], list]:
    """Names the gazetteer lacks, most frequent first, as rows ready to complete (``name_en``, ``at``,
    ``source``) and add with ``geo gazetteer add --from``. Returns (rows, unreadable inputs)."""
    from collections import Counter

    from geo.arabic import name_key
    from geo.batch import check_output_path, stream_documents

    check_output_path(out)
    failures: list = []
    groups: dict[tuple[str, str], dict] = {}
    for mention in stream_documents(parser, paths, failures, encoding):
        if mention.status != "unresolved":
            continue
        group = groups.setdefault(
            (name_key(mention.surface), mention.container),
            {"spellings": Counter(), "features": Counter(), "count": 0, "examples": []},
        )
        group["spellings"][mention.surface] += 1
        group["features"][mention.feature] += 1
        group["count"] += 1
        example = f"{mention.doc}: {mention.sentence}"
        if len(group["examples"]) < 2 and example not in group["examples"]:
            group["examples"].append(example)
    rows = []
    for (_, container), group in groups.items():
        examples = [*group["examples"], "", ""]
        rows.append(
            {
                "name_ar": group["spellings"].most_common(1)[0][0],
                "name_en": "",
                "feature": group["features"].most_common(1)[0][0],
                "parent": container,
                "at": "",
                "source": "",
                "count": group["count"],
                "example_1": examples[0],
                "example_2": examples[1],
            }
        )
    rows.sort(key=lambda r: (-r["count"], r["name_ar"]))
    if out:
        with open(out, "w", encoding="utf-8", newline="") as stream:
            write_suggestions(rows, stream)
    return rows, failures


def write_suggestions(rows: list[dict], stream) -> None:
    """The rows as CSV (:data:`SUGGESTION_COLUMNS`), the form ``gazetteer add --from`` reads."""
    writer = csv.DictWriter(stream, fieldnames=SUGGESTION_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def print_suggestions(rows: list[dict], stream=None) -> None:
    """The rows for reading: count, name, feature, container, first example, tab-separated."""
    for row in rows:
        print(f"{row['count']}\t{row['name_ar']}\t{row['feature']}\t{row['parent'] or '-'}\t{row['example_1']}",
              file=stream)
