"""The Arabic gazetteer: CSV files under ``gazetteer/``, loaded into one in-memory index.

The gazetteer is also a geopy :class:`~geopy.geocoders.base.Geocoder`, so it composes with geopy tooling
(``RateLimiter``, a chain of geocoders with an online one behind it) and answers ``geocode`` and
``reverse`` from local data without touching the network.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from geopy.adapters import BaseSyncAdapter
from geopy.exc import GeocoderServiceError
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from geo.coordinates import point_quality
from geo.errors import EntryRefused, GazetteerError, OutputError
from geo.gazetteer_files import (  # noqa: F401 - where the rest of geo and users have found them
    ENV_VARIABLE,
    bundled_directory,
    bundled_files,
    expand_paths,
    require_readable,
    user_files_from_environment,
)
from geo.model import COLUMNS, Entry
from geo.places import Places, prior_rank  # noqa: F401 - prior_rank: where others have found it

#: Columns a file must have; the others may be left out of a user's own file.
REQUIRED_COLUMNS = ("id", "name_ar", "name_en", "feature", "lat", "lon", "parent", "country", "source")
#: More digits than any real population (and than ``int()`` reads from text: 4,300) is a mistake.
MAX_POPULATION_DIGITS = 12


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule, located as precisely as the rule allows."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


def parse_row(row: dict[str, str], origin: str) -> Entry:
    """Turn one CSV row into an :class:`Entry`; raise :class:`GazetteerError` naming the field."""

    def text(column: str) -> str:
        return (row.get(column) or "").strip()

    def number(column: str, low: float, high: float) -> float:
        raw = text(column)
        try:
            value = float(raw)
        except ValueError:
            raise GazetteerError(f"{column} {raw!r} is not a number", origin) from None
        if not math.isfinite(value):
            raise GazetteerError(f"{column} {raw!r} is not a finite number", origin)
        if not low <= value <= high:
            raise GazetteerError(f"{column} {raw} is outside [{low:g}, {high:g}]", origin)
        return value

    population_text = text("population")
    population = None
    if population_text:
        if not population_text.isdigit():
            raise GazetteerError(f"population {population_text[:20]!r} is not a whole number", origin)
        if len(population_text) > MAX_POPULATION_DIGITS:
            raise GazetteerError(f"population of {len(population_text)} digits is not a real population", origin)
        population = int(population_text)
    capital_text = text("capital")
    if capital_text not in ("", "0", "1"):
        raise GazetteerError(f"capital {capital_text!r} must be 1 or empty", origin)
    feature, source = text("feature"), text("source")
    # A row that does not say how its point was obtained (a user's file in the older format) gets
    # what its source text implies, as gazetteer/tools/add_columns.py would write it.
    stated = number("uncertainty_km", 0, 20000) if text("uncertainty_km") else None
    method, uncertainty = point_quality(feature, source, text("coord_method"), stated, text("country"))
    return Entry(
        id=text("id"),
        name_ar=text("name_ar"),
        name_en=text("name_en"),
        feature=feature,
        lat=number("lat", -90, 90),
        lon=number("lon", -180, 180),
        parent=text("parent"),
        country=text("country"),
        variants_ar=tuple(v.strip() for v in text("variants_ar").split("|") if v.strip()),
        variants_en=tuple(v.strip() for v in text("variants_en").split("|") if v.strip()),
        population=population,
        capital=capital_text == "1",
        source=source,
        coord_method=method,
        uncertainty_km=uncertainty,
        pcode=text("pcode"),
        admin_pcode=text("admin_pcode"),
        origin=origin,
    )


def read_file(path: Path) -> tuple[list[Entry], list[Problem]]:
    """Every entry of one CSV file, and every row that could not be read (with its line)."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        return [], [Problem(name, 0, f"cannot read: {error.strerror or error}")]
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return [], [Problem(name, line, "not UTF-8 text")]
    if not content.strip():
        return [], [Problem(name, 1, "empty file: expected a header line")]
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    try:
        header = [column.strip() for column in next(reader)]
    except csv.Error as error:
        return [], [Problem(name, 1, f"bad CSV: {error}")]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    unknown = [column for column in header if column not in COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing column(s) " + ", ".join(missing))
        if unknown:
            parts.append("unknown column(s) " + ", ".join(unknown))
        return [], [Problem(name, 1, "wrong header: " + "; ".join(parts))]
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(Problem(name, reader.line_num, f"bad CSV quoting: {error}"))
            break
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(header):
            problems.append(Problem(name, line, f"expected {len(header)} fields, found {len(values)}"))
            continue
        try:
            entries.append(parse_row(dict(zip(header, values, strict=True)), f"{name}:{line}"))
        except GazetteerError as error:
            problems.append(Problem(name, line, str(error).removeprefix(f"{name}:{line}: ")))
    return entries, problems


def render_file(entries: Iterable[Entry]) -> str:
    """The text of a gazetteer file: header, then rows sorted by id (an added row is a one-line diff)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for entry in sorted(entries, key=lambda e: e.id):
        writer.writerow(entry.to_row())
    return buffer.getvalue()


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so that a reader sees the old file or the new one, never a mix
    (:func:`geo.atomic.atomic_output`: a temporary file beside it, flushed, then renamed; a replaced
    file keeps its mode, a new one gets what the umask gives any new file)."""
    from geo.atomic import atomic_output

    with atomic_output(path) as temporary:
        temporary.write_text(text, encoding="utf-8", newline="")


def current_umask() -> int:
    """The process's umask (read by setting and restoring it: POSIX offers no way to only read it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class _NoNetwork(BaseSyncAdapter):
    """The gazetteer's geopy adapter: it answers from its own entries and never opens a connection,
    so it needs no HTTP session or SSL context (building geopy's default one cost a fiftieth of a
    second of every process that loads the gazetteer)."""

    def get_json(self, url, *, timeout, headers):
        raise GeocoderServiceError(f"the gazetteer answers from its own entries; it does not fetch {url}")

    def get_text(self, url, *, timeout, headers):
        raise GeocoderServiceError(f"the gazetteer answers from its own entries; it does not fetch {url}")


class Gazetteer(Places, Geocoder):
    """The gazetteer: its entries (:class:`~geo.places.Places`), read from and written to its CSV
    files, with a geopy geocoder face."""

    def __init__(self, entries: Iterable[Entry] = (), files: Iterable[Path] = ()) -> None:
        Geocoder.__init__(self, timeout=1, adapter_factory=_NoNetwork)
        Places.__init__(self, entries, files)

    # -- loading -----------------------------------------------------------------------------------
    @classmethod
    def load(
        cls,
        paths: Iterable[str | os.PathLike] = (),
        *,
        bundled: bool = True,
        environment: bool = True,
    ) -> Gazetteer:
        """The bundled files, then the user's files (``GEO_GAZETTEER``, then ``paths``).

        A user's entry with the id of a bundled one replaces it (their coordinates, names or parent
        win; :attr:`overrides` lists each, for ``--verbose`` to report). A file that cannot be read, a
        row that breaks a field rule, or one id twice among the bundled files or twice among the
        user's stops the load with a :class:`GazetteerError` naming ``file:line``: a half-loaded
        gazetteer would give silently wrong maps.
        """
        own = bundled_files() if bundled else []
        users = (user_files_from_environment() if environment else []) + expand_paths(paths)
        entries: dict[str, Entry] = {}
        users_ids: set[str] = set()
        overrides: list[tuple[str, str, str]] = []
        for index, path in enumerate([*own, *users]):
            from_user = index >= len(own)
            file_entries, problems = read_file(path)
            if problems:
                raise GazetteerError(problems[0].message, f"{problems[0].file}:{problems[0].line}")
            for entry in file_entries:
                first = entries.get(entry.id)
                if first is not None and not (from_user and entry.id not in users_ids):
                    raise GazetteerError(f"id {entry.id!r} is already used at {first.origin}", entry.origin)
                if first is not None:
                    overrides.append((entry.id, entry.origin, first.origin))
                if from_user:
                    users_ids.add(entry.id)
                entries[entry.id] = entry
        gazetteer = cls(entries.values(), [*own, *users])
        gazetteer.overrides = overrides
        from geo.checks import cycles

        for entry, message in cycles(gazetteer)[:1]:
            # ancestors() would stop on the loop, but parent chains shown on maps would be wrong.
            raise GazetteerError(message, entry.origin)
        return gazetteer

    def validate(self) -> list[Problem]:
        """Every rule of ``geo gazetteer validate`` that the loaded entries break (entries added in
        memory included): an empty list when all hold. File-level rules (row order, CSV syntax)
        need the files themselves: :func:`geo.checks.validate_files`."""
        from geo.checks import entry_problems

        return entry_problems(self)

    # -- geopy -------------------------------------------------------------------------------------
    def geocode(self, query: str, *, exactly_one: bool = True, timeout: float | None = None):
        """geopy's ``geocode`` from local data: a :class:`~geopy.location.Location` or ``None``."""
        found = [self._location(entry) for entry in self.lookup(query)]
        if not found:
            return None
        return found[0] if exactly_one else found

    def reverse(self, query, *, exactly_one: bool = True, timeout: float | None = None, limit: int = 5):
        """The nearest entries to a point (anything geopy's ``Point`` parses)."""
        from geopy.distance import geodesic
        from geopy.point import Point

        point = Point(query)
        ranked = sorted(self._entries.values(), key=lambda e: geodesic(point, (e.lat, e.lon)).km)
        if not ranked:
            return None
        found = [self._location(entry) for entry in ranked[:limit]]
        return found[0] if exactly_one else found

    def _location(self, entry: Entry) -> Location:
        chain = [entry.name_ar] + [a.name_ar for a in self.ancestors(entry.id)]
        raw = entry.to_row() | {"parents": [a.id for a in self.ancestors(entry.id)]}
        return Location("، ".join(chain), (entry.lat, entry.lon), raw)

    # -- writing -----------------------------------------------------------------------------------
    def default_file_for(self, parent: str) -> Path:
        """Where a new entry under ``parent`` goes: the file that already holds most of its siblings,
        else the parent's own file."""
        counts: dict[Path, int] = defaultdict(int)
        for sibling in self._children.get(parent, ()):
            file = self.file_of(sibling)
            if file is not None:
                counts[file] += 1
        if counts:
            return max(counts, key=lambda f: (counts[f], str(f)))
        parent_file = self.file_of(parent)
        if parent_file is None:
            raise EntryRefused(f"unknown parent {parent!r}; give --file", "parent")
        return parent_file

    def add(self, entry: Entry, file: str | os.PathLike | None = None) -> Path:
        """Check ``entry`` against every rule and write it into ``file`` atomically, under a lock.

        The target file is re-read under the lock, so concurrent adds from several processes all land;
        a refused entry leaves every file byte for byte unchanged.
        """
        from filelock import FileLock

        from geo.checks import check_new_entry

        if not entry.coord_method or entry.uncertainty_km is None:
            # An entry built in code that does not say how good its point is: what its source implies.
            method, uncertainty = point_quality(
                entry.feature, entry.source, entry.coord_method, entry.uncertainty_km, entry.country
            )
            entry = replace(entry, coord_method=method, uncertainty_km=uncertainty)
        target = Path(file) if file else self.default_file_for(entry.parent)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(target.parent / ".gazetteer.lock"), timeout=60)
            lock.acquire()
        except OSError as error:
            raise EntryRefused(f"cannot write: {error.strerror or error}; nothing was added", str(target)) from None
        try:
            current: list[Entry] = []
            if target.exists():
                current, problems = read_file(target)
                if problems:
                    raise EntryRefused(f"cannot add to a broken file: {problems[0]}", str(target))
            for existing in current:
                if existing.id not in self._entries:
                    self._insert(existing)
            check_new_entry(entry, self)
            write_atomically(target, render_file([*current, replace(entry, origin="")]))
        except OutputError as error:
            raise EntryRefused(f"{error.reason.split(';')[0]}; nothing was added", str(target)) from None
        finally:
            lock.release()
        self._insert(replace(entry, origin=f"{target}:0"))
        return target


