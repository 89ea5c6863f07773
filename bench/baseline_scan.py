"""What a simpler tool does with the same folder, in its own fresh process: the yardstick of
``bench_cli.py``.

    python bench/baseline_scan.py flashtext NAMES FOLDER OUT
    python bench/baseline_scan.py ahocorasick NAMES FOLDER OUT

Reads every ``.txt`` file of FOLDER (sorted), folds it the way geo folds (``geo.arabic.normalise``),
finds the folded gazetteer names of NAMES (one a line) with flashtext's ``KeywordProcessor`` or a
bare pyahocorasick automaton, and writes one line per match to OUT. Recognition only: no word
boundary checks (the bare scan), no resolution, no roles, no sentences.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(kind: str, names_file: str, folder: str, out: str) -> None:
    from geo.arabic import normalise

    names = [line for line in Path(names_file).read_text(encoding="utf-8").split("\n") if line]
    if kind == "flashtext":
        from flashtext import KeywordProcessor

        keywords = KeywordProcessor()
        # Arabic letters are word characters: a name inside a longer word is not a match.
        keywords.set_non_word_boundaries(set(keywords.non_word_boundaries) | {chr(c) for c in range(0x0621, 0x064B)})
        for name in names:
            keywords.add_keyword(name)

        def matches(text: str):
            return keywords.extract_keywords(text, span_info=True)
    elif kind == "ahocorasick":
        import ahocorasick

        automaton = ahocorasick.Automaton()
        for name in names:
            automaton.add_word(name, name)
        automaton.make_automaton()

        def matches(text: str):
            return [(name, end - len(name) + 1, end + 1) for end, name in automaton.iter(text)]
    else:
        sys.exit(f"unknown matcher {kind!r}")
    with open(out, "w", encoding="utf-8") as stream:
        for path in sorted(Path(folder).glob("*.txt")):
            text = normalise(path.read_text(encoding="utf-8")).text
            for name, start, end in matches(text):
                stream.write(f"{path.name}\t{start}\t{end}\t{name}\n")


if __name__ == "__main__":
    main(*sys.argv[1:5])
