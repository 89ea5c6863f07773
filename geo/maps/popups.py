"""Popups in Arabic, right to left: the labels, and the skeleton the browser fills in.

The skeleton is rendered once per map from ``templates/popup.html`` (autoescaped); the browser clones
it for each popup and puts the place's values into its ``data-slot`` elements as text nodes, so
article text is shown as text whatever it contains (``<script>``, ``<img onerror>``, ``{{ }}``).
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.maps.templating import render
from geo.model import ROLES

#: Arabic name of each gazetteer feature (the English one is the feature itself).
FEATURE_AR = {
    "continent": "قارة",
    "country": "دولة",
    "admin1": "محافظة",
    "region": "منطقة",
    "city": "مدينة",
    "town": "بلدة",
    "district": "قطاع",
    "neighbourhood": "حي",
    "village": "قرية",
    "landmark": "معلم",
}

#: ACLED geo_precision (see :mod:`geo.resolve`) in words.
PRECISION_LABELS = {
    1: ("المكان نفسه", "the place itself"),
    2: ("قرب المكان أو جزء منه", "near or part of the place"),
    3: ("منطقة أوسع", "a wider area"),
}


@dataclass(frozen=True, slots=True)
class RoleLabel:
    role: str
    name_ar: str
    name_en: str


ROLE_LABELS = (
    RoleLabel("conflict", "نزاع", "conflict"),
    RoleLabel("diplomatic", "دبلوماسي", "diplomatic"),
    RoleLabel("other", "أخرى", "other"),
)
assert tuple(label.role for label in ROLE_LABELS) == ROLES


def feature_label(feature: str) -> str:
    arabic = FEATURE_AR.get(feature)
    return f"{arabic} ({feature})" if arabic else feature


def popup_skeleton() -> str:
    """The popup's HTML with empty slots (no document data in it)."""
    return render("popup.html", roles=ROLE_LABELS)


def popup_labels() -> dict:
    """The words the browser puts into slots: feature, precision and role names."""
    return {
        "features": {feature: feature_label(feature) for feature in FEATURE_AR},
        "precision": {str(level): f"{ar} ({en})" for level, (ar, en) in PRECISION_LABELS.items()},
        "roles": [label.name_ar for label in ROLE_LABELS],
    }
