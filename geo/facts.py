"""What every mention of an entry reports beyond the entry's own fields, worked out once per entry.

A mention reports how far the place may lie from its point (``uncertainty_km``), a precision no
better than the point supports, and the OCHA administrative chain. None of it depends
on the text, so it is computed once an entry (for the bundled and user entries when the compiled
index is built, and cached with it; for a world-layer entry the first time it is seen), and the
pipeline only looks it up: the speed of ``extract`` is measured.
"""

from __future__ import annotations

from collections.abc import Callable

from geo.admin import EMPTY_CHAIN, AdminChain
from geo.model import Entry

#: (uncertainty_km, uncertainty_km when the text says "near" or "the countryside of" the place, least
#: precision, admin1, admin1_pcode, admin2, admin2_pcode, admin3, admin3_pcode), in the order the
#: pipeline passes them on.
Facts = tuple

#: ACLED geo_precision of a mention of an administrative unit: a sub-district is "part of a region"
#: (2), a district or governorate a region (3).
UNIT_PRECISION = {"admin1": 3, "admin2": 3, "admin3": 2}
#: A point placed by hand supports no better than "near the place" (precision 2). The confidence is
#: left alone: it says how sure the resolver is of *which* place is meant, a separate question from
#: how well that place's point is known (``uncertainty_km``).
APPROXIMATE_PRECISION = 2
#: How far (km) "near X", "the countryside of X", "east of X" may reach, by X's feature: ريف إدلب is
#: anywhere within some 30 km of the city, not within the city's own 6 km.
NEAR_KM = {"city": 30.0, "town": 15.0, "village": 10.0, "district": 4.0, "neighbourhood": 3.0, "landmark": 5.0}


def facts_of(entry: Entry, chain: AdminChain = EMPTY_CHAIN) -> Facts:
    """The facts of one entry, given its admin chain."""
    precision = UNIT_PRECISION.get(entry.feature, 1)
    if entry.coord_method == "approximate":
        precision = max(precision, APPROXIMATE_PRECISION)
    uncertainty = entry.uncertainty_km
    near = max(uncertainty or 0.0, NEAR_KM.get(entry.feature, 0.0)) if uncertainty is not None else None
    return (uncertainty, near, precision, *chain.as_tuple())


#: The facts of a mention that has no place (an unknown name with no container).
NO_FACTS: Facts = (None, None, 1, *EMPTY_CHAIN.as_tuple())


class FactsTable(dict):
    """Entry id -> :data:`Facts`, each worked out the first time a mention of the entry is met (most
    of the world layer's 9,000 entries never are, and a worker starts sooner without them); an id
    the gazetteer lacks (``""``: a name with no place) gets :data:`NO_FACTS`."""

    __slots__ = ("_facts_of",)

    def __init__(self, facts_of: Callable[[str], Facts]) -> None:
        super().__init__()
        self._facts_of = facts_of

    def __missing__(self, place_id: str) -> Facts:
        found = self[place_id] = self._facts_of(place_id)
        return found
