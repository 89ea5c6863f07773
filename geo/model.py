"""Plain data classes passed between the pipeline's stages.

text --> :class:`Mention` (recognised span) --> resolved :class:`Mention` (place, confidence,
precision, reason) --> role and cue --> table and maps. Each stage returns new values rather than
mutating old ones, so a stage can be tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

#: The gazetteer's feature classes, most general first; the order is also the resolver's prior.
FEATURES = (
    "continent",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "region",
    "city",
    "town",
    "district",
    "neighbourhood",
    "village",
    "landmark",
)

#: Column order of every gazetteer CSV file. The last four say how good the point is and where the
#: entry sits in the OCHA administrative units (see :mod:`geo.coordinates` and the gazetteer README).
COLUMNS = (
    "id",
    "name_ar",
    "variants_ar",
    "name_en",
    "variants_en",
    "feature",
    "lat",
    "lon",
    "parent",
    "country",
    "population",
    "capital",
    "source",
    "coord_method",
    "uncertainty_km",
    "pcode",
    "admin_pcode",
)

ROLES = ("conflict", "diplomatic", "other")


@dataclass(frozen=True, slots=True)
class Entry:
    """One gazetteer entry (one CSV row)."""

    id: str
    name_ar: str
    name_en: str
    feature: str
    lat: float
    lon: float
    parent: str = ""
    country: str = ""
    variants_ar: tuple[str, ...] = ()
    variants_en: tuple[str, ...] = ()
    population: int | None = None
    capital: bool = False
    source: str = ""
    #: How the point was obtained: ``measured``, ``reference`` (named in ``source``) or ``approximate``.
    coord_method: str = ""
    #: How far (km) the place may lie from the point: the point's error plus the place's extent.
    uncertainty_km: float | None = None
    #: The entry's own OCHA P-code, for an administrative unit (``SY02``, ``SY0200``, ``SY020000``).
    pcode: str = ""
    #: The P-code of the smallest OCHA unit the place lies in, where its parent chain does not reach
    #: one (a town placed directly under its governorate); see ``gazetteer/tools/import_opensyria.py``.
    admin_pcode: str = ""
    #: Where the entry was read from (``file:line``); empty for an entry built in code.
    origin: str = field(default="", compare=False)

    @property
    def names(self) -> tuple[str, ...]:
        """Every spelling, Arabic then English."""
        return (self.name_ar, *self.variants_ar, self.name_en, *self.variants_en)

    def to_row(self) -> dict[str, str]:
        """The CSV row, with numbers written the way the files hold them."""
        return {
            "id": self.id,
            "name_ar": self.name_ar,
            "variants_ar": "|".join(self.variants_ar),
            "name_en": self.name_en,
            "variants_en": "|".join(self.variants_en),
            "feature": self.feature,
            "lat": _coordinate(self.lat),
            "lon": _coordinate(self.lon),
            "parent": self.parent,
            "country": self.country,
            "population": "" if self.population is None else str(self.population),
            "capital": "1" if self.capital else "",
            "source": self.source,
            "coord_method": self.coord_method,
            "uncertainty_km": "" if self.uncertainty_km is None else _number(self.uncertainty_km),
            "pcode": self.pcode,
            "admin_pcode": self.admin_pcode,
        }


def _number(value: float) -> str:
    return f"{value:g}"


def _coordinate(value: float) -> str:
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(slots=True)
class Mention:
    """A place mention: where it stands in the text and, once resolved, what it refers to.

    ``start``/``end`` are Python ``str`` offsets into the document text; ``surface == text[start:end]``
    always holds. Fields after ``surface`` stay empty until the resolver and role stages fill them.
    """

    start: int
    end: int
    surface: str
    place_id: str = ""
    name_ar: str = ""
    name_en: str = ""
    feature: str = ""
    lat: float | None = None
    lon: float | None = None
    country: str = ""
    role: str = "other"
    cue: str = ""
    confidence: float = 0.0
    precision: int = 3
    reason: str = ""
    #: ``resolved`` (a gazetteer entry) or ``unresolved`` (a name the gazetteer lacks; placed at its
    #: container when the phrase names one, else without coordinates).
    status: str = "resolved"
    doc: str = ""
    sentence: str = ""
    #: Offsets of the mention inside ``sentence``, for highlighting it in a popup.
    sentence_start: int = 0
    #: The clitic letters in front of the name in the text (``ب`` in بباريس); not part of the span.
    clitic: str = ""
    #: Every gazetteer id the surface could mean, best first (the chosen one is ``place_id``).
    candidates: tuple[str, ...] = ()
    #: For an unresolved name: the id of the known container it was placed at.
    container: str = ""
    #: The document's metadata (see :class:`geo.corpus.Document`), empty for a plain text file:
    #: ISO 8601 date (``2016-12-01`` or a full timestamp), headline, link and publisher.
    date: str = ""
    title: str = ""
    url: str = ""
    source: str = ""
    #: For a conflict mention: the kind of event its cue names, on ACLED's sub-event vocabulary where
    #: it maps (``air/drone strike``, ``shelling/artillery/missile attack``, ``armed clash`` ...).
    event: str = ""
    #: How far (km) the reported point may be from the place: from the entry's coordinate method, an
    #: admin unit's area, or, for a name placed at its container, the container's.
    uncertainty_km: float | None = None
    #: OCHA administrative chain (governorate, district, sub-district) and P-codes, where known.
    admin1: str = ""
    admin1_pcode: str = ""
    admin2: str = ""
    admin2_pcode: str = ""
    admin3: str = ""
    admin3_pcode: str = ""

    def as_record(self) -> dict:
        """The JSON/CSV record of the output contract (every field but the three internal ones).

        Built field by field: ``dataclasses.asdict`` deep-copies and costs as much as finding the
        mention did, which made writing the output the bottleneck of a many-core run.
        """
        from geo.coordinates import reported

        return reported({name: getattr(self, name) for name in _RECORD_FIELDS})

    @property
    def sentence_end(self) -> int:
        return self.sentence_start + (self.end - self.start)


_RECORD_FIELDS = tuple(f.name for f in fields(Mention) if f.name not in ("candidates", "clitic", "sentence_start"))
