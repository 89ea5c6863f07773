"""The gazetteer never loses an entry: ``geo gazetteer add`` killed at any moment leaves each file
byte for byte the old version or the new one, and adds from several processes at once all land.

The adds run as real processes (``python -m geo.cli gazetteer add``) on a private copy of the
gazetteer and are killed with SIGKILL (no clean-up handler runs) after random delays spread over the
time an add takes, so some die while starting, some while holding the lock, some after the rename.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import run_geo

from geo.curation import new_entry
from geo.gazetteer import Gazetteer, read_file, render_file

KILLS = int(os.environ.get("GEO_KILL_ITERATIONS", "30"))
LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
TARGET = "aleppo.csv"


def environment(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("GEO_GAZETTEER", None)
    env.update(GEO_GAZETTEER_DIR=str(folder), GEO_NO_WORLD="1")
    return env


def add_arguments(number: int) -> dict[str, str]:
    """A distinct, valid Aleppo neighbourhood for each ``number``."""
    return {
        "name_ar": f"حي تجربة {LETTERS[number % len(LETTERS)]}{LETTERS[number // len(LETTERS) % len(LETTERS)]}",
        "name_en": f"Kill Test {number}",
        "at": f"36.2{number % 100:02d}, 37.15",
        "feature": "neighbourhood",
        "parent": "sy-aleppo",
        "source": "durability test",
    }


def start_add(folder: Path, number: int) -> subprocess.Popen:
    values = add_arguments(number)
    command = [sys.executable, "-m", "geo.cli", "gazetteer", "add"]
    for key, value in values.items():
        command += [f"--{key.replace('_', '-')}", value]
    return subprocess.Popen(
        command, env=environment(folder), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def csv_files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv"))}


def expected_after_add(gazetteer: Gazetteer, folder: Path, number: int) -> tuple[str, bytes]:
    """(id, bytes of the target file once the add has landed), from the same functions ``add`` uses."""
    entry = new_entry(gazetteer, **add_arguments(number))
    current, problems = read_file(folder / TARGET)
    assert not problems
    return entry.id, render_file([*current, replace(entry, origin="")]).encode("utf-8")


@pytest.fixture
def loaded(gazetteer_copy, monkeypatch) -> Gazetteer:
    monkeypatch.setenv("GEO_GAZETTEER_DIR", str(gazetteer_copy))
    return Gazetteer.load(environment=False)


def test_add_killed_at_random_moments_leaves_old_or_new_files(gazetteer_copy, loaded):
    generator = random.Random(1122)
    started = time.monotonic()
    first = start_add(gazetteer_copy, 0)
    _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    duration = time.monotonic() - started
    outcomes = {"old": 0, "new": 0}
    for number in range(1, KILLS + 1):
        before = csv_files(gazetteer_copy)
        entry_id, after = expected_after_add(loaded, gazetteer_copy, number)
        process = start_add(gazetteer_copy, number)
        time.sleep(generator.uniform(0.2, 1.1) * duration)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        now = csv_files(gazetteer_copy)
        assert now.keys() == before.keys(), f"kill {number}: a *.csv file appeared or vanished"
        for name, content in now.items():
            if name == TARGET and content != before[name]:
                assert content == after, f"kill {number}: {name} is neither the old nor the new version"
                assert not read_file(gazetteer_copy / name)[1]
                outcomes["new"] += 1
            else:
                assert content == before[name], f"kill {number}: {name} changed"
        if now[TARGET] == before[TARGET]:
            outcomes["old"] += 1
        else:
            loaded.insert(replace(new_entry(loaded, **add_arguments(number)), origin=f"{TARGET}:0"))
            assert f"\n{entry_id},".encode() in now[TARGET]
    print(f"\ndurability: {KILLS} adds killed: {outcomes['old']} left the old file, {outcomes['new']} the new one")
    # Temporary files of killed writers may stay behind; they are not *.csv, so nothing loads them.
    (gazetteer_copy / f".{TARGET}.half-written.tmp").write_bytes(now[TARGET][: len(now[TARGET]) // 2])
    leftovers = [p.name for p in gazetteer_copy.iterdir() if p.suffix != ".csv"]
    assert all(name.startswith(".") for name in leftovers), leftovers
    assert {entry.id for entry in Gazetteer.load(environment=False)} >= {e.id for e in loaded}
    validate = run_geo("gazetteer", "validate", env={"GEO_GAZETTEER_DIR": str(gazetteer_copy)})
    assert validate.returncode == 0, validate.stdout + validate.stderr


def test_concurrent_adds_land_while_other_adds_are_killed(gazetteer_copy):
    survivors = [start_add(gazetteer_copy, number) for number in range(100, 108)]
    victims = [start_add(gazetteer_copy, number) for number in range(200, 204)]
    generator = random.Random(7)
    for process in victims:
        time.sleep(generator.uniform(0.1, 0.6))
        process.send_signal(signal.SIGKILL)
    outcomes = [(*process.communicate(timeout=300), process.returncode) for process in survivors]
    for process in victims:
        process.communicate(timeout=60)
    assert all(code == 0 for _, _, code in outcomes), [err for _, err, code in outcomes if code]
    entries, problems = read_file(gazetteer_copy / TARGET)
    assert not problems
    ids = {entry.id for entry in entries}
    assert {f"sy-aleppo-kill-test-{number}" for number in range(100, 108)} <= ids
    validate = run_geo("gazetteer", "validate", env={"GEO_GAZETTEER_DIR": str(gazetteer_copy)})
    assert validate.returncode == 0, validate.stdout + validate.stderr
