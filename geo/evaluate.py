"""Score extraction against annotated data a user holds, and say where the errors are.

Two gold formats:

- ``conll``: one ``token TAG`` a line, a blank line between sentences, B-LOC/I-LOC marking places
  (ANERcorp and other CoNLL-style NER files). Tokens are joined with spaces into one text per
  sentence; what the parser finds in it is compared with the LOC spans.
- ``jsonl``: one object a line with ``text`` and ``mentions`` (``start``, ``end``, optionally
  ``lat``, ``lon``, ``role``, ``feature``, ``name``, ``glued``, ``note``) and optionally ``id`` and
  ``negatives`` (spans that look like places but are not: organisation, outlet, operation names),
  the format of the project's development set.

The scores follow the development set's guidelines:

- **Recognition**: a predicted mention is right when it overlaps a gold span (spans differ on
  clitics and generic heads; nested names are one mention). A prediction on a negative span is a
  false place, and is also counted apart.
- **Resolution**: accuracy within 161 km (100 miles, the usual geoparsing threshold) and the median
  error, over the gold spans that were found and have coordinates; a mention found but not placed
  counts as wrong. A country is right when the predicted place is that country, whatever centroid
  either side uses (its Natural Earth outline holds the gold point). Neighbourhoods and landmarks are
  also scored within 5 km.
- **Roles**: accuracy over found mentions, the confusion table, the recall of the conflict layer (gold
  conflict mentions found *and* given the role conflict: what a map of the fighting shows) and the
  share of diplomatic venues given the role diplomatic.

Each error is put in a class (a miss after و in a list, a name the gazetteer lacks, a false place on
an organisation's name, a wrong namesake, each role confusion ...) so that work goes to the class
that costs most, with examples to read.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from geo.errors import InputError
from geo.model import ROLES, Mention

#: Resolution is right within this distance (km): 100 miles.
ACC_KM = 161.0
#: ... and within this one for neighbourhoods and landmarks, whose gold points are estimates.
FINE_KM = 5.0
FINE_FEATURES = frozenset({"neighbourhood", "landmark"})
#: Characters of text shown on each side of an error's span.
CONTEXT = 40


@dataclass
class GoldSpan:
    start: int
    end: int
    lat: float | None = None
    lon: float | None = None
    role: str | None = None
    feature: str = ""
    name: str = ""
    glued: bool = False
    noted: bool = False


@dataclass
class GoldDocument:
    text: str
    spans: list[GoldSpan]
    #: Characters before this offset are not scored (ANERcorp test: the first token is unreliable).
    scored_from: int = 0
    id: str = ""
    negatives: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Error:
    """One error of one class, with where it is and what the parser said."""

    doc: str
    surface: str
    context: str
    detail: str = ""

    def as_dict(self) -> dict:
        return {"doc": self.doc, "surface": self.surface, "context": self.context, "detail": self.detail}


@dataclass
class Report:
    true_positives: int = 0
    false_positives: int = 0
    on_negatives: int = 0
    gold: int = 0
    found_gold: int = 0
    errors_km: list[float] = field(default_factory=list)
    unplaced: int = 0
    fine_scored: int = 0
    fine_right: int = 0
    roles_right: int = 0
    roles_scored: int = 0
    roles_right_unnoted: int = 0
    roles_scored_unnoted: int = 0
    #: (gold role, predicted role) -> count, over found mentions.
    confusion: Counter = field(default_factory=Counter)
    #: Gold role -> mentions of it in the gold, and of those found with that very role.
    role_gold: Counter = field(default_factory=Counter)
    role_found_right: Counter = field(default_factory=Counter)
    #: Gold feature -> gold spans, and found ones.
    feature_gold: Counter = field(default_factory=Counter)
    feature_found: Counter = field(default_factory=Counter)
    misses: Counter = field(default_factory=Counter)
    false_places: Counter = field(default_factory=Counter)
    #: Error class -> its errors, in document order.
    errors: dict[str, list[Error]] = field(default_factory=lambda: defaultdict(list))

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

    def layer_recall(self, role: str) -> float | None:
        """Gold mentions of ``role`` given that role, over the found gold mentions of it: how much of
        what the map shows of a layer is in the right layer (the issue's "conflict-layer recall")."""
        found = sum(self.confusion[role, p] for p in ROLES)
        return self.role_found_right[role] / found if found else None

    def as_dict(self, examples: int = 20) -> dict:
        result: dict = {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "gold_spans": self.gold,
            "predicted": self.true_positives + self.false_positives,
            "predicted_on_negatives": self.on_negatives,
        }
        if self.errors_km or self.unplaced:
            scored = len(self.errors_km) + self.unplaced
            result["acc_at_161km"] = round(sum(e <= ACC_KM for e in self.errors_km) / scored, 4)
            if self.errors_km:
                result["median_error_km"] = round(statistics.median(self.errors_km), 1)
            result["resolved_scored"] = scored
            result["unplaced"] = self.unplaced
        if self.fine_scored:
            result["fine_within_5km"] = round(self.fine_right / self.fine_scored, 4)
            result["fine_scored"] = self.fine_scored
            result["fine_right"] = self.fine_right
        if self.roles_scored:
            result["role_accuracy"] = round(self.roles_right / self.roles_scored, 4)
            result["roles_scored"] = self.roles_scored
            if self.roles_scored_unnoted:
                result["role_accuracy_without_noted"] = round(
                    self.roles_right_unnoted / self.roles_scored_unnoted, 4
                )
            result["confusion"] = {g: {p: self.confusion[g, p] for p in ROLES} for g in ROLES}
            for role in ROLES:
                recall = self.layer_recall(role)
                if recall is not None:
                    result[f"{role}_layer_recall"] = round(recall, 4)
                    result[f"{role}_found_right"] = self.role_found_right[role]
                    result[f"{role}_found"] = sum(self.confusion[role, p] for p in ROLES)
                    result[f"{role}_gold"] = self.role_gold[role]
                    if self.role_gold[role]:
                        result[f"{role}_of_gold"] = round(self.role_found_right[role] / self.role_gold[role], 4)
        if self.feature_gold:
            result["recall_by_feature"] = {
                f: [self.feature_found[f], self.feature_gold[f]] for f in sorted(self.feature_gold)
            }
        result["top_misses"] = self.misses.most_common(examples)
        result["top_false_places"] = self.false_places.most_common(examples)
        result["errors"] = {
            name: {"count": len(items), "examples": [e.as_dict() for e in items[:examples]]}
            for name, items in sorted(self.errors.items(), key=lambda kv: -len(kv[1]))
        }
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
    """One sentence. An I-LOC continues the span of the token before it when that token is part of a
    LOC; after any other tag it starts a span of its own (a tagging slip must not lose a place)."""
    pieces: list[str] = []
    spans: list[GoldSpan] = []
    position = 0
    previous = "O"
    for token, tag in tokens:
        start = position
        pieces.append(token)
        position += len(token) + 1
        if tag == "I-LOC" and previous in ("B-LOC", "I-LOC"):
            spans[-1].end = start + len(token)
        elif tag in ("B-LOC", "I-LOC"):
            spans.append(GoldSpan(start, start + len(token)))
        previous = tag
    scored_from = len(tokens[0][0]) + 1 if ignore_first_token else 0
    return GoldDocument(" ".join(pieces), spans, scored_from)


def gold_file(path: str) -> str:
    """The annotated file ``path`` names: itself, or, for a folder such as the dev set's, the one
    ``.jsonl`` (else the one CoNLL ``.txt``/``.conll``) file in it; an :class:`InputError` naming the
    folder when there is none or several to choose from."""
    folder = Path(path)
    if not folder.is_dir():
        return path
    for patterns in (("*.jsonl",), ("*.conll", "*.txt")):
        found = sorted(str(f) for pattern in patterns for f in folder.glob(pattern) if f.is_file())
        if len(found) == 1:
            return found[0]
        if found:
            names = ", ".join(Path(f).name for f in found)
            raise InputError(path, f"a folder with several annotated files ({names}): name one")
    raise InputError(path, "a folder without an annotated file (.jsonl, .conll or .txt)")


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
                spans = [_gold_span(m) for m in item.get("mentions", [])]
                negatives = [(int(n["start"]), int(n["end"])) for n in item.get("negatives", [])]
                yield GoldDocument(str(item["text"]), spans, id=str(item.get("id", number)), negatives=negatives)
            except (ValueError, KeyError, TypeError, AttributeError) as error:
                raise InputError(str(path), f"line {number}: {error}") from None


def _gold_span(m: dict) -> GoldSpan:
    lat, lon = m.get("lat"), m.get("lon")
    return GoldSpan(
        int(m["start"]),
        int(m["end"]),
        None if lat is None else float(lat),
        None if lon is None else float(lon),
        m.get("role"),
        str(m.get("feature") or ""),
        str(m.get("name") or ""),
        bool(m.get("glued")),
        bool(m.get("note")),
    )


def evaluate(parser, documents: Iterable[GoldDocument]) -> Report:
    """Run ``parser`` over every gold document and score it (see the module docstring)."""
    report = Report()
    for number, document in enumerate(documents, start=1):
        predicted = [m for m in parser.extract(document.text) if m.end > document.scored_from]
        _score_document(report, parser, document, predicted, document.id or str(number))
    return report


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def _score_document(report: Report, parser, document: GoldDocument, predicted: list[Mention], doc: str) -> None:
    from geopy.distance import geodesic

    text = document.text
    gold = [s for s in document.spans if s.end > document.scored_from]
    report.gold += len(gold)

    def error(kind: str, start: int, end: int, detail: str = "") -> None:
        left, right = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
        context = f"{text[left:start]}[{text[start:end]}]{text[end:right]}".replace("\n", " ")
        report.errors[kind].append(Error(doc, text[start:end], context, detail))

    for span in gold:
        if span.feature:
            report.feature_gold[span.feature] += 1
        if span.role:
            report.role_gold[span.role] += 1
        overlapping = [m for m in predicted if _overlaps(m.start, m.end, span.start, span.end)]
        if not overlapping:
            report.misses[text[span.start : span.end]] += 1
            error(_miss_class(parser, text, span), span.start, span.end, span.feature)
            continue
        report.found_gold += 1
        if span.feature:
            report.feature_found[span.feature] += 1
        best = max(overlapping, key=lambda m: min(m.end, span.end) - max(m.start, span.start))
        if span.lat is not None and span.lon is not None:
            _score_place(report, span, best, geodesic, error)
        if span.role:
            report.roles_scored += 1
            right = best.role == span.role
            report.roles_right += right
            report.confusion[span.role, best.role] += 1
            if not span.noted:
                report.roles_scored_unnoted += 1
                report.roles_right_unnoted += right
            if right:
                report.role_found_right[span.role] += 1
            else:
                detail = f"cue {best.cue!r}" if best.cue else "no cue"
                error(f"role {span.role} -> {best.role}", span.start, span.end, detail)
    for mention in predicted:
        if any(_overlaps(mention.start, mention.end, s.start, s.end) for s in gold):
            report.true_positives += 1
            continue
        report.false_positives += 1
        report.false_places[mention.surface] += 1
        on_negative = any(_overlaps(mention.start, mention.end, a, b) for a, b in document.negatives)
        report.on_negatives += on_negative
        kind = "false place: inside a negative span" if on_negative else "false place"
        error(kind, mention.start, mention.end, f"{mention.place_id or mention.status} ({mention.reason})")


def _score_place(report: Report, span: GoldSpan, best: Mention, geodesic, error) -> None:
    detail = f"{best.place_id or best.status} ({best.reason})"
    fine = span.feature in FINE_FEATURES
    if fine:
        report.fine_scored += 1
    if best.lat is None or best.lon is None:
        report.unplaced += 1
        error("place: found but not placed", span.start, span.end, detail)
        return
    km = geodesic((span.lat, span.lon), (best.lat, best.lon)).km
    same_country = span.feature == "country" and best.feature == "country" and best.country
    if same_country and country_at(span.lat, span.lon) == best.country:
        km = 0.0
    report.errors_km.append(km)
    if km > ACC_KM:
        error("place: more than 161 km off", span.start, span.end, f"{km:.0f} km; {detail}")
    elif fine:
        if km <= FINE_KM:
            report.fine_right += 1
        else:
            error(f"place: {span.feature} more than 5 km off", span.start, span.end, f"{km:.1f} km; {detail}")


def _miss_class(parser, text: str, span: GoldSpan) -> str:
    """Why a gold span was missed, as far as can be told from the outside."""
    surface = text[span.start : span.end]
    name = span.name or surface
    if span.glued:
        return "miss: glued to another word"
    if any(c.isdigit() for c in surface):
        return "miss: name with digits"
    known = bool(parser.gazetteer.lookup(name) or parser.gazetteer.lookup(surface))
    listed = surface[:1] in "وف" and (len(surface) > 2 and not parser.gazetteer.lookup(surface))
    if not known:
        return "miss: not in the gazetteer"
    if listed:
        return "miss: known name, item of a list (و)"
    return "miss: known name, not reported"


@cache
def _country_outlines():
    """Natural Earth country outlines with their ISO codes (the package the base map uses)."""
    import geopandas as gpd

    from geo.maps.basemap import natural_earth_zip

    frame = gpd.read_file(f"zip://{natural_earth_zip()}", encoding="utf-8", columns=["ISO_A2_EH", "ISO_A2"])
    frame["code"] = [a if a and a != "-99" else b for a, b in zip(frame["ISO_A2_EH"], frame["ISO_A2"], strict=True)]
    return frame


def country_at(lat: float, lon: float) -> str:
    """The ISO code of the country whose outline holds the point (the nearest one if none does)."""
    from shapely import Point

    frame = _country_outlines()
    point = Point(lon, lat)
    holding = frame[frame.contains(point)]
    if len(holding):
        return str(holding["code"].iloc[0])
    return str(frame.loc[frame.distance(point).idxmin(), "code"])


def format_report(result: dict, examples: int = 5) -> str:
    """The report of :meth:`Report.as_dict` as text for a terminal: the figures, the role confusion,
    recall by feature, then each error class with a few examples."""
    lines = []

    def figure(label: str, value: str) -> None:
        lines.append(f"{label:<48} {value}")

    figure(
        "recognition precision / recall / F1",
        f"{result['precision']:.3f} / {result['recall']:.3f} / {result['f1']:.3f}"
        f"   ({result['gold_spans']} gold spans, {result['predicted']} predicted)",
    )
    if result.get("predicted_on_negatives"):
        figure("  predicted on negative spans", str(result["predicted_on_negatives"]))
    if "acc_at_161km" in result:
        median = result.get("median_error_km")
        figure(
            "resolution acc@161 km",
            f"{result['acc_at_161km']:.3f}   ({result['resolved_scored']} scored, {result['unplaced']} not placed"
            + (f", median error {median} km)" if median is not None else ")"),
        )
    if "fine_within_5km" in result:
        figure(
            "neighbourhoods and landmarks within 5 km",
            f"{result['fine_within_5km']:.3f}   ({result['fine_right']} of {result['fine_scored']})",
        )
    if "role_accuracy" in result:
        unnoted = result.get("role_accuracy_without_noted")
        figure(
            "role accuracy (found mentions)",
            f"{result['role_accuracy']:.3f}   ({result['roles_scored']} scored"
            + (f"; {unnoted:.3f} without the noted ones)" if unnoted is not None else ")"),
        )
        for role in ROLES:
            if f"{role}_layer_recall" in result:
                figure(
                    f"  {role}: found ones given role {role}",
                    f"{result[f'{role}_layer_recall']:.3f}   ({result[f'{role}_found_right']} of "
                    f"{result[f'{role}_found']} found; {result[f'{role}_of_gold']:.3f} of all "
                    f"{result[f'{role}_gold']} gold)",
                )
        header = f"{'':<12}" + "".join(f"{r:>12}" for r in ROLES)
        lines += ["", "role confusion (rows: gold, columns: predicted)", header]
        for gold_role in ROLES:
            row = result["confusion"][gold_role]
            lines.append(f"{gold_role:<12}" + "".join(f"{row[p]:>12}" for p in ROLES))
    if result.get("recall_by_feature"):
        lines += ["", "recall by feature"]
        for feature, (found, total) in result["recall_by_feature"].items():
            lines.append(f"  {feature:<16} {found:>4} of {total:<4} {found / total:.3f}")
    if result.get("errors"):
        lines += ["", "errors by class (most frequent first)"]
        for name, data in result["errors"].items():
            lines.append(f"  {data['count']:>4}  {name}")
            for example in data["examples"][:examples]:
                detail = f"  [{example['detail']}]" if example["detail"] else ""
                lines.append(f"          {example['doc']}: {example['context']}{detail}")
    return "\n".join(lines)
