"""The command line behaves like the tools people already use: the output format follows the
``--out`` suffix, ``-`` is stdout, binary output never lands on a terminal, the same options mean the
same thing in every command, and every option and command explains itself.

Cases about what is written call ``main`` in this process (a subprocess per case costs a second);
cases about the process itself (a pipe, a terminal, no arguments, exit codes) run the real command.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import pty
import shlex
import subprocess
import sys
from pathlib import Path

import geopandas
import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import run_geo

from geo.cli import EXAMPLES, _parser, main
from geo.errors import UsageError
from geo.formats import FORMATS, choose_format

ARTICLES = "قصفت الطائرات حي الكلاسة في حلب، وعقد وفد المعارضة اجتماعا في جنيف."
EXPECTED_IDS = ["sy-aleppo-kallaseh", "sy-aleppo", "ch-geneva"]
#: Old spellings kept working but left out of --help: (command, option).
HIDDEN_ALIASES = {("search", "--json"), ("evaluate", "--misses")}


@pytest.fixture
def geo(monkeypatch, capsys, tmp_path):
    """Run ``geo ARGS...`` in this process, in ``tmp_path``: (exit code, stdout bytes, stderr)."""
    monkeypatch.delenv("GEO_GAZETTEER", raising=False)
    monkeypatch.setenv("GEO_NO_WORLD", "1")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text(ARTICLES, encoding="utf-8")

    def run(*args: str) -> tuple[int, bytes, str]:
        capsys.readouterr()
        stdout = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
        monkeypatch.setattr(sys, "stdout", stdout)
        try:
            code = main([str(a) for a in args])
        except SystemExit as exit_:  # argparse
            code = exit_.code
        stdout.flush()
        _, err = capsys.readouterr()
        assert "Traceback" not in err
        return code, stdout.buffer.getvalue(), err

    return run


def ids_of_jsonl(data: bytes) -> list[str]:
    return [json.loads(line)["place_id"] for line in data.decode("utf-8").splitlines()]


def read_back(path: Path, fmt: str) -> list[str]:
    """The place ids of a written file, read with the reader its format calls for."""
    if fmt == "jsonl":
        return ids_of_jsonl(path.read_bytes())
    if fmt == "csv":
        return pd.read_csv(path)["place_id"].tolist()
    if fmt == "parquet":
        frame = geopandas.read_parquet(path)
        assert frame.crs.to_epsg() == 4326
        return frame["place_id"].tolist()
    frame = geopandas.read_file(path)
    assert frame.crs.to_epsg() == 4326
    return frame["place_id"].tolist()


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("m.jsonl", "jsonl"), ("m.ndjson", "jsonl"), ("m.csv", "csv"), ("M.CSV", "csv"), ("m.parquet", "parquet"),
     ("m.geoparquet", "parquet"), ("m.geojson", "geojson"), ("m.gpkg", "gpkg")],
)
def test_the_format_follows_the_out_suffix(geo, tmp_path, name, fmt):
    code, out, err = geo("extract", "a.txt", "--out", name)
    assert code == 0, err
    assert out == b""
    assert read_back(tmp_path / name, fmt) == EXPECTED_IDS


def test_the_gpkg_layer_is_named_for_what_it_holds(geo, tmp_path):
    import pyogrio

    assert geo("extract", "a.txt", "--out", "m.gpkg")[0] == 0
    assert geo("gazetteer", "export", "--out", "g.gpkg")[0] == 0
    assert [layer for layer, _ in pyogrio.list_layers(tmp_path / "m.gpkg")] == ["mentions"]
    assert [layer for layer, _ in pyogrio.list_layers(tmp_path / "g.gpkg")] == ["gazetteer"]


def test_format_overrides_the_suffix(geo, tmp_path):
    assert geo("extract", "a.txt", "--out", "m.txt", "--format", "csv")[0] == 0
    assert read_back(tmp_path / "m.txt", "csv") == EXPECTED_IDS
    assert geo("extract", "a.txt", "--out", "m.csv", "--format", "jsonl")[0] == 0
    assert read_back(tmp_path / "m.csv", "jsonl") == EXPECTED_IDS


@pytest.mark.parametrize("name", ["m.xyz", "m", "m.json", "m.html"])
def test_an_unknown_suffix_is_refused_with_the_list(geo, tmp_path, name):
    code, _, err = geo("extract", "a.txt", "--out", name)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith(f"geo: error: --out {name}: ")
    for suffix in (".jsonl", ".csv", ".parquet", ".geojson", ".gpkg"):
        assert suffix in err
    assert "--format" in err
    assert not (tmp_path / name).exists()


def test_every_text_format_goes_to_stdout_with_a_dash(geo):
    code, jsonl, _ = geo("extract", "a.txt", "--out", "-")
    assert code == 0 and ids_of_jsonl(jsonl) == EXPECTED_IDS
    assert geo("extract", "a.txt")[1] == jsonl
    csv_text = geo("extract", "a.txt", "--out", "-", "--format", "csv")[1]
    assert pd.read_csv(io.BytesIO(csv_text))["place_id"].tolist() == EXPECTED_IDS
    geojson = json.loads(geo("extract", "a.txt", "--format", "geojson")[1])
    assert geojson["name"] == "mentions"
    assert [f["properties"]["place_id"] for f in geojson["features"]] == EXPECTED_IDS


def test_binary_formats_go_to_stdout_when_it_is_not_a_terminal(geo, tmp_path):
    code, data, _ = geo("extract", "a.txt", "--format", "parquet")
    assert code == 0
    assert pq.read_table(io.BytesIO(data)).column("place_id").to_pylist() == EXPECTED_IDS
    code, data, _ = geo("extract", "a.txt", "--format", "gpkg", "--out", "-")
    assert code == 0 and data.startswith(b"SQLite format 3\0")
    (tmp_path / "piped.gpkg").write_bytes(data)
    assert read_back(tmp_path / "piped.gpkg", "gpkg") == EXPECTED_IDS


def run_on_a_terminal(*args: str, cwd: Path) -> tuple[int, bytes, str]:
    """Run the real command with stdout on a pseudo-terminal: (exit code, what the terminal got, stderr)."""
    master, slave = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "GEO_GAZETTEER"} | {"GEO_NO_WORLD": "1"}
    try:
        result = subprocess.run([sys.executable, "-m", "geo.cli", *args], stdout=slave, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, cwd=cwd, env=environment, timeout=300, text=True)
    finally:
        os.close(slave)
    os.set_blocking(master, False)
    shown = b""
    try:
        while chunk := os.read(master, 65536):
            shown += chunk
    except (BlockingIOError, OSError):
        pass
    os.close(master)
    return result.returncode, shown, result.stderr


@pytest.mark.parametrize(
    "args",
    [("extract", "a.txt", "--format", "parquet"), ("extract", "a.txt", "--out", "-", "--format", "gpkg"),
     ("gazetteer", "export", "--format", "parquet"), ("map", "a.txt", "--out", "m.html", "--png", "-")],
)
def test_binary_output_is_refused_on_a_terminal_with_one_line(tmp_path, args):
    (tmp_path / "a.txt").write_text(ARTICLES, encoding="utf-8")
    code, shown, err = run_on_a_terminal(*args, cwd=tmp_path)
    assert code == 2
    assert shown == b""
    assert err.count("\n") == 1 and "binary and stdout is a terminal" in err and " FILE." in err
    assert not (tmp_path / "m.html").exists()


def test_text_goes_to_a_terminal(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLES, encoding="utf-8")
    code, shown, err = run_on_a_terminal("extract", "a.txt", "--format", "csv", cwd=tmp_path)
    assert code == 0, err
    assert shown.startswith(b"doc,start,end,surface,place_id")


def test_map_to_stdout_prints_the_page():
    result = subprocess.run(
        f"{shlex.quote(sys.executable)} -m geo.cli map examples/articles --out - | head -c 15",
        shell=True, capture_output=True, text=True, cwd=Path(__file__).parents[1], timeout=300,
        env=os.environ | {"GEO_NO_WORLD": "1"},
    )
    assert result.stdout == "<!DOCTYPE html>"
    # The reader left after 15 bytes: that is no error, and no traceback either.
    assert "Traceback" not in result.stderr and "Error" not in result.stderr


def test_map_writes_html_to_a_pipe_without_out_and_refuses_a_terminal(tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLES, encoding="utf-8")
    piped = run_geo("map", "a.txt", cwd=tmp_path, env={"GEO_NO_WORLD": "1"})
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.startswith("<!DOCTYPE html>") and piped.stdout.rstrip().endswith("</html>")
    assert "ch-geneva" in piped.stdout
    assert os.listdir(tmp_path) == ["a.txt"]
    code, shown, err = run_on_a_terminal("map", "a.txt", cwd=tmp_path)
    assert code == 2 and shown == b""
    assert err == "geo: error: geo map writes a whole HTML page: give --out FILE.html (or --out - to print it here)\n"


def test_map_out_must_be_html(geo, tmp_path):
    code, _, err = geo("map", "a.txt", "--out", "a.png")
    assert code == 2
    assert err == ("geo: error: --out a.png: this command does not write '.png' files; name a .html .htm file "
                   "(a picture is --png FILE.png)\n")


def test_map_to_stdout_with_its_layers_in_a_file(geo, tmp_path):
    code, page, err = geo("map", "a.txt", "--out", "-", "--geojson", "layers.geojson", "--fragment", "f.html")
    assert code == 0, err
    assert page.startswith(b"<!DOCTYPE html>")
    assert set(geopandas.read_file(tmp_path / "layers.geojson")["place_id"]) == set(EXPECTED_IDS)
    assert (tmp_path / "f.html").read_text(encoding="utf-8").lstrip().startswith("<")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "f.html", "layers.geojson"]
    code, layers, _ = geo("map", "a.txt", "--out", "m.html", "--geojson", "-")
    assert code == 0 and json.loads(layers)["type"] == "FeatureCollection"
    code, _, err = geo("map", "a.txt", "--out", "-", "--geojson", "-")
    assert code == 2 and err == "geo: error: --out and --geojson both name stdout (-): only one output can go there\n"


def test_gazetteer_export_writes_to_stdout_by_default(geo, tmp_path):
    code, data, err = geo("gazetteer", "export")
    assert code == 0 and err == ""
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    assert "sy-aleppo-kallaseh" in set(frame["id"])
    code, lines, _ = geo("gazetteer", "export", "--format", "jsonl")
    rows = [json.loads(line) for line in lines.decode("utf-8").splitlines()]
    assert [r["id"] for r in rows] == frame["id"].tolist()
    for name, fmt in (("g.geojson", "geojson"), ("g.parquet", "parquet"), ("g.csv", "csv"), ("g.jsonl", "jsonl")):
        assert geo("gazetteer", "export", "--out", name)[0] == 0
        text = (tmp_path / name).read_bytes()
        if fmt == "parquet":
            assert len(geopandas.read_parquet(tmp_path / name)) == len(frame)
        elif fmt == "geojson":
            assert len(json.loads(text)["features"]) == len(frame)
        else:
            assert text == (data if fmt == "csv" else lines)
    assert geo("gazetteer", "export", "--out", "g.txt")[0] == 2


def test_search_json_is_an_alias_of_format_json(geo):
    code, table, _ = geo("gazetteer", "search", "بحلب")
    assert code == 0 and table.decode().startswith("sy-aleppo\tحلب\tAleppo\t")
    new = geo("gazetteer", "search", "بحلب", "--format", "json")[1]
    assert geo("gazetteer", "search", "بحلب", "--json")[1] == new
    assert json.loads(new)[0]["id"] == "sy-aleppo"


def test_evaluate_reports_as_text_or_json_and_keeps_the_old_gold_format_spelling(geo, tmp_path):
    gold = tmp_path / "gold.txt"
    gold.write_text('{"text": "قصف على حلب", "mentions": [{"start": 8, "end": 11}]}\n', encoding="utf-8")
    code, report, err = geo("evaluate", str(gold), "--gold-format", "jsonl", "--format", "json")
    assert code == 0, err
    assert json.loads(report)["recall"] == 1.0
    assert b"recognition precision / recall / F1" in geo("evaluate", str(gold), "--gold-format", "jsonl")[1]
    # Before the report had formats, --format named the gold format (and the report was JSON).
    assert geo("evaluate", str(gold), "--format", "jsonl")[1] == report
    assert geo("evaluate", str(gold), "--gold-format", "jsonl", "--format", "json", "--out", "report.json")[1] == b""
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8")) == json.loads(report)


def test_suggest_prints_a_table_or_writes_csv_by_the_suffix(geo, tmp_path):
    (tmp_path / "b.txt").write_text("قصف على حي الزهور بمدينة حلب", encoding="utf-8")
    code, table, err = geo("gazetteer", "suggest", "b.txt")
    assert code == 0, err
    assert table.decode().splitlines() == [
        "1\tالزهور\tneighbourhood\tsy-aleppo\tb.txt: قصف على حي الزهور بمدينة حلب"
    ]
    assert geo("gazetteer", "suggest", "b.txt", "--out", "s.csv")[0] == 0
    rows = pd.read_csv(tmp_path / "s.csv", dtype=str, keep_default_na=False)
    assert rows[["name_ar", "parent", "count"]].values.tolist() == [["الزهور", "sy-aleppo", "1"]]
    assert geo("gazetteer", "suggest", "b.txt", "--format", "csv")[1] == (tmp_path / "s.csv").read_bytes()


def test_quiet_and_verbose(geo, tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"id": "1", "text": ARTICLES}, ensure_ascii=False) + "\n", encoding="utf-8")
    code, _, err = geo("extract", "c.jsonl", "--out", "m.csv")
    assert code == 0 and err == "1 documents, 3 mentions, 0 failed\n"
    assert geo("extract", "c.jsonl", "--out", "m.csv", "--quiet")[2] == ""
    assert geo("-q", "map", "c.jsonl", "--out", "m.html")[2] == ""
    code, _, err = geo("extract", "a.txt", "--out", "m.csv", "-v")
    lines = err.splitlines()
    assert lines[0] == "geo: writing csv (the suffix) to m.csv"
    assert lines[1].startswith("geo: gazetteer: ") and " entries, ready in " in lines[1]
    assert lines[2].startswith("1 documents, 3 mentions, 0 failed in ")
    err = geo("--verbose", "extract", "a.txt", "--format", "csv")[2]
    assert err.startswith("geo: writing csv (--format) to stdout")
    code, _, err = geo("extract", "a.txt", "-q", "-v")
    assert code == 2 and err == "geo: error: --quiet and --verbose: choose one\n"
    # Errors are never silenced.
    code, _, err = geo("extract", "missing.txt", "-q")
    assert code == 1 and "missing.txt" in err


def test_no_arguments_prints_usage_on_stderr_and_exits_2():
    for args, names in (((), ("extract", "map", "evaluate", "gazetteer")),
                        (("gazetteer",), ("search", "add", "validate", "export", "suggest", "import-geonames"))):
        result = run_geo(*args)
        assert result.returncode == 2
        assert result.stdout == ""
        assert result.stderr.startswith(f"usage: geo {' '.join(args)}".rstrip() + " ")
        for name in names:
            assert name in result.stderr


def test_version():
    result = run_geo("--version")
    assert result.returncode == 0 and result.stdout.startswith("geo ")


def commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """Every (command path, parser) pair below ``parser``, itself first."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from commands(sub, (*path, name))


def test_every_option_has_help_and_every_command_an_example():
    for path, parser in commands(_parser()):
        assert "example" in (parser.epilog or ""), path
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            if action.help == argparse.SUPPRESS:
                assert any((path[-1], option) in HIDDEN_ALIASES for option in action.option_strings), (path, action)
                continue
            assert action.help, (path, action.option_strings or action.dest)


def test_every_example_of_the_help_is_a_valid_command_line():
    parser = _parser()
    for key, text in EXAMPLES.items():
        for line in text.replace("\\\n", " ").splitlines():
            if not line.startswith("  "):  # examples are indented, prose is not
                continue
            line = line.split("  #")[0].strip()
            words = shlex.split(line.split("|")[-1] if line.startswith("cat ") else line.split("|")[0])
            words = words[words.index("geo") + 1:]
            try:
                parser.parse_args(words)
            except SystemExit as exit_:
                pytest.fail(f"{key}: {line!r} does not parse ({exit_.code})")


def test_hidden_aliases_stay_out_of_the_help():
    assert "--json" not in run_geo("gazetteer", "search", "--help").stdout
    assert "--misses" not in run_geo("evaluate", "--help").stdout
    assert "conll" not in run_geo("evaluate", "--help").stdout.split("--gold-format")[0]


def test_the_same_options_in_every_command():
    """--gazetteer, --no-world, --quiet and --verbose before or after any command."""
    for path, parser in commands(_parser()):
        options = {o for action in parser._actions for o in action.option_strings}
        assert {"--gazetteer", "--no-world", "-q", "--quiet", "-v", "--verbose"} <= options, path
        if "--out" in options and path[-1] != "import-geonames":
            out = next(a for a in parser._actions if "--out" in a.option_strings)
            assert not out.required and "stdout" in out.help, path


def test_choose_format_is_one_rule():
    assert choose_format("x.GeoJSON", None, ("csv", "geojson"), "csv") == "geojson"
    assert choose_format(None, None, ("csv", "geojson"), "csv") == "csv"
    assert choose_format("-", "geojson", ("csv", "geojson"), "csv") == "geojson"
    with pytest.raises(UsageError, match="give --format csv/geojson"):
        choose_format("x.parquet", None, ("csv", "geojson"), "csv")
    assert all(s.startswith(".") and s == s.lower() for f in FORMATS.values() for s in f.suffixes)
    suffixes = [s for f in FORMATS.values() for s in f.suffixes]
    assert len(suffixes) == len(set(suffixes))


def test_missing_extras_are_named_as_a_clone_installs_them(tmp_path):
    """The hints for --engine dask and --png name the project's extras, as the README does."""
    (tmp_path / "a.txt").write_text(ARTICLES, encoding="utf-8")
    for blocked, args, extra in (
        ("distributed", ["extract", "a.txt", "--engine", "dask"], "dask"),
        ("playwright", ["map", "a.txt", "--out", "m.html", "--png", "m.png"], "png"),
    ):
        script = (f"import sys; sys.modules[{blocked!r}] = None\n"
                  f"from geo.cli import main; sys.exit(main({args!r}))")
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path,
                                env=os.environ | {"GEO_NO_WORLD": "1"}, timeout=300)
        assert result.returncode != 0
        assert f"pip install -e '.[{extra}]'" in result.stderr, result.stderr
        assert result.stderr.count("\n") == 1
        assert not (tmp_path / "m.html").exists()
