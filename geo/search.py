"""Search that forgives: what ``geo gazetteer search`` (and ``add --parent``) find from what people type.

People look a place up the way they saw it written: with its place-type word («حي الشيخ مقصود»,
«بلدة الأتارب»), in a Latin transliteration of their own (kallase, bab al nasr, sheikh maksoud), by
its English name or by its OCHA P-code (SY050304). Each is tried in turn, stopping at the first that
finds something, and every answer says how it was found; when nothing matches, the nearest names are
offered instead ("did you mean").
"""

from __future__ import annotations

import difflib
import re
import unicodedata
import weakref
from collections.abc import Iterable
from dataclasses import dataclass

from geo.admin import unit_name
from geo.arabic import is_arabic_name, name_key
from geo.gazetteer import Gazetteer, prior_rank
from geo.model import Entry

PCODE = re.compile(r"^[A-Za-z]{2}[0-9]{2,}$")
#: Latin words that are articles or joiners, not part of a name's identity (al-, el-, ad-, bin ...).
LATIN_ARTICLES = frozenset({"al", "el", "ar", "as", "ad", "an", "at", "az", "ash", "ath", "adh", "the", "of"})
#: Latin spellings of one Arabic sound, folded to one (Sheikh / Shaikh / Cheikh, Maqsoud / Maksud).
LATIN_FOLDS = (
    ("ou", "u"), ("oo", "u"), ("ee", "i"), ("ei", "i"), ("ai", "i"), ("ay", "i"), ("ey", "i"), ("ie", "i"),
    ("q", "k"), ("ch", "sh"), ("dh", "d"), ("th", "t"), ("kh", "k"), ("gh", "g"), ("w", "u"), ("y", "i"),
    ("o", "u"), ("e", "a"),
)
#: English place-type words a Latin query may carry ("Kallaseh quarter", "Menbij area").
LATIN_TYPE_WORDS = frozenset({
    "quarter", "neighbourhood", "neighborhood", "district", "subdistrict", "nahiya", "city", "town", "village",
    "camp", "square", "governorate", "province", "area", "region", "hay", "hayy",
})
#: How many names "did you mean" offers.
SUGGESTIONS = 5


@dataclass(frozen=True, slots=True)
class Found:
    """The entries a query found and how: ``name``, ``type word`` (a place-type word taken off),
    ``transliteration``, ``P-code``, or ``""`` when nothing matched."""

    entries: list[Entry]
    how: str = ""


def latin_key(text: str) -> str:
    """A Latin name folded so that transliterations of one Arabic name meet: no accents, articles,
    apostrophes, hyphens, doubled letters or final h, and one spelling per sound
    (Al-Kallaseh, kallase -> kalasa; Bab al-Nasr, bab el nasr -> babnasr)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    plain = re.sub(r"['`’ʿʾ]", "", plain)
    words = [w for w in re.split(r"[^a-z0-9]+", plain) if w and w not in LATIN_ARTICLES]
    key = "".join(words)
    if key.startswith("al") and len(key) > 5:
        key = key[2:]  # Alkallaseh: the article written together with the name
    for spelling, sound in LATIN_FOLDS:
        key = key.replace(spelling, sound)
    key = re.sub(r"(.)\1+", r"\1", key)
    if key.endswith("h") and len(key) > 3:
        key = key[:-1]
    return key


def is_latin(text: str) -> bool:
    return any(c.isascii() and c.isalpha() for c in text) and not is_arabic_name(text)


def find(gazetteer: Gazetteer, query: str, type_words: Iterable[str] = ()) -> Found:
    """The entries ``query`` means, most likely first (see the module's docstring)."""
    query = query.strip()
    if not query:
        return Found([])
    found = gazetteer.lookup(query)
    if found:
        return Found(found, "name")
    if PCODE.match(query):
        code = query.upper()
        units = [e for e in gazetteer if e.pcode == code]
        if units:
            return Found(units, "P-code")
    if not is_latin(query):
        words = query.split()
        folded_types = {name_key(w) for w in type_words}
        # Take place-type words off the front, one at a time («مدينة حي ...» is rare, but costs nothing).
        while len(words) > 1 and _is_type_word(words[0], folded_types):
            words = words[1:]
            found = gazetteer.lookup(" ".join(words))
            if found:
                return Found(found, "type word")
        return Found([])
    for candidate in dict.fromkeys((query, without_latin_type_words(query))):
        ids = _latin_index(gazetteer).get(latin_key(candidate), ())
        if ids:
            return Found(sorted((gazetteer[i] for i in ids), key=prior_rank), "transliteration")
    return Found([])


def without_latin_type_words(query: str) -> str:
    words = [w for w in re.split(r"\s+", query.strip()) if w.lower().strip(".,") not in LATIN_TYPE_WORDS]
    return " ".join(words) or query


def _is_type_word(word: str, folded_types: set[str]) -> bool:
    from geo.lexicon import word_forms

    return any(form in folded_types for form in word_forms(name_key(word)))


def did_you_mean(gazetteer: Gazetteer, query: str, limit: int = SUGGESTIONS) -> list[Entry]:
    """The entries whose names come closest to ``query`` (Arabic names for an Arabic query, folded
    Latin names for a Latin one), best first."""
    if is_latin(query):
        index = _latin_index(gazetteer)
        key = latin_key(without_latin_type_words(query))
    else:
        index = gazetteer.names()
        key = name_key(query)
    if not key:
        return []
    close = difflib.get_close_matches(key, list(index), n=limit * 2, cutoff=0.6)
    chosen: list[Entry] = []
    for match in close:
        for place_id in index[match]:
            entry = gazetteer.get(place_id)
            if entry is not None and entry not in chosen:
                chosen.append(entry)
    return chosen[:limit]


def closest_ids(gazetteer: Gazetteer, typed: str, limit: int = SUGGESTIONS) -> list[str]:
    """Ids close to a mistyped id (sy-alepo -> sy-aleppo), or the ids of a name typed instead of an id."""
    by_name = [entry.id for entry in find(gazetteer, typed).entries]
    close = difflib.get_close_matches(typed.strip().lower(), [entry.id for entry in gazetteer], n=limit, cutoff=0.7)
    return list(dict.fromkeys(by_name + close))[:limit]


def _latin_index(gazetteer: Gazetteer) -> dict[str, list[str]]:
    """Folded Latin name -> ids, built once per gazetteer (and again if entries were added since)."""
    cached = _LATIN_INDEXES.get(gazetteer)
    if cached is not None and cached[0] == len(gazetteer):
        return cached[1]
    index: dict[str, list[str]] = {}
    for entry in gazetteer:
        # A unit also by OCHA's bare name (Oqeirbat for "Oqeirbat Subdistrict").
        for name in (entry.name_en, *entry.variants_en, unit_name(entry)):
            key = latin_key(name)
            if key and entry.id not in index.setdefault(key, []):
                index[key].append(entry.id)
    _LATIN_INDEXES[gazetteer] = (len(gazetteer), index)
    return index


_LATIN_INDEXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
