"""Benchmark the maps: build time, HTML size and Chromium load time for 1k, 10k and 100k mentions.

Run on demand (not part of the tests)::

    python bench/bench_maps.py                      # 1k, 10k, 100k; writes bench/results/maps.md
    python bench/bench_maps.py --sizes 10000 --runs 5 --no-write

Mentions are synthetic: random points over the Middle East (so the clusters are dense), about two
mentions a place, random roles, a short Arabic sentence each and twenty mentions an article. Load
time is measured in headless Chromium with the network blocked, from navigation start to the flag
the map's runtime sets once the first frame with the markers has been painted.

Targets: 10k mentions at most 2.5 MB and 1.5 s to load; 100k loads in at most 5 s.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from geo.gazetteer import Gazetteer
from geo.maps import MapOptions, page_html, render_map
from geo.maps.snapshot import LAUNCH_ARGS, READY, block_network, chromium_path
from geo.model import Mention

RESULTS = Path(__file__).resolve().parent / "results" / "maps.md"
#: The Middle East, south-west to north-east.
AREA = ((12.0, 25.0), (42.0, 63.0))
ROLE_WEIGHTS = {"conflict": 0.45, "diplomatic": 0.15, "other": 0.40}
SENTENCES = (
    "قصف الطيران {} صباح اليوم وسط اشتباكات عنيفة",
    "وصل الوفد إلى {} لبحث وقف إطلاق النار",
    "أفاد ناشطون بسقوط قذائف على {} ليلة أمس",
    "عقد اجتماع في {} بحضور وزراء الخارجية",
    "نزح آلاف المدنيين من {} خلال الأسبوع الماضي",
)
TARGETS = {10_000: (2.5e6, 1.5), 100_000: (None, 5.0)}
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def synthetic_mentions(count: int, per_place: float = 2.0, seed: int = 1) -> list[Mention]:
    rng = random.Random(seed)
    places = max(1, int(count / per_place))
    (south, west), (north, east) = AREA
    spots = [(round(rng.uniform(south, north), 5), round(rng.uniform(west, east), 5)) for _ in range(places)]
    roles = list(ROLE_WEIGHTS)
    weights = list(ROLE_WEIGHTS.values())
    mentions = []
    for i in range(count):
        place = rng.randrange(places)
        name = "موقع " + str(place).translate(ARABIC_DIGITS)
        template = rng.choice(SENTENCES)
        start = template.index("{}")
        sentence = template.format(name)
        lat, lon = spots[place]
        mentions.append(Mention(
            start=start, end=start + len(name), surface=name, place_id=f"bench-{place}", name_ar=name,
            name_en=f"Site {place}", feature="town", lat=lat, lon=lon, country="XX",
            role=rng.choices(roles, weights)[0], confidence=0.9, precision=1, reason="bench",
            doc=f"article_{i // 20:05d}.txt", sentence=sentence, sentence_start=start,
        ))
    return mentions


def build(mentions: list[Mention]) -> tuple[str, float]:
    started = time.perf_counter()
    html = page_html(render_map(mentions, gazetteer=Gazetteer(), options=MapOptions(title="bench")))
    return html, time.perf_counter() - started


def load_times(browser, path: Path, runs: int) -> list[float]:
    """Seconds from navigation start to the ready flag, one per run, each in a fresh page."""
    times = []
    for _ in range(runs):
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        errors: list[str] = []
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        page.route("**/*", block_network)
        page.goto(path.as_uri(), timeout=120_000)
        page.wait_for_function(READY, timeout=120_000)
        if errors:
            raise SystemExit(f"{path}: page error: {errors[0]}")
        times.append(page.evaluate("window.geoMapsReadyAt") / 1000)
        page.close()
    return times


def machine() -> str:
    cpus = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    model = ""
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    for line in lscpu.splitlines():
        if line.startswith("Model name"):
            model = line.split(":", 1)[1].strip()
    chromium = subprocess.run([chromium_path(), "--version"], capture_output=True, text=True).stdout.strip()
    return f"{cpus} CPUs ({model}), Python {platform.python_version()}, {chromium}"


def verdict(size: int, mentions: int, load: float) -> str:
    target = TARGETS.get(mentions)
    if target is None:
        return ""
    max_size, max_load = target
    ok = load <= max_load and (max_size is None or size <= max_size)
    limits = (f"≤ {max_size / 1e6:.1f} MB, " if max_size else "") + f"≤ {max_load:.1f} s"
    return ("meets " if ok else "MISSES ") + limits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3, help="Chromium loads per size (median reported)")
    parser.add_argument("--per-place", type=float, default=2.0, help="mentions per distinct place")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--note", default="", help="a line on the conditions of the run, written with the results")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    fixed = fixed_costs()
    build([])  # warm the on-disk caches (outlines, offline assets) so they do not count
    rows = []
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS)
        for size in args.sizes:
            mentions = synthetic_mentions(size, args.per_place)
            places = len({m.place_id for m in mentions})
            html, seconds = build(mentions)
            path = Path(folder) / f"bench-{size}.html"
            path.write_text(html, encoding="utf-8")
            loads = load_times(browser, path, args.runs)
            load = statistics.median(loads)
            row = (size, places, seconds, len(html.encode()), load, min(loads), max(loads))
            rows.append(row)
            print(f"{size:>7} mentions {places:>6} places  build {seconds:6.2f} s  "
                  f"html {row[3] / 1e6:6.2f} MB  load {load:5.2f} s (min {row[5]:.2f}, max {row[6]:.2f})  "
                  f"{verdict(row[3], size, load)}", flush=True)
        browser.close()
    if not args.no_write:
        write(args.out, rows, args, fixed)
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


def fixed_costs() -> dict[str, float]:
    """Seconds to build the world outlines from Natural Earth, and to read them from the disk cache
    (through the product's own reader: the file has a checked header)."""
    from geo.maps.basemap import build_outlines
    from geo.maps.cache import cache_directory, cached_json

    started = time.perf_counter()
    build_outlines()
    built = time.perf_counter() - started
    cached = sorted(cache_directory().glob("ne-countries-*.json"))
    if not cached:
        return {"outlines_build": built, "outlines_cached": float("nan")}

    def rebuilt():
        raise RuntimeError("the outlines' cache file was not read")

    started = time.perf_counter()
    cached_json(cached[-1].stem, rebuilt)
    return {"outlines_build": built, "outlines_cached": time.perf_counter() - started}


def write(out: Path, rows: list[tuple], args, fixed: dict[str, float]) -> None:
    lines = [
        "# Map benchmark",
        "",
        f"Run `python bench/bench_maps.py` on {datetime.date.today().isoformat()}; "
        f"machine: {machine()}.",
        "",
        f"Synthetic mentions: random points over the Middle East, {args.per_place:g} mentions a place, random "
        "roles, a short Arabic sentence each. Build = `render_map` + rendering the page. Load = headless "
        f"Chromium, network blocked, navigation start to the runtime's ready flag (median of {args.runs}).",
        "",
        *([f"Note: {args.note}", ""] if args.note else []),
        "| mentions | places | build (s) | HTML (MB) | load median (s) | load min-max (s) | target |",
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    for size, places, seconds, nbytes, load, low, high in rows:
        lines.append(f"| {size:,} | {places:,} | {seconds:.2f} | {nbytes / 1e6:.2f} | {load:.2f} | "
                     f"{low:.2f}-{high:.2f} | {verdict(nbytes, size, load)} |")
    lines += [
        "",
        f"Country outlines (Natural Earth, simplify 0.2, grid 0.01): built in {fixed['outlines_build']:.2f} s, "
        f"read back from the disk cache in {fixed['outlines_cached']:.3f} s (once per process after that).",
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
