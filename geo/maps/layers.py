"""The map's layers: one per role (conflict, diplomatic, other), a heat layer of conflict mentions, a
time layer with its slider when the documents are dated, and the shared data element they are drawn
from.

Each role layer is a plain ``folium.FeatureGroup`` (so ``LayerControl`` lists it and ``show`` works as
usual) holding one :class:`PlaceLayer`, which asks the browser runtime to fill it with a marker cluster
of the places that have mentions with that role. Styles differ in colour *and* shape (Okabe-Ito
colours: readable with the common colour-vision deficiencies, and in greyscale by shape alone).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import folium
from folium.elements import JSCSSMixin
from folium.map import Layer

from geo.maps.offline import RawElement, RawMacroElement
from geo.maps.payload import MapData
from geo.maps.templating import environment, render, script_json
from geo.model import ROLES

LEAFLET_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"
LEAFLET_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css"
MARKERCLUSTER_JS = "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js"
MARKERCLUSTER_CSS = "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css"
HEAT_JS = "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js"
RUNTIME_JS = "geo:runtime.js"
LABELS_JS = "geo:labels.js"
#: leaflet.timeline, as folium's ``Timeline``/``TimelineSlider`` load it (folium-offline carries it);
#: our slider formats dates itself, so moment.js is not needed.
TIMELINE_JS = "https://cdn.jsdelivr.net/npm/leaflet.timeline@1.6.0/dist/leaflet.timeline.min.js"

#: Arabic first: the popups and legend are right to left; system fonts only (no web fonts to fetch).
ARABIC_FONTS = '"Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "Scheherazade New", "Geeza Pro", ' \
    '"Segoe UI", Tahoma, "DejaVu Sans", Arial, sans-serif'

#: SVG paths of the marker shapes (24x24 box), shared by the legend; a missing shape is a circle.
SHAPE_PATHS = {
    "triangle": "M12 2 L22.8 21 L1.2 21 Z",
    "diamond": "M12 1 L23 12 L12 23 L1 12 Z",
    "square": "M3 3 H21 V21 H3 Z",
}


@dataclass(frozen=True, slots=True)
class LayerStyle:
    """How one role is drawn and named."""

    key: str
    name_ar: str
    name_en: str
    colour: str
    shape: str
    show: bool

    @property
    def index(self) -> int:
        return ROLES.index(self.key)

    @property
    def label(self) -> str:
        """The name in the layer control (Leaflet inserts it as HTML: keep it a constant)."""
        return f"{self.name_ar} / {self.name_en}"

    def as_json(self) -> dict:
        return {"key": self.key, "index": self.index, "colour": self.colour, "shape": self.shape}


LAYER_STYLES = (
    LayerStyle("conflict", "مواقع النزاع", "Conflict locations", "#D55E00", "triangle", True),
    LayerStyle("diplomatic", "أماكن اللقاءات الدبلوماسية", "Diplomatic venues", "#0072B2", "diamond", True),
    LayerStyle("other", "إشارات أخرى", "Other mentions", "#6E6E6E", "circle", False),
)


@dataclass(frozen=True, slots=True)
class HeatStyle:
    name_ar: str = "كثافة مواقع النزاع"
    name_en: str = "Conflict heat"
    role: str = "conflict"

    @property
    def label(self) -> str:
        return f"{self.name_ar} / {self.name_en}"


HEAT = HeatStyle()


class PlaceData(JSCSSMixin, RawMacroElement):
    """The places of one map as a single data array, the runtime that draws them, and the map's CSS
    (scoped to its container). Add it to the map before any :class:`PlaceLayer`."""

    _template = environment().get_template("place_data.js")
    default_js: ClassVar = [
        ("leaflet_markercluster", MARKERCLUSTER_JS),
        ("leaflet_heat", HEAT_JS),
        ("geo_labels", LABELS_JS),
        ("geo_runtime", RUNTIME_JS),
    ]
    default_css: ClassVar = [("leaflet_markercluster_css", MARKERCLUSTER_CSS)]

    def __init__(self, data: MapData, config: dict) -> None:
        super().__init__()
        self._name = "PlaceData"
        self.data = data
        self.config = config
        self._payload: str | None = None

    @property
    def payload(self) -> str:
        # Encoded once: the map's ids are derived from it before the page is rendered with it.
        if self._payload is None:
            self._payload = str(script_json(self.data.as_json()))
        return self._payload

    @property
    def css(self) -> str:
        return render("map.css", map_id=self._parent.get_name(), fonts=ARABIC_FONTS)

    @property
    def print_css(self) -> str:
        return render("map_print.css", map_id=self._parent.get_name())

    def render(self, **kwargs) -> None:
        super().render(**kwargs)
        # Rules for the whole page (pictures, printing on one sheet): a fragment leaves them out.
        figure = self.get_root()
        figure.header.add_child(
            RawElement(f"<style>{render('page.css', map_id=self._parent.get_name())}</style>", name="PageStyle"),
            name="geo_page_style",
        )


class PlaceLayer(RawMacroElement):
    """Fills its parent ``FeatureGroup`` with the places that have mentions with ``role``."""

    _template = environment().get_template("place_layer.js")

    def __init__(self, data: PlaceData, role: str) -> None:
        super().__init__()
        self._name = "PlaceLayer"
        self.data = data
        self.role = role


class HeatLayer(Layer, RawMacroElement):
    """A heat map of one role's mentions, weighted by count, computed in the browser from the data."""

    _template = environment().get_template("heat_layer.js")

    def __init__(self, data: PlaceData, style: HeatStyle = HEAT, show: bool = False) -> None:
        super().__init__(name=style.label, overlay=True, control=True, show=show)
        self._name = "HeatLayer"
        self.data = data
        self.role = style.role


@dataclass(frozen=True, slots=True)
class TimeStyle:
    name_ar: str = "حسب التاريخ"
    name_en: str = "By date"
    #: Milliseconds the slider takes to play the whole period.
    duration: int = 15_000

    @property
    def label(self) -> str:
        return f"{self.name_ar} / {self.name_en}"


TIME = TimeStyle()


class TimeLayer(JSCSSMixin, Layer, RawMacroElement):
    """Places by the date of their documents, with a time slider (leaflet.timeline, as in folium's
    ``Timeline`` and ``TimelineSlider``): moving it shows the mentions of the documents of that day
    (or window of days, for a long period). Drawn by the runtime from the same data as the other
    layers; add it only when the data has a ``timeline``."""

    _template = environment().get_template("time_layer.js")
    default_js: ClassVar = [("leaflet_timeline", TIMELINE_JS)]

    def __init__(self, data: PlaceData, style: TimeStyle = TIME, show: bool = True) -> None:
        super().__init__(name=style.label, overlay=True, control=True, show=show)
        self._name = "TimeLayer"
        self.data = data
        self.options = {"duration": style.duration}


@dataclass(frozen=True, slots=True)
class ReferenceStyle:
    name_ar: str = "أماكن للاستدلال"
    name_en: str = "Reference places"

    @property
    def label(self) -> str:
        return f"{self.name_ar} / {self.name_en}"


REFERENCE = ReferenceStyle()


class ReferenceLayer(Layer, RawMacroElement):
    """Faint names of the gazetteer places around the marks that no article named (on by default)."""

    _template = environment().get_template("reference_layer.js")

    def __init__(self, data: PlaceData, style: ReferenceStyle = REFERENCE, show: bool = True) -> None:
        super().__init__(name=style.label, overlay=True, control=True, show=show)
        self._name = "ReferenceLayer"
        self.data = data


class AdaptiveLayerControl(folium.LayerControl):
    """folium's layer control, folded (an icon that opens on hover or tap) when the map is narrower
    than the runtime's compact width, open on a wide page."""

    _template = environment().get_template("layer_control.js")

    def __init__(self, position: str = "topright") -> None:
        super().__init__(position=position, collapsed=False)


def add_place_layers(m: folium.Map, data: PlaceData) -> dict[str, folium.FeatureGroup]:
    """One FeatureGroup per role, plus the heat layer; returns the groups by role."""
    groups = {}
    for style in LAYER_STYLES:
        group = folium.FeatureGroup(name=style.label, overlay=True, control=True, show=style.show)
        group.add_child(PlaceLayer(data, style.key))
        m.add_child(group)
        groups[style.key] = group
    m.add_child(HeatLayer(data))
    if data.data.timeline:
        m.add_child(TimeLayer(data))
    return groups
