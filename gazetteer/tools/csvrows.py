"""Rewrite rows of a gazetteer CSV in place, changing only the cells asked for.

The tools under ``gazetteer/tools/`` run on files other people edit at the same time (branches that
add rows and spellings), so they keep every row's order and every other byte, and a file they have
nothing to change in is not rewritten.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo.gazetteer import write_atomically  # noqa: E402


def rewrite_text(text: str, update: Callable[[dict[str, str]], dict[str, str]], columns: Iterable[str] = ()) -> str:
    """``text`` with ``columns`` appended to the header where missing, and each row replaced by
    ``update(row)`` (a dict of every column; cells it does not change stay byte for byte)."""
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    if not rows:
        return text
    header = [column.strip() for column in rows[0]]
    missing = [column for column in columns if column not in header]
    names = header + missing
    out_rows = [rows[0] + missing]
    for values in rows[1:]:
        if not any(value.strip() for value in values) or len(values) != len(header):
            out_rows.append(values)  # blank or broken: the validator reports it, the tools leave it
            continue
        row = dict(zip(header, values, strict=True)) | dict.fromkeys(missing, "")
        updated = update(row)
        out_rows.append([updated.get(name, "") for name in names])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(out_rows)
    result = buffer.getvalue()
    return text if result == text else result


def rewrite_file(path: Path, update: Callable[[dict[str, str]], dict[str, str]], columns: Iterable[str] = (),
                 check: bool = False) -> bool:
    """Apply :func:`rewrite_text` to a file (atomically); True when it changed (or would, with ``check``)."""
    text = path.read_bytes().decode("utf-8-sig")
    new = rewrite_text(text, update, columns)
    if new == text:
        return False
    if not check:
        write_atomically(path, new)
    return True
