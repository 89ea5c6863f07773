"""``geo gazetteer ...`` end to end, as a user runs it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, run_geo
from seeds import expectations

MUST_ROWS = [row for row in expectations() if row.need == "must"]


def test_search_json_finds_every_must_row_of_the_seeds():
    missing = []
    for row in MUST_ROWS:
        result = run_geo("gazetteer", "search", row.surface, "--json")
        found = json.loads(result.stdout or "[]")
        if result.returncode != 0 or not any(row.near(e["lat"], e["lon"]) for e in found):
            missing.append(f"{row.file} {row.surface} ({row.name_en})")
    assert not missing, missing


def test_search_prints_names_feature_coordinates_and_parent_chain():
    result = run_geo("gazetteer", "search", "بالكلاسة")
    assert result.returncode == 0
    line = result.stdout.splitlines()[0]
    assert line.startswith("sy-aleppo-kallaseh\tالكلاسة\t")
    assert "neighbourhood" in line and "حلب" in line and "سوريا" in line


def test_search_without_a_hit_exits_1():
    result = run_geo("gazetteer", "search", "مكانلاوجودله")
    assert result.returncode == 1
    assert "no entry" in result.stderr


def test_validate_passes_on_the_shipped_data():
    result = run_geo("gazetteer", "validate")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("fixture", "line", "words"),
    [
        ("bad_latitude.csv", 3, "lat 96.2 is outside"),
        ("unknown_parent.csv", 2, "unknown parent 'sy-nowhere'"),
        ("duplicate.csv", 3, "duplicate name"),
        ("far_from_parent.csv", 2, "km from its parent sy-aleppo"),
        ("bad_quoting.csv", 3, "bad CSV quoting"),
        ("parent_cycle.csv", 2, "parent cycle"),
        ("wrong_header.csv", 1, "wrong header"),
        ("empty.csv", 1, "empty file"),
        ("duplicate_id.csv", 3, "duplicate id 'sy-aleppo-test-twice'"),
    ],
)
def test_validate_names_file_and_line_of_each_broken_fixture(fixture, line, words):
    path = FIXTURES / "broken" / fixture
    result = run_geo("gazetteer", "validate", str(path))
    assert result.returncode == 1
    assert f"{path}:{line}: " in result.stdout and words in result.stdout, result.stdout


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix == ".csv"}


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        (["--parent", "sy-nowhere"], "parent"),
        (["--at", "96.2, 37.15"], "at"),
        (["--at", "36.2, 190"], "at"),  # longitude out of range: geopy would wrap it to -170
        (["--at", "33.51, 36.29"], "lat"),  # Damascus coordinates under Aleppo
        (["--name-ar", "الكلاسة"], "name_ar"),  # duplicate under the same parent
        (["--name-ar", "Kallaseh"], "name_ar"),
        (["--name-ar", " "], "name_ar"),
        (["--feature", "planet"], "feature"),
    ],
)
def test_refused_add_leaves_every_file_unchanged(gazetteer_copy, arguments, field):
    base = {
        "--name-ar": "حي الاختبار",
        "--name-en": "Test Quarter",
        "--at": "36.2, 37.15",
        "--feature": "neighbourhood",
        "--parent": "sy-aleppo",
    }
    base.update(dict(zip(arguments[::2], arguments[1::2], strict=True)))
    before = snapshot(gazetteer_copy)
    argv = ["gazetteer", "add"] + [x for pair in base.items() for x in pair]
    result = run_geo(*argv, env={"GEO_GAZETTEER_DIR": str(gazetteer_copy)})
    assert result.returncode == 1, result.stdout + result.stderr
    message = result.stderr.strip()
    assert message.count("\n") == 0 and message.startswith(f"geo: error: {field}"), message
    assert snapshot(gazetteer_copy) == before


def test_add_accepts_degrees_minutes_and_keeps_the_file_sorted(gazetteer_copy):
    result = run_geo(
        "gazetteer", "add", "--name-ar", "حي الاختبار", "--name-en", "Test Quarter",
        "--at", "36°12′N 37°09′E", "--feature", "neighbourhood", "--parent", "sy-aleppo",
        "--variants", "الاختبار", "--source", "test",
        env={"GEO_GAZETTEER_DIR": str(gazetteer_copy)},
    )
    assert result.returncode == 0, result.stderr
    assert "sy-aleppo-test-quarter" in result.stdout
    lines = (gazetteer_copy / "aleppo.csv").read_text(encoding="utf-8").splitlines()[1:]
    ids = [line.split(",")[0] for line in lines]
    assert ids == sorted(ids)
    found = run_geo("gazetteer", "search", "بحي الاختبار", "--json", env={"GEO_GAZETTEER_DIR": str(gazetteer_copy)})
    assert [e["id"] for e in json.loads(found.stdout)] == ["sy-aleppo-test-quarter"]
    found = run_geo("gazetteer", "search", "الاختبار", "--json", env={"GEO_GAZETTEER_DIR": str(gazetteer_copy)})
    entry = json.loads(found.stdout)[0]
    assert entry["id"] == "sy-aleppo-test-quarter" and entry["lat"] == 36.2 and entry["lon"] == 37.15
    validate = run_geo("gazetteer", "validate", env={"GEO_GAZETTEER_DIR": str(gazetteer_copy)})
    assert validate.returncode == 0, validate.stdout


def test_twenty_concurrent_adds_all_land(gazetteer_copy):
    env = {"GEO_GAZETTEER_DIR": str(gazetteer_copy)}
    import os

    environment = {**os.environ, **env}
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "geo.cli", "gazetteer", "add", "--name-ar", f"حي رقم {'ابجدهوزحطيكلمنسعفصقرشت'[i]}",
             "--name-en", f"Concurrent {i}", "--at", f"36.2{i:02d}, 37.15", "--feature", "neighbourhood",
             "--parent", "sy-aleppo", "--source", "concurrency test"],
            env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for i in range(20)
    ]
    outcomes = [(*p.communicate(timeout=300), p.returncode) for p in processes]
    assert all(code == 0 for _, _, code in outcomes), [err for _, err, code in outcomes if code]
    text = (gazetteer_copy / "aleppo.csv").read_text(encoding="utf-8")
    for i in range(20):
        assert f"sy-aleppo-concurrent-{i}," in text
    validate = run_geo("gazetteer", "validate", env=env)
    assert validate.returncode == 0, validate.stdout


def test_add_from_csv_adds_good_rows_and_refuses_a_bad_one_by_row(gazetteer_copy, tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "name_ar,name_en,feature,parent,at,source\n"
        "حي الأول,First Test,neighbourhood,sy-aleppo,\"36.2, 37.15\",test\n"
        "حي الثاني,Second Test,neighbourhood,sy-nowhere,\"36.2, 37.15\",test\n"
        "حي الثالث,Third Test,neighbourhood,sy-aleppo,\"36.21, 37.16\",test\n",
        encoding="utf-8",
    )
    env = {"GEO_GAZETTEER_DIR": str(gazetteer_copy)}
    result = run_geo("gazetteer", "add", "--from", str(rows), env=env)
    assert result.returncode == 1
    assert f"{rows}:3: parent: unknown parent 'sy-nowhere'" in result.stderr
    text = (gazetteer_copy / "aleppo.csv").read_text(encoding="utf-8")
    assert "sy-aleppo-first-test" in text and "sy-aleppo-third-test" in text
    assert run_geo("gazetteer", "validate", env=env).returncode == 0


def test_export_geojson_csv_and_parquet(tmp_path):
    import geopandas

    for fmt, name in (("geojson", "g.geojson"), ("parquet", "g.parquet"), ("csv", "g.csv")):
        out = tmp_path / name
        result = run_geo("gazetteer", "export", "--format", fmt, "--out", str(out))
        assert result.returncode == 0, result.stderr
        assert out.stat().st_size > 1000
    frame = geopandas.read_parquet(tmp_path / "g.parquet")
    assert frame.crs.to_epsg() == 4326
    assert "sy-aleppo-kallaseh" in set(frame["id"])
    geojson = geopandas.read_file(tmp_path / "g.geojson")
    assert (geojson["id"] == "sy-aleppo").sum() == 1


def test_export_into_a_missing_folder_is_refused(tmp_path):
    result = run_geo("gazetteer", "export", "--format", "csv", "--out", str(tmp_path / "nope" / "g.csv"))
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_the_add_example_of_the_help_and_the_readme_is_accepted(tmp_path):
    """The example a user copies first must work on a fresh clone (and not name a place that the
    gazetteer already has, which add refuses as a duplicate)."""
    import shlex

    from geo.cli import EXAMPLES

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Adding a place the gazetteer lacks", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    commands = {
        "help": EXAMPLES["add"].split("\n", 1)[1].replace("\\\n", " ").splitlines()[0],
        "readme": block.replace("\\\n", " ").strip().splitlines()[0],
    }
    for origin, command in commands.items():
        arguments = shlex.split(command)
        assert arguments[:3] == ["geo", "gazetteer", "add"], origin
        folder = tmp_path / origin
        folder.mkdir()
        added = run_geo(*arguments[1:], cwd=folder, env={"GEO_NO_WORLD": "1"})
        assert added.returncode == 0, (origin, added.stderr)
        found = run_geo("gazetteer", "search", "--json", "--gazetteer", str(folder / "my_places.csv"), "بالحلوانية")
        assert [e["name_en"] for e in json.loads(found.stdout)] == ["Al-Halwaniyah"], origin
