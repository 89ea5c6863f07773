"""The whole pipeline on the seed articles, the output contract, and bad input."""

import json
import subprocess
import sys

import geopandas
import pytest
from conftest import run_geo
from hypothesis import given, settings
from hypothesis import strategies as st
from seeds import check_must, check_must_not, expectations, seeds_directory

from geo.batch import record

ROWS = expectations()


@pytest.fixture(scope="module")
def seed_runs(geoparser):
    runs = {}
    for path in sorted(seeds_directory().glob("*.txt")):
        text = path.read_text(encoding="utf-8-sig")
        runs[path.name] = (text, [record(m) for m in geoparser.extract(text, doc=path.name)])
    return runs


def test_every_seed_row_holds(seed_runs):
    problems = []
    for row in ROWS:
        text, mentions = seed_runs[row.file]
        if row.need == "must":
            problems.append(check_must(row, mentions))
        elif row.need == "must_not":
            problems.append(check_must_not(row, text, mentions))
    assert [p for p in problems if p] == []
    assert sum(r.need == "must" for r in ROWS) >= 70


def test_surfaces_are_exact_spans_of_the_seed_text(seed_runs):
    for text, mentions in seed_runs.values():
        for mention in mentions:
            assert text[mention["start"] : mention["end"]] == mention["surface"]


def test_may_rows_are_mostly_found(seed_runs):
    may = [r for r in ROWS if r.need == "may"]
    found = [r for r in may if check_must(r, seed_runs[r.file][1]) is None]
    assert len(found) >= len(may) - 1


def test_extract_jsonl_contract(tmp_path):
    article = tmp_path / "a.txt"
    article.write_bytes("\ufeffاستهدفت غارات حي الكلاسة بمدينة حلب\r\nوعقد اجتماع في جنيف".encode())
    result = run_geo("extract", str(article))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    keys = {"doc", "start", "end", "surface", "place_id", "name_ar", "name_en", "feature", "lat", "lon",
            "country", "role", "cue", "confidence", "precision", "reason"}
    text = article.read_bytes().decode("utf-8-sig")
    assert [r["place_id"] for r in records] == ["sy-aleppo-kallaseh", "sy-aleppo", "ch-geneva"]
    for r in records:
        assert keys <= set(r)
        assert r["doc"] == str(article)
        assert text[r["start"] : r["end"]] == r["surface"]
    assert records[2]["role"] == "diplomatic"
    # A conflict location says what kind of event its cue names; other mentions leave it empty.
    assert [r["event"] for r in records] == ["air/drone strike", "air/drone strike", ""]


def test_extract_from_stdin_and_a_folder(tmp_path):
    result = run_geo("extract", "-", input="قصف على إدلب")
    assert json.loads(result.stdout)["doc"] == "-"
    (tmp_path / "one.txt").write_text("قصف على حماة", encoding="utf-8")
    (tmp_path / "two.txt").write_text("محادثات في فيينا", encoding="utf-8")
    (tmp_path / "notes.md").write_text("حلب", encoding="utf-8")
    result = run_geo("extract", str(tmp_path), "--format", "csv")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("doc,start,end,surface,place_id")
    assert len(lines) == 3


def test_extract_geojson_and_parquet(tmp_path):
    for fmt in ("geojson", "parquet"):
        out = tmp_path / f"m.{fmt}"
        result = run_geo("extract", str(seeds_directory()), "--format", fmt, "--out", str(out))
        assert result.returncode == 0, result.stderr
        frame = geopandas.read_parquet(out) if fmt == "parquet" else geopandas.read_file(out)
        assert frame.crs.to_epsg() == 4326
        assert {"sy-aleppo-kallaseh", "ch-geneva", "de-munich"} <= set(frame["place_id"])


def test_extract_frame_python_api():
    import geo

    frame = geo.extract_frame([seeds_directory() / "004_afaff29ea851c22d.txt"])
    assert frame.crs.to_epsg() == 4326
    row = frame[frame["place_id"] == "de-munich"].iloc[0]
    assert abs(row.geometry.x - row["lon"]) < 1e-9 and abs(row.geometry.y - row["lat"]) < 1e-9


def test_document_summary():
    from geo.summary import document_summary, summarise

    mentions = [
        *__import__("geo").extract("قصف على حلب. قصف آخر على حلب", doc="a"),
        *__import__("geo").extract("محادثات في جنيف", doc="b"),
    ]
    per_doc = document_summary(mentions)
    assert per_doc["a"]["places"]["sy-aleppo"] == 2 and per_doc["b"]["roles"]["diplomatic"] == 1
    places = summarise(mentions)
    assert places[0].place_id == "sy-aleppo" and places[0].roles["conflict"] == 2


def test_a_bad_file_is_reported_and_the_others_still_run(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("قصف على حلب", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes("قصف على حمص".encode("cp1256"))
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02PNG")
    result = run_geo("extract", str(bad), str(good), str(binary), str(tmp_path / "missing.txt"))
    assert result.returncode == 1
    assert [json.loads(line)["place_id"] for line in result.stdout.splitlines()] == ["sy-aleppo"]
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 3
    assert errors[0].startswith(f"geo: error: {bad}: not utf-8 text") and "cp1256" in errors[0]
    assert errors[1].startswith(f"geo: error: {binary}: binary file")
    assert "missing.txt: no such file" in errors[2]
    again = run_geo("extract", str(bad), "--encoding", "cp1256")
    assert again.returncode == 0 and json.loads(again.stdout)["place_id"] == "sy-homs"


def test_an_empty_file_gives_no_mentions_and_no_error(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run_geo("extract", str(empty))
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_out_into_a_missing_folder_is_a_usage_error(tmp_path):
    result = run_geo("extract", "-", "--out", str(tmp_path / "no" / "m.jsonl"), input="حلب")
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_a_50_mb_file_runs_in_bounded_memory(tmp_path, seed_runs):
    """Peak memory for 50 MB of text stays within a few MB of that for 1 MB: it does not grow with
    the file (a whole 50 MB file decoded would be ~100 MB of str, before any copy)."""
    text = "\n".join(t for t, _ in seed_runs.values()) + "\n"
    chunk = text.encode("utf-8")

    def peak_mb(megabytes: int) -> tuple[float, int, int]:
        path = tmp_path / f"big-{megabytes}.txt"
        copies = megabytes * 1024 * 1024 // len(chunk) + 1
        with path.open("wb") as stream:
            for _ in range(copies):
                stream.write(chunk)
        out = tmp_path / f"m-{megabytes}.jsonl"
        code = (
            "import resource, sys; from geo.cli import main; rc = main(['extract', sys.argv[1], '--out', sys.argv[2]]);"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss); sys.exit(rc)"
        )
        result = subprocess.run([sys.executable, "-c", code, str(path), str(out)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        with out.open(encoding="utf-8") as stream:
            count = sum(1 for _ in stream)
        return int(result.stdout.strip()) / 1024, count, copies

    small, _, _ = peak_mb(1)
    large, count, copies = peak_mb(50)
    assert large - small < 40, (small, large)
    per_copy = sum(len(m) for _, m in seed_runs.values())
    assert count >= per_copy * copies * 0.95


arabic_text = st.text(
    alphabet=st.sampled_from(
        list("حلبدمشقالرقةجنيفباريسوكفأإآىئؤ ،.\n\u064e\u064f\u0640\u200c\u200f\u202bMunichGermany١٢")
    ),
    max_size=200,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(arabic_text, st.text(max_size=200)))
def test_every_surface_is_its_span_for_any_text(geoparser, text):
    mentions = geoparser.extract(text)
    previous_end = -1
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.surface
        assert mention.start >= previous_end
        previous_end = mention.end
        # The popup highlights the mention inside its sentence.
        assert mention.sentence[mention.sentence_start : mention.sentence_end] == mention.surface


def test_a_long_sentence_is_cut_between_words_with_an_ellipsis(geoparser):
    words = [f"كلمة{i}" for i in range(60)]
    text = " ".join(words) + " قصفت الطائرات مدينة حلب " + " ".join(words) + "."
    [mention] = [m for m in geoparser.extract(text) if m.surface == "حلب"]
    sentence = mention.sentence
    assert sentence.startswith("…") and sentence.endswith("…")
    assert sentence[mention.sentence_start : mention.sentence_end] == "حلب"
    # Every word shown is a whole word of the text.
    assert all(word in [*words, "قصفت", "الطائرات", "مدينة", "حلب"] for word in sentence.strip("…").split())


def test_every_seed_mention_is_highlighted_in_its_sentence(geoparser):
    for path in sorted(seeds_directory().glob("*.txt")):
        for mention in geoparser.extract(path.read_text(encoding="utf-8-sig")):
            assert mention.sentence[mention.sentence_start : mention.sentence_end] == mention.surface
