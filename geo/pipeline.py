"""The pipeline in one place: text -> folded text -> matches -> resolved places -> roles -> mentions.

:class:`Geoparser` holds what is built once (gazetteer, word lists, automaton); :func:`extract` uses a
shared default one. Files are read in chunks of whole lines, so a 50 MB file runs in bounded memory;
resolution context (rule 5 of :mod:`geo.resolve`) is then per chunk (:data:`geo.corpus.CHUNK_CHARS`).
"""

from __future__ import annotations

import math
import os
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import TYPE_CHECKING

from geo.arabic import char_table, normalise, positions_of
from geo.corpus import read_chunks
from geo.discover import approximate_resolution, discover
from geo.facts import FactsTable
from geo.lexicon import Lexicon
from geo.model import Entry, Mention
from geo.places import Places
from geo.recognize import Match, PlaceIndex, mask_names, scan_text
from geo.resolve import Resolution, Resolver
from geo.roles import RoleDecision, assign_roles

if TYPE_CHECKING:
    from geo.records import FindingsEncoder

#: A run of these ends a sentence.
SENTENCE_END = ".!?؟\n"
_SENTENCE_TABLE = char_table(SENTENCE_END)
#: Popups show at most this many characters of a sentence on each side of the mention.
SENTENCE_CONTEXT = 160
#: Marks where a long sentence was cut for a popup.
ELLIPSIS = "…"


@dataclass
class Geoparser:
    """Everything built once (gazetteer, word lists, automaton); :meth:`extract` per text."""

    gazetteer: Places
    lexicon: Lexicon = field(default_factory=Lexicon.load)
    #: Also report names the gazetteer lacks (after حي، قرية ... or before a container phrase).
    discover: bool = True
    index: PlaceIndex | None = None

    def __post_init__(self) -> None:
        if self.index is None:
            self.index = PlaceIndex.build(self.gazetteer, self.lexicon.not_places)
        self.resolver = Resolver(self.gazetteer, self.lexicon)
        #: Per entry, what its mentions report beyond it (geo.facts), worked out once.
        self.facts = self.gazetteer.facts_table()

    @classmethod
    def load(
        cls, gazetteer_paths: Iterable[str | os.PathLike] = (), *, world: bool | None = None, cache: bool = True,
        geocoder: bool = True,
    ) -> Geoparser:
        """The bundled gazetteer, ``$GEO_GAZETTEER`` and ``gazetteer_paths``, plus the world layer
        (GeoNames places with Arabic names) unless ``world=False`` or ``$GEO_NO_WORLD`` is set; the
        compiled index comes from the on-disk cache when it is fresh. With ``geocoder=False`` the
        parser's gazetteer is its entries alone (:class:`~geo.places.Places`, no geopy face): what a
        process that only extracts needs, without importing geopy."""
        from geo.compiled import load_compiled
        from geo.gazetteer_files import bundled_files, expand_paths, require_readable, user_files_from_environment

        require_readable(bundled_files() + user_files_from_environment() + expand_paths(gazetteer_paths))
        if world is None:
            world = not os.environ.get("GEO_NO_WORLD")
        gazetteer, lexicon, index = load_compiled(gazetteer_paths, world=world, use_cache=cache, geocoder=geocoder)
        return cls(gazetteer, lexicon, index=index)

    def extract(self, text: str, doc: str = "", offset: int = 0) -> list[Mention]:
        """Every place mention in ``text``. ``offset`` is added to the spans (for chunks of a file)."""
        findings = self.analyse(text)
        return self.mentions(findings, doc, offset) if findings is not None else []

    def analyse(self, text: str) -> Findings | None:
        """What the stages find in ``text`` (None when it names no place): what :meth:`extract` makes
        Mentions of, and a worker process encodes as output rows directly (:mod:`geo.records`)."""
        if not text:
            return None
        norm = normalise(text, boundaries=True)
        scan = scan_text(norm)
        matches = self.index.find(norm, scan)
        source = text if norm.offsets is not None else None
        resolutions = self.resolver.resolve(matches, norm.text, scan, source) if matches else []
        # Not ``None in resolutions``: that calls Resolution.__eq__ (Python code) on every item.
        # A Resolution is always true (no __bool__ or __len__), so filter(None, ...) keeps exactly them.
        kept_resolutions = list(filter(None, resolutions))
        if len(kept_resolutions) != len(resolutions):
            matches = [m for m, r in zip(matches, resolutions, strict=True) if r is not None]
            resolutions = kept_resolutions
        masked = mask_names(matches, scan)
        if self.discover:
            unknowns = discover(matches, resolutions, norm.text, scan, norm.span, self.lexicon, masked)
            if unknowns:
                placed = [(u.match, approximate_resolution(u)) for u in unknowns]
                merged = sorted([*zip(matches, resolutions, strict=True), *placed], key=lambda pair: pair[0].norm_start)
                matches = [pair[0] for pair in merged]
                resolutions = [pair[1] for pair in merged]
                masked = mask_names(matches, scan)
        if not matches:
            return None
        roles = assign_roles(matches, [r.entry for r in resolutions], norm.text, scan, self.lexicon, masked)
        return Findings(text, matches, resolutions, roles)

    @cached_property
    def encoder(self) -> FindingsEncoder:
        """Writes findings as JSONL or CSV rows without making Mentions (a worker's output)."""
        from geo.records import FindingsEncoder

        return FindingsEncoder(self.facts)

    def mentions(self, findings: Findings, doc: str = "", offset: int = 0) -> list[Mention]:
        """The :class:`Mention` of each name :meth:`analyse` found."""
        return mentions_of(findings, self.facts, doc, offset)

    def iter_file(
        self, path: str | os.PathLike, doc: str | None = None, encoding: str = "utf-8"
    ) -> Iterator[Mention]:
        """Mentions of one text file, chunk by chunk, so a 50 MB file runs in bounded memory.

        A file is first decoded once without keeping it, so an encoding error raises
        :class:`InputError` (naming the file) before any mention is produced; standard input
        cannot be read twice and is checked as it streams. Offsets count characters of the decoded
        text, a leading BOM not counted.
        """
        name = str(path) if doc is None else doc
        if str(path) != "-":
            for _ in read_chunks(path, encoding=encoding, name=name):
                pass
        for offset, chunk in read_chunks(path, encoding=encoding, name=name):
            yield from self.extract(chunk, name, offset)

    def extract_file(self, path: str | os.PathLike, doc: str | None = None, encoding: str = "utf-8") -> list[Mention]:
        """Every mention of one text file; :class:`InputError` (naming the file) when it cannot be read."""
        return list(self.iter_file(path, doc, encoding))


def mentions_of(findings: Findings, facts: FactsTable, doc: str = "", offset: int = 0) -> list[Mention]:
    """The :class:`Mention` of each name in ``findings``; ``facts`` is the parser's table of what an
    entry's mentions report about it (:mod:`geo.facts`)."""
    text = findings.text
    sentences = SentenceFinder(text)
    breaks, whole = sentences.breaks, sentences.whole
    mentions = []
    append = mentions.append
    for match, resolution, role in zip(findings.matches, findings.resolutions, findings.roles, strict=True):
        entry = resolution.entry
        start, end = match.start, match.end
        # SentenceFinder.around, its common case inlined: the whole sentence, already stripped.
        known = whole.get(bisect_right(breaks, start))
        if known is not None and start - SENTENCE_CONTEXT <= known[0] and end <= known[1] <= end + SENTENCE_CONTEXT:
            sentence, sentence_start = known[2], start - known[3]
        else:
            sentence, sentence_start = sentences.around(start, end)
        surface = text[start:end]
        place_id = entry.id
        if place_id:
            lat, lon, name_ar, status, container = entry.lat, entry.lon, entry.name_ar, "resolved", ""
        else:
            lat, lon, name_ar, status, container = unresolved_fields(entry, surface)
        # Per entry, not per text (geo.facts): for a name placed at its container, the container's.
        uncertainty, near, least_precision, a1, a1p, a2, a2p, a3, a3p = facts[place_id or container]
        if resolution.near:
            uncertainty = near
        precision = resolution.precision
        if precision < least_precision:
            precision = least_precision
        # Positional, in Mention's field order: with 22 keywords, building a Mention cost more
        # than finding, resolving and classifying it.
        append(
            Mention(
                start + offset, end + offset, surface, place_id, name_ar, entry.name_en, entry.feature,
                lat, lon, entry.country, role.role, role.cue, resolution.confidence, precision,
                resolution.reason + "; metonymy" if role.metonymy else resolution.reason, status, doc,
                sentence, sentence_start, match.clitic, match.ids, container,
                "", "", "", "", role.event, uncertainty, a1, a1p, a2, a2p, a3, a3p,
            )
        )  # fmt: skip
    return mentions


@dataclass(slots=True)
class Findings:
    """What the stages found in one text, name by name in text order: the match, its resolution and
    its role. Plain lists, shared by whatever turns them into output (Mentions, or JSONL rows)."""

    text: str
    matches: list[Match]
    resolutions: list[Resolution]
    roles: list[RoleDecision]


def unresolved_fields(entry: Entry, surface: str) -> tuple[float | None, float | None, str, str, str]:
    """(lat, lon, name_ar, status, container) of a name the gazetteer lacks (``entry`` is its
    pseudo-entry): placed at its container, if it has one; its Arabic name is the text's."""
    if math.isnan(entry.lat):
        return None, None, surface, "unresolved", entry.parent
    return entry.lat, entry.lon, surface, "unresolved", entry.parent


class SentenceFinder:
    """The sentence around a span, trimmed to a readable window."""

    def __init__(self, text: str) -> None:
        self.text = text
        # Just past each run of sentence-ending characters (NumPy: a regular expression's finditer
        # cost as much as the rest of the sentence work).
        marks = positions_of(text, _SENTENCE_TABLE).tolist()
        # Just past the last mark of each run: a mark whose successor is not the next character.
        self.breaks = [p + 1 for p, following in zip(marks, [*marks[1:], -1][: len(marks)], strict=True)
                       if following != p + 1]
        #: Sentence number -> (its start, its end, the stripped sentence, where that starts): the
        #: answer for every mention the whole sentence fits around, which is most of them.
        self.whole: dict[int, tuple[int, int, str, int]] = {}

    def around(self, start: int, end: int) -> tuple[str, int]:
        """The sentence holding ``text[start:end]`` and the mention's offset inside it."""
        position = bisect_right(self.breaks, start)
        whole = self.whole.get(position)
        if whole is not None:
            sentence_start, sentence_end, sentence, stripped_start = whole
        else:
            sentence_start = self.breaks[position - 1] if position > 0 else 0
            sentence_end = self.breaks[position] if position < len(self.breaks) else len(self.text)
            raw = self.text[sentence_start:sentence_end]
            stripped = raw.lstrip(" \t\r\n,،;؛-")
            sentence, stripped_start = stripped.rstrip(), sentence_start + len(raw) - len(stripped)
            self.whole[position] = (sentence_start, sentence_end, sentence, stripped_start)
        if start - SENTENCE_CONTEXT <= sentence_start and end <= sentence_end <= end + SENTENCE_CONTEXT:
            return sentence, start - stripped_start
        # A long sentence: a window of it around the mention, cut between words and marked with an
        # ellipsis where it was cut (a popup showing "…ومصادر طبية مح" reads as a typo).
        text = self.text
        cut_left = sentence_start < start - SENTENCE_CONTEXT
        cut_right = max(sentence_end, end) > end + SENTENCE_CONTEXT
        if cut_left:
            sentence_start = start - SENTENCE_CONTEXT
            space = text.find(" ", sentence_start, start)
            sentence_start = space + 1 if space != -1 else sentence_start
        if cut_right:
            sentence_end = end + SENTENCE_CONTEXT
            space = text.rfind(" ", end, sentence_end)
            sentence_end = space if space != -1 else sentence_end
        else:
            sentence_end = max(sentence_end, end)
        raw = text[sentence_start:sentence_end]
        stripped = raw.lstrip(" \t\r\n,،;؛-")
        sentence_start += len(raw) - len(stripped)
        window = stripped.rstrip()
        if cut_left:
            window, sentence_start = ELLIPSIS + window, sentence_start - len(ELLIPSIS)
        return window + (ELLIPSIS if cut_right else ""), start - sentence_start


@cache
def default_geoparser() -> Geoparser:
    """The shared parser over the bundled gazetteer plus ``GEO_GAZETTEER`` files (built once)."""
    return Geoparser.load()


def extract(text: str, doc: str = "") -> list[Mention]:
    """Every place mention in an Arabic text, resolved and with its role."""
    return default_geoparser().extract(text, doc)
