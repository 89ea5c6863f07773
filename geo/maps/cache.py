"""A small on-disk cache for things that are slow to build and never change for a given package version
(the simplified world outlines, the JavaScript and CSS that ``folium-offline`` carries).

Files live under the user cache folder (``platformdirs``), or ``$GEO_CACHE_DIR``; a key names the
version of what it was built from, so an upgrade never reads a stale file. A broken or unwritable
cache is never fatal: the value is rebuilt and used from memory.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ENV_VARIABLE = "GEO_CACHE_DIR"
APP_NAME = "geo-arabic-news"


def cache_directory() -> Path:
    configured = os.environ.get(ENV_VARIABLE)
    if configured:
        return Path(configured)
    try:
        from platformdirs import user_cache_dir
    except ImportError:  # platformdirs is small but optional: fall back to the XDG default
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / APP_NAME
    return Path(user_cache_dir(APP_NAME, appauthor=False))


def cached_json(key: str, build: Callable[[], Any]) -> Any:
    """The JSON value stored under ``key``, built (and stored) on first use."""
    path = cache_directory() / f"{key}.json"
    try:
        with open(path, encoding="utf-8") as stream:
            return json.load(stream)
    except (OSError, ValueError):
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the target and renamed, so a concurrent reader never sees half a file.
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, suffix=".tmp",
                                         delete=False) as stream:
            json.dump(value, stream, ensure_ascii=False, separators=(",", ":"))
        os.replace(stream.name, path)
    except OSError:
        pass
    return value
