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
6. ``prior``: feature rank (a country before a city of the same name), then a national capital,
   then population.

``precision`` follows ACLED's geo_precision: 1 for the named town, village, neighbourhood or district
itself; 2 for part of or near a named place (ريف حلب الجنوبي، شرق إدلب، قرب منبج); 3 for a province,
country or larger region.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from geopy.distance import great_circle

from geo.gazetteer import Gazetteer, prior_rank
from geo.lexicon import Lexicon, word_forms
from geo.model import FEATURES, Entry
from geo.recognize import Match

#: Words that make a mention "near" or "part of" the place it names (precision 2).
NEAR_WORDS = frozenset(
    {"قرب", "شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي", "ضواحي", "اطراف", "محيط", "ريف"}
)
#: Punctuation that ends a phrase: a container is only looked for inside the same phrase.
PHRASE_BREAKS = frozenset('.!?؟؛:\n()"«»')
CONFIDENCE = {"unique": 0.95, "trigger": 0.9, "adjective": 0.9, "container": 0.9, "context": 0.8, "prior": 0.6}
#: Features of small places: a named container far from every entry of one contradicts them.
SMALL_FEATURES = frozenset({"town", "village", "district", "neighbourhood", "landmark"})
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


@dataclass(slots=True)
class DocumentContext:
    """What the unambiguous names of one document say about the others (rule 5)."""

    #: Ids of those places and of all their ancestors.
    known: set[str]
    #: Their parents (a sibling of one of them is likely meant).
    parents: set[str]
    #: The country most of them are in.
    country: str


class Resolver:
    """Resolves the matches of one document at a time against a gazetteer."""

    #: Bound on each per-name cache, so a long-running process over an endless stream stays small.
    CACHE_LIMIT = 100_000

    def __init__(self, gazetteer: Gazetteer, lexicon: Lexicon) -> None:
        self.gazetteer = gazetteer
        self.lexicon = lexicon
        self._ancestor_cache: dict[str, frozenset[str]] = {}
        self._candidate_cache: dict[tuple[str, ...], list[Entry]] = {}
        self._word_cache: dict[str, tuple[bool, tuple[str, ...]]] = {}
        #: (ids, word before the name) -> the resolution of a name with one entry, which depends on
        #: nothing else: most mentions of a document are decided by one dictionary look-up.
        self._unique_cache: dict[tuple[tuple[str, ...], str], Resolution] = {}

    def ancestors(self, place_id: str) -> frozenset[str]:
        cached = self._ancestor_cache.get(place_id)
        if cached is None:
            cached = frozenset(a.id for a in self.gazetteer.ancestors(place_id))
            self._ancestor_cache[place_id] = cached
        return cached

    def context(self, matches: Sequence[Match], scan: str) -> DocumentContext:
        """Rule 4's evidence: only names with one entry that are not also common words count."""
        gazetteer = self.gazetteer
        ambiguous = self.lexicon.ambiguous
        known: set[str] = set()
        parents: set[str] = set()
        countries: Counter[str] = Counter()
        for match in matches:
            if len(match.ids) == 1 and scan[match.norm_start : match.norm_end] not in ambiguous:
                entry = gazetteer[match.ids[0]]
                known.add(entry.id)
                known.update(self.ancestors(entry.id))
                parents.add(entry.parent)
                if entry.country:
                    countries[entry.country] += 1
        return DocumentContext(known, parents, countries.most_common(1)[0][0] if countries else "")

    def resolve(self, matches: Sequence[Match], folded: str, scan: str) -> list[Resolution | None]:
        """One resolution per match, or ``None`` for a name that is also a common word and has no
        evidence of being a place here (see ``geo/data/ambiguous_names.txt``)."""
        ambiguous = self.lexicon.ambiguous
        unique_cache = self._unique_cache
        context: DocumentContext | None = None  # built on the first name that needs it
        resolutions: list[Resolution | None] = []
        append = resolutions.append
        for index, match in enumerate(matches):
            ids = match.ids
            # previous_word(), inlined: it runs for every name of every document.
            end = match.norm_start - len(match.clitic)
            while end and scan[end - 1] == " ":
                end -= 1
            word = scan[scan.rfind(" ", 0, end) + 1 : end]
            is_ambiguous = scan[match.norm_start : match.norm_end] in ambiguous
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
            if context is None:
                context = self.context(matches, scan)
            if is_ambiguous and not self._has_evidence(matches, index, word, folded, scan, context):
                append(None)
                continue
            resolution = self._decide(matches, index, word, folded, scan, context)
            if resolution.entry.feature in SMALL_FEATURES and index + 1 < len(matches):
                resolution = self._contradicted(matches, index, folded, scan, resolution)
            append(resolution)
        return resolutions

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
            # great_circle, not geodesic: within 0.5 % is plenty for "within 25 km", at a tenth of the cost.
            if great_circle((candidate.lat, candidate.lon), (container.lat, container.lon)).km <= radius:
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
        if any(form in NEAR_WORDS for word in words for form in word_forms(word)):
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
    ) -> Resolution:
        """Rules 1-6 for one name. ``context`` is ``None`` only for a name with one entry, which
        rule 1 settles before any context is looked at."""
        match = matches[index]
        near, wanted = self._word_context(word)
        candidates = self._candidates(match.ids)
        reason = ""
        if len(candidates) == 1:
            reason = "unique"
            if wanted and candidates[0].feature in wanted:
                reason = "unique, trigger " + word
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
        self, matches: Sequence[Match], index: int, word: str, folded: str, scan: str, context: DocumentContext
    ) -> bool:
        """Evidence that a name which is also a common word is a place in this phrase."""
        match = matches[index]
        _near, wanted = self._word_context(word)
        candidates = self._candidates(match.ids)
        if wanted:
            return True  # a place-type word announces a name: مدينة الباب، مخيم الهول
        if self._container(matches, index, folded, scan):
            return True
        locative = "ب" in match.clitic or self.lexicon.is_locative(word)
        if self.lexicon.is_locative(word) and any(c.feature == "country" or c.capital for c in candidates):
            return True  # في مالي: an adjective (مالي: financial) cannot follow في
        in_context = any(self.ancestors(c.id) & context.known or c.parent in context.parents for c in candidates)
        return locative and in_context

    def _container(self, matches: Sequence[Match], index: int, folded: str, scan: str) -> Match | None:
        """The next match when it is the container phrase of this one (at most three words apart,
        only place-type words, prepositions and a comma between)."""
        if index + 1 >= len(matches):
            return None
        this, following = matches[index], matches[index + 1]
        if following.clitic[:1] in ("و", "ف"):
            return None  # حلب وإدلب: coordinated, not contained
        gap_end = following.norm_start - len(following.clitic)
        if gap_end - this.norm_end > 30 or any(c in PHRASE_BREAKS for c in folded[this.norm_end : gap_end]):
            return None
        words = scan[this.norm_end : gap_end].split()
        if len(words) > 3:
            return None
        lexicon = self.lexicon
        if all(lexicon.trigger_features(w) or lexicon.is_locative(w) for w in words):
            return following
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
