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


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory):
    """Compiled indexes go to a folder of this test session, not the user's cache."""
    import os

    folder = tmp_path_factory.mktemp("geo-cache")
    previous = os.environ.get("GEO_CACHE_DIR")
    os.environ["GEO_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("GEO_CACHE_DIR", None)
    else:
        os.environ["GEO_CACHE_DIR"] = previous


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
    shutil.copytree(bundled_directory(), target, ignore=shutil.ignore_patterns("*.md", ".*", "tools"))
    return target


def run_geo(*args: str, input: str | None = None, env: dict | None = None, cwd: Path | None = None):
    """Run the installed command line as a user would."""
    import os

    environment = dict(os.environ)
    environment.pop("GEO_GAZETTEER", None)
    if env and "GEO_GAZETTEER_DIR" in env:
        # A private gazetteer copy would rebuild the world layer (~10 s) for every change made to it.
        environment["GEO_NO_WORLD"] = "1"
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
