"""Element ids derived from the map's content, so that the same input gives the same bytes.

branca gives every element a random id (``os.urandom``), and those ids end up in the page as
JavaScript variable names and the map container's id: two runs over the same articles gave two
different files, and the example map in the repository changed on every run. Here every element
under a map gets an id hashed from a digest of what the map shows and the element's place in the
tree: two different maps on one page (two fragments) still get different ids, and one map always
gets the same ones.
"""

from __future__ import annotations

from hashlib import sha256

from branca.element import Element

#: Hex digits of an id: as many as branca's own (16 random bytes).
ID_LENGTH = 32


def content_digest(*parts: str) -> str:
    """A digest of the texts that say what a map shows (its data and configuration)."""
    digest = sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def assign_stable_ids(root: Element, seed: str) -> None:
    """Give ``root`` and every element under it an id from ``seed`` and its path in the tree.

    Idempotent: the path of an element does not change when it is renamed, so calling this again
    (after a caller added an element of their own) leaves the existing ids as they were.
    """

    def visit(element: Element, path: str) -> None:
        element._id = sha256(f"{seed}{path}".encode()).hexdigest()[:ID_LENGTH]
        for index, child in enumerate(list(element._children.values())):
            visit(child, f"{path}/{index}:{type(child).__name__}")

    visit(root, "")
