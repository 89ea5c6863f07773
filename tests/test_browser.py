"""The maps in a real headless Chromium with the network blocked: they load offline and cleanly, the
layers hold the right places and can be switched off, popups read right to left, article markup
never runs, the PNG export draws something, and a fragment works twice on one page."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from browser import chromium, open_page
from seeds import seeds_directory
from test_maps import ALEPPO_CONFLICT, HOSTILE, VENUES, approximate_mention

from geo.maps import MapOptions, fragment_html, render_map, save_html, save_png

pytestmark = pytest.mark.browser

LAYER_IDS = """() => {
  const layers = window.geoMaps[0].layers;
  return Object.fromEntries(Object.entries(layers).map(([key, layer]) => [key, layer.ids]));
}"""
MARKERS_OF = "key => document.querySelectorAll(`.geo-marker-${key}, .geo-cluster-${key}`).length"
POPUP = """() => {
  const popup = document.querySelector(".leaflet-popup-content .geo-popup");
  if (!popup) return null;
  const style = getComputedStyle(popup);
  return {direction: style.direction, align: style.textAlign, dir: popup.getAttribute("dir"),
          text: popup.textContent, marks: Array.from(popup.querySelectorAll("mark"), m => m.textContent),
          htmlDir: document.documentElement.getAttribute("dir")};
}"""


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("maps")


@pytest.fixture(scope="module")
def seed_map(geoparser, gazetteer):
    mentions = []
    for path in sorted(seeds_directory().glob("*.txt")):
        mentions.extend(geoparser.extract_file(path, doc=path.name))
    return render_map(mentions, gazetteer, MapOptions(title="حلب، كانون الأول 2016"))


@pytest.fixture(scope="module")
def seed_html(seed_map, folder) -> Path:
    path = folder / "seeds.html"
    save_html(seed_map, path)
    return path


@pytest.fixture
def seed_page(browser, seed_html):
    loaded = open_page(browser, seed_html)
    yield loaded
    loaded.page.close()


def clean(loaded) -> None:
    assert loaded.outside == [], f"requests left the file: {loaded.outside}"
    assert loaded.errors == [], f"console errors: {loaded.errors}"


def test_seed_map_loads_offline_without_errors(seed_page):
    clean(seed_page)
    assert seed_page.evaluate("document.querySelectorAll('.leaflet-container').length") == 1
    assert seed_page.evaluate(MARKERS_OF, "conflict") > 0
    assert seed_page.evaluate(MARKERS_OF, "diplomatic") > 0
    assert seed_page.evaluate(MARKERS_OF, "other") == 0  # off by default
    assert seed_page.evaluate("document.querySelector('.geo-title').textContent").startswith("حلب")
    assert "مواقع النزاع" in seed_page.evaluate("document.querySelector('.geo-legend').textContent")
    assert "Natural Earth" in seed_page.evaluate("document.querySelector('.leaflet-control-attribution').textContent")
    assert seed_page.evaluate("document.querySelectorAll('.leaflet-control-scale').length") == 1


def test_each_layer_holds_its_places(seed_page):
    layers = seed_page.evaluate(LAYER_IDS)
    assert set(layers["conflict"]) >= ALEPPO_CONFLICT
    assert set(layers["diplomatic"]) >= VENUES
    assert "ru-moscow" in layers["other"] and "ru-moscow" not in layers["conflict"] + layers["diplomatic"]


def layer_checkbox(loaded, english: str):
    return loaded.page.locator(".leaflet-control-layers-overlays label", has_text=english).locator("input")


def test_unticking_a_layer_hides_its_markers_and_ticking_brings_them_back(seed_page):
    box = layer_checkbox(seed_page, "Conflict locations")
    assert box.is_checked()
    box.uncheck()
    assert seed_page.evaluate(MARKERS_OF, "conflict") == 0
    assert seed_page.evaluate(MARKERS_OF, "diplomatic") > 0
    box.check()
    assert seed_page.evaluate(MARKERS_OF, "conflict") > 0


def test_layers_off_by_default_can_be_shown(seed_page):
    layer_checkbox(seed_page, "Other mentions").check()
    assert seed_page.evaluate(MARKERS_OF, "other") > 0
    layer_checkbox(seed_page, "Conflict heat").check()
    assert seed_page.evaluate("document.querySelectorAll('canvas.leaflet-heatmap-layer').length") == 1
    clean(seed_page)


def test_zoom_to_aleppo_shows_each_district_and_its_popup_reads_right_to_left(seed_page):
    seed_page.page.get_by_role("button", name="حلب / Aleppo").click()
    seed_page.page.wait_for_function("window.geoMaps[0].map.getZoom() >= 12 && !window.geoMaps[0].map._animatingZoom")
    for place in ("sy-aleppo-kallaseh", "sy-aleppo-azamiyah", "sy-aleppo-new-aleppo", "sy-aleppo-jamiat-al-zahraa"):
        assert seed_page.page.locator(f'.geo-marker-conflict[data-place-id="{place}"]').count() == 1, place
    seed_page.page.locator('.geo-marker-conflict[data-place-id="sy-aleppo-kallaseh"]').click()
    seed_page.page.wait_for_selector(".leaflet-popup-content .geo-popup")
    popup = seed_page.evaluate(POPUP)
    assert popup["direction"] == "rtl" and popup["dir"] == "rtl" and popup["align"] == "right"
    assert popup["htmlDir"] is None  # the page itself stays left to right
    assert "الكلاسة" in popup["marks"]
    for words in ("Al-Kallaseh", "حي (neighbourhood)", "حلب، محافظة حلب، سوريا", "36.1", "نزاع: 1", ".txt"):
        assert words in popup["text"], words
    # A hand-placed quarter says so, and how far off it may be; it is not a name placed at its container.
    assert "placed by hand" in popup["text"] and "\u00b1 1.5 km" in popup["text"]
    assert "الاسم لم يُحدَّد" not in popup["text"]
    clean(seed_page)


def test_world_button_shows_all_places_again(seed_page):
    seed_page.page.get_by_role("button", name="العالم / World").click()
    seed_page.page.wait_for_function("window.geoMaps[0].map.getZoom() < 5")


def test_article_markup_never_runs(browser, geoparser, gazetteer, folder):
    mentions = geoparser.extract(HOSTILE, doc="hostile.txt")
    path = folder / "hostile.html"
    save_html(render_map(mentions, gazetteer, MapOptions(title="<img src=y onerror=\"window.__xss=1\">")), path)
    loaded = open_page(browser, path)
    loaded.evaluate("window.geoMaps[0].openPlace('sy-aleppo-kallaseh', 'conflict')")
    loaded.page.wait_for_selector(".leaflet-popup-content .geo-popup")
    popup = loaded.evaluate(POPUP)
    assert "<script>self['__xss']=1</script>" in popup["text"]
    assert "<img src=x onerror=\"self['__xss']=1\">" in popup["text"]
    assert "{{ 7*7 }}" in popup["text"]
    assert loaded.evaluate("document.querySelectorAll('.geo-popup img, .geo-popup script').length") == 0
    assert "<img src=y" in loaded.evaluate("document.querySelector('.geo-title').textContent")
    assert loaded.evaluate("typeof window.__xss") == "undefined"
    clean(loaded)
    loaded.page.close()


def test_approximate_places_look_different_and_say_so(browser, gazetteer, folder):
    mention = approximate_mention()
    path = folder / "approximate.html"
    save_html(render_map([mention], gazetteer), path)
    loaded = open_page(browser, path)
    icon = loaded.page.locator('.geo-marker[data-place-id^="approx:sy-aleppo:"]')
    assert "geo-approximate" in icon.get_attribute("class")
    assert icon.locator("[stroke-dasharray]").count() == 1
    loaded.evaluate("window.geoMaps[0].openPlace(window.geoMaps[0].layers.conflict.ids[0])")
    loaded.page.wait_for_selector(".leaflet-popup-content .geo-popup")
    text = loaded.evaluate(POPUP)["text"]
    assert "تقريبي" in text and "approximate" in text and "الزيتونة الجديدة" in text and "حلب" in text
    clean(loaded)
    loaded.page.close()


def test_png_is_a_picture_of_the_map(browser, seed_html, folder):
    png = folder / "seeds.png"
    save_png(seed_html, png)
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG")
    page = browser.new_page()
    stats = page.evaluate(
        """async (src) => {
             const img = new Image(); img.src = src; await img.decode();
             const canvas = document.createElement("canvas"); canvas.width = img.width; canvas.height = img.height;
             const ctx = canvas.getContext("2d"); ctx.drawImage(img, 0, 0);
             const pixels = ctx.getImageData(0, 0, img.width, img.height).data;
             const colours = new Set(); let white = 0;
             for (let i = 0; i < pixels.length; i += 4 * 97) {
               colours.add((pixels[i] >> 3) + "," + (pixels[i + 1] >> 3) + "," + (pixels[i + 2] >> 3));
               if (pixels[i] > 250 && pixels[i + 1] > 250 && pixels[i + 2] > 250) white++;
             }
             return {width: img.width, colours: colours.size, whiteShare: white / (pixels.length / (4 * 97))};
           }""",
        "data:image/png;base64," + base64.b64encode(data).decode(),
    )
    page.close()
    assert stats["width"] == 1280
    assert stats["colours"] >= 10 and stats["whiteShare"] < 0.5


def host_page(path, body: str):
    """A report page of someone else's, with fragments pasted into its body."""
    path.write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Report</title></head>"
        f"<body>{body}</body></html>",
        encoding="utf-8",
    )
    return path


def test_fragment_twice_on_one_page_gives_two_maps(browser, seed_map, folder):
    fragment = fragment_html(seed_map)
    report = host_page(folder / "report.html", f"<h1>Report</h1>{fragment}<p>Between the maps.</p>{fragment}")
    loaded = open_page(browser, report)
    loaded.page.wait_for_function("(window.geoMapsReady || 0) >= 2")
    containers = loaded.evaluate(
        """() => Array.from(document.querySelectorAll('.leaflet-container'), c => ({
             id: c.id, height: c.getBoundingClientRect().height,
             markers: c.querySelectorAll('.geo-marker, .geo-cluster').length}))"""
    )
    assert len(containers) == 2 and len({c["id"] for c in containers}) == 2
    assert all(c["height"] > 100 and c["markers"] > 0 for c in containers)
    assert loaded.evaluate("getComputedStyle(document.body).margin") == "8px"  # the page's own CSS is left alone
    clean(loaded)
    loaded.page.close()


TITLE_AND_POPUP = """() => {
  const title = document.querySelector('.geo-title').getBoundingClientRect();
  const popup = document.querySelector('.leaflet-popup-content-wrapper');
  return popup ? {title: title.bottom, popup: popup.getBoundingClientRect().top} : null;
}"""


def test_a_popup_opened_near_the_top_is_not_hidden_under_the_title(seed_page):
    """The title box floats above Leaflet's popups: auto-panning must keep a popup below it."""
    seed_page.evaluate("""() => {
      const context = window.geoMaps[0];
      const marker = context.layers.conflict.markers['sy-aleppo-kallaseh'];
      context.map.setView(marker.getLatLng(), 14, {animate: false});
      const point = context.map.latLngToContainerPoint(marker.getLatLng());
      context.map.panBy([0, point.y - 70], {animate: false});  // the marker just under the title
    }""")
    seed_page.page.wait_for_selector('.geo-marker-conflict[data-place-id="sy-aleppo-kallaseh"]')
    seed_page.evaluate("""() => {
      const context = window.geoMaps[0];
      context._popupOf(context.layers.conflict.markers['sy-aleppo-kallaseh']).openPopup();
    }""")
    seed_page.page.wait_for_selector(".leaflet-popup-content .geo-popup")
    # Auto-panning is animated: wait until the map stops moving.
    seed_page.page.wait_for_function("() => { const map = window.geoMaps[0].map;"
                                     " return !(map._panAnim && map._panAnim._inProgress); }")
    place = seed_page.evaluate(TITLE_AND_POPUP)
    assert place["popup"] > place["title"], place
    clean(seed_page)


def test_the_heat_layer_can_be_switched_on_when_zoomed_into_the_districts(seed_page):
    """leaflet.heat's maxZoom (full intensity) must not grey out the layer control's checkbox."""
    seed_page.page.get_by_role("button", name="حلب / Aleppo").click()
    seed_page.page.wait_for_function("window.geoMaps[0].map.getZoom() >= 12 && !window.geoMaps[0].map._animatingZoom")
    box = layer_checkbox(seed_page, "Conflict heat")
    assert box.is_enabled()
    box.check()
    assert seed_page.evaluate("document.querySelectorAll('canvas.leaflet-heatmap-layer').length") == 1
    clean(seed_page)


def base_layer_radio(loaded, english: str):
    return loaded.page.locator(".leaflet-control-layers-base label", has_text=english).locator("input")


OUTLINES_CHOSEN_AGAIN = """() => { const map = window.geoMaps[0].map;
  let outlines = false, tiles = false;
  map.eachLayer(layer => {
    if (layer instanceof L.GeoJSON) outlines = true;
    if (layer instanceof L.TileLayer) tiles = true;
  });
  return outlines && !tiles; }"""


def test_openstreetmap_is_offered_and_falls_back_to_the_outlines_offline(seed_page):
    """OpenStreetMap is a second base layer: nothing is fetched until a reader picks it, and with no
    network the map goes back to the country outlines instead of turning blank, each time."""
    assert seed_page.outside == []
    outlines, osm = base_layer_radio(seed_page, "Country outlines"), base_layer_radio(seed_page, "OpenStreetMap")
    assert outlines.is_checked() and not osm.is_checked()
    refused = 0
    for _ in range(2):
        osm.check()
        seed_page.page.wait_for_function(OUTLINES_CHOSEN_AGAIN)
        assert outlines.is_checked() and not osm.is_checked()
        assert len(seed_page.outside) > refused
        assert all(url.startswith("https://tile.openstreetmap.org/") for url in seed_page.outside)
        refused = len(seed_page.outside)
    # The refused tile requests are the only complaints: no script failed.
    assert all("ERR_FAILED" in error for error in seed_page.errors), seed_page.errors


def test_two_different_fragments_on_one_page(browser, seed_map, gazetteer, folder):
    other = render_map([approximate_mention()], gazetteer, MapOptions(title="أخرى"))
    report = host_page(folder / "two-maps.html", f"{fragment_html(seed_map)}<hr>{fragment_html(other, height='300px')}")
    loaded = open_page(browser, report)
    loaded.page.wait_for_function("(window.geoMapsReady || 0) >= 2")
    heights = loaded.evaluate("Array.from(document.querySelectorAll('.leaflet-container'),"
                              " c => Math.round(c.getBoundingClientRect().height))")
    assert heights == [560, 300]
    titles = loaded.evaluate("Array.from(document.querySelectorAll('.geo-title h1'), h => h.textContent)")
    assert titles == ["حلب، كانون الأول 2016", "أخرى"]
    assert loaded.evaluate("window.geoMaps[1].layers.conflict.ids.length") == 1
    clean(loaded)
    loaded.page.close()


def test_markers_grow_with_the_number_of_mentions_and_differ_in_shape_by_layer(seed_page):
    shapes = seed_page.evaluate("""() => ['conflict', 'diplomatic'].map(key => {
      const icon = document.querySelector(`.geo-marker-${key} svg > *, .geo-cluster-${key} svg > *`);
      return [icon.tagName, icon.getAttribute('d'), icon.getAttribute('fill')];
    })""")
    assert shapes[0] != shapes[1] and shapes[0][2] != shapes[1][2]  # shape and colour both differ
    seed_page.page.get_by_role("button", name="حلب / Aleppo").click()
    seed_page.page.wait_for_function("window.geoMaps[0].map.getZoom() >= 12 && !window.geoMaps[0].map._animatingZoom")
    sized = seed_page.evaluate("""() => {
      const context = window.geoMaps[0];
      const counts = Object.fromEntries(context.places.map(row => [row[0], row[8][0]]));
      return Array.from(document.querySelectorAll('.geo-marker-conflict'),
                        icon => [counts[icon.dataset.placeId], icon.getBoundingClientRect().width]);
    }""")
    sized.sort()
    assert len(sized) >= 5 and len({width for _, width in sized}) >= 2, sized
    assert [width for _, width in sized] == sorted(width for _, width in sized), sized
