"""Where the extraction of a corpus runs: in this process, in a pool of local processes, or on a Dask
cluster. One interface, three implementations; every one gives the same mentions in the same order.

An engine takes batches of documents and yields one :class:`BatchResult` per batch, in input order,
while keeping only a few batches in flight: a corpus larger than memory streams through. The parser
is sent to each worker once, as a :class:`ParserState` (the compiled gazetteer, word lists and
automaton, about 6 MB pickled), and built there once; a document never carries it.

    >>> engine = ProcessEngine(workers=4)
    >>> for result in engine.run(parser, batches, encoding="utf-8"): ...
"""

from __future__ import annotations

import contextlib
import os
import pickle
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from typing import Protocol

from geo.corpus import Document, DocumentError
from geo.errors import GeoError, InputError, UsageError
from geo.model import Mention
from geo.pipeline import CHUNK_CHARS, Geoparser

#: A batch: what one task extracts. Errors met while reading ride along in their place, so failures
#: are reported in input order whatever engine ran.
Batch = list[Document | InputError]
#: Batches in flight per worker: enough to keep every worker busy, few enough to bound memory.
AHEAD_PER_WORKER = 4


@dataclass(slots=True)
class BatchResult:
    """What one batch gave: its mentions (in document order) and its failed documents."""

    mentions: list[Mention] = field(default_factory=list)
    failures: list[InputError] = field(default_factory=list)
    #: Documents attempted, failed ones included.
    documents: int = 0

    def __reduce__(self):
        # Mentions travel as plain tuples: unpickling them and calling Mention(*row) takes half the
        # time of unpickling the dataclasses, and the parent process is the bottleneck of a pool.
        rows = [tuple([getattr(m, name) for name in _MENTION_FIELDS]) for m in self.mentions]
        return (_rebuild_result, (rows, self.failures, self.documents))


_MENTION_FIELDS = tuple(f.name for f in fields(Mention))


def _rebuild_result(rows: list[tuple], failures: list[InputError], documents: int) -> BatchResult:
    return BatchResult([Mention(*row) for row in rows], failures, documents)


# -- the parser, once per worker ---------------------------------------------------------------------
@dataclass(frozen=True)
class ParserState:
    """A :class:`Geoparser` as bytes, to be rebuilt once in each worker process.

    ``key`` names this snapshot, so a worker that runs tasks of several runs keeps one parser each.
    """

    key: str
    data: bytes

    @classmethod
    def of(cls, parser: Geoparser) -> ParserState:
        payload = (parser.gazetteer.to_state(), parser.lexicon, parser.index, parser.discover)
        return cls(uuid.uuid4().hex, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))

    def build(self) -> Geoparser:
        from geo.gazetteer import Gazetteer

        state, lexicon, index, discover = pickle.loads(self.data)
        return Geoparser(Gazetteer.from_state(state), lexicon, discover=discover, index=index)


#: Parsers built in this (worker) process, by :attr:`ParserState.key`.
_PARSERS: dict[str, Geoparser] = {}


def install_parser(state: ParserState) -> Geoparser:
    """Build the parser of ``state`` in this process unless it is here already."""
    parser = _PARSERS.get(state.key)
    if parser is None:
        parser = _PARSERS[state.key] = state.build()
    return parser


def installed_parser(key: str) -> Geoparser:
    parser = _PARSERS.get(key)
    if parser is None:
        raise GeoError(f"no geoparser {key} in worker process {os.getpid()}: the worker set-up did not run")
    return parser


# -- one document, one batch -------------------------------------------------------------------------
def text_chunks(text: str, size: int = CHUNK_CHARS) -> Iterator[tuple[int, str]]:
    """(offset, chunk) of whole lines, as :func:`geo.pipeline.read_chunks` cuts a file: a long
    document is resolved a megabyte at a time, like a long text file."""
    offset = 0
    while len(text) - offset > size:
        window = text[offset : offset + size]
        cut = window.rfind("\n") + 1 or window.rfind(" ") + 1 or size
        yield offset, text[offset : offset + cut]
        offset += cut
    if offset < len(text):
        yield offset, text[offset:]


def extract_document(parser: Geoparser, document: Document, encoding: str = "utf-8") -> list[Mention]:
    """Every mention of one document, carrying its metadata; ``InputError`` when it cannot be read."""
    if document.text is None:
        mentions = list(parser.iter_file(document.origin, doc=document.id, encoding=encoding))
    elif document.offset is not None:
        mentions = parser.extract(document.text, document.id, document.offset)
    else:
        mentions = []
        for offset, chunk in text_chunks(document.text):
            mentions.extend(parser.extract(chunk, document.id, offset))
    metadata = document.metadata
    if any(metadata.values()):
        mentions = [replace(mention, **metadata) for mention in mentions]
    return mentions


def extract_batch(parser: Geoparser, batch: Batch, encoding: str = "utf-8") -> BatchResult:
    """Extract every document of ``batch``; a document that fails is reported and the rest go on."""
    result = BatchResult()
    for item in batch:
        # The pieces of a long text file after its first are not documents of their own.
        result.documents += not (isinstance(item, Document) and item.offset)
        if isinstance(item, InputError):
            result.failures.append(item)
            continue
        try:
            result.mentions.extend(extract_document(parser, item, encoding))
        except DocumentError as error:
            result.failures.append(error)
        except InputError as error:
            # Rebuilt as a DocumentError so that it pickles; the message stays the same.
            reason = str(error)[len(error.path) + 2 :] if str(error).startswith(f"{error.path}: ") else str(error)
            result.failures.append(DocumentError(error.path, reason))
        except RecursionError:
            result.failures.append(DocumentError.of(item, "extraction failed: text too deeply nested"))
        except Exception as error:
            result.failures.append(DocumentError.of(item, f"extraction failed: {type(error).__name__}: {error}"))
    return result


def _worker_batch(key: str, batch: Batch, encoding: str) -> BatchResult:
    return extract_batch(installed_parser(key), batch, encoding)


# -- engines -----------------------------------------------------------------------------------------
class Engine(Protocol):
    """Runs :func:`extract_batch` over batches and yields the results in input order."""

    def run(self, parser: Geoparser, batches: Iterable[Batch], encoding: str = "utf-8") -> Iterator[BatchResult]:
        ...


@dataclass
class InProcessEngine:
    """Everything in this process: no start-up cost, the choice for a few articles."""

    workers: int = 1

    def run(self, parser: Geoparser, batches: Iterable[Batch], encoding: str = "utf-8") -> Iterator[BatchResult]:
        for batch in batches:
            yield extract_batch(parser, batch, encoding)


def _ordered(submit, batches: Iterable[Batch], ahead: int) -> Iterator:
    """Submit batches with at most ``ahead`` in flight; yield each future's result in input order."""
    pending: deque = deque()
    for batch in batches:
        pending.append(submit(batch))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


@dataclass
class ProcessEngine:
    """A pool of ``workers`` local processes (default: every core), started with ``spawn`` so that
    it is safe whatever threads this process runs; each builds the parser once, from the state sent
    to its initializer."""

    workers: int | None = None

    def run(self, parser: Geoparser, batches: Iterable[Batch], encoding: str = "utf-8") -> Iterator[BatchResult]:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        workers = self.workers or os.cpu_count() or 1
        state = ParserState.of(parser)
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=install_parser,
            initargs=(state,),
        )
        try:
            yield from _ordered(lambda batch: pool.submit(_worker_batch, state.key, batch, encoding),
                                batches, workers * AHEAD_PER_WORKER)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


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

    def run(self, parser: Geoparser, batches: Iterable[Batch], encoding: str = "utf-8") -> Iterator[BatchResult]:
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
        state = ParserState.of(parser)
        plugin = _plugin_class(WorkerPlugin)(state)
        try:
            client.register_plugin(plugin, name=plugin.name)
            workers = max(1, len(client.scheduler_info().get("workers", {})))
            yield from _ordered(
                lambda batch: client.submit(_worker_batch, state.key, batch, encoding, pure=False),
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
