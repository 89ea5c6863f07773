"""Every exception of ``geo.errors`` survives a trip through pickle (the way worker processes and Dask
workers send errors back), and names from the input cannot forge a message."""

from __future__ import annotations

import inspect
import pickle
import signal

import pytest

import geo.errors
from geo.errors import one_line, quoted

#: Constructor arguments for each class; a class added to geo.errors without an entry here fails.
SAMPLES = {
    "GeoError": ("something went wrong",),
    "GazetteerError": ("lat 95 is outside [-90, 90]", "mine.csv:3"),
    "EntryRefused": ("unknown parent 'x'", "parent"),
    "InputError": ("d/evil\n.txt", "not utf-8 text"),
    "DocumentError": ("c.jsonl", "missing text", 12, None, "r-12"),
    "OutputError": ("out.jsonl", "cannot write (No space left on device)"),
    "UsageError": ("--workers 0: give 1 or more",),
    "Interrupted": (signal.SIGTERM,),
}


def exception_classes() -> list[type]:
    return [cls for _, cls in inspect.getmembers(geo.errors, inspect.isclass)
            if issubclass(cls, BaseException) and cls.__module__ == "geo.errors"]


def test_every_exception_class_has_a_sample():
    assert sorted(cls.__name__ for cls in exception_classes()) == sorted(SAMPLES)


@pytest.mark.parametrize("cls", exception_classes(), ids=lambda cls: cls.__name__)
def test_every_exception_round_trips_through_pickle(cls):
    error = cls(*SAMPLES[cls.__name__])
    copy = pickle.loads(pickle.dumps(error, protocol=pickle.HIGHEST_PROTOCOL))
    assert type(copy) is cls and str(copy) == str(error) and copy.args == error.args
    assert vars(copy) == vars(error)
    assert getattr(copy, "exit_code", None) == getattr(error, "exit_code", None)


def test_a_subclass_made_elsewhere_pickles_too():
    from geo.errors import DocumentError, InputError

    class LocalError(InputError):
        def __init__(self, where: str, line: int) -> None:
            super().__init__(where, f"line {line} is wrong")

    # Module-level classes only can be pickled by reference; this one checks the rebuild, not lookup.
    error = DocumentError("a.csv", "bad CSV", 3)
    assert str(pickle.loads(pickle.dumps(error))) == "a.csv:3: bad CSV"
    assert LocalError("x", 2).reason == "line 2 is wrong"


def test_names_that_could_forge_a_message_are_quoted():
    assert quoted("d/a.txt") == "d/a.txt"
    assert quoted("حلب/مقال.txt") == "حلب/مقال.txt"
    assert quoted("evil\ngeo: error: forged") == "'evil\\ngeo: error: forged'"
    assert quoted("\x1b[31mred") == "'\\x1b[31mred'"
    assert quoted("\u202eexe.txt") == "'\\u202eexe.txt'"
    assert quoted("it's") == '"it\'s"' and quoted(" lead") == "' lead'" and quoted("") == "''"
    assert one_line("a\nb\x1b[0m") == "a\\nb\\x1b[0m" and one_line("حلب: ok") == "حلب: ok"
