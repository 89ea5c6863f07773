"""Word lists the pipeline reads as data: role cues, place-type triggers, locative words and phrases
that are not places. Each ships in ``geo/data/`` and can be extended without touching code, by
environment variables holding extra files (``os.pathsep``-separated) or by passing paths.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from geo.arabic import name_key
from geo.clitics import ARTICLE, PROCLITICS
from geo.errors import GeoError

DATA = Path(__file__).resolve().parent / "data"
ROLE_PRIORITY = ("conflict", "diplomatic")
#: In :attr:`Lexicon.single_word_cues`: the word starts a phrase cue, so only :meth:`Lexicon.cue_at`,
#: which sees the words after it, can say which cue (if any) starts there.
PHRASE = object()
#: Bound on each per-word cache, so a long-running process over an endless stream stays small.
WORD_CACHE_LIMIT = 50_000


def _extra(variable: str) -> list[Path]:
    return [Path(p) for p in os.environ.get(variable, "").split(os.pathsep) if p.strip()]


def _rows(path: Path, required: Iterable[str]) -> Iterable[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            reader = csv.DictReader(stream)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise GeoError(f"{path}:1: missing column(s) {', '.join(missing)}")
            for row in reader:
                yield reader.line_num, row
    except OSError as error:
        raise GeoError(f"{path}: cannot read: {error.strerror or error}") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise GeoError(f"{path}: not a valid UTF-8 CSV file ({error})") from None


def _phrases(path: Path) -> list[str]:
    """Non-empty, non-comment lines of a word list."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise GeoError(f"{path}: cannot read: {error}") from None
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


@dataclass(frozen=True, eq=False)
class Cue:
    """One cue of ``cues.csv``. Compared by identity: each is loaded once, and the role stage
    compares cues against a marker in lists many times a document."""

    role: str
    #: Folded cue words (one for a single-word cue, several for a phrase).
    words: tuple[str, ...]
    exact: bool
    text: str


@lru_cache(maxsize=50_000)
def word_forms(token: str) -> tuple[str, ...]:
    """A folded token and what it is once proclitics and the article are taken off
    (بالقصف -> القصف, قصف; للقصف -> القصف, قصف)."""
    forms = [token]
    for size in (1, 2):
        prefix, rest = token[:size], token[size:]
        if prefix in PROCLITICS and len(rest) >= 2:
            forms.append(rest)
            if prefix.endswith("ل") and rest.startswith("ل") and not rest.startswith(ARTICLE):
                forms.append("ا" + rest)
    for form in list(forms):
        if form.startswith(ARTICLE) and len(form) > 3:
            forms.append(form[2:])
    return tuple(dict.fromkeys(forms))


@dataclass
class Lexicon:
    cues: list[Cue] = field(default_factory=list)
    #: Folded trigger word -> the features it announces (مدينه -> city, town).
    triggers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    locatives: frozenset[str] = frozenset()
    not_places: list[str] = field(default_factory=list)
    #: Folded names that are also common words: reported only with evidence (see ambiguous_names.txt).
    ambiguous: frozenset[str] = frozenset()
    _exact: dict[str, list[Cue]] = field(default_factory=dict, repr=False)
    _prefix: dict[str, list[Cue]] = field(default_factory=dict, repr=False)
    _longest: int = 0
    _cache: dict[str, tuple[Cue, ...]] = field(default_factory=dict, repr=False)
    _place_words: dict[str, bool] = field(default_factory=dict, repr=False)
    #: Word -> its cue, None, or :data:`PHRASE`: the fast path of :meth:`cue_at` (see :meth:`learn`).
    single_word_cues: dict[str, object] = field(default_factory=dict, repr=False)

    @classmethod
    def load(
        cls,
        cue_files: Iterable[Path] = (),
        context_files: Iterable[Path] = (),
        not_place_files: Iterable[Path] = (),
    ) -> Lexicon:
        lexicon = cls()
        for path in [DATA / "cues.csv", *_extra("GEO_CUES"), *cue_files]:
            for line, row in _rows(path, ("role", "cue")):
                role = (row.get("role") or "").strip()
                if role not in ROLE_PRIORITY:
                    raise GeoError(f"{path}:{line}: role {role!r} must be conflict or diplomatic")
                words = tuple(name_key(row["cue"]).split())
                if not words:
                    raise GeoError(f"{path}:{line}: empty cue")
                exact = (row.get("match") or "prefix").strip() == "exact"
                lexicon.cues.append(Cue(role, words, exact, row["cue"].strip()))
        triggers: dict[str, tuple[str, ...]] = {}
        locatives: set[str] = set()
        for path in [DATA / "context_words.csv", *_extra("GEO_CONTEXT_WORDS"), *context_files]:
            for line, row in _rows(path, ("kind", "word")):
                word = name_key(row["word"])
                kind = (row.get("kind") or "").strip()
                if kind == "trigger":
                    triggers[word] = tuple(f for f in (row.get("features") or "").split("|") if f)
                elif kind == "locative":
                    locatives.add(word)
                else:
                    raise GeoError(f"{path}:{line}: kind {kind!r} must be trigger or locative")
        lexicon.triggers = triggers
        lexicon.locatives = frozenset(locatives)
        for path in [DATA / "not_places.txt", *_extra("GEO_NOT_PLACES"), *not_place_files]:
            lexicon.not_places.extend(_phrases(path))
        ambiguous: set[str] = set()
        for path in [DATA / "ambiguous_names.txt", *_extra("GEO_AMBIGUOUS")]:
            ambiguous.update(name_key(phrase) for phrase in _phrases(path))
        lexicon.ambiguous = frozenset(ambiguous)
        return lexicon

    def trigger_features(self, token: str) -> tuple[str, ...]:
        for form in word_forms(token):
            if form in self.triggers:
                return self.triggers[form]
        return ()

    def is_locative(self, token: str) -> bool:
        return any(form in self.locatives for form in word_forms(token)) or token in self.triggers

    def announces_place(self, token: str) -> bool:
        """A locative or a place-type word (في، من، إلى، مدينة ...): what follows it is a place, not a
        government (cached per word: the role stage asks for almost every capital)."""
        cached = self._place_words.get(token)
        if cached is None:
            cached = self.is_locative(token) or bool(self.trigger_features(token))
            if len(self._place_words) > WORD_CACHE_LIMIT:
                self._place_words.clear()
            self._place_words[token] = cached
        return cached

    def _first_word_cues(self, token: str) -> tuple[Cue, ...]:
        """Cues whose first word matches ``token``; cached, since news repeats its words."""
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        if not self._exact:
            for cue in self.cues:
                table = self._exact if cue.exact else self._prefix
                table.setdefault(cue.words[0], []).append(cue)
            self._longest = max((len(w) for w in self._prefix), default=0)
        found: list[Cue] = []
        for form in word_forms(token):
            found.extend(self._exact.get(form, ()))
            for size in range(2, min(len(form), self._longest) + 1):
                found.extend(self._prefix.get(form[:size], ()))
        result = tuple(sorted(dict.fromkeys(found), key=lambda c: (-len(c.words), ROLE_PRIORITY.index(c.role))))
        if len(self._cache) > WORD_CACHE_LIMIT:
            self._cache.clear()
        self._cache[token] = result
        return result

    def learn(self, words: Iterable[str]) -> None:
        """Put every word of ``words`` into :attr:`single_word_cues`, so that the cue of each is one
        look-up (``map(single_word_cues.get, words)``, with no Python code run per word)."""
        single = self.single_word_cues
        missing = set(words).difference(single)
        if not missing:
            return
        if len(single) + len(missing) > WORD_CACHE_LIMIT:
            single.clear()
            missing = set(words)
        for word in missing:
            candidates = self._first_word_cues(word)
            if any(len(cue.words) > 1 for cue in candidates):
                single[word] = PHRASE
            else:
                single[word] = candidates[0] if candidates else None

    def cue_at(self, tokens: list[str], index: int) -> Cue | None:
        """The cue that starts at ``tokens[index]``, if any (longer phrases first, then conflict)."""
        candidates = self._first_word_cues(tokens[index])
        for cue in candidates:
            if len(cue.words) == 1:
                return cue
            following = tokens[index + 1 : index + len(cue.words)]
            if len(following) == len(cue.words) - 1 and all(
                any(form.startswith(word) for form in word_forms(token))
                for token, word in zip(following, cue.words[1:], strict=True)
            ):
                return cue
        return None
