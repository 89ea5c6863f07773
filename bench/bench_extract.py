"""Extraction throughput and command-line start-up, measured on demand (never in tests).

    python bench/bench_extract.py                 # prints a table
    python bench/bench_extract.py --write         # also appends it to bench/results/extract.md

Throughput: the seed articles (../shared/seeds, or $GEO_SEEDS) extracted again and again in one
process on one core, after one warm-up pass; articles/s and MB/s of UTF-8 text. Start-up: wall time
of ``geo --help`` and of ``geo gazetteer search حلب`` in fresh processes (best of N).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def seeds() -> list[str]:
    folder = Path(os.environ.get("GEO_SEEDS") or ROOT.parent / "shared" / "seeds")
    texts = [p.read_text(encoding="utf-8-sig") for p in sorted(folder.glob("*.txt"))]
    if not texts:
        sys.exit(f"no seed articles in {folder}")
    return texts


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model or platform.processor()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def append_results(name: str, title: str, text: str) -> None:
    """Append a dated report to bench/results/NAME (created with ``title`` as its heading)."""
    target = ROOT / "bench" / "results" / name
    previous = target.read_text(encoding="utf-8") if target.exists() else f"# {title}\n\n"
    target.write_text(previous + text + "\n", encoding="utf-8")


def throughput(rounds: int) -> dict:
    from geo.pipeline import Geoparser

    # The first load after a change to the code or the data builds the index (seconds, reported by
    # bench_world.py); what a user waits for on every later run is the load from the cache.
    Geoparser.load()
    started = time.perf_counter()
    parser = Geoparser.load()
    load_seconds = time.perf_counter() - started
    texts = seeds()
    for text in texts:
        parser.extract(text)
    timings = []
    mentions = 0
    for _ in range(rounds):
        started = time.process_time()
        for text in texts:
            mentions += len(parser.extract(text))
        timings.append(time.process_time() - started)
    best = min(timings)
    size = sum(len(t.encode("utf-8")) for t in texts)
    return {
        "load_s": load_seconds,
        "articles_per_s": len(texts) / best,
        "median_articles_per_s": len(texts) / statistics.median(timings),
        "mb_per_s": size / best / 1e6,
        "mentions_per_article": mentions / rounds / len(texts),
        "article_kb": size / len(texts) / 1024,
    }


def start_up(repeat: int) -> dict:
    results = {}
    for label, argv in (("geo --help", ["--help"]), ("geo gazetteer search حلب", ["gazetteer", "search", "حلب"])):
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "geo.cli", *argv], capture_output=True, check=True)
            times.append(time.perf_counter() - started)
        results[label] = min(times)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--write", action="store_true", help="append the results to bench/results/extract.md")
    args = parser.parse_args()
    speed = throughput(args.rounds)
    starts = start_up(args.repeat)
    lines = [
        f"## {datetime.date.today().isoformat()} — {machine()}",
        "",
        f"- extraction, one core: **{speed['articles_per_s']:.0f} articles/s** best round "
        f"({speed['median_articles_per_s']:.0f} median), {speed['mb_per_s']:.2f} MB/s, "
        f"{speed['article_kb']:.1f} KB and {speed['mentions_per_article']:.0f} mentions per article "
        f"({args.rounds} rounds over the seed articles)",
        f"- gazetteer + index load from the cache: {speed['load_s']:.2f} s",
    ]
    lines += [f"- `{label}`: {seconds:.3f} s (best of {args.repeat})" for label, seconds in starts.items()]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        append_results("extract.md", "Extraction benchmarks", text)


if __name__ == "__main__":
    main()
