"""A worker writes JSONL and CSV rows straight from the pipeline's findings: the very bytes that
``jsonl_lines`` and ``csv_rows`` write for the same mentions, whatever the text."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from seeds import seeds_directory

from geo.records import csv_rows, jsonl_lines

ROOT = Path(__file__).resolve().parents[1]

#: Our own sentences for what the seed articles may not hold: names the gazetteer lacks (with and
#: without a container), "near" words, metonymy, vowelled and stretched text, formula-like
#: sentences and headlines, quotes and commas inside a cell, a sentence too long for a popup.
OWN_TEXTS = [
    "قصفت الطائرات حي الزهور بمدينة حلب، وقرية المنطار في ريف حلب الجنوبي.",
    "=HYPERLINK(\"http://x\") قصف على حلب، و+قصف على دمشق.\n@تقرير: اشتباكات قرب منبج.\n-ادلب تحت القصف.",
    "قالت موسكو إن المحادثات في جنيف ستستأنف، وردت واشنطن بأن مؤتمر أستانا لم ينجح.",
    "قَصَفَتْ الطَّائِرَاتُ مَدِينَةَ حَلَبَ وَرِيفَ إِدْلِبَ الجَنُوبِيَّ",
    "وصل الوفد إلى حـــلب ثم إلى دمــشق، \"في حمص\" قالوا: «الرقة».",
    "اشتباكات في حي الفردوس في مدينة منبج وفي بلدة كفرنبل. " + "كلمة " * 120 + "ثم غارة على حلب " + "كلمة " * 120,
    "هاجم مسلحون قرية أم الخير ومخيم اليرموك جنوب دمشق، كما قصفت مدينة ادلب.",
]


def texts() -> list[str]:
    found = [path.read_text(encoding="utf-8-sig") for path in sorted(seeds_directory().glob("*.txt"))]
    found += [path.read_text(encoding="utf-8") for path in sorted((ROOT / "examples" / "articles").glob("*.txt"))]
    devset = seeds_directory().parent / "benchmarks" / "devset" / "dev.jsonl"
    if devset.is_file():
        found += [json.loads(line)["text"] for line in devset.read_text(encoding="utf-8").splitlines() if line]
    return found + OWN_TEXTS


#: (doc, offset, date, title, url, source) the rows are written with: a plain file, a chunk further
#: into a long document, a corpus row whose headline and source look like formulas.
DOCUMENTS = [
    ("a/b.txt", 0, ("", "", "", "")),
    ("long.txt", 524_288, ("", "", "", "")),
    ("=cmd|' /C calc'!A0", 17, ("2016-12-01", "=HYPERLINK(\"x\")", "https://news.example/1", "-publisher")),
]


@pytest.fixture(scope="module")
def findings(geoparser):
    found = [geoparser.analyse(text) for text in texts()]
    assert sum(f is not None for f in found) > 50
    return [f for f in found if f is not None]


def mentions_of(geoparser, findings, doc, offset, metadata):
    mentions = geoparser.mentions(findings, doc, offset)
    for mention in mentions:
        mention.date, mention.title, mention.url, mention.source = metadata
    return mentions


@pytest.mark.parametrize(("doc", "offset", "metadata"), DOCUMENTS)
def test_jsonl_from_findings_is_jsonl_of_the_mentions(geoparser, findings, doc, offset, metadata):
    encoder = geoparser.encoder
    unresolved = 0
    for found in findings:
        buffer = bytearray(b"before\n")
        count = encoder.jsonl(buffer, found, doc, offset, metadata)
        mentions = mentions_of(geoparser, found, doc, offset, metadata)
        assert bytes(buffer) == b"before\n" + jsonl_lines(mentions)
        assert count == len(mentions)
        unresolved += sum(m.status == "unresolved" for m in mentions)
    assert unresolved >= 3  # names the gazetteer lacks took the encoder's other path too


@pytest.mark.parametrize(("doc", "offset", "metadata"), DOCUMENTS)
def test_csv_from_findings_is_csv_of_the_mentions(geoparser, findings, doc, offset, metadata):
    encoder = geoparser.encoder
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    expected = []
    for found in findings:
        count = encoder.csv(writer, found, doc, offset, metadata)
        mentions = mentions_of(geoparser, found, doc, offset, metadata)
        assert count == len(mentions)
        expected.append(csv_rows(mentions))
    assert stream.getvalue().encode() == b"".join(expected)
    assert b"'=HYPERLINK" in b"".join(expected) or doc == "a/b.txt"


def test_a_lone_surrogate_is_written_as_jsonl_lines_writes_it(geoparser):
    """Text from the Python API may hold a lone surrogate, which UTF-8 cannot carry: escaped."""
    found = geoparser.analyse("\ud800 قصف على حلب ثم على دمشق")
    buffer = bytearray()
    count = geoparser.encoder.jsonl(buffer, found, "doc", 0, ("", "", "", ""))
    mentions = geoparser.mentions(found, "doc", 0)
    assert count == len(mentions) == 2
    assert bytes(buffer) == jsonl_lines(mentions)
    assert b"\\ud800" in bytes(buffer)
    assert [json.loads(line)["place_id"] for line in bytes(buffer).splitlines()] == ["sy-aleppo", "sy-damascus"]
