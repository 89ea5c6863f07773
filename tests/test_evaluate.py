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
    plain = json.loads(run_geo("--no-world", "evaluate", str(gold)).stdout)
    assert plain["predicted"] == 1 and plain["precision"] == 0.0
    skipped = json.loads(run_geo("--no-world", "evaluate", str(gold), "--ignore-first-token").stdout)
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
    report = json.loads(run_geo("--no-world", "evaluate", str(gold)).stdout)
    assert report["f1"] == 1.0
    assert report["acc_at_161km"] == 0.5 and report["median_error_km"] > 100
    assert report["role_accuracy"] == 0.5


def test_a_broken_gold_line_names_file_and_line(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"text": "حلب", "mentions": []}\n{"mentions": []}\n', encoding="utf-8")
    result = run_geo("--no-world", "evaluate", str(gold))
    assert result.returncode == 1 and f"{gold}: line 2:" in result.stderr
