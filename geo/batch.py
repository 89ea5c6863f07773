"""Run the geoparser over many documents: text files and corpora, on every core or a Dask cluster,
with a progress bar, streaming the output.

One bad document never sinks a batch: it is reported (file, line, id and reason) as soon as it is
met, the other documents go on, the run's :class:`RunReport` counts it, and the command exits non-zero
at the end. Output is written as results arrive, in input order, so memory stays bounded: JSONL and
CSV line by line, GeoParquet a row group at a time; only GeoJSON (and a map) need every mention.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from geo.atomic import atomic_output
from geo.corpus import (
    CHUNK_CHARS,
    MAX_ROW_BYTES,
    DateRange,
    Document,
    RawRow,
    expand_paths,
    kind_of,
    read_documents,
    text_pieces,
)
from geo.errors import DocumentError, GeoError, InputError, OutputError, UsageError, one_line
from geo.model import Mention
from geo.records import RECORD_FIELDS, record
from geo.summary import MentionTally

if TYPE_CHECKING:
    from geo.engines import BatchResult, Engine, ParserSource
    from geo.pipeline import Geoparser

#: A batch (one task for a worker) holds this many documents, or this much text, whichever comes first.
BATCH_DOCUMENTS = 64
BATCH_CHARS = 1 << 19
#: ``--engine auto`` runs an input smaller than this in this process: a pool's workers each load the
#: index (about a third of a second of CPU) before they extract anything, so for a few hundred
#: seed-length articles two workers finish later than one process. Files count by their size in
#: bytes: 3 MB is about 520 seed-length articles, where the pool starts to pay on 2 cores
#: (``bench/bench_cli.py``, section (c), 2026-12-05: the pool took 1.04-1.12 of inline's time at
#: 300 articles, 0.89-0.98 at 600, 0.78-0.84 at 1,200; rerun it on the machine class that runs geo
#: and set these from it). Many short documents pay off sooner.
SMALL_INPUT_DOCUMENTS = 2_000
SMALL_INPUT_CHARS = 3_000_000


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
    #: A corpus row longer than this is refused (``--max-row-bytes``), read past in bounded memory.
    max_row_bytes: int = MAX_ROW_BYTES


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
        message = one_line(f"geo: error: {error}")
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


# -- the parser ----------------------------------------------------------------------------------------
@dataclass
class ParserSpec:
    """The parser a command asks for (``--gazetteer`` files, world layer on or off), loaded only where
    it is used: a pool's workers load it from the cache file themselves and the parent never holds it;
    a run in this process loads it here."""

    paths: tuple[str, ...] = ()
    world: bool | None = None

    @cached_property
    def parser(self) -> Geoparser:
        from geo.pipeline import Geoparser

        # A command's parser extracts and draws; the gazetteer's geopy face is not needed.
        return Geoparser.load(self.paths, world=self.world, geocoder=False)

    @cached_property
    def gazetteer(self):
        """The parser's gazetteer, without loading the rest of the parser when it is not loaded yet
        (a map drawn from a pool's results needs only this)."""
        if "parser" in self.__dict__:
            return self.parser.gazetteer
        from geo.compiled import load_gazetteer
        from geo.gazetteer_files import bundled_files, expand_paths, require_readable, user_files_from_environment

        require_readable(bundled_files() + user_files_from_environment() + expand_paths(self.paths))
        world = not os.environ.get("GEO_NO_WORLD") if self.world is None else self.world
        return load_gazetteer(self.paths, world)

    def source(self) -> Geoparser | ParserSource:
        """What a local pool's workers build their parser from."""
        from geo.engines import CachedParser
        from geo.gazetteer_files import bundled_files, expand_paths, require_readable, user_files_from_environment

        # The same refusals as Geoparser.load, before any worker starts.
        require_readable(bundled_files() + user_files_from_environment() + expand_paths(self.paths))
        world = not os.environ.get("GEO_NO_WORLD") if self.world is None else self.world
        return CachedParser.of(self.paths, world) or self.parser


def _parser(parser: Geoparser | ParserSpec) -> Geoparser:
    return parser.parser if isinstance(parser, ParserSpec) else parser


# -- planning the work -----------------------------------------------------------------------------------
def batches_of(items: Iterable[Document | RawRow | InputError]) -> Iterator[list[Document | RawRow | InputError]]:
    """Consecutive items grouped for one task: at most :data:`BATCH_DOCUMENTS` documents or about
    :data:`BATCH_CHARS` characters of text (a text file counts by its size)."""
    batch: list[Document | RawRow | InputError] = []
    size = 0
    for item in items:
        batch.append(item)
        size += _size(item)
        if len(batch) >= BATCH_DOCUMENTS or size >= BATCH_CHARS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _size(item: Document | RawRow | InputError) -> int:
    if isinstance(item, RawRow):
        return len(item.data)
    if not isinstance(item, Document):
        return 0
    if item.text is not None:
        return len(item.text)
    return _file_size(item.origin) if item.origin != "-" else BATCH_CHARS


def _file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def work_items(
    paths: Iterable[str], options: RunOptions, report: RunReport, by_reference: bool = True
) -> Iterator[Document | RawRow | InputError]:
    """What the engine's batches are made of, in input order: JSONL lines to parse, text files to read
    (``by_reference``: their workers read them, so they must share this machine's files), documents
    and errors. A long text file, standard input, or a long corpus row is cut here into pieces of
    :data:`~geo.corpus.CHUNK_CHARS`, so that no task (and no result) is larger than that whatever the input."""
    from geo.corpus import text_chunks
    from geo.engines import WHOLE_FILE_BYTES

    dates = options.dates
    for item in read_documents(paths, options.encoding, options.max_row_bytes, raw_rows=True):
        if not isinstance(item, Document):
            yield item
        elif dates is not None and item.date not in dates:
            report.outside += 1
        elif item.text is None:
            if by_reference and item.origin != "-" and _file_size(item.origin) <= WHOLE_FILE_BYTES:
                yield item
            else:
                yield from text_pieces(item, options.encoding)
        elif len(item.text) > CHUNK_CHARS:
            for offset, chunk in text_chunks(item.text):
                yield replace(item, text=chunk, offset=offset)
        else:
            yield item


def corpus_results(
    parser: Geoparser | ParserSpec,
    paths: Iterable[str],
    options: RunOptions | None = None,
    report: RunReport | None = None,
    on_failure: Callable[[GeoError], None] | None = None,
    on_progress: Callable[[RunReport, int], None] | None = None,
    engine: Engine | None = None,
    encode: str = "",
) -> Iterator[BatchResult]:
    """The results of every batch of ``paths`` (text files, folders, JSONL, CSV, Parquet), in input
    order and in bounded memory, on ``engine`` (by default the one ``options`` names): mentions, or
    their JSONL or CSV encoding when ``encode`` names one.

    Failures go to ``report.failures`` and to ``on_failure`` as they are met; ``on_progress`` hears
    of each finished batch.
    """
    from geo.engines import DaskEngine, InProcessEngine, Work, make_engine

    options = options or RunOptions()
    report = report if report is not None else RunReport()
    paths = list(paths)
    report.corpus = report.corpus or any(
        not isinstance(p, InputError) and p != "-" and kind_of(p) != "text" for p in expand_paths(paths)
    )
    chosen = engine is not None
    engine = engine or make_engine(options.engine, options.workers, options.scheduler)
    stream = work_items(paths, options, report, by_reference=not isinstance(engine, DaskEngine))
    if not chosen and options.engine == "auto" and not isinstance(engine, InProcessEngine):
        # Peek: a few small articles run here, at once, rather than wait for a pool to start.
        head: list[Document | RawRow | InputError] = []
        size = 0
        for item in stream:
            head.append(item)
            size += _size(item)
            if len(head) >= SMALL_INPUT_DOCUMENTS or size >= SMALL_INPUT_CHARS:
                break
        else:
            engine = InProcessEngine()
        stream = chain(head, stream)
    # A local pool asks the spec for its source once its workers are starting; the others need the
    # parser itself, here.
    source = _parser(parser) if isinstance(engine, InProcessEngine | DaskEngine) else parser
    work = Work(options.encoding, options.dates, encode)
    for result in engine.run(source, batches_of(stream), work):
        report.documents += result.documents
        report.mentions += result.count
        report.outside += result.outside
        for failure in result.failures:
            report.failures.append(failure)
            if on_failure is not None:
                on_failure(failure)
        if on_progress is not None:
            on_progress(report, result.documents)
        yield result


def corpus_mentions(
    parser: Geoparser | ParserSpec,
    paths: Iterable[str],
    options: RunOptions | None = None,
    report: RunReport | None = None,
    on_failure: Callable[[GeoError], None] | None = None,
    on_progress: Callable[[RunReport, int], None] | None = None,
    engine: Engine | None = None,
) -> Iterator[Mention]:
    """Every mention of every document of ``paths``, in input order, in bounded memory (see
    :func:`corpus_results`)."""
    for result in corpus_results(parser, paths, options, report, on_failure, on_progress, engine):
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


# -- writing ---------------------------------------------------------------------------------------------
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


def _refuse_if_nothing_was_read(report: RunReport, out: str) -> None:
    """A mistyped path must not replace last week's output with an empty one."""
    if report.failed and report.failed >= report.documents:
        raise OutputError(out, "not written: none of the inputs could be read")


def _run(parser, paths: list[str], options: RunOptions, report: RunReport, progress: Progress | None,
         encode: str = "") -> Iterator[BatchResult]:
    if progress is None:
        return corpus_results(parser, paths, options, report, on_failure=_print_failure, encode=encode)
    return corpus_results(parser, paths, options, report, on_failure=progress.failure,
                          on_progress=progress.update, encode=encode)


def _print_failure(error: GeoError) -> None:
    print(one_line(f"geo: error: {error}"), file=sys.stderr)


def _mentions(results: Iterable[BatchResult]) -> Iterator[Mention]:
    for result in results:
        yield from result.mentions


def _destination(out: str | os.PathLike | None, fmt: str) -> contextlib.AbstractContextManager:
    """Where a file format is written: a temporary file renamed over ``out`` once complete
    (:func:`geo.atomic.atomic_output`), or, for stdout, a temporary file copied there at the end
    (Parquet's footer, GeoPackage's pages and GDAL need a file)."""
    from geo.formats import through_file, to_stdout

    return through_file(fmt) if to_stdout(out) else atomic_output(out)


def extract_to(
    parser: Geoparser | ParserSpec,
    paths: list[str],
    fmt: str,
    out: str | None,
    encoding: str = "utf-8",
    options: RunOptions | None = None,
    progress: Progress | None = None,
) -> RunReport:
    """``geo extract``: write the mentions of ``paths`` as ``fmt`` (a :data:`geo.formats.FORMATS`
    name) to the file ``out``, or to stdout when ``out`` is None or ``-``.

    JSONL and CSV are encoded where the batches are extracted and stream as they come, GeoParquet a
    row group at a time; GeoJSON and GeoPackage are written through geopandas once every document is
    read. Binary formats go to stdout only when it is not a terminal. Failures are printed on stderr
    as they are met (above the progress bar, if any).

    A file is written whole or not at all (:func:`geo.atomic.atomic_output`): an earlier one is
    replaced only by a complete new one, never by the output of a run that could read nothing, and a
    folder that cannot be written is refused before the run.
    """
    from geo.formats import check_terminal, to_stdout

    check_output_path(out)
    check_terminal(fmt, out)
    if fmt not in ("jsonl", "csv", "parquet", "geojson", "gpkg"):
        raise UsageError(f"unknown format {fmt!r}")
    options = options or RunOptions(encoding=encoding)
    report = RunReport()
    stdout = to_stdout(out)
    try:
        with contextlib.ExitStack() as stack:
            if fmt in ("parquet", "geojson", "gpkg"):
                path = stack.enter_context(_destination(out, fmt))
                if fmt == "parquet":
                    from geo.table import GeoParquetWriter

                    with GeoParquetWriter(path) as writer:
                        for result in _run(parser, paths, options, report, progress):
                            writer.write(result.mentions)
                else:
                    from geo.table import mentions_frame, write_frame

                    mentions = list(_mentions(_run(parser, paths, options, report, progress)))
                    if not stdout:
                        _refuse_if_nothing_was_read(report, str(out))
                    write_frame(mentions_frame(mentions), path, fmt, layer="mentions")
            else:
                if stdout:
                    sys.stdout.flush()
                    stream = sys.stdout.buffer
                else:
                    stream = stack.enter_context(open(stack.enter_context(atomic_output(out)), "wb"))
                if fmt == "csv":
                    from geo.records import csv_header

                    stream.write(csv_header())
                for result in _run(parser, paths, options, report, progress, encode=fmt):
                    stream.write(result.data)
                stream.flush()
            if not stdout:
                _refuse_if_nothing_was_read(report, str(out))
        return report
    finally:
        if progress is not None:
            progress.close()


def map_to(parser: Geoparser | ParserSpec, args, options: RunOptions | None = None,
           progress: Progress | None = None) -> RunReport:
    """``geo map``: extract every document (or read back a mention table ``geo extract`` wrote), then
    render and write the map and its companions (fragment, shared assets, GeoJSON, PNG, PDF).

    ``args.out`` is the HTML file, or stdout when it is None or ``-``; one companion may be ``-``
    instead when the page goes to a file. Every file is written whole or not at all, and each one's
    folder is checked (its temporary file made) before the extraction starts."""
    # geo.maps loads what draws a map (folium, jinja2, pandas) only when a map is drawn, after the
    # run: a pool's parent waits through the run holding little, and its workers are gone by then.
    from geo import maps
    from geo.formats import STDOUT, check_terminal, through_file
    from geo.maps.options import CSS_LENGTH, tile_prefix
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
    # Mentions are tallied per place as they stream in, so the map's memory does not grow with them;
    # only the GeoJSON companion, which lists every mention, needs them kept.
    tally = MentionTally(map_options.by)
    kept: list[Mention] | None = [] if args.geojson else None
    with contextlib.ExitStack() as stack:
        kinds = {"--out": "html", "--png": "png", "--pdf": "pdf", "--fragment": "html", "--shared-assets": "html",
                 "--geojson": "geojson"}
        # Files first, so that a folder that cannot be written stops the command now; the one output
        # that goes to stdout is copied there from a temporary file at the end.
        files = {flag: stack.enter_context(atomic_output(target)) for flag, target in outputs.items()
                 if target and target != STDOUT}
        def stream() -> Iterator[Mention]:
            if articles:
                yield from _mentions(_run(parser, articles, options, report, progress))
            for path in tables:
                yield from _table_mentions(path, options, report)

        try:
            for mention in stream():
                tally.add(mention)
                if kept is not None:
                    kept.append(mention)
        finally:
            if progress is not None:
                progress.close()
        _refuse_if_nothing_was_read(report, out)
        map_options = replace(map_options, documents=report.documents - report.failed)
        # The gazetteer too, after the run (a pool's parent needs it only to draw).
        gazetteer = parser.gazetteer
        built = maps.render_map(tally, gazetteer=gazetteer, options=map_options)
        for flag in on_stdout:
            files[flag] = stack.enter_context(through_file(kinds[flag]))
        maps.save_html(built, files["--out"])
        if args.png:
            maps.save_png(files["--out"], files["--png"], picture=picture)
        if args.pdf:
            maps.save_pdf(files["--out"], files["--pdf"], picture=picture)
        if args.fragment:
            maps.save_fragment(built, files["--fragment"], height=args.height, width=args.width,
                               shared_assets=bool(args.shared_assets))
        if args.shared_assets:
            maps.save_assets(built, files["--shared-assets"])
        if args.geojson:
            # The run's gazetteer (with the user's --gazetteer files), for the parent chains.
            maps.save_geojson(kept, files["--geojson"], gazetteer=gazetteer)
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
    "ParserSpec",
    "Progress",
    "RunOptions",
    "RunReport",
    "corpus_mentions",
    "corpus_results",
    "expand_inputs",
    "extract_to",
    "map_to",
    "record",
    "stream_documents",
]
