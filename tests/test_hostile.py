"""What a hostile user can feed the command line, case by case, on both local engines and with more
than 32 documents, the pool named explicitly (``--engine process``; ``auto`` starts it only for
larger inputs).

Every case ends the same way: one line on stderr per thing that failed, naming the input; an exit
code that says something failed; every good document's mentions in the output; an earlier output
left byte for byte as it was when the run could not replace it with a complete new one; and never a
traceback, a forged line or a terminal escape. The numbers are those of the reliability issue.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from filesystems import full_disk, read_only
from seeds import seeds_directory

ENGINES = ("inline", "process")
#: More than 32 documents: several batches, more than one in flight on each worker.
GOOD = 40
TEXT = "سقطت قذائف على مدينة حلب صباح اليوم"
PRECIOUS = b"PRECIOUS: last week's output\n"
FORMATS = ("jsonl", "csv", "geojson", "parquet")
SUMMARY = re.compile(r"^\d+ documents, \d+ mentions, \d+ failed")


@dataclass
class Result:
    code: int
    out: bytes
    err: str

    @property
    def errors(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.startswith("geo: error: ")]


def geo(*args, engine: str = "inline", cwd: Path, input: bytes | None = None, env: dict | None = None,
        preexec_fn=None, strict: bool = True) -> Result:
    """Run the command line as a user would; check that stderr holds nothing but message lines
    (``strict=False``: argparse's usage lines allowed too)."""
    environment = dict(os.environ)
    environment.pop("GEO_GAZETTEER", None)
    environment["GEO_NO_WORLD"] = "1"
    environment.update(env or {})
    command = [sys.executable, "-m", "geo.cli", *map(str, args)]
    if args and args[0] in ("extract", "map"):
        command += ["--engine", engine] + (["--workers", "2"] if engine == "process" else [])
    done = subprocess.run(command, input=input, capture_output=True, cwd=cwd, env=environment, timeout=600,
                          preexec_fn=preexec_fn)
    result = Result(done.returncode, done.stdout, done.stderr.decode("utf-8", "replace"))
    if strict:
        clean(result.err)
    else:
        assert "Traceback" not in result.err, result.err
    return result


def clean(err: str) -> None:
    assert "Traceback" not in err and "\x1b" not in err, err
    for line in err.splitlines():
        assert line.startswith(("geo: ", "wrote ")) or SUMMARY.match(line), f"unexpected stderr line {line!r}"


def articles(folder: Path, count: int = GOOD) -> list[str]:
    """``count`` one-sentence articles; their document ids (paths relative to the folder's parent)."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        (folder / f"a{number:02d}.txt").write_text(f"{TEXT} {number}", encoding="utf-8")
    return [f"{folder.name}/a{number:02d}.txt" for number in range(count)]


def corpus(path: Path, bad: dict[int, str] | None = None, count: int = GOOD, **columns) -> list[str]:
    """A JSONL corpus of ``count`` good rows (ids r00 ...), with raw ``bad`` lines put after the row
    of each key; the good ids."""
    lines = []
    for number in range(count):
        row = {"id": f"r{number:02d}", "text": f"{TEXT} {number}", **columns}
        lines.append(json.dumps(row, ensure_ascii=False))
        if bad and number in bad:
            lines.append(bad[number])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [f"r{number:02d}" for number in range(count)]


def documents(path: Path, fmt: str) -> Counter:
    """Mentions per document in an output file of ``geo extract``."""
    if fmt == "jsonl":
        docs = [json.loads(line)["doc"] for line in path.read_text(encoding="utf-8").splitlines()]
    elif fmt == "csv":
        docs = [row["doc"] for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))]
    elif fmt == "geojson":
        docs = [f["properties"]["doc"] for f in json.loads(path.read_text(encoding="utf-8"))["features"]]
    else:
        import pyarrow.parquet as pq

        docs = pq.read_table(path, columns=["doc"]).column("doc").to_pylist()
    return Counter(docs)


def no_temporary_files(folder: Path) -> None:
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".") and ".tmp" in p.name]


# -- 1: an error that crosses a process boundary -------------------------------------------------------
@pytest.mark.parametrize("engine", ENGINES)
def test_1_an_unreadable_file_among_forty(engine, tmp_path):
    ids = articles(tmp_path / "d")
    (tmp_path / "d" / "bad.txt").write_bytes(b"x\xff")
    result = geo("extract", "d", "--out", "o.jsonl", engine=engine, cwd=tmp_path)
    assert result.code == 1
    [line] = result.errors
    assert line.startswith("geo: error: d/bad.txt: not utf-8 text")
    assert set(documents(tmp_path / "o.jsonl", "jsonl")) == set(ids)


@pytest.mark.parametrize("engine", ENGINES)
def test_1_a_missing_path_beside_a_corpus(engine, tmp_path):
    ids = corpus(tmp_path / "c.jsonl")
    result = geo("extract", "c.jsonl", "missing.txt", "--out", "o.jsonl", engine=engine, cwd=tmp_path)
    assert result.code == 1 and result.errors == ["geo: error: missing.txt: no such file"]
    assert set(documents(tmp_path / "o.jsonl", "jsonl")) == set(ids)


@pytest.mark.parametrize("engine", ENGINES)
def test_1_random_bytes_on_stdin(engine, tmp_path):
    ids = articles(tmp_path / "d")
    noise = bytes((i * 151 + 7) % 256 for i in range(4096))
    result = geo("extract", "-", "d", "--out", "o.jsonl", engine=engine, cwd=tmp_path, input=noise)
    assert result.code == 1
    [line] = result.errors
    assert line.startswith("geo: error: -: ")
    assert set(documents(tmp_path / "o.jsonl", "jsonl")) == set(ids)


@pytest.mark.parametrize("engine", ENGINES)
def test_1_a_map_with_an_unreadable_file(engine, tmp_path):
    articles(tmp_path / "d")
    (tmp_path / "d" / "bad.txt").write_bytes(b"x\xff")
    result = geo("map", "d", "--out", "m.html", engine=engine, cwd=tmp_path)
    assert result.code == 1 and len(result.errors) == 1 and "d/bad.txt" in result.errors[0]
    assert f"wrote m.html ({GOOD} mentions)" in result.err
    assert (tmp_path / "m.html").read_text(encoding="utf-8").rstrip().endswith("</html>")


# -- 2: one broken row ----------------------------------------------------------------------------------
BAD_ROWS = {
    3: '{"id": "surrogate", "text": "\\ud800 قصف على حلب"}',
    9: '{"id": "deep", "text": ' + "[" * 100_000 + "]" * 100_000 + "}",
    15: '{"id": "far", "text": "قصف على حلب", "date": "0001-01-01T00:00:00+14:00"}',
}


@pytest.mark.parametrize("fmt", [*FORMATS, "map"])
@pytest.mark.parametrize("engine", ENGINES)
def test_2_broken_rows_fail_alone_in_every_format(engine, fmt, tmp_path):
    ids = corpus(tmp_path / "c.jsonl", BAD_ROWS)
    out = tmp_path / ("m.html" if fmt == "map" else f"o.{fmt}")
    if fmt == "map":
        result = geo("map", "c.jsonl", "--out", out.name, engine=engine, cwd=tmp_path)
    else:
        result = geo("extract", "c.jsonl", "--format", fmt, "--out", out.name, engine=engine, cwd=tmp_path)
    assert result.code == 1
    surrogate, deep, far = result.errors
    assert surrogate.startswith("geo: error: c.jsonl:5 (id 'surrogate'): ") and "surrogate" in surrogate
    assert deep.startswith("geo: error: c.jsonl:12: ") and "nested" in deep
    assert far.startswith("geo: error: c.jsonl:19 (id 'far'): ") and "out of range" in far
    if fmt == "map":
        assert f"wrote m.html ({GOOD} mentions)" in result.err
    else:
        assert set(documents(out, fmt)) == set(ids)


@pytest.mark.parametrize("engine", ENGINES)
def test_2_date_bounds_at_the_ends_of_time(engine, tmp_path):
    ids = corpus(tmp_path / "c.jsonl", BAD_ROWS, date="2016-12-01")
    result = geo("extract", "c.jsonl", "--from", "0001-01-02", "--to", "9999-12-31", "--out", "o.jsonl",
                 engine=engine, cwd=tmp_path)
    assert result.code == 1 and len(result.errors) == 3
    assert set(documents(tmp_path / "o.jsonl", "jsonl")) == set(ids)
    for flag in ("--from", "--to"):
        result = geo("extract", "c.jsonl", flag, "0001-01-01T00:00:00+14:00", engine=engine, cwd=tmp_path)
        assert result.code == 2 and result.errors == [
            f"geo: error: {flag} '0001-01-01T00:00:00+14:00': out of range (before year 1 in UTC)"]
        assert result.out == b""


# -- 3: the cache is data ------------------------------------------------------------------------------
class Payload:
    """A pickle that runs a shell command when it is loaded."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


@pytest.mark.parametrize("engine", ENGINES)
def test_3_a_planted_cache_runs_nothing_and_is_rebuilt(engine, tmp_path):
    import pickle

    ids = articles(tmp_path / "d")
    cache = tmp_path / "cache"
    env = {"GEO_CACHE_DIR": str(cache)}
    assert geo("map", "d", "--out", "first.html", engine=engine, cwd=tmp_path, env=env).code == 0
    planted = sorted(p.name for p in cache.iterdir())
    assert any(name.startswith("index-") for name in planted), planted
    marker = tmp_path / "pwned"
    bomb = pickle.dumps(Payload(f"touch {marker}"))
    for path in cache.iterdir():
        path.write_bytes(bomb)
    # Where earlier versions looked, too: a pickle under the index name, the assets as JSON.
    (cache / "index-0123456789abcdef01234567.pickle").write_bytes(bomb)
    script = "window.PWNED=1;document.title='PWNED'"
    (cache / "offlinefolium-0.20.0.2.json").write_text(json.dumps(
        {"https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": script}), encoding="utf-8")
    result = geo("extract", "d", "--out", "o.jsonl", engine=engine, cwd=tmp_path, env=env)
    assert result.code == 0 and set(documents(tmp_path / "o.jsonl", "jsonl")) == set(ids)
    result = geo("map", "d", "--out", "m.html", engine=engine, cwd=tmp_path, env=env)
    assert result.code == 0 and "PWNED" not in (tmp_path / "m.html").read_text(encoding="utf-8")
    assert not marker.exists()
    # Rebuilt: the index file is sound again and used by the next run.
    index = next(p for p in cache.iterdir() if p.name.startswith("index-") and p.suffix == ".json")
    assert index.read_bytes() != bomb


def test_3_an_edited_cache_file_is_refused_by_its_hash(tmp_path):
    articles(tmp_path / "d")
    cache = tmp_path / "cache"
    env = {"GEO_CACHE_DIR": str(cache)}
    assert geo("extract", "d", "--out", "a.jsonl", cwd=tmp_path, env=env).code == 0
    [index] = cache.glob("index-*.json")
    # The payload changed, the hash in the header not: Aleppo moved to the sea.
    data = index.read_bytes()
    edited = data.replace(b"36.2", b"35.0")
    assert edited != data
    index.write_bytes(edited)
    assert geo("extract", "d", "--out", "b.jsonl", cwd=tmp_path, env=env).code == 0
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    from geo.cache import read
    from geo.compiled import KIND

    assert read(index, KIND) is not None and b"36.2" in index.read_bytes()  # rebuilt


def test_3_a_cache_folder_others_can_write_is_not_used(tmp_path):
    ids = articles(tmp_path / "d")
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o777)
    result = geo("extract", "d", "--out", "o.jsonl", engine="process", cwd=tmp_path, env={"GEO_CACHE_DIR": str(cache)})
    assert result.code == 0 and set(documents(tmp_path / "o.jsonl", "jsonl")) == set(ids)
    assert result.err.splitlines()[0] == (f"geo: warning: cache folder {cache} is writable by other users; "
                                          "not used (set GEO_CACHE_DIR)")
    assert list(cache.iterdir()) == []


# -- 4: a failed run keeps the earlier output ----------------------------------------------------------
@pytest.mark.parametrize("fmt", [*FORMATS, "map"])
@pytest.mark.parametrize("engine", ENGINES)
def test_4_a_run_with_nothing_to_read_keeps_the_earlier_output(engine, fmt, tmp_path):
    out = tmp_path / ("keep.html" if fmt == "map" else f"keep.{fmt}")
    out.write_bytes(PRECIOUS)
    if fmt == "map":
        result = geo("map", "/nonexistent.txt", "--out", out.name, engine=engine, cwd=tmp_path)
    else:
        result = geo("extract", "/nonexistent.txt", "--format", fmt, "--out", out.name, engine=engine, cwd=tmp_path)
    assert result.code == 1 and result.errors[0] == "geo: error: /nonexistent.txt: no such file"
    assert len(result.errors) <= 2 and out.read_bytes() == PRECIOUS
    no_temporary_files(tmp_path)


@pytest.fixture(scope="module")
def seed_corpus(tmp_path_factory) -> Path:
    """Seed-length articles enough for a run of several seconds, as one JSONL file."""
    folder = tmp_path_factory.mktemp("seeds")
    texts = [p.read_text(encoding="utf-8-sig") for p in sorted(seeds_directory().glob("*.txt"))]
    path = folder / "seeds.jsonl"
    with path.open("w", encoding="utf-8") as stream:
        for number in range(3000):
            stream.write(json.dumps({"id": f"s{number}", "text": texts[number % len(texts)]}, ensure_ascii=False))
            stream.write("\n")
    return path


@pytest.mark.parametrize("fmt", [*FORMATS, "map"])
@pytest.mark.parametrize("engine", ENGINES)
def test_4_a_full_disk_keeps_the_earlier_output(engine, fmt, tmp_path, seed_corpus):
    with full_disk(tmp_path / "disk", size_kb=40) as (disk, limit):
        out = disk / ("keep.html" if fmt == "map" else f"keep.{fmt}")
        out.write_bytes(PRECIOUS * 1000)
        corpus = tmp_path / "c.jsonl"
        corpus.write_text("".join(seed_corpus.open(encoding="utf-8").readlines()[:GOOD]), encoding="utf-8")
        if fmt == "map":
            result = geo("map", corpus, "--out", out, engine=engine, cwd=tmp_path, preexec_fn=limit)
        else:
            result = geo("extract", corpus, "--format", fmt, "--out", out, engine=engine, cwd=tmp_path,
                         preexec_fn=limit)
        assert result.code == 1
        [line] = result.errors
        assert line.startswith(f"geo: error: {out}: cannot write") and "unchanged" in line, line
        assert out.read_bytes() == PRECIOUS * 1000
        no_temporary_files(disk)


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize(("engine", "fmt", "signum"), [
    ("process", "jsonl", signal.SIGTERM), ("process", "parquet", signal.SIGTERM),
    ("process", "jsonl", signal.SIGINT), ("inline", "csv", signal.SIGTERM), ("process", "map", signal.SIGTERM),
])
def test_4_and_5_a_signal_stops_the_run_and_every_process_of_it(engine, fmt, signum, tmp_path, seed_corpus):
    """``setsid geo extract ... & kill -TERM $!``: the run ends with 143 (130 for SIGINT, sent to the
    whole group as a terminal's Ctrl-C is), one line, the earlier output as it was, no temporary file
    and no process of its group left."""
    out = tmp_path / ("keep.html" if fmt == "map" else f"keep.{fmt}")
    out.write_bytes(PRECIOUS)
    command = [sys.executable, "-m", "geo.cli", "map" if fmt == "map" else "extract", str(seed_corpus),
               "--out", out.name, "--engine", engine]
    command += [] if fmt == "map" else ["--format", fmt]
    temporary = tmp_path / "tmp"  # where workers leave rows for the parent (geo.engines: spill)
    temporary.mkdir()
    env = {**os.environ, "GEO_NO_WORLD": "1", "TMPDIR": str(temporary)}
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    # Signal once extraction is under way: the temporary output exists and results have been written.
    while time.monotonic() < deadline and process.poll() is None:
        started = [p / out.name for p in tmp_path.iterdir() if p.name.startswith(f".{out.name}")]
        if started and (fmt == "map" or (started[0].exists() and started[0].stat().st_size > 0)):
            break
        time.sleep(0.05)
    time.sleep(0.5)
    assert process.poll() is None, process.communicate()
    if signum == signal.SIGINT:
        os.killpg(process.pid, signum)
    else:
        process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    err = err.decode("utf-8", "replace")
    clean(err)
    assert process.returncode == 128 + signum
    assert err.splitlines() == [f"geo: stopped by {signal.Signals(signum).name}; {out.name} left as it was"], err
    assert out.read_bytes() == PRECIOUS
    no_temporary_files(tmp_path)
    assert list(temporary.iterdir()) == []
    deadline = time.monotonic() + 10
    while group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not group_alive(process.pid), "a process of the run outlived it"


# -- 6: rows too long to hold -----------------------------------------------------------------------------
@pytest.mark.parametrize("engine", ENGINES)
def test_6_a_row_longer_than_max_row_bytes_fails_alone(engine, tmp_path):
    long_row = json.dumps({"id": "long", "text": "حلب " * 2000}, ensure_ascii=False)
    ids = corpus(tmp_path / "c.jsonl", {20: long_row})
    result = geo("extract", "c.jsonl", "--max-row-bytes", "4000", "--out", "o.jsonl", engine=engine, cwd=tmp_path)
    assert result.code == 1
    size = len(long_row.encode())
    assert result.errors == [f"geo: error: c.jsonl:22: row of {size:,} bytes is longer than --max-row-bytes 4,000"]
    assert set(documents(tmp_path / "o.jsonl", "jsonl")) == set(ids)


@pytest.fixture(scope="module")
def gigabyte_line(tmp_path_factory) -> Path:
    """A 1 MB ``.jsonl.gz`` whose second line unpacks to a GiB."""
    path = tmp_path_factory.mktemp("gz") / "bomb.jsonl.gz"
    block = b"x" * (1 << 20)
    with gzip.open(path, "wb", compresslevel=9) as stream:
        stream.write(json.dumps({"id": "first", "text": TEXT}, ensure_ascii=False).encode() + b"\n")
        stream.write(b'{"id": "bomb", "text": "')
        for _ in range(1024):
            stream.write(block)
        stream.write(b'"}\n')
        stream.write(json.dumps({"id": "last", "text": TEXT}, ensure_ascii=False).encode() + b"\n")
    return path


@pytest.mark.parametrize("engine", ENGINES)
def test_6_a_gigabyte_line_in_a_small_gzip_fails_alone(engine, tmp_path, gigabyte_line):
    ids = corpus(tmp_path / "c.jsonl")
    result = geo("extract", gigabyte_line, "c.jsonl", "--out", "o.jsonl", engine=engine, cwd=tmp_path)
    assert result.code == 1
    size = (1 << 30) + len('{"id": "bomb", "text": ""}')
    assert result.errors == [f"geo: error: {gigabyte_line}:2: row of {size:,} bytes is longer than "
                             "--max-row-bytes 64,000,000"]
    assert set(documents(tmp_path / "o.jsonl", "jsonl")) == {"first", "last", *ids}


@pytest.mark.parametrize("engine", ENGINES)
def test_6_a_long_row_streams_like_a_text_file(engine, tmp_path):
    """A 10 MB row is cut into pieces as a text file is: its mentions come out with offsets into the
    whole text, and the same as the same text in a .txt file gives."""
    filler = "وقال المتحدث إن الاجتماع سيعقد لاحقا. " * 400 + "\n"
    text = "".join(f"{filler}سقطت قذائف على حلب {number}\n" for number in range(400))
    ids = corpus(tmp_path / "c.jsonl", {5: json.dumps({"id": "big", "text": text}, ensure_ascii=False)})
    (tmp_path / "big.txt").write_text(text, encoding="utf-8")
    assert len(text.encode()) > 8_000_000
    result = geo("extract", "c.jsonl", "big.txt", "--out", "o.jsonl", engine=engine, cwd=tmp_path)
    assert result.code == 0, result.err
    records = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    big = [(r["start"], r["end"], r["place_id"]) for r in records if r["doc"] == "big"]
    assert big == [(r["start"], r["end"], r["place_id"]) for r in records if r["doc"] == "big.txt"]
    assert len(big) == 400 and all(text[s:e] == "حلب" for s, e, _ in big)
    assert {r["doc"] for r in records} == {*ids, "big", "big.txt"}


# -- 7: file names cannot forge messages ----------------------------------------------------------------
@pytest.mark.parametrize("engine", ENGINES)
def test_7_a_file_name_cannot_forge_a_line_or_colour_the_terminal(engine, tmp_path):
    ids = articles(tmp_path / "d")
    forged = "evil\ngeo: error: fake.txt: forged\n.txt"
    (tmp_path / "d" / forged).write_bytes(b"\xff")
    (tmp_path / "d" / "\x1b[31mred.txt").write_bytes(b"\xff")
    (tmp_path / "d" / "\u202etxt.exe.txt").write_bytes(b"\xff")
    result = geo("extract", "d", "--out", "o.jsonl", engine=engine, cwd=tmp_path)
    assert result.code == 1 and len(result.errors) == 3
    assert "geo: error: 'd/\\x1b[31mred.txt': not utf-8" in result.errors[0]
    assert "geo: error: 'd/evil\\ngeo: error: fake.txt: forged\\n.txt': not utf-8" in result.errors[1]
    assert "geo: error: 'd/\\u202etxt.exe.txt': not utf-8" in result.errors[2]
    assert set(documents(tmp_path / "o.jsonl", "jsonl")) == set(ids)


# -- 8: spreadsheet formulas -------------------------------------------------------------------------------
FORMULAS = {"title": "=HYPERLINK(\"http://evil.example\",\"click\")", "source": "@SUM(1+1)*cmd|' /C calc'!A0",
            "url": "+1-2"}


@pytest.mark.parametrize("engine", ENGINES)
def test_8_csv_output_neutralises_formulas_and_jsonl_keeps_them(engine, tmp_path):
    ids = corpus(tmp_path / "c.jsonl", **FORMULAS)
    result = geo("extract", "c.jsonl", "--format", "csv", "--out", "o.csv", engine=engine, cwd=tmp_path)
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO((tmp_path / "o.csv").read_text(encoding="utf-8"))))
    assert {r["doc"] for r in rows} == set(ids)
    for column, value in FORMULAS.items():
        assert {r[column] for r in rows} == {"'" + value}
    # Numbers are written as numbers (a negative one is not a formula).
    assert all(float(r[column]) == float(r[column].lstrip("'")) for r in rows for column in ("start", "lat", "lon"))
    result = geo("extract", "c.jsonl", "--format", "jsonl", "--out", "o.jsonl", engine=engine, cwd=tmp_path)
    records = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(r[column] == value for r in records for column, value in FORMULAS.items())


def test_8_gazetteer_export_csv_neutralises_formulas(tmp_path):
    from geo.model import COLUMNS

    row = {"id": "x-formula", "name_ar": "حي المعادلة", "name_en": "-Formula Quarter", "feature": "neighbourhood",
           "lat": "36.2", "lon": "37.15", "parent": "sy-aleppo", "country": "SY", "source": "=1+1"}
    (tmp_path / "mine.csv").write_text(",".join(COLUMNS) + "\n" + ",".join(row.get(c, "") for c in COLUMNS) + "\n",
                                       encoding="utf-8")
    result = geo("--gazetteer", "mine.csv", "gazetteer", "export", "--format", "csv", "--out", "g.csv", cwd=tmp_path)
    assert result.code == 0, result.err
    [exported] = [r for r in csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8")) if r["id"] == "x-formula"]
    assert (exported["source"], exported["name_en"], exported["lat"]) == ("'=1+1", "'-Formula Quarter", "36.2")


# -- 9: one line where a traceback was ---------------------------------------------------------------------
@pytest.mark.parametrize("fmt", [*FORMATS, "map"])
def test_9_a_read_only_output_folder_is_refused_before_the_run(fmt, tmp_path):
    articles(tmp_path / "d")
    (tmp_path / "d" / "bad.txt").write_bytes(b"\xff")  # would be reported if the run had started
    (tmp_path / "ro").mkdir()
    with read_only(tmp_path / "ro"):
        if fmt == "map":
            result = geo("map", "d", "--out", "ro/m.html", engine="process", cwd=tmp_path)
        else:
            result = geo("extract", "d", "--format", fmt, "--out", f"ro/o.{fmt}", engine="process", cwd=tmp_path)
    assert result.code != 0 and len(result.errors) == 1
    assert result.errors[0].startswith("geo: error: ro/") and "cannot write" in result.errors[0]
    assert list((tmp_path / "ro").iterdir()) == []


def test_9_gazetteer_export_to_a_read_only_folder(tmp_path):
    (tmp_path / "ro").mkdir()
    for fmt in ("geojson", "csv", "parquet"):
        with read_only(tmp_path / "ro"):
            result = geo("gazetteer", "export", "--format", fmt, "--out", f"ro/g.{fmt}", cwd=tmp_path)
        assert result.code != 0 and len(result.errors) == 1 and "cannot write" in result.errors[0]


def add_command(file: str, **changes) -> list[str]:
    values = {"--name-ar": "حي التجربة الصعبة", "--name-en": "Hostile Test", "--at": "36.21, 37.15",
              "--feature": "neighbourhood", "--parent": "sy-aleppo", "--source": "test", "--file": file, **changes}
    return ["gazetteer", "add", *[part for pair in values.items() for part in pair]]


def test_9_gazetteer_add_on_a_read_only_or_full_disk(tmp_path):
    from geo.model import COLUMNS

    (tmp_path / "ro").mkdir()
    (tmp_path / "ro" / "mine.csv").write_text(",".join(COLUMNS) + "\n", encoding="utf-8")
    with read_only(tmp_path / "ro"):
        result = geo(*add_command("ro/mine.csv"), cwd=tmp_path)
    assert result.code != 0 and len(result.errors) == 1 and "ro/mine.csv" in result.errors[0]
    with full_disk(tmp_path / "disk", size_kb=16) as (disk, limit):
        before = ",".join(COLUMNS) + "\n"
        (disk / "mine.csv").write_text(before, encoding="utf-8")
        (disk / "fill").write_bytes(b"\0" * 12288)
        result = geo(*add_command(str(disk / "mine.csv")), cwd=tmp_path, preexec_fn=limit)
        assert result.code != 0 and len(result.errors) == 1, result.err
        assert (disk / "mine.csv").read_text(encoding="utf-8") == before


def test_9_a_population_of_five_thousand_digits(tmp_path):
    from geo.model import COLUMNS

    row = {"id": "x-big", "name_ar": "حي كبير", "name_en": "Big", "feature": "neighbourhood", "lat": "36.2",
           "lon": "37.15", "parent": "sy-aleppo", "country": "SY", "population": "9" * 5000, "source": "test"}
    (tmp_path / "big.csv").write_text(",".join(COLUMNS) + "\n" + ",".join(row.get(c, "") for c in COLUMNS) + "\n",
                                      encoding="utf-8")
    result = geo("gazetteer", "validate", "big.csv", cwd=tmp_path)
    assert result.code == 1 and result.out.decode().startswith("big.csv:2: population")
    articles(tmp_path / "d", 1)
    result = geo("--gazetteer", "big.csv", "extract", "d", cwd=tmp_path)
    assert result.code == 1 and len(result.errors) == 1 and "big.csv:2: population" in result.errors[0]
    result = geo(*add_command("big2.csv", **{"--population": "9" * 5000}), cwd=tmp_path, strict=False)
    assert result.code == 2
    last = result.err.splitlines()[-1]
    assert last == "geo gazetteer add: error: argument --population: a number of 5,000 digits is not a real population"
    assert len(result.err) < 1000  # the number is not echoed back
    assert not (tmp_path / "big2.csv").exists()


# -- 10: nothing skipped without a word ----------------------------------------------------------------------
@pytest.mark.parametrize("engine", ENGINES)
def test_10_links_that_lead_nowhere_or_round_in_circles_are_reported(engine, tmp_path):
    ids = articles(tmp_path / "d")
    (tmp_path / "d" / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "d" / "sub").mkdir()
    (tmp_path / "d" / "sub" / "loop").symlink_to(tmp_path / "d" / "sub")
    (tmp_path / "d" / "sub" / "x.txt").write_text(TEXT, encoding="utf-8")
    result = geo("extract", "d", "--out", "o.jsonl", engine=engine, cwd=tmp_path)
    assert result.code == 1
    assert result.errors == ["geo: error: d/gone.txt: dangling link (its target does not exist); skipped",
                             "geo: error: d/sub/loop: link loop (leads back to d/sub); skipped"]
    assert set(documents(tmp_path / "o.jsonl", "jsonl")) == {*ids, "d/sub/x.txt"}


def test_10_a_gazetteer_folder_with_nothing_to_load_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    articles(tmp_path / "d", 1)
    result = geo("extract", "d", cwd=tmp_path, env={"GEO_GAZETTEER": str(tmp_path / "empty")})
    assert result.code != 0 and len(result.errors) == 1
    assert f"{tmp_path / 'empty'}: folder holds no .csv files" in result.errors[0]


def csv_corpus(rows: list[str]) -> str:
    return "id,text\n" + "".join(f"{row}\n" for row in rows)


@pytest.mark.parametrize("engine", ENGINES)
def test_10_an_unterminated_quote_does_not_swallow_the_rest(engine, tmp_path):
    rows = [f"r{n:02d},{TEXT} {n}" for n in range(GOOD)]
    rows.insert(20, 'broken,"this quote never ends')
    (tmp_path / "c.csv").write_text(csv_corpus(rows), encoding="utf-8")
    result = geo("extract", "c.csv", "--out", "o.jsonl", engine=engine, cwd=tmp_path)
    assert result.code == 1
    assert result.errors == ["geo: error: c.csv:22: unterminated quote (the row runs to the end of the file); "
                             "reading goes on at line 23"]
    assert set(documents(tmp_path / "o.jsonl", "jsonl")) == {f"r{n:02d}" for n in range(GOOD)}


@pytest.mark.parametrize("engine", ENGINES)
def test_10_a_bad_byte_in_a_row_names_that_row(engine, tmp_path):
    text = csv_corpus([f"r{n:02d},{TEXT} {n}" for n in range(GOOD)]).encode()
    broken = text.replace(b"r01,", b"r01,\xff", 1)
    (tmp_path / "c.csv").write_bytes(broken)
    result = geo("extract", "c.csv", "--out", "o.jsonl", engine=engine, cwd=tmp_path)
    assert result.code == 1
    assert result.errors == ["geo: error: c.csv:3: not utf-8 text (bad byte at column 5); "
                             "if it is Windows Arabic, try --encoding cp1256"]
    assert set(documents(tmp_path / "o.jsonl", "jsonl")) == {f"r{n:02d}" for n in range(GOOD) if n != 1}


@pytest.mark.parametrize(("encoding", "hint"), [("utf-16", "--encoding utf-16"), ("cp1256", "--encoding cp1256")])
def test_10_a_csv_in_another_encoding_gets_a_hint(encoding, hint, tmp_path):
    (tmp_path / "c.csv").write_bytes(csv_corpus([f"r{n:02d},{TEXT}" for n in range(GOOD)]).encode(encoding))
    result = geo("extract", "c.csv", "--out", "o.jsonl", engine="process", cwd=tmp_path)
    assert result.code == 1 and hint in result.errors[0] and len(result.errors) == 2, result.err
    assert result.errors[1] == "geo: error: o.jsonl: not written: none of the inputs could be read"
    result = geo("extract", "c.csv", "--encoding", encoding, "--out", "o.jsonl", engine="process", cwd=tmp_path)
    assert result.code == 0 and len(documents(tmp_path / "o.jsonl", "jsonl")) == GOOD
