"""Place names the gazetteer lacks: find them after a place-type word or before a container phrase,
and place them approximately at that container, the way conflict coders do (ACLED geo_precision 2
or 3).

Two patterns, both conservative, since a false place on a map is worse than a missing one:

1. A trigger and a name: حي X، قرية X، بلدة X، مخيم X، معبر X ... (with clitics: بحي، وقرية، لبلدة).
   The name runs for at most three words and ends at punctuation, a preposition, a conjunction, a
   verb or particle from ``name_stops.txt``, a number, or a known place.
2. An unknown word right before a container phrase (X بريف حلب الجنوبي، X شرق إدلب، X قرب منبج),
   when a preposition stands before X and X is not a common word (``common_words.txt``).

A name with a known container in the same phrase is placed at the container; without one it is
listed (for ``geo gazetteer suggest``) but has no coordinates and is not mapped.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import ahocorasick

from geo.arabic import name_key
from geo.clitics import PROCLITICS
from geo.lexicon import DATA, Lexicon, word_forms
from geo.model import Entry
from geo.recognize import MASK, Match, mask_names
from geo.resolve import NEAR_WORDS, Resolution

MAX_NAME_WORDS = 3
#: Features of a place that, after ب, is the container of an unknown name before it (X بريف حلب).
CONTAINER_FEATURES = frozenset({"region", "city", "town", "admin1"})
#: A container must begin within this many characters after the name.
CONTAINER_GAP = 30
CLAUSE_END = re.compile(r"[.!?؟؛:\n،,\"«»()\[\]]")
#: ... and what ends the phrase between a name and its container (quotes do not: مطعم "X" في حي "Y").
CONTAINER_BREAK = re.compile(r"[.!?؟؛:\n،,()\[\]]")
CONTAINER_WORDS = NEAR_WORDS | {"في", "بريف", "ريف", "بمدينه", "مدينه", "بمحافظه", "محافظه", "ضمن", "داخل", "قلب"}
#: First words of many compound village names (أبو الظهور، عين عيسى، كفر حمرة، دير حافر، تل رفعت).
NAME_HEADS = frozenset(
    {"ابو", "ام", "تل", "كفر", "عين", "دير", "خان", "بيت", "جسر", "راس", "باب", "بير", "قصر", "مزرعه"}
)
PRONOUN_SUFFIXES = ("ها", "هم", "هما", "كم", "هن")
LEADING_WORDS = frozenset(
    name_key(w) for w in {"في", "على", "من", "الي", "نحو", "قرب", "باتجاه", "اتجاه", "عند", "حول"}
)


@dataclass(frozen=True)
class DiscoveryWords:
    triggers: dict[str, str]
    #: Triggers that are part of the name they introduce (تل أبيض، جبل الزاوية، معبر باب الهوى).
    in_name: frozenset[str]
    #: Heads of facility names (مطعم، مسجد، معسكر ...) that announce only a quoted name after them.
    quoted_only: frozenset[str]
    stops: frozenset[str]
    common: frozenset[str]
    #: Every trigger behind every clitic sequence, as a whole word (" " + clitic + trigger + " "),
    #: the value (clitic length, trigger): one pass in C over the text rather than a regular
    #: expression tried at every character.
    automaton: ahocorasick.Automaton

    def triggers_in(self, masked: str) -> Iterator[tuple[int, int, int, str]]:
        """(word start, trigger start, trigger end, trigger) of each trigger word in ``masked``."""
        for last, (clitic_length, trigger) in self.automaton.iter(" " + masked):
            # ``last`` indexes the padded text: there it is the space after the word, so in
            # ``masked`` the word ends at ``last - 1``.
            end = last - 1
            trigger_start = end - len(trigger)
            yield trigger_start - clitic_length, trigger_start, end, trigger


@cache
def discovery_words() -> DiscoveryWords:
    triggers: dict[str, str] = {}
    in_name: set[str] = set()
    quoted_only: set[str] = set()
    with (DATA / "discovery_triggers.csv").open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            triggers[name_key(row["word"])] = row["feature"].strip()
            if row.get("in_name", "").strip() == "yes":
                in_name.add(name_key(row["word"]))
            elif row.get("in_name", "").strip() == "quoted":
                quoted_only.add(name_key(row["word"]))
    keys: dict[str, tuple[int, str]] = {}
    for trigger in triggers:
        for clitic in PROCLITICS:
            key = f" {clitic}{trigger} "
            # A word read two ways (clitic + trigger, or a longer trigger) takes the longer clitic.
            if key not in keys or keys[key][0] < len(clitic):
                keys[key] = (len(clitic), trigger)
    automaton = ahocorasick.Automaton()
    for key, value in keys.items():
        automaton.add_word(key, value)
    automaton.make_automaton()
    stops = frozenset(_words(DATA / "name_stops.txt"))
    common = frozenset(_words(DATA / "common_words.txt"))
    return DiscoveryWords(triggers, frozenset(in_name), frozenset(quoted_only), stops, common, automaton)


def _words(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [name_key(line) for line in lines if line.strip() and not line.startswith("#")]


def _is_stop(token: str, words: DiscoveryWords, lexicon: Lexicon) -> bool:
    if token[0] == MASK or token.isdigit() or any(c.isdigit() for c in token):
        return True
    forms = word_forms(token)
    return any(f in words.stops or f in words.triggers or f in lexicon.locatives for f in forms)


@dataclass(frozen=True, slots=True)
class Unresolved:
    match: Match
    feature: str
    container: Entry | None
    trigger: str


def discover(
    matches: Sequence[Match],
    resolutions: Sequence[Resolution],
    norm_text: str,
    scan: str,
    source_span,
    lexicon: Lexicon,
    masked: str | None = None,
) -> list[Unresolved]:
    """Unknown place names in one document (spans in folded text, mapped to the source by
    ``source_span``), each with its guessed feature and known container, if any. ``masked`` is
    :func:`~geo.recognize.mask_names` of ``matches`` over ``scan`` when the caller has it."""
    words = discovery_words()
    if masked is None:
        masked = mask_names(matches, scan)
    found: list[Unresolved] = []
    #: Spans already reported: a name found by both patterns (حي والآسيا بآسيا الوسطى) is one name.
    taken: list[tuple[int, int]] = []

    def overlaps(start: int, end: int) -> bool:
        return any(start < other_end and other_start < end for other_start, other_end in taken)

    for word_start, trigger_start, trigger_end, word in words.triggers_in(masked):
        quoted = [
            (start, end)
            for start, end in _quoted_names(norm_text, masked, trigger_end)
            if _plausible_quoted_name(masked[start:end], word, words, lexicon)
        ]
        if quoted:
            # قرية "بيت شردق"، مطعم «ميامي»، معسكري «اليرموك» و«الحمزة»: a quoted name is a name,
            # even one made of common words; the span is what is inside the quotes.
            listed = []
            for start, end in quoted:
                if not overlaps(start, end):
                    taken.append((start, end))
                    listed.append(
                        _unresolved(
                            start, end, words.triggers[word], word, matches, resolutions, masked, norm_text, source_span
                        )
                    )
            # The names of one list share the container named after the last of them.
            container = next((u.container for u in reversed(listed) if u.container is not None), None)
            found.extend(u if u.container is not None else replace(u, container=container) for u in listed)
            continue
        if word in words.quoted_only:
            continue
        name_words = _name_after(masked, norm_text, trigger_end, words, lexicon)
        if not name_words:
            continue
        start, end = name_words[0][0], name_words[-1][1]
        if word in words.in_name:
            start = trigger_start
        if overlaps(start, end):
            continue
        unknown = _unresolved(
            start, end, words.triggers[word], word, matches, resolutions, masked, norm_text, source_span
        )
        # تل، جبل، سد ... are also ordinary words (سد الفجوة: "close the gap"): such a name needs a
        # container or a preposition before it.
        before = masked[max(0, word_start - 30) : word_start].split()
        if word in words.in_name and unknown.container is None and not (before and before[-1] in LEADING_WORDS):
            continue
        taken.append((start, end))
        found.append(unknown)
    # The common case (no بريف، قرب ... before the name) is decided without a call, in one pass.
    before_containers = [
        index
        for index, (match, resolution) in enumerate(zip(matches, resolutions, strict=True))
        if resolution.near or (match.clitic[-1:] == "ب" and resolution.entry.feature in CONTAINER_FEATURES)
    ]
    for index in before_containers:
        candidate = _name_before_container(index, matches, resolutions, masked, words, lexicon)
        if candidate is None or overlaps(*candidate):
            continue
        start, end = candidate
        taken.append((start, end))
        found.append(_unresolved(start, end, "village", "", matches, resolutions, masked, norm_text, source_span))
    # One sense per document: a name placed once is placed wherever the document repeats it.
    placed = {norm_text[u.match.norm_start : u.match.norm_end]: u.container for u in found if u.container is not None}
    if placed:
        found = [
            replace(u, container=placed.get(norm_text[u.match.norm_start : u.match.norm_end]))
            if u.container is None
            else u
            for u in found
        ]
    return sorted(found, key=lambda u: u.match.norm_start)


#: Quotation marks around a name, in any direction (reports also reverse them: ”الحمزة”، »الحمزة»).
QUOTES = frozenset('"“”«»‘’\'')
#: Inside quotes a name has at most this many words, and the quotes at most this many characters.
QUOTED_WORDS = 4
QUOTED_CHARS = 40
#: What separates two names inside one pair of quotes (قرية "دغدغان – الدرة").
QUOTED_SEPARATORS = re.compile(r"\s+[-–—]\s+|\s*[،,]\s*")


def _quoted_names(norm_text: str, masked: str, position: int) -> list[tuple[int, int]]:
    """(start, end) of each name quoted right after a trigger that ends at ``position``: one pair of
    quotes, or several joined by و (معسكري «اليرموك» و«الحمزة»). Names the gazetteer knows (masked)
    are left to it; a quoted phrase longer than a name is not one."""
    found: list[tuple[int, int]] = []
    while True:
        opening = position
        while opening < len(norm_text) and norm_text[opening] == " ":
            opening += 1
        if opening >= len(norm_text) or norm_text[opening] not in QUOTES:
            return found
        closing = opening + 1
        limit = min(len(norm_text), opening + QUOTED_CHARS)
        while closing < limit and norm_text[closing] not in QUOTES and norm_text[closing] not in ".!?؟؛:\n":
            closing += 1
        if closing >= limit or norm_text[closing] not in QUOTES:
            return found
        inner = opening + 1
        for piece in QUOTED_SEPARATORS.split(norm_text[inner:closing]):
            start = norm_text.find(piece, inner, closing) if piece.strip() else -1
            if start == -1:
                continue
            end = start + len(piece.rstrip())
            start += len(piece) - len(piece.lstrip())
            inner = end
            if not 0 < len(piece.split()) <= QUOTED_WORDS or MASK in masked[start:end]:
                continue
            if not any(c.isalpha() for c in norm_text[start:end]):
                continue
            found.append((start, end))
        # و «الحمزة»: another quoted name joined to the first.
        position = closing + 1
        following = norm_text[position : position + 4].lstrip(" ")
        if not following.startswith("و"):
            return found
        position = norm_text.find("و", position) + 1


def _plausible_quoted_name(text: str, trigger: str, words: DiscoveryWords, lexicon: Lexicon) -> bool:
    """A quoted phrase after a trigger is a name unless a word of it is a particle, verb or pronoun
    form (أحياء "يغلب عليها المسيحيون"), or, after a word for a settlement (حي، قرية، منطقة), it
    starts with a common word; a facility's name may be one (معسكر «الصواريخ»)."""
    tokens = text.split()
    if any((_is_stop(t, words, lexicon) and not t.isdigit()) or t.endswith(PRONOUN_SUFFIXES) for t in tokens):
        return False
    facility = trigger in words.in_name or trigger in words.quoted_only or words.triggers.get(trigger) == "landmark"
    return facility or tokens[0] in NAME_HEADS or not any(f in words.common for f in word_forms(tokens[0]))


def _name_after(masked: str, norm_text: str, position: int, words: DiscoveryWords, lexicon: Lexicon):
    """(start, end) of each word of the name that follows a trigger ending at ``position``."""
    limit = position + 60
    clause_end = CLAUSE_END.search(norm_text, position, limit)
    limit = clause_end.start() if clause_end else min(limit, len(masked))
    result = []
    for token in re.finditer(r"\S+", masked[position:limit]):
        text = token.group()
        if not result and text.startswith("لل"):
            return []  # مخيم للنازحين: "for the displaced"; a name after a trigger takes no ل
        # A hill or a spring begins many village names (قرية تل الأغر، بلدة عين عيسى): after another
        # trigger it is the first word of the name, not a trigger of its own.
        if not (not result and text in NAME_HEADS) and _is_stop(text, words, lexicon):
            break
        if result and text[0] in "وف" and len(text) > 3 and text[1:] not in words.common:
            break  # و/ف + word starts the next item of a list
        if not result and (len(text) < 2 or (text in words.common and text not in NAME_HEADS)):
            return []
        result.append((position + token.start(), position + token.end()))
        if len(result) == MAX_NAME_WORDS:
            break
    while result and masked[result[-1][0] : result[-1][1]] in words.common:
        result.pop()
    return result


def _name_before_container(index, matches, resolutions, masked, words, lexicon) -> tuple[int, int] | None:
    """The unknown word right before a container phrase (X بريف حلب الجنوبي، X قرب منبج)."""
    match = matches[index]
    entry = resolutions[index].entry
    word_start = match.norm_start - len(match.clitic)
    via_clitic = match.clitic.endswith("ب") and entry.feature in CONTAINER_FEATURES
    if not via_clitic and not resolutions[index].near:
        return None  # the common case, decided without looking at the text
    before = masked[max(0, word_start - 60) : word_start].split()
    if via_clitic:
        tokens = before
    elif before and any(f in NEAR_WORDS for f in word_forms(before[-1])):
        tokens = before[:-1]
    else:
        return None
    if len(tokens) < 2:
        return None
    candidate, leading = tokens[-1], tokens[-2]
    head = ""
    if leading in NAME_HEADS and len(tokens) >= 3:
        head, leading = leading, tokens[-3]
    if _is_stop(candidate, words, lexicon):
        return None
    if not head and any(f in words.common for f in word_forms(candidate)):
        return None
    if candidate.endswith(PRONOUN_SUFFIXES):
        return None  # بمعظمها، مواقعهم: a noun with a pronoun, not a name
    if leading not in LEADING_WORDS and not (candidate[0] in "وب" and candidate[1:] not in words.common):
        return None
    end = masked.rfind(candidate, 0, word_start) + len(candidate)
    start = end - len(candidate) - (len(head) + 1 if head else 0)
    # Leave a conjunction or preposition clitic outside the name (والمنطار -> المنطار).
    if candidate[0] in "وب" and len(candidate) > 3 and leading not in LEADING_WORDS:
        start += 1
    return start, end


def _places_it(word: str) -> bool:
    """A relative or place-type word between a name and its container (X الواقعة جنوبي العاصمة
    طرابلس، X الكائن في حي ...)."""
    lexicon = _lexicon()
    return lexicon.is_relative(word) or bool(lexicon.trigger_features(word))


@cache
def _lexicon() -> Lexicon:
    return Lexicon.load()


def _unresolved(start, end, feature, trigger, matches, resolutions, masked, norm_text, source_span) -> Unresolved:
    container = None
    name_end = end
    while end < len(norm_text) and norm_text[end] in QUOTES:
        end += 1  # «الحمزة» جنوبي طرابلس: the container follows the closing quote
    for match, resolution in zip(matches, resolutions, strict=True):
        word_start = match.norm_start - len(match.clitic)
        if word_start < end:
            continue
        if match.clitic[:1] in ("و", "ف"):
            break  # قرى بسيمة وعين الفيجة: the next item of a list, not a container
        gap = masked[end:word_start]
        if word_start - end <= CONTAINER_GAP and not CONTAINER_BREAK.search(norm_text, end, word_start):
            gap_words = gap.split()
            if all(any(f in CONTAINER_WORDS for f in word_forms(w)) or _places_it(w) for w in gap_words):
                container = resolution.entry
        break
    source_start, source_end = source_span(start, name_end)
    return Unresolved(Match(start, name_end, source_start, source_end, (), ""), feature, container, trigger)


def approximate_resolution(unresolved: Unresolved) -> Resolution:
    """The pseudo-entry, confidence, precision and reason of an unknown name: at its container with
    precision 2 (3 for a province or country), or without coordinates."""
    container = unresolved.container
    if container is None:
        entry = Entry("", "", "", unresolved.feature, float("nan"), float("nan"))
        return Resolution(entry, 0.2, 3, "unresolved; no known container")
    precision = 3 if container.feature in ("admin1", "country", "continent") else 2
    entry = Entry(
        "", "", "", unresolved.feature, container.lat, container.lon, parent=container.id, country=container.country
    )
    return Resolution(entry, 0.4, precision, f"unresolved; approximate: placed at container {container.id}")
