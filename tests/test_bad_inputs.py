"""A catalogue of bad inputs, one test each: every one ends with one clear line on stderr that names
the file (and line, for gazetteer files) and a non-zero exit code, never a traceback.

Most cases call the command line's ``main`` in this process (what the ``geo`` script runs; a
subprocess per case would cost a second each); the argument-parsing cases run the real command.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from conftest import run_geo

from geo.cli import main
from geo.gazetteer import REQUIRED_COLUMNS
from geo.model import COLUMNS

ARTICLE = "قصفت الطائرات حي الكلاسة في حلب"
HEADER = ",".join(COLUMNS)


@pytest.fixture
def geo(monkeypatch, capsys):
    """Run ``geo ARGS...`` in this process: (exit code, stdout, stderr)."""
    monkeypatch.delenv("GEO_GAZETTEER", raising=False)
    monkeypatch.setenv("GEO_NO_WORLD", "1")

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            code = main([str(a) for a in args])
        except SystemExit as exit_:  # argparse
            code = exit_.code
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return code, out, err

    return run


def one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("geo: error: "), err
    return lines[0]


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def row(**values: str) -> str:
    base = dict(
        id="x-test", name_ar="مكان تجربة", variants_ar="", name_en="Test Place", variants_en="",
        feature="neighbourhood", lat="36.2", lon="37.15", parent="sy-aleppo", country="SY",
        population="", capital="", source="test",
    )
    base.update(values)
    return ",".join(base.get(column, "") for column in COLUMNS)


# -- articles ------------------------------------------------------------------------------------------
def test_cp1256_text_suggests_the_encoding_and_reads_with_it(geo, folder):
    (folder / "windows.txt").write_bytes(ARTICLE.encode("cp1256"))
    code, out, err = geo("extract", "windows.txt")
    line = one_error_line(err)
    assert code != 0 and out == ""
    assert "windows.txt" in line and "not utf-8" in line and "--encoding cp1256" in line
    code, out, err = geo("extract", "windows.txt", "--encoding", "cp1256")
    assert code == 0 and '"sy-aleppo-kallaseh"' in out and '"sy-aleppo"' in out, err


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_or_utf32_with_a_bom_says_so_and_reads_with_the_encoding(geo, folder, encoding):
    import codecs

    family = encoding.split("-be")[0]
    bom = codecs.BOM_UTF16_BE if encoding == "utf-16-be" else b""
    (folder / "unicode.txt").write_bytes(bom + ARTICLE.encode(encoding))
    code, _, err = geo("extract", "unicode.txt")
    line = one_error_line(err)
    assert code != 0
    assert "unicode.txt" in line and f"looks like {family.upper()}" in line and f"--encoding {family}" in line
    code, out, err = geo("extract", "unicode.txt", "--encoding", family)
    assert code == 0 and '"surface":"حلب"' in out, err
    assert '"start":28' in out  # offsets count characters, the BOM not counted


def test_binary_file(geo, folder):
    (folder / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    code, _, err = geo("extract", "picture.txt")
    line = one_error_line(err)
    assert code != 0 and "picture.txt" in line and "binary" in line


@pytest.mark.parametrize("kind", ["dangling symlink", "through a file", "proc mem", "directory"])
def test_unreadable_path(geo, folder, geoparser, kind):
    """Paths that cannot be read even by root (the tests may run as root: chmod 000 would not do)."""
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    if kind == "dangling symlink":
        os.symlink(folder / "gone.txt", folder / "link.txt")
        path = "link.txt"
    elif kind == "through a file":
        path = "a.txt/b.txt"
    elif kind == "proc mem":
        path = "/proc/self/mem"  # open() succeeds, read() fails with EIO
    else:
        (folder / "article.txt").mkdir()
        path = "article.txt"
    code, _, err = geo("extract", path)
    line = one_error_line(err)
    assert code != 0 and path in line
    # The Python API says the same in an InputError.
    from geo.errors import InputError

    with pytest.raises(InputError, match=path.replace(".", r"\.")):
        geoparser.extract_file(path)


def test_missing_file_does_not_stop_the_others(geo, folder):
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    code, out, err = geo("extract", "missing.txt", "a.txt")
    line = one_error_line(err)
    assert code != 0 and "missing.txt" in line and "no such file" in line
    assert '"doc":"a.txt"' in out


def test_unknown_encoding(geo, folder):
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    code, _, err = geo("extract", "a.txt", "--encoding", "klingon-8")
    line = one_error_line(err)
    assert code != 0 and "klingon-8" in line and "encoding" in line


# -- gazetteer files -------------------------------------------------------------------------------------
GAZETTEER_CASES = {
    "empty": ("", 1, "empty file"),
    "wrong header": ("id,name,lat\nx,y,1\n", 1, "wrong header"),
    "header without required columns": (",".join(c for c in COLUMNS if c != "lon") + "\n", 1, "missing column(s) lon"),
    "NaN latitude": (f"{HEADER}\n{row(lat='nan')}\n", 2, "lat 'nan' is not a finite number"),
    "infinite longitude": (f"{HEADER}\n{row(lon='-inf')}\n", 2, "lon '-inf' is not a finite number"),
    "latitude out of range": (f"{HEADER}\n{row(lat='95.5')}\n", 2, "lat 95.5 is outside [-90, 90]"),
    "longitude out of range": (f"{HEADER}\n{row(lon='181')}\n", 2, "lon 181 is outside [-180, 180]"),
    "latitude not a number": (f"{HEADER}\n{row(lat='36,2')}\n", 2, "fields"),
    "parent cycle": (
        f"{HEADER}\n{row(id='x-a', name_ar='مكان ألف', parent='x-b', feature='town')}\n"
        f"{row(id='x-b', name_ar='مكان باء', parent='x-a', feature='town')}\n",
        2,
        "parent cycle: x-a -> x-b -> x-a",
    ),
    # A user's row replaces the bundled entry of its id, but this one makes it its own parent.
    "bundled id redefined as its own parent": (f"{HEADER}\n{row(id='sy-aleppo')}\n", 2, "sy-aleppo -> sy-aleppo"),
    "UTF-16 file": (None, 1, "not UTF-8"),
}


def write_case(folder: Path, case: str) -> Path:
    text, _, _ = GAZETTEER_CASES[case]
    path = folder / "bad.csv"
    if text is None:
        path.write_bytes(f"{HEADER}\n{row()}\n".encode("utf-16"))
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", list(GAZETTEER_CASES))
def test_bad_gazetteer_file_is_named_by_file_and_line(geo, folder, case):
    _, line_number, words = GAZETTEER_CASES[case]
    write_case(folder, case)
    code, out, err = geo("gazetteer", "validate", "bad.csv")
    assert code == 1
    assert out.splitlines()[0].startswith(f"bad.csv:{line_number}: "), out
    assert words in out, out
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    code, out, err = geo("--gazetteer", "bad.csv", "extract", "a.txt")
    line = one_error_line(err)
    assert code != 0 and out == ""
    assert f"bad.csv:{line_number}: " in line and words in line, line


def test_one_id_in_two_user_files(geo, folder):
    (folder / "one.csv").write_text(f"{HEADER}\n{row(id='x-twice')}\n", encoding="utf-8")
    (folder / "two.csv").write_text(f"{HEADER}\n{row(id='x-twice', name_ar='مكان آخر')}\n", encoding="utf-8")
    code, out, _ = geo("gazetteer", "validate", "one.csv", "two.csv")
    assert code == 1 and out.startswith("two.csv:2: duplicate id 'x-twice' (first at one.csv:2)"), out
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    code, out, err = geo("--gazetteer", "one.csv", "--gazetteer", "two.csv", "extract", "a.txt")
    line = one_error_line(err)
    assert code != 0 and "two.csv:2: id 'x-twice' is already used at one.csv:2" in line


@pytest.mark.parametrize("kind", ["missing", "dangling symlink", "name too long"])
def test_gazetteer_file_that_cannot_be_read(geo, folder, kind):
    name = "places.csv"
    if kind == "dangling symlink":
        os.symlink(folder / "gone.csv", folder / name)
    elif kind == "name too long":
        name = "p" * 300 + ".csv"
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    code, out, err = geo("--gazetteer", name, "extract", "a.txt")
    line = one_error_line(err)
    assert code != 0 and out == "" and name in line and "cannot read" in line
    code, _, err = geo("--gazetteer", name, "gazetteer", "search", "حلب")
    assert code != 0 and name in one_error_line(err)


def test_every_required_column_is_named_when_missing(geo, folder):
    (folder / "bad.csv").write_text("id\n", encoding="utf-8")
    code, out, _ = geo("gazetteer", "validate", "bad.csv")
    assert code == 1 and all(column in out for column in REQUIRED_COLUMNS[1:])


# -- command-line misuse -----------------------------------------------------------------------------------
def test_unknown_option_exits_2_with_one_error_line(tmp_path):
    result = run_geo("extract", "a.txt", "--no-such-option", cwd=tmp_path, env={"GEO_NO_WORLD": "1"})
    assert result.returncode == 2 and result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if line.startswith("geo: error:")]
    assert errors == ["geo: error: unrecognized arguments: --no-such-option"], result.stderr
    assert "Traceback" not in result.stderr


def test_out_into_a_missing_folder(geo, folder):
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    for command in (["extract", "a.txt", "--out", "missing/out.jsonl"], ["map", "a.txt", "--out", "missing/m.html"]):
        code, _, err = geo(*command)
        line = one_error_line(err)
        assert code == 2 and "missing" in line and "does not exist" in line
    assert sorted(p.name for p in folder.iterdir()) == ["a.txt"]


def test_out_naming_a_folder(geo, folder):
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "maps").mkdir()
    for command in (["extract", "a.txt", "--out", "maps"], ["map", "a.txt", "--out", "maps"],
                    ["map", "a.txt", "--out", "m.html", "--png", "maps"]):
        code, _, err = geo(*command)
        line = one_error_line(err)
        assert code == 2 and "maps: is a folder" in line, line
    assert not (folder / "m.html").exists()


def test_a_utf16_article_through_the_real_command(tmp_path):
    """The same error as a user sees it: exit status of the installed command, not of ``main``."""
    (tmp_path / "a.txt").write_bytes(ARTICLE.encode("utf-16"))
    result = run_geo("extract", "a.txt", cwd=tmp_path, env={"GEO_NO_WORLD": "1"})
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip() == "geo: error: a.txt: looks like UTF-16 text (byte order mark); try --encoding utf-16"
    assert sys.executable  # the command ran with this interpreter (run_geo)
