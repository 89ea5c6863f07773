"""Syria's OCHA administrative units in the gazetteer, and the admin chain of every Syrian mention."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from seeds import seeds_directory

from geo.gazetteer import Gazetteer
from geo.pipeline import Geoparser

ROOT = Path(__file__).resolve().parents[1]
IMPORT_TOOL = ROOT / "gazetteer" / "tools" / "import_opensyria.py"
#: The shared data folder is found as the seeds are (beside this checkout or the one it was cloned from).
OPENSYRIA = seeds_directory().parent / "data" / "opensyria"
HEADER = "id,name_ar,variants_ar,name_en,variants_en,feature,lat,lon,parent,country,population,capital,source"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load(bundled=True, environment=False)


@pytest.fixture(scope="module")
def parser(gazetteer) -> Geoparser:
    return Geoparser(gazetteer)


def chain(mention) -> tuple:
    return (mention.admin1, mention.admin1_pcode, mention.admin2, mention.admin2_pcode, mention.admin3,
            mention.admin3_pcode)


def test_the_bundled_gazetteer_holds_every_unit(gazetteer):
    units = [e for e in gazetteer if e.pcode]
    assert sum(e.feature == "admin1" for e in units) == 14
    assert sum(e.feature == "admin2" for e in units) == 62
    assert sum(e.feature == "admin3" for e in units) == 272
    assert gazetteer["sy-gov-aleppo"].pcode == "SY02"
    # Units hang from units: a sub-district's parent is its district, whose parent is its governorate.
    unit = gazetteer["sy-adm3-oqeirbat"]
    assert gazetteer[unit.parent].pcode == "SY0503" and gazetteer[gazetteer[unit.parent].parent].pcode == "SY05"
    # The seat town stays a town, and the unit does not take its bare name.
    assert [e.id for e in gazetteer.lookup("منبج")] == ["sy-manbij"]
    assert gazetteer.lookup("منطقة منبج")[0].id == "sy-adm2-manbij"
    assert gazetteer.lookup("مركز حلب")[0].id == "sy-adm3-jebel-saman"


def test_the_import_is_re_runnable_and_already_applied():
    assert (OPENSYRIA / "subdistricts.json").is_file(), f"the OpenSyria data is expected in {OPENSYRIA}"
    result = subprocess.run([sys.executable, str(IMPORT_TOOL), "--check", "--source", str(OPENSYRIA)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_sub_district_named_with_nahiya_gets_its_chain(parser):
    mentions = parser.extract("قصفت طائرات حربية ناحية عقيربات بريف حماة الشرقي")
    (mention,) = [m for m in mentions if m.feature == "admin3"]
    assert mention.place_id == "sy-adm3-oqeirbat"
    assert chain(mention) == ("Hama", "SY05", "As-Salamiyeh", "SY0503", "Oqeirbat", "SY050304")
    # A sub-district is "part of a region" and as uncertain as it is wide.
    assert mention.precision == 2 and mention.uncertainty_km > 20


def test_a_quarter_of_aleppo_inherits_the_city_chain(parser):
    (mention,) = [m for m in parser.extract("سقطت قذائف على حي الكلاسة صباح اليوم") if m.place_id]
    assert mention.place_id == "sy-aleppo-kallaseh"
    assert chain(mention) == ("Aleppo", "SY02", "Jebel Saman", "SY0200", "Jebel Saman", "SY020000")
    # A hand-placed quarter is no longer reported with a surveyed point's precision.
    assert mention.precision == 2 and mention.uncertainty_km >= 1


def test_geo_extract_writes_the_chain_in_every_format(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("قصفت طائرات حربية ناحية عقيربات، وسقطت قذائف على حي الكلاسة في حلب.", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "geo", "--no-world", "extract", str(article), "--format", "jsonl"],
                         capture_output=True, text=True, check=False, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    records = {r["place_id"]: r for r in map(json.loads, run.stdout.splitlines())}
    assert records["sy-adm3-oqeirbat"]["admin3_pcode"] == "SY050304"
    assert records["sy-aleppo-kallaseh"]["admin2"] == "Jebel Saman"
    assert all(r["uncertainty_km"] is not None for r in records.values())
    # Decimals follow the uncertainty: a quarter good to 1.5 km is reported to 0.01 degree.
    kallaseh = records["sy-aleppo-kallaseh"]
    assert kallaseh["lat"] == round(kallaseh["lat"], 2) and kallaseh["lat"] != 36.1895


def test_a_town_filed_under_its_governorate_finds_its_sub_district(tmp_path):
    """A row added after the import (no admin_pcode): the seat rule, then the nearest centroid."""
    mine = tmp_path / "mine.csv"
    mine.write_text(
        HEADER + "\n"
        "sy-test-uqayribat,عقيربات,,Uqayribat,,town,35.095,37.955,sy-gov-hama,SY,,,test row\n"
        "sy-test-hamlet,قرية التجربة,,Test Hamlet,,village,36.69,38.95,sy-gov-aleppo,SY,,,test row\n",
        encoding="utf-8",
    )
    gazetteer = Gazetteer.load([mine], bundled=True, environment=False)
    assert gazetteer.admin_chain("sy-test-uqayribat").admin3_pcode == "SY050304"  # its seat
    # Near Ayn al-Arab (Kobani): the nearest sub-district centroid of Aleppo governorate.
    assert gazetteer.admin_chain("sy-test-hamlet").admin2_pcode == "SY0206"


def test_outside_syria_admin1_comes_from_an_admin1_ancestor(gazetteer):
    assert gazetteer.admin_chain("sy-gov-aleppo").admin1 == "Aleppo"
    assert gazetteer.admin_chain("fr-paris").admin1 == ""


def test_an_unknown_name_placed_at_its_container_reports_the_container(parser):
    mentions = parser.extract("قصف الطيران حي الزعفرانة الجنوبي في مدينة حلب")
    unresolved = [m for m in mentions if m.status == "unresolved" and m.container]
    assert unresolved, mentions
    mention = unresolved[0]
    container = parser.gazetteer[mention.container]
    assert mention.uncertainty_km == container.uncertainty_km
    assert mention.admin1_pcode == "SY02"


def test_the_countryside_of_a_city_is_wider_than_the_city(parser):
    (city,) = [m for m in parser.extract("وصلت التعزيزات إلى مدينة إدلب") if m.place_id == "sy-idlib"]
    (around,) = [m for m in parser.extract("قصفت الطائرات ريف إدلب الجنوبي") if m.place_id == "sy-idlib"]
    assert around.precision == 2 and around.uncertainty_km >= 25 > city.uncertainty_km
    assert around.admin1_pcode == "SY07"
