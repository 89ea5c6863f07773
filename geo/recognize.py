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

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import ahocorasick

from geo.arabic import Normalised, name_key, normalise, word_boundaries
from geo.clitics import LONGEST_PROCLITIC, is_proclitic, lam_form
from geo.gazetteer import Gazetteer
from geo.world import WORLD_PREFIX


class IndexKey(NamedTuple):
    """What one automaton key stands for (a tuple: it pickles and loads fast in the cached index)."""

    length: int
    #: Gazetteer ids of names with exactly this folded form.
    ids: tuple[str, ...] = ()
    #: Gazetteer ids for which this key is the lam form (الرقه -> لرقه, matched only after ل).
    lam_ids: tuple[str, ...] = ()
    #: A phrase that is not a place; it hides any place name inside it.
    blocked: bool = False
    #: Latin-script key: no Arabic clitics in front of it.
    latin: bool = False
    #: Only world-layer (GeoNames) entries have this name: the rarer clitics ك and ف are not tried
    #: (كبيرا is ك + بيرا otherwise).
    world_only: bool = False


@dataclass(frozen=True, slots=True)
class Match:
    """A recognised name: its span in the folded text and in the source, and what it may mean."""

    norm_start: int
    norm_end: int
    start: int
    end: int
    ids: tuple[str, ...]
    clitic: str
    blocked: bool = False


@dataclass
class PlaceIndex:
    """The compiled index: build once per gazetteer, then :meth:`find` in any number of texts."""

    automaton: ahocorasick.Automaton
    keys: list[IndexKey] = field(default_factory=list)

    @classmethod
    def build(cls, gazetteer: Gazetteer, not_places: Iterable[str] = ()) -> PlaceIndex:
        ids: dict[str, list[str]] = defaultdict(list)
        lam_ids: dict[str, list[str]] = defaultdict(list)
        blocked: set[str] = set()
        for key, key_ids in gazetteer.names().items():
            if len(key) < 2:
                continue
            ids[key].extend(i for i in key_ids if i not in ids[key])
            lam = lam_form(key)
            if lam:
                lam_ids[lam].extend(i for i in key_ids if i not in lam_ids[lam])
        for phrase in not_places:
            key = name_key(phrase)
            if len(key) >= 2:
                blocked.add(key)
                lam = lam_form(key)
                if lam:
                    blocked.add(lam)
        automaton = ahocorasick.Automaton()
        keys: list[IndexKey] = []
        for text in dict.fromkeys([*ids, *lam_ids, *blocked]):
            automaton.add_word(text + " ", len(keys))
            key_ids = tuple(ids.get(text, ()))
            key_lam_ids = tuple(lam_ids.get(text, ()))
            world_only = bool(key_ids or key_lam_ids) and all(
                i.startswith(WORLD_PREFIX) for i in (*key_ids, *key_lam_ids)
            )
            keys.append(IndexKey(len(text), key_ids, key_lam_ids, text in blocked, text.isascii(), world_only))
        automaton.make_automaton()
        return cls(automaton, keys)

    def __getstate__(self) -> tuple:
        return self.automaton, [tuple(key) for key in self.keys]

    def __setstate__(self, state: tuple) -> None:
        self.automaton, keys = state
        self.keys = [IndexKey._make(key) for key in keys]

    def find(self, text: str | Normalised, scan: str | None = None) -> list[Match]:
        """Every place-name span in ``text``, clitics left outside the span, longest match first.

        ``scan`` is :func:`scan_text` of the folded text when the caller already has it.
        """
        norm = text if isinstance(text, Normalised) else normalise(text)
        if scan is None:
            scan = scan_text(norm.text)
        hits: list[tuple[int, int, int, tuple[str, ...], str, bool]] = []
        keys = self.keys
        for last, index in self.automaton.iter(scan):
            slot = keys[index]
            start = last - slot.length
            # Walk back over at most two letters of proclitic to the start of the word.
            word_start = start
            while word_start > 0 and scan[word_start - 1] != " " and start - word_start <= LONGEST_PROCLITIC:
                word_start -= 1
            if word_start > 0 and scan[word_start - 1] != " ":
                continue
            prefix = scan[word_start:start]
            if prefix and slot.world_only and ("ك" in prefix or "ف" in prefix):
                continue
            plain = not prefix or (not slot.latin and is_proclitic(prefix))
            lam = bool(prefix) and not slot.latin and is_proclitic(prefix, lam=True)
            ids = (slot.ids if plain else ()) or (slot.lam_ids if lam else ())
            blocked = slot.blocked and (plain or lam)
            if not ids and not blocked:
                continue
            hits.append((start, last, word_start, ids, prefix, blocked))
        return [m for m in _longest_first(hits, norm) if not m.blocked]


#: Names are masked with this character so that later stages never read them as ordinary words.
MASK = "\x00"


def mask_names(matches: Sequence[Match], text: str) -> str:
    """``text`` (scan or folded, same length) with each name, clitic included, replaced by one run of
    :data:`MASK`: a single token whose position tells where the name stands."""
    pieces = []
    position = 0
    for match in matches:
        word_start = match.norm_start - len(match.clitic)
        # The run starts at the start of the word, so the masked name is always one whole token.
        while word_start > position and text[word_start - 1].isalnum():
            word_start -= 1
        pieces.append(text[position:word_start])
        pieces.append(MASK * (match.norm_end - word_start))
        position = match.norm_end
    pieces.append(text[position:])
    return "".join(pieces)


def scan_text(folded: str) -> str:
    """What the automaton reads: word characters kept, everything else a space, one space appended
    so a name at the very end still has its right boundary."""
    return word_boundaries(folded) + " "


def _longest_first(hits: list, norm: Normalised) -> list[Match]:
    """Keep the longest non-overlapping hits (ties: the earlier one), in text order."""
    hits.sort(key=lambda h: (h[0] - h[1], h[0]))
    starts: list[int] = []
    ends: list[int] = []
    chosen: list[Match] = []
    for start, end, word_start, ids, prefix, blocked in hits:
        position = bisect.bisect_left(starts, start)
        if position > 0 and ends[position - 1] > word_start:
            continue
        if position < len(starts) and starts[position] < end:
            continue
        # A name is claimed from the start of its word, clitic included, so two names cannot share a word.
        starts.insert(position, word_start)
        ends.insert(position, end)
        source_start, source_end = norm.span(start, end)
        chosen.append(Match(start, end, source_start, source_end, ids, prefix, blocked))
    chosen.sort(key=lambda m: m.norm_start)
    return chosen
