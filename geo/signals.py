"""SIGINT and SIGTERM stop a command cleanly: they become :class:`~geo.errors.Interrupted`, raised
in the main thread wherever it is, so every ``finally`` runs on the way out: a pool's workers are
ended (:class:`geo.engines.ProcessEngine`), temporary output files removed
(:func:`geo.atomic.atomic_output`), and the command line exits 130 or 143 with one line.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator

from geo.errors import Interrupted

SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def stopping_on_signals() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise :class:`Interrupted`. Once one has, both are
    ignored until the block is left: the clean-up is short, and cutting it would leave what it
    removes behind. Outside the main thread (where handlers cannot be set) it does nothing."""

    def stop(signum: int, frame) -> None:
        for number in SIGNALS:
            signal.signal(number, signal.SIG_IGN)
        raise Interrupted(signum)

    try:
        previous = {number: signal.signal(number, stop) for number in SIGNALS}
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
