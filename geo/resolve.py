"""Choose one gazetteer entry for each recognised name, and say how sure and how precise that is.

Rules, in order (the first that settles a name gives its ``reason``):

1. ``unique``: the name has one entry.
2. ``trigger``: a place-type word in front of it (حي، مدينة، قرية، محافظة) keeps entries of that type.
3. ``adjective``: a country's relative adjective right after it (طرابلس الليبية), or between a
   place-type word and it (العاصمة اللبنانية بيروت), keeps the entries in that country.
4. ``container``: the phrase names a container right after it (الكلاسة بمدينة حلب، المنامة، البحرين),
   which keeps the entries inside that container. When the phrase links them explicitly (في، بمدينة،
   بريف ...) and no entry of a small place lies in or near the container (حي الفردوس في مدينة منبج,
   where the gazetteer's only الفردوس is in Aleppo), the name is another place of that name the
   gazetteer lacks: it is placed approximately at the container, the way discovered names are.
5. ``context``: an ancestor of an entry, a sibling of it, or its country is named unambiguously
   elsewhere in the document.
6. ``near the document's places``: of namesakes of the kind found in towns and cities, the one
   within :data:`NAMESAKE_KM` of the median point of the document's other places.
7. ``venue``: a name that is a country and a city, after في or ب with a diplomatic cue near, is the
   city (اختتمت في الكويت أعمال القمة).
8. ``prior``: feature rank (a country before a city of the same name), then a national capital,
   then population.

Before these, a shadda in the text picks the namesake spelled with it (``spelling``: عمّان is
Amman, not Oman). Names that are also common words (``ambiguous_names.txt``, and the world layer's
names that are frequent words) need evidence: a place-type word, a container, a preposition in a
document that names their province or city; or a list (``list``): coordinated with a confirmed place
of the same city or province, or an item of a list headed by a plural place word (أحياء، قرى،
بلدات); or the same name confirmed elsewhere in the document (``same name``). A name after a word of
kinship, a team, an organisation or an outlet (ابن طولون، منتخب مصر، منصة موسكو، بحسب حلب اليوم)
is none; after a word for a street it is a street the gazetteer lacks (شارع فلسطين).

``precision`` follows ACLED's geo_precision: 1 for the named town, village, neighbourhood or district
itself; 2 for part of or near a named place (ريف حلب الجنوبي، شرق إدلب، قرب منبج); 3 for a province,
country or larger region.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from geo.arabic import SHADDA, shadda_key
from geo.geodesy import great_circle_km
from geo.lexicon import Lexicon, word_forms
from geo.model import FEATURES, Entry
from geo.places import Places, prior_rank
from geo.recognize import Match
from geo.world import NISBA, WORLD_PREFIX

#: Words that make a mention "near" or "part of" the place it names (precision 2).
NEAR_WORDS = frozenset(
    {"قرب", "شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي", "ضواحي", "اطراف", "محيط", "ريف"}
)
#: Punctuation that ends a phrase: a container is only looked for inside the same phrase.
PHRASE_BREAKS = frozenset('.!?؟؛:\n()"«»')
CONFIDENCE = {
    "spelling": 0.9, "near": 0.75, "venue": 0.7,
    "unique": 0.95, "trigger": 0.9, "adjective": 0.9, "container": 0.9, "list": 0.85, "same": 0.85, "context": 0.8,
    "prior": 0.6,
}  # fmt: skip
#: Features of small places: a named container far from every entry of one contradicts them.
SMALL_FEATURES = frozenset({"town", "village", "district", "neighbourhood", "landmark"})
#: Prepositions of a target (غارات على الصالحين): like a locative, evidence that a name the document
#: can place is a place. Not locatives for roles: ردّت على واشنطن answers a government.
TARGET_WORDS = frozenset({"علي"})
#: Features whose namesakes the document's centre tells apart, and how near (km) the right one lies.
LOCAL_FEATURES = frozenset({"city", "town", "village", "district", "neighbourhood", "landmark"})
NAMESAKE_KM = 50.0
#: How far (characters) on each side of a name a diplomatic cue makes it a venue.
VENUE_REACH = 60
#: Features of places a GeoNames namesake may be listed with (a city and a city, not a quarter).
GOVERNED = frozenset({"country", "admin1", "city", "town"})
#: Punctuation that ends a list of places (a comma does not).
LIST_BREAKS = frozenset(".!?؟؛:\n()[]")
#: At most this many characters between two items of a list.
LIST_GAP = 40
#: How far back (characters, words) a list item looks for the plural place-type word heading it.
LIST_REACH = 300
LIST_WORDS = 40
#: How far (km) a place may lie from a container of each feature and still be in it.
CONTAINER_RADIUS_KM = {"city": 25.0, "town": 15.0, "district": 10.0, "region": 80.0, "admin1": 150.0}


@dataclass(slots=True)
class Resolution:
    """What one name resolved to. Immutable in spirit (not ``frozen``, which costs six times as much
    to build); the resolver hands out one shared object for every mention decided the same way."""

    entry: Entry
    confidence: float
    precision: int
    reason: str
    #: A "near" word (قرب، شرق، ريف ...) stands right before the name.
    near: bool = False


def previous_word(scan: str, position: int) -> str:
    """The folded word that ends before ``position``, or ''."""
    end = position
    while end > 0 and scan[end - 1] == " ":
        end -= 1
    return scan[scan.rfind(" ", 0, end) + 1 : end]


def precision_of(entry: Entry, near: bool) -> int:
    """ACLED geo_precision of a resolved mention."""
    if entry.feature in ("country", "admin1", "continent"):
        return 3
    if entry.feature == "region":
        # A region inside a named place (ريف حلب الجنوبي) is "part of" it; a world region is larger.
        return 2 if entry.parent else 3
    return 2 if near else 1


#: What a place name after a word for a street resolves to: a street the gazetteer lacks, not placed.
STREET = Resolution(
    Entry("", "", "", "landmark", float("nan"), float("nan")), 0.3, 3, "unresolved; a street named after a place"
)


@dataclass(slots=True)
class DocumentContext:
    """What the unambiguous names of one document say about the others (rule 5)."""

    #: Ids of those places and of all their ancestors.
    known: set[str]
    #: Their parents (a sibling of one of them is likely meant).
    parents: set[str]
    #: The country most of them are in.
    country: str
    #: Those names' entries.
    places: list[Entry] = field(default_factory=list)
    _centre: tuple[float, float] | bool | None = False

    @property
    def centre(self) -> tuple[float, float] | None:
        """Median point of those places that are towns, quarters or cities: where the story is
        (computed when a namesake first needs it)."""
        if self._centre is False:
            local = [e for e in self.places if e.feature in LOCAL_FEATURES]
            middle = len(local) // 2
            self._centre = (
                (sorted(e.lat for e in local)[middle], sorted(e.lon for e in local)[middle]) if local else None
            )
        return self._centre


class Resolver:
    """Resolves the matches of one document at a time against a gazetteer."""

    #: Bound on each per-name cache, so a long-running process over an endless stream stays small.
    CACHE_LIMIT = 100_000

    def __init__(self, gazetteer: Places, lexicon: Lexicon) -> None:
        self.gazetteer = gazetteer
        self.lexicon = lexicon
        self._ancestor_cache: dict[str, frozenset[str]] = {}
        self._candidate_cache: dict[tuple[str, ...], list[Entry]] = {}
        self._word_cache: dict[str, tuple[bool, tuple[str, ...]]] = {}
        #: (ids, word before the name) -> the resolution of a name with one entry, which depends on
        #: nothing else: most mentions of a document are decided by one dictionary look-up.
        self._unique_cache: dict[tuple[tuple[str, ...], str], Resolution] = {}
        self._stops: frozenset[str] | None = None
        self._landmark_heads: frozenset[str] | None = None
        #: Words before a name that need a second look (one set look-up for the common case).
        self._special_words = lexicon.non_place_heads | lexicon.attributions | lexicon.streets
        self._countries = frozenset(e.id for e in gazetteer if e.feature in ("country", "continent"))
        #: The text being resolved, when folding dropped marks from it (see :meth:`resolve`).
        self._source: str | None = None
        #: Names that need evidence: the curated list, and the world layer's names that are frequent
        #: words (كورونا، الخبر) when no curated entry shares them.
        self.ambiguous = lexicon.ambiguous | frozenset(
            key
            for key in lexicon.frequent_world
            if (ids := gazetteer.names().get(key)) and all(i.startswith(WORLD_PREFIX) for i in ids)
        )

    def ancestors(self, place_id: str) -> frozenset[str]:
        cached = self._ancestor_cache.get(place_id)
        if cached is None:
            cached = frozenset(a.id for a in self.gazetteer.ancestors(place_id))
            self._ancestor_cache[place_id] = cached
        return cached

    def context(self, matches: Sequence[Match], scan: str) -> DocumentContext:
        """Rule 4's evidence: only names with one entry that are not also common words count."""
        gazetteer = self.gazetteer
        ambiguous = self.ambiguous
        known: set[str] = set()
        parents: set[str] = set()
        countries: Counter[str] = Counter()
        places: list[Entry] = []
        for match in matches:
            if len(match.ids) == 1 and scan[match.norm_start : match.norm_end] not in ambiguous:
                entry = gazetteer[match.ids[0]]
                places.append(entry)
                known.add(entry.id)
                known.update(self.ancestors(entry.id))
                parents.add(entry.parent)
                if entry.country:
                    countries[entry.country] += 1
        return DocumentContext(known, parents, countries.most_common(1)[0][0] if countries else "", places)

    def resolve(
        self, matches: Sequence[Match], folded: str, scan: str, source: str | None = None
    ) -> list[Resolution | None]:
        """One resolution per match, or ``None`` for a name that is also a common word and has no
        evidence of being a place here (see ``geo/data/ambiguous_names.txt``). ``source`` is the
        original text when folding dropped marks from it (a shadda tells عمّان from عمان)."""
        self._source = source
        ambiguous = self.ambiguous
        special = self._special_words
        unique_cache = self._unique_cache
        built: list[DocumentContext] = []

        def document() -> DocumentContext:
            """The document's context, built the first time a name needs it (most never do)."""
            if not built:
                built.append(self.context(matches, scan))
            return built[0]

        resolutions: list[Resolution | None] = []
        #: Names that are also common words, with no evidence of their own (yet).
        pending: list[int] = []
        append = resolutions.append
        for index, match in enumerate(matches):
            ids = match.ids
            # previous_word(), inlined: it runs for every name of every document.
            end = match.norm_start - len(match.clitic)
            while end and scan[end - 1] == " ":
                end -= 1
            word = scan[scan.rfind(" ", 0, end) + 1 : end]
            key = scan[match.norm_start : match.norm_end]
            if word in special or (key[-1] in "يه" and word[:2] == "ال" and key[:2] == "ال"):
                not_a_place = self._not_a_place(matches, index, word, key, folded, scan)
                if not_a_place is not False:
                    append(not_a_place)
                    continue
            is_ambiguous = key in ambiguous or (key[0] == "ل" and "ا" + key in ambiguous and match.clitic[-1:] == "ل")
            if len(ids) == 1 and not is_ambiguous:
                cached = unique_cache.get((ids, word))
                if cached is None:
                    cached = self._decide(matches, index, word, folded, scan, None)
                    if len(unique_cache) > self.CACHE_LIMIT:
                        unique_cache.clear()
                    unique_cache[ids, word] = cached
                if cached.entry.feature in SMALL_FEATURES and index + 1 < len(matches):
                    cached = self._contradicted(matches, index, folded, scan, cached)
                append(cached)
                continue
            if is_ambiguous and not self._has_evidence(matches, index, word, folded, scan, document):
                append(None)
                pending.append(index)
                continue
            append(self._resolve_one(matches, index, word, folded, scan, document() if len(ids) > 1 else None))
        if pending:
            self._confirm_from_lists(matches, resolutions, pending, folded, scan, document)
        return resolutions

    def _resolve_one(
        self,
        matches: Sequence[Match],
        index: int,
        word: str,
        folded: str,
        scan: str,
        context: DocumentContext | None,
        supported: Sequence[Entry] = (),
        evidence: str = "",
    ) -> Resolution:
        resolution = self._decide(matches, index, word, folded, scan, context, supported, evidence)
        if resolution.entry.feature in SMALL_FEATURES and index + 1 < len(matches):
            resolution = self._contradicted(matches, index, folded, scan, resolution)
        return resolution

    def _confirm_from_lists(
        self,
        matches: Sequence[Match],
        resolutions: list[Resolution | None],
        pending: list[int],
        folded: str,
        scan: str,
        document: Callable[[], DocumentContext],
    ) -> None:
        """Names that are also common words, confirmed by the places around them (in place).

        A list speaks for all its items: a name coordinated with a confirmed place of the same city
        (الكلاسة والصالحين), or an item of a list headed by a plural place-type word (أحياء الصالحين
        والمعادي، قرى كفرومة والنقير), is a place too. And one sense per document: a name confirmed
        once is a place wherever the document repeats it. Repeated until nothing changes, so a
        confirmation runs along a list in either direction.
        """
        confirmed = {scan[m.norm_start : m.norm_end] for m, r in zip(matches, resolutions, strict=True) if r}
        changed = True
        while changed and pending:
            changed = False
            for index in list(pending):
                match = matches[index]
                key = scan[match.norm_start : match.norm_end]
                candidates = self._candidates(match.ids)
                if NISBA.match(key) and self._attributive(match, previous_word(scan, match.norm_start), scan):
                    continue  # الحرس الجمهوري: an adjective, whatever the list around it
                supported: list[Entry] = []
                evidence = "list"
                if key in confirmed:
                    supported, evidence = candidates, "same name"
                else:
                    supported = self._coordinated_support(matches, resolutions, index, folded, scan, document)
                    if not supported:
                        features = self._list_head(matches, index, folded, scan)
                        supported = [c for c in candidates if c.feature in features]
                if not supported:
                    continue
                word = previous_word(scan, match.norm_start - len(match.clitic))
                context = document() if len(supported) > 1 else None
                resolutions[index] = self._resolve_one(matches, index, word, folded, scan, context, supported, evidence)
                pending.remove(index)
                confirmed.add(key)
                changed = True

    def _coordinated_support(
        self,
        matches: Sequence[Match],
        resolutions: Sequence[Resolution | None],
        index: int,
        folded: str,
        scan: str,
        document: Callable[[], DocumentContext],
    ) -> list[Entry]:
        """The entries of this name that share a parent with a confirmed place it is coordinated
        with, on either side (الخالدية وبستان القصر: both quarters of Aleppo)."""
        candidates = self._candidates(matches[index].ids)
        for other in (index - 1, index + 1):
            if not 0 <= other < len(matches):
                continue
            first, second = (other, index) if other < index else (index, other)
            if resolutions[other] is None:
                # Two such names side by side (المشهد والصالحين) confirm each other when both can be
                # quarters of one place that the document names unambiguously elsewhere.
                if not self._coordinated(matches[first], matches[second], folded, scan):
                    continue
                parents = {c.parent for c in self._candidates(matches[other].ids)} & document().known
                kept = [c for c in candidates if c.parent in parents]
                if kept:
                    return kept
                continue
            entry = resolutions[other].entry
            if not entry.id or not self._coordinated(matches[first], matches[second], folded, scan):
                continue
            # The same parent (two quarters of one city), the other place itself, or a province it
            # lies in (حلب الجديدة والمنصورة: a quarter of Aleppo and a village of its province).
            around = {entry.parent, entry.id} | {a for a in self.ancestors(entry.id) if a not in self._countries}
            kept = [c for c in candidates if c.parent and c.parent in around]
            if not kept and entry.feature in GOVERNED and all(c.id.startswith(WORLD_PREFIX) for c in candidates):
                kept = candidates  # ميناءي حيفا وعكا: GeoNames places listed with a known city or country
            if kept:
                return kept
        return []

    def _coordinated(self, first: Match, second: Match, folded: str, scan: str) -> bool:
        """``second`` is the next item of a list after ``first``: only joiners (و، أو، ثم، أيضاً،
        كذلك ...), place-type words (ومنطقة، وحي), commas and quotes between, and a conjunction or
        a comma that links them."""
        gap_end = second.norm_start - len(second.clitic)
        if gap_end - first.norm_end > LIST_GAP:
            return False
        gap = folded[first.norm_end : gap_end]
        if any(c in LIST_BREAKS for c in gap):
            return False
        words = scan[first.norm_end : gap_end].split()
        lexicon = self.lexicon
        if len(words) > 3 or not all(lexicon.is_joiner(w) or lexicon.trigger_features(w) for w in words):
            return False
        return second.clitic[:1] in ("و", "ف") or "،" in gap or "," in gap or any(w[0] == "و" for w in words)

    def _list_head(self, matches: Sequence[Match], index: int, folded: str, scan: str) -> tuple[str, ...]:
        """The features announced by the plural place-type word that heads the list this name is an
        item of (أحياء الصالحين والمعادي، والفردوس كذلك), or () when it is not in such a list.

        Walks back over the list, word by word, to the start of the clause: names, joiners, place-
        type words and unknown words pass; a preposition, verb, particle or common word ends the walk.
        """
        match = matches[index]
        word_start = match.norm_start - len(match.clitic)
        joined = match.clitic[:1] == "و" or previous_word(scan, word_start) in ("و", "او", "ثم")
        if not joined and not any(c in ",،" for c in folded[max(0, word_start - 3) : word_start]):
            return ()  # an item after the first is joined by a conjunction or a comma
        floor = max(0, word_start - LIST_REACH)
        for stop in LIST_BREAKS:
            found = folded.rfind(stop, floor, word_start)
            if found >= floor:
                floor = found + 1
        names = [(m.norm_start - len(m.clitic), m.norm_end) for m in matches[:index] if m.norm_end > floor]
        lexicon = self.lexicon
        stops = self._stop_words()
        position = word_start
        steps = 0
        while steps < LIST_WORDS:
            end = position
            while end > floor and scan[end - 1] == " ":
                end -= 1
            if end <= floor:
                return ()
            start = scan.rfind(" ", floor, end) + 1
            start = max(start, floor)
            token = scan[start:end]
            position = start
            steps += 1
            if any(s <= start and end <= e for s, e in names):
                continue  # a known name: an item of the list
            features = lexicon.plural_features(token)
            if features:
                return features
            if lexicon.is_joiner(token) or token.isdigit() or lexicon.trigger_features(token):
                continue
            if token[0] == "و" and any(form in NEAR_WORDS for form in word_forms(token)):
                continue  # ومحيط دوار الجندول: the surroundings of the next item
            forms = word_forms(token)
            if any(f in stops for f in forms) or lexicon.is_locative(token):
                return ()
        return ()

    def _names_a_landmark(self, word: str) -> bool:
        """A head that is part of a landmark's name (جبل، تلة، سد، دوار، معبر، مطار: discovery's
        ``in_name`` triggers), with or without a clitic."""
        if self._landmark_heads is None:
            from geo.discover import discovery_words

            self._landmark_heads = discovery_words().in_name
        return any(form in self._landmark_heads for form in word_forms(word))

    def _stop_words(self) -> frozenset[str]:
        """Words that end a list walked back from one of its items: discovery's stop words (verbs,
        particles, prepositions) and the common words of news text."""
        if self._stops is None:
            from geo.discover import discovery_words  # discovery builds on this module

            words = discovery_words()
            self._stops = words.stops | words.common
        return self._stops

    def _not_a_place(
        self, matches: Sequence[Match], index: int, word: str, key: str, folded: str, scan: str
    ) -> Resolution | bool | None:
        """What a name is when the word before it says it is no place: ``None`` for a person, a team,
        an organisation, an outlet (ابن طولون، منتخب مصر، منصة موسكو، بحسب حلب اليوم) or an adjective
        after a definite place-type noun (العاصمة السعودية); a street's resolution (شارع فلسطين);
        ``False`` when the word says nothing of the kind."""
        lexicon = self.lexicon
        if word in lexicon.non_place_heads:
            return None
        if word in lexicon.attributions and self._names_an_outlet(matches[index], scan):
            return None
        if word in lexicon.streets:
            return self._street(matches, index, folded, scan)
        if word[:2] == "ال" and NISBA.match(key) and lexicon.trigger_features(word):
            return None
        return False

    def _street(self, matches: Sequence[Match], index: int, folded: str, scan: str) -> Resolution:
        """A street named after a place: placed approximately at the container the phrase names
        (شارع فلسطين بمدينة تل تمر), else not placed."""
        following = self._container(matches, index, folded, scan)
        if following is None:
            return STREET
        container = self._candidates(following.ids)[0]
        entry = Entry(
            "", "", "", "landmark", container.lat, container.lon, parent=container.id, country=container.country
        )  # fmt: skip
        precision = 3 if container.feature in ("admin1", "country") else 2
        reason = f"unresolved; a street, approximate: placed at container {container.id}"
        return Resolution(entry, 0.4, precision, reason)

    def _attributive(self, match: Match, word: str, scan: str) -> bool:
        """A name that is also a word, with no clitic, right after a definite word that is no place-
        type word or preposition: an adjective or the second term of a construct (الحرس الجمهوري،
        النظام القائم في تايلند), not a place."""
        return (
            not match.clitic
            and any(form[:2] == "ال" for form in word_forms(word))
            and not self.lexicon.announces_place(word)
            and not self.lexicon.is_joiner(word)
        )

    def _names_an_outlet(self, match: Match, scan: str) -> bool:
        """The word after the name ends an outlet's name (حلب اليوم، شهبا برس، ديرالزور 24)."""
        following = scan[match.norm_end : match.norm_end + 24].split(" ", 2)
        word = following[1] if len(following) > 1 and not following[0] else following[0]
        return word in self.lexicon.outlet_tails or word.isdigit()

    def _at_a_venue(self, match: Match, folded: str, scan: str) -> bool:
        """A locative (في، إلى) or ب before the name and a diplomatic cue within a few words of it in
        the same phrase: the name is where a meeting is held, which is a city, not a country."""
        start = match.norm_start - len(match.clitic)
        if not ("ب" in match.clitic or self.lexicon.is_locative(previous_word(scan, start))):
            return False
        low = max(0, start - VENUE_REACH)
        high = min(len(folded), match.norm_end + VENUE_REACH)
        for stop in ".!?؟؛:\n":
            found = folded.rfind(stop, low, start)
            low = found + 1 if found != -1 else low
            found = folded.find(stop, match.norm_end, high)
            high = found if found != -1 else high
        words = scan[low:start].split() + scan[match.norm_end : high].split()
        lexicon = self.lexicon
        return any(
            cue is not None and cue.role == "diplomatic"
            for i in range(len(words))
            for cue in [lexicon.cue_at(words, i)]
        )

    def _contradicted(
        self, matches: Sequence[Match], index: int, folded: str, scan: str, resolution: Resolution
    ) -> Resolution:
        """``resolution``, or an approximate placement at the container when the phrase says "in"
        it explicitly and no entry of the name lies in or near it (rule 4)."""
        following = matches[index + 1]
        if not self._explicit_link(matches, index, scan, folded):
            return resolution
        containers = self._candidates(following.ids)
        _near, wanted = self._word_context(previous_word(scan, following.norm_start - len(following.clitic)))
        typed = [c for c in containers if c.feature in wanted]
        container = (typed or containers)[0]
        radius = CONTAINER_RADIUS_KM.get(container.feature)
        if radius is None or FEATURES.index(container.feature) >= FEATURES.index(resolution.entry.feature):
            return resolution  # a country (the ancestor test suffices there) or a smaller container
        for candidate in self._candidates(matches[index].ids):
            if container.id in self.ancestors(candidate.id) or container.id == candidate.parent:
                return resolution
            # A great circle, not geodesic: within 0.5 % is plenty for "within 25 km", at a tenth of the cost.
            if great_circle_km((candidate.lat, candidate.lon), (container.lat, container.lon)) <= radius:
                return resolution
        entry = Entry(
            "", "", "", resolution.entry.feature, container.lat, container.lon,
            parent=container.id, country=container.country,
        )  # fmt: skip
        precision = 3 if container.feature == "admin1" else 2
        reason = (
            f"unresolved; approximate: placed at container {container.id} "
            f"(the gazetteer's entry of this name, {resolution.entry.id}, is not in it)"
        )
        return Resolution(entry, 0.4, precision, reason, resolution.near)

    def _explicit_link(self, matches: Sequence[Match], index: int, scan: str, folded: str) -> bool:
        """The phrase says the name is *in* the next place: a locative or place-type word or ب
        between them, and no word of nearness (بريف إدلب، شمال حلب: around it, not in it)."""
        following = matches[index + 1]
        if self._container(matches, index, folded, scan) is None:
            return False
        gap_end = following.norm_start - len(following.clitic)
        if any(c in ",،" for c in folded[matches[index].norm_end : gap_end]):
            return False  # معبر نصيب، وفي دير الزور: a comma ends the phrase for this rule
        words = scan[matches[index].norm_end : gap_end].split()
        if any(len(word) > 2 and word[0] in "وف" and self.lexicon.announces_place(word[1:]) for word in words):
            return False  # وفي ...: the next item or clause, not "in"
        # شمال حلب: around it, not in it; but الزعفرانة الجنوبي في حلب: "southern", an adjective of the name.
        if any(form in NEAR_WORDS for word in words if word[:2] != "ال" for form in word_forms(word)):
            return False
        return "ب" in following.clitic or any(self.lexicon.announces_place(word) for word in words)

    def _decide(
        self,
        matches: Sequence[Match],
        index: int,
        word: str,
        folded: str,
        scan: str,
        context: DocumentContext | None,
        supported: Sequence[Entry] = (),
        evidence: str = "",
    ) -> Resolution:
        """Rules 1-6 for one name. ``context`` is ``None`` only for a name with one entry, which
        rule 1 settles before any context is looked at. ``supported``: the entries that the list or
        the document confirmed (see :meth:`_confirm_from_lists`), ``evidence`` says which."""
        match = matches[index]
        near, wanted = self._word_context(word)
        candidates = list(supported) or self._candidates(match.ids)
        reason = ""
        if len(candidates) == 1:
            reason = evidence or "unique"
            if wanted and candidates[0].feature in wanted:
                reason = "unique, trigger " + word
        if not reason and self._source is not None:
            surface = self._source[match.start : match.end]
            if SHADDA in surface:
                spelled = shadda_key(surface)
                same = [c for c in candidates if any(shadda_key(n) == spelled for n in (c.name_ar, *c.variants_ar))]
                candidates, reason = _narrowed(candidates, same, "spelling " + surface)
        if not reason and wanted:
            typed = [c for c in candidates if c.feature in wanted]
            candidates, reason = _narrowed(candidates, typed, "trigger " + word)
        if not reason:
            adjective = self._adjective(match, word, folded, scan)
            if adjective:
                country = self.lexicon.adjective_countries[adjective]
                national = [c for c in candidates if c.country == country]
                candidates, reason = _narrowed(candidates, national, "adjective " + adjective)
        if not reason:
            container = self._container(matches, index, folded, scan)
            if container:
                inside = [c for c in candidates if self.ancestors(c.id) & set(container.ids)]
                if inside:
                    candidates = inside
                    if len(inside) == 1:
                        reason = "container " + inside[0].parent
        if not reason and context is not None:
            scored = sorted(candidates, key=lambda c: -self._context_score(c, context))
            if self._context_score(scored[0], context) > self._context_score(scored[1], context):
                candidates = scored
                reason = "context"
        if not reason and context is not None and context.centre is not None:
            # Namesakes: the one among the document's other places (within about 50 km of their
            # centre) rather than a far one of the same kind (المنصورة near Aleppo, not by Raqqa).
            local = [c for c in candidates if c.feature in LOCAL_FEATURES]
            near_centre = [c for c in local if great_circle_km((c.lat, c.lon), context.centre) <= NAMESAKE_KM]
            if len(local) == len(candidates) and len(near_centre) == 1:
                candidates, reason = near_centre, "near the document's places"
        if not reason and candidates[0].feature == "country":
            cities = [c for c in candidates if c.feature == "city"]
            if cities and self._at_a_venue(match, folded, scan):
                candidates, reason = cities, "venue"  # اختتمت في الكويت أعمال القمة: the city
        if not reason:
            reason = "prior"
        chosen = candidates[0]
        confidence = CONFIDENCE[reason.split()[0].rstrip(",")]
        if reason.startswith("unique, trigger"):
            confidence = 0.98
        if reason == "prior" and len({c.feature for c in candidates[:2]}) == 1:
            confidence = 0.5
        return Resolution(chosen, confidence, precision_of(chosen, near), reason, near)

    def _adjective(self, match: Match, word: str, folded: str, scan: str) -> str:
        """The folded country adjective that qualifies this name (طرابلس الليبية; العاصمة الليبية
        طرابلس), or ''. After the name it must follow one plain space: طرابلس، الليبية is a list."""
        adjectives = self.lexicon.adjective_countries
        end = match.norm_end
        if folded[end : end + 1] == " ":
            following = scan[end + 1 : end + 24].split(" ", 1)[0]
            if following in adjectives and folded[end + 1 : end + 1 + len(following)] == following:
                return following
        if word in adjectives:
            start = match.norm_start - len(match.clitic)
            before = previous_word(scan, scan.rfind(" ", 0, start - 1) + 1 if start > 1 else 0)
            if before and self.lexicon.trigger_features(before):
                return word
        return ""

    def _candidates(self, ids: tuple[str, ...]) -> list[Entry]:
        """The entries a name may mean, most likely first without context (cached per name)."""
        cached = self._candidate_cache.get(ids)
        if cached is None:
            cached = sorted((self.gazetteer[i] for i in ids), key=prior_rank)
            self._candidate_cache[ids] = cached
        return cached

    def _word_context(self, word: str) -> tuple[bool, tuple[str, ...]]:
        """For the word before a name: is it a "near" word, and which features does it announce."""
        cached = self._word_cache.get(word)
        if cached is None:
            near = any(form in NEAR_WORDS for form in word_forms(word))
            cached = (near, self.lexicon.trigger_features(word))
            if len(self._word_cache) > 50_000:
                self._word_cache.clear()
            self._word_cache[word] = cached
        return cached

    def _has_evidence(
        self,
        matches: Sequence[Match],
        index: int,
        word: str,
        folded: str,
        scan: str,
        document: Callable[[], DocumentContext],
    ) -> bool:
        """Evidence that a name which is also a common word is a place in this phrase."""
        match = matches[index]
        _near, wanted = self._word_context(word)
        candidates = self._candidates(match.ids)
        if self._names_a_landmark(word):
            return False  # جبل الأربعين، دوار الصخرة: a landmark named after the word, not the village
        if wanted and not (any(f[:2] == "ال" for f in word_forms(word)) and "عاصمه" not in word):
            return True  # a place-type word announces a name: مدينة الباب، مخيم الهول
        if self._attributive(match, word, scan):
            return False  # الدول الخمس، الحرس الجمهوري: a definite noun and its adjective
        if self._container(matches, index, folded, scan):
            return True
        locative = "ب" in match.clitic or self.lexicon.is_locative(word) or word in TARGET_WORDS
        if self.lexicon.is_locative(word) and any(c.feature == "country" or c.capital for c in candidates):
            return True  # في مالي: an adjective (مالي: financial) cannot follow في
        if all(c.id.startswith(WORLD_PREFIX) for c in candidates):
            # A GeoNames place whose name is also a frequent word: a preposition before it (في شيكاغو)
            # or its country named in the document is enough.
            return locative or any(self.ancestors(c.id) & document().known for c in candidates)
        # A curated one needs its province, city or a sibling named: the country is too little
        # (عند جبل الأربعين قرب أريحا is no village of Hama because the story is in Syria).
        if not locative:
            return False
        context = document()
        return any(
            (self.ancestors(c.id) & context.known) - self._countries or c.parent in context.parents for c in candidates
        )

    def _container(self, matches: Sequence[Match], index: int, folded: str, scan: str) -> Match | None:
        """The next match when it is the container phrase of this one (at most three words apart, or
        four with a relative word; only place-type words, prepositions, relative words (أحد،
        الواقعة، التابعة) and a comma between)."""
        if index + 1 >= len(matches):
            return None
        this, following = matches[index], matches[index + 1]
        if following.clitic[:1] in ("و", "ف"):
            return None  # حلب وإدلب: coordinated, not contained
        gap_end = following.norm_start - len(following.clitic)
        if gap_end - this.norm_end > 30 or any(c in PHRASE_BREAKS for c in folded[this.norm_end : gap_end]):
            return None
        words = scan[this.norm_end : gap_end].split()
        if len(words) > 4:
            return None
        lexicon = self.lexicon
        if all(lexicon.trigger_features(w) or lexicon.is_locative(w) or lexicon.is_relative(w) for w in words):
            # An appositive or relative phrase places it too: الخالدية، أحد أحياء مدينة حمص؛ بصرى
            # الحرير، البلدة الواقعة بريف درعا. Four words at most, and no plain word among them.
            return following if len(words) < 4 or any(lexicon.is_relative(w) for w in words) else None
        return None

    def _context_score(self, entry: Entry, context: DocumentContext) -> float:
        score = 0.0
        if self.ancestors(entry.id) & context.known:
            score += 1.0
        if entry.parent and entry.parent in context.parents:
            score += 0.7
        if entry.id in context.known:
            score += 0.5
        if context.country and entry.country == context.country:
            score += 0.5
        return score


def _narrowed(candidates: list[Entry], kept: list[Entry], reason: str) -> tuple[list[Entry], str]:
    """``kept`` when a rule keeps some but not all candidates, with ``reason`` when it keeps one (the
    rule then settles the name); ``candidates`` unchanged, and no reason, otherwise."""
    if not kept or len(kept) == len(candidates):
        return candidates, ""
    return kept, reason if len(kept) == 1 else ""
