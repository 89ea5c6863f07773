"""The gazetteer's entries in memory, with the indexes the pipeline looks them up by: names, parents,
admin chains, and what a mention of each reports (:mod:`geo.facts`).

Apart from :class:`geo.gazetteer.Gazetteer`, which adds reading and writing the files and the geopy
geocoder face, so that a process that only extracts (a pool's worker, which loads its entries from
the compiled index) does not import geopy: its package pulls in every online geocoder and an HTTP
stack, a fifth of a worker's memory and a tenth of a second of its start.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from geo.admin import EMPTY_CHAIN, AdminChain, admin_chains
from geo.arabic import name_key
from geo.clitics import key_forms
from geo.errors import GazetteerError
from geo.facts import NO_FACTS, FactsTable, facts_of
from geo.model import FEATURES, Entry


class Places:
    """All gazetteer entries with a name index, a parent index and their admin chains."""

    def __init__(self, entries: Iterable[Entry] = (), files: Iterable[Path] = ()) -> None:
        self.files = list(files)
        self._entries: dict[str, Entry] = {}
        self._by_key: dict[str, list[str]] = defaultdict(list)
        self._children: dict[str, list[str]] = defaultdict(list)
        #: (id, the user's origin, the bundled origin) of each bundled entry a user's file replaced.
        self.overrides: list[tuple[str, str, str]] = []
        #: Admin chains (entries with one), and each looked-up entry's output facts: see geo.facts.
        self._chains: dict[str, AdminChain] | None = None
        self._facts: dict[str, tuple] = {}
        for entry in entries:
            self._insert(entry)

    def to_state(self) -> dict:
        """Plain data to pickle (the geopy adapter is not part of it)."""
        return {
            "files": [str(f) for f in self.files],
            # Tuples of field values load several times faster than pickled frozen dataclasses.
            "entries": [dataclasses.astuple(entry) for entry in self._entries.values()],
            "by_key": dict(self._by_key),
            "children": dict(self._children),
            "chains": {place_id: chain.as_tuple() for place_id, chain in self.admin_chains().items()},
            "overrides": list(self.overrides),
        }

    @classmethod
    def from_state(cls, state: dict) -> Places:
        gazetteer = cls(files=[Path(f) for f in state["files"]])
        gazetteer._entries = {values[0]: Entry(*values) for values in state["entries"]}
        gazetteer._by_key = defaultdict(list, state["by_key"])
        gazetteer._children = defaultdict(list, state["children"])
        gazetteer._chains = {place_id: AdminChain(*values) for place_id, values in state["chains"].items()}
        gazetteer.overrides = [tuple(item) for item in state["overrides"]]
        return gazetteer

    def insert(self, entry: Entry, english: bool = True) -> None:
        """Add an entry in memory only (the world layer; ``add`` is the one that writes files).
        ``english=False`` indexes its Arabic names only."""
        if entry.id in self._entries:
            raise GazetteerError(f"id {entry.id!r} is already used at {self._entries[entry.id].origin}", entry.origin)
        self._insert(entry, english)

    def _insert(self, entry: Entry, english: bool = True) -> None:
        self._entries[entry.id] = entry
        self._chains = None
        self._facts.clear()
        names = entry.names if english else (entry.name_ar, *entry.variants_ar)
        for name in names:
            key = name_key(name)
            if key and entry.id not in self._by_key[key]:
                self._by_key[key].append(entry.id)
        if entry.parent:
            self._children[entry.parent].append(entry.id)

    # -- reading -----------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries.values())

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._entries

    def __getitem__(self, place_id: str) -> Entry:
        return self._entries[place_id]

    def get(self, place_id: str) -> Entry | None:
        return self._entries.get(place_id)

    def names(self) -> dict[str, list[str]]:
        """Normalised name -> ids, for building the recogniser's index."""
        return self._by_key

    def children(self, place_id: str) -> list[Entry]:
        return [self._entries[child] for child in self._children.get(place_id, ())]

    def ancestors(self, place_id: str) -> list[Entry]:
        """Parent, grandparent ... up to the top; stops on a cycle rather than looping."""
        chain: list[Entry] = []
        seen = {place_id}
        entry = self._entries.get(place_id)
        while entry is not None and entry.parent and entry.parent not in seen:
            seen.add(entry.parent)
            entry = self._entries.get(entry.parent)
            if entry is not None:
                chain.append(entry)
        return chain

    def admin_chains(self) -> dict[str, AdminChain]:
        """Entry id -> OCHA admin chain, for every entry that has one (see :mod:`geo.admin`); worked
        out once, and kept in the compiled index's cache."""
        if self._chains is None:
            self._chains = admin_chains(self._entries.values(), self._entries)
        return self._chains

    def admin_chain(self, place_id: str) -> AdminChain:
        return self.admin_chains().get(place_id, EMPTY_CHAIN)

    def facts_table(self) -> FactsTable:
        """:meth:`facts` by entry id, for the pipeline to look up without a call per mention."""
        return FactsTable(self.facts)

    def facts(self, place_id: str) -> tuple:
        """What a mention of ``place_id`` reports beyond the entry (:data:`geo.facts.Facts`)."""
        found = self._facts.get(place_id)
        if found is None:
            entry = self._entries.get(place_id)
            if entry is None:
                return NO_FACTS
            found = self._facts[place_id] = facts_of(entry, self.admin_chain(place_id))
        return found

    def lookup(self, name: str) -> list[Entry]:
        """Entries for any spelling of ``name``: Arabic or English, with or without clitics and
        diacritics. The most likely entry comes first (feature rank, then population)."""
        ids: list[str] = []
        for key in key_forms(name_key(name)):
            for place_id in self._by_key.get(key, ()):
                if place_id not in ids:
                    ids.append(place_id)
        return sorted((self._entries[i] for i in ids), key=prior_rank)

    def file_of(self, place_id: str) -> Path | None:
        entry = self._entries.get(place_id)
        if entry is None or not entry.origin:
            return None
        return Path(entry.origin.rsplit(":", 1)[0])

def prior_rank(entry: Entry) -> tuple:
    """Sort key for "most likely first" without context: broader features first (a country before a
    city of the same name), then a national capital (طرابلس alone is Libya's capital more often than
    Lebanon's second city, and the curated rows carry no population to tell), then larger
    population, then id for a stable order."""
    return (
        FEATURES.index(entry.feature) if entry.feature in FEATURES else len(FEATURES),
        not entry.capital,
        -(entry.population or 0),
        entry.id,
    )
