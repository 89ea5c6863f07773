"""Shared fixtures: one parser over the bundled gazetteer, and throw-away gazetteer copies."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from geo.gazetteer import Gazetteer, bundled_directory
from geo.pipeline import Geoparser

sys.path.insert(0, str(Path(__file__).resolve().parent))

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def geoparser() -> Geoparser:
    return Geoparser(Gazetteer.load(environment=False))


@pytest.fixture(scope="session")
def gazetteer(geoparser) -> Gazetteer:
    return geoparser.gazetteer


@pytest.fixture
def gazetteer_copy(tmp_path) -> Path:
    """A private copy of the bundled gazetteer folder, for tests that write."""
    target = tmp_path / "gazetteer"
    shutil.copytree(bundled_directory(), target, ignore=shutil.ignore_patterns("*.md", ".*"))
    return target


def run_geo(*args: str, input: str | None = None, env: dict | None = None, cwd: Path | None = None):
    """Run the installed command line as a user would."""
    import os

    environment = dict(os.environ)
    environment.pop("GEO_GAZETTEER", None)
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "geo.cli", *args],
        input=input,
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        timeout=600,
    )
