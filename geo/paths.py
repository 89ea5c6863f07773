"""File names made from document ids, which come from untrusted input (file names inside archives,
ids in JSONL or CSV corpora, URLs).

A document id may hold ``/``, ``..``, a leading dot, control characters, lone surrogates or a
thousand characters; the output written for it must still land inside the output folder under a
name that every file system accepts. :func:`safe_output_name` keeps a readable part of the id and
adds a hash of the whole id, so the name is stable across runs and distinct ids never share a file
(``a/b`` and ``a_b`` clean to the same text, but not to the same hash).
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path

#: The readable part is cut to this many UTF-8 bytes (file systems allow 255 for the whole name).
STEM_BYTES = 96
#: Hex digits of SHA-256 kept: 64 bits, no collision in any corpus one could hold.
HASH_DIGITS = 16
#: Characters kept in the readable part besides letters, marks and digits of any script.
_KEPT_PUNCTUATION = frozenset("-_.()+=@,")
_SUFFIX = re.compile(r"^(\.[A-Za-z0-9]{1,16}){1,3}$")
_RUNS = re.compile(r"_{2,}|\.{2,}")


def _kept(char: str) -> bool:
    if char in _KEPT_PUNCTUATION:
        return True
    category = unicodedata.category(char)
    # Letters, combining marks (Arabic harakat) and digits; never controls, format characters
    # (bidi overrides could make a name read backwards), separators or unpaired surrogates.
    return category[0] in "LMN"


def safe_output_name(doc_id: str, suffix: str) -> str:
    """A file name for the output of document ``doc_id``: ``<readable part>-<hash><suffix>``.

    No path separators, no ``..``, no leading dot, at most about 120 bytes, the same for the same id
    and different for different ids. ``suffix`` is an extension such as ``.html`` or ``.geojson.gz``.

    >>> safe_output_name("../../etc/passwd", ".html")
    'etc_passwd-3754d6cb3a38e118.html'
    """
    if not _SUFFIX.match(suffix):
        raise ValueError(f"suffix {suffix!r}: give an extension such as .html")
    digest = hashlib.sha256(doc_id.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_DIGITS]
    cleaned = "".join(c if _kept(c) else "_" for c in unicodedata.normalize("NFC", doc_id))
    cleaned = _RUNS.sub("_", cleaned).strip("._-")
    stem = cleaned.encode("utf-8")[:STEM_BYTES].decode("utf-8", "ignore").rstrip("._-")
    # The NFC step can undo a cut inside a decomposed character: check the bound once more.
    while len(stem.encode("utf-8")) > STEM_BYTES:
        stem = stem[:-1]
    return f"{stem or 'document'}-{digest}{suffix}"


def output_path(folder: str | os.PathLike, doc_id: str, suffix: str) -> Path:
    """``folder / safe_output_name(doc_id, suffix)``, checked to lie directly inside ``folder``."""
    base = Path(folder)
    path = base / safe_output_name(doc_id, suffix)
    if path.parent != base or path.resolve().parent != base.resolve():
        raise ValueError(f"document {doc_id!r}: output name leaves {folder}")
    return path
