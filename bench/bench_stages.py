"""Where an article's time goes: each stage of the pipeline on the seed articles, next to the bare scan.

    python bench/bench_stages.py            # prints a Markdown report
    python bench/bench_stages.py --write    # also appends it to bench/results/stages.md

The world-layer issue asks for extraction at most 3x a bare pyahocorasick scan of the same text. This
report shows what that budget has to hold: the stages run one by one on inputs prepared by the
stages before them (so each is timed alone), best of N rounds of CPU time per article, with the
whole ``extract`` and the bare scan (folding plus ``automaton.iter``) timed in the same rounds.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_extract import append_results, machine, seeds  # noqa: E402
from bench_world import best_rates  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()

    from geo.arabic import normalise
    from geo.discover import discover
    from geo.pipeline import Geoparser, SentenceFinder
    from geo.recognize import mask_names, scan_text
    from geo.roles import assign_roles

    texts = seeds()
    parser_ = Geoparser.load(world=True)
    index, resolver, lexicon = parser_.index, parser_.resolver, parser_.lexicon
    automaton = index.automaton
    prepared = []
    for text in texts:
        norm = normalise(text, boundaries=True)
        scan = scan_text(norm)
        matches = index.find(norm, scan)
        kept = [(m, r) for m, r in zip(matches, resolver.resolve(matches, norm.text, scan), strict=True) if r]
        matches, resolutions = [m for m, _ in kept], [r for _, r in kept]
        prepared.append((text, norm, scan, matches, resolutions, mask_names(matches, scan)))

    def sentences(text: str, matches) -> None:
        finder = SentenceFinder(text)
        for match in matches:
            finder.around(match.start, match.end)

    def bare(text: str) -> None:
        for _ in automaton.iter(normalise(text).text):
            pass

    stages = {
        "fold (normalise, with boundaries)": lambda p: normalise(p[0], boundaries=True),
        "scan text (non-word characters to spaces)": lambda p: scan_text(p[1]),
        "recognise (automaton + Match objects)": lambda p: index.find(p[1], p[2]),
        "resolve": lambda p: resolver.resolve(p[3], p[1].text, p[2]),
        "mask names": lambda p: mask_names(p[3], p[2]),
        "discover unknown names": lambda p: discover(p[3], p[4], p[1].text, p[2], p[1].span, lexicon, p[5]),
        "roles": lambda p: assign_roles(p[3], [r.entry for r in p[4]], p[1].text, p[2], lexicon, p[5]),
        "sentences for popups": lambda p: sentences(p[0], p[3]),
        "whole extract": lambda p: parser_.extract(p[0]),
        "bare scan (fold + automaton.iter)": lambda p: bare(p[0]),
    }
    per_article = {label: 1e6 / rate for label, rate in best_rates(stages, prepared, args.rounds).items()}
    floor = per_article["bare scan (fold + automaton.iter)"]
    mentions = sum(len(parser_.extract(text)) for text in texts) / len(texts)
    lines = [
        f"## {datetime.date.today().isoformat()} — {machine()}",
        "",
        f"Seed articles: {len(texts)}, {mentions:.0f} mentions each on average; world layer on; "
        f"best of {args.rounds} rounds of CPU time.",
        "",
        "| stage | µs per article | in bare scans |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {label} | {us:,.1f} | {us / floor:.2f} |" for label, us in per_article.items()]
    budget = 3 * floor
    fixed = sum(per_article[k] for k in list(stages)[:3])
    lines += [
        "",
        f"- The 3x budget is {budget:,.0f} µs an article. Folding and recognition alone take {fixed:,.0f} µs, "
        f"which leaves {budget - fixed:,.0f} µs for everything after recognition: "
        f"{(budget - fixed) / mentions:.1f} µs a mention, against "
        f"{(per_article['whole extract'] - fixed) / mentions:.1f} µs a mention now.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        append_results("stages.md", "Where an article's time goes", text)


if __name__ == "__main__":
    main()
