"""Mention tables read back: what ``geo extract`` wrote (JSONL, CSV, GeoParquet, GeoJSON), after a
user corrected it, gives the same mentions, with the corrections; ``geo map`` draws them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import geopandas
import pytest
from conftest import run_geo
from shapely.geometry import Point

from geo.batch import record
from geo.errors import GeoError
from geo.maps import page_html, render_map
from geo.maps.payload import PLACE_FIELDS, build_map_data
from geo.mention_table import is_mention_table, mention_from_record, read_mention_table

ARTICLE = "قصفت الطائرات حي الكلاسة بمدينة حلب، وعقد الوزراء اجتماعا في جنيف لبحث الهدنة."


@pytest.fixture(scope="module")
def article(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("articles")
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    return folder / "a.txt"


@pytest.fixture(scope="module")
def written(article, tmp_path_factory) -> dict[str, Path]:
    """The article extracted in every format ``geo extract`` writes."""
    folder = tmp_path_factory.mktemp("tables")
    paths = {}
    for fmt, suffix in (("jsonl", "jsonl"), ("csv", "csv"), ("parquet", "parquet"), ("geojson", "geojson")):
        out = folder / f"m.{suffix}"
        result = run_geo("extract", str(article), "--format", fmt, "--out", str(out), env={"GEO_NO_WORLD": "1"})
        assert result.returncode == 0, result.stderr
        paths[fmt] = out
    return paths


def mentions_of(path) -> list:
    items = list(read_mention_table(path))
    assert all(not isinstance(item, GeoError) for item in items), items
    return items


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet", "geojson"])
def test_every_format_geo_extract_writes_reads_back_as_the_same_mentions(written, geoparser, article, fmt):
    expected = geoparser.extract(ARTICLE, doc=str(article))
    got = mentions_of(written[fmt])
    assert [(m.place_id, m.role, m.surface, m.start, m.end) for m in got] == [
        (m.place_id, m.role, m.surface, m.start, m.end) for m in expected]
    kallaseh = next(m for m in got if m.place_id == "sy-aleppo-kallaseh")
    # What was written: coordinates to the decimals their uncertainty is worth (geo.batch.record).
    written_lat = next(record(m)["lat"] for m in expected if m.place_id == "sy-aleppo-kallaseh")
    assert kallaseh.lat == pytest.approx(written_lat)
    assert kallaseh.sentence[kallaseh.sentence_start:kallaseh.sentence_end] == "الكلاسة"
    assert is_mention_table(written[fmt])


def test_a_corpus_is_not_a_mention_table(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "1", "text": ARTICLE}, ensure_ascii=False) + "\n", encoding="utf-8")
    (tmp_path / "corpus.csv").write_text("id,text\n1,نص\n", encoding="utf-8")
    assert not is_mention_table(corpus) and not is_mention_table(tmp_path / "corpus.csv")


def test_a_role_corrected_in_a_spreadsheet_shows_on_the_map(written, tmp_path, gazetteer):
    rows = list(csv.DictReader(written["csv"].open(encoding="utf-8")))
    for row in rows:
        if row["place_id"] == "ch-geneva":
            row["role"] = "conflict"
        if row["place_id"] == "sy-aleppo-kallaseh":
            row["lat"], row["lon"] = "36.2100", "37.1500"  # moved
    edited = tmp_path / "edited.csv"
    with edited.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    data = build_map_data(mentions_of(edited), gazetteer)
    geneva = next(r for r in data.rows if r[0] == "ch-geneva")
    assert geneva[PLACE_FIELDS.index("counts")] == [1, 0, 0]
    kallaseh = next(r for r in data.rows if r[0] == "sy-aleppo-kallaseh")
    assert (kallaseh[PLACE_FIELDS.index("lat")], kallaseh[PLACE_FIELDS.index("lon")]) == (36.21, 37.15)


def test_a_point_moved_in_qgis_wins_over_the_stale_lat_lon_columns(written, tmp_path):
    frame = geopandas.read_file(written["geojson"])
    moved = frame["place_id"] == "sy-aleppo-kallaseh"
    frame.loc[moved, "geometry"] = Point(37.2, 36.25)
    out = tmp_path / "moved.geojson"
    frame.to_file(out, driver="GeoJSON", engine="pyogrio")
    kallaseh = next(m for m in mentions_of(out) if m.place_id == "sy-aleppo-kallaseh")
    assert (kallaseh.lat, kallaseh.lon) == (36.25, 37.2)
    assert frame.loc[moved, "lat"].iloc[0] != 36.25  # the attribute was not touched


def test_render_map_takes_the_frame_of_extract_frame(article, geoparser, gazetteer):
    import geo

    frame = geo.extract_frame([article], parser=geoparser)
    frame.loc[frame["place_id"] == "ch-geneva", "role"] = "other"
    page = page_html(render_map(frame, gazetteer))
    data = build_map_data(list(read_frame(frame)), gazetteer)
    assert next(r for r in data.rows if r[0] == "ch-geneva")[PLACE_FIELDS.index("counts")] == [0, 0, 1]
    assert "sy-aleppo-kallaseh" in page


def read_frame(frame):
    from geo.mention_table import mentions_from_frame

    return mentions_from_frame(frame)


def test_a_bad_row_is_named_by_file_line_and_field_and_the_others_go_on(written, tmp_path):
    lines = written["jsonl"].read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["role"] = "battle"
    lines[0] = json.dumps(first, ensure_ascii=False)
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_mention_table(broken))
    errors = [item for item in items if isinstance(item, GeoError)]
    assert len(errors) == 1 and len(items) == len(lines)
    assert str(errors[0]).startswith(f"{broken}:1") and "role 'battle' is not one of" in str(errors[0])


@pytest.mark.parametrize(("field", "value", "message"), [
    ("lat", "north", "lat 'north' is not a number"),
    ("lat", "95", "outside -90..90"),
    ("lon", "inf", "not a finite number"),
    ("role", "war", "role 'war'"),
])
def test_bad_values_are_refused_with_the_field(field, value, message):
    row = {"surface": "حلب", "role": "conflict", "lat": "36.2", "lon": "37.1", field: value}
    with pytest.raises(ValueError, match=message):
        mention_from_record(row)


def test_render_map_refuses_a_frame_with_a_bad_role(gazetteer):
    import pandas as pd

    frame = pd.DataFrame([{"surface": "حلب", "role": "war", "lat": 36.2, "lon": 37.1}])
    with pytest.raises(GeoError, match="role 'war'"):
        render_map(frame, gazetteer)


def test_geo_map_draws_a_corrected_table_and_counts_its_documents(written, tmp_path):
    out = tmp_path / "m.html"
    result = run_geo("map", str(written["parquet"]), "--out", str(out), env={"GEO_NO_WORLD": "1"})
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert "sy-aleppo-kallaseh" in page and "مقال واحد" in page


def test_geo_map_reports_bad_rows_and_draws_the_rest(written, tmp_path):
    text = written["csv"].read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    row = next(csv.reader([text[1]]))
    row[header.index("lat")] = "north"
    bad = tmp_path / "bad.csv"
    with bad.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header)
        writer.writerow(row)
        for line in text[2:]:
            writer.writerow(next(csv.reader([line])))
    out = tmp_path / "m.html"
    result = run_geo("map", str(bad), "--out", str(out), env={"GEO_NO_WORLD": "1"})
    assert result.returncode == 1
    assert f"geo: error: {bad}:2" in result.stderr and "lat 'north' is not a number" in result.stderr
    assert out.is_file()
