"""Find place-name spans in Arabic text with one Aho-Corasick automaton over every gazetteer spelling.

Each folded name is stored with a trailing space, and the scanned text has every non-word character
turned into a space, so the automaton itself enforces the right word boundary. The left boundary is
checked per hit: a name starts a word, or follows a proclitic (و ف ب ل ك and pairs such as وب) that
starts the word. Overlapping hits are settled longest first, so حلب الجديدة beats حلب and
الولايات المتحدة الأميركية beats الولايات المتحدة. Phrases that are not places (organisations such as
الأمم المتحدة, names of people) are in the same automaton: when one wins a span, the place names inside
it are dropped.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import ahocorasick
import numpy as np

from geo.arabic import TRAILING_MARKS, Normalised, name_key, normalise, word_boundaries
from geo.clitics import LAM_PROCLITICS, PROCLITICS, lam_form
from geo.places import Places
from geo.world import WORLD_PREFIX


class IndexKey(NamedTuple):
    """What one automaton key (" " + clitic + name) stands for. A tuple: it pickles and loads fast
    in the cached index."""

    #: Length of the name itself, without the leading space and the clitic.
    length: int
    #: The clitic letters in front of the name in this key ("" for the bare name).
    clitic: str
    #: Gazetteer ids of the name (empty for a phrase that is not a place).
    ids: tuple[str, ...]
    #: A phrase that is not a place (an organisation ...): it hides any place name inside it.
    blocked: bool = False
    #: A direction word glued to the first letters of a name (جنوبد in جنوبدمشق): ``length`` is then
    #: the number of those letters, and the rest of the word is looked up as a name. A glue key is
    #: ``blocked`` too, so that the common path never takes it for a name.
    glue: bool = False


@dataclass(slots=True)
class Match:
    """A recognised name: its span in the folded text and in the source, and what it may mean.

    Immutable in spirit; not ``frozen`` because a frozen dataclass costs about six times as much to
    build, and one is built for every name in every document.
    """

    norm_start: int
    norm_end: int
    start: int
    end: int
    ids: tuple[str, ...]
    clitic: str
    blocked: bool = False


#: Every clitic sequence in a fixed order: an automaton value holds a clitic's position here.
CLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")
#: An automaton value is ``reading number << CLITIC_BITS | clitic number``.
CLITIC_BITS = 4
_CLITIC_MASK = (1 << CLITIC_BITS) - 1
assert set(CLITICS) == set(PROCLITICS) and len(CLITICS) <= 1 << CLITIC_BITS


@dataclass
class PlaceIndex:
    """The compiled index: build once per gazetteer, then :meth:`find` in any number of texts.

    Laid out for memory and speed: the automaton stores plain integers (no Python object per key),
    and the 113,000 keys (each name with each clitic it may take) share 16,000 *readings*, the
    :class:`IndexKey` fields but the clitic, so a worker process holds one tuple per name rather
    than one per key, and its ids tuple once.
    """

    #: ``STORE_INTS``: each key's value is ``reading number << CLITIC_BITS | clitic number``.
    automaton: ahocorasick.Automaton
    #: (length, ids, blocked, glue) per reading number: :class:`IndexKey` without its clitic.
    readings: list[tuple] = field(default_factory=list)

    @classmethod
    def build(cls, gazetteer: Places, not_places: Iterable[str] = ()) -> PlaceIndex:
        """One automaton over " " + clitic + name for every spelling and every clitic it may take.

        The leading space pins each key to the start of a word, so a single leftmost-longest pass
        (``iter_long``, in C) finds every name with its clitic; only the right boundary is left to check.
        """
        slots: dict[str, IndexKey] = {}

        def put(text: str, slot: IndexKey) -> None:
            current = slots.get(text)
            if current is None:
                slots[text] = slot
            elif slot.blocked or (not current.blocked and not current.clitic and slot.clitic):
                return  # the first, cliticless reading wins; a blocked phrase keeps its block
            else:
                merged = tuple(dict.fromkeys((*current.ids, *slot.ids)))
                slots[text] = current._replace(ids=merged, blocked=current.blocked or slot.blocked)

        names = gazetteer.names()
        for key, key_ids in names.items():
            if len(key) < 2:
                continue
            ids = tuple(key_ids)
            world_only = all(i.startswith(WORLD_PREFIX) for i in ids)
            for clitic in _clitics_for(key, world_only):
                put(" " + clitic + key, IndexKey(len(key), clitic, ids))
            if not world_only and not key.isascii():
                # Spellings of a curated name that reports use: a lost space (الولاياتالمتحده،
                # معرتحرمه), an alef after a final waw (مساكن هنانوا), a number between slashes
                # (مشروع /3000/ شقه).
                for variant in _variant_forms(key):
                    if variant not in names:
                        for clitic in VARIANT_CLITICS:
                            put(" " + clitic + variant, IndexKey(len(variant), clitic, ids))
            lam = lam_form(key)
            if lam:
                for clitic in LAM_PROCLITICS:
                    if not (world_only and "ف" in clitic):
                        put(" " + clitic + lam, IndexKey(len(lam), clitic, ids))
        for key in _joined_phrases([name_key(phrase) for phrase in not_places]):
            if len(key) < 2:
                continue
            for clitic in _clitics_for(key, False):
                slots[" " + clitic + key] = IndexKey(len(key), clitic, (), True)
            lam = lam_form(key)
            if lam:
                for clitic in LAM_PROCLITICS:
                    slots[" " + clitic + lam] = IndexKey(len(lam), clitic, (), True)
        for word in GLUE_WORDS:
            for clitic in VARIANT_CLITICS:
                for tail in GLUE_TAILS:
                    slots.setdefault(" " + clitic + word + tail, IndexKey(len(tail), clitic, (), True, True))
        numbers: dict[tuple, int] = {}
        values = []
        for slot in slots.values():
            reading = (slot.length, slot.ids, slot.blocked, slot.glue)
            number = numbers.setdefault(reading, len(numbers))
            values.append(number << CLITIC_BITS | CLITICS.index(slot.clitic))
        return cls.from_keys(sorted(zip(values, slots, strict=True), key=_insertion_order), list(numbers))

    @classmethod
    def from_keys(cls, keys: Iterable[tuple[int, str]], readings: list[tuple]) -> PlaceIndex:
        """The index of (value, key text) pairs, added in that order, over ``readings``."""
        keys = list(keys)
        return cls.from_columns([text for _value, text in keys], [value for value, _text in keys], readings)

    @classmethod
    def from_columns(cls, texts: Iterable[str], values: Iterable[int], readings: list[tuple]) -> PlaceIndex:
        """The index of keys ``texts`` with ``values`` (paired in order; the caller checks that the
        two are as long), over ``readings``. The 113,000 keys go in from C (``map``), not from a
        Python loop: a tenth of building the automaton, in every process that loads the index."""
        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        deque(map(automaton.add_word, texts, values), maxlen=0)
        automaton.make_automaton()
        return cls(automaton, readings)

    def keys(self) -> list[tuple[int, str]]:
        """(value, key text) of every key, in the order they are added (what :meth:`from_keys` takes,
        and the order the cache file keeps them in)."""
        return sorted(((value, text) for text, value in self.automaton.items()), key=_insertion_order)

    def slot(self, value: int) -> IndexKey:
        """The :class:`IndexKey` an automaton value stands for."""
        length, ids, blocked, glue = self.readings[value >> CLITIC_BITS]
        return IndexKey(length, CLITICS[value & _CLITIC_MASK], ids, blocked, glue)

    def find(self, text: str | Normalised, scan: str | None = None) -> list[Match]:
        """Every place-name span in ``text``, clitics left outside the span, longest match first.

        ``scan`` is :func:`scan_text` of the folded text when the caller already has it.
        """
        norm = text if isinstance(text, Normalised) else normalise(text)
        if scan is None:
            scan = scan_text(norm.text)
        # padded[i + 1] == scan[i]. The final character is in no key: pyahocorasick's iter_long drops
        # a match still pending when the text ends inside a longer key ("... مدينه حلب" with
        # "مدينه حلب الجديده" in the index), and a character that fails every transition flushes it.
        padded = " " + scan + END_OF_TEXT
        readings = self.readings
        clitics = CLITICS
        automaton = self.automaton
        found: list[Match] = []
        append = found.append
        # Spans are found in the folded text; where folding dropped characters they are mapped back
        # to the source all at once below (most news text drops none: the two are the same).
        for last, value in automaton.iter_long(padded):
            length, ids, blocked, glue = readings[value >> CLITIC_BITS]
            if padded[last + 1] != " ":
                # The common case (a name, then a space) never comes here: a glue key always runs into
                # the rest of its word, and other keys only when the text does.
                clitic = clitics[value & _CLITIC_MASK]
                if glue:
                    # A direction word with a name glued to it (جنوبدمشق، الشرقيهلدمشق): the name is
                    # the rest of the word, with its clitic.
                    slot, last = _whole_word_key(self, padded, last - length + 1)
                    if slot is None:
                        continue
                    length, clitic, ids, blocked, glue = slot
                elif padded[last + 1].isdigit():
                    pass  # a name and a number glued (جنيف٢): the conference is still in Geneva
                elif padded[last + 1] in GLUED_CLITICS and (
                    second := _glued_second_name(self, padded, last + 1, ids)
                ):
                    # Two names with a lost space (روسياوايران): both are names.
                    start = last - length
                    append(Match(start, last, start, last, ids, clitic))
                    length, clitic, ids, blocked, glue = second[0]
                    last = second[1]
                else:
                    # The longest key runs into a longer word (حلب الجديدهX): fall back to the longest
                    # shorter key that ends at a word boundary inside it. A key of one word (حلب in
                    # حلبي, one hit in eight) has no such boundary: no call for it.
                    key_start = last - len(clitic) - length
                    if padded.find(" ", key_start + 1, last + 1) == -1:
                        continue
                    slot, last = _shorter_key(self, padded, key_start, last)
                    if slot is None:
                        continue
                    length, clitic, ids, blocked, glue = slot
                if blocked:
                    continue
            elif blocked:
                continue  # a phrase that is not a place (glue keys are blocked too)
            else:
                clitic = clitics[value & _CLITIC_MASK]
            # ``last`` is the index in ``scan`` just past the name.
            start = last - length
            append(Match(start, last, start, last, ids, clitic))
        if norm.offsets is None or not found:
            return _filtered(found, norm)
        offsets = norm.offsets
        if isinstance(offsets, np.ndarray):
            # Normalised.spans, inlined: one look-up in the offsets for all the names, and the spans
            # set on the matches directly rather than made into tuples first.
            firsts = offsets.take([m.norm_start for m in found]).tolist()
            lasts = offsets.take([m.norm_end - 1 for m in found]).tolist()
            source = norm.source
            length = len(source)
            marks = TRAILING_MARKS
            for match, start, end in zip(found, firsts, lasts, strict=True):
                end += 1
                while end < length and source[end] in marks:
                    end += 1
                match.start = start
                match.end = end
            return _filtered(found, norm)
        for match, (start, end) in zip(found, norm.spans([m.norm_start for m in found], [m.norm_end for m in found]),
                                       strict=True):
            match.start = start
            match.end = end
        return _filtered(found, norm)


#: Arabic letters (folded), the most frequent in text first. pyahocorasick finds a node's child by
#: a linear search over its children, in the order they were added, so keys are added in this
#: collation: at every node the likeliest next letter is tried first. Measured on news text, the
#: scan is 12% faster than with keys added in value order, and twice as fast as in code point order.
LETTER_FREQUENCY = " ايلمونهرتبعدسفكقحجشطصخثزضغذظء"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(LETTER_FREQUENCY)}


def _insertion_order(key: tuple[int, str]) -> list[int]:
    """Sort key of a (value, key text) pair: the text in :data:`LETTER_FREQUENCY` collation (other
    characters after those letters, in code point order)."""
    rank = _LETTER_RANK
    return [rank.get(char, 64 + ord(char)) for char in key[1]]


def _filtered(found: list[Match], norm: Normalised) -> list[Match]:
    """``found`` without names in a word with nunation or inside a longer hashtag."""
    source = norm.source
    # The three marks of TANWEEN, tested one by one: three searches in C, not a generator.
    if norm.offsets is not None and ("\u064b" in source or "\u064c" in source or "\u064d" in source):
        # بنوداً: a word with nunation is an indefinite noun or an adverb; a name only the world
        # layer has is not taken from it (a curated name in fully vowelled text still is).
        found = [m for m in found if source[m.end - 1] not in TANWEEN or not _world_only(m.ids)]
    if "#" in norm.text:
        folded = norm.text
        found = [m for m in found if not _inside_a_longer_hashtag(folded, m.norm_start - len(m.clitic), m.norm_end)]
    return found


def _joined_phrases(keys: list[str]) -> list[str]:
    """``keys`` plus every join of two that overlap word-wise (تنظيم الدوله + الدوله الاسلاميه في
    العراق = تنظيم الدوله الاسلاميه في العراق): the scan takes the longest key at each position and
    goes on after it, so without the join the second phrase would start inside the first, be
    skipped, and let its place names through."""
    known = dict.fromkeys(k for k in keys if k)
    by_first_word: dict[str, list[tuple[str, ...]]] = {}
    for key in known:
        words = tuple(key.split())
        by_first_word.setdefault(words[0], []).append(words)
    pending = list(known)
    while pending:
        key = pending.pop()
        words = key.split()
        for size in range(1, len(words)):
            for other in by_first_word.get(words[size], ()):
                tail = words[size:]
                if len(other) > len(tail) and list(other[: len(tail)]) == tail:
                    joined = " ".join(words[:size] + list(other))
                    if joined not in known and len(known) < 10 * len(keys) + 100:
                        known[joined] = None
                        pending.append(joined)
    return list(known)


def _clitics_for(key: str, world_only: bool) -> tuple[str, ...]:
    """Clitic sequences a name may carry: none for a Latin name; not the rarer ك and ف for a name
    only the world layer has (كبيرا would be ك + بيرا)."""
    if key.isascii():
        return ("",)
    if world_only:
        return tuple(p for p in PROCLITICS if "ك" not in p and "ف" not in p)
    return tuple(PROCLITICS)


def _world_only(ids: tuple[str, ...]) -> bool:
    return bool(ids) and all(i.startswith(WORLD_PREFIX) for i in ids)


def _inside_a_longer_hashtag(folded: str, start: int, end: int) -> bool:
    """The name is one part of a compound hashtag (#سيول_الكويت: floods in Kuwait, a topic); a
    hashtag that is the name alone (#تل_تمر) is a mention."""
    tag_start = start
    while tag_start > 0 and not folded[tag_start - 1].isspace():
        tag_start -= 1
    if folded[tag_start : tag_start + 1] != "#":
        return False
    tag_end = end
    while tag_end < len(folded) and (folded[tag_end].isalnum() or folded[tag_end] == "_"):
        tag_end += 1
    return tag_start + 1 != start or tag_end != end


def _variant_forms(key: str) -> list[str]:
    """Other spellings of a folded name: with one space lost or all of them (الولاياتالمتحده; a
    teh marbuta written open when the words join: معرتحرمه), with an alef after a final waw
    (هنانوا), and with a number set off by slashes (مشروع /3000/ شقه reads "مشروع  3000  شقه")."""
    words = key.split(" ")
    forms: set[str] = set()
    if len(words) > 1:
        forms.add("".join(words))
        for i in range(1, len(words)):
            first = words[i - 1]
            for joined_first in {first, first[:-1] + "ت" if first.endswith("ه") else first}:
                forms.add(" ".join([*words[: i - 1], joined_first + words[i], *words[i + 1 :]]))
    if key.endswith("و") and len(words[-1]) > 3:
        forms.add(key + "ا")
    if any(word.isdigit() for word in words):
        forms.add(" ".join(f" {word} " if word.isdigit() else word for word in words))
    forms.discard(key)
    return sorted(forms)


def _whole_word_key(index: PlaceIndex, padded: str, start: int):
    """The key of a name (with its clitic) that is the whole word from ``start`` in ``padded`` to the
    next space, and the index of its last character; (None, start) when there is none."""
    end = padded.find(" ", start)
    if end == -1:
        end = len(padded) - 1  # the end-of-text mark
    value = index.automaton.get(" " + padded[start:end], None)
    if value is None:
        return None, start
    slot = index.slot(value)
    if not slot[2] or slot[3] or slot[4]:
        return None, start  # not a place, a blocked phrase, or another glue key
    return slot, end - 1


def _glued_second_name(index: PlaceIndex, padded: str, start: int, first_ids: tuple[str, ...]):
    """After a curated name, و/ب/ل and a second curated name glued to it (روسياوايران): the second
    name's key and last index; ``None`` otherwise. Names only the world layer has are left out: a
    short GeoNames name at the end of an ordinary word would be found everywhere."""
    if all(i.startswith(WORLD_PREFIX) for i in first_ids):
        return None
    slot, last = _whole_word_key(index, padded, start)
    if slot is None or not slot[1] or all(i.startswith(WORLD_PREFIX) for i in slot[2]):
        return None
    return slot, last


def _shorter_key(index: PlaceIndex, padded: str, key_start: int, last: int):
    """The longest key that starts at ``key_start`` and ends before ``last`` at a word boundary."""
    position = padded.rfind(" ", key_start + 1, last + 1)
    while position > key_start + 1:
        value = index.automaton.get(padded[key_start:position], None)
        if value is not None:
            return index.slot(value), position - 1
        position = padded.rfind(" ", key_start + 1, position)
    return None, last


#: Direction and position words that reports glue to the name after them (وجنوبدمشق، جنوبصنعاء،
#: الاطراف الشرقيهلدمشق), folded.
GLUE_WORDS = (
    "جنوب", "شمال", "شرق", "غرب", "وسط", "الشرقيه", "الغربيه", "الشماليه", "الجنوبيه", "اطراف", "ريف",
    "ضواحي", "محيط",
)  # fmt: skip
#: What may follow a glue word and begin a name: the article, or any letter but those that make the
#: word an adjective or adverb (جنوبي، جنوبا، جنوبه) or a plural.
GLUE_TAILS = ("ال", *"بتثجحخدذرزسشصضطظعغفقكلمنو")
#: The clitics a misspelt or glued form is indexed with (the rarer ك and ف are left out: every key
#: costs memory and index size, and these forms are rare already).
VARIANT_CLITICS = ("", "و", "ب", "ل", "وب", "ول")
#: Clitics that may join a second name to a first with the space lost (روسياوايران، الشرقيهلدمشق).
GLUED_CLITICS = frozenset("وبل")

#: The marks of nunation (tanween): a word that carries one is an indefinite noun or an adverb.
TANWEEN = frozenset("\u064b\u064c\u064d")

#: Appended to the scanned text; no key holds it (keys are word characters and spaces).
END_OF_TEXT = "\x01"

#: Names are masked with this character so that later stages never read them as ordinary words.
MASK = "\x00"


def mask_names(matches: Sequence[Match], text: str) -> str:
    """``text`` (scan or folded, same length) with each name, clitic included, replaced by one run of
    :data:`MASK`: a single token whose position tells where the name stands."""
    pieces: list[str] = []
    extend = pieces.extend
    position = 0
    for match in matches:
        word_start = match.norm_start - len(match.clitic)
        # The run starts at the start of the word, so the masked name is always one whole token.
        while word_start > position and text[word_start - 1].isalnum():
            word_start -= 1
        end = match.norm_end
        extend((text[position:word_start], MASK * (end - word_start)))
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def scan_text(folded: str | Normalised) -> str:
    """What the automaton reads: word characters kept, everything else a space, one space appended
    so a name at the very end still has its right boundary. Given a :class:`Normalised` made with
    ``boundaries=True``, reuses the boundaries computed with it."""
    if isinstance(folded, Normalised):
        boundaries = folded.boundaries if folded.boundaries is not None else word_boundaries(folded.text)
        return boundaries + " "
    return word_boundaries(folded) + " "
