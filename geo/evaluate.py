"""Score extraction against annotated data a user holds.

Two gold formats:

- ``conll``: one ``token TAG`` a line, a blank line between sentences, B-LOC/I-LOC marking places
  (ANERcorp and other CoNLL-style NER files). Tokens are joined with spaces into one text per
  sentence; what the parser finds in it is compared with the LOC spans.
- ``jsonl``: one object a line with ``text`` and ``mentions`` (``start``, ``end``, optionally
  ``lat``, ``lon``, ``role``).

Recognition counts a predicted mention as correct when it overlaps a gold span (our spans leave
clitics out, many gold tokens keep them: لألمانيا). Resolution is scored on gold spans that have
coordinates: accuracy within 161 km (100 miles, the usual geoparsing threshold) and the median error.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from geo.errors import InputError


@dataclass
class GoldSpan:
    start: int
    end: int
    lat: float | None = None
    lon: float | None = None
    role: str | None = None


@dataclass
class GoldDocument:
    text: str
    spans: list[GoldSpan]
    #: Characters before this offset are not scored (ANERcorp test: the first token is unreliable).
    scored_from: int = 0


@dataclass
class Report:
    true_positives: int = 0
    false_positives: int = 0
    gold: int = 0
    found_gold: int = 0
    errors_km: list[float] = field(default_factory=list)
    roles_right: int = 0
    roles_scored: int = 0
    misses: Counter = field(default_factory=Counter)
    false_places: Counter = field(default_factory=Counter)

    @property
    def precision(self) -> float:
        predicted = self.true_positives + self.false_positives
        return self.true_positives / predicted if predicted else 0.0

    @property
    def recall(self) -> float:
        return self.found_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self, misses: int = 20) -> dict:
        result = {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "gold_spans": self.gold,
            "predicted": self.true_positives + self.false_positives,
        }
        if self.errors_km:
            result["acc_at_161km"] = round(sum(e <= 161 for e in self.errors_km) / len(self.errors_km), 4)
            result["median_error_km"] = round(statistics.median(self.errors_km), 1)
            result["resolved_scored"] = len(self.errors_km)
        if self.roles_scored:
            result["role_accuracy"] = round(self.roles_right / self.roles_scored, 4)
        result["top_misses"] = self.misses.most_common(misses)
        result["top_false_places"] = self.false_places.most_common(misses)
        return result


def read_conll(path: str | Path, ignore_first_token: bool = False) -> Iterator[GoldDocument]:
    """Sentences of a CoNLL-style file as gold documents (LOC spans only)."""
    tokens: list[tuple[str, str]] = []
    with _open(path) as stream:
        for number, line in enumerate(stream, start=1):
            parts = line.split()
            if not parts:
                if tokens:
                    yield _conll_document(tokens, ignore_first_token)
                    tokens = []
                continue
            if len(parts) < 2:
                raise InputError(str(path), f"line {number}: expected 'token TAG'")
            tokens.append((parts[0], parts[-1]))
    if tokens:
        yield _conll_document(tokens, ignore_first_token)


def _conll_document(tokens: list[tuple[str, str]], ignore_first_token: bool) -> GoldDocument:
    pieces: list[str] = []
    spans: list[GoldSpan] = []
    position = 0
    for token, tag in tokens:
        start = position
        pieces.append(token)
        position += len(token) + 1
        if tag == "B-LOC" or (tag == "I-LOC" and not spans):
            spans.append(GoldSpan(start, start + len(token)))
        elif tag == "I-LOC" and spans and spans[-1].end == start - 1:
            spans[-1].end = start + len(token)
    scored_from = len(tokens[0][0]) + 1 if ignore_first_token else 0
    return GoldDocument(" ".join(pieces), spans, scored_from)


def _open(path: str | Path):
    """A gold file opened for reading, or an :class:`InputError` naming it."""
    try:
        return open(path, encoding="utf-8-sig")
    except OSError as error:
        raise InputError(str(path), f"cannot read: {error.strerror or error}") from None


def read_jsonl(path: str | Path) -> Iterator[GoldDocument]:
    with _open(path) as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                spans = [
                    GoldSpan(int(m["start"]), int(m["end"]), m.get("lat"), m.get("lon"), m.get("role"))
                    for m in item.get("mentions", [])
                ]
                yield GoldDocument(str(item["text"]), spans)
            except (ValueError, KeyError, TypeError) as error:
                raise InputError(str(path), f"line {number}: {error}") from None


def evaluate(parser, documents: Iterator[GoldDocument]) -> Report:
    from geopy.distance import geodesic

    report = Report()
    for document in documents:
        gold = [s for s in document.spans if s.end > document.scored_from]
        predicted = [m for m in parser.extract(document.text) if m.end > document.scored_from]
        report.gold += len(gold)
        for span in gold:
            overlapping = [m for m in predicted if m.start < span.end and span.start < m.end]
            if overlapping:
                report.found_gold += 1
                best = overlapping[0]
                if span.lat is not None and span.lon is not None and best.lat is not None:
                    report.errors_km.append(geodesic((span.lat, span.lon), (best.lat, best.lon)).km)
                if span.role:
                    report.roles_scored += 1
                    report.roles_right += best.role == span.role
            else:
                report.misses[document.text[span.start : span.end]] += 1
        for mention in predicted:
            if any(mention.start < s.end and s.start < mention.end for s in gold):
                report.true_positives += 1
            else:
                report.false_positives += 1
                report.false_places[mention.surface] += 1
    return report
