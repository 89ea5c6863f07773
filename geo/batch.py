"""Run the geoparser over many documents: text files and corpora, on every core or a Dask cluster,
with a progress bar, streaming the output.

One bad document never sinks a batch: it is reported (file, line, id and reason) as soon as it is
met, the other documents go on, the run's :class:`RunReport` counts it, and the command exits non-zero
at the end. Output is written as results arrive, in input order, so memory stays bounded: JSONL and
CSV line by line, GeoParquet a row group at a time; only GeoJSON (and a map) need every mention.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from geo.coordinates import reported
from geo.corpus import DateRange, Document, DocumentError, expand_paths, kind_of, read_documents, text_pieces
from geo.errors import GeoError, InputError, UsageError
from geo.model import Mention
from geo.pipeline import Geoparser

if TYPE_CHECKING:
    from geo.engines import Engine

TEXT_SUFFIXES = (".txt",)
#: The output contract of ``geo extract`` (JSONL keys, CSV columns, GeoParquet columns), in this order.
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
    "admin1",
    "admin1_pcode",
    "admin2",
    "admin2_pcode",
    "admin3",
    "admin3_pcode",
    "role",
    "cue",
    "event",
    "confidence",
    "precision",
    "uncertainty_km",
    "reason",
    "status",
    "container",
    "sentence",
    "date",
    "title",
    "url",
    "source",
)
#: A batch (one task for a worker) holds this many documents, or this much text, whichever comes first.
BATCH_DOCUMENTS = 64
BATCH_CHARS = 1 << 19
#: Inputs smaller than this run in this process: starting a pool costs more than it saves.
SMALL_INPUT_DOCUMENTS = 32
SMALL_INPUT_CHARS = 1 << 21


@dataclass(frozen=True)
class RunOptions:
    """How to run over a corpus (the ``geo extract``/``geo map`` flags, for Python callers too).

    ``engine``: ``auto`` (local processes, or this process for small inputs), ``process``, ``inline``
    or ``dask``; ``workers`` defaults to every core; ``scheduler`` is a Dask scheduler address (with
    none, ``dask`` starts a local cluster); ``dates`` keeps documents dated inside a range.
    """

    encoding: str = "utf-8"
    engine: str = "auto"
    workers: int | None = None
    scheduler: str | None = None
    dates: DateRange | None = None


@dataclass
class RunReport:
    """What a run did: documents read, mentions found, documents that failed (and why)."""

    documents: int = 0
    mentions: int = 0
    failures: list[GeoError] = field(default_factory=list)
    #: Documents left out by ``--from``/``--to``.
    outside: int = 0
    #: True when a JSONL, CSV or Parquet corpus was read (such runs end with a summary line).
    corpus: bool = False

    @property
    def failed(self) -> int:
        return len(self.failures)

    def summary(self) -> str:
        line = f"{self.documents} documents, {self.mentions} mentions, {self.failed} failed"
        if self.outside:
            line += f", {self.outside} outside --from/--to"
        return line


class Progress:
    """A tqdm bar on stderr when stderr is a terminal; nothing otherwise. Failures are printed as they
    come, above the bar."""

    def __init__(self, total: int | None = None, enabled: bool | None = None, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = _is_terminal(self.stream) if enabled is None else enabled
        self.bar = None
        if self.enabled:
            from tqdm import tqdm

            # A terminal that reports no size (a bare pty, some CI runners) makes tqdm draw nothing
            # at all (it takes the bar to be below the last row): it gets 80 by 24 instead.
            sized = _terminal_size(self.stream) != (0, 0)
            self.bar = tqdm(total=total, unit="doc", file=self.stream, dynamic_ncols=sized,
                            ncols=None if sized else 80, nrows=None if sized else 24, smoothing=0.1,
                            desc="geo", mininterval=0.25)

    def update(self, report: RunReport, documents: int) -> None:
        if self.bar is not None:
            self.bar.update(documents)
            self.bar.set_postfix(mentions=report.mentions, failed=report.failed, refresh=False)

    def failure(self, error: GeoError) -> None:
        message = f"geo: error: {error}"
        if self.bar is not None:
            self.bar.write(message, file=self.stream)
        else:
            print(message, file=self.stream)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _terminal_size(stream) -> tuple[int, int]:
    """(columns, lines) of the terminal behind ``stream``; zeros when it does not say."""
    try:
        size = os.get_terminal_size(stream.fileno())
    except (AttributeError, OSError, ValueError):
        return (0, 0)
    return (size.columns, size.lines) if size.columns and size.lines else (0, 0)


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def expand_inputs(paths: Iterable[str]) -> Iterator[str | InputError]:
    """Each input path as given (a folder gives its ``.txt`` and corpus files, sorted); a missing path
    yields an :class:`InputError` in its place so the caller can report it and go on."""
    return expand_paths(paths)


def batches_of(items: Iterable[Document | InputError]) -> Iterator[list[Document | InputError]]:
    """Consecutive items grouped for one task: at most :data:`BATCH_DOCUMENTS` documents or about
    :data:`BATCH_CHARS` characters of text (a text file counts by its size)."""
    batch: list[Document | InputError] = []
    size = 0
    for item in items:
        batch.append(item)
        size += _size(item)
        if len(batch) >= BATCH_DOCUMENTS or size >= BATCH_CHARS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _size(item: Document | InputError) -> int:
    if not isinstance(item, Document):
        return 0
    if item.text is not None:
        return len(item.text)
    try:
        return os.path.getsize(item.origin) if item.origin != "-" else SMALL_INPUT_CHARS
    except OSError:
        return 0


def corpus_mentions(
    parser: Geoparser,
    paths: Iterable[str],
    options: RunOptions | None = None,
    report: RunReport | None = None,
    on_failure: Callable[[GeoError], None] | None = None,
    on_progress: Callable[[RunReport, int], None] | None = None,
    engine: Engine | None = None,
) -> Iterator[Mention]:
    """Every mention of every document of ``paths`` (text files, folders, JSONL, CSV, Parquet), in
    input order, in bounded memory, on ``engine`` (by default the one ``options`` names).

    Failures go to ``report.failures`` and to ``on_failure`` as they are met; ``on_progress`` hears
    of each finished batch.
    """
    from geo.engines import InProcessEngine, make_engine

    options = options or RunOptions()
    report = report if report is not None else RunReport()
    paths = list(paths)
    report.corpus = report.corpus or any(
        not isinstance(p, InputError) and p != "-" and kind_of(p) != "text" for p in expand_paths(paths)
    )

    def documents() -> Iterator[Document | InputError]:
        for item in read_documents(paths, options.encoding):
            if isinstance(item, Document) and options.dates is not None and item.date not in options.dates:
                report.outside += 1
                continue
            yield item

    stream = documents()
    chosen = engine is not None
    engine = engine or make_engine(options.engine, options.workers, options.scheduler)
    if not chosen and options.engine == "auto" and not isinstance(engine, InProcessEngine):
        # Peek: a few small articles run here, at once, rather than wait for a pool to start.
        head: list[Document | InputError] = []
        size = 0
        for item in stream:
            head.append(item)
            size += _size(item)
            if len(head) >= SMALL_INPUT_DOCUMENTS or size >= SMALL_INPUT_CHARS:
                break
        else:
            engine = InProcessEngine()
        stream = chain(head, stream)
    # Text files go as pieces of about a megabyte: a 50 MB file neither fills one task nor waits whole
    # in memory, and any engine (whose workers may not see this machine's files) can take them.
    stream = (
        piece
        for item in stream
        for piece in (text_pieces(item, options.encoding) if isinstance(item, Document) else (item,))
    )
    for result in engine.run(parser, batches_of(stream), options.encoding):
        report.documents += result.documents
        report.mentions += len(result.mentions)
        for failure in result.failures:
            report.failures.append(failure)
            if on_failure is not None:
                on_failure(failure)
        if on_progress is not None:
            on_progress(report, result.documents)
        yield from result.mentions


def stream_documents(
    parser: Geoparser, paths: Iterable[str], failures: list[GeoError], encoding: str = "utf-8"
) -> Iterator[Mention]:
    """Every mention of every input, in this process and in bounded memory; unreadable inputs and
    broken corpus rows go to ``failures``."""
    report = RunReport()
    try:
        yield from corpus_mentions(parser, paths, RunOptions(encoding=encoding, engine="inline"), report)
    finally:
        failures.extend(report.failures)


def check_output_path(out: str | os.PathLike | None, flag: str = "--out") -> None:
    """Refuse an output path whose folder does not exist, or that is a folder, before any work is
    done (a long corpus run should not end in "cannot write")."""
    if out is None or str(out) == "-":
        return
    path = Path(out)
    if path.is_dir():
        raise UsageError(f"{flag} {out}: is a folder; give a file name (e.g. {path / 'out'})")
    folder = path.resolve().parent
    if not folder.is_dir():
        raise UsageError(f"{flag} {out}: folder {folder} does not exist")


def record(mention: Mention) -> dict:
    """The output record of a mention: :data:`RECORD_FIELDS`, in that order, coordinates to the
    decimals their uncertainty is worth."""
    return reported({key: getattr(mention, key) for key in RECORD_FIELDS})


def _run(parser: Geoparser, paths: list[str], options: RunOptions, report: RunReport,
         progress: Progress | None) -> Iterator[Mention]:
    if progress is None:
        return corpus_mentions(parser, paths, options, report, on_failure=_print_failure)
    return corpus_mentions(parser, paths, options, report, on_failure=progress.failure, on_progress=progress.update)


def _print_failure(error: GeoError) -> None:
    print(f"geo: error: {error}", file=sys.stderr)


def extract_to(
    parser: Geoparser,
    paths: list[str],
    fmt: str,
    out: str | None,
    encoding: str = "utf-8",
    options: RunOptions | None = None,
    progress: Progress | None = None,
) -> RunReport:
    """``geo extract``: write the mentions of ``paths`` as ``fmt`` (a :data:`geo.formats.FORMATS`
    name) to the file ``out``, or to stdout when ``out`` is None or ``-``.

    JSONL and CSV stream line by line, GeoParquet a row group at a time; GeoJSON and GeoPackage are
    written through geopandas once every document is read. Binary formats go to stdout only when it
    is not a terminal (through a temporary file, as Parquet and GeoPackage need one). Failures are
    printed on stderr as they are met (above the progress bar, if any)."""
    from geo.formats import check_terminal, through_file, to_stdout

    check_output_path(out)
    check_terminal(fmt, out)
    if fmt not in ("jsonl", "csv", "parquet", "geojson", "gpkg"):
        raise UsageError(f"unknown format {fmt!r}")
    options = options or RunOptions(encoding=encoding)
    report = RunReport()
    try:
        mentions = _run(parser, paths, options, report, progress)
        if fmt in ("parquet", "geojson", "gpkg"):
            with through_file(fmt) if to_stdout(out) else nullcontext(out) as path:
                _write_file(mentions, path, fmt)
            return report
        stream = sys.stdout if to_stdout(out) else open(out, "w", encoding="utf-8", newline="")  # noqa: SIM115
        try:
            writer = None
            if fmt == "csv":
                writer = csv.DictWriter(stream, fieldnames=RECORD_FIELDS, lineterminator="\n")
                writer.writeheader()
            for mention in mentions:
                if writer is not None:
                    writer.writerow(record(mention))
                else:
                    stream.write(json.dumps(record(mention), ensure_ascii=False) + "\n")
        finally:
            if stream is not sys.stdout:
                stream.close()
        return report
    finally:
        if progress is not None:
            progress.close()


def _write_file(mentions: Iterable[Mention], path: str, fmt: str) -> None:
    """The formats written to a file by a library: GeoParquet streamed, the others at the end."""
    if fmt == "parquet":
        from geo.table import GeoParquetWriter

        with GeoParquetWriter(path) as writer:
            for mention in mentions:
                writer.write((mention,))
        return
    from geo.table import mentions_frame, write_frame

    write_frame(mentions_frame(list(mentions)), path, fmt, layer="mentions")


def map_to(parser: Geoparser, args, options: RunOptions | None = None, progress: Progress | None = None) -> RunReport:
    """``geo map``: extract every document (or read back a mention table ``geo extract`` wrote), then
    render and write the map and its companions (fragment, shared assets, GeoJSON, PNG, PDF).

    ``args.out`` is the HTML file, or stdout when it is None or ``-``; one companion may be ``-``
    instead when the page goes to a file."""
    from geo import maps
    from geo.formats import STDOUT, check_terminal, through_file, to_stdout
    from geo.maps.basemap import tile_prefix
    from geo.maps.export import CSS_LENGTH
    from geo.mention_table import is_mention_table

    out = STDOUT if args.out is None else args.out
    outputs = {"--out": out, "--png": args.png, "--pdf": args.pdf, "--fragment": args.fragment,
               "--shared-assets": args.shared_assets, "--geojson": args.geojson}
    for flag, target in outputs.items():
        check_output_path(target, flag)
    on_stdout = [flag for flag, target in outputs.items() if target == STDOUT]
    if len(on_stdout) > 1:
        raise UsageError(f"{' and '.join(on_stdout)} both name stdout (-): only one output can go there")
    for flag, fmt in (("--png", "png"), ("--pdf", "pdf")):
        if outputs[flag] == STDOUT:
            check_terminal(fmt, STDOUT, flag)
    # Everything that can be refused is refused before the run, not after an hour of extraction.
    online = args.tiles == "osm"
    map_options = maps.MapOptions(
        title=args.title,
        focus=args.focus,
        bbox=maps.parse_bbox(args.bbox) if args.bbox else None,
        online_tiles=online,
        osm_layer=not args.no_osm,
        by=getattr(args, "by", None),
    )
    if args.focus and parser.gazetteer.get(args.focus) is None:
        raise UsageError(f"--focus {args.focus}: no such place id in the gazetteer (try: geo gazetteer search NAME)")
    if args.shared_assets and not args.fragment:
        raise UsageError("--shared-assets goes with --fragment (the assets the fragments leave out)")
    for flag, value in (("--width", args.width), ("--height", args.height)):
        if not CSS_LENGTH.match(value):
            raise UsageError(f"{flag} {value!r}: give a CSS length such as 700px, 70vh or 100%")
    picture = None
    if args.png or args.pdf:
        from geo.maps.options import check_scale
        from geo.maps.snapshot import Picture, check_snapshot

        check_snapshot("--png" if args.png else "--pdf")
        width, height = maps.parse_size(args.size)
        picture = Picture(width=width, height=height, scale=check_scale(args.scale), caption=args.caption,
                          allow=(tile_prefix(),) if online else ())
    options = options or RunOptions(encoding=args.encoding)
    report = RunReport()
    tables = [path for path in args.paths if path != "-" and Path(path).is_file() and is_mention_table(path)]
    articles = [path for path in args.paths if path not in tables]
    mentions: list[Mention] = []
    try:
        if articles:
            mentions = list(_run(parser, articles, options, report, progress))
    finally:
        if progress is not None:
            progress.close()
    for path in tables:
        mentions.extend(_table_mentions(path, options, report))
    if report.failed and report.failed >= report.documents:
        # A mistyped path must not replace last week's map with an empty one.
        raise InputError(out, "not written: none of the inputs could be read")
    map_options = replace(map_options, documents=report.documents - report.failed)
    built = maps.render_map(mentions, gazetteer=parser.gazetteer, options=map_options)
    # The page goes to stdout through a file: pictures are taken of that file.
    with through_file("html") if to_stdout(out) else nullcontext(out) as page:
        maps.save_html(built, page)
        for flag, target, save in (("png", args.png, maps.save_png), ("pdf", args.pdf, maps.save_pdf)):
            if target:
                with through_file(flag) if target == STDOUT else nullcontext(target) as picture_file:
                    save(page, picture_file, picture=picture)
    if args.fragment == STDOUT:
        sys.stdout.write(maps.fragment_html(built, height=args.height, width=args.width,
                                            shared_assets=bool(args.shared_assets)))
    elif args.fragment:
        maps.save_fragment(built, args.fragment, height=args.height, width=args.width,
                           shared_assets=bool(args.shared_assets))
    if args.shared_assets:
        with through_file("html") if args.shared_assets == STDOUT else nullcontext(args.shared_assets) as assets:
            maps.save_assets(built, assets)
    if args.geojson:
        # The run's gazetteer (with the user's --gazetteer files), for the parent chains.
        with through_file("geojson") if args.geojson == STDOUT else nullcontext(args.geojson) as layers:
            maps.save_geojson(mentions, layers, gazetteer=parser.gazetteer)
    return report


def _table_mentions(path: str, options: RunOptions, report: RunReport) -> list[Mention]:
    """The rows of a mention table inside ``--from``/``--to``; bad rows reported and left out. Each
    distinct document of the table counts as a document read."""
    from geo.mention_table import read_mention_table

    report.corpus = True
    mentions: list[Mention] = []
    documents: set[str] = set()
    for item in read_mention_table(path, options.encoding):
        if isinstance(item, GeoError):
            report.failures.append(item)
            report.documents += 1
            _print_failure(item)
            continue
        if options.dates is not None and item.date not in options.dates:
            continue
        documents.add(item.doc)
        mentions.append(item)
    report.documents += len(documents)
    report.mentions += len(mentions)
    return mentions


__all__ = [
    "RECORD_FIELDS",
    "DocumentError",
    "Progress",
    "RunOptions",
    "RunReport",
    "corpus_mentions",
    "expand_inputs",
    "extract_to",
    "map_to",
    "record",
    "stream_documents",
]
