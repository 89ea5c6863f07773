"""A user's own gazetteer file wins over the bundled one, and a file ``add`` creates is as readable as
any new file the user makes."""

from __future__ import annotations

import json
import os
import re
import stat

from conftest import run_geo

from geo.curation import new_entry
from geo.gazetteer import Gazetteer

HEADER = "id,name_ar,variants_ar,name_en,variants_en,feature,lat,lon,parent,country,population,capital,source"
#: Al-Kallaseh moved about 1.3 km south-west of the bundled point.
MINE = HEADER + "\nsy-aleppo-kallaseh,الكلاسة,,Al-Kallaseh,,neighbourhood,36.1801,37.1382,sy-aleppo,SY,,,my survey\n"


def map_places(html: str) -> dict[str, list]:
    """The map's place rows by id, read from the page's data element."""
    data = re.search(r'<script type="application/json" id="[^"]+_data">(.*?)</script>', html, re.S).group(1)
    payload = json.loads(data)
    return {row[0]: dict(zip(payload["fields"], row, strict=True)) for row in payload["places"]}


def test_a_user_file_that_redefines_a_quarter_moves_it_on_the_map(tmp_path):
    (tmp_path / "mine.csv").write_text(MINE, encoding="utf-8")
    (tmp_path / "a.txt").write_text("سقطت قذائف على حي الكلاسة صباح اليوم", encoding="utf-8")
    bundled = run_geo("--no-world", "map", str(tmp_path / "a.txt"), "--out", str(tmp_path / "before.html"))
    assert bundled.returncode == 0, bundled.stderr
    result = run_geo("--no-world", "--verbose", "--gazetteer", str(tmp_path / "mine.csv"), "map",
                     str(tmp_path / "a.txt"), "--out", str(tmp_path / "after.html"))
    assert result.returncode == 0, result.stderr
    before = map_places((tmp_path / "before.html").read_text(encoding="utf-8"))["sy-aleppo-kallaseh"]
    after = map_places((tmp_path / "after.html").read_text(encoding="utf-8"))["sy-aleppo-kallaseh"]
    assert (after["lat"], after["lon"]) == (36.1801, 37.1382) != (before["lat"], before["lon"])
    # Said once on stderr with --verbose, naming the entry and where the user's row is.
    notes = [line for line in result.stderr.splitlines() if "replace" in line]
    assert len(notes) == 1 and "sy-aleppo-kallaseh" in notes[0] and "mine.csv:2" in notes[0]
    quiet = run_geo("--no-world", "--gazetteer", str(tmp_path / "mine.csv"), "extract", str(tmp_path / "a.txt"))
    assert quiet.returncode == 0 and "replace" not in quiet.stderr
    assert json.loads(quiet.stdout.splitlines()[0])["lon"] == 37.14  # the user's point, to its decimals


def test_add_makes_a_new_file_as_the_umask_says(tmp_path):
    gazetteer = Gazetteer.load(environment=False)
    entry = new_entry(gazetteer, name_ar="حي التجربة", name_en="Test Quarter", at="36.2, 37.15",
                      feature="neighbourhood", parent="sy-aleppo")
    previous = os.umask(0o022)
    try:
        gazetteer.add(entry, tmp_path / "default.csv")
        os.umask(0o077)
        gazetteer.add(entry.__class__(**{**_fields(entry), "id": "sy-aleppo-test-private",
                                         "name_ar": "حي خاص"}), tmp_path / "private.csv")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "default.csv").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "private.csv").stat().st_mode) == 0o600


def _fields(entry) -> dict:
    from dataclasses import fields

    return {f.name: getattr(entry, f.name) for f in fields(entry)}
