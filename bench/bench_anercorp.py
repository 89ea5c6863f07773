"""Recognition on ANERcorp (CAMeL Lab split), text nobody here wrote, with the world layer on and off.

    python bench/bench_anercorp.py [--write]

Develop on the train split only; the test split is reported, never tuned to. The test file's first
token of each sentence is known to be wrong and is left out of scoring (--ignore-first-token), as the
benchmark's README asks.
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

from bench_extract import append_results, machine  # noqa: E402

CORPUS = Path(os.environ.get("GEO_ANERCORP") or ROOT.parent / "shared" / "benchmarks" / "anercorp")


def score(split: str, world: bool) -> dict:
    argv = [
        sys.executable,
        "-m",
        "geo.cli",
        "evaluate",
        str(CORPUS / f"ANERCorp_CamelLab_{split}.txt"),
        "--gold-format",
        "conll",
        "--format",
        "json",
        "--examples",
        "0",
    ]
    if split == "test":
        argv.append("--ignore-first-token")
    if not world:
        argv.append("--no-world")
    return json.loads(subprocess.run(argv, check=True, capture_output=True, text=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    lines = [
        f"## {datetime.date.today().isoformat()} — {machine()}",
        "",
        "| split | world layer | precision | recall | F1 | gold LOC spans |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for split in ("train", "test"):
        for world in (True, False):
            r = score(split, world)
            lines.append(
                f"| {split} | {'on' if world else 'off'} | {r['precision']:.3f} | {r['recall']:.3f} | "
                f"**{r['f1']:.3f}** | {r['gold_spans']} |"
            )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        append_results("anercorp.md", "ANERcorp recognition", text)


if __name__ == "__main__":
    main()
