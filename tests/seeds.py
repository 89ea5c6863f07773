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
    """``shared/seeds`` beside the repository (as in CI), or ``$GEO_SEEDS``."""
    configured = os.environ.get("GEO_SEEDS")
    path = Path(configured) if configured else Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if not (path / "expected.tsv").is_file():
        raise FileNotFoundError(f"seed articles not found at {path}; set GEO_SEEDS to the seeds folder")
    return path


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
