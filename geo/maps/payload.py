"""The places of a map as one compact data array, drawn in the browser by ``templates/runtime.js``.

One Python object per marker costs about 1 KB of page per point (FIELD_NOTES); here a place is one
row of a JSON array, and document names, sentences and parent chains are stored once and referred to
by index. Popups are built from these rows in the browser with DOM text nodes, so no document text is
ever parsed as HTML.

Row layout (``PLACE_FIELDS``)::

    [id, name_ar, name_en, feature, lat, lon, precision, approximate, [conflict, diplomatic, other],
     chain, docs, [[doc, sentence, start, end, role], ...], uncertainty_km]

``approximate`` is 1 for a name the gazetteer lacks, placed at its container, 2 for an entry whose
point was placed by hand (``coord_method`` approximate), else 0; ``uncertainty_km`` (or null) is how
far the place may lie from the point.

``chain`` indexes ``chains`` (-1: none); ``start``/``end`` are UTF-16 offsets (what JavaScript's
``String.slice`` counts) of the highlighted name in the sentence.

``doc_info[i]`` is ``[title, url, date]`` of document ``docs[i]`` (empty strings for a text file; a
URL that is not http or https is dropped, so a popup never links to ``javascript:``). When documents
are dated, ``timeline`` is ``{"window": days, "events": [[place row, "YYYY-MM-DD", role, count], ...]}``
and drives the time slider (see :func:`time_window`); otherwise it is null.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath
from urllib.parse import urlsplit

from geo.maps.reference import feature_rank, reference_rows
from geo.model import ROLES, Entry, Mention
from geo.places import Places
from geo.summary import MentionTally, PlaceSummary

PLACE_FIELDS = (
    "id", "name_ar", "name_en", "feature", "lat", "lon", "precision", "approximate", "counts", "chain",
    "docs", "examples", "uncertainty_km", "source", "rank",
)
#: How far (km) a point may be from what it stands for, when no mention says (``uncertainty_km`` is
#: empty): about the radius of the place's kind. A name drawn at its container takes the container's.
ESTIMATED_KM = {"continent": 2000.0, "country": 150.0, "admin1": 40.0, "region": 30.0, "city": 6.0, "town": 2.5,
                "district": 2.0, "neighbourhood": 0.8, "village": 1.5, "landmark": 0.3}
#: Features that anchor a "zoom to" button: the districts of a city are grouped under the city.
ANCHOR_FEATURES = ("city", "town")
#: At most this many "zoom to" buttons besides the one showing everything.
MAX_TARGETS = 4
COORDINATE_DIGITS = 5
APPROXIMATE_PREFIX = "approx:"
#: The time slider aims at about this many windows over the whole period (a window is at least a day).
TIME_WINDOWS = 30

Bounds = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True, slots=True)
class ZoomTarget:
    """A button that fits the view to a group of places (a city and its districts)."""

    name_ar: str
    name_en: str
    bounds: Bounds

    def as_json(self) -> dict:
        return {"name_ar": self.name_ar, "name_en": self.name_en, "bounds": self.bounds}


@dataclass
class MapData:
    """What the browser needs to draw the places: rows plus the shared tables they point into."""

    places: list[PlaceSummary]
    rows: list[list] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)
    doc_info: list[list[str]] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    chains: list[tuple[str, str]] = field(default_factory=list)
    #: The ``source`` column of the gazetteer entries the points come from, stored once each.
    sources: list[str] = field(default_factory=list)
    #: Names of nearby gazetteer places no article named (see :mod:`geo.maps.reference`).
    reference: list[list] = field(default_factory=list)
    targets: list[ZoomTarget] = field(default_factory=list)
    #: ``{"window": days, "events": [...]}`` when documents are dated, else None.
    timeline: dict | None = None

    @property
    def bounds(self) -> Bounds | None:
        return bounds_of(self.places)

    @property
    def mention_count(self) -> int:
        return sum(place.count for place in self.places)

    def role_counts(self) -> dict[str, tuple[int, int]]:
        """Role -> (places, mentions)."""
        return {
            role: (sum(1 for p in self.places if p.roles[role]), sum(p.roles[role] for p in self.places))
            for role in ROLES
        }

    def as_json(self) -> dict:
        return {
            "fields": PLACE_FIELDS,
            "roles": ROLES,
            "places": self.rows,
            "docs": self.docs,
            "doc_info": self.doc_info,
            "sentences": self.sentences,
            "chains": self.chains,
            "sources": self.sources,
            "reference": self.reference,
            "timeline": self.timeline,
        }


def bounds_of(places: Sequence[PlaceSummary]) -> Bounds | None:
    if not places:
        return None
    lats = [p.lat for p in places]
    lons = [p.lon for p in places]
    return ((min(lats), min(lons)), (max(lats), max(lons)))


def parents_of(place: PlaceSummary, gazetteer: Places | None) -> list[Entry]:
    """The place's parent chain, nearest first. An approximate place (a name the gazetteer lacks,
    drawn at its container; :func:`geo.summary.summarise` gives it the id ``approx:CONTAINER:NAME``)
    is inside its container."""
    if gazetteer is None:
        return []
    if container_id(place):
        container = gazetteer.get(container_id(place))
        return [container, *gazetteer.ancestors(container.id)] if container is not None else []
    return gazetteer.ancestors(place.place_id)


def approximate_kind(place: PlaceSummary, gazetteer: Places | None) -> int:
    """1: a name placed at its container; 2: an entry whose point was placed by hand; 0: neither."""
    if place.approximate:
        return 1
    entry = gazetteer.get(place.place_id) if gazetteer is not None else None
    return 2 if entry is not None and entry.coord_method == "approximate" else 0


def container_id(place: PlaceSummary) -> str:
    """The gazetteer id of the container an approximate place is drawn at (``approx:CONTAINER:NAME``)."""
    if place.approximate and place.place_id.startswith(APPROXIMATE_PREFIX):
        return place.place_id[len(APPROXIMATE_PREFIX):].split(":", 1)[0]
    return ""


def uncertainty_of(place: PlaceSummary, gazetteer: Places | None) -> float:
    """Kilometres the point may be off: the mentions' ``uncertainty_km`` when one gives it, else an
    estimate from what the point is (0 for a place itself, precision 1)."""
    if place.uncertainty_km is not None:
        return round(place.uncertainty_km, 2)
    if place.approximate:
        container = gazetteer.get(container_id(place)) if gazetteer is not None else None
        return ESTIMATED_KM.get(container.feature if container else "city", 6.0)
    if place.precision <= 1:
        return 0
    return ESTIMATED_KM.get(place.feature, 6.0)


def coordinate_source(place: PlaceSummary, gazetteer: Places | None) -> str:
    """Where the point comes from: the gazetteer entry's ``source`` (the container's, for a name
    drawn at its container)."""
    if gazetteer is None:
        return ""
    entry = gazetteer.get(container_id(place) or place.place_id)
    return entry.source if entry is not None else ""


def document_name(doc: str) -> str:
    """The file name of a document path: a published map should not show the author's folders."""
    return (PurePath(doc).name or doc) if doc else ""


def link_url(url: str) -> str:
    """``url`` if a popup may link to it (http or https with a host), else ``""``."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


def time_window(first: str, last: str) -> int:
    """Days a dated mention stays on the map as the slider moves: one day for a month of news, about
    a thirtieth of the period for longer ones, so that playing the slider never skips a document."""
    days = (date.fromisoformat(last) - date.fromisoformat(first)).days + 1
    return max(1, -(-days // TIME_WINDOWS))


def utf16_offset(text: str, index: int) -> int:
    prefix = text[: max(0, min(index, len(text)))]
    return len(prefix.encode("utf-16-le")) // 2


class _Table:
    """Values stored once, referred to by index."""

    def __init__(self, values: list) -> None:
        self.values = values
        self.index: dict = {}

    def __call__(self, value) -> int:
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.values)
            self.values.append(value)
        return found


def build_map_data(mentions: Sequence[Mention] | MentionTally, gazetteer: Places | None) -> MapData:
    """Summarise ``mentions`` per place (or take the places of a tally made as they streamed) and lay
    them out for the browser."""
    tally = mentions if isinstance(mentions, MentionTally) else None
    if tally is None:
        tally = MentionTally()
        for mention in mentions:
            tally.add(mention)
    places = tally.places()
    data = MapData(places)
    info = {doc: (title, link_url(url), day) for doc, (title, url, day) in tally.doc_info.items()}
    documents: list[tuple[str, str, str, str]] = []
    doc_index = _Table(documents)
    doc_refs: dict[str, int] = {}

    def doc_ref(doc: str) -> int:
        # File names are worked out once a document, not once a mention (pathlib is slow).
        if doc not in doc_refs:
            doc_refs[doc] = doc_index((document_name(doc), *info.get(doc, ("", "", ""))))
        return doc_refs[doc]

    sentence_index = _Table(data.sentences)
    chain_index = _Table(data.chains)
    source_index = _Table(data.sources)
    role_index = {role: i for i, role in enumerate(ROLES)}
    for place in places:
        ancestors = parents_of(place, gazetteer)
        chain = -1
        if ancestors:
            chain = chain_index(("، ".join(a.name_ar for a in ancestors), ", ".join(a.name_en for a in ancestors)))
        examples = [
            [
                doc_ref(example.doc),
                sentence_index(example.sentence),
                utf16_offset(example.sentence, example.start),
                utf16_offset(example.sentence, example.end),
                role_index.get(example.role, len(ROLES) - 1),
            ]
            for example in place.examples
        ]
        data.rows.append([
            place.place_id,
            place.name_ar,
            place.name_en,
            place.feature,
            round(place.lat, COORDINATE_DIGITS),
            round(place.lon, COORDINATE_DIGITS),
            place.precision,
            approximate_kind(place, gazetteer),
            [place.roles[role] for role in ROLES],
            chain,
            len(place.docs),
            examples,
            uncertainty_of(place, gazetteer),
            source_index(source) if (source := coordinate_source(place, gazetteer)) else -1,
            feature_rank(place.feature),
        ])
    data.chains[:] = [list(pair) for pair in data.chains]
    data.docs[:] = [name for name, *_ in documents]
    data.doc_info[:] = [list(rest) for _, *rest in documents]
    data.reference = reference_rows(places, gazetteer, {p.place_id: container_id(p) for p in places if p.approximate})
    data.timeline = timeline_of(places)
    data.targets = zoom_targets(places, gazetteer)
    return data


def timeline_of(places: Sequence[PlaceSummary]) -> dict | None:
    """The time slider's events: per place (row index), day and role, the number of mentions."""
    events = [
        [row, day, ROLES.index(role) if role in ROLES else len(ROLES) - 1, count]
        for row, place in enumerate(places)
        for (day, role), count in sorted(place.by_date.items())
        if _is_day(day)
    ]
    if not events:
        return None
    days = sorted({event[1] for event in events})
    return {"window": time_window(days[0], days[-1]), "first": days[0], "last": days[-1], "events": events}


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def zoom_targets(places: Sequence[PlaceSummary], gazetteer: Places | None) -> list[ZoomTarget]:
    """Groups of nearby places worth a button of their own: a city with some of its districts, when
    the whole map is so much larger that they would sit on one pixel (world venues and Aleppo
    neighbourhoods on one map)."""
    if gazetteer is None or len(places) < 2:
        return []
    groups: dict[str, list[PlaceSummary]] = {}
    anchors: dict[str, Entry] = {}
    for place in places:
        entry = gazetteer.get(place.place_id)
        for candidate in ([entry] if entry is not None else []) + parents_of(place, gazetteer):
            if candidate.feature in ANCHOR_FEATURES:
                groups.setdefault(candidate.id, []).append(place)
                anchors[candidate.id] = candidate
                break
    whole = span(bounds_of(places))
    targets = []
    for anchor_id, members in sorted(groups.items(), key=lambda item: -sum(p.count for p in item[1])):
        distinct = {(p.lat, p.lon) for p in members}
        bounds = bounds_of(members)
        if len(distinct) < 2 or bounds is None or span(bounds) * 20 > whole:
            continue
        anchor = anchors[anchor_id]
        targets.append(ZoomTarget(anchor.name_ar, anchor.name_en, bounds))
        if len(targets) == MAX_TARGETS:
            break
    return targets


def span(bounds: Bounds | None) -> float:
    if bounds is None:
        return 0.0
    (south, west), (north, east) = bounds
    return math.hypot(north - south, east - west)
