"""Say whether each place is a conflict location, a diplomatic venue, or only mentioned, and for a
conflict location the kind of event (ACLED's sub-event types where they fit: ``air/drone strike``,
``shelling/artillery/missile attack``, ``armed clash`` ...).

The role comes from cue words (قصف، حصار، محادثات، اجتماع ...; ``geo/data/cues.csv``) read through
the structure of the clause rather than word by word:

- **Lists.** Names joined only by list words (و، أو، ثم، كذلك، أيضاً، a place-type word, في، وسط ...:
  ``kind list`` in ``context_words.csv``) form one list, and the whole list takes the role of the cue
  nearest to it, at most :data:`WINDOW` words before its first name or after its last: «ضربت الغارات
  الخالدية وبستان القصر والمرجة ... وجوار قلعة حلب» is one cue and every place. A container after a
  place (الفرقان في حلب، حمص وسط سوريا) is part of its list: it takes the event's role.
- **Clauses across commas.** A comma ends a clause, except that a segment which continues a list
  (it opens with a name, or with و + a place-type or list word: «، والكلاسة أيضاً، وبني زيد») or an
  appositive or relative clause (الواقعة، وهي، وجميعها، أحد أحياء، التي) is read with the clause
  before it, and so is the predicate after such a segment («تتعرض الخالدية، أحد أحياء حمص، لقصف»).
  A short clause of only locatives and names (وفي المنامة،) is read with the clause after it.
- **Reference points** (guideline rule 1): a city after a direction or distance word (شمال، جنوبي،
  قرب، المحاذي، على بعد 20 كم) that locates another named place is only a reference: ``other``
  («بلدة حريتان شمالي حلب»). With في or ب before the direction (في شرق صنعاء) it contains the event.
- **Displacement and origins** (rule 2): after a displacement cue, the place people went to (إلى،
  نحو) is ``other``; so is a refuge (ملاذ، النازحين في) and the place fighters or delegates come from
  (قوات قادمة من مصراتة، وفود من قطر).
- **Truces** (rule 4): the area of a ceasefire is a conflict location (وقف إطلاق النار في إدلب: cues
  of scope ``after``); its parties (هدنة بين تركيا وروسيا) and who called for it are not.
- **Venues named by what was held there:** a process named after its venue (عملية أستانا، بيان
  جنيف: cues of scope ``next``) is diplomatic; a sight visited (زار الوفد جامعاً في القاهرة) is no
  venue.
- **Reported speech and new clauses:** a cue after أن (وقال مسؤول في دمشق إن الطائرات قصفت ...) or
  after a word with و that opens a new predicate (انطلق في أستانا وأفضى إلى ...) speaks of something
  else than the names before it.
- **Names the gazetteer lacks** do not break a list: an unknown word with و followed by a name, a
  list word or a comma is taken for an item of it (والمرجة والقاطرجي وباب النيرب).

Countries and capitals are often named for their governments (تواصل موسكو دعم، كما طلبت دمشق):
such a mention is a place only when a locative, place-type or list word stands before it, a verb
whose subject is a place is next to it (شهدت دمشق، استضافت أستانا), it is coordinated with a place,
or a cue governs it (اجتماع باريس; a cue's ``reach`` says how far). Otherwise it is metonymy: ``other``.
A name after a topic or partner word (حول، بشأن، مع ...) or after a noun for a state of affairs and
في (لبحث الوضع في غزة) is what talks are about, not where they are held.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from itertools import compress, repeat
from operator import and_, attrgetter, or_

from geo.arabic import char_table, positions_of
from geo.lexicon import (
    APPOSITIVE_WORD,
    BREAK_WORD,
    CLAUSE_WORD,
    CUE_BITS,
    CUE_SHIFT,
    DASH_BREAK,
    DEPARTURE_WORD,
    DESTINATION_WORD,
    HARD_BREAK,
    HOST_WORD,
    LIST_WORD,
    NAME_CODE,
    NOT_EVENT_WORD,
    ORIGIN_WORD,
    PARTNER_WORD,
    PHRASE_CODE,
    PLACE_WORD,
    REFERENCE_WORD,
    REFUGE_WORD,
    SCOPE_WORD,
    SETTLEMENT_WORD,
    SIGHT_WORD,
    SITUATION_WORD,
    SOFT_BREAK,
    TOPIC_WORD,
    TRIGGER_WORD,
    Cue,
    Lexicon,
)
from geo.model import Entry
from geo.recognize import MASK, Match, mask_names

#: How far (in words) a cue reaches a list of names, before its first name or after its last.
WINDOW = 12
#: What ends a clause: punctuation, and a dash between spaces (a dash inside a word joins it). Not
#: quotes or brackets: they wrap names inside a clause (على “عربين ومديرا”، قرية (حمرة بلاسم)).
CLAUSE_PUNCTUATION = ".!?؟؛:\n،,–—"
_CLAUSE_TABLE = char_table(CLAUSE_PUNCTUATION)
#: Breaks after which a list, an appositive or a predicate may go on (see the module docstring), and
#: a short clause of names and locatives sets the scene for the next: a comma (وفي حلب، قتل ...) ...
SCENE_BREAKS = frozenset("،,")
#: ... and a dash, after which only a list goes on, for names before it are a dateline (حلب – تجدد
#: القصف ...). A hyphen breaks only between spaces: أرض-أرض is one word.
DASHES = frozenset("–—-")
#: The tokens of soft breaks in a document's words.
SOFT_TOKENS = frozenset({SOFT_BREAK, DASH_BREAK})
#: Break character -> its token.
_TOKENS = {
    mark: SOFT_BREAK if mark in SCENE_BREAKS else DASH_BREAK if mark in DASHES else HARD_BREAK
    for mark in CLAUSE_PUNCTUATION + "-"
}
#: A clause of locatives and names that ends in a comma is read with the next clause ...
#: ... when it has at most this many words (وفي حي السكري والكلاسة).
SCENE_WORDS = 6
#: Words after which a place is what talks are about, or who they are with.
ABOUT = TOPIC_WORD | PARTNER_WORD
#: Segment kinds: a clause of its own, the continuation of a list, an appositive or relative clause.
PLAIN, LIST, APPOSITIVE = 0, 1, 2
#: A list segment's first name is at most this many words in (والكلاسة; ومحيط دوار الجندول; وعلى
#: مدن وبلدات وقرى في ريف حلب) ...
LIST_LEAD = 6
#: ... of which at most this many are not list or place words (ومواقع للحرس الجمهوري في أرحب).
LIST_LEAD_OTHERS = 2
#: How many words an appositive word (الواقعة، التي تقع) may stand before a direction.
APPOSITIVE_REACH = 3
#: How many words before a name إلى or نحو makes it a destination of the displaced.
DESTINATION_REACH = 6
#: How many segments with no name before it a list or appositive segment goes back over.
BACK_SEGMENTS = 2
#: Particles that open the predicate of a clause interrupted by an appositive (وكانت الرقة، معقل
#: التنظيم، قد شهدت معارك).
PREDICATE_PARTICLES = frozenset({"قد", "فقد", "لقد"})
#: "That" (أن، إن، بأن), folded: what follows is what someone said, not an event at the place before.
COMPLEMENTIZERS = frozenset({"ان", "بان", "وان"})
#: ... unless after one of these: بعد أن قصفتها الطائرات is when, not what someone said.
TEMPORAL = frozenset({"بعد", "قبل", "منذ", "وبعد", "وقبل"})
#: Words that put the direction after them inside a place (في شرق صنعاء), folded.
CONTAINING = frozenset({"في", "وفي", "داخل"})
#: Events that say only that there was harm or fighting: the event of a list is taken from the
#: nearest cue that names a kind, when one is in reach (قتل مدنيان بقذائف أصابت عربين: shelling).
GENERIC_EVENTS = frozenset({"", "casualties", "fighting"})
_NORM_START, _ID = attrgetter("norm_start"), attrgetter("id")
#: The event of a conflict list when no cue in reach names one.
DEFAULT_EVENT = "fighting"


@dataclass(slots=True)
class RoleDecision:
    """The role of one mention, the cue word that decided it and, for a conflict location, the kind
    of event. Immutable in spirit (not ``frozen``, which costs six times as much to build)."""

    role: str
    cue: str
    metonymy: bool = False
    event: str = ""


OTHER = RoleDecision("other", "")
METONYMY = RoleDecision("other", "", metonymy=True)
#: One shared decision per (cue, event) (cues compare by identity; a user's extra cue files add a few).
_DECISIONS: dict[tuple[Cue, str], RoleDecision] = {}


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
    by walking every clause); each is split into words once and each word looked up once (its cue
    and context flags, in C), however many names share the clause.
    """
    if masked is None:
        masked = mask_names(matches, scan)
    breaks = clause_breaks(matches, folded, scan)
    #: The token of each break: a full stop and the like, a comma, or a dash.
    marks = list(map(_TOKENS.__getitem__, map(folded.__getitem__, breaks)))
    decisions: list[RoleDecision] = []
    if len(_DECISIONS) > 10_000:
        _DECISIONS.clear()  # lexicons loaded again and again (tests, notebooks) leave old cues here
    count = len(matches)
    index = 0
    while index < count:
        words, glue, clause_end = _clause(index, matches, breaks, marks, masked, lexicon)
        decided = _decide_clause(words, glue, index, clause_end, matches, entries, folded, masked, lexicon, decisions)
        if decided == index:
            # Cannot happen (a name lies inside the clause found for it); if it ever did, give the
            # name no role rather than loop for ever.
            decisions.append(OTHER)
            decided += 1
        index = decided
    return decisions


def _clause(
    index: int, matches: Sequence[Match], breaks: list[int], marks: list[str], masked: str, lexicon: Lexicon
) -> tuple[list[str], list[tuple[int, int]], int]:
    """The words of the clause that holds ``matches[index]``, read across the commas the module
    docstring names (the comma's token stands between the segments), the word ranges that only join
    names (an appositive clause; the words that lead a list segment to its first name), and where
    the clause ends in the text."""
    total = len(breaks)
    k = bisect_left(breaks, matches[index].norm_start)
    start = breaks[k - 1] + 1 if k else 0
    end = breaks[k] if k < total else len(masked)
    words = masked[start:end].split()
    glue: list[tuple[int, int]] = []
    if (
        k
        and marks[k - 1] is not HARD_BREAK
        and not (index and matches[index - 1].norm_start > (breaks[k - 2] if k >= 2 else -1))
    ):
        # (When the segment before holds a name, its clause did not take this one in: no going back.)
        kind = _segment_kind(words, lexicon)[0]
        back = k
        while kind != PLAIN and back and k - back < BACK_SEGMENTS and marks[back - 1] is not HARD_BREAK:
            # A list or appositive segment after a comma goes on with the segments before it that
            # hold no name (else their clause would have taken this segment in): تعرضت أحياء لقصف،
            # ومنها ...; أصابت قذائف، خلال صلاة التراويح، مسجد الحسامي. (The words that lead this
            # segment to its first name need no glue: no name of the clause stands before them.)
            before_start = breaks[back - 2] + 1 if back >= 2 else 0
            if index and matches[index - 1].norm_start >= before_start:
                break
            before = masked[before_start : breaks[back - 1]].split()
            if not before or (back == k and not _goes_on(before[-1], words, lexicon)):
                break
            words = [*before, marks[back - 1], *words]
            back -= 1
    elif k < total and marks[k] is not HARD_BREAK:
        kind = -1  # found when needed
    else:
        return words, glue, end
    previous_kind = kind
    while k < total and marks[k] is not HARD_BREAK:
        following_end = breaks[k + 1] if k + 1 < total else len(masked)
        following = masked[breaks[k] + 1 : following_end].split()
        if not following:
            k += 1
            continue
        kind, lead = _segment_kind(following, lexicon)
        if kind == LIST and not _goes_on(words[-1], following, lexicon):
            kind = PLAIN
        if kind == LIST and not lead:
            # A name with ف opens a clause of its own: وروسيا، فالولايات المتحدة تصر ...
            first = bisect_left(matches, breaks[k] + 1, key=_NORM_START)
            if first < len(matches) and matches[first].clitic[:1] == "ف":
                kind = PLAIN
        if kind == PLAIN:
            if marks[k] is not SOFT_BREAK:
                break  # after a dash, only a list goes on (حلب – تجدد القصف: a dateline)
            if previous_kind < 0:
                previous_kind = _segment_kind(words, lexicon)[0]
            if previous_kind == APPOSITIVE:
                if lexicon.context_of(following[0]) & CLAUSE_WORD:
                    break  # وكانت الرقة، معقل التنظيم، قد شهدت ...; not فيما، بينما ...
            elif not (
                (previous_kind == LIST and (following[0] in PREDICATE_PARTICLES or lexicon.is_cue(following[0])))
                or _sets_the_scene(words, lexicon)
            ):
                break
        words.append(marks[k])
        if lead:
            glue.append((len(words), len(words) + lead))
        words.extend(following)
        previous_kind = kind
        k += 1
    return words, glue, breaks[k] if k < total else len(masked)


def _segment_kind(words: list[str], lexicon: Lexicon) -> tuple[int, int]:
    """:data:`LIST`, :data:`APPOSITIVE` or :data:`PLAIN`, from the first words of a segment, and the
    number of words before its first name that only lead to it (for a list, at most
    :data:`LIST_LEAD`; for an appositive clause, all of them: الذي يعد من آخر معاقل التنظيم في
    الموصل)."""
    word = words[0]
    if word[0] == MASK:
        return LIST, 0
    context_of = lexicon.context_of
    flags = context_of(word)
    if not flags & (LIST_WORD | PLACE_WORD):
        if not flags and (len(words) == 1 or word[0] == "و") and _unknown_lead(words, lexicon):
            return _segment_after_lead(words, lexicon)
        return PLAIN, 0  # the common case: a clause that opens with a verb or a noun
    others = 0
    for i, word in enumerate(words[: LIST_LEAD + 1]):
        if i:
            if word[0] == MASK:
                return LIST, i
            flags = context_of(word)
        if (flags & APPOSITIVE_WORD and i < 2) or (not i and flags & TRIGGER_WORD and _is_definite(word)):
            # الواقعة بريف درعا، وهي بلدات ...، أحد أحياء حمص; or a definite place-type word in
            # apposition: فيينا، العاصمة النمساوية،
            if i + 1 < len(words) and words[i + 1] == "ما":
                return PLAIN, 0  # وهو ما يهدد ...: "which is what", about the clause, not a place
            lead = i + 1
            while lead < len(words) and words[lead][0] != MASK:
                lead += 1
            return APPOSITIVE, lead
        if not flags & (LIST_WORD | PLACE_WORD):
            others += 1
            if others > LIST_LEAD_OTHERS:
                return PLAIN, 0
    if not others and len(words) <= LIST_LEAD:
        return LIST, len(words)  # only list and place words (، عند أطرافها،): the list goes on past it
    return PLAIN, 0


def _goes_on(last: str, segment: list[str], lexicon: Lexicon) -> bool:
    """Whether a list segment that opens with a word the gazetteer lacks goes on from the segment
    whose last word is ``last``: only after a name or a list item (، والقاطرجي وباب النيرب), not
    after a clause of its own (خوفاً من هجوم، وأغلق مطار جون كينيدي؛ جرائم حرب، ودعا روسيا)."""
    if segment[0][0] == MASK or len(segment) == 1 or lexicon.context_of(segment[0]):
        return True  # a name, a list or place word, or a word alone between commas (داعل، إبطع، وصيدا)
    ending = lexicon.context_of(last)
    return (
        last[0] == MASK
        or ending & (LIST_WORD | PLACE_WORD) == LIST_WORD
        or (not ending and last[0] == "و" and not lexicon.is_cue(last))
    )


def _unknown_lead(words: list[str], lexicon: Lexicon) -> bool:
    """A segment that opens with a list item the gazetteer lacks: an unknown word alone between two
    commas (داعل، إبطع، وصيدا), or one with و followed by a name or a list word (، والقاطرجي وباب
    النيرب؛ ، والمعادي كذلك،)."""
    if len(words) == 1:
        return not lexicon.is_cue(words[0])
    i = 0
    while i < len(words) and i <= LIST_LEAD and not lexicon.is_cue(words[i]):
        if not _is_unknown_with_and(words[i], lexicon.context_of(words[i])):
            break
        i += 1  # a run of them: والأنصاري والسكري والأحمدية وكرم الطراب
    return i > 0 and (
        i == len(words) or words[i][0] == MASK or lexicon.context_of(words[i]) & (LIST_WORD | PLACE_WORD) == LIST_WORD
    )


def _segment_after_lead(words: list[str], lexicon: Lexicon) -> tuple[int, int]:
    """The kind of a segment whose first word is a list item the gazetteer lacks: a list, led by the
    words up to its first name (all of it when it names none: ، والمعادي كذلك،)."""
    for i, word in enumerate(words[1 : LIST_LEAD + 1], start=1):
        if word[0] == MASK:
            return LIST, i
        flags = lexicon.context_of(word)
        if not flags & LIST_WORD and not _is_unknown_with_and(word, flags):
            return PLAIN, 0
    return (LIST, len(words)) if len(words) <= LIST_LEAD else (PLAIN, 0)


def _sets_the_scene(words: list[str], lexicon: Lexicon) -> bool:
    """A short clause of names and locatives only (وفي المنامة): it sets the scene for the next one."""
    return (
        len(words) <= SCENE_WORDS
        and any(word[0] == MASK for word in words)
        and all(word[0] == MASK or lexicon.context_of(word) & PLACE_WORD for word in words)
    )


def _decide_clause(
    words: list[str],
    glue: list[tuple[int, int]],
    index: int,
    clause_end: int,
    matches: Sequence[Match],
    entries: Sequence[Entry],
    folded: str,
    masked: str,
    lexicon: Lexicon,
    decisions: list[RoleDecision],
) -> int:
    """Append the decisions of the names of one clause, from ``matches[index]`` on; return the index
    of the first name after the clause."""
    # Every word's context flags and cue number in one look-up each, in C; then the few words that
    # are cues or names (their code has cue bits), in order.
    flags = lexicon.read(words)
    table = lexicon.cue_table
    #: Word position -> the cue that starts there.
    cues: dict[int, Cue] = {}
    names: list[int] = []
    for i in compress(range(len(flags)), map(and_, flags, repeat(CUE_BITS))):
        number = flags[i] >> CUE_SHIFT
        if number == NAME_CODE:
            names.append(i)
        elif number == PHRASE_CODE:
            cue = lexicon.cue_at(words, i)
            if cue is not None:
                cues[i] = cue
        else:
            cues[i] = table[number]
    # Word position of each name of the clause: each name is one masked word, in the order of the
    # matches; two names glued with no space between share one.
    end = bisect_left(matches, clause_end, index, key=_NORM_START)
    positions = names if len(names) == end - index else _glued_positions(matches, index, end, names, masked)
    if not all(map(_ID, entries[index:end])):
        for j in range(index, end):
            if not entries[j].id:
                # A name the gazetteer lacks that is a cue word (في كمين قرب درعا) reads as the cue.
                match = matches[j]
                cue = lexicon.cues_of([folded[match.norm_start - len(match.clitic) : match.norm_end]])[0]
                if isinstance(cue, Cue):
                    cues[positions[j - index]] = cue
        cues = dict(sorted(cues.items()))
    if not cues:
        # No cue: every name is only mentioned (a country or capital named for its government, or not).
        for j in range(index, end):
            entry = entries[j]
            if (entry.feature == "country" or entry.capital) and not _stands_as_place(
                matches[j], words, flags, positions[j - index], decisions, False, lexicon
            ):
                decisions.append(METONYMY)
            else:
                decisions.append(OTHER)
        return end
    cue_positions = list(cues)
    # One OR of the clause's flags says which rules can apply at all: most clauses have no reference,
    # origin or refuge word, and their names skip those checks.
    present = reduce(or_, flags, 0)
    if present & (SETTLEMENT_WORD | TOPIC_WORD | NOT_EVENT_WORD):
        _drop_cues(cues, flags, present)
        if len(cues) < len(cue_positions):
            cue_positions = list(cues)
    #: Last word of each cue of scope ``next`` -> where the cue starts.
    scoped: dict[int, int] = {}
    if present & SCOPE_WORD:
        for i in cue_positions:
            cue = cues[i]
            if cue.scope == "next":
                scoped[i + len(cue.words) - 1] = i
    # Lists: runs of names joined only by list words, each read with one cue.
    total = len(positions)
    lists = []
    first = 0
    for j in range(1, total):
        previous, position = positions[j - 1], positions[j]
        # Adjacent names (حلب وإدلب) are one list, unless a name the gazetteer lacks is a cue.
        if (position - previous > 1 or previous in cues or position in cues) and not _linked(
            words, cues, glue, previous, position, flags
        ):
            lists.append((first, j - 1))
            first = j
    lists.append((first, total - 1))
    references = present & REFERENCE_WORD
    origins = present & (ORIGIN_WORD | DEPARTURE_WORD)
    refuges = present & (REFUGE_WORD | DESTINATION_WORD)
    length = len(words)
    #: Word position of the last name read as a topic of talks.
    topical = -1
    for head, last in lists:
        cue, cue_position = _list_cue(
            words, cues, cue_positions, positions[head], positions[last], 0, length, matches[index + head],
            entries[index + head], flags, scoped, present,
        )  # fmt: skip
        if cue is None:
            decision = OTHER
            talks = False
        else:
            event = (
                _event(cue, cues, cue_positions, positions[head], positions[last], 0, length)
                if cue.role == "conflict"
                else ""
            )
            shared = _DECISIONS.get((cue, event))
            if shared is None:
                shared = _DECISIONS[(cue, event)] = RoleDecision(cue.role, cue.text, event=event)
            decision = shared
            talks = cue.role == "diplomatic" or event == "agreement"
        # Position of the name of this list from which the names joined to it by و and list adverbs
        # take the reading of a topic of talks, a place people came from, or a refuge.
        topical_list = origin_list = refuge_list = -1
        for j in range(head, last + 1):
            entry = entries[index + j]
            government = entry.feature == "country" or entry.capital
            if cue is None and not government:
                decisions.append(OTHER)
                continue
            position = positions[j]
            match = matches[index + j]
            if references and _is_reference(words, position, entry, flags, head != j):
                decisions.append(OTHER)  # بلدة حريتان شمالي حلب: Aleppo only says where Hraytan is
            elif talks and (
                (topical_list >= 0 and _conjoined(positions[j - 1], position, flags))
                or (
                    _is_topic(match, position, flags, topical)
                    if decision.role == "diplomatic"
                    else _is_party(position, flags)
                )
            ):
                decisions.append(OTHER)  # المباحثات حول سورية، لبحث الوضع في غزة: what the talks are about
                topical = topical_list = position
            elif (origins or decision.role == "diplomatic") and (
                (origin_list >= 0 and _conjoined(positions[j - 1], position, flags))
                or _is_origin(words, position, flags, decision.role == "diplomatic")
            ):
                decisions.append(OTHER)  # قوات قادمة من مصراتة، وفود من قطر والأردن: where they came from
                origin_list = position
            elif (
                government
                and not (
                    cue is not None
                    and cue_position < position
                    and position - cue_position <= cue.reach
                    and not (match.clitic[:1] == "و" and cue_position + len(cue.words) == position)
                )
                and not _stands_as_place(
                    match,
                    words,
                    flags,
                    position,
                    decisions,
                    head != j and _coordinated(words, positions[j - 1], position, entry, entries[index + j - 1]),
                    lexicon,
                )
            ):
                decisions.append(METONYMY)
            elif (
                refuges
                and cue is not None
                and cue.role == "conflict"
                and (
                    (refuge_list >= 0 and _conjoined(positions[j - 1], position, flags))
                    or _is_refuge(words, position, cue, flags)
                )
            ):
                decisions.append(OTHER)  # نزحوا إلى إدلب، وجدوا ملاذاً في الخالدية: a refuge, no fighting there
                refuge_list = position
            else:
                decisions.append(decision)
    return index + total


def _glued_positions(matches: Sequence[Match], index: int, end: int, names: list[int], masked: str) -> list[int]:
    """Word positions of names when two of them are glued into one masked word (روسياوإيران)."""
    positions: list[int] = []
    following = iter(names)
    position = -1
    for match in matches[index:end]:
        word_start = match.norm_start - len(match.clitic)
        if not (positions and word_start > 0 and masked[word_start - 1] == MASK):
            position = next(following, -1)
            if position < 0:
                break  # cannot happen; if it did, the names left get no role (the caller)
        positions.append(position)
    return positions


def _drop_cues(cues: dict[int, Cue], flags: list[int], present: int) -> None:
    """Take out the cue words that are no cue here: one right after a settlement word is a name
    (قرية الزيارة); a conflict cue after a topic word is the subject of talks (لبحث الهجوم), and one
    within two words of a word like أسلحة or زلزال names no event (أسلحة الدمار الشامل، الكارثة التي
    ضربت إندونيسيا). Only the few settlement, topic and such words are visited (found in C)."""
    positions = range(len(flags))
    if present & SETTLEMENT_WORD:
        for i in compress(positions, map(and_, flags, repeat(SETTLEMENT_WORD))):
            cues.pop(i + 1, None)
    if present & TOPIC_WORD:
        for i in compress(positions, map(and_, flags, repeat(TOPIC_WORD))):
            cue = cues.get(i + 1)
            if cue is not None and cue.role == "conflict":
                del cues[i + 1]
    if present & NOT_EVENT_WORD:
        for i in compress(positions, map(and_, flags, repeat(NOT_EVENT_WORD))):
            for j in range(i - 2, i + 3):
                cue = cues.get(j)
                if cue is not None and cue.role == "conflict":
                    del cues[j]


def _coordinated(words: list[str], previous: int, position: int, entry: Entry, previous_entry: Entry) -> bool:
    """Whether a country or capital listed after another name is a place by that alone: with no comma
    between (حلب ودمشق), or as its container (في المنامة، البحرين). After a comma a government is
    often the subject of a clause of its own (، وموسكو تنفي)."""
    return SOFT_TOKENS.isdisjoint(words[previous:position]) or (
        entry.feature == "country" and entry.country == previous_entry.country
    )


def _conjoined(previous: int, position: int, flags: list[int]) -> bool:
    """Whether only conjunctions and list adverbs (و، أو، كذلك، خاصة، a comma) stand between two names
    of a list: the second is another item of the same kind (حول سورية والعراق), not a place that
    contains or locates it (حول سورية ... في أستانا)."""
    return all(flags[i] & (LIST_WORD | PLACE_WORD) == LIST_WORD for i in range(previous + 1, position))


def _linked(
    words: list[str], cues: dict[int, Cue], glue: list[tuple[int, int]], left: int, right: int, flags: list[int]
) -> bool:
    """Whether two names of a clause belong to one list: only list words, commas and the words of an
    appositive clause (or of a list segment's lead) stand between them, and no cue (nor is either a cue:
    a name the gazetteer lacks may be one, في كمين قرب درعا)."""
    if left in cues or right in cues:
        return False
    for i in range(left + 1, right):
        if i in cues:
            return False
        if flags[i] & LIST_WORD or _is_distance(words[i]) or _unknown_item(words, flags, i):
            continue  # a list word, a comma (of the clause); a number: على بعد 50 كم شرق ...
        if not any(a <= i < b for a, b in glue):
            return False
    return True


def _unknown_item(words: list[str], flags: list[int], i: int) -> bool:
    """An unknown word with و (no cue, no context word, no name) followed by a name, a list adverb
    (كذلك، أيضاً), a comma or the end of the clause: an item of a list that the gazetteer lacks
    (والقاطرجي وباب النيرب؛ والمعادي كذلك،), which keeps the list together rather than breaking it.
    Not one followed by a preposition: وأفضى إلى ...، وساعد في ... are verbs."""
    following = i
    while following < len(words) and _is_unknown_with_and(words[following], flags[following]):
        following += 1  # a run of them: والأنصاري والسكري والأحمدية وكرم الطراب
    return following > i and (
        following == len(words)
        or words[following][0] == MASK
        or flags[following] & (LIST_WORD | PLACE_WORD) == LIST_WORD
    )


def _is_unknown_with_and(word: str, flags: int) -> bool:
    """A word with و that is no cue, name or context word."""
    return not flags and len(word) > 2 and word[0] == "و"


def _list_cue(
    words: list[str],
    cues: dict[int, Cue],
    cue_positions: list[int],
    first: int,
    last: int,
    start: int,
    end: int,
    match: Match,
    entry: Entry,
    flags: list[int],
    scoped: dict[int, int],
    present: int,
) -> tuple[Cue | None, int]:
    """The cue of a list of names from word ``first`` to word ``last`` (``match`` and ``entry`` are its
    first name's): a cue of scope ``next`` right before it (عملية أستانا: not a country, whose
    إعلان is its government's announcement, nor after a preposition: جولة بجنوب أفريقيا), else the
    nearest cue within :data:`WINDOW` words before ``first`` or after ``last`` (conflict first on a
    tie; not one after a word that interrupts, see :func:`_interrupted`, nor talks before a sight that
    was visited: زار الوفد جامعاً في القاهرة); and its position. Only cues of the clause ``start:end`` count."""
    if scoped:
        at = scoped.get(first - 1, -1)
        if at < 0 and first - 1 > start and flags[first - 1] & TRIGGER_WORD:
            at = scoped.get(first - 2, -1)  # التقدم باتجاه قرية بيت شردق
        if at >= start and at in cues and entry.feature != "country" and not any(c in match.clitic for c in "بلك"):
            return cues[at], at
    before = after = None
    before_at = after_at = -1
    k = bisect_left(cue_positions, first)
    while k > 0 and cue_positions[k - 1] >= start and _within(flags, cue_positions[k - 1], first):
        k -= 1
        if cues[cue_positions[k]].scope != "next":
            before_at = cue_positions[k]
            before = cues[before_at]
            break
    k = bisect_right(cue_positions, last)
    while k < len(cue_positions) and cue_positions[k] < end and _within(flags, last, cue_positions[k]):
        at = cue_positions[k]
        k += 1
        if cues[at].scope:
            continue
        # و/ف + cue (ومحادثات) opens the next conjunct: it speaks of what follows, not of this list,
        # and no cue beyond it does either.
        if words[at][0] in "وف" and not words[at].startswith(cues[at].words[0]):
            break
        after_at, after = at, cues[at]
        break
    if after is not None and _interrupted(words, last, after_at, flags):
        after = None
    if (
        before is not None
        and before.role == "diplomatic"
        and present & SIGHT_WORD
        and any(flags[i] & SIGHT_WORD for i in range(before_at, first))
    ):
        before = None  # زار الوفد جامع ابن طولون في القاهرة: a mosque visited, not talks held in Cairo
    if after is None:
        return before, before_at
    if before is None:
        return after, after_at
    before_distance, after_distance = first - before_at, after_at - last
    if before_distance < after_distance or (
        before_distance == after_distance and (before.role == "conflict" or after.role != "conflict")
    ):
        return before, before_at
    return after, after_at


def _within(flags: list[int], left: int, right: int) -> bool:
    """Whether words ``left`` and ``right`` of a clause are at most :data:`WINDOW` words apart, the
    tokens of the commas between not counted (punctuation is no word)."""
    return (
        right - left <= WINDOW
        or right - left - sum(map(and_, flags[left:right], repeat(BREAK_WORD))) // BREAK_WORD <= WINDOW
    )


def _interrupted(words: list[str], last: int, at: int, flags: list[int]) -> bool:
    """Whether a cue after a list speaks of something else: أن (that) stands between them, and what
    follows is what someone said (وأضاف من حمص أن الخالدية تتعرض لقصف: Homs is where he spoke;
    but not بعد أن، قبل أن); or a word with و that is no list word, which opens a new predicate
    (مسار السلام الذي انطلق في أستانا وأفضى إلى إنشاء مناطق خفض التوتر)."""
    for i in range(last + 1, at):
        word = words[i]
        if word in COMPLEMENTIZERS and words[i - 1] not in TEMPORAL:
            return True
        if (
            word[0] == "و"
            and len(word) > 2
            and not flags[i] & (LIST_WORD | PLACE_WORD)
            and not _unknown_item(words, flags, i)
        ):
            return True
    return False


def _event(
    cue: Cue, cues: dict[int, Cue], cue_positions: list[int], first: int, last: int, start: int, end: int
) -> str:
    """The kind of event of a conflict list: its cue's, or, when that only says there was harm or
    fighting (قتلى، أصابت), the nearest conflict cue within :data:`WINDOW` words that names a kind."""
    if cue.event not in GENERIC_EVENTS:
        return cue.event
    best, best_distance = "", WINDOW + 1
    k = bisect_left(cue_positions, first)
    for at in cue_positions[max(0, k - 4) : k + 4]:
        other = cues[at]
        if other.role != "conflict" or other.event in GENERIC_EVENTS or not start <= at < end:
            continue
        distance = first - at if at < first else at - last
        if distance < best_distance:
            best, best_distance = other.event, distance
    return best or cue.event or DEFAULT_EVENT


def _is_topic(match: Match, position: int, flags: list[int], topical: int) -> bool:
    """The name is what talks are about, not where they are held: right after a topic or partner word
    (حول سورية، مع أميركا); after a noun for a state of affairs and في, with at most one place-type
    word between (الوضع في غزة، الأزمة في مدينة حلب); or coordinated with such a name (حول سورية
    والعراق)."""
    if not position:
        return False
    if flags[position - 1] & ABOUT:
        return True
    if topical == position - 1 and match.clitic[:1] == "و":
        return True
    i = position - 1
    while i >= 0 and i >= position - 2 and flags[i] & PLACE_WORD:
        i -= 1
    return i >= 0 and i < position - 1 and bool(flags[i] & SITUATION_WORD)


def _is_party(position: int, flags: list[int]) -> bool:
    """A party to a truce, not its area: هدنة بين إسرائيل وحزب الله (the area is where it applies:
    خفض التصعيد في الغوطة)."""
    return bool(position and flags[position - 1] & ABOUT)


def _skip_back(flags: list[int], position: int, flag: int, most: int = 2) -> int:
    """The position of the first word before ``position`` that is not a ``flag`` word (at most
    ``most`` of them are skipped); -1 at the start of the clause."""
    i = position - 1
    while i >= 0 and position - i <= most and flags[i] & flag:
        i -= 1
    return i


def _is_reference(words: list[str], position: int, entry: Entry, flags: list[int], listed: bool) -> bool:
    """A place after a direction or distance word that only locates a name before it (مورك إلى الجنوب
    من خان شيخون، على بعد 50 كم شرق دير الزور, الشفاء المحاذي لحي الزنجيلي). Not with في before the
    direction (في شرق صنعاء: the event is in it), nor a country or province, which a direction
    divides rather than points from (شمال غرب سوريا).

    The name located is the one before in the same list (``listed``), or, when the gazetteer lacks
    it, an unknown word right before the appositive phrase that holds the direction (عمارات
    «الخلاطات» الواقعة جنوبي طرابلس; الملاح، التي تقع إلى الشمال من حلب). With no such name the
    place is the only locator of the event and takes its role (قصفت الطائرات بلدة شمال حلب)."""
    if entry.feature in ("country", "admin1", "region", "continent"):
        return False
    i = _skip_back(flags, position, TRIGGER_WORD)
    if i >= 0 and words[i] in ("من", "عن"):
        i -= 1
    if i < 0 or not flags[i] & REFERENCE_WORD:
        return False
    while i > 0 and (flags[i - 1] & REFERENCE_WORD or _is_distance(words[i - 1])):
        i -= 1
    if i > 0 and words[i - 1] in CONTAINING:
        return False
    if listed:
        return True
    # The appositive phrase and the word before it: a definite place-type word (البلدة التي تبعد)
    # and a comma stand between a name and its appositive.
    j = i - 1
    while j >= 0 and i - j <= APPOSITIVE_REACH and not flags[j] & APPOSITIVE_WORD:
        j -= 1
    if j < 0 or i - j > APPOSITIVE_REACH:
        if not flags[i] & APPOSITIVE_WORD:  # المحاذي، القريبة: the word itself describes what is before it
            return False
        j = i
    j -= 1
    while j >= 0 and (flags[j] & BREAK_WORD or (flags[j] & TRIGGER_WORD and _is_definite(words[j]))):
        j -= 1
    return j >= 0 and not flags[j] and words[j][0] != MASK


def _is_distance(word: str) -> bool:
    """A number of kilometres (20كم، 50، ٣٠), folded."""
    return word[0].isdigit()


def _is_origin(words: list[str], position: int, flags: list[int], diplomatic: bool) -> bool:
    """Where people or forces come from: قوات قادمة من مدينة مصراتة، وفود من قطر، مقاتلي الزنتان; and,
    for talks, any place after من (الدبلوماسيين من أوروبا), or one left or gone back to (غادر
    الوفد سوتشي عائداً إلى أنقرة): a venue is where talks are, not whence or whither."""
    if not position or not flags[position - 1] & (TRIGGER_WORD | ORIGIN_WORD | PLACE_WORD):
        return False  # the common case: none of these before the name
    i = _skip_back(flags, position, TRIGGER_WORD)
    if i >= 0 and words[i] == "من":
        if diplomatic:
            return True
        i -= 1
    if i < 0:
        return False
    found = flags[i]
    if diplomatic and found & PLACE_WORD and i:
        found = flags[i - 1]  # عائداً إلى أنقرة، للعودة إلى الولايات المتحدة
    return bool(found & ORIGIN_WORD or (diplomatic and found & DEPARTURE_WORD))


def _is_refuge(words: list[str], position: int, cue: Cue, flags: list[int]) -> bool:
    """Where displaced people went or shelter (rule 2): after a refuge word (وجدوا ملاذاً في
    الخالدية، النازحين في عرسال), or after إلى/نحو in a clause of displacement (نزحوا إلى إدلب)."""
    i = _skip_back(flags, position, PLACE_WORD)
    if i < 0 or (i < position - 1 and words[i + 1] in ("من", "ومن")):
        return False  # فروا من حمص: the place fled from is a conflict location
    if flags[i] & REFUGE_WORD:
        return True
    if cue.event != "displacement":
        return False
    # نزوح نحو البلدات المجاورة؛ نزحوا إلى المخيمات الحدودية في أطمة: إلى before the name, with no
    # other name, من or break between.
    for i in range(position - 1, max(-1, position - DESTINATION_REACH), -1):
        if flags[i] & DESTINATION_WORD:
            return True
        if flags[i] & BREAK_WORD or words[i][0] == MASK or words[i] in ("من", "ومن"):
            break
    return False


def _stands_as_place(
    match: Match,
    words: list[str],
    flags: list[int],
    position: int,
    decisions: list[RoleDecision],
    listed: bool,
    lexicon: Lexicon,
) -> bool:
    """True when a country or capital is used as a place rather than for its government."""
    if "ب" in match.clitic:
        return True
    if listed and decisions and not decisions[-1].metonymy:
        return True  # in a list of places: حلب وإدلب، ودمشق كذلك
    following = position + 1
    if following < len(words) and words[following] in PREDICATE_PARTICLES:
        following += 1
    if following < len(words) and flags[following] & HOST_WORD:
        return True  # وكانت أستانا قد استضافت: the subject of a verb of places
    if position == 0:
        return False
    word = words[position - 1]
    if word[0] == MASK:
        # Coordination (موسكو وواشنطن): the second name shares the first one's reading.
        return match.clitic[:1] in ("و", "ف") and bool(decisions) and not decisions[-1].metonymy
    if flags[position - 1] & (PLACE_WORD | HOST_WORD):
        return True
    # A place-type word and an adjective of it before the name: في العاصمة الكازاخية أستانا.
    return position >= 2 and _is_adjective(word) and bool(lexicon.trigger_features(words[position - 2]))


def _is_definite(word: str) -> bool:
    """A folded word with the article, or و and the article (المدينة، والبلدة)."""
    return word.startswith("ال") or word.startswith("وال")


def _is_adjective(word: str) -> bool:
    """A relative adjective with the article (الكازاخيه، الروسي، السوريه), folded."""
    return word.startswith("ال") and (word.endswith("ي") or word.endswith("يه"))
