"""Everything of the world-layer issue side by side in one process, with ratios.

    pip install -e '.[bench]'
    python bench/bench_world.py            # prints a Markdown report
    python bench/bench_world.py --write    # also appends it to bench/results/world.md

(a) Extraction throughput on the seed articles (../shared/seeds or $GEO_SEEDS) on one core:
    geo's full pipeline with and without the world layer, geo's recognition alone (folding and the
    automaton, the same work flashtext does), flashtext's KeywordProcessor over the
    same folded names (recognition only), and a bare pyahocorasick scan of the same folded text
    with the same keys (the floor: no boundaries, no resolution, no roles).
(b) Index: build time (cold, world layer included), load time from the on-disk cache, peak RSS.
(c) Command-line cold start: ``geo --help`` and ``geo gazetteer search حلب`` in fresh processes.
ANERcorp figures come from ``geo evaluate`` (see bench/README.md).
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_extract import append_results, machine, seeds  # noqa: E402


def best_rates(functions: dict, texts: list[str], rounds: int) -> dict[str, float]:
    """Articles per second of CPU time for each function, best of ``rounds`` passes after a warm-up.

    The functions take turns round by round, so a machine that speeds up or slows down during the
    run (a shared VM, another job) weighs on all of them alike rather than on whichever ran then.
    """
    for function in functions.values():
        for text in texts:
            function(text)
    best = dict.fromkeys(functions, float("inf"))
    for _ in range(rounds):
        for label, function in functions.items():
            started = time.process_time()
            for text in texts:
                function(text)
            best[label] = min(best[label], time.process_time() - started)
    return {label: len(texts) / seconds for label, seconds in best.items()}


def child(code: str, env: dict) -> float:
    """Seconds for a fresh interpreter to run ``code``."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()

    from flashtext import KeywordProcessor

    from geo.arabic import normalise
    from geo.pipeline import Geoparser

    texts = seeds()
    cache = tempfile.mkdtemp(prefix="geo-bench-cache-")
    env = {**os.environ, "GEO_CACHE_DIR": cache}
    os.environ["GEO_CACHE_DIR"] = cache

    # (b) index: cold build in a child (world layer included), then load from the cache.
    build_code = "from geo.pipeline import Geoparser; Geoparser.load(world=True)"
    build_seconds = child(build_code, env)
    load_code = (
        "import time, resource; t = time.perf_counter(); from geo.pipeline import Geoparser; "
        "g = Geoparser.load(world=True); print(time.perf_counter() - t, len(g.gazetteer), "
        "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", load_code], env=env, capture_output=True, text=True, check=True)
    load_seconds, entries, rss_kb = out.stdout.split()

    world = Geoparser.load(world=True)
    curated = Geoparser.load(world=False)

    # The same folded names for the comparison matchers.
    names = list(world.gazetteer.names())
    automaton = world.index.automaton
    keyword = KeywordProcessor()
    keyword.set_non_word_boundaries(set(keyword.non_word_boundaries) | {chr(c) for c in range(0x0621, 0x064B)})
    for name in names:
        keyword.add_keyword(name)
    folded = [normalise(t).text for t in texts]

    def bare_scan(text: str) -> None:
        for _ in automaton.iter(normalise(text).text):
            pass

    def recognition_only(text: str) -> None:
        # The work flashtext does (fold, find the names), without resolution, roles or sentences.
        world.index.find(normalise(text, boundaries=True))

    rates = best_rates(
        {
            "geo, world layer on": world.extract,
            "geo recognition only (fold + find), world layer on": recognition_only,
            "geo, curated only": curated.extract,
            "flashtext (folded names, recognition only)": lambda t: keyword.extract_keywords(normalise(t).text),
            "bare pyahocorasick scan (folding + scan)": bare_scan,
        },
        texts,
        args.rounds,
    )
    del folded

    # (c) command-line cold start.
    starts = {
        "geo --help": min(child("from geo.cli import main; main(['--help'])", env) for _ in range(5)),
        "geo gazetteer search حلب": min(
            child("from geo.cli import main; main(['gazetteer', 'search', 'حلب'])", env) for _ in range(5)
        ),
    }
    floor = rates["bare pyahocorasick scan (folding + scan)"]
    lines = [
        f"## {datetime.date.today().isoformat()} — {machine()}",
        "",
        f"Seed articles: {len(texts)}, {sum(len(t) for t in texts) / len(texts) / 1024:.1f} K characters each; "
        f"{len(names)} folded names in the index ({entries} entries with the world layer).",
        "",
        "| matcher | articles/s (one core) | ratio to the bare scan |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {label} | {rate:,.0f} | {floor / rate:.2f}x slower |" for label, rate in rates.items()]
    flash = rates["flashtext (folded names, recognition only)"]
    lines += [
        "",
        f"- geo (world on, whole pipeline) vs flashtext: {rates['geo, world layer on'] / flash:.2f}x the speed; "
        f"geo's recognition alone vs flashtext (the same work): "
        f"{rates['geo recognition only (fold + find), world layer on'] / flash:.2f}x",
        f"- index build, cold, world layer included: {build_seconds:.1f} s (child process)",
        f"- index load from the cache (fresh process, imports included): {float(load_seconds):.2f} s",
        f"- peak RSS of that process: {int(rss_kb) / 1024:.0f} MB; of this benchmark process: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB",
    ]
    lines += [f"- `{label}` cold start: {seconds:.3f} s (best of 5)" for label, seconds in starts.items()]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        append_results("world.md", "World layer benchmarks", text)


if __name__ == "__main__":
    main()
