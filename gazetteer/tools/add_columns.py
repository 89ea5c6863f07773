"""Give gazetteer CSV files the columns that say how good each point is, and fill them where empty.

    python gazetteer/tools/add_columns.py                 # every bundled file (gazetteer/*.csv)
    python gazetteer/tools/add_columns.py mine.csv other/  # files, or the *.csv files of folders
    python gazetteer/tools/add_columns.py --check          # exit 1 if a file would change

Adds ``coord_method``, ``uncertainty_km``, ``pcode`` and ``admin_pcode`` to the header of a file
that lacks them (after the existing columns, in the order of ``geo.model.COLUMNS``), then fills an
empty ``coord_method`` from what the row's ``source`` says (``reference`` when it names one,
``approximate`` when it says the point was placed by hand or names nothing) and an empty
``uncertainty_km`` with the place's typical extent plus the method's likely error (a "+-1 km" in the
source is taken as the error; a country's extent is the radius of a disc of its Natural Earth area).
``pcode`` and ``admin_pcode`` are left to ``import_opensyria.py``.

Re-runnable and idempotent: a value already in a cell is never changed, rows keep their order and
every other byte; a file already complete is not rewritten. Each file is replaced atomically.
"""

from __future__ import annotations

import argparse
import csv
import sys
from functools import cache
from pathlib import Path

from csvrows import ROOT, rewrite_text

from geo.coordinates import EXTENT_KM, point_quality, radius_from_area_km, round_uncertainty
from geo.gazetteer import write_atomically
from geo.model import COLUMNS

NEW_COLUMNS = ("coord_method", "uncertainty_km", "pcode", "admin_pcode")


@cache
def country_radius_km() -> dict[str, float]:
    """ISO alpha-2 -> radius (km) of a disc of the country's area, from Natural Earth; empty when the
    package that ships it is missing (the feature default is used then)."""
    try:
        import geopandas as gpd

        from geo.maps.basemap import natural_earth_zip

        frame = gpd.read_file(f"zip://{natural_earth_zip()}", encoding="utf-8", columns=["ISO_A2_EH"])
    except Exception:  # no geopandas or no Natural Earth: the feature default serves
        return {}
    # An equal-area projection for the areas (World Cylindrical Equal Area).
    areas = frame.to_crs("ESRI:54034").geometry.area / 1e6
    radii: dict[str, float] = {}
    for code, area in zip(frame["ISO_A2_EH"], areas, strict=True):
        if isinstance(code, str) and len(code) == 2 and code.isalpha():
            radii[code.upper()] = max(radii.get(code.upper(), 0.0), radius_from_area_km(float(area)))
    return radii


def fill_row(row: dict[str, str]) -> dict[str, str]:
    """The row with ``coord_method`` and ``uncertainty_km`` filled where empty (nothing else changed)."""
    feature = (row.get("feature") or "").strip()
    source = (row.get("source") or "").strip()
    country = (row.get("country") or "").strip()
    method = (row.get("coord_method") or "").strip()
    stated = (row.get("uncertainty_km") or "").strip()
    filled = dict(row)
    method, uncertainty = point_quality(feature, source, method, None, country)
    if feature == "country":
        radius = country_radius_km().get(country.upper())
        if radius is not None:
            # The Natural Earth area replaces the generic country extent; the point's error is kept.
            uncertainty = round_uncertainty(uncertainty - EXTENT_KM["country"] + radius)
    if not (row.get("coord_method") or "").strip():
        filled["coord_method"] = method
    if not stated:
        filled["uncertainty_km"] = f"{uncertainty:g}"
    for column in NEW_COLUMNS:
        filled.setdefault(column, "")
    return filled


def convert(text: str) -> str:
    """The file's text with the new columns present and filled; ``text`` itself when nothing changes."""
    return rewrite_text(text, fill_row, [column for column in COLUMNS if column in NEW_COLUMNS])


def files_from(arguments: list[str]) -> list[Path]:
    if not arguments:
        return sorted((ROOT / "gazetteer").glob("*.csv"))
    files: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        files.extend(sorted(path.glob("*.csv")) if path.is_dir() else [path])
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", help="CSV files or folders (default: the bundled gazetteer/*.csv)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file would change")
    options = parser.parse_args(argv)
    stale = 0
    for path in files_from(options.paths):
        try:
            text = path.read_bytes().decode("utf-8-sig")
            new = convert(text)
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            print(f"{path}: cannot convert: {error}", file=sys.stderr)
            return 2
        if new == text:
            continue
        stale += 1
        if options.check:
            print(f"{path}: would change")
        else:
            write_atomically(path, new)
            print(f"{path}: columns added or filled")
    return 1 if options.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
