"""Arabic proclitics that attach to a place name: و ف (conjunctions), ب ل ك (prepositions), and the
combinations news text uses (وب، ول، فب، وبال ...).

The article ال is part of a name (الرقة) rather than a clitic: it may not be added to a name that lacks
it, which is what keeps the adjective السورية from matching the country سورية. After ل the article's
alef is dropped (ل + الرقة = للرقة), so a name beginning with ال also has a "lam form" (لرقة) that
matches only after a ل.

All forms here are folded (see :mod:`geo.arabic`).
"""

from __future__ import annotations

from collections.abc import Iterator

CONJUNCTIONS = ("و", "ف")
PREPOSITIONS = ("ب", "ل", "ك")

#: Every clitic sequence that may stand before a name: "", conjunction, preposition, or both.
PROCLITICS = frozenset(
    [""] + list(CONJUNCTIONS) + list(PREPOSITIONS) + [c + p for c in CONJUNCTIONS for p in PREPOSITIONS]
)
#: Before a name's lam form the clitic sequence must end in ل.
LAM_PROCLITICS = frozenset(p for p in PROCLITICS if p.endswith("ل"))
ARTICLE = "ال"
#: A clitic is at most two letters long (وب، فل).
LONGEST_PROCLITIC = 2


def lam_form(key: str) -> str | None:
    """ل-form of a name that begins with the article: الرقه -> لرقه (to match للرقه = ل + الرقه)."""
    if key.startswith(ARTICLE) and len(key) > 3:
        return key[1:]
    return None


def is_proclitic(prefix: str, *, lam: bool = False) -> bool:
    return prefix in (LAM_PROCLITICS if lam else PROCLITICS)


def key_forms(key: str) -> Iterator[str]:
    """``key`` itself, then the names it could be once clitics are taken off (for dictionary
    look-ups of a single phrase, where there is no automaton to try every split)."""
    yield key
    for size in range(1, LONGEST_PROCLITIC + 1):
        prefix, rest = key[:size], key[size:]
        if len(rest) < 2 or prefix not in PROCLITICS:
            continue
        yield rest
        if prefix.endswith("ل") and rest.startswith("ل") and not rest.startswith(ARTICLE):
            yield "ا" + rest
