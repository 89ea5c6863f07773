"""Accuracy per change: the development set (recognition, resolution, roles) and ANERcorp's test split
(recognition, text nobody here wrote), one row per run in ``bench/results/accuracy.md``.

    python bench/bench_accuracy.py [--label "what changed"] [--write]

Both go through ``geo evaluate`` in a fresh process, as a user would run it. The development set is
``../shared/benchmarks/devset/dev.jsonl`` (or ``$GEO_DEVSET``); ANERcorp is read as in
``bench_anercorp.py`` (test split, first token of each sentence left out, world layer on).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_anercorp import score as anercorp_score  # noqa: E402
from bench_extract import machine  # noqa: E402

DEVSET = Path(os.environ.get("GEO_DEVSET") or ROOT.parent / "shared" / "benchmarks" / "devset" / "dev.jsonl")
RESULTS = ROOT / "bench" / "results" / "accuracy.md"
COLUMNS = ("date", "commit", "change", "dev P / R / F1", "acc@161", "5 km", "role acc.", "conflict", "diplomatic",
           "ANERcorp test P / R / F1", "machine")
HEADER = (
    "# Accuracy per change\n\n"
    "Development set: `geo evaluate ../shared/benchmarks/devset/dev.jsonl` (50 passages, 643 mentions).\n"
    "Recognition is span overlap; acc@161 counts a mention found but not placed as wrong and a country as\n"
    "right when the country is; \"5 km\" is neighbourhoods and landmarks; role accuracy is over found\n"
    "mentions; \"conflict\" and \"diplomatic\" are the found gold mentions of that role given that role (in\n"
    "brackets: of all gold mentions of that role). ANERcorp: test split, LOC, world layer on.\n\n"
    "| " + " | ".join(COLUMNS) + " |\n"
    "| --- | --- | --- | --- | ---: | ---: | ---: | --- | --- | --- | --- |\n"
)


def dev_scores() -> dict:
    argv = [sys.executable, "-m", "geo.cli", "evaluate", str(DEVSET), "--format", "json", "--examples", "0"]
    return json.loads(subprocess.run(argv, check=True, capture_output=True, text=True, cwd=ROOT).stdout)


def commit() -> str:
    run = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    dirty = subprocess.run(["git", "status", "--porcelain", "geo", "gazetteer"], capture_output=True, text=True,
                           cwd=ROOT).stdout.strip()
    return (run.stdout.strip() or "?") + ("+" if dirty else "")


def row(label: str) -> str:
    d = dev_scores()
    a = anercorp_score("test", True)
    layer = lambda role: (  # noqa: E731
        f"{d[f'{role}_layer_recall']:.3f} ({d[f'{role}_of_gold']:.3f})" if f"{role}_layer_recall" in d else "-"
    )
    return (
        f"| {datetime.date.today().isoformat()} | {commit()} | {label} | "
        f"{d['precision']:.3f} / {d['recall']:.3f} / **{d['f1']:.3f}** | {d['acc_at_161km']:.3f} | "
        f"{d['fine_within_5km']:.3f} | {d['role_accuracy']:.3f} | {layer('conflict')} | {layer('diplomatic')} | "
        f"{a['precision']:.3f} / {a['recall']:.3f} / **{a['f1']:.3f}** | {machine()} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--label", default="", help="what changed (a few words)")
    parser.add_argument("--write", action="store_true", help=f"append the row to {RESULTS.relative_to(ROOT)}")
    args = parser.parse_args()
    line = row(args.label.replace("|", "/"))
    print(HEADER.splitlines()[-2])
    print(line)
    if args.write:
        previous = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else HEADER
        RESULTS.write_text(previous + line + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
