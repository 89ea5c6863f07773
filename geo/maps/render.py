"""Build the layered map of a list of mentions: ``render_map(mentions) -> folium.Map``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import folium
from markupsafe import escape

from geo.errors import UsageError
from geo.maps.basemap import CountryOutlines, QuietTiles, osm_tiles
from geo.maps.identity import assign_stable_ids, content_digest
from geo.maps.layers import (
    HEAT,
    LAYER_STYLES,
    LEAFLET_CSS,
    LEAFLET_JS,
    SHAPE_PATHS,
    AdaptiveLayerControl,
    PlaceData,
    ReferenceLayer,
    add_place_layers,
)
from geo.maps.offline import make_offline
from geo.maps.options import MapOptions
from geo.maps.payload import Bounds, MapData, ZoomTarget, build_map_data, span
from geo.maps.popups import popup_labels, popup_skeleton
from geo.maps.templating import render, script_json
from geo.maps.wording import count_ar, count_en
from geo.model import Mention
from geo.places import Places
from geo.summary import MentionTally

if TYPE_CHECKING:
    import pandas as pd

MIN_ZOOM, MAX_ZOOM = 1, 18
DEFAULT_TITLE = "الأماكن في المقالات / Places in the articles"
#: First zoom on a focus place that has nothing under it on the map, by feature.
FOCUS_ZOOM = {"continent": 3, "country": 6, "admin1": 8, "region": 8, "city": 12, "town": 13,
              "district": 14, "neighbourhood": 15, "village": 14, "landmark": 15}
#: Fitting the view never zooms closer than this (one place alone would otherwise fill the screen).
FIT_MAX_ZOOM = 12
EMPTY_VIEW = {"center": [28.0, 30.0], "zoom": 3}
#: Wider than this (degrees, diagonal) the "show everything" button is called "World".
WORLD_SPAN = 25.0
#: Below this width (CSS px) the layer control and the legend start folded: a map embedded in a
#: report column keeps its area for the map.
COMPACT_WIDTH = 1000
#: The caption strip names at most this many publishers.
MAX_CAPTION_SOURCES = 5
NOUN = {"places": "place", "mentions": "mention", "docs": "article"}


def render_map(
    mentions: Sequence[Mention] | pd.DataFrame | MentionTally, gazetteer: Places | None = None,
    options: MapOptions | None = None,
) -> folium.Map:
    """A self-contained, layered folium map of ``mentions``: :class:`Mention` values, or the
    GeoDataFrame of :func:`geo.extract_frame` (or any frame with the columns ``geo extract`` writes,
    filtered or corrected: a changed ``role`` or a moved point shows on the map), or a
    :class:`~geo.summary.MentionTally` the mentions of a corpus were streamed through (made with
    ``options.by`` as its unit level).

    ``gazetteer`` gives the parent chains shown in popups and the "zoom to" groups; by default the
    shared geoparser's gazetteer. Opening the returned map reaches no network: OpenStreetMap tiles
    are fetched only if ``options.online_tiles`` makes them the first base layer, or a reader
    chooses that layer (leave it out with ``options.osm_layer=False``).
    """
    options = options or MapOptions()
    if not isinstance(mentions, Sequence | MentionTally):
        mentions = frame_mentions(mentions)
    if not isinstance(mentions, MentionTally):
        tally = MentionTally(options.by)
        for mention in mentions:
            tally.add(mention)
        mentions = tally
    if gazetteer is None:
        from geo.pipeline import default_geoparser

        gazetteer = default_geoparser().gazetteer
    data = build_map_data(mentions, gazetteer)
    publishers = sorted(mentions.publishers)
    m = folium.Map(location=[28.0, 30.0], zoom_start=3, tiles=None, control_scale=True, zoom_control=True)
    # Without a tile layer folium gives the map no zoom limits, and marker clusters need them.
    m.options.update(min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM)
    # Leaflet is all the page needs; folium's defaults add jQuery, Bootstrap and Font Awesome (1.3 MB).
    m.default_js = [("leaflet", LEAFLET_JS)]
    m.default_css = [("leaflet_css", LEAFLET_CSS)]

    # The data element sets the first view, so it comes before the outlines: projecting the world's
    # outlines costs about 0.1 s in the browser, and would be paid twice if the view changed after.
    place_data = PlaceData(data, map_config(data, gazetteer, options, publishers))
    m.add_child(place_data)
    # Country outlines are the base layer that always works; OpenStreetMap is offered beside them
    # (the first base layer shown only with ``online_tiles``). A layer that is not shown fetches
    # nothing, so the page reaches the network only when a reader picks OpenStreetMap, and when
    # that fails (offline) the runtime puts the outlines back.
    outlines = CountryOutlines(show=not options.online_tiles)
    m.add_child(outlines)
    if options.online_tiles or options.osm_layer:
        tiles = osm_tiles(show=options.online_tiles)
        m.add_child(tiles)
        m.add_child(QuietTiles(place_data, tiles, outlines))
    add_place_layers(m, place_data)
    if data.reference:
        m.add_child(ReferenceLayer(place_data))
    if options.by:
        from geo.maps.units import add_unit_layer

        add_unit_layer(m, mentions, gazetteer, options.by)
    AdaptiveLayerControl(position="topright").add_to(m)
    figure = m.get_root()
    figure.title = str(escape(options.title or DEFAULT_TITLE))  # branca writes <title> unescaped
    make_offline(figure)
    m.geo_seed = content_digest(str(place_data.payload), str(script_json(place_data.config)))
    assign_stable_ids(m, m.geo_seed)
    return m


def map_config(data: MapData, gazetteer: Places, options: MapOptions, publishers: Sequence[str] = ()) -> dict:
    """Everything the browser runtime needs besides the data: styles, labels, HTML rendered by the
    autoescaping templates (title, legend, caption, popup skeleton), the first view and the zoom buttons."""
    docs = {doc for place in data.places for doc in place.docs}
    counts = data.role_counts()
    documents = len(docs) if options.documents is None else options.documents
    title = options.title or DEFAULT_TITLE
    numbers = {"places": len(data.places), "mentions": data.mention_count, "docs": documents}
    words = {f"{key}_ar": count_ar(n, NOUN[key]) for key, n in numbers.items()}
    words |= {f"{key}_en": count_en(n, NOUN[key]) for key, n in numbers.items()}
    timeline = data.timeline or {}
    period = ""
    if timeline:
        first, last = timeline["first"], timeline["last"]
        period = first if first == last else f"{first} – {last}"
    attribution = "Boundaries: Natural Earth · Places: geo gazetteer (GeoNames, Natural Earth, curated)"
    if options.online_tiles:
        attribution = "Map data © OpenStreetMap contributors · " + attribution
    shown = [style for style in LAYER_STYLES if counts[style.key][0]]
    return {
        "layers": [style.as_json() for style in LAYER_STYLES],
        "shapes": SHAPE_PATHS,
        "labels": popup_labels(),
        "popup": popup_skeleton(),
        "title": render("title.html", title=title, lang=title_language(options.title), **words),
        "caption": render(
            "caption.html", title=title, lang=title_language(options.title), period=period, attribution=attribution,
            counts_ar=" · ".join(words[f"{key}_ar"] for key in numbers),
            counts_en=", ".join(words[f"{key}_en"] for key in numbers),
            sources="، ".join(publishers[:MAX_CAPTION_SOURCES])
            + ("…" if len(publishers) > MAX_CAPTION_SOURCES else ""),
        ),
        "legend": render("legend.html", layers=shown, counts=counts, heat=HEAT if counts[HEAT.role][0] else None,
                         paths=SHAPE_PATHS, approximate=any(p.approximate for p in data.places),
                         reference=bool(data.reference)),
        "targets": [target.as_json() for target in zoom_buttons(data)],
        "view": initial_view(data, gazetteer, options),
        "compact": COMPACT_WIDTH,
    }


def zoom_buttons(data: MapData) -> list[ZoomTarget]:
    """"Show everything" first, then each group of close places (Aleppo and its districts)."""
    bounds = data.bounds
    if not data.targets or bounds is None:
        return []
    wide = span(bounds) > WORLD_SPAN
    everything = ZoomTarget("العالم" if wide else "كل الأماكن", "World" if wide else "All places", bounds)
    return [everything, *data.targets]


def initial_view(data: MapData, gazetteer: Places, options: MapOptions) -> dict:
    if options.bbox is not None:
        west, south, east, north = options.bbox
        return {"bounds": [[south, west], [north, east]], "maxZoom": 18}
    if options.focus:
        return focus_view(data, gazetteer, options.focus)
    bounds = data.bounds
    if bounds is None:
        return dict(EMPTY_VIEW)
    return {"bounds": _pairs(bounds), "maxZoom": FIT_MAX_ZOOM}


def focus_view(data: MapData, gazetteer: Places, place_id: str) -> dict:
    """The focus place and every mapped place under it; the place alone when nothing is under it."""
    entry = gazetteer.get(place_id)
    if entry is None:
        raise UsageError(f"--focus {place_id}: no such place id in the gazetteer (try: geo gazetteer search NAME)")
    inside = [
        (p.lat, p.lon) for p in data.places
        if p.place_id == place_id or any(a.id == place_id for a in gazetteer.ancestors(p.place_id))
    ]
    points = {(entry.lat, entry.lon), *inside}
    if len(points) > 1:
        lats = [lat for lat, _ in points]
        lons = [lon for _, lon in points]
        return {"bounds": _pairs(((min(lats), min(lons)), (max(lats), max(lons)))), "maxZoom": 16}
    return {"center": [entry.lat, entry.lon], "zoom": FOCUS_ZOOM.get(entry.feature, 10)}


def _pairs(bounds: Bounds) -> list[list[float]]:
    return [list(bounds[0]), list(bounds[1])]


def frame_mentions(frame) -> list[Mention]:
    """The mentions of a frame; the first row that cannot be one is the error raised."""
    from geo.mention_table import mentions_from_frame

    mentions = []
    for item in mentions_from_frame(frame):
        if not isinstance(item, Mention):
            raise item
        mentions.append(item)
    return mentions


def title_language(title: str) -> str:
    """``ar`` for an Arabic title (or the default, Arabic-first, one), ``en`` for a title in Latin
    letters only: the page is Arabic, and a title in English says so."""
    if not title:
        return "ar"
    arabic = sum(1 for c in title if "\u0600" <= c <= "\u06ff")
    latin = sum(1 for c in title if c.isascii() and c.isalpha())
    return "en" if latin and not arabic else "ar"
