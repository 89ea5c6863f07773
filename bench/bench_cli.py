"""The command line end to end, in fresh processes, as a user runs it: one command reruns everything.

    pip install -e '.[bench]'
    python bench/bench_cli.py                     # prints a Markdown report
    python bench/bench_cli.py --write             # also appends it to bench/results/cli.md
    python bench/bench_cli.py --sizes 300,3000 --runs 3

(a) ``geo extract FOLDER --format jsonl --out FILE`` over folders of 300, 3,000 and 30,000
    seed-length articles (the seed articles of ../shared/seeds or $GEO_SEEDS, cycled), with the default
    engine and with ``--engine inline``, next to a fresh-process flashtext and a fresh-process bare
    pyahocorasick scan reading and matching the same files (``bench/baseline_scan.py``: geo's folding,
    the same folded names, recognition only). The commands take turns, run after run, and every
    figure is the median of the runs; ratios are taken run by run (paired), then the median.
(b) ``geo map FOLDER --out FILE`` at the same sizes: wall seconds and peak memory.
(c) Where a pool starts to pay: ``--engine inline`` against ``--engine process`` on small folders;
    the smallest size at which the pool is faster is what ``auto`` should use (``SMALL_INPUT_*`` in
    geo/batch.py).
(d) Long rows: a 50 MB JSONL row and a 1 MB ``.jsonl.gz`` holding a 1 GiB line (refused).

Every command is measured as a process tree (``bench/proctree.py``): wall seconds, CPU seconds of all
its processes, and the peak of their summed resident memory. Wall-clock figures need a quiet machine:
the report says the load average when it started.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_extract import append_results, machine, seeds  # noqa: E402
from proctree import Measure, measure  # noqa: E402

DATA = Path(tempfile.gettempdir()) / "geo-bench-cli"
GEO = [sys.executable, "-m", "geo.cli"]
BASELINE = [sys.executable, str(ROOT / "bench" / "baseline_scan.py")]


def article_folder(size: int) -> Path:
    """A folder of ``size`` seed-length articles (made once, then reused)."""
    folder = DATA / f"articles-{size}"
    if len(list(folder.glob("*.txt"))) == size:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    texts = seeds()
    for number in range(size):
        (folder / f"a{number:06d}.txt").write_text(texts[number % len(texts)], encoding="utf-8")
    return folder


def names_file() -> Path:
    """The folded names of geo's index (world layer on), for the baseline matchers."""
    from geo.pipeline import Geoparser

    path = DATA / "names.txt"
    names = sorted(Geoparser.load(world=True).gazetteer.names())
    path.write_text("\n".join(names) + "\n", encoding="utf-8")
    return path


def paired(commands: dict[str, list[str]], runs: int, env: dict) -> dict[str, list[Measure]]:
    """Each command ``runs`` times, taking turns, after one unmeasured warm-up round."""
    results: dict[str, list[Measure]] = {label: [] for label in commands}
    for round_number in range(runs + 1):
        for label, command in commands.items():
            result = measure(command, env=env)
            if result.returncode not in (0, 1):
                sys.exit(f"{label} failed ({result.returncode}): {result.stderr[-500:]}")
            if round_number:
                results[label].append(result)
    return results


def median(values) -> float:
    return statistics.median(list(values))


def table(size: int, results: dict[str, list[Measure]]) -> list[str]:
    lines = []
    for label, runs in results.items():
        wall = median(r.wall for r in runs)
        lines.append(f"| {size:,} | {label} | {wall:.2f} | {size / wall:,.0f} | {median(r.cpu for r in runs):.2f} | "
                     f"{median(r.peak_mb for r in runs):.0f} |")
    return lines


def ratio(results: dict[str, list[Measure]], a: str, b: str) -> float:
    """Median of the run-by-run wall-time ratio ``a / b``."""
    return median(x.wall / y.wall for x, y in zip(results[a], results[b], strict=True))


def long_rows() -> tuple[Path, Path]:
    """A JSONL file with one 50 MB row of seed text between two short rows, and a 1 MB .jsonl.gz
    whose second line unpacks to a GiB."""
    texts = seeds()
    row = DATA / "row-50mb.jsonl"
    if not row.exists():
        body, size = [], 0
        while size < 50_000_000:
            body.append(texts[len(body) % len(texts)])
            size += len(body[-1].encode())
        with row.open("w", encoding="utf-8") as stream:
            for doc_id, text in (("first", texts[0]), ("long", "\n".join(body)), ("last", texts[1])):
                stream.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
    bomb = DATA / "gigabyte-line.jsonl.gz"
    if not bomb.exists():
        block = b"x" * (1 << 20)
        with gzip.open(bomb, "wb", compresslevel=9) as stream:
            stream.write(json.dumps({"id": "first", "text": texts[0]}, ensure_ascii=False).encode() + b"\n")
            stream.write(b'{"id": "bomb", "text": "')
            for _ in range(1024):
                stream.write(block)
            stream.write(b'"}\n')
    return row, bomb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="300,3000,30000", help="folder sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="measured runs of each command (after a warm-up)")
    parser.add_argument("--break-even", default="8,16,32,64,128,256", help="small sizes for (c); empty: skip")
    parser.add_argument("--no-rows", action="store_true", help="skip (d)")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()

    DATA.mkdir(parents=True, exist_ok=True)
    # An installed package has its bytecode compiled (pip does it; a plain Python writes it on first
    # import). Where PYTHONDONTWRITEBYTECODE is set, as on these machines, an editable checkout would
    # compile every module in every process of every run, which no user's install does.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "geo")], check=True)
    cache = tempfile.mkdtemp(prefix="geo-bench-cache-")
    env = {**os.environ, "GEO_CACHE_DIR": cache}
    os.environ["GEO_CACHE_DIR"] = cache
    names = names_file()  # also builds the cached index the runs load
    out = DATA / "out"
    load = os.getloadavg()
    lines = [
        f"## {datetime.date.today().isoformat()} — {machine()}",
        "",
        f"Load average when it started: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (wall-clock figures need a quiet "
        f"machine). Medians of {args.runs} paired runs, each a fresh process; CPU is every process of the run; "
        "peak is the largest sum of resident memory over the process tree. The package's bytecode is compiled "
        "first (`python -m compileall geo`), as an installed package's is.",
        "",
        "### (a) `geo extract FOLDER --format jsonl --out FILE` and (b) `geo map FOLDER --out FILE`",
        "",
        "| articles | command | wall s | articles/s | CPU s | peak MB |",
        "| ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    notes = []
    for size in [int(s) for s in args.sizes.split(",") if s]:
        folder = article_folder(size)
        default, inline, flash, scan = (
            "geo extract (default engine)", "geo extract --engine inline", "flashtext, fresh process",
            "bare pyahocorasick scan, fresh process",
        )
        commands = {
            default: [*GEO, "extract", str(folder), "--format", "jsonl", "--out", f"{out}.jsonl"],
            inline: [*GEO, "extract", str(folder), "--engine", "inline", "--format", "jsonl",
                     "--out", f"{out}-inline.jsonl"],
            flash: [*BASELINE, "flashtext", str(names), str(folder), f"{out}-flashtext.tsv"],
            scan: [*BASELINE, "ahocorasick", str(names), str(folder), f"{out}-scan.tsv"],
            "geo map (default engine)": [*GEO, "map", str(folder), "--out", f"{out}.html"],
        }
        results = paired(commands, args.runs, env)
        lines += table(size, results)
        notes.append(
            f"- {size:,} articles: default engine / inline wall {ratio(results, default, inline):.2f}; "
            f"geo (default) / flashtext {ratio(results, default, flash):.2f}; "
            f"geo (default) / bare scan {ratio(results, default, scan):.2f}"
        )
    lines += ["", *notes]

    sizes = [int(s) for s in args.break_even.split(",") if s]
    if sizes:
        lines += ["", "### (c) Where the pool pays: `--engine inline` against `--engine process` (2 workers)", "",
                  "| articles | inline wall s | process wall s | process / inline (paired) |",
                  "| ---: | ---: | ---: | ---: |"]
        first = None
        for size in sizes:
            folder = article_folder(size)
            results = paired({
                "inline": [*GEO, "extract", str(folder), "--engine", "inline", "--out", f"{out}-a.jsonl"],
                "process": [*GEO, "extract", str(folder), "--engine", "process", "--workers", "2",
                            "--out", f"{out}-b.jsonl"],
            }, args.runs, env)
            share = ratio(results, "process", "inline")
            if share < 1 and first is None:
                first = size
            lines.append(f"| {size:,} | {median(r.wall for r in results['inline']):.2f} | "
                         f"{median(r.wall for r in results['process']):.2f} | {share:.2f} |")
        lines += ["", f"Break-even: the pool is faster from {first:,} articles on." if first else
                  "Break-even: the pool was not faster at any of these sizes."]

    if not args.no_rows:
        row, bomb = long_rows()
        lines += ["", "### (d) Long rows", "", "| input | engine | wall s | CPU s | peak MB | exit |",
                  "| --- | --- | ---: | ---: | ---: | ---: |"]
        for label, path in (("one 50 MB JSONL row", row), ("1 GiB line in a 1 MB .jsonl.gz", bomb)):
            for engine in ("auto", "inline"):
                result = measure([*GEO, "extract", str(path), "--engine", engine, "--out", f"{out}-rows.jsonl"],
                                 env=env)
                lines.append(f"| {label} | {engine} | {result.wall:.1f} | {result.cpu:.1f} | {result.peak_mb:.0f} | "
                             f"{result.returncode} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        append_results("cli.md", "Command line end to end", text)


if __name__ == "__main__":
    main()
