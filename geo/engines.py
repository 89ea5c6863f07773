"""Where the extraction of a corpus runs: in this process, in a pool of local processes, or on a Dask
cluster. One interface, three implementations; every one gives the same output in the same order,
byte for byte.

An engine takes batches of work items (documents, JSONL lines not parsed yet, text files to read,
errors met while reading) and yields one :class:`BatchResult` per batch, in input order, while keeping
only a few batches in flight: a corpus larger than memory streams through. Each batch is read,
parsed, extracted and, for JSONL and CSV output, encoded where it runs: a pool's parent only orders
and writes bytes.

A local pool's workers load the compiled index from the cache file themselves
(:class:`CachedParser`); a parser built in Python (or a Dask cluster, whose workers may not share this
machine's disk) is sent once to each worker as a :class:`ParserState`. A document never carries it.

    >>> engine = ProcessEngine(workers=4)
    >>> for result in engine.run(parser, batches, Work(encode="jsonl")): ...
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import signal
import sys
import tempfile
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from geo.corpus import (
    CHUNK_CHARS,
    DateRange,
    Document,
    RawRow,
    file_chunks,
    parse_jsonl_row,
    read_chunks,
    text_chunks,
)
from geo.errors import DocumentError, GeoError, InputError, UsageError
from geo.model import Mention

if TYPE_CHECKING:
    # Not imported at run time: a pool's parent process only plans and writes, and never needs the
    # pipeline's modules (NumPy, geopy ...) in its memory.
    from geo.pipeline import Geoparser

#: A batch: what one task extracts. Errors met while reading ride along in their place, so failures
#: are reported in input order whatever engine ran.
Batch = list[Document | RawRow | InputError]
#: Batches in flight per worker: enough to keep every worker busy, few enough to bound memory.
AHEAD_PER_WORKER = 2
#: A worker's encoded rows from this size on come back in a file rather than through the pipe.
SPILL_BYTES = 1 << 16


@dataclass(frozen=True, slots=True)
class Work:
    """What every batch of a run needs besides its items."""

    encoding: str = "utf-8"
    #: ``--from``/``--to``; documents outside are counted, not extracted.
    dates: DateRange | None = None
    #: ``jsonl`` or ``csv``: a batch's mentions come back encoded (:mod:`geo.records`); empty: as
    #: :class:`Mention` values.
    encode: str = ""
    #: A private folder of the parent's where a worker leaves a batch's encoded rows (see
    #: :func:`_worker_batch`); empty: they come back through the pool's pipe.
    spill: str = ""


@dataclass(slots=True)
class BatchResult:
    """What one batch gave: its mentions (in document order) or their encoding, and its failures."""

    mentions: list[Mention] = field(default_factory=list)
    #: The mentions encoded (JSONL lines or CSV rows) when the run asked for it; ``mentions`` is then empty.
    data: bytes = b""
    #: Mentions found (also when they came back encoded).
    count: int = 0
    failures: list[InputError] = field(default_factory=list)
    #: Documents attempted, failed ones included.
    documents: int = 0
    #: Documents left out by ``--from``/``--to``.
    outside: int = 0
    #: The file (in :attr:`Work.spill`) a worker left ``data`` in; the parent reads and removes it.
    spilled: str = ""

    def __reduce__(self):
        # Mentions travel as plain tuples: unpickling them and calling Mention(*row) takes half the
        # time of unpickling the dataclasses.
        rows = [tuple([getattr(m, name) for name in _MENTION_FIELDS]) for m in self.mentions]
        return (_rebuild_result, (rows, self.data, self.count, self.failures, self.documents, self.outside,
                                  self.spilled))


_MENTION_FIELDS = tuple(f.name for f in fields(Mention))


def _rebuild_result(rows: list[tuple], data: bytes, count: int, failures: list[InputError], documents: int,
                    outside: int, spilled: str = "") -> BatchResult:
    return BatchResult([Mention(*row) for row in rows], data, count, failures, documents, outside, spilled)


# -- the parser, once per worker ---------------------------------------------------------------------
class ParserSource(Protocol):
    """How a worker gets its parser; ``key`` names it, so a worker keeps one parser per source."""

    key: str

    def build(self) -> Geoparser: ...


@dataclass(frozen=True)
class ParserState:
    """A :class:`Geoparser` as bytes (pickled by this process, never read from disk), rebuilt once
    in each worker process."""

    key: str
    data: bytes

    @classmethod
    def of(cls, parser: Geoparser) -> ParserState:
        payload = (parser.gazetteer.to_state(), parser.lexicon, parser.index, parser.discover)
        return cls(uuid.uuid4().hex, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))

    def build(self) -> Geoparser:
        from geo.gazetteer import Gazetteer
        from geo.pipeline import Geoparser

        state, lexicon, index, discover = pickle.loads(self.data)
        return Geoparser(Gazetteer.from_state(state), lexicon, discover=discover, index=index)


@dataclass(frozen=True)
class CachedParser:
    """The parser of the command line, loaded by each worker from the index cache file: a few
    hundred bytes to send instead of 20 MB, and no copy of the parser in the parent."""

    key: str
    #: The index file, and the gazetteer files it was built from (their paths go back into origins).
    file: str
    files: tuple[str, ...]
    #: What the parent was asked to load, to rebuild from if the file is gone.
    paths: tuple[str, ...] = ()
    world: bool = True

    @classmethod
    def of(cls, paths: Iterable[str] = (), world: bool = True) -> CachedParser | None:
        """The source for the index of ``paths``, written to the cache first if needed; None when
        the cache cannot be used (the parser is then sent as a :class:`ParserState`)."""
        from geo.compiled import Sources, compiled_file

        paths = tuple(str(p) for p in paths)
        file = compiled_file(paths, world)
        if file is None:
            return None
        files = tuple(str(f) for f in Sources.of(paths, world).files)
        return cls(f"{file.name}", str(file), files, paths, world)

    def build(self) -> Geoparser:
        from geo.compiled import read_index
        from geo.lexicon import Lexicon
        from geo.pipeline import Geoparser

        loaded = read_index(Path(self.file), [Path(f) for f in self.files], geocoder=False)
        if loaded is None:  # removed or replaced since the parent checked it: build as the parent would
            return Geoparser.load(self.paths, world=self.world, geocoder=False)
        gazetteer, index = loaded
        return Geoparser(gazetteer, Lexicon.load(), index=index)


#: Parsers built in this (worker) process, by :attr:`ParserSource.key`.
_PARSERS: dict[str, Geoparser] = {}


def install_parser(source: ParserSource) -> Geoparser:
    """Build the parser of ``source`` in this process unless it is here already."""
    parser = _PARSERS.get(source.key)
    if parser is None:
        parser = _PARSERS[source.key] = source.build()
    return parser


def installed_parser(key: str) -> Geoparser:
    parser = _PARSERS.get(key)
    if parser is None:
        raise GeoError(f"no geoparser {key} in worker process {os.getpid()}: the worker set-up did not run")
    return parser


@dataclass(frozen=True)
class ParserFile:
    """A :class:`ParserState` this process wrote into a private temporary folder of its own, for a
    pool's workers to read once each (a batch carries only this name)."""

    key: str
    path: str

    def build(self) -> Geoparser:
        return ParserState(self.key, Path(self.path).read_bytes()).build()


def _start_worker(parent: int) -> None:
    """A pool worker's set-up: it dies with its parent and leaves signals from a terminal to the
    parent (which ends the workers itself). The parser is built on the first batch, from the source
    the batch names: workers start while the parent is still finding that source. (A worker keeps
    glibc's own heap thresholds: :func:`release_large_buffers` made its extraction a tenth slower,
    its heap trimmed and grown again for every batch.)"""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
    _die_with_parent(parent)
    atexit.register(_leave_at_once)


def _leave_at_once() -> None:
    """A pool worker's last act, once the pool has sent it away: leave without the interpreter's
    clean-up. That clean-up frees the index object by object (a hundred megabytes, 60-80 ms on the
    machines of bench/results/cli.md) while the parent, its output written, waits to join the worker.
    Nothing is lost by skipping it: a worker holds no file, lock or buffer of its own once its last
    result is sent (results go through a pipe the pool writes synchronously, rows through files
    already closed). Registered last, it runs first of the exit handlers; the standard streams are
    flushed so that a warning printed on the way out still shows."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(0)


def _warm_up() -> None:
    """The first task of each worker: the pipeline's modules imported before any batch arrives."""
    import geo.compiled
    import geo.pipeline  # noqa: F401


def release_large_buffers() -> None:
    """glibc: serve allocations of 256 KB or more with their own mappings, given back to the system
    when freed. A pool's parent receives and writes a result of several MB per batch, and by default
    glibc raises that threshold after the first large free and then keeps such buffers in a heap
    that only grows: 50 MB more of the parent's memory for a 50 MB corpus row. Elsewhere nothing."""
    try:
        import ctypes

        ctypes.CDLL(None).mallopt(-3, 256 * 1024)  # M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        pass


def _die_with_parent(parent: int) -> None:
    """Linux: SIGTERM this process when the parent dies (a parent killed with SIGKILL runs no clean-up
    of its own); elsewhere nothing."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # it died before the request was made
        os._exit(1)


# -- one document, one batch -------------------------------------------------------------------------
#: A text file up to this size is read whole, decoded once and checked before it is extracted; a
#: larger one is read twice in chunks (checked, then extracted) to stay in bounded memory.
WHOLE_FILE_BYTES = 4 * CHUNK_CHARS


def document_texts(document: Document, encoding: str = "utf-8") -> Iterable[tuple[int, str]]:
    """(offset, text) of each piece of one document to extract, in order; ``InputError`` (naming the
    document) when it cannot be read. A text file is decoded whole and checked before its first piece
    (a larger one in chunks, twice), so a file is never half extracted."""
    if document.text is None:
        path = document.origin
        if path != "-" and _file_size(path) <= WHOLE_FILE_BYTES:
            return file_chunks(path, encoding, document.id)
        return _checked_chunks(path, encoding, document.id)
    if document.offset is not None:
        return ((document.offset, document.text),)
    return text_chunks(document.text)


def _checked_chunks(path: str, encoding: str, name: str) -> Iterator[tuple[int, str]]:
    """A long file's chunks, after a first pass that only decodes it (standard input, which cannot
    be read twice, is checked as it streams)."""
    if path != "-":
        for _ in read_chunks(path, encoding=encoding, name=name):
            pass
    yield from read_chunks(path, encoding=encoding, name=name)


def extract_document(parser: Geoparser, document: Document, encoding: str = "utf-8") -> list[Mention]:
    """Every mention of one document, carrying its metadata; ``InputError`` when it cannot be read."""
    mentions = []
    for offset, text in document_texts(document, encoding):
        mentions.extend(parser.extract(text, document.id, offset))
    if document.date or document.title or document.url or document.source:
        for mention in mentions:  # fresh objects of this call: set in place, not copied
            mention.date, mention.title = document.date, document.title
            mention.url, mention.source = document.url, document.source
    return mentions


def _file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0  # read_chunks names the problem


def extract_batch(parser: Geoparser, batch: Batch, work: Work | str = "utf-8") -> BatchResult:
    """Extract every document of ``batch``; a document that fails is reported and the rest go on.
    JSONL lines are parsed here, ``--from``/``--to`` applied, and the mentions encoded if asked."""
    if isinstance(work, str):
        work = Work(encoding=work)
    result = BatchResult()
    encoder = getattr(parser, "encoder", None) if work.encode else None
    if encoder is not None:
        return _encode_batch(parser, encoder, batch, work, result)
    mentions: list[Mention] = []
    for item in _documents(batch, work, result):
        try:
            mentions.extend(extract_document(parser, item, work.encoding))
        except Exception as error:  # one bad document never sinks a batch
            result.failures.append(_failure(item, error))
    result.count = len(mentions)
    if work.encode:
        from geo.records import ENCODERS

        result.data = ENCODERS[work.encode](mentions)
    else:
        result.mentions = mentions
    return result


def _encode_batch(parser: Geoparser, encoder, batch: Batch, work: Work, result: BatchResult) -> BatchResult:
    """:func:`extract_batch` for a run that writes JSONL or CSV: each text's findings encoded at once
    (:class:`geo.records.FindingsEncoder`), no Mention object made. A document that fails leaves
    nothing of itself in the output."""
    encoding = work.encoding
    analyse = parser.analyse
    count = 0
    if work.encode == "jsonl":
        buffer = bytearray()
        for item in _documents(batch, work, result):
            mark = len(buffer)
            metadata = (item.date, item.title, item.url, item.source)
            try:
                for offset, text in document_texts(item, encoding):
                    findings = analyse(text)
                    if findings is not None:
                        count += encoder.jsonl(buffer, findings, item.id, offset, metadata)
            except Exception as error:  # one bad document never sinks a batch
                del buffer[mark:]
                result.failures.append(_failure(item, error))
        result.data = bytes(buffer)
    else:
        import csv
        import io

        stream = io.StringIO()
        writer = csv.writer(stream, lineterminator="\n")
        for item in _documents(batch, work, result):
            mark = stream.tell()
            metadata = (item.date, item.title, item.url, item.source)
            try:
                for offset, text in document_texts(item, encoding):
                    findings = analyse(text)
                    if findings is not None:
                        count += encoder.csv(writer, findings, item.id, offset, metadata)
            except Exception as error:  # one bad document never sinks a batch
                stream.seek(mark)
                stream.truncate()
                result.failures.append(_failure(item, error))
        result.data = stream.getvalue().encode("utf-8", "replace")
    # Mentions of documents that failed part-way were never counted: their rows were taken back.
    result.count = count
    return result


def _documents(batch: Batch, work: Work, result: BatchResult) -> Iterator[Document]:
    """The documents of ``batch`` to extract: JSONL lines parsed, errors met while reading and
    documents outside ``--from``/``--to`` counted in ``result`` and left out."""
    dates = work.dates
    for item in batch:
        if isinstance(item, RawRow):
            item = parse_jsonl_row(item)
        if isinstance(item, InputError):
            result.documents += 1
            result.failures.append(item)
            continue
        if dates is not None and item.date not in dates:
            # Counted once a document: the pieces of a long text after its first are not documents.
            result.outside += not item.offset
            continue
        result.documents += not item.offset
        yield item


def _failure(document: Document, error: Exception) -> InputError:
    """What a document that could not be extracted is reported as."""
    if isinstance(error, DocumentError):
        return error
    if isinstance(error, InputError):
        return DocumentError(error.path, error.reason)
    if isinstance(error, RecursionError):
        return DocumentError.of(document, "extraction failed: text too deeply nested")
    return DocumentError.of(document, f"extraction failed: {type(error).__name__}: {error}")


def _worker_batch(source: ParserSource, batch: Batch, work: Work) -> BatchResult:
    result = extract_batch(install_parser(source), batch, work)
    if work.spill and len(result.data) >= SPILL_BYTES:
        # Megabytes of rows sent back through the pool's pipe go 64 KB at a time, the worker waiting
        # on the parent's reading thread at each step; left in a file, they cost one write here
        # and one read there, and the worker goes on to its next batch at once.
        # A temporary folder that is full or gone only costs the faster way: the rows take the pipe.
        path = ""
        try:
            descriptor, path = tempfile.mkstemp(dir=work.spill, suffix=".rows")
            with open(descriptor, "wb") as stream:
                stream.write(result.data)
        except OSError:
            if path:
                with contextlib.suppress(OSError):
                    os.unlink(path)
            return result
        result.data, result.spilled = b"", path
    return result


def _taken_back(result: BatchResult) -> BatchResult:
    """A worker's result with the rows it left in a file read back (and the file removed)."""
    if result.spilled:
        path, result.spilled = result.spilled, ""
        with open(path, "rb") as stream:
            result.data = stream.read()
        os.unlink(path)
    return result


def _dask_batch(key: str, batch: Batch, work: Work) -> BatchResult:
    return extract_batch(installed_parser(key), batch, work)


# -- engines -----------------------------------------------------------------------------------------
class Engine(Protocol):
    """Runs :func:`extract_batch` over batches and yields the results in input order."""

    def run(self, parser: Geoparser | ParserSource, batches: Iterable[Batch], work: Work | str = "utf-8"
            ) -> Iterator[BatchResult]:
        ...


def _is_source(parser) -> bool:
    return isinstance(parser, ParserState | CachedParser | ParserFile)


def _work(work: Work | str) -> Work:
    return Work(encoding=work) if isinstance(work, str) else work


@dataclass
class InProcessEngine:
    """Everything in this process: no start-up cost, the choice for a few articles."""

    workers: int = 1

    def run(self, parser: Geoparser | ParserSource, batches: Iterable[Batch], work: Work | str = "utf-8"
            ) -> Iterator[BatchResult]:
        work = _work(work)
        parser = install_parser(parser) if _is_source(parser) else parser
        for batch in batches:
            yield extract_batch(parser, batch, work)


def _ordered(submit, batches: Iterable[Batch], ahead: int) -> Iterator:
    """Submit batches with at most ``ahead`` in flight; yield each future's result in input order."""
    pending: deque = deque()
    for batch in batches:
        pending.append(submit(batch))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


@contextlib.contextmanager
def _stop_signals_blocked():
    """While a worker is started, SIGINT and SIGTERM wait: a stop that cut the parent's hand-over
    of the worker's set-up would leave a worker dying with a traceback. The worker inherits the
    mask through ``exec``: SIGINT stays blocked there for good (a Ctrl-C reaches the whole process
    group; the parent ends the workers itself), SIGTERM is unblocked by :func:`_start_worker`."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


@dataclass
class ProcessEngine:
    """A pool of ``workers`` local processes (default: every core), started with ``spawn`` so that
    it is safe whatever threads this process runs; each builds the parser once, from the source
    given to its initializer.

    A run that ends early (an error, SIGINT or SIGTERM in the parent, the caller closing the
    iterator) ends the workers at once rather than waiting for their batches; a worker that dies
    (killed, out of memory) ends the run with one error.
    """

    workers: int | None = None

    def run(self, parser: Geoparser | ParserSource, batches: Iterable[Batch], work: Work | str = "utf-8"
            ) -> Iterator[BatchResult]:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        work = _work(work)
        workers = self.workers or os.cpu_count() or 1
        release_large_buffers()
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(os.getpid(),),
        )

        def submit(*call):
            with _stop_signals_blocked():
                return pool.submit(*call)

        with contextlib.ExitStack() as stack:
            try:
                for _ in range(workers):  # the workers start now, while the parser's source is found
                    submit(_warm_up)
                source = _pool_source(parser, stack)
                if work.encode:
                    work = replace(work, spill=stack.enter_context(tempfile.TemporaryDirectory(prefix="geo-rows-")))
                for result in _ordered(lambda batch: submit(_worker_batch, source, batch, work), batches,
                                       workers * AHEAD_PER_WORKER):
                    yield _taken_back(result)
            except BrokenProcessPool:
                _end_workers(pool)
                raise GeoError("a worker process died (killed, or out of memory?); nothing was written") from None
            except BaseException:
                _end_workers(pool)
                raise
            finally:
                pool.shutdown(wait=True, cancel_futures=True)


def _pool_source(parser, stack: contextlib.ExitStack) -> ParserSource:
    """What a batch names for its worker to build the parser from: the index cache file
    (:class:`CachedParser`), or a parser given in Python written once to a private temporary file
    (:class:`ParserFile`), never 20 MB of state with every batch. ``parser`` may also be something
    with a ``source()`` method (:class:`geo.batch.ParserSpec`), asked only now."""

    if hasattr(parser, "source"):
        parser = parser.source()
    if isinstance(parser, CachedParser | ParserFile):
        return parser
    state = parser if isinstance(parser, ParserState) else ParserState.of(parser)
    folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="geo-parser-"))
    path = Path(folder) / "parser.pickle"
    path.write_bytes(state.data)
    return ParserFile(state.key, str(path))


def _end_workers(pool) -> None:
    """Terminate the pool's processes and wait for them: none may outlive the run, holding the
    caller's pipes open."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    # The thread feeding batches to the workers may be stuck writing a large batch into a pipe that
    # no worker will read again; without this, shutting the pool down waits for it for ever (fixed
    # inside concurrent.futures from Python 3.12).
    with contextlib.suppress(Exception):
        pool._call_queue.cancel_join_thread()
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)
    # A worker ended while sending a result leaves the pool's reading thread waiting for the rest
    # of it; closing this process's own write end of that pipe (no worker holds one any more) gives
    # it an end of file, and it shuts the pool down as broken.
    with contextlib.suppress(Exception):
        pool._result_queue._writer.close()


class _ParserPlugin:
    """A Dask worker plugin that builds the parser once when the worker starts (or joins later)."""

    def __init__(self, state: ParserState) -> None:
        self.state = state
        self.name = f"geo-parser-{state.key}"

    def setup(self, worker) -> None:
        install_parser(self.state)

    def teardown(self, worker) -> None:
        _PARSERS.pop(self.state.key, None)


def _plugin_class(base: type) -> type:
    """:class:`_ParserPlugin` as a ``distributed.WorkerPlugin``, made on first use so that
    ``import geo.engines`` does not import Dask; published as ``geo.engines.GeoParserPlugin`` so that
    workers unpickle it by reference (the module's ``__getattr__`` makes it there)."""
    plugin = globals().get("GeoParserPlugin")
    if plugin is None:
        plugin = type("GeoParserPlugin", (_ParserPlugin, base), {"__module__": __name__})
        globals()["GeoParserPlugin"] = plugin
    return plugin


def __getattr__(name: str):
    if name == "GeoParserPlugin":
        from distributed import WorkerPlugin

        return _plugin_class(WorkerPlugin)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass
class DaskEngine:
    """Batches as tasks on a Dask cluster: the scheduler at ``address`` (``tcp://host:8786``), or a
    ``LocalCluster`` of ``workers`` processes started for the run and closed after it.

    The parser goes to each worker once, in a worker plugin (so workers that join later get it too);
    each task carries only its documents. Tasks are submitted a few per worker ahead of the results,
    which come back in input order: memory stays bounded on both sides whatever the corpus size (a
    ``dask.bag`` built from the corpus would hold all of it in the task graph).
    """

    address: str | None = None
    workers: int | None = None
    #: Extra ``LocalCluster`` arguments (tests pass ``threads_per_worker``, for example).
    cluster_options: dict = field(default_factory=dict)

    def run(self, parser: Geoparser | ParserSource, batches: Iterable[Batch], work: Work | str = "utf-8"
            ) -> Iterator[BatchResult]:
        work = _work(work)
        try:
            from distributed import Client, LocalCluster, WorkerPlugin
        except ImportError:
            raise UsageError("--engine dask needs Dask: pip install -e '.[dask]' in the clone of geo") from None

        cluster = None
        if self.address:
            try:
                client = Client(self.address, timeout="30s")
            except OSError as error:
                raise UsageError(f"--scheduler {self.address}: cannot reach the Dask scheduler ({error})") from None
        else:
            # Loopback only, no dashboard: a run opens no port another machine could reach.
            options = {"n_workers": self.workers or os.cpu_count() or 1, "threads_per_worker": 1,
                       "processes": True, "dashboard_address": None, "host": "127.0.0.1"}
            options.update(self.cluster_options)
            cluster = LocalCluster(**options)
            client = Client(cluster)
        # The cluster's workers may not share this machine's disk: the parser goes to them as bytes.
        state = ParserState.of(install_parser(parser) if _is_source(parser) else parser)
        plugin = _plugin_class(WorkerPlugin)(state)
        try:
            client.register_plugin(plugin, name=plugin.name)
            workers = max(1, len(client.scheduler_info().get("workers", {})))
            yield from _ordered(
                lambda batch: client.submit(_dask_batch, state.key, batch, work, pure=False),
                batches, workers * AHEAD_PER_WORKER,
            )
        finally:
            if cluster is None:
                # A cluster that went away keeps no plugin either.
                with contextlib.suppress(Exception):
                    client.unregister_worker_plugin(plugin.name)
            client.close()
            if cluster is not None:
                cluster.close()


def make_engine(name: str = "auto", workers: int | None = None, scheduler: str | None = None) -> Engine:
    """The engine a command line asks for: ``process`` (local processes), ``dask`` or ``inline``.
    ``auto`` is the process pool (the caller falls back to ``inline`` for small inputs)."""
    if workers is not None and workers < 1:
        raise UsageError(f"--workers {workers}: give 1 or more")
    if scheduler and name != "dask":
        raise UsageError("--scheduler needs --engine dask")
    if name == "dask":
        return DaskEngine(scheduler, workers)
    if name == "inline" or workers == 1:
        return InProcessEngine()
    if name in ("auto", "process"):
        return ProcessEngine(workers)
    raise UsageError(f"unknown engine {name!r}")
