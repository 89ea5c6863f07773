"""The bundled gazetteer: loading, look-ups in any spelling, the hierarchy, and the geopy face."""

import geopy.location
import pytest
from geopy.distance import geodesic

from geo.errors import EntryRefused, GazetteerError
from geo.gazetteer import Gazetteer, read_file
from geo.model import Entry


def test_bundled_coverage_meets_the_issue(gazetteer):
    by_feature = {}
    for entry in gazetteer:
        by_feature.setdefault((entry.feature, entry.country, entry.parent), []).append(entry)
    governorates = [e for e in gazetteer if e.feature == "admin1" and e.country == "SY"]
    assert len(governorates) == 14
    aleppo_neighbourhoods = [c for c in gazetteer.children("sy-aleppo") if c.feature == "neighbourhood"]
    assert len(aleppo_neighbourhoods) >= 60
    syrian_towns = [e for e in gazetteer if e.country == "SY" and e.feature in ("town", "village", "city")]
    assert len(syrian_towns) >= 150
    venues = [e for e in gazetteer if e.feature == "city" and e.country != "SY"]
    assert len(venues) >= 60
    countries = [e for e in gazetteer if e.feature == "country"]
    assert len(countries) >= 190
    assert gazetteer.children("sy-damascus") and gazetteer.children("sy-homs")


@pytest.mark.parametrize(
    ("spelling", "place_id"),
    [
        ("حلب", "sy-aleppo"),
        ("بحلب", "sy-aleppo"),
        ("وبحلب", "sy-aleppo"),
        ("للرقة", "sy-raqqa"),
        ("بالرقة", "sy-raqqa"),
        ("الرقه", "sy-raqqa"),
        ("ميونخ", "de-munich"),
        ("Munich", "de-munich"),
        ("munich", "de-munich"),
        ("هامبورج", "de-hamburg"),
        ("أمريكا", "us"),
        ("الولايات المتحدة الأميركية", "us"),
        ("سورية", "sy"),
        ("ايطاليا", "it"),
        ("حَلَب", "sy-aleppo"),
        (["حي", "الكلاسة"][1], "sy-aleppo-kallaseh"),
        ("الجولان", "sy-golan-heights"),
        ("للجولان", "sy-golan-heights"),
        ("الاتحاد الروسي", "ru"),
        ("روسيا الاتحادية", "ru"),
    ],
)
def test_lookup_any_spelling(gazetteer, spelling, place_id):
    assert place_id in [e.id for e in gazetteer.lookup(spelling)]


def test_children_and_ancestors(gazetteer):
    chain = [a.id for a in gazetteer.ancestors("sy-aleppo-kallaseh")]
    assert chain == ["sy-aleppo", "sy-gov-aleppo", "sy"]
    assert "sy-aleppo-kallaseh" in [c.id for c in gazetteer.children("sy-aleppo")]


def test_every_entry_lies_near_its_parent(gazetteer):
    from geo.checks import PARENT_RADIUS_KM

    for entry in gazetteer:
        if entry.parent:
            parent = gazetteer[entry.parent]
            assert geodesic((entry.lat, entry.lon), (parent.lat, parent.lon)).km <= PARENT_RADIUS_KM[parent.feature]


def test_geocode_returns_a_geopy_location(gazetteer):
    location = gazetteer.geocode("بباريس")
    assert isinstance(location, geopy.location.Location)
    assert geodesic(location.point, (48.8566, 2.3522)).km < 15
    assert "باريس" in location.address
    assert gazetteer.geocode("مكان لا وجود له") is None
    several = gazetteer.geocode("طرابلس", exactly_one=False)
    assert {loc.raw["country"] for loc in several} >= {"LY", "LB"}


def test_reverse_finds_the_nearest_entry(gazetteer):
    location = gazetteer.reverse("36°11′N 37°09′E")
    assert location.raw["country"] == "SY"


def test_gazetteer_composes_with_geopy_rate_limiter(gazetteer):
    from geopy.extra.rate_limiter import RateLimiter

    geocode = RateLimiter(gazetteer.geocode, min_delay_seconds=0)
    assert geocode("دمشق").raw["id"] == "sy-damascus"


def test_user_files_from_the_environment_are_loaded(tmp_path, monkeypatch):
    own = tmp_path / "own.csv"
    own.write_text(
        "id,name_ar,name_en,feature,lat,lon,parent,country,source\n"
        "sy-aleppo-test-quarter,حي التجربة,Test Quarter,neighbourhood,36.21,37.14,sy-aleppo,SY,test\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("GEO_GAZETTEER", str(own))
    loaded = Gazetteer.load()
    # A clitic in front of the user's own name is stripped like any other (ب + حي التجربة).
    assert [e.id for e in loaded.lookup("بحي التجربة")] == ["sy-aleppo-test-quarter"]
    assert [e.id for e in loaded.lookup("حي التجربة")] == ["sy-aleppo-test-quarter"]


def test_one_id_in_two_user_files_stops_the_load(tmp_path):
    rows = "id,name_ar,name_en,feature,lat,lon,parent,country,source\n" \
        "x-mine,مكاني,Mine,city,36.2,37.1,sy-gov-aleppo,SY,t\n"
    (tmp_path / "one.csv").write_text(rows, encoding="utf-8")
    (tmp_path / "two.csv").write_text(rows, encoding="utf-8")
    with pytest.raises(GazetteerError, match=r"two.csv:2: id 'x-mine' is already used at .*one.csv:2"):
        Gazetteer.load([tmp_path / "one.csv", tmp_path / "two.csv"], environment=False)


def test_a_users_entry_replaces_the_bundled_one_of_the_same_id(tmp_path):
    mine = tmp_path / "mine.csv"
    mine.write_text(
        "id,name_ar,name_en,feature,lat,lon,parent,country,source\n"
        "sy-aleppo,حلب,Aleppo,city,36.21,37.17,sy-gov-aleppo,SY,my own survey\n",
        encoding="utf-8",
    )
    loaded = Gazetteer.load([mine], environment=False)
    assert (loaded["sy-aleppo"].lat, loaded["sy-aleppo"].lon) == (36.21, 37.17)
    assert loaded["sy-aleppo"].origin == f"{mine}:2"
    assert [(i, o) for i, o, _ in loaded.overrides] == [("sy-aleppo", f"{mine}:2")]
    assert loaded.overrides[0][2].endswith("syria.csv:7") or "syria.csv" in loaded.overrides[0][2]
    # Its quarters stay its quarters.
    assert any(child.id == "sy-aleppo-kallaseh" for child in loaded.children("sy-aleppo"))


def test_read_file_reports_line_numbers(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text(
        "id,name_ar,name_en,feature,lat,lon,parent,country,source\n"
        "a-b,ألف,A,city,10,10,,SY,s\n"
        "a-c,باء,B,city,nan,10,,SY,s\n",
        encoding="utf-8",
    )
    entries, problems = read_file(path)
    assert [e.id for e in entries] == ["a-b"]
    assert str(problems[0]).startswith(f"{path}:3: lat")


def test_add_refuses_a_duplicate_under_the_same_parent(gazetteer_copy):
    local = Gazetteer.load([gazetteer_copy], bundled=False, environment=False)
    before = {p.name: p.read_bytes() for p in gazetteer_copy.glob("*.csv")}
    entry = Entry(
        id="sy-aleppo-kallaseh-2", name_ar="الكلاسه", name_en="Kallaseh again", feature="neighbourhood",
        lat=36.19, lon=37.15, parent="sy-aleppo", country="SY", source="test",
    )
    with pytest.raises(EntryRefused, match="duplicate"):
        local.add(entry)
    assert {p.name: p.read_bytes() for p in gazetteer_copy.glob("*.csv")} == before


def test_add_writes_sorted_and_reloads(gazetteer_copy):
    local = Gazetteer.load([gazetteer_copy], bundled=False, environment=False)
    entry = Entry(
        id="sy-aleppo-aaa-test", name_ar="حي التجربة", name_en="Test", feature="neighbourhood",
        lat=36.2, lon=37.15, parent="sy-aleppo", country="SY", source="test",
    )
    written = local.add(entry)
    assert written.name == "aleppo.csv"
    ids = [e.id for e in read_file(written)[0]]
    assert ids == sorted(ids) and "sy-aleppo-aaa-test" in ids
    reloaded = Gazetteer.load([gazetteer_copy], bundled=False, environment=False)
    assert reloaded.lookup("حي التجربة")[0].id == "sy-aleppo-aaa-test"


def test_shipped_files_are_in_canonical_form():
    """Each file is exactly what the writer produces, so an added entry is a one-line diff."""
    from geo.gazetteer import bundled_files, read_file, render_file

    for path in bundled_files():
        entries, problems = read_file(path)
        assert not problems
        assert path.read_text(encoding="utf-8") == render_file(entries), path.name


def test_the_python_api_validates_a_loaded_gazetteer():
    """Issue 2 asks for ``Gazetteer.validate()`` beside ``load``, ``lookup``, ``children`` and ``add``."""
    assert Gazetteer.load(environment=False).validate() == []


def test_every_syrian_entry_lies_inside_syria(gazetteer):
    """The parent-distance rule allows 300 km around a governorate and 4000 km around a country: a
    Syrian place with a wrong sign or swapped digits could still pass it, but not this box."""
    outside = [
        (e.id, e.lat, e.lon)
        for e in gazetteer
        if e.country == "SY" and not (32.3 <= e.lat <= 37.35 and 35.6 <= e.lon <= 42.45)
    ]
    assert outside == []
