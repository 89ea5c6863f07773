"""Say whether each place is a conflict location, a diplomatic venue, or only mentioned.

The role comes from the nearest cue word (قصف، حصار، محادثات، اجتماع ...; the lists are in
``geo/data/cues.csv``) in the same clause, at most :data:`WINDOW` words away; conflict wins a tie.
Countries and capitals are often named for their governments (تواصل موسكو دعم، كما طلبت دمشق،
واشنطن ترغب): such a mention is a place only when a locative word (في، من، إلى، بـ، قرب ...) or a
place-type word stands before it, or a cue noun governs it (اجتماع باريس، اتفاق ميونيخ). Otherwise it
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
#: A cue at most this many words before a country or capital makes it a place, not metonymy
#: (يزور كيري الخميس باريس).
GOVERNING = 3
CLAUSE_BREAKS = re.compile(r"[.!?؟؛:\n،,\"«»()\[\]]|\s-\s")
_TOKENS = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class RoleDecision:
    role: str
    cue: str
    metonymy: bool = False


class ClauseView:
    """The folded text of one document cut into tokens and clauses, for cue look-ups."""

    def __init__(self, folded: str, scan: str) -> None:
        self.tokens: list[str] = []
        self.starts: list[int] = []
        for token in _TOKENS.finditer(scan):
            self.tokens.append(token.group())
            self.starts.append(token.start())
        self.breaks = [m.start() for m in CLAUSE_BREAKS.finditer(folded)]

    def token_at(self, position: int) -> int:
        return max(0, bisect.bisect_right(self.starts, position) - 1)

    def clause_of(self, position: int) -> int:
        return bisect.bisect_right(self.breaks, position)


def assign_roles(
    matches: Sequence[Match],
    entries: Sequence[Entry],
    folded: str,
    scan: str,
    lexicon: Lexicon,
) -> list[RoleDecision]:
    """One :class:`RoleDecision` per match (``entries[i]`` is what ``matches[i]`` resolved to)."""
    view = ClauseView(folded, scan)
    # Tokens covered by place names are not cues (اتفاق ... is a cue, الاتفاق الروسي is not a place).
    name_tokens: set[int] = set()
    spans: list[tuple[int, int]] = []
    for match in matches:
        first = view.token_at(match.norm_start)
        last = view.token_at(max(match.norm_start, match.norm_end - 1))
        name_tokens.update(range(first, last + 1))
        spans.append((first, last))

    decisions: list[RoleDecision] = []
    for index, (match, entry) in enumerate(zip(matches, entries, strict=True)):
        first, last = spans[index]
        clause = view.clause_of(match.norm_start)
        cue, distance = _nearest_cue(view, lexicon, first, last, clause, name_tokens)
        cue_governs = cue is not None and distance <= GOVERNING and _cue_before(view, lexicon, first, cue)
        if (
            _is_governed_name(entry)
            and not cue_governs
            and not _stands_as_place(match, first, view, lexicon, name_tokens, decisions, spans, index)
        ):
            decisions.append(RoleDecision("other", "", metonymy=True))
            continue
        if cue is None and index > 0 and decisions[-1].role != "other":
            previous_last = spans[index - 1][1]
            same_clause = view.clause_of(view.starts[previous_last]) == clause
            if same_clause and 0 <= first - previous_last <= CHAIN:
                decisions.append(RoleDecision(decisions[-1].role, decisions[-1].cue))
                continue
        if cue is None:
            decisions.append(RoleDecision("other", ""))
        else:
            decisions.append(RoleDecision(cue.role, cue.text))
    return decisions


def _cue_before(view: ClauseView, lexicon: Lexicon, first: int, cue: Cue) -> bool:
    """True when ``cue`` stands within :data:`GOVERNING` words before the name."""
    return any(lexicon.cue_at(view.tokens, position) == cue for position in range(max(0, first - GOVERNING), first))


def _is_governed_name(entry: Entry) -> bool:
    """Names that often stand for a government: countries and national capitals."""
    return entry.feature == "country" or entry.capital


def _nearest_cue(
    view: ClauseView, lexicon: Lexicon, first: int, last: int, clause: int, name_tokens: set[int]
) -> tuple[Cue | None, int]:
    tokens = view.tokens
    best: Cue | None = None
    best_distance = WINDOW + 1
    for distance in range(1, WINDOW + 1):
        for position in (first - distance, last + distance):
            if position < 0 or position >= len(tokens) or position in name_tokens:
                continue
            if view.clause_of(view.starts[position]) != clause:
                continue
            cue = lexicon.cue_at(tokens, position)
            if cue is not None and (best is None or (distance == best_distance and cue.role == "conflict")):
                best, best_distance = cue, distance
        if best is not None:
            return best, best_distance
    return None, best_distance


def _stands_as_place(
    match: Match,
    first: int,
    view: ClauseView,
    lexicon: Lexicon,
    name_tokens: set[int],
    decisions: list[RoleDecision],
    spans: list[tuple[int, int]],
    index: int,
) -> bool:
    """True when a country or capital is used as a place rather than for its government."""
    if "ب" in match.clitic:
        return True
    previous = first - 1
    if previous < 0 or view.clause_of(view.starts[previous]) != view.clause_of(match.norm_start):
        return False
    if previous in name_tokens and match.clitic[:1] in ("و", "ف") and index > 0 and spans[index - 1][1] == previous:
        # Coordination (موسكو وواشنطن): the second name shares the first one's reading.
        return not decisions[-1].metonymy
    word = view.tokens[previous]
    if lexicon.is_locative(word) or lexicon.trigger_features(word):
        return True
    # A cue noun governing the name: اجتماع باريس، اتفاق ميونيخ، محادثات جنيف.
    return lexicon.cue_at(view.tokens, previous) is not None
