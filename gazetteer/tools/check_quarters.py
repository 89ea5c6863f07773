"""Check hand-placed quarter points against published coordinates, and move the ones that are off.

    python gazetteer/tools/check_quarters.py            # apply gazetteer/tools/quarter_references.csv
    python gazetteer/tools/check_quarters.py --check    # exit 1 if a file would change

``quarter_references.csv`` lists, for each quarter whose encyclopaedia article gives coordinates,
the published point and the reference. A point to the second moves the entry when it lies more than
``AGREE_KM`` away (the row then says ``reference``, names it, and says how far the old point was); a
point within that distance confirms the entry (also ``reference``). A point given only to the minute
is itself about 1 km uncertain: it is recorded as a check, and the entry is not moved.
Re-runnable: a row that already names its reference is left alone.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from csvrows import ROOT, rewrite_file

from geo.admin import distance_km
from geo.coordinates import default_uncertainty_km

REFERENCES = Path(__file__).resolve().parent / "quarter_references.csv"
#: Closer than this, the hand-placed point and the published one agree.
AGREE_KM = 0.2


def load_references(path: Path = REFERENCES) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return {row["id"]: row for row in csv.DictReader(stream)}


def correction(references: dict[str, dict[str, str]]):
    def update(row: dict[str, str]) -> dict[str, str]:
        reference = references.get(row.get("id", "").strip())
        if reference is None or reference["reference"] in row.get("source", ""):
            return row
        row = dict(row)
        old = (float(row["lat"]), float(row["lon"]))
        new = (float(reference["lat"]), float(reference["lon"]))
        away = distance_km(old, new)
        if reference.get("minute_precision"):
            note = f"checked against {reference['reference']} (minute precision): {away:.1f} km away, not moved"
        elif away <= AGREE_KM:
            note = f"confirmed by {reference['reference']} ({away:.2f} km away)"
            row["coord_method"] = "reference"
        else:
            note = f"moved {away:.1f} km to {reference['reference']}"
            row["lat"], row["lon"] = reference["lat"], reference["lon"]
            row["coord_method"] = "reference"
        if row["coord_method"] == "reference":
            row["uncertainty_km"] = f"{default_uncertainty_km(row.get('feature', ''), 'reference'):g}"
        row["source"] = f"{row.get('source', '').strip()}; {note}".strip("; ")
        return row

    return update


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file would change")
    options = parser.parse_args(argv)
    update = correction(load_references())
    changed = [p for p in sorted((ROOT / "gazetteer").glob("*.csv")) if rewrite_file(p, update, check=options.check)]
    for path in changed:
        print(f"{path}: {'would change' if options.check else 'updated'}")
    return 1 if options.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
