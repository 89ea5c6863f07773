"""Names the gazetteer lacks: found after a trigger or before a container, placed approximately,
and suggested as entries to add."""

import csv
from itertools import pairwise

import pytest
from conftest import run_geo
from seeds import seeds_directory

from geo.gazetteer import Gazetteer
from geo.pipeline import Geoparser


@pytest.fixture(scope="module")
def without_mantar():
    # Discovery needs villages the gazetteer lacks: al-Mantar (the seed article's) and Kafr Nabudah
    # (the trigger and clitic examples below), both bundled entries taken out here.
    bundled = Gazetteer.load(environment=False)
    return Geoparser(Gazetteer([e for e in bundled if e.id not in {"sy-mantar", "sy-kafr-nabudah"}]))


@pytest.fixture
def gazetteer_without_mantar(gazetteer_copy):
    path = gazetteer_copy / "aleppo.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("sy-mantar,")), encoding="utf-8")
    return gazetteer_copy


def unresolved(parser, text):
    return [(m.surface, m.feature, m.container, m.precision) for m in parser.extract(text) if m.status == "unresolved"]


def test_the_seed_village_is_placed_at_its_container(without_mantar):
    text = (seeds_directory() / "001_017b6ea0ad0b3e21.txt").read_text(encoding="utf-8")
    found = [m for m in without_mantar.extract(text) if m.status == "unresolved"]
    assert [(m.surface, m.feature, m.container, m.precision) for m in found] == [
        ("المنطار", "village", "sy-aleppo-countryside-south", 2)
    ]
    mantar = found[0]
    assert text[mantar.start : mantar.end] == "المنطار"
    assert "approximate" in mantar.reason and "sy-aleppo-countryside-south" in mantar.reason
    assert mantar.role == "conflict" and "قرية المنطار بريف حلب الجنوبي" in mantar.sentence
    container = without_mantar.gazetteer["sy-aleppo-countryside-south"]
    assert (mantar.lat, mantar.lon) == (container.lat, container.lon)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قصفت الطائرات حي الزهور في منبج", [("الزهور", "neighbourhood", "sy-manbij", 2)]),
        ("اشتباكات في قرية كفرنبودة بريف حماة", [("كفرنبودة", "village", "sy-hama", 2)]),
        ("سيطرت الفصائل على بلدة عين الكرم", [("عين الكرم", "town", "", 3)]),
        ("نزح الأهالي إلى مخيم الكرامة", [("الكرامة", "landmark", "", 3)]),
        ("قصف بحي الزهور في منبج", [("الزهور", "neighbourhood", "sy-manbij", 2)]),
        ("وقرية كفرنبودة بريف حماة", [("كفرنبودة", "village", "sy-hama", 2)]),
        ("وصل الرتل لبلدة كفرنبودة قرب حماة", [("كفرنبودة", "town", "sy-hama", 2)]),
        ("سيطرت القوات على تل الصوان شرق إدلب", [("تل الصوان", "landmark", "sy-idlib", 2)]),
        ("اشتباكات على معبر العريضة الحدودي", [("معبر العريضة", "landmark", "", 3)]),
    ],
)
def test_trigger_and_clitic_forms(without_mantar, text, expected):
    assert unresolved(without_mantar, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "قصفت الطائرات قرية تقع شمال حلب",  # a verb after the trigger
        "سقطت قذائف على حي في حلب",  # a preposition
        "دمرت الغارات قرية 5 بالكامل",  # a number
        "قصفت الطائرات حي الكلاسة بحلب",  # a known place: resolved, not unresolved
        "يجب سد الفجوة بين الطرفين",  # سد as a verb
        "قصفت الطائرات الحربية بريف حلب",  # a common word before the container
        "سيطرت القوات على مناطق بريف حلب الجنوبي",
        "سقطت قذائف على مخيم للنازحين",  # a camp "for the displaced": ل + a common word, not a name
    ],
)
def test_name_boundaries_refuse_what_is_not_a_name(without_mantar, text):
    assert unresolved(without_mantar, text) == []


def test_a_name_ends_at_a_conjunction_or_preposition(without_mantar):
    assert unresolved(without_mantar, "قصف قرية أم الكراميل وقرية كفرنبودة في ريف حماة") == [
        ("أم الكراميل", "village", "", 3),
        ("كفرنبودة", "village", "sy-hama", 2),
    ]


def test_direct_container_without_a_trigger(without_mantar):
    assert unresolved(without_mantar, "سيطرت القوات على المنطار بريف حلب الجنوبي") == [
        ("المنطار", "village", "sy-aleppo-countryside-south", 2)
    ]


def test_unresolved_names_without_container_are_listed_but_not_placed(without_mantar):
    [mention] = [m for m in without_mantar.extract("نزح الأهالي إلى مخيم الكرامة") if m.status == "unresolved"]
    assert mention.lat is None and mention.lon is None and mention.place_id == ""


def test_no_unresolved_names_on_the_seeds_and_examples(geoparser):
    from pathlib import Path

    texts = list(seeds_directory().glob("*.txt")) + list(
        (Path(__file__).parents[1] / "examples" / "articles").glob("*.txt")
    )
    assert len(texts) >= 10
    found = []
    for path in texts:
        found += [m.surface for m in geoparser.extract(path.read_text(encoding="utf-8")) if m.status == "unresolved"]
    assert found == []


def test_suggest_lists_the_missing_village_first_with_its_sentence(gazetteer_without_mantar, tmp_path):
    env = {"GEO_GAZETTEER_DIR": str(gazetteer_without_mantar)}
    out = tmp_path / "suggestions.csv"
    result = run_geo("gazetteer", "suggest", str(seeds_directory()), "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    first = rows[0]
    assert (first["name_ar"], first["feature"], first["parent"]) == (
        "المنطار",
        "village",
        "sy-aleppo-countryside-south",
    )
    assert "قرية المنطار بريف حلب الجنوبي" in first["example_1"]
    printed = run_geo("gazetteer", "suggest", str(seeds_directory()), env=env)
    assert printed.stdout.splitlines()[0].split("\t")[1] == "المنطار"


def test_completed_suggestions_are_added_and_unfinished_rows_skipped(gazetteer_without_mantar, tmp_path):
    env = {"GEO_GAZETTEER_DIR": str(gazetteer_without_mantar)}
    out = tmp_path / "suggestions.csv"
    run_geo("gazetteer", "suggest", str(seeds_directory()), "--out", str(out), env=env)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    rows[0].update({"name_en": "Al-Mantar", "at": "35.90, 37.27", "source": "test"})
    rows.append({**rows[0], "name_ar": "قرية بلا إحداثيات", "name_en": "", "at": ""})
    with out.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = run_geo("gazetteer", "add", "--from", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert "skipped 1 row" in result.stderr
    found = run_geo("gazetteer", "search", "المنطار", env=env)
    assert found.stdout.startswith("sy-al-mantar\tالمنطار")
    assert run_geo("gazetteer", "validate", env=env).returncode == 0


@pytest.fixture(scope="module")
def without_some_landmarks():
    bundled = Gazetteer.load(environment=False)
    lacking = {"sy-mantar", "sy-tiyas-airbase"}
    return Geoparser(Gazetteer([e for e in bundled if e.id not in lacking]))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قصفت الطائرات مدينة خربة الجوز قرب جسر الشغور", [("خربة الجوز", "city", "sy-jisr-al-shughur", 2)]),
        ("سقطت قذائف على دوار الصخرة في حلب", [("دوار الصخرة", "landmark", "sy-aleppo", 2)]),
        ("اشتباكات بدوار الصخرة في حلب", [("دوار الصخرة", "landmark", "sy-aleppo", 2)]),
        ("اشتباكات عند جبل الأربعين قرب أريحا", [("جبل الأربعين", "landmark", "sy-ariha", 2)]),
        ("سيطرت القوات على تلة الزيتونة في ريف اللاذقية", [("تلة الزيتونة", "landmark", "sy-latakia", 2)]),
        ("قصفت الطائرات مطار التيفور قرب حمص", [("مطار التيفور", "landmark", "sy-homs", 2)]),
        ("وصل الرتل لمطار التيفور قرب حمص", [("مطار التيفور", "landmark", "sy-homs", 2)]),
        ("استهدفت الغارات سد البعث قرب الرقة", [("سد البعث", "landmark", "sy-raqqa", 2)]),
        ("قصف قرية زيتون في محافظة إدلب", [("زيتون", "village", "sy-gov-idlib", 3)]),
    ],
)
def test_the_other_triggers_and_a_province_container(without_some_landmarks, text, expected):
    assert unresolved(without_some_landmarks, text) == expected


def test_the_trigger_before_a_compound_name_decides_its_feature(without_mantar):
    """قرية تل الأغر is a village whose name starts with تل, not a hill."""
    assert unresolved(without_mantar, "قصفت الطائرات قرية تل الأغر جنوب حلب") == [
        ("تل الأغر", "village", "sy-aleppo", 2)
    ]


def test_a_name_found_by_both_patterns_is_reported_once(geoparser):
    """Found by fuzzing: after a trigger and before a container phrase, with a clitic on one."""
    text = "قصف آسيا حي والآسيا بآسيا الوسطى "
    mentions = geoparser.extract(text)
    assert all(a.end <= b.start for a, b in pairwise(mentions))
    assert [m.surface for m in mentions if m.status == "unresolved"] == ["والآسيا"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("اقتحم الجنود قرية \"عين الصفا – الدويرة\" فجراً", ["عين الصفا", "الدويرة"]),
        ("انفجرت عبوة أمام مطعم «النخيل» وسط البلدة", ["النخيل"]),
        ("استعادت القوات معسكري «الفرسان» و«الصمود» جنوب المدينة", ["الفرسان", "الصمود"]),
        ("تضرر مشفى \"الأمل\" بعد القصف", ["الأمل"]),
    ],
)
def test_a_quoted_name_after_a_place_or_facility_word_is_a_name(geoparser, text, names):
    assert [m.surface for m in geoparser.extract(text) if m.status == "unresolved"] == names


@pytest.mark.parametrize(
    "text",
    [
        "شهدت أحياءً \"يسكنها الفقراء\" حملة مداهمات",
        "اتفق الطرفان على \"منطقة عازلة\" بين القوات",
        "قال الشيخ \"إن الوضع صعب\" للصحفيين",
    ],
)
def test_a_quoted_phrase_that_is_no_name_is_left_alone(geoparser, text):
    assert [m.surface for m in geoparser.extract(text) if m.status == "unresolved"] == []


def test_names_in_a_quoted_list_share_the_container_named_after_it(geoparser):
    found = [m for m in geoparser.extract("سيطرت الفصائل على معسكري «الفرسان» و«الصمود» جنوب حلب") if not m.place_id]
    assert [(m.surface, m.container) for m in found] == [("الفرسان", "sy-aleppo"), ("الصمود", "sy-aleppo")]
