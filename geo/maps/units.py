"""Mentions counted per administrative unit: ``geo map --by admin1|admin2|admin3``.

An analyst asks "how much fighting per sub-district" and joins the answer to humanitarian tables by
P-code. Each mention already carries its OCHA chain (:mod:`geo.admin`); this module counts mentions
per unit of the chosen level and draws one circle a unit at the unit's point, its area proportional to
the count, with the count as a label and a popup by role. Mentions that have no unit at that level (a
place outside Syria, or a governorate named alone when counting by sub-district) are left out, and
the layer's name says how many were counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from folium.map import Layer

from geo.admin import AdminUnits, unit_name
from geo.errors import UsageError
from geo.maps.layers import LAYER_STYLES
from geo.maps.offline import RawMacroElement
from geo.maps.templating import environment
from geo.model import ROLES, Mention
from geo.places import Places
from geo.summary import MentionTally

LEVELS = ("admin1", "admin2", "admin3")
#: Layer names by level (Arabic first, as the other layers).
LEVEL_NAMES = {
    "admin1": ("الإشارات حسب المحافظة", "Mentions by governorate"),
    "admin2": ("الإشارات حسب المنطقة", "Mentions by district"),
    "admin3": ("الإشارات حسب الناحية", "Mentions by sub-district"),
}


@dataclass
class UnitCount:
    """The mentions of one unit, by role."""

    pcode: str
    name_ar: str
    name_en: str
    lat: float
    lon: float
    counts: list[int] = field(default_factory=lambda: [0] * len(ROLES))

    @property
    def total(self) -> int:
        return sum(self.counts)

    def as_json(self) -> dict:
        return {"pcode": self.pcode, "name_ar": self.name_ar, "name_en": self.name_en, "lat": self.lat,
                "lon": self.lon, "counts": self.counts, "total": self.total}


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise UsageError(f"--by {level}: expected one of {', '.join(LEVELS)}")
    return level


def count_by_unit(mentions: Sequence[Mention] | MentionTally, gazetteer: Places, level: str) -> list[UnitCount]:
    """Mentions per unit of ``level``, largest count first (then P-code, for a stable order); from
    the mentions, or from a tally that counted them per unit as they streamed."""
    check_level(level)
    attribute = f"{level}_pcode"
    if isinstance(mentions, MentionTally):
        counted = mentions.units.items()
    else:
        counted = (((getattr(m, attribute), m.role), 1) for m in mentions)
    units = AdminUnits(gazetteer)
    found: dict[str, UnitCount] = {}
    for (code, mention_role), number in counted:
        if not code:
            continue
        count = found.get(code)
        if count is None:
            unit = units.by_pcode.get(code)
            if unit is None:
                continue  # a P-code from a user's file with no unit entry: nowhere to draw it
            count = found[code] = UnitCount(code, unit.name_ar, unit_name(unit), unit.lat, unit.lon)
        role = ROLES.index(mention_role) if mention_role in ROLES else len(ROLES) - 1
        count.counts[role] += number
    return sorted(found.values(), key=lambda u: (-u.total, u.pcode))


class UnitLayer(Layer, RawMacroElement):
    """Proportional circles with a labelled count, one per unit (see the module docstring)."""

    _template = environment().get_template("unit_layer.js")

    def __init__(self, units: Sequence[UnitCount], level: str, show: bool = True) -> None:
        counted = sum(u.total for u in units)
        name_ar, name_en = LEVEL_NAMES[check_level(level)]
        super().__init__(name=f"{name_ar} / {name_en} ({counted})", overlay=True, control=True, show=show)
        self._name = "UnitLayer"
        self.units = [u.as_json() for u in units]
        roles = [style.label for style in sorted(LAYER_STYLES, key=lambda style: style.index)]
        self.labels = {"total": "عدد الإشارات / mentions", "roles": roles}


def add_unit_layer(m, mentions: Sequence[Mention], gazetteer: Places, level: str) -> UnitLayer:
    """Add the counts of ``level`` to map ``m`` (before its layer control)."""
    layer = UnitLayer(count_by_unit(mentions, gazetteer, level), level)
    m.add_child(layer)
    return layer
