"""Per-place and per-document summaries of mentions: what maps, popups and reports are drawn from."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from geo.model import ROLES, Mention

#: Popups list at most this many example sentences per place.
MAX_EXAMPLES = 8


@dataclass(frozen=True, slots=True)
class Example:
    """One mention in its sentence: ``sentence[start:end]`` is the highlighted name."""

    doc: str
    sentence: str
    start: int
    end: int
    role: str
    cue: str


@dataclass
class PlaceSummary:
    place_id: str
    name_ar: str
    name_en: str
    feature: str
    lat: float
    lon: float
    country: str
    precision: int
    confidence: float
    roles: Counter[str] = field(default_factory=Counter)
    docs: Counter[str] = field(default_factory=Counter)
    examples: list[Example] = field(default_factory=list)
    #: True when the place is only approximately known (an unresolved name placed at its container).
    approximate: bool = False
    #: How far (km) the place may lie from the point (:attr:`geo.model.Mention.uncertainty_km`).
    uncertainty_km: float | None = None
    #: (day ``YYYY-MM-DD``, role) -> mentions, for dated documents: what the map's time slider shows.
    by_date: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: The largest ``uncertainty_km`` of its mentions (None when no mention gives one).
    uncertainty_km: float | None = None

    @property
    def count(self) -> int:
        return sum(self.roles.values())


def place_key(mention: Mention) -> str:
    """The place a mention is drawn at: its gazetteer id, or ``approx:CONTAINER:NAME`` for a name the
    gazetteer lacks but placed at its container."""
    if mention.place_id:
        return mention.place_id
    from geo.arabic import name_key  # NumPy: not in a pool's parent that only writes bytes

    return f"approx:{mention.container}:{name_key(mention.surface)}"


class MentionTally:
    """What a map needs from mentions, gathered one mention at a time: the places (as
    :func:`summarise` gives them), each document's title, link and date, the publishers, and the
    mentions per administrative unit of ``unit_level``. Memory grows with places and documents, not
    with mentions, so ``geo map`` can stream a corpus of any size through it."""

    def __init__(self, unit_level: str | None = None) -> None:
        self.unit_level = unit_level
        self.count = 0
        self._places: dict[str, PlaceSummary] = {}
        # Per place: (sequence, example) of each document's first mention, and of later mentions.
        self._firsts: dict[str, list[tuple[int, Example]]] = {}
        self._extras: dict[str, list[tuple[int, Example]]] = {}
        #: Document -> (title, url, date), for documents that have any.
        self.doc_info: dict[str, tuple[str, str, str]] = {}
        self.publishers: set[str] = set()
        #: (P-code of ``unit_level``, role) -> mentions.
        self.units: Counter[tuple[str, str]] = Counter()

    def add(self, mention: Mention) -> None:
        sequence = self.count
        self.count += 1
        if mention.title or mention.url or mention.date:
            self.doc_info.setdefault(mention.doc, (mention.title, mention.url, mention.date))
        if mention.source:
            self.publishers.add(mention.source)
        if self.unit_level:
            code = getattr(mention, f"{self.unit_level}_pcode")
            if code:
                self.units[code, mention.role] += 1
        if mention.lat is None or mention.lon is None:
            return
        key = place_key(mention)
        summary = self._places.get(key)
        if summary is None:
            summary = self._places[key] = PlaceSummary(
                place_id=key,
                name_ar=mention.name_ar,
                name_en=mention.name_en,
                feature=mention.feature,
                lat=mention.lat,
                lon=mention.lon,
                country=mention.country,
                precision=mention.precision,
                confidence=mention.confidence,
                approximate=mention.status == "unresolved",
                uncertainty_km=mention.uncertainty_km,
            )
        new_document = mention.doc not in summary.docs
        summary.roles[mention.role] += 1
        summary.docs[mention.doc] += 1
        if mention.date:
            summary.by_date[mention.date[:10], mention.role] += 1
        summary.precision = min(summary.precision, mention.precision)
        summary.confidence = max(summary.confidence, mention.confidence)
        if mention.uncertainty_km is not None:
            summary.uncertainty_km = max(summary.uncertainty_km or 0.0, mention.uncertainty_km)
        chosen = self._firsts.setdefault(key, []) if new_document else self._extras.setdefault(key, [])
        if len(chosen) < MAX_EXAMPLES:
            example = Example(
                mention.doc,
                mention.sentence,
                mention.sentence_start,
                mention.sentence_end,
                mention.role,
                mention.cue,
            )
            chosen.append((sequence, example))

    def places(self) -> list[PlaceSummary]:
        """One :class:`PlaceSummary` per place, most mentioned first (see :func:`summarise`)."""
        for key, summary in self._places.items():
            picked = self._firsts.get(key, [])
            picked = picked + self._extras.get(key, [])[: MAX_EXAMPLES - len(picked)]
            summary.examples = [example for _, example in sorted(picked, key=lambda item: item[0])]
        return sorted(self._places.values(), key=lambda p: (-p.count, p.place_id))


def summarise(mentions: Iterable[Mention]) -> list[PlaceSummary]:
    """One :class:`PlaceSummary` per place, most mentioned first. Mentions without coordinates are
    left out (they cannot be drawn); a name the gazetteer lacks but placed at its container is one
    place per (container, name), marked ``approximate``, with an id starting ``approx:``.

    A place's examples (what its popup quotes) are one sentence per document first, then further
    sentences while there is room, in reading order: a place named eight times in its first report
    would otherwise quote only that report, however many others name it.
    """
    tally = MentionTally()
    for mention in mentions:
        tally.add(mention)
    return tally.places()


def document_summary(mentions: Iterable[Mention]) -> dict[str, dict]:
    """Per document: place id -> count, the roles seen, and the sentences that name places."""
    result: dict[str, dict] = {}
    for mention in mentions:
        doc = result.setdefault(mention.doc, {"places": Counter(), "roles": Counter(), "sentences": []})
        doc["places"][mention.place_id] += 1
        doc["roles"][mention.role] += 1
        if mention.sentence and mention.sentence not in doc["sentences"]:
            doc["sentences"].append(mention.sentence)
    return result


__all__ = ["ROLES", "Example", "MentionTally", "PlaceSummary", "document_summary", "place_key", "summarise"]
