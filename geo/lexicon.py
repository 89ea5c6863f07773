"""Word lists the pipeline reads as data: role cues, place-type triggers, locative words and phrases
that are not places. Each ships in ``geo/data/`` and can be extended without touching code, by
environment variables holding extra files (``os.pathsep``-separated) or by passing paths.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from pathlib import Path

from geo.arabic import name_key
from geo.clitics import ARTICLE, PROCLITICS
from geo.errors import GeoError

DATA = Path(__file__).resolve().parent / "data"
SETTLEMENT_FEATURES = frozenset({"city", "town", "village", "neighbourhood", "district"})
ROLE_PRIORITY = ("conflict", "diplomatic")


#: In :attr:`Lexicon.single_word_cues`: the word starts a phrase cue, so only :meth:`Lexicon.cue_at`,
#: which sees the words after it, can say which cue (if any) starts there.
class _Phrase:
    """The type of :data:`PHRASE`: one instance, pickled by name so that a lexicon sent to a worker
    process still holds the very same marker."""

    def __repr__(self) -> str:
        return "PHRASE"

    def __reduce__(self) -> str:
        return "PHRASE"


PHRASE = _Phrase()


class _Name(int):
    """The type of :data:`NAME`: a zero, so that ``compress(range(n), cues)`` and every truth test
    skip names as they skip words that are no cue, in C (a ``__bool__`` method would run Python code
    for every name of every clause); pickled by name like :data:`PHRASE`."""

    def __repr__(self) -> str:
        return "NAME"

    def __reduce__(self) -> str:
        return "NAME"


#: In :attr:`Lexicon.single_word_cues`: the word is a masked place name.
NAME = _Name(0)
#: What ``dict.get`` returns for a word not classified yet.
UNKNOWN = object()
#: Flags of :meth:`Lexicon.context_of`: the word is a locative or place-type word; a word after which
#: a place or cue is the topic of talks; one after which a place is a partner of talks; a word that
#: names a settlement (قرية، حي ...).
PLACE_WORD, TOPIC_WORD, PARTNER_WORD, SETTLEMENT_WORD = 1, 2, 8, 4
#: ... and a noun for a state of affairs (الوضع، الأزمة): a place after it and في is a topic.
SITUATION_WORD = 16
#: ... a word that may stand between two names of one list or one place and its container (و، كذلك،
#: أيضاً، في، وسط، a place-type word, a direction adjective): the names share one event.
LIST_WORD = 32
#: ... a word that opens an appositive or relative clause about the place before it (الواقعة، وهي،
#: وجميعها، التي، أحد أحياء): the places in that clause contain it, or are the list it names.
APPOSITIVE_WORD = 64
#: ... a direction or distance word (شمال، جنوبي، قرب، المحاذي، على بعد): a place after it that only
#: locates another named place is a reference point, not where the event is.
REFERENCE_WORD = 128
#: ... a word for people or forces that come from somewhere (وفود، قادمة، تعزيزات): a place after it
#: and من is where they come from.
ORIGIN_WORD = 256
#: ... a word for shelter (ملاذ، لجأ): a place after it is a refuge of the displaced.
REFUGE_WORD = 512
#: ... a word of direction of movement (إلى، نحو، باتجاه): after a displacement cue, the place after it
#: is where people went, not where they fled from.
DESTINATION_WORD = 1024
#: ... a verb whose subject is a place (شهدت، استضافت، احتضنت، تتعرض): a country or capital next to it
#: is the place, not its government.
HOST_WORD = 2048
#: ... a place-type word (حي، بلدة، مدينة، ريف): a trigger of ``context_words.csv``.
TRIGGER_WORD = 4096
#: ... a word after which a conflict cue names no event (أسلحة الدمار الشامل).
NOT_EVENT_WORD = 8192
#: ... a word that opens a new clause after a comma (فيما، بينما، وقال، بحسب): the clause an
#: appositive interrupted does not go on there.
CLAUSE_WORD = 16384
#: ... a word of leaving or going back (غادر، عائداً، للعودة): the place after it (and إلى) is not a
#: venue of the talks in its clause.
DEPARTURE_WORD = 32768
#: ... a clause break (one of the tokens below).
BREAK_WORD = 65536
#: ... (set by :meth:`Lexicon.read`) a cue of scope ``next``, or the first word of a phrase that may be one.
SCOPE_WORD = 131072
#: ... a sight (جامع، كنيسة، متحف): a place after it is where the sight is, not a venue of talks
#: before it (زار الوفد جامع ابن طولون في القاهرة).
SIGHT_WORD = 262144
#: :meth:`Lexicon.read` puts a word's cue number above its flags: ``code >> CUE_SHIFT``.
CUE_SHIFT = 20
CUE_BITS = -1 << CUE_SHIFT
#: The cue numbers of a masked name and of a phrase's first word.
NAME_CODE, PHRASE_CODE = 1, 2
#: Context kinds of ``context_words.csv`` -> their flag (``trigger`` and ``locative`` are PLACE_WORD).
CONTEXT_KINDS = {
    "topic": TOPIC_WORD,
    "partner": PARTNER_WORD,
    "situation": SITUATION_WORD,
    "list": LIST_WORD,
    "appositive": APPOSITIVE_WORD,
    "reference": REFERENCE_WORD,
    "origin": ORIGIN_WORD,
    "refuge": REFUGE_WORD,
    "destination": DESTINATION_WORD,
    "host": HOST_WORD,
    "not_event": NOT_EVENT_WORD,
    "clause": CLAUSE_WORD,
    "departure": DEPARTURE_WORD,
    "sight": SIGHT_WORD,
}
#: Tokens the role stage puts in a document's words for its clause breaks (the masked text it
#: splits has no punctuation left, so no word of a text can be one): a full stop and the like; a
#: comma; a dash. A comma or a dash inside a clause read across it is a list word.
HARD_BREAK, SOFT_BREAK, DASH_BREAK = "\x02", "\x03", "\x04"
#: Default of a cue's ``reach`` (see :class:`Cue`).
DEFAULT_REACH = 3
#: Bound on each per-word cache, so a long-running process over an endless stream stays small.
WORD_CACHE_LIMIT = 50_000


def _extra(variable: str) -> list[Path]:
    return [Path(p) for p in os.environ.get(variable, "").split(os.pathsep) if p.strip()]


def _rows(path: Path, required: Iterable[str]) -> Iterable[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            reader = csv.DictReader(stream)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise GeoError(f"{path}:1: missing column(s) {', '.join(missing)}")
            for row in reader:
                yield reader.line_num, row
    except OSError as error:
        raise GeoError(f"{path}: cannot read: {error.strerror or error}") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise GeoError(f"{path}: not a valid UTF-8 CSV file ({error})") from None


def _phrases(path: Path) -> list[str]:
    """Non-empty, non-comment lines of a word list."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise GeoError(f"{path}: cannot read: {error}") from None
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


@dataclass(frozen=True, eq=False)
class Cue:
    """One cue of ``cues.csv``. Compared by identity: each is loaded once, and the role stage
    compares cues against a marker in lists many times a document."""

    role: str
    #: Folded cue words (one for a single-word cue, several for a phrase).
    words: tuple[str, ...]
    exact: bool
    text: str
    #: How many words ahead the cue makes a country or capital a place rather than its government
    #: (``reach`` column; a verb of visiting reaches past its subject: زار الرئيس الفرنسي ماكرون بغداد).
    reach: int = DEFAULT_REACH
    #: For a conflict cue: the kind of event it names (``event`` column, a label of ``events.csv``).
    event: str = ""
    #: ``next``: the cue names only the place right after it (عملية أستانا، بيان جنيف: a process named
    #: after its venue); ``after``: only places after it (وقف إطلاق النار في إدلب: the area of a
    #: truce, not who called for it before); empty: any place of its clause within
    #: :data:`geo.roles.WINDOW` words.
    scope: str = ""
    #: ``match`` is ``word``: the first word only as written, with no clitic taken off (فرت: fled;
    #: وفرت is "provided").
    raw: bool = False


@lru_cache(maxsize=50_000)
def word_forms(token: str) -> tuple[str, ...]:
    """A folded token and what it is once proclitics and the article are taken off
    (بالقصف -> القصف, قصف; للقصف -> القصف, قصف)."""
    forms = [token]
    for size in (1, 2):
        prefix, rest = token[:size], token[size:]
        if prefix in PROCLITICS and len(rest) >= 2:
            forms.append(rest)
            if prefix.endswith("ل") and rest.startswith("ل") and not rest.startswith(ARTICLE):
                forms.append("ا" + rest)
    for form in list(forms):
        if form.startswith(ARTICLE) and len(form) > 3:
            forms.append(form[2:])
    return tuple(dict.fromkeys(forms))


def load_events(path: Path | None = None) -> dict[str, str]:
    """The event vocabulary (``events.csv``: ``event,acled,note``): label -> ``yes`` when it is one of
    ACLED's sub-event types, ``no`` for the few kinds the project adds (siege, displacement ...)."""
    events: dict[str, str] = {}
    path = path or DATA / "events.csv"
    for line, row in _rows(path, ("event", "acled")):
        label = (row.get("event") or "").strip()
        acled = (row.get("acled") or "").strip()
        if not label or acled not in ("yes", "no"):
            raise GeoError(f"{path}:{line}: an event needs a label and acled yes or no")
        events[label] = acled
    return events


@dataclass
class Lexicon:
    cues: list[Cue] = field(default_factory=list)
    #: Folded trigger word -> the features it announces (مدينه -> city, town).
    triggers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    locatives: frozenset[str] = frozenset()
    #: Words after which a place (or a cue) is what talks are about, not where they are held
    #: (المباحثات حول سورية، جلسة لبحث الهجوم); kind ``topic`` in context_words.csv.
    topics: frozenset[str] = frozenset()
    #: Words after which a place is the partner or subject of talks but a cue is still an event
    #: (المشاورات مع أميركا; أسفرت عن مقتل); kind ``partner``.
    partners: frozenset[str] = frozenset()
    #: Nouns for a state of affairs (الوضع، الأزمة): a place after one and في is what talks are about
    #: (لبحث الوضع في غزة); kind ``situation``.
    situations: frozenset[str] = frozenset()
    #: Folded word -> its :data:`CONTEXT_KINDS` flags (every kind of context_words.csv but trigger and
    #: locative).
    kinds: dict[str, int] = field(default_factory=dict)
    #: Words that join the items of a list of places without ending it (و، أو، ثم، أيضاً، كذلك،
    #: خصوصاً: الصالحين أيضاً، والمرجة); kind ``joiner``.
    joiners: frozenset[str] = frozenset()
    #: Plural and dual place-type words that head a list (أحياء، قرى، بلدات، محاور، جبهتي) -> the
    #: features of its items: the trigger carries along the list; kind ``plural``.
    plurals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Words of an appositive or relative phrase that links a name to its container (أحد، الواقعة،
    #: التابعة، وهي: الخالدية، أحد أحياء مدينة حمص); kind ``relative``.
    relatives: frozenset[str] = frozenset()
    #: Words of kinship before a personal name (ابن، بن، أبو، أم; kind ``person``), words for a sports
    #: team (منتخب، نادي; kind ``team``) and heads of organisation and outlet names (منصة، ميليشيات،
    #: وكالة; kind ``organisation``), with every proclitic in front: the name after one is a person's,
    #: a team's or part of a name (جامع ابن طولون is no mosque in Toulon, منصة موسكو no place).
    non_place_heads: frozenset[str] = frozenset()
    #: Words that end an outlet's name after a place name (برس، اليوم، الإعلامي: شهبا برس، حلب
    #: اليوم; kind ``outlet``) ...
    outlet_tails: frozenset[str] = frozenset()
    #: ... when a word of attribution stands before it (بحسب، وفق، مراسل، أوردته; kind ``attribution``).
    attributions: frozenset[str] = frozenset()
    #: Words for a street or square (شارع، جادة; kind ``street``), with every proclitic: a place
    #: named after one is the street, which lies elsewhere (شارع فلسطين in Tell Tamer).
    streets: frozenset[str] = frozenset()
    #: Folded relative adjective of a country, with and without the article, masculine and feminine
    #: (الليبيه، ليبي) -> its country code (``nationality_adjectives.csv``): طرابلس الليبية is Libya's.
    adjective_countries: dict[str, str] = field(default_factory=dict)
    not_places: list[str] = field(default_factory=list)
    #: Folded names that are also common words: reported only with evidence (see ambiguous_names.txt).
    ambiguous: frozenset[str] = frozenset()
    #: Folded one-word names of the world layer that are frequent Arabic words
    #: (``frequent_world_names.txt``): a name only the world layer has is then treated as ambiguous.
    frequent_world: frozenset[str] = frozenset()
    _exact: dict[str, list[Cue]] = field(default_factory=dict, repr=False)
    _raw: dict[str, list[Cue]] = field(default_factory=dict, repr=False)
    _prefix: dict[str, list[Cue]] = field(default_factory=dict, repr=False)
    _longest: int = 0
    _cache: dict[str, tuple[Cue, ...]] = field(default_factory=dict, repr=False)
    _contexts: dict[str, int] = field(default_factory=dict, repr=False)
    #: Word -> its cue, None, or :data:`PHRASE`: the fast path of :meth:`cue_at` (see :meth:`learn`).
    single_word_cues: dict[str, object] = field(default_factory=dict, repr=False)
    #: The cache of :meth:`cue_at`: words from a phrase's first on -> the cue they start, and first
    #: word -> how many words that takes.
    _phrases: dict[tuple[str, ...], Cue | None] = field(default_factory=dict, repr=False)
    #: Word -> its code (see :meth:`read`).
    _codes: dict[str, int] = field(default_factory=dict, repr=False)
    #: Cue number -> None, :data:`NAME`, :data:`PHRASE` or a :class:`Cue` (see :meth:`read`).
    cue_table: list = field(default_factory=lambda: [None, NAME, PHRASE], repr=False)
    _cue_numbers: dict[int, int] = field(default_factory=dict, repr=False)
    _spans: dict[str, int] = field(default_factory=dict, repr=False)

    @classmethod
    def load(
        cls,
        cue_files: Iterable[Path] = (),
        context_files: Iterable[Path] = (),
        not_place_files: Iterable[Path] = (),
    ) -> Lexicon:
        lexicon = cls()
        events = load_events()
        for path in [DATA / "cues.csv", *_extra("GEO_CUES"), *cue_files]:
            for line, row in _rows(path, ("role", "cue")):
                role = (row.get("role") or "").strip()
                if role not in ROLE_PRIORITY:
                    raise GeoError(f"{path}:{line}: role {role!r} must be conflict or diplomatic")
                words = tuple(name_key(row["cue"] or "").split())
                if not words:
                    raise GeoError(f"{path}:{line}: empty cue")
                match = (row.get("match") or "prefix").strip()
                if match not in ("prefix", "exact", "word", "phrase"):
                    raise GeoError(f"{path}:{line}: match {match!r} must be prefix, exact, word or phrase")
                reach_text = (row.get("reach") or "").strip()
                if reach_text and not (reach_text.isdigit() and 0 < int(reach_text) <= 12):
                    raise GeoError(f"{path}:{line}: reach {reach_text!r} must be a number of words from 1 to 12")
                reach = int(reach_text) if reach_text else DEFAULT_REACH
                event = (row.get("event") or "").strip()
                if event and role != "conflict":
                    raise GeoError(f"{path}:{line}: only a conflict cue names an event, not a {role} one")
                if event and event not in events:
                    raise GeoError(f"{path}:{line}: unknown event {event!r} (the labels are in {DATA / 'events.csv'})")
                scope = (row.get("scope") or "").strip()
                if scope not in ("", "next", "after"):
                    raise GeoError(f"{path}:{line}: scope {scope!r} must be empty, next or after")
                lexicon.cues.append(
                    Cue(
                        role,
                        words,
                        match in ("exact", "word"),
                        row["cue"].strip(),
                        reach,
                        event,
                        scope,
                        match == "word",
                    )
                )
        triggers: dict[str, tuple[str, ...]] = {}
        locatives: set[str] = set()
        kinds: dict[str, int] = {}
        joiners: set[str] = set()
        relatives: set[str] = set()
        plurals: dict[str, tuple[str, ...]] = {}
        heads: set[str] = set()
        outlets: set[str] = set()
        attributions: set[str] = set()
        streets: set[str] = set()
        for path in [DATA / "context_words.csv", *_extra("GEO_CONTEXT_WORDS"), *context_files]:
            for line, row in _rows(path, ("kind", "word")):
                word = name_key(row["word"] or "")
                kind = (row.get("kind") or "").strip()
                if not word or " " in word:
                    raise GeoError(f"{path}:{line}: word must be one word, not {row['word']!r}")
                if kind == "trigger":
                    triggers[word] = tuple(f for f in (row.get("features") or "").split("|") if f)
                elif kind == "locative":
                    locatives.add(word)
                elif kind in CONTEXT_KINDS:
                    kinds[word] = kinds.get(word, 0) | CONTEXT_KINDS[kind]
                elif kind == "joiner":
                    joiners.add(word)
                elif kind == "relative":
                    relatives.add(word)
                elif kind in ("person", "team", "organisation"):
                    heads.update(clitic + word for clitic in PROCLITICS)
                elif kind == "outlet":
                    outlets.add(word)
                elif kind == "street":
                    streets.update(clitic + word for clitic in PROCLITICS)
                elif kind == "attribution":
                    attributions.update(clitic + word for clitic in PROCLITICS)
                elif kind == "plural":
                    plurals[word] = tuple(f for f in (row.get("features") or "").split("|") if f)
                else:
                    raise GeoError(
                        f"{path}:{line}: kind {kind!r} must be trigger, locative, joiner, relative, plural, person, "
                        f"team, organisation, outlet, attribution, street or one of {', '.join(CONTEXT_KINDS)}"
                    )
        lexicon.triggers = triggers
        lexicon.locatives = frozenset(locatives)
        lexicon.kinds = kinds
        lexicon.topics = frozenset(w for w, f in kinds.items() if f & TOPIC_WORD)
        lexicon.partners = frozenset(w for w, f in kinds.items() if f & PARTNER_WORD)
        lexicon.situations = frozenset(w for w, f in kinds.items() if f & SITUATION_WORD)
        lexicon.joiners = frozenset(joiners)
        lexicon.relatives = frozenset(relatives)
        lexicon.plurals = plurals
        lexicon.non_place_heads = frozenset(heads)
        lexicon.outlet_tails = frozenset(outlets)
        lexicon.attributions = frozenset(attributions)
        lexicon.streets = frozenset(streets)
        for path in [DATA / "nationality_adjectives.csv", *_extra("GEO_ADJECTIVES")]:
            for line, row in _rows(path, ("country", "adjective")):
                country = (row.get("country") or "").strip().upper()
                adjective = name_key(row.get("adjective") or "")
                if len(country) != 2 or not country.isalpha():
                    raise GeoError(f"{path}:{line}: country {country!r} must be a two-letter code (LY)")
                if not adjective or " " in adjective:
                    raise GeoError(f"{path}:{line}: adjective must be one word (ليبي)")
                for form in (adjective, adjective + "ه"):
                    lexicon.adjective_countries[form] = lexicon.adjective_countries["ال" + form] = country
        for path in [DATA / "not_places.txt", *_extra("GEO_NOT_PLACES"), *not_place_files]:
            lexicon.not_places.extend(_phrases(path))
        ambiguous: set[str] = set()
        for path in [DATA / "ambiguous_names.txt", *_extra("GEO_AMBIGUOUS")]:
            ambiguous.update(name_key(phrase) for phrase in _phrases(path))
        lexicon.ambiguous = frozenset(ambiguous)
        lexicon.frequent_world = frozenset(
            name_key(line.split("\t", 1)[0]) for line in _phrases(DATA / "frequent_world_names.txt")
        )
        return lexicon

    def __getstate__(self) -> dict:
        # The per-word caches are rebuilt as words are seen: a worker process need not receive them.
        state = dict(self.__dict__)
        for name in ("_cache", "_contexts", "single_word_cues", "_phrases", "_spans", "_codes", "_cue_numbers"):
            state[name] = {}
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.cue_table = [None, NAME, PHRASE]

    def trigger_features(self, token: str) -> tuple[str, ...]:
        for form in word_forms(token):
            if form in self.triggers:
                return self.triggers[form]
        return ()

    def is_locative(self, token: str) -> bool:
        return any(form in self.locatives for form in word_forms(token)) or token in self.triggers

    def is_topic(self, token: str) -> bool:
        """حول، بشأن، لبحث ...: what follows is the subject of talks."""
        return any(form in self.topics for form in word_forms(token))

    def is_partner(self, token: str) -> bool:
        """مع، عن: a place after it is the partner or subject of talks, not their venue."""
        return any(form in self.partners for form in word_forms(token))

    def is_situation(self, token: str) -> bool:
        """الوضع، الأزمة: a place after it and في is what talks are about, not where they are held."""
        return any(form in self.situations for form in word_forms(token))

    def is_joiner(self, token: str) -> bool:
        """و، أو، ثم، أيضاً، كذلك ...: a word inside a list of places that does not end it."""
        return token in self.joiners or (len(token) > 2 and token[0] == "و" and token[1:] in self.joiners)

    def is_relative(self, token: str) -> bool:
        """أحد، الواقعة، التابعة، وهي ...: a word of a phrase that places the name before it."""
        return any(form in self.relatives for form in word_forms(token))

    def plural_features(self, token: str) -> tuple[str, ...]:
        """The features of the items of a list headed by ``token`` (أحياء -> neighbourhood ...), or ()."""
        for form in word_forms(token):
            if form in self.plurals:
                return self.plurals[form]
        return ()

    def names_settlement(self, token: str) -> bool:
        """A word that announces the name of a settlement or quarter (قرية، بلدة، حي، مدينة): the word
        after it is a name even when it looks like a cue (قرية الزيارة)."""
        if any(form.startswith(ARTICLE) for form in word_forms(token)):
            return False  # الأحياء المحاصرة: a definite noun takes an adjective, not a name
        features = self.trigger_features(token)
        return bool(features) and all(f in SETTLEMENT_FEATURES for f in features)

    def context_of(self, token: str) -> int:
        """What ``token`` says about the word after it, as :data:`PLACE_WORD`, :data:`SETTLEMENT_WORD`
        and :data:`CONTEXT_KINDS` flags (cached per word: the role stage asks about most words near a
        name or a cue)."""
        cached = self._contexts.get(token)
        if cached is None:
            cached = self._classify_context(token)
            if len(self._contexts) > WORD_CACHE_LIMIT:
                self._contexts.clear()
            self._contexts[token] = cached
        return cached

    def _classify_context(self, token: str) -> int:
        if token in (SOFT_BREAK, DASH_BREAK):
            return LIST_WORD | BREAK_WORD
        if token == HARD_BREAK:
            return BREAK_WORD
        kinds = self.kinds
        flags = 0
        for form in word_forms(token):
            flags |= kinds.get(form, 0)
        # A direction word is a reference only as it stands, or after و: with a preposition
        # (بجنوب تركيا، لشمال سوريا) it says "in", and the place contains the event.
        flags &= ~REFERENCE_WORD
        bare = token[1:] if token[:1] == "و" and len(token) > 2 else token
        flags |= kinds.get(token, 0) & REFERENCE_WORD | kinds.get(bare, 0) & REFERENCE_WORD
        features = self.trigger_features(token)
        if self.is_locative(token) or features:
            flags |= PLACE_WORD
        if features:
            flags |= TRIGGER_WORD
        adjective = any(form in self.adjective_countries for form in word_forms(token))
        if features or flags & (REFERENCE_WORD | APPOSITIVE_WORD) or adjective:
            flags |= LIST_WORD  # a place-type word, a direction, an adjective (حلب السورية) joins a list
        if self.names_settlement(token):
            flags |= SETTLEMENT_WORD
        return flags

    def read(self, words: list[str]) -> list[int]:
        """What each word of a clause is, in one dictionary look-up per word run in C: its
        :meth:`context_of` flags in the low bits, and above :data:`CUE_SHIFT` the number of its cue
        in :attr:`cue_table` (0: none; :data:`NAME` for a masked name, :data:`PHRASE` for the first
        word of a phrase cue). ``code & CUE_BITS`` is true exactly for cue words and names."""
        known = self._codes
        codes = list(map(known.get, words, repeat(-1, len(words))))
        if -1 in codes:
            if len(known) > WORD_CACHE_LIMIT:
                known.clear()
            cues = self.cues_of(words)
            flags = self.flags_of(words)
            for i, code in enumerate(codes):
                if code == -1:
                    cue = cues[i]
                    scope = cue is PHRASE and any(c.scope == "next" for c in self._first_word_cues(words[i]))
                    if scope or getattr(cue, "scope", "") == "next":
                        flags[i] |= SCOPE_WORD
                    codes[i] = known[words[i]] = flags[i] | self._cue_number(cue) << CUE_SHIFT
        return codes

    def _cue_number(self, cue: object) -> int:
        """The number of a cue (or None, NAME, PHRASE) in :attr:`cue_table`, adding it if new."""
        if cue is None:
            return 0
        if cue is NAME:
            return NAME_CODE
        if cue is PHRASE:
            return PHRASE_CODE
        number = self._cue_numbers.get(id(cue))
        if number is None:
            number = self._cue_numbers[id(cue)] = len(self.cue_table)
            self.cue_table.append(cue)
        return number

    def flags_of(self, words: list[str]) -> list[int]:
        """:meth:`context_of` of every word, in one pass run in C (``map``) over the per-word cache;
        only words never seen before are classified in Python."""
        flags = list(map(self._contexts.get, words))
        if None in flags:
            context_of = self.context_of
            for i, found in enumerate(flags):
                if found is None:
                    flags[i] = context_of(words[i])
        return flags

    def announces_place(self, token: str) -> bool:
        """A locative or a place-type word (في، من، إلى، مدينة ...): what follows it is a place, not a
        government."""
        return bool(self.context_of(token) & PLACE_WORD)

    def _first_word_cues(self, token: str) -> tuple[Cue, ...]:
        """Cues whose first word matches ``token``; cached, since news repeats its words."""
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        if not self._exact:
            for cue in self.cues:
                table = self._raw if cue.raw else self._exact if cue.exact else self._prefix
                table.setdefault(cue.words[0], []).append(cue)
            self._exact.setdefault("", [])  # built
            self._longest = max((len(w) for w in self._prefix), default=0)
        found: list[Cue] = list(self._raw.get(token, ()))
        for form in word_forms(token):
            found.extend(self._exact.get(form, ()))
            for size in range(2, min(len(form), self._longest) + 1):
                found.extend(self._prefix.get(form[:size], ()))
        result = tuple(sorted(dict.fromkeys(found), key=lambda c: (-len(c.words), ROLE_PRIORITY.index(c.role))))
        if len(self._cache) > WORD_CACHE_LIMIT:
            self._cache.clear()
        self._cache[token] = result
        return result

    def cues_of(self, words: list[str]) -> list:
        """The cue of each word: a :class:`Cue`, ``None``, :data:`PHRASE` (ask :meth:`cue_at`) or, for
        a masked name (a word of :data:`~geo.recognize.MASK` characters), :data:`NAME`.

        One dictionary look-up per word, run in C (``map``); only words never seen before are
        classified in Python, and remembered.
        """
        single = self.single_word_cues
        cues = list(map(single.get, words, repeat(UNKNOWN, len(words))))
        if UNKNOWN in cues:
            if len(single) > WORD_CACHE_LIMIT:
                single.clear()
            for i, cue in enumerate(cues):
                if cue is UNKNOWN:
                    cues[i] = single[words[i]] = self._classify(words[i])
        return cues

    def is_cue(self, word: str) -> bool:
        """Whether a word is (or starts) a cue."""
        found = self.single_word_cues.get(word, UNKNOWN)
        if found is UNKNOWN:
            found = self.cues_of([word])[0]
        return bool(found)

    def _classify(self, word: str) -> object:
        if word[0] == "\x00":
            return NAME
        candidates = self._first_word_cues(word)
        if any(len(cue.words) > 1 for cue in candidates):
            return PHRASE
        return candidates[0] if candidates else None

    def cue_at(self, tokens: list[str], index: int) -> Cue | None:
        """The cue that starts at ``tokens[index]``, if any (longer phrases first, then conflict).

        Remembered per run of words as long as the longest phrase the first word may start (قصف جوي،
        القوات الحكومية): news repeats them, and matching a phrase word by word costs microseconds.
        """
        token = tokens[index]
        span = self._spans.get(token)
        if span is None:
            span = self._spans[token] = max((len(cue.words) for cue in self._first_word_cues(token)), default=0)
        if not span:
            return None
        key = tuple(tokens[index : index + span])
        found = self._phrases.get(key, UNKNOWN)
        if found is UNKNOWN:
            if len(self._phrases) > WORD_CACHE_LIMIT:
                self._phrases.clear()
                self._spans.clear()
            found = self._phrases[key] = self._match_phrase(tokens, index)
        return found

    def _match_phrase(self, tokens: list[str], index: int) -> Cue | None:
        candidates = self._first_word_cues(tokens[index])
        for cue in candidates:
            if len(cue.words) == 1:
                return cue
            following = tokens[index + 1 : index + len(cue.words)]
            if len(following) == len(cue.words) - 1 and all(
                any(form.startswith(word) for form in word_forms(token))
                for token, word in zip(following, cue.words[1:], strict=True)
            ):
                return cue
        return None
