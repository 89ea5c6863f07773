"""Say whether each place is a conflict location, a diplomatic venue, or only mentioned.

The role comes from the nearest cue word (قصف، حصار، محادثات، اجتماع ...; the lists are in
``geo/data/cues.csv``) in the same clause, at most :data:`WINDOW` words away; conflict wins a tie.
Countries and capitals are often named for their governments (تواصل موسكو دعم، كما طلبت دمشق،
واشنطن ترغب): such a mention is a place only when a locative word (في، من، إلى، بـ، قرب ...) or a
place-type word stands before it, or a cue governs it (اجتماع باريس، يزور الوزير باريس). Otherwise it
is metonymy and its role is ``other``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from geo.lexicon import Cue, Lexicon
from geo.model import Entry
from geo.recognize import Match

WINDOW = 12
#: A name with no cue of its own takes the role of a name at most this many words before it in the
#: same clause (استهدف ... حي الكلاسة بمدينة حلب وقرية المنطار: one cue, three places).
CHAIN = 3
#: A cue at most this many words before a country or capital makes it a place, not metonymy.
GOVERNING = 3
CLAUSE_BREAKS = re.compile(r"[.!?؟؛:\n،,\"«»()\[\]]|\s-\s")
#: Place names are masked with this character so that they are never read as cue words.
MASK = "\x00"


@dataclass(frozen=True, slots=True)
class RoleDecision:
    role: str
    cue: str
    metonymy: bool = False


@dataclass(frozen=True, slots=True)
class _Window:
    """The words of a mention's clause on each side of it, nearest first (names masked)."""

    before: list[str]
    after: list[str]


def _windows(matches: Sequence[Match], folded: str, scan: str) -> list[_Window]:
    pieces = []
    position = 0
    for match in matches:
        word_start = match.norm_start - len(match.clitic)
        pieces.append(scan[position:word_start])
        pieces.append(MASK * (match.norm_end - word_start))
        position = match.norm_end
    pieces.append(scan[position:])
    masked = "".join(pieces)
    breaks = [m.start() for m in CLAUSE_BREAKS.finditer(folded)]
    windows = []
    for match in matches:
        word_start = match.norm_start - len(match.clitic)
        index = bisect.bisect_right(breaks, word_start)
        clause_from = breaks[index - 1] + 1 if index > 0 else 0
        clause_to = breaks[index] if index < len(breaks) else len(masked)
        before = masked[max(clause_from, word_start - 160) : word_start].split()
        after = masked[match.norm_end : min(clause_to, match.norm_end + 160)].split()
        windows.append(_Window(before[::-1][:WINDOW], after[:WINDOW]))
    return windows


def assign_roles(
    matches: Sequence[Match],
    entries: Sequence[Entry],
    folded: str,
    scan: str,
    lexicon: Lexicon,
) -> list[RoleDecision]:
    """One :class:`RoleDecision` per match (``entries[i]`` is what ``matches[i]`` resolved to)."""
    decisions: list[RoleDecision] = []
    windows = _windows(matches, folded, scan)
    for _index, (match, entry, window) in enumerate(zip(matches, entries, windows, strict=True)):
        cue, distance, before = _nearest_cue(window, lexicon)
        governs = cue is not None and before and distance <= GOVERNING
        if (entry.feature == "country" or entry.capital) and not governs and not _stands_as_place(
            match, window, lexicon, decisions
        ):
            decisions.append(RoleDecision("other", "", metonymy=True))
            continue
        if cue is None and decisions and decisions[-1].role != "other" and _follows_previous(window):
            decisions.append(RoleDecision(decisions[-1].role, decisions[-1].cue))
            continue
        decisions.append(RoleDecision("other", "") if cue is None else RoleDecision(cue.role, cue.text))
    return decisions


def _nearest_cue(window: _Window, lexicon: Lexicon) -> tuple[Cue | None, int, bool]:
    """The nearest cue (conflict first on a tie), its distance in words, and whether it stands before."""
    forward = window.before[::-1]
    for distance in range(1, WINDOW + 1):
        found: list[tuple[Cue, bool]] = []
        for words, before in ((window.before, True), (window.after, False)):
            if distance > len(words) or words[distance - 1][0] == MASK:
                continue
            cue = lexicon.cue_at(forward, len(forward) - distance) if before else lexicon.cue_at(words, distance - 1)
            if cue is not None:
                found.append((cue, before))
        if found:
            cue, before = min(found, key=lambda item: item[0].role != "conflict")
            return cue, distance, before
    return None, WINDOW + 1, False


def _follows_previous(window: _Window) -> bool:
    """True when another name stands at most :data:`CHAIN` words before this one in the clause."""
    return any(word[0] == MASK for word in window.before[:CHAIN])


def _stands_as_place(match: Match, window: _Window, lexicon: Lexicon, decisions: list[RoleDecision]) -> bool:
    """True when a country or capital is used as a place rather than for its government."""
    if "ب" in match.clitic:
        return True
    if not window.before:
        return False
    word = window.before[0]
    if word[0] == MASK:
        # Coordination (موسكو وواشنطن): the second name shares the first one's reading.
        return match.clitic[:1] in ("و", "ف") and bool(decisions) and not decisions[-1].metonymy
    return lexicon.is_locative(word) or bool(lexicon.trigger_features(word))
