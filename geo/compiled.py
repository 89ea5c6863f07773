"""The compiled index: gazetteer (with the world layer) and automaton, built once and cached on disk.

The cache file lives in the user cache folder (``platformdirs``; ``$GEO_CACHE_DIR`` overrides it) and
is named by a hash of everything it is built from: the package version, every gazetteer file's
bytes, the word lists, and the world layer's source. Any change (``geo gazetteer add`` included)
gives a new name, so a stale index is never loaded. Writes are atomic, so two processes building at
once both end with a valid file.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from geo import __version__
from geo.gazetteer import Gazetteer, bundled_files, expand_paths, user_files_from_environment
from geo.lexicon import DATA, Lexicon

FORMAT = 3


def cache_directory() -> Path:
    configured = os.environ.get("GEO_CACHE_DIR")
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir("geo-arabic-news"))


def fingerprint(files: Iterable[Path], world: bool, extra: Iterable[str] = ()) -> str:
    import ahocorasick  # noqa: F401 - its version is part of the pickle format

    from geo.world import geonames_version

    digest = hashlib.sha256()
    for part in (__version__, str(FORMAT), f"{sys.version_info[:2]}", str(world), geonames_version() if world else ""):
        digest.update(part.encode() + b"\0")
    code = sorted(Path(__file__).resolve().parent.glob("*.py"))
    for path in [*files, *sorted(DATA.glob("*")), *code]:
        digest.update(str(path).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for item in extra:
        digest.update(item.encode() + b"\0")
    return digest.hexdigest()[:24]


def _world_entries(gazetteer: Gazetteer, lexicon: Lexicon):
    """Build the world layer in a child process, so the 380 MB of GeoNames JSON never stays in ours."""
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


def load_compiled(paths: Iterable[str | os.PathLike] = (), world: bool = True, use_cache: bool = True):
    """(gazetteer, lexicon, index) for a :class:`~geo.pipeline.Geoparser`, from the cache when it is
    fresh, else built and cached."""
    from geo.recognize import PlaceIndex

    files = bundled_files() + user_files_from_environment() + expand_paths(paths)
    lexicon = Lexicon.load()
    extras = [os.environ.get(v, "") for v in ("GEO_CUES", "GEO_CONTEXT_WORDS", "GEO_NOT_PLACES", "GEO_AMBIGUOUS")]
    for variable in extras:
        for extra in filter(None, variable.split(os.pathsep)):
            files.append(Path(extra))
    key = fingerprint(files, world)
    target = cache_directory() / f"index-{key}.pickle"
    if use_cache and target.exists():
        try:
            with target.open("rb") as stream:
                state, index = pickle.load(stream)
            return Gazetteer.from_state(state), lexicon, index
        except Exception:
            target.unlink(missing_ok=True)
    gazetteer = Gazetteer.load(paths)
    if world:
        for entry in _world_entries(gazetteer, lexicon):
            # GeoNames' English names (Center, Of ...) are not safe to look for in text. An id the
            # user already imported (geo gazetteer import-geonames) is theirs: it wins.
            if entry.id not in gazetteer:
                gazetteer.insert(entry, english=False)
    index = PlaceIndex.build(gazetteer, lexicon.not_places)
    if use_cache:
        _save(target, (gazetteer.to_state(), index))
    return gazetteer, lexicon, index


def _save(target: Path, payload) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".index-", suffix=".tmp", dir=target.parent)
        with os.fdopen(handle, "wb") as stream:
            pickle.dump(payload, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, target)
    except OSError:
        pass  # a read-only cache folder only costs a rebuild next time
