"""``geo gazetteer import-geonames`` on small files in GeoNames format."""

import json

from conftest import run_geo

MAIN = [
    # geonameid name asciiname alternatenames lat lon class code cc cc2 a1 a2 a3 a4 pop elev dem tz date
    [
        "9000001",
        "Tall Test",
        "Tall Test",
        "Tall Test,تل الاختبار",
        "36.30",
        "37.20",
        "P",
        "PPL",
        "SY",
        "",
        "09",
        "",
        "",
        "",
        "1200",
        "",
        "400",
        "Asia/Damascus",
        "2020-01-01",
    ],
    [
        "9000002",
        "Kafr Sample",
        "Kafr Sample",
        "",
        "35.90",
        "36.60",
        "P",
        "PPL",
        "SY",
        "",
        "07",
        "",
        "",
        "",
        "800",
        "",
        "300",
        "Asia/Damascus",
        "2020-01-01",
    ],
    [
        "9000003",
        "No Arabic",
        "No Arabic",
        "Nowhere",
        "35.0",
        "36.0",
        "P",
        "PPL",
        "SY",
        "",
        "07",
        "",
        "",
        "",
        "10",
        "",
        "1",
        "Asia/Damascus",
        "2020-01-01",
    ],
    [
        "9000004",
        "Lebanese Test",
        "Lebanese Test",
        "قرية لبنانية",
        "34.0",
        "35.8",
        "P",
        "PPL",
        "LB",
        "",
        "",
        "",
        "",
        "",
        "500",
        "",
        "1",
        "Asia/Beirut",
        "2020-01-01",
    ],
    [
        "9000005",
        "A Stream",
        "A Stream",
        "جدول",
        "35.5",
        "36.5",
        "H",
        "STM",
        "SY",
        "",
        "",
        "",
        "",
        "",
        "0",
        "",
        "1",
        "Asia/Damascus",
        "2020-01-01",
    ],
]
ALTERNATES = [
    ["1", "9000002", "ar", "كفر العينة", "1", "", "", "", "", ""],
    ["2", "9000002", "ar", "كفرالعينة", "", "", "", "", "", ""],
    ["3", "9000002", "en", "Kafr Sample", "", "", "", "", "", ""],
    ["4", "9000001", "ar", "تل قديم", "", "", "", "1", "", ""],
]


def write(path, rows):
    path.write_text("\n".join("\t".join(r) for r in rows) + "\n", encoding="utf-8")


def test_import_keeps_places_of_the_country_with_arabic_names(tmp_path):
    main, alternates, out = tmp_path / "SY.txt", tmp_path / "alternateNamesV2.txt", tmp_path / "mine.csv"
    write(main, MAIN)
    write(alternates, ALTERNATES)
    result = run_geo(
        "gazetteer",
        "import-geonames",
        str(main),
        "--alternate-names",
        str(alternates),
        "--country",
        "SY",
        "--out",
        str(out),
        "--no-world",
    )
    assert result.returncode == 0, result.stderr
    assert "imported 2 entries" in result.stderr
    assert run_geo("gazetteer", "validate", str(out)).returncode == 0
    found = run_geo("--gazetteer", str(out), "gazetteer", "search", "كفر العينة", "--json")
    [entry] = json.loads(found.stdout)
    assert entry["id"] == "gn-9000002" and entry["variants_ar"] == ["كفرالعينة"] and entry["parent"] == "sy"
    tall = json.loads(run_geo("--gazetteer", str(out), "gazetteer", "search", "تل الاختبار", "--json").stdout)
    assert tall[0]["id"] == "gn-9000001" and "تل قديم" not in tall[0]["variants_ar"]  # historic name left out
    extracted = run_geo("--gazetteer", str(out), "--no-world", "extract", "-", input="قصف على كفر العينة")
    assert json.loads(extracted.stdout)["place_id"] == "gn-9000002"


def test_a_broken_row_is_refused_with_its_line(tmp_path):
    main, out = tmp_path / "SY.txt", tmp_path / "mine.csv"
    write(main, [*MAIN[:2], ["9000009", "short row"]])
    result = run_geo("gazetteer", "import-geonames", str(main), "--out", str(out))
    assert result.returncode == 1
    assert f"{main}: line 3: expected 19 tab-separated fields" in result.stderr
    assert not out.exists()
