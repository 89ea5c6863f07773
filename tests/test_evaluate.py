"""``geo evaluate`` on small gold files written here (ANERcorp itself is measured in bench/)."""

import json

from conftest import run_geo


def test_conll_precision_recall_and_misses(tmp_path):
    gold = tmp_path / "gold.txt"
    gold.write_text(
        "قصف O\nعلى O\nحلب B-LOC\nو O\nحماة B-LOC\n\n"
        "وصل O\nالوفد O\nإلى O\nقرية B-LOC\nخيالية I-LOC\n\n"
        "قالت O\nالأمم B-ORG\nالمتحدة I-ORG\nإن O\nسوريا O\n",
        encoding="utf-8",
    )
    result = run_geo("--no-world", "evaluate", str(gold), "--format", "conll")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    # Gold: حلب، حماة، قرية خيالية; predicted: حلب، حماة، خيالية (discovered), سوريا (tagged O here).
    assert report["gold_spans"] == 3 and report["predicted"] == 4
    assert report["precision"] == 0.75 and report["recall"] == 1.0
    assert report["top_false_places"] == [["سوريا", 1]]


def test_the_first_token_can_be_left_out(tmp_path):
    gold = tmp_path / "gold.txt"
    gold.write_text("حلب O\nمدينة O\nكبيرة O\n", encoding="utf-8")
    plain = json.loads(run_geo("--no-world", "evaluate", str(gold), "--format", "json").stdout)
    assert plain["predicted"] == 1 and plain["precision"] == 0.0
    skipped = json.loads(
        run_geo("--no-world", "evaluate", str(gold), "--ignore-first-token", "--format", "json").stdout
    )
    assert skipped["predicted"] == 0


def test_jsonl_scores_resolution_and_roles(tmp_path):
    text = "قصف على حلب ومحادثات في جنيف"
    gold = tmp_path / "gold.jsonl"
    start = text.index("حلب")
    geneva = text.index("جنيف")
    item = {
        "text": text,
        "mentions": [
            {"start": start, "end": start + 3, "lat": 36.2, "lon": 37.16, "role": "conflict"},
            {"start": geneva, "end": geneva + 4, "lat": 40.0, "lon": 6.14, "role": "conflict"},
        ],
    }
    gold.write_text(json.dumps(item, ensure_ascii=False) + "\n", encoding="utf-8")
    report = json.loads(run_geo("--no-world", "evaluate", str(gold), "--format", "json").stdout)
    assert report["f1"] == 1.0
    assert report["acc_at_161km"] == 0.5 and report["median_error_km"] > 100
    assert report["role_accuracy"] == 0.5


def test_a_broken_gold_line_names_file_and_line(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"text": "حلب", "mentions": []}\n{"mentions": []}\n', encoding="utf-8")
    result = run_geo("--no-world", "evaluate", str(gold))
    assert result.returncode == 1 and f"{gold}: line 2:" in result.stderr


def test_an_i_loc_after_o_starts_a_span_of_its_own(tmp_path):
    # A tagging slip (I-LOC with no B-LOC before it) must not lose the place, even when the sentence
    # already has a span: the reader used to drop it.
    from geo.evaluate import read_conll

    gold = tmp_path / "gold.txt"
    gold.write_text(
        "قصف B-LOC\nعلى O\nحلب B-LOC\nو O\nحماة I-LOC\nالجديدة I-LOC\nأمس O\n", encoding="utf-8"
    )
    (document,) = read_conll(gold)
    assert [document.text[s.start : s.end] for s in document.spans] == ["قصف", "حلب", "حماة الجديدة"]


def _gold_item(text: str, *mentions: dict, negatives: tuple = ()) -> str:
    spans = []
    for m in mentions:
        start = text.index(m.pop("surface"))
        spans.append({"start": start, "end": start + m.pop("length"), **m})
    negative_spans = [{"start": text.index(n), "end": text.index(n) + len(n)} for n in negatives]
    return json.dumps({"id": "d1", "text": text, "mentions": spans, "negatives": negative_spans}, ensure_ascii=False)


def test_the_report_scores_layers_countries_fine_points_and_negatives(tmp_path):
    text = "قصف على حي الكلاسة في سوريا، وقالت حملة حلب تنتفض إن محادثات جنيف مستمرة"
    item = _gold_item(
        text,
        # A neighbourhood point 20 km off: found, but not within 5 km.
        {"surface": "الكلاسة", "length": 7, "lat": 36.37, "lon": 37.15, "role": "conflict", "feature": "neighbourhood"},
        # Syria at a centroid far from the gazetteer's: a country is right when the country is.
        {"surface": "سوريا", "length": 5, "lat": 34.0, "lon": 39.5, "role": "conflict", "feature": "country"},
        {"surface": "جنيف", "length": 4, "lat": 46.2, "lon": 6.15, "role": "diplomatic", "feature": "city"},
        negatives=("حملة حلب تنتفض",),
    )
    gold = tmp_path / "dev.jsonl"
    gold.write_text(item + "\n", encoding="utf-8")
    report = json.loads(run_geo("--no-world", "evaluate", str(gold), "--format", "json").stdout)
    assert report["recall"] == 1.0
    # حلب inside the campaign's name is a false place, counted apart too.
    assert report["predicted_on_negatives"] == 1 and report["precision"] == 0.75
    assert "حلب" in report["errors"]["false place: inside a negative span"]["examples"][0]["surface"]
    assert report["acc_at_161km"] == 1.0
    assert (report["fine_scored"], report["fine_right"]) == (1, 0)
    assert report["errors"]["place: neighbourhood more than 5 km off"]["count"] == 1
    assert report["confusion"]["conflict"]["conflict"] == 2
    assert report["conflict_layer_recall"] == 1.0 and report["diplomatic_found"] == 1
    assert report["recall_by_feature"]["neighbourhood"] == [1, 1]


def test_the_text_report_lists_misses_by_class(tmp_path):
    text = "سقطت قذائف على حي الكلاسة وحي قرية_لا_توجد في حلب"
    item = _gold_item(
        text,
        {"surface": "قرية_لا_توجد", "length": 12, "role": "conflict", "feature": "neighbourhood"},
        {"surface": "الكلاسة", "length": 7, "role": "other", "feature": "neighbourhood"},
    )
    gold = tmp_path / "dev.jsonl"
    gold.write_text(item + "\n", encoding="utf-8")
    result = run_geo("--no-world", "evaluate", str(gold))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "role confusion (rows: gold, columns: predicted)" in out
    assert "miss: not in the gazetteer" in out and "[قرية_لا_توجد]" in out
    assert "role other -> conflict" in out and "cue 'قذائف'" in out


def test_a_folder_holding_one_annotated_file_is_read_as_that_file(tmp_path):
    """The dev set is a folder (README, checker, dev.jsonl): naming the folder scores its .jsonl;
    a folder with none, or with several, is refused with a line that names it."""
    text = "قصف على حلب"
    start = text.index("حلب")
    item = {"text": text, "mentions": [{"start": start, "end": start + 3, "lat": 36.2, "lon": 37.16}]}
    (tmp_path / "README.md").write_text("guidelines\n", encoding="utf-8")
    (tmp_path / "dev.jsonl").write_text(json.dumps(item, ensure_ascii=False) + "\n", encoding="utf-8")
    report = json.loads(run_geo("--no-world", "evaluate", str(tmp_path), "--format", "json").stdout)
    assert report["gold_spans"] == 1 and report["f1"] == 1.0
    (tmp_path / "more.jsonl").write_text("", encoding="utf-8")
    several = run_geo("--no-world", "evaluate", str(tmp_path))
    assert several.returncode == 1
    assert f"{tmp_path}: a folder with several annotated files (dev.jsonl, more.jsonl): name one" in several.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    none = run_geo("--no-world", "evaluate", str(empty))
    assert none.returncode == 1 and f"{empty}: a folder without an annotated file" in none.stderr
