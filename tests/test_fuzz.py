"""Property and fuzz tests over normalisation, recognition and the whole ``extract``.

Whatever the text (random Unicode, Arabic mixed with Latin and digits, zero-width and bidi controls,
a diacritic on every letter, tatweel, very long words, a 10 MB line), the pipeline must not raise,
every mention's ``surface`` must be exactly ``text[start:end]``, spans must not overlap, and the same
text must give the same mentions twice.

Inputs are drawn around real gazetteer names (with clitics, diacritics and controls inside them) so
the recogniser, resolver and role stages actually run rather than seeing only noise. The number of
examples is ``GEO_FUZZ_EXAMPLES`` (default 200 a test) and each test prints how many it tried
(``pytest -s`` shows it; the totals are also in the closing note of the hardening issue).
"""

from __future__ import annotations

import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.arabic import DIACRITICS, INVISIBLE, TATWEEL, fold, name_key, normalise, word_boundaries
from geo.recognize import scan_text

EXAMPLES = int(os.environ.get("GEO_FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)

ARABIC_LETTERS = [chr(c) for c in range(0x0621, 0x064B)]
CONTROLS = list(INVISIBLE)
MARKS = [*DIACRITICS, TATWEEL]
#: Presentation forms, among them ligatures that fold to several letters (ﷲ, ﷺ, ﻻ) and so move offsets.
PRESENTATION = ["\ufdf2", "\ufdfa", "\ufefb", "\ufef5", "\ufe8d", "\ufb50", "\ufc5e", "\ufd3e", "\ufd3f"]
OTHER = [*"abcXYZ019٠١٩۴ .,،؛؟!?-\n\t\r\"'<>&", "\U0001f600", "\u0301", "\u00df", "\u0130", "\ufb01"]
CLITICS = ["", "", "و", "ب", "ل", "ك", "ف", "وب", "ول", "فب", "لل", "وال"]
CUES = ["قصف", "اشتباكات في", "غارة على", "محادثات في", "قمة", "حي", "مدينة", "قرية", "في", "من", "إلى"]

counts: dict[str, int] = {}


def tried(name: str) -> None:
    counts[name] = counts.get(name, 0) + 1


@pytest.fixture(scope="module", autouse=True)
def report_counts():
    yield
    for name, count in sorted(counts.items()):
        print(f"\nfuzz: {name}: {count} inputs tried")


@pytest.fixture(scope="module")
def place_names(gazetteer) -> list[str]:
    names = sorted({name for entry in gazetteer for name in (entry.name_ar, *entry.variants_ar)})
    return names


def decorate(draw, word: str) -> str:
    """``word`` with diacritics on every letter, tatweel, or controls inside it (one of them, or none)."""
    how = draw(st.sampled_from(["plain", "plain", "diacritics", "tatweel", "controls", "all"]))
    out = []
    for char in word:
        out.append(char)
        if char == " ":
            continue
        if how in ("diacritics", "all"):
            out.append(draw(st.sampled_from(MARKS[:-1])))
        if how in ("tatweel", "all") and draw(st.booleans()):
            out.append(TATWEEL * draw(st.integers(1, 3)))
        if how in ("controls", "all") and draw(st.booleans()):
            out.append(draw(st.sampled_from(CONTROLS)))
    return "".join(out)


@st.composite
def news_like(draw, names: list[str]) -> str:
    """Tokens of real place names (with clitics and decorations), cue words, noise and separators."""
    pieces = []
    for _ in range(draw(st.integers(0, 25))):
        kind = draw(st.sampled_from(["name", "name", "cue", "noise", "letters", "long"]))
        if kind == "name":
            pieces.append(draw(st.sampled_from(CLITICS)) + decorate(draw, draw(st.sampled_from(names))))
        elif kind == "cue":
            pieces.append(draw(st.sampled_from(CUES)))
        elif kind == "noise":
            pieces.append(draw(st.text(st.sampled_from(OTHER + CONTROLS + PRESENTATION + MARKS), max_size=6)))
        elif kind == "letters":
            pieces.append(draw(st.text(st.sampled_from(ARABIC_LETTERS + MARKS + CONTROLS), min_size=1, max_size=12)))
        else:
            pieces.append(draw(st.sampled_from(ARABIC_LETTERS)) * draw(st.integers(200, 3000)))
        pieces.append(draw(st.sampled_from([" ", " ", "  ", "\n", "، ", ". ", "\u200f ", "\t", "", "-"])))
    return "".join(pieces)


any_text = st.text(max_size=300)
#: Surrogates and astral characters included: text decoded with errors="surrogateescape" has them.
odd_characters = st.sampled_from(["\udc80", "\ud800", "\udfff", "\U0010ffff"])
raw_text = st.text(st.one_of(st.characters(), odd_characters), max_size=200)


def check_mentions(text: str, mentions) -> None:
    previous_end = -1
    for mention in mentions:
        assert 0 <= mention.start < mention.end <= len(text)
        assert mention.surface == text[mention.start : mention.end]
        assert mention.start >= previous_end, "overlapping spans"
        previous_end = mention.end
        assert 0.0 <= mention.confidence <= 1.0
        assert mention.role in ("conflict", "diplomatic", "other")


# -- normalisation ------------------------------------------------------------------------------------
def check_normalised(text: str) -> None:
    norm = normalise(text)
    assert norm.text == fold(text)
    assert norm.source == text
    if norm.offsets is None:
        assert len(norm.text) == len(text)
    else:
        assert len(norm.offsets) == len(norm.text)
        offsets = list(norm.offsets)
        assert offsets == sorted(offsets)
        assert all(0 <= o < len(text) for o in offsets)
    for start in range(0, len(norm.text), max(1, len(norm.text) // 7)):
        for end in (start + 1, min(len(norm.text), start + 5)):
            if end <= start:
                continue
            src_start, src_end = norm.span(start, end)
            assert 0 <= src_start < src_end <= len(text)
            # What the span covers folds back to (at least) the folded text it came from.
            assert norm.text[start:end] in fold(text[src_start:src_end])
    scan = word_boundaries(norm.text)
    assert len(scan) == len(norm.text)
    assert name_key(text) == name_key(name_key(text))  # folding is idempotent


@FUZZ
@given(st.one_of(any_text, raw_text))
def test_normalise_any_unicode(text):
    tried("normalise, any Unicode")
    check_normalised(text)


@FUZZ
@given(st.data())
def test_normalise_news_like(place_names, data):
    tried("normalise, news-like")
    check_normalised(data.draw(news_like(place_names)))


# -- recognition ---------------------------------------------------------------------------------------
@FUZZ
@given(st.data())
def test_recognition_spans_are_exact_and_disjoint(geoparser, place_names, data):
    tried("recognise, news-like")
    text = data.draw(st.one_of(news_like(place_names), any_text))
    norm = normalise(text)
    matches = geoparser.index.find(norm, scan_text(norm.text))
    previous = -1
    for match in matches:
        assert 0 <= match.start < match.end <= len(text)
        assert match.norm_start >= previous
        previous = match.norm_end
        assert match.ids
    assert matches == geoparser.index.find(normalise(text))


@FUZZ
@given(st.integers(0, 1 << 30), st.data())
def test_a_name_with_every_decoration_is_still_found(geoparser, place_names, seed, data):
    """Diacritics on every letter, tatweel and controls inside a name find the same places as the
    plain name, and the span still covers the whole decorated word."""
    tried("recognise, decorated names")
    name = place_names[seed % len(place_names)]
    decorated = decorate(data.draw, name)
    plain = geoparser.index.find(normalise(f"قصف {name} أمس"))
    text = f"قصف {decorated} أمس"
    found = geoparser.index.find(normalise(text))
    assert [m.ids for m in found] == [m.ids for m in plain]
    plain_text = f"قصف {name} أمس"
    assert [name_key(text[m.start : m.end]) for m in found] == [name_key(plain_text[m.start : m.end]) for m in plain]


# -- the whole extract ------------------------------------------------------------------------------
@FUZZ
@given(st.data())
def test_extract_news_like(geoparser, place_names, data):
    tried("extract, news-like")
    text = data.draw(news_like(place_names))
    mentions = geoparser.extract(text, doc="fuzz")
    check_mentions(text, mentions)
    assert mentions == geoparser.extract(text, doc="fuzz")


@FUZZ
@given(st.one_of(any_text, raw_text))
def test_extract_any_unicode(geoparser, text):
    tried("extract, any Unicode")
    mentions = geoparser.extract(text)
    check_mentions(text, mentions)
    assert mentions == geoparser.extract(text)


@FUZZ
@given(st.binary(max_size=400))
def test_extract_any_bytes_decoded_leniently(geoparser, raw):
    """Bytes as a careless caller decodes them (replacement characters, surrogate escapes)."""
    tried("extract, random bytes")
    decoded = (raw.decode("utf-8", "replace"), raw.decode("utf-8", "surrogateescape"), raw.decode("cp1256", "replace"))
    for text in decoded:
        check_mentions(text, geoparser.extract(text))


def test_very_long_words_and_long_runs_of_marks(geoparser):
    texts = [
        "ح" * 200_000 + " حلب",
        "قصف " + "\u064e" * 100_000 + "حلب",
        "قصف حلب" + TATWEEL * 100_000,
        "\u200f" * 100_000 + "قصف حلب",
        "x" * 300_000,
        "".join(c + "\u0651\u064e" for c in "قصف حي الكلاسة في حلب") * 2000,
        "\ufdf2 " * 50_000 + "قصف حلب",
    ]
    for text in texts:
        tried("extract, long words")
        check_mentions(text, geoparser.extract(text))
    assert [m.place_id for m in geoparser.extract(texts[2])] == ["sy-aleppo"]
    assert geoparser.extract(texts[2])[0].surface == "حلب" + TATWEEL * 100_000  # trailing marks are the word's


def test_a_10_mb_line(geoparser, tmp_path):
    """One line of 10 MB (no line break), in memory and as a file read in chunks of about 1 MB."""
    filler = "وقال المتحدث إن الوضع الإنساني يزداد سوءا مع اقتراب فصل الشتاء، "
    news = "قصفت الطائرات حي الكلاسة في حلب، واجتمع الوفدان في جنيف؛ "
    block = filler * 60 + news
    text = block * (10_000_000 // len(block.encode("utf-8")) + 1)
    assert len(text.encode("utf-8")) >= 10_000_000 and "\n" not in text
    tried("extract, 10 MB line")
    mentions = geoparser.extract(text)
    check_mentions(text, mentions)
    assert len(mentions) >= 3 * text.count(news)
    path = tmp_path / "line.txt"
    path.write_text(text, encoding="utf-8")
    tried("extract, 10 MB line")
    from_file = geoparser.extract_file(path)
    check_mentions(text, from_file)
    assert [(m.start, m.place_id) for m in from_file] == [(m.start, m.place_id) for m in mentions]


def test_random_mutations_of_the_seed_articles(geoparser):
    """Classic mutation fuzzing: flip, insert and delete characters of real articles."""
    from seeds import seeds_directory

    articles = [p.read_text(encoding="utf-8") for p in sorted(seeds_directory().glob("*.txt"))]
    generator = random.Random(20261122)
    alphabet = ARABIC_LETTERS + MARKS + CONTROLS + PRESENTATION + OTHER
    for _ in range(EXAMPLES):
        text = list(generator.choice(articles))
        for _ in range(generator.randint(1, 40)):
            where = generator.randrange(len(text) + 1)
            action = generator.random()
            if action < 0.4:
                text.insert(where, generator.choice(alphabet))
            elif action < 0.7 and where < len(text):
                del text[where]
            elif where < len(text):
                text[where] = generator.choice(alphabet)
        mutated = "".join(text)
        tried("extract, mutated articles")
        mentions = geoparser.extract(mutated)
        check_mentions(mutated, mentions)
        assert mentions == geoparser.extract(mutated)
