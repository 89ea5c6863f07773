"""Say whether each place is a conflict location, a diplomatic venue, or only mentioned.

The role comes from the nearest cue word (قصف، حصار، محادثات، اجتماع ...; the lists are in
``geo/data/cues.csv``) in the same clause, at most :data:`WINDOW` words away; conflict wins a tie.
Countries and capitals are often named for their governments (تواصل موسكو دعم، كما طلبت دمشق،
واشنطن ترغب): such a mention is a place only when a locative word (في، من، إلى، بـ، قرب ...) or a
place-type word stands before it (في العاصمة الكازاخية أستانا), or a cue governs it (اجتماع باريس،
يزور الوزير باريس; a cue's ``reach`` says how far). Otherwise it is metonymy and its role is ``other``.

Three refinements keep cues to what they speak of:

- a name after a topic or partner word (حول، بشأن، مع، عن ...: المباحثات حول سورية), or after a
  noun for a state of affairs and في (لبحث الوضع في غزة), is what talks are about, or who they are
  with, not where they are held: it takes no diplomatic role, nor does a name coordinated with it;
- a conflict cue after a topic word (جلسة لبحث الهجوم) is the subject of a meeting, not an event;
- a cue word right after a settlement word (قرية الزيارة) is a village's name, not a cue.

A clause of only locatives and names cut off by a comma (وفي المنامة، خصص مؤتمر ...) is read with
the clause after it: it sets the scene for it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import compress

from geo.arabic import char_table, positions_of
from geo.lexicon import (
    NAME,
    PARTNER_WORD,
    PHRASE,
    PLACE_WORD,
    SETTLEMENT_WORD,
    SITUATION_WORD,
    TOPIC_WORD,
    Cue,
    Lexicon,
)
from geo.model import Entry
from geo.recognize import MASK, Match, mask_names

WINDOW = 12
#: A name with no cue of its own takes the role of a name at most this many words before it in the
#: same clause (استهدف ... حي الكلاسة بمدينة حلب وقرية المنطار: one cue, three places).
CHAIN = 3
#: What ends a clause: punctuation, and a dash between spaces (a dash inside a word joins it).
CLAUSE_PUNCTUATION = '.!?؟؛:\n،,"«»()[]'
_CLAUSE_TABLE = char_table(CLAUSE_PUNCTUATION)
#: A clause of locatives and names that ends in one of these is read with the next clause.
SCENE_SETTING_BREAKS = frozenset("،,")
#: ... when it has at most this many words (وفي حي السكري والكلاسة).
SCENE_WORDS = 6
#: Words after which a place is what talks are about, or who they are with.
ABOUT = TOPIC_WORD | PARTNER_WORD


@dataclass(slots=True)
class RoleDecision:
    """The role of one mention and the cue word that decided it. Immutable in spirit (not
    ``frozen``, which costs six times as much to build)."""

    role: str
    cue: str
    metonymy: bool = False


OTHER = RoleDecision("other", "")
#: One shared decision per cue (cues compare by identity; a user's extra cue files add a few more).
_CUE_DECISIONS: dict[Cue, RoleDecision] = {}
METONYMY = RoleDecision("other", "", metonymy=True)


def clause_breaks(matches: Sequence[Match], folded: str, scan: str) -> list[int]:
    """Sorted offsets in ``folded`` where a clause ends, never inside a name: "Munich, Germany" is two
    names and a clause break, but punctuation inside one name (a name written with a dash) is not.

    Only a name of several words can hold punctuation (a one-word name is all word characters), so
    only those are checked, and the list is filtered only when one of them does.
    """
    breaks = positions_of(folded, _CLAUSE_TABLE).tolist()
    dashes = _spaced_dashes(folded)
    if dashes:
        breaks = sorted(breaks + dashes)
    inside = []
    for m in matches:
        if " " in scan[m.norm_start : m.norm_end]:
            i = bisect_left(breaks, m.norm_start)
            if i < len(breaks) and breaks[i] < m.norm_end:
                inside.append((m.norm_start, m.norm_end))
    if inside:
        breaks = [b for b in breaks if not any(start <= b < end for start, end in inside)]
    return breaks


def _spaced_dashes(folded: str) -> list[int]:
    """Offsets of dashes with white space on both sides (a regular expression for this, with its
    look-behind, is tried at every character and cost more than the rest of the clause split)."""
    found = []
    position = folded.find("-", 1)
    while position != -1 and position < len(folded) - 1:
        if folded[position - 1].isspace() and folded[position + 1].isspace():
            found.append(position)
        position = folded.find("-", position + 1)
    return found


def assign_roles(
    matches: Sequence[Match],
    entries: Sequence[Entry],
    folded: str,
    scan: str,
    lexicon: Lexicon,
    masked: str | None = None,
) -> list[RoleDecision]:
    """One :class:`RoleDecision` per match (``entries[i]`` is what ``matches[i]`` resolved to).

    ``masked`` is :func:`~geo.recognize.mask_names` of ``matches`` over ``scan`` when the caller
    has it. Only the clauses that hold a name are visited (found by bisection from the names, not
    by walking every clause); each is split into words once and each word looked up as a cue once,
    however many names share the clause.
    """
    if masked is None:
        masked = mask_names(matches, scan)
    breaks = clause_breaks(matches, folded, scan)
    decisions: list[RoleDecision] = []
    cue_at = lexicon.cue_at
    cues_of = lexicon.cues_of
    context_of = lexicon.context_of
    decision_of = _CUE_DECISIONS
    if len(decision_of) > 10_000:
        decision_of.clear()  # lexicons loaded again and again (tests, notebooks) leave old cues here
    count = len(matches)
    index = 0
    while index < count:
        # The clause of the next undecided name, and of the names after it up to the next break.
        k = bisect_left(breaks, matches[index].norm_start)
        clause_start = breaks[k - 1] + 1 if k else 0
        clause_end = breaks[k] if k < len(breaks) else len(masked)
        words = masked[clause_start:clause_end].split()
        while k < len(breaks) and folded[breaks[k]] in SCENE_SETTING_BREAKS and _sets_the_scene(words, lexicon):
            k += 1
            clause_end = breaks[k] if k < len(breaks) else len(masked)
            words = masked[clause_start:clause_end].split()
        # Every word's cue in one pass with no Python code per word (masked names come out as NAME).
        cues = cues_of(words)
        if PHRASE in cues:
            for i, cue in enumerate(cues):
                if cue is PHRASE:
                    cues[i] = cue_at(words, i)
        cue_positions = list(compress(range(len(cues)), cues))
        dropped = False
        for i in cue_positions:
            flags = context_of(words[i - 1]) if i else 0
            if flags & SETTLEMENT_WORD or (flags & TOPIC_WORD and cues[i].role == "conflict"):
                cues[i] = None  # قرية الزيارة: a name; لبحث الهجوم: a subject of talks
                dropped = True
        if dropped:
            cue_positions = [i for i in cue_positions if cues[i] is not None]
        previous_name = -CHAIN - 1
        #: Word position of the last name read as a topic of talks (-1: none yet in this clause).
        topical = -1
        position = -1
        decided = index
        while index < count and matches[index].norm_start < clause_end:
            # Each name is one masked word, in the order of the matches.
            try:
                position = cues.index(NAME, position + 1)
            except ValueError:
                break  # cannot happen; if it did, the names left get no role (below)
            match, entry = matches[index], entries[index]
            # The rules of the module docstring, in order (inlined: this runs for every name).
            cue, distance, before = _nearest_cue(words, cues, cue_positions, position)
            government = entry.feature == "country" or entry.capital
            if cue is not None and cue.role == "diplomatic" and _is_topic(match, words, position, context_of, topical):
                decision = OTHER  # المباحثات حول سورية، لبحث الوضع في غزة: what the talks are about
                topical = position
            elif (
                government
                and not (cue is not None and before and distance <= cue.reach)
                and not _stands_as_place(match, words, position, lexicon, decisions)
            ):
                decision = METONYMY
            elif cue is not None:
                decision = decision_of.get(cue) or decision_of.setdefault(cue, RoleDecision(cue.role, cue.text))
            elif position - previous_name <= CHAIN and decisions and decisions[-1].role != "other":
                decision = decisions[-1]  # one cue, several places: قصف حي الكلاسة وقرية المنطار
            else:
                decision = OTHER
            decisions.append(decision)
            previous_name = position
            index += 1
        if index == decided or (index < count and matches[index].norm_start < clause_end):
            # Cannot happen (a name lies inside the clause found for it); if it ever did, give the
            # name no role rather than loop for ever.
            decisions.append(OTHER)
            index += 1
    return decisions


def _is_topic(
    match: Match, words: list[str], position: int, context_of: Callable[[str], int], topical: int
) -> bool:
    """The name is what talks are about, not where they are held: right after a topic or partner word
    (حول سورية، مع أميركا); after a noun for a state of affairs and في, with at most one place-type
    word between (الوضع في غزة، الأزمة في مدينة حلب); or coordinated with such a name (حول سورية
    والعراق)."""
    if not position:
        return False
    if context_of(words[position - 1]) & ABOUT:
        return True
    if topical == position - 1 and match.clitic[:1] == "و":
        return True
    i = position - 1
    while i >= 0 and i >= position - 2 and context_of(words[i]) & PLACE_WORD:
        i -= 1
    return i >= 0 and i < position - 1 and bool(context_of(words[i]) & SITUATION_WORD)


def _sets_the_scene(words: list[str], lexicon: Lexicon) -> bool:
    """A short clause of names and locatives only (وفي المنامة): it sets the scene for the next one."""
    return (
        len(words) <= SCENE_WORDS
        and any(word[0] == MASK for word in words)
        and all(word[0] == MASK or lexicon.context_of(word) & PLACE_WORD for word in words)
    )


def _nearest_cue(
    words: list[str], cues: list[Cue | None], cue_positions: list[int], position: int
) -> tuple[Cue | None, int, bool]:
    """The nearest cue within :data:`WINDOW` words (conflict first on a tie), its distance in words,
    and whether it stands before the name."""
    k = bisect_left(cue_positions, position)
    before = after = None
    before_distance = after_distance = WINDOW + 1
    if k > 0 and position - cue_positions[k - 1] <= WINDOW:
        before_distance = position - cue_positions[k - 1]
        before = cues[cue_positions[k - 1]]
    if k < len(cue_positions) and cue_positions[k] - position <= WINDOW:
        at = cue_positions[k]
        after = cues[at]
        # و/ف + cue (ومحادثات) opens the next conjunct: it speaks of what follows, not of this name,
        # and no cue beyond it does either.
        if words[at][0] in "وف" and not words[at].startswith(after.words[0]):
            after = None
        else:
            after_distance = at - position
    if before is None and after is None:
        return None, WINDOW + 1, False
    if after is None or before_distance < after_distance:
        return before, before_distance, True
    if before is None or after_distance < before_distance:
        return after, after_distance, False
    if before.role == "conflict" or after.role != "conflict":
        return before, before_distance, True
    return after, after_distance, False


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
    if lexicon.context_of(word) & PLACE_WORD:
        return True
    # A place-type word and an adjective of it before the name: في العاصمة الكازاخية أستانا.
    return position >= 2 and _is_adjective(word) and bool(lexicon.trigger_features(words[position - 2]))


def _is_adjective(word: str) -> bool:
    """A relative adjective with the article (الكازاخيه، الروسي، السوريه), folded."""
    return word.startswith("ال") and (word.endswith("ي") or word.endswith("يه"))
