"""A small on-disk cache for data that is slow to build and never changes for a given package version
(the simplified world outlines).

Files go through :mod:`geo.cache`: JSON only, each checked against the hash in its header, in a folder
only this user can write; a key names the version of what it was built from, so an upgrade never
reads a stale file. A broken, unwritable or untrusted cache is never fatal: the value is rebuilt and
used from memory. Nothing read from here is put into a page as code: values are re-serialised as
escaped JSON (:func:`geo.maps.templating.script_json`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from geo import cache
from geo.cache import cache_directory

KIND = "json"

__all__ = ["cache_directory", "cached_json"]


def cached_json(key: str, build: Callable[[], Any]) -> Any:
    """The JSON value stored under ``key``, built (and stored) on first use."""
    path = cache_directory() / f"{key}.json"
    payload = cache.read(path, KIND)
    if payload is not None:
        try:
            return orjson.loads(payload)
        except orjson.JSONDecodeError:
            path.unlink(missing_ok=True)
    value = build()
    cache.write(path, KIND, orjson.dumps(value))
    return value
