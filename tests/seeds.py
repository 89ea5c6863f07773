"""Read ``shared/seeds/expected.tsv`` and check a run against it (used by the seed tests)."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from geopy.distance import geodesic

from geo.arabic import name_key
from geo.clitics import key_forms


def seeds_directory() -> Path:
    """``$GEO_SEEDS``, else ``shared/seeds`` beside the repository (as in CI), else beside the
    repository this one was cloned from (a fresh clone checked in a scratch folder)."""
    configured = os.environ.get("GEO_SEEDS")
    if configured:
        candidates = [Path(configured)]
    else:
        root = Path(__file__).resolve().parents[1]
        candidates = [root.parent / "shared" / "seeds"]
        origin = _origin_folder(root)
        if origin is not None:
            candidates.append(origin.parent / "shared" / "seeds")
    for path in candidates:
        if (path / "expected.tsv").is_file():
            return path
    raise FileNotFoundError(f"seed articles not found at {candidates[0]}; set GEO_SEEDS to the seeds folder")


def _origin_folder(root: Path) -> Path | None:
    """The local folder this checkout was cloned from, if it was cloned from one."""
    import subprocess

    try:
        url = subprocess.run(
            ["git", "-C", str(root), "config", "--get", "remote.origin.url"],
            capture_output=True, text=True, timeout=10, check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    url = url.removeprefix("file://")
    return Path(url) if url and Path(url).is_dir() else None


@dataclass(frozen=True)
class Expectation:
    file: str
    surface: str
    name_en: str
    feature: str
    role: str
    need: str
    where: tuple[float, float, float] | None

    def near(self, lat: float, lon: float) -> bool:
        if self.where is None:
            return True
        return geodesic((lat, lon), self.where[:2]).km <= self.where[2]


def expectations() -> list[Expectation]:
    rows = []
    with open(seeds_directory() / "expected.tsv", encoding="utf-8") as stream:
        lines = [line for line in stream if not line.startswith("#")]
    for row in csv.DictReader(lines, delimiter="\t"):
        where = None
        if row["where"].strip():
            lat, lon, km = (float(x) for x in row["where"].split(","))
            where = (lat, lon, km)
        rows.append(
            Expectation(row["file"], row["surface"], row["name_en"], row["feature"], row["role"], row["need"], where)
        )
    return rows


def same_name(surface: str, reported: str) -> bool:
    """A reported surface is the expected one up to folding and clitics (بباريس ~ باريس)."""
    expected = name_key(surface)
    return expected == name_key(reported) or name_key(reported) in set(key_forms(expected))


def check_must(row: Expectation, mentions: list[dict]) -> str | None:
    """None when a ``must`` row holds, else what went wrong."""
    hits = [m for m in mentions if same_name(row.surface, m["surface"]) or m["name_en"] == row.name_en]
    placed = [m for m in hits if row.near(m["lat"], m["lon"])]
    if not placed:
        return f"{row.file}: {row.surface} ({row.name_en}) not found near {row.where} (found {hits[:2]})"
    if row.role not in ("any", "-") and not any(m["role"] == row.role for m in placed):
        roles = sorted({m["role"] for m in placed})
        return f"{row.file}: {row.surface} ({row.name_en}) has roles {roles}, expected {row.role}"
    return None


def check_must_not(row: Expectation, text: str, mentions: list[dict]) -> str | None:
    """None when no reported mention overlaps an occurrence of the ``must_not`` span."""
    start = text.find(row.surface)
    while start != -1:
        end = start + len(row.surface)
        for m in mentions:
            if m["start"] < end and start < m["end"]:
                return f"{row.file}: {m['surface']!r} reported inside the non-place {row.surface!r}"
        start = text.find(row.surface, end)
    return None
