"""The engines give exactly the single-process output: a pool of local processes, and Dask on a
2-worker LocalCluster (dashboard off, loopback only). Bad documents fail alone, on any engine."""

from __future__ import annotations

import json
import pickle

import pytest
from conftest import run_geo
from seeds import seeds_directory

from geo.batch import RunOptions, RunReport, corpus_mentions, record
from geo.corpus import Document
from geo.engines import DaskEngine, ParserState, ProcessEngine, extract_batch, make_engine, text_chunks

SEEDS = sorted(seeds_directory().glob("*.txt"))
DOCUMENTS = 150


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """150 seed articles with varied ids and dates, two broken rows, and a text file."""
    folder = tmp_path_factory.mktemp("engines")
    path = folder / "corpus.jsonl"
    texts = [p.read_text(encoding="utf-8-sig") for p in SEEDS]
    with path.open("w", encoding="utf-8") as stream:
        for i in range(DOCUMENTS):
            item = {"id": f"n-{i:04d}", "text": texts[i % len(texts)], "date": f"2016-12-{1 + i % 28:02d}",
                    "title": f"Report {i}", "url": f"https://news.example/{i}"}
            stream.write(json.dumps(item, ensure_ascii=False) + "\n")
            if i == 70:
                stream.write('{"id": "broken", "text": null}\n{oops\n')
    (folder / "z.txt").write_text("قصف على حلب", encoding="utf-8")
    return [str(path), str(folder / "z.txt")]


def run(parser, paths, engine=None) -> tuple[list[dict], RunReport]:
    report = RunReport()
    options = RunOptions(engine="inline")
    return [record(m) for m in corpus_mentions(parser, paths, options, report, engine=engine)], report


@pytest.fixture(scope="module")
def single(geoparser, corpus):
    return run(geoparser, corpus)


def _same(records, report, single):
    expected, expected_report = single
    assert records == expected  # same mentions, same order
    def by_doc(r):
        return (r["doc"], r["start"])

    assert sorted(records, key=by_doc) == sorted(expected, key=by_doc)
    assert (report.documents, report.mentions) == (expected_report.documents, expected_report.mentions)
    assert [str(f) for f in report.failures] == [str(f) for f in expected_report.failures]


def test_single_process_reference(single):
    records, report = single
    assert report.documents == DOCUMENTS + 3 and report.failed == 2
    assert {r["doc"] for r in records} >= {"n-0000", "n-0149"} and records[-1]["place_id"] == "sy-aleppo"


def test_a_pool_of_two_processes_gives_exactly_the_single_process_output(geoparser, corpus, single):
    records, report = run(geoparser, corpus, ProcessEngine(workers=2))
    _same(records, report, single)


def test_dask_on_a_two_worker_local_cluster_gives_exactly_the_single_process_output(geoparser, corpus, single):
    engine = DaskEngine(workers=2, cluster_options={"threads_per_worker": 1, "processes": True,
                                                    "dashboard_address": None, "host": "127.0.0.1"})
    records, report = run(geoparser, corpus, engine)
    _same(records, report, single)


def test_the_parser_state_rebuilds_the_same_parser(geoparser):
    state = pickle.loads(pickle.dumps(ParserState.of(geoparser)))
    text = SEEDS[0].read_text(encoding="utf-8-sig")
    assert [record(m) for m in state.build().extract(text, "a")] == [record(m) for m in geoparser.extract(text, "a")]


def test_a_document_that_breaks_the_extractor_fails_alone(geoparser):
    class Exploding:
        def __getattr__(self, name):
            return getattr(geoparser, name)

        def extract(self, text, doc="", offset=0):
            if "boom" in text:
                raise RuntimeError("kaboom")
            return geoparser.extract(text, doc, offset)

    result = extract_batch(Exploding(), [Document("a", "قصف على حلب"), Document("b", "boom", origin="c.jsonl:2"),
                                         Document("c", "محادثات في جنيف")])
    assert [m.doc for m in result.mentions] == ["a", "c"] and result.documents == 3
    assert [str(f) for f in result.failures] == ["c.jsonl:2 (id 'b'): extraction failed: RuntimeError: kaboom"]


def test_long_documents_are_cut_at_line_breaks():
    text = ("سطر " * 30 + "\n") * 100
    chunks = list(text_chunks(text, size=1000))
    assert "".join(c for _, c in chunks) == text and all(c.endswith("\n") for _, c in chunks)
    assert [o for o, _ in chunks] == [sum(len(c) for _, c in chunks[:i]) for i in range(len(chunks))]


def test_engine_choice_and_cli_flags(corpus):
    assert isinstance(make_engine("auto", workers=1), type(make_engine("inline")))
    from geo.errors import UsageError

    with pytest.raises(UsageError):
        make_engine("process", scheduler="tcp://127.0.0.1:1")
    result = run_geo("extract", *corpus, "--workers", "2", "--engine", "process", env={"GEO_NO_WORLD": "1"})
    assert result.returncode == 1
    mentions = len(result.stdout.splitlines())
    assert result.stderr.splitlines()[-1] == f"{DOCUMENTS + 3} documents, {mentions} mentions, 2 failed"
    assert "(id 'broken'): missing text" in result.stderr


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet", "geojson"])
def test_output_is_byte_identical_between_engines_and_runs(corpus, tmp_path, fmt):
    outputs = []
    for number, engine in enumerate(("inline", "process", "process", "inline")):
        (tmp_path / str(number)).mkdir()
        out = tmp_path / str(number) / f"mentions.{fmt}"  # one name: GeoJSON names its layer after it
        result = run_geo("extract", *corpus, "--engine", engine, "--workers", "2", "--format", fmt, "--out", str(out),
                         env={"GEO_NO_WORLD": "1"})
        assert result.returncode == 1 and "(id 'broken'): missing text" in result.stderr  # the two broken rows
        outputs.append(out.read_bytes())
    assert len(outputs[0]) > 10_000 and outputs.count(outputs[0]) == len(outputs)


def test_engines_keep_only_a_few_batches_in_flight():
    """Bounded memory on a pool or a cluster: batches are pulled from the corpus only as results
    are taken, at most ``ahead`` of them, and results come back in input order."""
    from geo.engines import _ordered

    pulled = []

    def batches():
        for number in range(100):
            pulled.append(number)
            yield number

    class Resolved:
        def __init__(self, value):
            self.value = value

        def result(self):
            return self.value

    results = _ordered(Resolved, batches(), ahead=4)
    assert next(results) == 0 and len(pulled) == 4
    assert next(results) == 1 and len(pulled) == 5
    assert list(results) == list(range(2, 100)) and len(pulled) == 100


def test_a_corpus_run_streams_documents(geoparser, tmp_path, monkeypatch):
    """The first mentions come out after one batch of documents has been read, not the corpus."""
    import geo.batch
    from geo.batch import BATCH_DOCUMENTS

    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as stream:
        for i in range(1000):
            stream.write(json.dumps({"id": f"d{i}", "text": "قصف على حلب"}, ensure_ascii=False) + "\n")
    read = []
    original = geo.batch.read_documents

    def counting(paths, *args, **kwargs):
        for item in original(paths, *args, **kwargs):
            read.append(item)
            yield item

    monkeypatch.setattr(geo.batch, "read_documents", counting)
    mentions = corpus_mentions(geoparser, [str(path)], RunOptions(engine="inline"))
    assert next(mentions).doc == "d0"
    assert len(read) <= BATCH_DOCUMENTS + 1
    assert sum(1 for _ in mentions) == 999 and len(read) == 1000


def test_a_worker_leaves_large_rows_in_a_file_the_parent_takes_back(geoparser, tmp_path):
    """Megabytes of encoded rows go from a worker to the parent through a file in the parent's private
    folder, not the pool's pipe: the parent gets the very bytes, and the file is gone once read. A
    folder that cannot take them (gone, full) only means the rows take the pipe."""
    from dataclasses import replace
    from pathlib import Path

    from geo.engines import SPILL_BYTES, Work, _taken_back, _worker_batch

    text = SEEDS[0].read_text(encoding="utf-8-sig")
    batch = [Document(f"d-{i}", text) for i in range(8)]
    work = Work(encode="jsonl")
    expected = extract_batch(geoparser, batch, work).data
    assert len(expected) >= SPILL_BYTES
    source = ParserState.of(geoparser)
    spill = tmp_path / "rows"
    spill.mkdir()
    result = pickle.loads(pickle.dumps(_worker_batch(source, batch, replace(work, spill=str(spill)))))
    assert result.data == b"" and Path(result.spilled).parent == spill
    assert Path(result.spilled).read_bytes() == expected
    taken = _taken_back(result)
    assert taken.data == expected and not taken.spilled and list(spill.iterdir()) == []
    piped = _worker_batch(source, batch, replace(work, spill=str(tmp_path / "gone")))
    assert piped.data == expected and not piped.spilled
    small = _worker_batch(source, batch[:1], replace(Work(encode="csv"), spill=str(spill)))
    assert len(small.data) < SPILL_BYTES and small.data and not small.spilled  # a small batch takes the pipe
