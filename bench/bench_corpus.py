"""Corpus throughput with 1 and 2 workers (and Dask with 2), measured on demand (never in tests).

    python bench/bench_corpus.py                      # 100,000 articles; prints a table
    python bench/bench_corpus.py --write              # also appends it to bench/results/corpus.md
    python bench/bench_corpus.py --articles 5000      # a quick look

The corpus is JSONL built from the example articles (``examples/articles/*.txt``), repeated with
varied ids and dates over two years. Each run is the whole of ``geo extract``'s work through the
Python API: read the corpus, extract on the engine, write JSONL to a file, in input order. Wall time
(a pool's work is in other processes), so a machine busy with something else gives lower figures:
the load average before each run is recorded next to it.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_extract import machine  # noqa: E402


def build_corpus(path: Path, articles: int) -> int:
    """``articles`` rows cycling over the example articles; returns the bytes of text written."""
    texts = [p.read_text(encoding="utf-8-sig") for p in sorted((ROOT / "examples" / "articles").glob("*.txt"))]
    if not texts:
        sys.exit("no example articles in examples/articles")
    start = datetime.date(2016, 1, 1)
    size = 0
    with path.open("w", encoding="utf-8") as stream:
        for i in range(articles):
            text = texts[i % len(texts)]
            size += len(text.encode("utf-8"))
            row = {"id": f"bench-{i:06d}", "text": text, "date": (start + datetime.timedelta(days=i % 730)).isoformat(),
                   "title": f"Article {i}", "url": f"https://news.example/{i}", "source": "bench"}
            stream.write(json.dumps(row, ensure_ascii=False) + "\n")
    return size


def run(parser, corpus: Path, engine, out: Path) -> dict:
    from geo.batch import RunOptions, RunReport, corpus_mentions, record

    report = RunReport()
    load = os.getloadavg()[0]
    started = time.perf_counter()
    with out.open("w", encoding="utf-8") as stream:
        for mention in corpus_mentions(parser, [str(corpus)], RunOptions(engine="process"), report, engine=engine):
            stream.write(json.dumps(record(mention), ensure_ascii=False) + "\n")
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "documents": report.documents, "mentions": report.mentions,
            "failed": report.failed, "load": load}


def main() -> None:
    parser_args = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser_args.add_argument("--articles", type=int, default=100_000)
    parser_args.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster run")
    parser_args.add_argument("--write", action="store_true", help="append the report to bench/results/corpus.md")
    args = parser_args.parse_args()

    from geo.engines import DaskEngine, InProcessEngine, ProcessEngine
    from geo.pipeline import Geoparser

    parser = Geoparser.load()
    runs = [("1 worker (in process)", InProcessEngine()), ("2 workers (process pool)", ProcessEngine(workers=2))]
    if not args.no_dask:
        runs.append(("2 workers (Dask LocalCluster)", DaskEngine(workers=2)))
    with tempfile.TemporaryDirectory(prefix="geo-bench-") as folder:
        corpus = Path(folder) / "corpus.jsonl"
        size = build_corpus(corpus, args.articles)
        results = []
        for name, engine in runs:
            result = run(parser, corpus, engine, Path(folder) / "out.jsonl")
            results.append((name, result))
            print(f"{name}: {result['documents'] / result['seconds']:.0f} articles/s", file=sys.stderr)
    base = results[0][1]["documents"] / results[0][1]["seconds"]
    lines = [
        f"## {datetime.date.today().isoformat()} — {machine()}",
        "",
        f"{args.articles:,} articles ({size / 1e6:.0f} MB of UTF-8 text) from `examples/articles`, JSONL in, "
        "JSONL out, world layer on; wall time.",
        "",
        "| engine | seconds | articles/s | MB/s | mentions | scaling | load avg before |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, result in results:
        rate = result["documents"] / result["seconds"]
        lines.append(
            f"| {name} | {result['seconds']:.1f} | {rate:.0f} | {size / 1e6 / result['seconds']:.2f} | "
            f"{result['mentions']:,} | {rate / base:.2f}× | {result['load']:.2f} |"
        )
    report = "\n".join(lines) + "\n"
    print(report)
    if args.write:
        target = ROOT / "bench" / "results" / "corpus.md"
        header = "" if target.exists() else "# Corpus benchmarks\n\n"
        with target.open("a", encoding="utf-8") as stream:
            stream.write(header + report + "\n")


if __name__ == "__main__":
    main()
