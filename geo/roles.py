"""Say whether each place is a conflict location, a diplomatic venue, or only mentioned.

The role comes from the nearest cue word (قصف، حصار، محادثات، اجتماع ...; the lists are in
``geo/data/cues.csv``) in the same clause, at most :data:`WINDOW` words away; conflict wins a tie.
Countries and capitals are often named for their governments (تواصل موسكو دعم، كما طلبت دمشق،
واشنطن ترغب): such a mention is a place only when a locative word (في، من، إلى، بـ، قرب ...) or a
place-type word stands before it, or a cue governs it (اجتماع باريس، يزور الوزير باريس). Otherwise it
is metonymy and its role is ``other``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from geo.lexicon import UNKNOWN, Cue, Lexicon
from geo.model import Entry
from geo.recognize import MASK, Match, mask_names

WINDOW = 12
#: A name with no cue of its own takes the role of a name at most this many words before it in the
#: same clause (استهدف ... حي الكلاسة بمدينة حلب وقرية المنطار: one cue, three places).
CHAIN = 3
#: A cue at most this many words before a country or capital makes it a place, not metonymy.
GOVERNING = 3
CLAUSE_BREAKS = re.compile(r"[.!?؟؛:\n،,\"«»()\[\]]|\s-\s")


@dataclass(frozen=True, slots=True)
class RoleDecision:
    role: str
    cue: str
    metonymy: bool = False


def assign_roles(
    matches: Sequence[Match],
    entries: Sequence[Entry],
    folded: str,
    scan: str,
    lexicon: Lexicon,
) -> list[RoleDecision]:
    """One :class:`RoleDecision` per match (``entries[i]`` is what ``matches[i]`` resolved to).

    The text is cut into clauses once; only clauses holding a name are split into words, and each
    word is looked up as a cue once, however many names share the clause.
    """
    masked = mask_names(matches, scan)
    # Breaks are looked for in the folded text with the names masked, so punctuation inside a name
    # ("Munich, Germany" is two names; a hyphenated name is one) never splits it.
    breaks = [m.start() for m in CLAUSE_BREAKS.finditer(mask_names(matches, folded))]
    bounds = [-1, *breaks, len(masked)]
    decisions: list[RoleDecision] = []
    cue_at = lexicon.cue_at
    single = lexicon.single_word_cues
    for left, right in pairwise(bounds):
        clause = masked[left + 1 : right]
        if MASK not in clause:
            continue
        words = clause.split()
        cues = [None if word[0] == MASK else single.get(word, UNKNOWN) for word in words]
        for i, cue in enumerate(cues):
            if cue is UNKNOWN:
                cues[i] = cue_at(words, i)
        for position, word in enumerate(words):
            if word[0] != MASK:
                continue
            index = len(decisions)
            decisions.append(_decide(matches[index], entries[index], words, cues, position, lexicon, decisions))
    return decisions


def _decide(
    match: Match,
    entry: Entry,
    words: list[str],
    cues: list[Cue | None],
    position: int,
    lexicon: Lexicon,
    decisions: list[RoleDecision],
) -> RoleDecision:
    cue, distance, before = _nearest_cue(words, cues, position)
    governs = cue is not None and before and distance <= GOVERNING
    government = entry.feature == "country" or entry.capital
    if government and not governs and not _stands_as_place(match, words, position, lexicon, decisions):
        return RoleDecision("other", "", metonymy=True)
    chained = any(word[0] == MASK for word in words[max(0, position - CHAIN) : position])
    if cue is None and chained and decisions and decisions[-1].role != "other":
        return RoleDecision(decisions[-1].role, decisions[-1].cue)
    return RoleDecision("other", "") if cue is None else RoleDecision(cue.role, cue.text)


def _nearest_cue(words: list[str], cues: list[Cue | None], position: int) -> tuple[Cue | None, int, bool]:
    """The nearest cue (conflict first on a tie), its distance in words, and whether it stands before."""
    size = len(cues)
    for distance in range(1, WINDOW + 1):
        left, right = position - distance, position + distance
        before = cues[left] if left >= 0 else None
        after = cues[right] if right < size else None
        if after is not None and words[right][0] in "وف" and not words[right].startswith(after.words[0]):
            # و/ف + cue (ومحادثات) opens the next conjunct: it speaks of what follows, not of this name.
            after = None
            size = right
        if before is not None or after is not None:
            if before is not None and (after is None or before.role == "conflict" or after.role != "conflict"):
                return before, distance, True
            return after, distance, False
        if left < 0 and right >= size:
            break
    return None, WINDOW + 1, False


def _stands_as_place(
    match: Match, words: list[str], position: int, lexicon: Lexicon, decisions: list[RoleDecision]
) -> bool:
    """True when a country or capital is used as a place rather than for its government."""
    if "ب" in match.clitic:
        return True
    if position == 0:
        return False
    word = words[position - 1]
    if word[0] == MASK:
        # Coordination (موسكو وواشنطن): the second name shares the first one's reading.
        return match.clitic[:1] in ("و", "ف") and bool(decisions) and not decisions[-1].metonymy
    return lexicon.is_locative(word) or bool(lexicon.trigger_features(word))
