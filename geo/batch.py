"""Run the geoparser over many documents: expand paths, survive bad files, stream the output.

One bad article never sinks a batch: its :class:`~geo.errors.InputError` is collected, the other
documents go on, and the caller exits non-zero at the end.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from geo.errors import GeoError, InputError, UsageError
from geo.model import Mention
from geo.pipeline import Geoparser

TEXT_SUFFIXES = (".txt",)
#: The output contract of ``geo extract`` (JSONL keys, CSV columns), in this order.
RECORD_FIELDS = (
    "doc",
    "start",
    "end",
    "surface",
    "place_id",
    "name_ar",
    "name_en",
    "feature",
    "lat",
    "lon",
    "country",
    "role",
    "cue",
    "confidence",
    "precision",
    "reason",
    "status",
    "container",
    "sentence",
)


def expand_inputs(paths: Iterable[str]) -> Iterator[str | InputError]:
    """Each document path as given (a folder gives its ``*.txt`` files, sorted); a missing path
    yields an :class:`InputError` in its place so the caller can report it and go on."""
    for item in paths:
        if item == "-":
            yield item
            continue
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
            if not found:
                yield InputError(item, "folder holds no .txt files")
            yield from (str(p) for p in found)
        elif path.exists():
            yield item
        else:
            yield InputError(item, "no such file")


def stream_documents(
    parser: Geoparser, paths: Iterable[str], failures: list[GeoError], encoding: str = "utf-8"
) -> Iterator[Mention]:
    """Every mention of every input, in bounded memory; unreadable inputs go to ``failures``."""
    for item in expand_inputs(paths):
        if isinstance(item, InputError):
            failures.append(item)
            continue
        try:
            yield from parser.iter_file(item, doc=item, encoding=encoding)
        except InputError as error:
            failures.append(error)


def check_output_path(out: str | os.PathLike | None) -> None:
    """Refuse an output path whose folder does not exist, before any work is done."""
    if out is None or str(out) == "-":
        return
    folder = Path(out).resolve().parent
    if not folder.is_dir():
        raise UsageError(f"--out {out}: folder {folder} does not exist")


def record(mention: Mention) -> dict:
    data = mention.as_record()
    return {key: data[key] for key in RECORD_FIELDS}


def extract_to(
    parser: Geoparser, paths: list[str], fmt: str, out: str | None, encoding: str = "utf-8"
) -> list[GeoError]:
    """``geo extract``: JSONL and CSV stream document by document; GeoJSON and GeoParquet are
    written through geopandas once every document is read."""
    check_output_path(out)
    failures: list[GeoError] = []
    if fmt in ("geojson", "parquet"):
        if not out:
            raise UsageError(f"--format {fmt} needs --out FILE")
        from geo.table import mentions_frame, write_frame

        write_frame(mentions_frame(list(stream_documents(parser, paths, failures, encoding))), out, fmt)
        return failures
    stream = open(out, "w", encoding="utf-8", newline="") if out else sys.stdout  # noqa: SIM115
    try:
        writer = None
        if fmt == "csv":
            writer = csv.DictWriter(stream, fieldnames=RECORD_FIELDS, lineterminator="\n")
            writer.writeheader()
        for mention in stream_documents(parser, paths, failures, encoding):
            if writer is not None:
                writer.writerow(record(mention))
            else:
                stream.write(json.dumps(record(mention), ensure_ascii=False) + "\n")
    finally:
        if out:
            stream.close()
    return failures


def map_to(parser: Geoparser, args) -> list[GeoError]:
    """``geo map``: extract every document, then render and write the map and its companions."""
    from geo import maps

    for target in (args.out, args.png, args.fragment, args.geojson):
        check_output_path(target)
    failures: list[GeoError] = []
    mentions = list(stream_documents(parser, args.paths, failures, args.encoding))
    options = maps.MapOptions(
        title=args.title,
        focus=args.focus,
        bbox=maps.parse_bbox(args.bbox) if args.bbox else None,
        online_tiles=args.tiles,
    )
    built = maps.render_map(mentions, gazetteer=parser.gazetteer, options=options)
    maps.save_html(built, args.out)
    if args.fragment:
        maps.save_fragment(built, args.fragment)
    if args.geojson:
        maps.save_geojson(mentions, args.geojson)
    if args.png:
        maps.save_png(args.out, args.png)
    print(f"wrote {args.out} ({len(mentions)} mentions)", file=sys.stderr)
    return failures
