"""The maps in a real headless Chromium with the network blocked: they load offline and cleanly, the
layers hold the right places and can be switched off, popups read right to left, article markup
never runs, the PNG export draws something, and a fragment works twice on one page."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from browser import chromium, open_page
from seeds import seeds_directory
from test_maps import ALEPPO_CONFLICT, HOSTILE, VENUES, approximate_mention

from geo.maps import MapOptions, fragment_html, render_map, save_html, save_png
from geo.model import Mention

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


# -- maps that read at neighbourhood scale and drop into a report ---------------------------------
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "articles"
LABELS = """() => Array.from(document.querySelectorAll('.geo-label'), label => {
  const r = label.getBoundingClientRect();
  return {text: label.querySelector('.geo-label-ar').textContent,
          reference: label.classList.contains('geo-label-reference'),
          box: [r.left, r.top, r.right, r.bottom], shown: label.checkVisibility()};
})"""
ICONS = """() => Array.from(document.querySelectorAll('.geo-marker, .geo-cluster'), icon => {
  const r = icon.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"""
CONTROLS = """() => Array.from(document.querySelectorAll('.leaflet-control-container .leaflet-control'), control => {
  const r = control.getBoundingClientRect(); return {name: control.className.split(' ')[0],
  box: [r.left, r.top, r.right, r.bottom]}; }).filter(c => c.box[2] > c.box[0] && c.box[3] > c.box[1])"""
SETTLED = "() => window.geoMaps.every(c => c.settled()) && !window.geoMaps[0].map._animatingZoom"


def overlap(a, b, tolerance: float = 0.5) -> bool:
    return (a[0] + tolerance < b[2] and b[0] + tolerance < a[2]
            and a[1] + tolerance < b[3] and b[1] + tolerance < a[3])


@pytest.fixture(scope="module")
def example_html(geoparser, gazetteer, folder) -> Path:
    mentions = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        mentions.extend(geoparser.extract_file(path, doc=path.name))
    path = folder / "examples.html"
    save_html(render_map(mentions, gazetteer, MapOptions(title="Example reports")), path)
    return path


def test_aleppo_view_of_the_examples_names_its_neighbourhoods_without_overlap(browser, example_html):
    loaded = open_page(browser, example_html)
    loaded.page.get_by_role("button", name="حلب / Aleppo").click()
    loaded.page.wait_for_function("window.geoMaps[0].map.getZoom() >= 12")
    loaded.page.wait_for_function(SETTLED)
    labels = loaded.evaluate(LABELS)
    marked = {label["text"] for label in labels if not label["reference"]}
    reference = {label["text"] for label in labels if label["reference"]}
    # Quarters the articles name, with their markers, and quarters they do not, faint, around them.
    assert {"الكلاسة", "بستان القصر", "مساكن هنانو", "الصاخور", "الشعار"} <= marked, marked
    assert len(reference) >= 20 and {"الشيخ مقصود", "الحمدانية"} & reference, reference
    width, height = loaded.evaluate("[window.innerWidth, window.innerHeight]")
    for label in labels:
        left, top, right, bottom = label["box"]
        assert label["shown"] and left >= 0 and right <= width and top >= 0 and bottom <= height, label
    for i, first in enumerate(labels):
        for second in labels[i + 1:]:
            assert not overlap(first["box"], second["box"]), (first, second)
        for icon in loaded.evaluate(ICONS):
            assert not overlap(first["box"], icon), (first, icon)
        for control in loaded.evaluate(CONTROLS):
            assert not overlap(first["box"], control["box"]), (first, control)
    # Switching the reference layer off leaves the marked places' labels only.
    layer_checkbox(loaded, "Reference places").uncheck()
    loaded.page.wait_for_function(SETTLED)
    assert all(not label["reference"] for label in loaded.evaluate(LABELS))
    clean(loaded)
    loaded.page.close()


def stacked_mentions(count: int = 5) -> list:
    """``count`` names the gazetteer lacks, each placed at Aleppo: one point, five places."""
    names = ["حي الورد", "حي الياسمين", "حي الزيتون الشرقي", "حي النخيل", "حي الرمان", "حي التين"][:count]
    mentions = []
    for name in names:
        sentence = f"قصف {name} في حلب"
        mentions.append(Mention(4, 4 + len(name), name, name_ar=name, feature="neighbourhood", lat=36.20124,
                                lon=37.16117, role="conflict", status="unresolved", container="sy-aleppo",
                                doc="stack.txt", sentence=sentence, sentence_start=4))
    return mentions


def test_five_places_at_one_point_show_a_count_and_fan_out_on_click(browser, gazetteer, folder):
    path = folder / "stack.html"
    save_html(render_map(stacked_mentions(5), gazetteer, MapOptions(focus="sy-aleppo")), path)
    loaded = open_page(browser, path)
    loaded.page.wait_for_function(SETTLED)
    stack = loaded.page.locator(".geo-cluster-conflict")
    assert stack.count() == 1 and stack.inner_text() == "5"
    stack.click()
    loaded.page.wait_for_function("document.querySelectorAll('.geo-marker-conflict').length === 5")
    loaded.page.wait_for_function("!window.geoMaps[0].layers.conflict.cluster._inZoomAnimation")
    loaded.page.wait_for_timeout(400)  # the fan-out animation
    centres = loaded.evaluate("""() => Array.from(document.querySelectorAll('.geo-marker-conflict'), icon => {
      const r = icon.getBoundingClientRect();
      return [Math.round(r.x + r.width / 2), Math.round(r.y + r.height / 2)]; })""")
    assert len({tuple(c) for c in centres}) == 5, centres  # five markers, five places on screen
    loaded.page.locator(".geo-marker-conflict").first.click()
    loaded.page.wait_for_selector(".leaflet-popup-content .geo-popup")
    text = loaded.evaluate(POPUP)["text"]
    assert "موقع تقريبي" in text and "± 6" in text and "GeoNames" in text  # approximate, how much, from what
    # Closer in, where markers are no longer clustered, the five stand on a ring around their point.
    loaded.evaluate("() => { window.geoMaps[0].map.closePopup(); window.geoMaps[0].map.setZoom(15); }")
    loaded.page.wait_for_function("document.querySelectorAll('.geo-marker-conflict.geo-fanned').length === 5"
                                  " && document.querySelectorAll('.geo-cluster').length === 0")
    loaded.page.wait_for_function(SETTLED)
    boxes = loaded.evaluate(ICONS)
    assert len(boxes) == 5 and not any(overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]), boxes
    assert len(loaded.evaluate(LABELS)) >= 1
    clean(loaded)
    loaded.page.close()


def test_approximate_places_have_a_dashed_ring_sized_to_the_uncertainty(browser, gazetteer, folder):
    mention = approximate_mention()
    mention.uncertainty_km = 2.0
    path = folder / "ring.html"
    save_html(render_map([mention], gazetteer, MapOptions(focus="sy-aleppo")), path)
    loaded = open_page(browser, path)
    loaded.page.wait_for_function(SETTLED)
    ring = loaded.evaluate("""() => { const ring = document.querySelector('path.geo-uncertainty');
      const r = ring.getBoundingClientRect(); const map = window.geoMaps[0].map;
      const centre = map.getCenter();
      const metres = map.distance(map.containerPointToLatLng([0, 0]), map.containerPointToLatLng([100, 0]));
      return {width: r.width, dash: ring.getAttribute('stroke-dasharray'), metresPer100: metres}; }""")
    expected = 2 * 2000 / ring["metresPer100"] * 100  # a 2 km radius, in pixels
    assert ring["dash"] and abs(ring["width"] - expected) < 0.1 * expected, ring
    clean(loaded)
    loaded.page.close()


def coverage(loaded) -> float:
    size = loaded.evaluate("(() => { const r = document.querySelector('.leaflet-container').getBoundingClientRect();"
                           " return r.width * r.height; })()")
    controls = loaded.evaluate(CONTROLS)
    for i, first in enumerate(controls):
        for second in controls[i + 1:]:
            assert not overlap(first["box"], second["box"]), (first, second)
    return sum((c["box"][2] - c["box"][0]) * (c["box"][3] - c["box"][1]) for c in controls) / size


def test_controls_cover_at_most_a_tenth_of_a_700_by_450_fragment(browser, example_html, seed_map, gazetteer,
                                                                  folder):
    from geo.maps import fragment_html

    fragment = fragment_html(seed_map, width="700px", height="450px")
    report = host_page(folder / "column.html", f"<h1>Report</h1>{fragment}<p>After the map.</p>")
    loaded = open_page(browser, report)
    loaded.page.wait_for_function(SETTLED)
    share = coverage(loaded)
    print(f"\ncontrols cover {share:.1%} of a 700x450 fragment")
    assert share <= 0.10
    assert loaded.evaluate("document.querySelector('.leaflet-control-layers-expanded')") is None  # folded
    assert loaded.evaluate("document.querySelector('.geo-legend details').open") is False
    loaded.page.locator(".geo-legend summary").click()  # the reader unfolds the legend
    assert loaded.evaluate("document.querySelector('.geo-legend details').open") is True
    clean(loaded)
    loaded.page.close()
    long_title = render_map(stacked_mentions(2), gazetteer, MapOptions(
        title="القصف على الأحياء الشرقية لمدينة حلب خلال الأسبوع الأخير من كانون الأول 2016 وما تلاه"))
    report = host_page(folder / "long-title.html", fragment_html(long_title, width="700px", height="450px"))
    loaded = open_page(browser, report)
    loaded.page.wait_for_function(SETTLED)
    assert coverage(loaded) <= 0.10  # a long title is cut to one line, not wrapped over the map
    loaded.page.close()
    wide = open_page(browser, example_html, width=1280, height=800)
    assert wide.evaluate("document.querySelector('.leaflet-control-layers-expanded') !== null")
    assert wide.evaluate("document.querySelector('.geo-legend details').open") is True
    coverage(wide)  # nothing overlaps on a wide page either
    wide.page.close()


def test_printing_puts_the_map_and_its_caption_on_one_page_without_buttons(browser, example_html, folder):
    loaded = open_page(browser, example_html)
    loaded.page.wait_for_function(SETTLED)
    pdf = loaded.page.pdf(format="A4", landscape=True, print_background=True)
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    loaded.page.emulate_media(media="print")
    laid_out = loaded.evaluate("""() => { const map = document.querySelector('.folium-map').getBoundingClientRect();
      const caption = document.querySelector('.geo-caption'); const c = caption.getBoundingClientRect();
      const hidden = s => Array.from(document.querySelectorAll(s)).every(e => getComputedStyle(e).display === 'none');
      return {map: map.height, captionTop: c.top, mapBottom: map.bottom, caption: caption.textContent,
              buttons: hidden('.leaflet-control-zoom') && hidden('.leaflet-control-layers')
                       && hidden('.geo-zoom-to')}; }""")
    assert laid_out["map"] > 400 and laid_out["buttons"], laid_out
    assert laid_out["captionTop"] >= laid_out["mapBottom"] - 1 and "Example reports" in laid_out["caption"]
    clean(loaded)
    loaded.page.close()


def test_pdf_export_is_one_page_with_the_map_as_vectors(example_html, folder):
    from geo.maps import Picture, save_pdf

    out = folder / "examples.pdf"
    save_pdf(example_html, out, Picture(width=900, height=600))
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert box and abs(float(box.group(1)) - 675) < 2 and abs(float(box.group(2)) - 450) < 2  # 900x600 px


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_png_for_print_has_its_size_and_scale_and_a_caption_but_no_buttons(browser, example_html, folder):
    from geo.maps import Picture

    out = folder / "print.png"
    save_png(example_html, out, picture=Picture(width=700, height=450, scale=2))
    assert png_size(out.read_bytes()) == (1400, 900)
    page = browser.new_page(viewport={"width": 700, "height": 450})
    page.add_init_script("window.__geoSnapshot = {caption: true, vector: false};")
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page.goto(example_html.resolve().as_uri())
    page.wait_for_function(SETTLED)
    shown = page.evaluate("""() => {
      const visible = s => Array.from(document.querySelectorAll(s)).some(e => e.checkVisibility());
      const caption = document.querySelector('.geo-caption');
      return {buttons: visible('.leaflet-control-zoom') || visible('.leaflet-control-layers')
                       || visible('.geo-zoom-to'),
              caption: caption.checkVisibility() && caption.innerText,
              legend: document.querySelector('.geo-legend details').open,
              bottom: document.querySelector('.geo-caption').getBoundingClientRect().bottom}; }""")
    page.close()
    assert not shown["buttons"] and shown["legend"] and shown["bottom"] <= 450
    for words in ("Example reports", "5 مقالات", "5 articles", "Natural Earth"):
        assert words in shown["caption"], words


def test_two_fragments_with_shared_assets_load_leaflet_and_the_outlines_once(browser, seed_map, gazetteer, folder):
    from geo.maps import assets_html

    other = render_map(stacked_mentions(2), gazetteer, MapOptions(title="أخرى"))
    body = (assets_html(seed_map) + fragment_html(seed_map, height="400px", shared_assets=True) + "<p>Between.</p>"
            + fragment_html(other, height="300px", shared_assets=True))
    report = host_page(folder / "shared.html", body)
    loaded = open_page(browser, report)
    loaded.page.wait_for_function("(window.geoMapsReady || 0) >= 2")
    loaded.page.wait_for_function(SETTLED)
    counts = loaded.evaluate("""() => ({
      leaflet: Array.from(document.scripts).filter(s => s.textContent.includes('window.L && window.L.Map')).length,
      runtime: Array.from(document.scripts)
        .filter(s => s.textContent.includes('window.geoMapRuntime = (function')).length,
      outlines: document.querySelectorAll('script[id^="geo-outlines-"]').length,
      maps: window.geoMaps.length,
      drawn: window.geoMaps.map(c => c.container.querySelectorAll('.leaflet-overlay-pane canvas').length),
      markers: window.geoMaps.map(c => c.container.querySelectorAll('.geo-marker, .geo-cluster').length)})""")
    assert counts["leaflet"] == 1 and counts["runtime"] == 1 and counts["outlines"] == 1, counts
    assert counts["maps"] == 2 and all(counts["drawn"]) and all(counts["markers"]), counts
    clean(loaded)
    loaded.page.close()


def test_a_role_edited_in_the_csv_moves_the_marker_to_that_layer(browser, tmp_path):
    import csv

    from conftest import run_geo

    table = tmp_path / "mentions.csv"
    result = run_geo("extract", str(EXAMPLES), "--format", "csv", "--out", str(table))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    assert any(row["place_id"] == "ch-geneva" and row["role"] == "diplomatic" for row in rows)
    for row in rows:
        if row["place_id"] == "ch-geneva":
            row["role"] = "conflict"  # a reader's correction, made in a spreadsheet
    with table.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "corrected.html"
    result = run_geo("map", str(table), "--out", str(out))
    assert result.returncode == 0, result.stderr
    loaded = open_page(browser, out)
    layers = loaded.evaluate(LAYER_IDS)
    assert "ch-geneva" in layers["conflict"] and "ch-geneva" not in layers["diplomatic"]
    loaded.evaluate("window.geoMaps[0].openPlace('ch-geneva', 'conflict')")
    loaded.page.wait_for_selector('.geo-marker-conflict[data-place-id="ch-geneva"]')
    assert loaded.page.locator('.geo-marker-diplomatic[data-place-id="ch-geneva"]').count() == 0
    clean(loaded)
    loaded.page.close()


def solid_png(rgb: tuple[int, int, int], size: int = 256) -> bytes:
    """A one-colour PNG tile, made here (no image library needed)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    image = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * size)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + image


@pytest.fixture
def tile_server():
    """A tile server on the loopback address: every tile magenta, every request counted."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    tile = solid_png((200, 40, 200))
    requests: list[str] = []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png", requests
    finally:
        server.shutdown()
        server.server_close()


def magenta_share(browser, data: bytes) -> float:
    page = browser.new_page()
    share = page.evaluate(
        """async (src) => { const img = new Image(); img.src = src; await img.decode();
             const canvas = document.createElement('canvas'); canvas.width = img.width; canvas.height = img.height;
             const ctx = canvas.getContext('2d'); ctx.drawImage(img, 0, 0);
             const px = ctx.getImageData(0, 0, img.width, img.height).data; let hits = 0, all = 0;
             for (let i = 0; i < px.length; i += 4 * 31) { all++;
               if (Math.abs(px[i] - 200) < 12 && px[i + 1] < 60 && Math.abs(px[i + 2] - 200) < 12) hits++; }
             return hits / all; }""",
        "data:image/png;base64," + base64.b64encode(data).decode(),
    )
    page.close()
    return share


def test_tiles_osm_draws_online_tiles_in_the_png_only_when_asked(browser, tile_server, tmp_path):
    """--tiles osm fetches tiles for the picture (here from a local server standing in for
    OpenStreetMap) and names OpenStreetMap in the caption; without it nothing is fetched."""
    from conftest import run_geo

    url, requests = tile_server
    article = tmp_path / "a.txt"
    article.write_text("قصفت الطائرات حي الكلاسة بمدينة حلب", encoding="utf-8")
    env = {"GEO_TILE_URL": url, "GEO_NO_WORLD": "1"}
    offline = run_geo("map", str(article), "--out", str(tmp_path / "a.html"), "--png", str(tmp_path / "a.png"),
                      "--size", "600x400", env=env)
    assert offline.returncode == 0, offline.stderr
    assert requests == [] and magenta_share(browser, (tmp_path / "a.png").read_bytes()) == 0
    online = run_geo("map", str(article), "--out", str(tmp_path / "b.html"), "--png", str(tmp_path / "b.png"),
                     "--size", "600x400", "--tiles", "osm", env=env)
    assert online.returncode == 0, online.stderr
    assert requests and all(path.endswith(".png") for path in requests)
    assert magenta_share(browser, (tmp_path / "b.png").read_bytes()) > 0.3
    assert "OpenStreetMap contributors" in (tmp_path / "b.html").read_text(encoding="utf-8")
