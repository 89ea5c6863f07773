"""The compiled index: gazetteer (with the world layer) and automaton, built once and cached on disk.

The cache file (see :mod:`geo.cache` for where it lives and why it is trusted only as data) is named
by a hash of the *content* of everything it is built from: the package version, every gazetteer
file's bytes, the word lists, the code and the world layer's source; never by paths, so two checkouts
of one version share a file, and a run in one never reads another's paths. Any change (``geo
gazetteer add`` included) gives a new name, so a stale index is never loaded; the newest two index
files are kept, older ones removed.

The file is JSON: the gazetteer's entries and name tables, and the automaton's keys (the automaton is
rebuilt from them on load, about a tenth of a second). Entries' ``file:line`` origins are stored as
positions in the list of gazetteer files and put back on the paths of the run that loads them.
"""

from __future__ import annotations

import array
import base64
import contextlib
import gc
import hashlib
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from geo import __version__, cache
from geo.cache import cache_directory
from geo.gazetteer_files import bundled_files, expand_paths, user_files_from_environment
from geo.model import Entry

if TYPE_CHECKING:
    from geo.gazetteer import Gazetteer
    from geo.lexicon import Lexicon
    from geo.places import Places

#: The word lists (cues, context words ...): an index is built from them too.
DATA = Path(__file__).resolve().parent / "data"

FORMAT = 8
KIND = f"index {FORMAT}"
#: Index files kept in the cache folder (this run's and the one before, e.g. of another checkout).
KEEP = 2
_ORIGIN = [f.name for f in fields(Entry)].index("origin")
_VARIANTS = [i for i, f in enumerate(fields(Entry)) if f.name in ("variants_ar", "variants_en")]
_REPEATED = [i for i, f in enumerate(fields(Entry))
             if f.name in ("feature", "parent", "country", "coord_method", "pcode", "admin_pcode")]

__all__ = ["cache_directory", "compiled_file", "load_compiled", "read_index"]


@dataclass(frozen=True)
class Sources:
    """What an index is built from: the gazetteer files (in load order), the world flag."""

    files: tuple[Path, ...]
    world: bool

    @classmethod
    def of(cls, paths: Iterable[str | os.PathLike] = (), world: bool = True) -> Sources:
        files = bundled_files() + user_files_from_environment() + expand_paths(paths)
        return cls(tuple(files), world)

    def key(self) -> str:
        """The content hash that names the index file."""
        from geo.world import geonames_version

        digest = hashlib.sha256()
        for part in (__version__, str(FORMAT), str(self.world), geonames_version() if self.world else ""):
            digest.update(part.encode() + b"\0")
        lists = [os.environ.get(v, "") for v in ("GEO_CUES", "GEO_CONTEXT_WORDS", "GEO_NOT_PLACES", "GEO_AMBIGUOUS")]
        extra = [Path(p) for value in lists for p in value.split(os.pathsep) if p]
        code = sorted(Path(__file__).resolve().parent.glob("*.py"))
        for group in (self.files, extra, sorted(DATA.glob("*")), code):
            digest.update(b"\1")
            for path in group:
                digest.update(hashlib.sha256(path.read_bytes()).digest())
        return digest.hexdigest()[:24]

    def target(self) -> Path:
        return cache_directory() / f"index-{self.key()}.json"


def _world_entries(gazetteer: Gazetteer, lexicon: Lexicon):
    """Build the world layer in a child process, so the 380 MB of GeoNames JSON never stays in ours.
    The child is this package's own code, and the pickles go through a private temporary folder."""
    from geo.arabic import name_key
    from geo.discover import discovery_words
    from geo.world import geonames_version

    if not geonames_version():
        return []
    words = discovery_words()
    blocked = frozenset(
        lexicon.ambiguous
        | words.common
        | words.stops
        | set(words.triggers)
        | set(lexicon.triggers)
        | lexicon.locatives
        | {name_key(p) for p in lexicon.not_places}
        | {" ".join(cue.words) for cue in lexicon.cues}
    )
    # A separate interpreter (not multiprocessing): it works from any __main__, stdin and notebooks too.
    with tempfile.TemporaryDirectory(prefix="geo-world-") as folder:
        request, answer = Path(folder) / "in.pickle", Path(folder) / "out.pickle"
        request.write_bytes(pickle.dumps((list(gazetteer), blocked), protocol=pickle.HIGHEST_PROTOCOL))
        subprocess.run([sys.executable, "-m", "geo.world", str(request), str(answer)], check=True)
        return pickle.loads(answer.read_bytes())


def build(paths: Iterable[str | os.PathLike] = (), world: bool = True):
    """(gazetteer, index), built from the files."""
    from geo.gazetteer import Gazetteer
    from geo.lexicon import Lexicon
    from geo.recognize import PlaceIndex

    lexicon = Lexicon.load()
    gazetteer = Gazetteer.load(paths)
    if world:
        for entry in _world_entries(gazetteer, lexicon):
            # GeoNames' English names (Center, Of ...) are not safe to look for in text. An id the
            # user already imported (geo gazetteer import-geonames) is theirs: it wins.
            if entry.id not in gazetteer:
                gazetteer.insert(entry, english=False)
    return gazetteer, PlaceIndex.build(gazetteer, lexicon.not_places)


def load_compiled(paths: Iterable[str | os.PathLike] = (), world: bool = True, use_cache: bool = True,
                  geocoder: bool = True):
    """(gazetteer, lexicon, index) for a :class:`~geo.pipeline.Geoparser`, from the cache when it holds
    a sound index of these very sources, else built (and cached). ``geocoder=False``: the gazetteer as
    :class:`~geo.places.Places`, without the geopy face (and without importing geopy)."""
    from geo.lexicon import Lexicon

    paths = list(paths)
    sources = Sources.of(paths, world)
    if use_cache:
        target = sources.target()
        loaded = read_index(target, sources.files, geocoder)
        if loaded is not None:
            return loaded[0], Lexicon.load(), loaded[1]
    gazetteer, index = build(paths, world)
    if use_cache:
        save_index(target, gazetteer, index, sources.files)
    return gazetteer, Lexicon.load(), index


def load_gazetteer(paths: Iterable[str | os.PathLike] = (), world: bool = True) -> Places:
    """The gazetteer of the index (world layer included) without its automaton or geopy face: what a
    process that draws a map but extracts nothing itself needs (a pool's parent)."""
    paths = list(paths)
    sources = Sources.of(paths, world)
    payload = cache.read(sources.target(), KIND)
    if payload is not None:
        try:
            with collection_paused():
                return _decode(orjson.loads(payload), sources.files, automaton=False, geocoder=False)[0]
        except (ValueError, TypeError, KeyError, IndexError):
            pass
    return load_compiled(paths, world)[0]


def compiled_file(paths: Iterable[str | os.PathLike] = (), world: bool = True) -> Path | None:
    """The cache file holding the index of these sources, built and written first if needed; None
    when the cache cannot be used (read-only, untrusted). Worker processes load it themselves."""
    paths = list(paths)
    sources = Sources.of(paths, world)
    target = sources.target()
    if cache.present(target, KIND):
        return target
    gazetteer, index = build(paths, world)
    return target if save_index(target, gazetteer, index, sources.files) else None


# -- the file ------------------------------------------------------------------------------------------
def save_index(target: Path, gazetteer: Gazetteer, index, files: Sequence[Path]) -> bool:
    from geo.recognize import CLITICS

    state = gazetteer.to_state()
    places = {f"{path}:": number for number, path in enumerate(state["files"])}
    entries = [(*values[:_ORIGIN], _positional(values[_ORIGIN], places), *values[_ORIGIN + 1 :])
               for values in state["entries"]]
    # Ids as positions in the entry list: they load as one shared string each (a JSON file would give
    # a string object per occurrence, a third more memory in every worker).
    number_of = {values[0]: number for number, values in enumerate(entries)}
    keys = index.keys()
    # Whatever else the gazetteer keeps (admin chains, overrides ...), as it gives it; paths in it
    # (an override's origin) stored by position, as the entries' are.
    rest = {key: value for key, value in state.items() if key not in ("files", "entries", "by_key", "children")}
    if "overrides" in rest:
        rest["overrides"] = [[_positional(value, places) for value in item] for item in rest["overrides"]]
    payload = {
        "state": rest,
        "files": len(state["files"]),
        "entries": entries,
        "by_key": {key: [number_of[i] for i in ids] for key, ids in state["by_key"].items()},
        "children": {parent: [number_of[i] for i in ids] for parent, ids in state["children"].items()},
        # The automaton's keys as one text (a line each) and their values; each reading as its
        # fields, ids by position.
        "clitics": list(CLITICS),
        "words": "\n".join(text for _value, text in keys),
        # 32-bit little-endian, in Base64: half a megabyte, and no list of 113,000 numbers to parse.
        "values": base64.b64encode(_little_endian(array.array("I", [value for value, _text in keys]))).decode(),
        "readings": [[length, [number_of[i] for i in ids], blocked, glue]
                     for length, ids, blocked, glue in index.readings],
    }
    written = cache.write(target, KIND, orjson.dumps(payload))
    if written:
        cache.prune(target.parent, "index-*.json", KEEP)
    return written


def _little_endian(values: array.array) -> bytes:
    """The bytes of 32-bit ``values`` in little-endian order, whatever this machine's."""
    if sys.byteorder == "big":
        values = array.array(values.typecode, values)
        values.byteswap()
    return values.tobytes()


def _lines(text: str, block: int = 1 << 16) -> Iterator[str]:
    """The lines of ``text``, a block at a time: 113,000 keys never stand in one list (a transient
    dozen megabytes in every worker, and holes in its heap the automaton's nodes then sit between)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start + block)
        if end == -1:
            end = len(text)
        yield from text[start:end].split("\n")
        start = end + 1


def _positional(value, places: dict[str, int]):
    """``path:line`` of one of the gazetteer files as ``[file number, line]``; anything else as it is."""
    if isinstance(value, str):
        prefix, _, line = value.rpartition(":")
        if f"{prefix}:" in places and line.isdigit():
            return [places[f"{prefix}:"], int(line)]
    return value


def read_index(path: Path, files: Sequence[Path], geocoder: bool = True):
    """(gazetteer, index) from the cache file ``path``, its origins put on ``files``; None when the
    file is missing, damaged, untrusted or not what this code writes (it is then rebuilt). The
    gazetteer is a :class:`~geo.gazetteer.Gazetteer`, or with ``geocoder=False`` its entries alone
    (:class:`~geo.places.Places`: geopy is not imported)."""
    payload = cache.read(path, KIND)
    if payload is None:
        return None
    try:
        with collection_paused():
            data = orjson.loads(payload)
            del payload  # six megabytes less while the index is built
            return _decode(data, files, geocoder=geocoder)
    except (ValueError, TypeError, KeyError, IndexError):
        # Whole and ours, yet not a sound index (written by a broken build?): never trusted again.
        path.unlink(missing_ok=True)
        return None


@contextlib.contextmanager
def collection_paused():
    """No cyclic garbage collection while a few hundred thousand objects that all stay alive are
    made: the collector would walk them again and again for nothing (a fifth of a cached load)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _decode(data: dict, files: Sequence[Path], automaton: bool = True, geocoder: bool = True):
    from geo.places import Places
    from geo.recognize import CLITIC_BITS, CLITICS, PlaceIndex

    kind: type[Places] = Places
    if geocoder:
        from geo.gazetteer import Gazetteer

        kind = Gazetteer  # the same entries, with the geopy face

    if data["files"] != len(files):
        raise ValueError("index of another list of gazetteer files")
    names = [str(f) for f in files]
    entries = data["entries"]
    # Feature, parent, country, method and codes repeat across entries: one string object each.
    shared: dict[str, str] = {}
    for values in entries:
        origin = values[_ORIGIN]
        if isinstance(origin, list):
            values[_ORIGIN] = f"{names[origin[0]]}:{origin[1]}"
        for position in _VARIANTS:
            values[position] = tuple(values[position])
        for position in _REPEATED:
            value = values[position]
            values[position] = shared.setdefault(value, value)
    ids = [values[0] for values in entries]
    by_key = {key: [ids[n] for n in numbers] for key, numbers in data.pop("by_key").items()}
    children = {parent: [ids[n] for n in numbers] for parent, numbers in data.pop("children").items()}
    rest = data.pop("state")
    if "overrides" in rest:
        rest["overrides"] = [
            [f"{names[value[0]]}:{value[1]}" if isinstance(value, list) else value for value in item]
            for item in rest["overrides"]
        ]
    gazetteer = kind.from_state(
        {**rest, "files": names, "entries": entries, "by_key": by_key, "children": children}
    )
    if not automaton:
        return gazetteer, None
    if data.pop("clitics") != list(CLITICS):
        raise ValueError("index of another clitic order")
    words = data.pop("words")
    if not isinstance(words, str):
        raise TypeError("automaton keys are not text")
    values = array.array("I", base64.b64decode(data.pop("values"), validate=True))
    if sys.byteorder == "big":
        values.byteswap()
    if not values or words.count("\n") + 1 != len(values):
        raise ValueError("automaton keys and values do not pair up")
    # One ids tuple per reading, shared by every key (and clitic) of the name.
    readings = [(length, tuple([ids[n] for n in numbers]), bool(blocked), bool(glue))
                for length, numbers, blocked, glue in data.pop("readings")]
    if max(values) >= len(readings) << CLITIC_BITS:
        raise ValueError("automaton value out of range")
    index = PlaceIndex.from_columns(_lines(words), values, readings)  # as long: checked above
    return gazetteer, index
