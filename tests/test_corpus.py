"""Corpora: JSONL, CSV and Parquet collections of dated articles, their broken rows, date filters,
metadata in exports and popups, streamed GeoParquet, and a dated map with a time slider in a browser."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import geopandas
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import run_geo
from seeds import seeds_directory

from geo.batch import RECORD_FIELDS, RunOptions, RunReport, corpus_mentions, record
from geo.corpus import DateRange, Document, DocumentError, parse_date, read_documents
from geo.maps import render_map
from geo.maps.payload import build_map_data, link_url

SEEDS = sorted(seeds_directory().glob("*.txt"))
DATES = ["2016-12-01", "2016-12-03", "2016-12-03T09:30:00+02:00", "2016-12-10", "2017-01-05", ""]


def rows() -> list[dict]:
    """Six seed articles as corpus rows: dated (one undated), titled, linked."""
    return [
        {
            "id": f"art-{i}",
            "text": SEEDS[i % len(SEEDS)].read_text(encoding="utf-8-sig"),
            "date": DATES[i],
            "title": f"تقرير {i} <b>bold</b>",
            "url": f"https://news.example/{i}" if i != 2 else "javascript:alert(1)",
            "source": "Seed wire",
        }
        for i in range(len(DATES))
    ]


def write_jsonl(path: Path, items: list[dict], extra_lines: tuple[str, ...] = ()) -> Path:
    with path.open("w", encoding="utf-8") as stream:
        for item in items:
            stream.write(json.dumps(item, ensure_ascii=False) + "\n")
        for line in extra_lines:
            stream.write(line + "\n")
    return path


def write_csv(path: Path, items: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=["id", "text", "date", "title", "url", "source"])
        writer.writeheader()
        writer.writerows(items)
    return path


def write_parquet(path: Path, items: list[dict]) -> Path:
    pq.write_table(pa.Table.from_pylist(items), path, row_group_size=2)
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("corpus")
    return {
        "jsonl": write_jsonl(folder / "c.jsonl", rows()),
        "csv": write_csv(folder / "c.csv", rows()),
        "parquet": write_parquet(folder / "c.parquet", rows()),
    }


@pytest.fixture(scope="module")
def expected(geoparser) -> list[dict]:
    """What the same articles give as plain text, with the metadata added."""
    out = []
    for i, row in enumerate(rows()):
        for mention in geoparser.extract(row["text"], doc=row["id"]):
            item = record(mention)
            item.update(date=parse_date(DATES[i]), title=row["title"], url=row["url"], source=row["source"])
            out.append(item)
    return out


@pytest.mark.parametrize("kind", ["jsonl", "csv", "parquet"])
def test_each_format_gives_the_mentions_of_its_articles_with_their_metadata(geoparser, corpus, expected, kind):
    report = RunReport()
    found = [record(m) for m in corpus_mentions(geoparser, [str(corpus[kind])], RunOptions(engine="inline"), report)]
    assert found == expected
    assert (report.documents, report.failed, report.corpus) == (6, 0, True)
    assert found[0]["title"] == "تقرير 0 <b>bold</b>" and found[0]["date"] == "2016-12-01"


def test_a_folder_mixing_formats_and_text_files(geoparser, corpus, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    write_jsonl(folder / "a.jsonl", rows()[:2])
    write_parquet(folder / "b.parquet", rows()[2:4])
    write_csv(folder / "c.csv", rows()[4:])
    (folder / "d.txt").write_text("قصف على حلب", encoding="utf-8")
    (folder / "notes.md").write_text("حلب", encoding="utf-8")
    items = list(read_documents([str(folder)]))
    assert [d.id for d in items] == ["art-0", "art-1", "art-2", "art-3", "art-4", "art-5", str(folder / "d.txt")]
    assert items[-1].text is None and items[3].origin.endswith("b.parquet row 2")


def test_broken_rows_are_reported_with_file_line_and_id_and_the_rest_go_on(tmp_path):
    good = rows()[:2]
    path = write_jsonl(tmp_path / "broken.jsonl", good, (
        '{"id": "n1", "text": 42}',
        "{not json",
        '{"text": "قصف على حلب"}',
        '{"id": "d1", "text": "قصف على حلب", "date": "last Tuesday"}',
        "[1, 2]",
        "",
        '{"id": "ok", "text": "محادثات في جنيف", "date": "2016-12-20"}',
    ))
    with path.open("ab") as stream:
        stream.write(b'{"id": "bytes", "text": "\xff"}\n')
    result = run_geo("extract", str(path), env={"GEO_NO_WORLD": "1"})
    assert result.returncode == 1
    docs = {json.loads(line)["doc"] for line in result.stdout.splitlines()}
    assert docs == {"art-0", "art-1", "ok"}
    errors = result.stderr.strip().splitlines()
    assert errors[:6] == [
        f"geo: error: {path}:3 (id 'n1'): text must be a string, not int",
        f"geo: error: {path}:4: not JSON (Expecting property name enclosed in double quotes at column 2)",
        f"geo: error: {path}:5: missing id",
        f"geo: error: {path}:6 (id 'd1'): date 'last Tuesday' is not ISO 8601 (YYYY-MM-DD or a full timestamp)",
        f"geo: error: {path}:7: expected a JSON object, got list",
        f"geo: error: {path}:10: not UTF-8 (bad byte at column 26)",
    ]
    assert errors[-1] == "9 documents, " + f"{len(result.stdout.splitlines())} mentions, 6 failed"


def test_broken_csv_and_parquet_rows(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text('id,text,date\na,"قصف على حلب",2016-12-01\n,"بلا معرف",\nb,"قصف",2016-13-45\nc,"x",,extra\n',
                    encoding="utf-8")
    found = list(read_documents([str(path)]))
    assert isinstance(found[0], Document) and found[0].origin == f"{path}:2"
    assert [str(e) for e in found[1:]] == [
        f"{path}:3: missing id",
        f"{path}:4 (id 'b'): date '2016-13-45' is not ISO 8601 (YYYY-MM-DD or a full timestamp)",
        f"{path}:5 (id 'c'): more fields than the header has",
    ]
    table = pa.table({"id": ["p1", None, "p3"], "text": ["قصف على حلب", "x", None]})
    pq.write_table(table, tmp_path / "b.parquet")
    found = list(read_documents([str(tmp_path / "b.parquet")]))
    assert found[0].id == "p1"
    assert [str(e) for e in found[1:]] == [f"{tmp_path / 'b.parquet'} row 2: missing id",
                                          f"{tmp_path / 'b.parquet'} row 3 (id 'p3'): missing text"]
    pq.write_table(pa.table({"id": ["x"], "body": ["y"]}), tmp_path / "nocol.parquet")
    (error,) = read_documents([str(tmp_path / "nocol.parquet")])
    assert "no text column" in str(error)


def test_document_errors_pickle_for_worker_processes():
    import pickle

    error = DocumentError("c.jsonl", "missing text", line=3, doc_id="a")
    again = pickle.loads(pickle.dumps(error))
    assert str(again) == str(error) == "c.jsonl:3 (id 'a'): missing text"


def test_dates_and_the_from_to_filter(geoparser, corpus):
    assert parse_date("2016-12-01") == "2016-12-01"
    assert parse_date("2016-12-01T10:00:00Z") == "2016-12-01T10:00:00+00:00"
    with pytest.raises(ValueError):
        parse_date("01/12/2016")
    december = DateRange.parse("2016-12-02", "2016-12-10")
    assert "2016-12-10T23:59:00" in december and "2016-12-11" not in december and "" not in december
    assert "2016-12-02T01:00:00+02:00" not in december  # 2016-12-01 23:00 UTC
    report = RunReport()
    found = list(corpus_mentions(geoparser, [str(corpus["jsonl"])], RunOptions(engine="inline", dates=december),
                                 report))
    assert {m.doc for m in found} == {"art-1", "art-2", "art-3"}
    assert report.outside == 3 and "3 outside --from/--to" in report.summary()


def test_cli_from_to_and_geoparquet_output(corpus, tmp_path):
    out = tmp_path / "m.parquet"
    result = run_geo("extract", str(corpus["csv"]), "--format", "parquet", "--out", str(out),
                     "--from", "2016-12-03", "--to", "2016-12-31", env={"GEO_NO_WORLD": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().endswith("0 failed, 3 outside --from/--to")
    frame = geopandas.read_parquet(out)
    assert frame.crs.to_epsg() == 4326
    assert list(frame.columns) == [*RECORD_FIELDS, "geometry"]
    assert set(frame["doc"]) == {"art-1", "art-2", "art-3"}
    assert set(frame["date"]) == {"2016-12-03", "2016-12-03T09:30:00+02:00", "2016-12-10"}
    located = frame[frame["lat"].notna()]
    assert (abs(located.geometry.y - located["lat"]) < 1e-9).all()
    bad = run_geo("extract", str(corpus["csv"]), "--from", "December", env={"GEO_NO_WORLD": "1"})
    assert bad.returncode == 2 and "--from 'December'" in bad.stderr


def test_geoparquet_writer_streams_row_groups(geoparser, corpus, tmp_path):
    from geo.table import GeoParquetWriter

    mentions = list(corpus_mentions(geoparser, [str(corpus["jsonl"])], RunOptions(engine="inline")))
    with GeoParquetWriter(tmp_path / "s.parquet", rows=50) as writer:
        for mention in mentions:
            writer.write([mention])
    assert pq.ParquetFile(tmp_path / "s.parquet").num_row_groups == -(-len(mentions) // 50)
    assert geopandas.read_parquet(tmp_path / "s.parquet")["place_id"].tolist() == [m.place_id for m in mentions]


def test_popup_data_links_titles_only_to_http_urls(geoparser, corpus, gazetteer):
    mentions = list(corpus_mentions(geoparser, [str(corpus["jsonl"])], RunOptions(engine="inline")))
    data = build_map_data(mentions, gazetteer)
    info = dict(zip(data.docs, data.doc_info, strict=True))
    assert info["art-0"] == ["تقرير 0 <b>bold</b>", "https://news.example/0", "2016-12-01"]
    assert info["art-2"][1] == ""  # javascript: is never a link
    assert link_url("HTTPS://x.example/a?b=1") and not link_url("https:///nohost") and not link_url("data:,x")
    timeline = data.timeline
    assert timeline["first"] == "2016-12-01" and timeline["last"] == "2017-01-05" and timeline["window"] == 2
    days = {event[1] for event in timeline["events"]}
    assert days <= {"2016-12-01", "2016-12-03", "2016-12-10", "2017-01-05"}


def test_an_undated_map_has_no_time_layer(geoparser, gazetteer):
    mentions = geoparser.extract("قصف على حلب", doc="a.txt")
    html = render_map(mentions, gazetteer).get_root().render()
    assert "L.Timeline" not in html and build_map_data(mentions, gazetteer).timeline is None


@pytest.mark.browser
def test_a_dated_corpus_map_has_a_working_time_slider_offline(corpus, tmp_path):
    from browser import chromium, open_page

    out = tmp_path / "dated.html"
    result = run_geo("map", str(corpus["parquet"]), "--out", str(out), env={"GEO_NO_WORLD": "1"})
    assert result.returncode == 0, result.stderr
    with chromium() as browser:
        loaded = open_page(browser, out)
        assert loaded.outside == [] and loaded.errors == []
        assert loaded.evaluate("document.querySelectorAll('.leaflet-timeline-control input[type=range]').length") == 1
        # A window of two days, labelled within the period of the data (not from 30 November).
        first = loaded.evaluate("document.querySelector('.geo-time-slider .time-text').textContent")
        assert first == "2016-12-01"
        shown_first = loaded.evaluate("document.querySelectorAll('.geo-time-marker').length")
        assert shown_first > 0
        # The time layer follows the role layers: "Other mentions" is off by default, so are its
        # dated markers; the all-period markers are faded behind the dated ones.
        count = "key => document.querySelectorAll(`.geo-marker-time-${key}`).length"
        in_window = ("role => window.geoMaps[0].timeline.getLayers()"
                     ".filter(l => l.feature.properties.role === role).length")
        conflict = loaded.evaluate(count, "conflict")
        assert conflict > 0 and loaded.evaluate(count, "other") == 0 and loaded.evaluate(in_window, 2) == 0
        assert loaded.evaluate("document.querySelector('.leaflet-container').classList.contains('geo-time-on')")
        overlays = loaded.page.locator(".leaflet-control-layers-overlays label")
        overlays.filter(has_text="Conflict locations").locator("input").uncheck()
        assert loaded.evaluate(count, "conflict") == 0
        overlays.filter(has_text="Conflict locations").locator("input").check()
        assert loaded.evaluate(count, "conflict") == conflict
        overlays.filter(has_text="Other mentions").locator("input").check()
        # The dated markers are clustered like the role layers: what the timeline shows is in the
        # cluster, and on screen as single markers or as counts on cluster icons.
        in_cluster = ("role => window.geoMaps[0].timeCluster.getLayers()"
                      ".filter(l => l.feature.properties.role === role).length")
        assert loaded.evaluate(in_cluster, 2) == loaded.evaluate(in_window, 2) > 0
        on_screen = loaded.evaluate("""() => document.querySelectorAll('.geo-time-marker').length +
          Array.from(document.querySelectorAll('.geo-time-cluster'), c => Number(c.textContent))
            .reduce((a, b) => a + b, 0)""")
        assert on_screen == loaded.evaluate("window.geoMaps[0].timeCluster.getLayers().length")
        # Step to the last date: other places, the label follows.
        loaded.evaluate("() => { const s = window.geoMaps[0].slider; s.setTime(s.end); }")
        last = loaded.evaluate("document.querySelector('.geo-time-slider .time-text').textContent")
        assert last == "2017-01-05"
        ids = loaded.evaluate("Array.from(document.querySelectorAll('.geo-time-marker'), e => e.dataset.placeId)")
        assert ids
        # The slider comes and goes with its layer, and keeps its place.
        by_date = overlays.filter(has_text="By date").locator("input")
        by_date.uncheck()
        assert loaded.evaluate("document.querySelectorAll('.leaflet-timeline-control, .geo-time-marker').length") == 0
        assert not loaded.evaluate("document.querySelector('.leaflet-container').classList.contains('geo-time-on')")
        by_date.check()
        assert loaded.evaluate("document.querySelector('.geo-time-slider .time-text').textContent") == "2017-01-05"
        assert sorted(ids) == sorted(loaded.evaluate(
            "Array.from(document.querySelectorAll('.geo-time-marker'), e => e.dataset.placeId)"))
        # A popup: the document title (as text, not markup) linked to its http URL, and the date.
        # Not awaited: zoomToShowLayer may never call back if the view does not change.
        loaded.evaluate("() => { window.geoMaps[0].openPlace('sy-aleppo').catch(() => {}); }")
        loaded.page.wait_for_selector(".leaflet-popup-content .geo-popup-source", timeout=30_000)
        links = loaded.evaluate("""Array.from(document.querySelectorAll('.geo-popup-source a'),
                                   a => [a.textContent, a.getAttribute('href'), a.rel])""")
        assert links and all(href.startswith("https://news.example/") for _, href, _ in links)
        assert all("<b>bold</b>" in text and "noopener" in rel for text, _, rel in links)
        assert loaded.evaluate("document.querySelectorAll('.geo-popup-source b').length") == 0
        assert loaded.evaluate("document.querySelector('.geo-popup-source time').textContent").startswith("201")
        assert loaded.errors == [] and loaded.outside == []


def run_on_a_terminal(args: list[str], size: tuple[int, int] | None) -> tuple[int, str]:
    """Run ``geo ARGS`` with stderr on a pseudo-terminal (``size``: columns and rows, or None for
    one that reports no size, as a bare pty does); (exit code, what the terminal showed)."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    leader, follower = pty.openpty()
    if size is not None:
        columns, rows = size
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    environment = dict(os.environ, GEO_NO_WORLD="1")
    environment.pop("GEO_GAZETTEER", None)
    process = subprocess.Popen([sys.executable, "-m", "geo.cli", *args], stdout=subprocess.DEVNULL,
                               stderr=follower, env=environment)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the terminal's last writer has gone
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    return process.wait(timeout=120), shown.decode("utf-8", "replace")


@pytest.mark.parametrize("size", [(100, 30), None], ids=["sized terminal", "terminal without a size"])
def test_a_progress_bar_on_a_terminal(corpus, size):
    code, shown = run_on_a_terminal(["extract", str(corpus["jsonl"]), "--engine", "inline"], size)
    assert code == 0
    assert "6/6" in shown and "100%" in shown and "doc" in shown, shown
    assert shown.rstrip().splitlines()[-1].startswith("6 documents, ") and shown.rstrip().endswith(" 0 failed")


def test_no_progress_bar_when_stderr_is_not_a_terminal(corpus):
    result = run_geo("extract", str(corpus["jsonl"]), env={"GEO_NO_WORLD": "1"})
    assert result.returncode == 0
    assert result.stderr.splitlines() == [result.stderr.strip()] and result.stderr.startswith("6 documents, ")
    assert "%|" not in result.stderr and "\r" not in result.stderr
    forced = run_geo("extract", str(corpus["jsonl"]), "--progress", env={"GEO_NO_WORLD": "1"})
    assert "6/6" in forced.stderr and "100%" in forced.stderr


def _chunks_or_error(read, path, encoding):
    try:
        return read(path, encoding, "doc")
    except Exception as error:
        return f"{type(error).__name__}: {error}"


@pytest.mark.parametrize("encoding", ["utf-8", "UTF8", "cp1256", "utf-16", "no-such-encoding"])
def test_a_small_file_read_whole_gives_read_chunks_own_chunks_and_errors(tmp_path, encoding):
    """``file_chunks`` reads an article in one go; whatever it meets, its answer (chunks, or the
    error naming the file) is the incremental reader's."""
    from geo.corpus import CHUNK_CHARS, file_chunks, read_chunks

    article = "قصف على حلب.\nاشتباكات في ريف إدلب، وغارات على دمشق.\n"
    contents = {
        "plain": article.encode("utf-8"),
        "bom": b"\xef\xbb\xbf" + article.encode("utf-8"),
        "empty": b"",
        "nul": article.encode("utf-8") + b"\x00tail",
        "bad byte": article.encode("utf-8")[:7] + b"\xff" + article.encode("utf-8")[7:],
        "utf-16 mark": "\ufeff".encode("utf-16-le") + article.encode("utf-16-le"),
        "cp1256": article.encode("cp1256"),
        "one chunk less a character": ("ب" * (CHUNK_CHARS - 1)).encode("utf-8"),
        "exactly a chunk": ("ب" * CHUNK_CHARS).encode("utf-8"),
        "a chunk and lines": ("قصف على حلب\n" * (CHUNK_CHARS // 6)).encode("utf-8"),
    }
    for label, data in contents.items():
        path = tmp_path / f"{label}.txt"
        path.write_bytes(data)
        whole = _chunks_or_error(file_chunks, str(path), encoding)
        chunked = _chunks_or_error(lambda p, e, n: list(read_chunks(p, e, n)), str(path), encoding)
        assert whole == chunked, label
    folder = tmp_path / "a folder.txt"
    folder.mkdir()
    expected = {
        "folder": "InputError: doc: is a directory, not a text file",
        "missing": "InputError: doc: no such file",
    }
    if encoding == "no-such-encoding":  # the encoding is the user's mistake, whatever the file
        unknown = f"--encoding {encoding}: unknown text encoding (try utf-8, cp1256, utf-16)"
        expected = dict.fromkeys(expected, f"UsageError: {unknown}")
    assert _chunks_or_error(file_chunks, str(folder), encoding) == expected["folder"]
    assert _chunks_or_error(file_chunks, str(tmp_path / "missing.txt"), encoding) == expected["missing"]
