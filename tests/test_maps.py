"""The maps without a browser: options, the data the page carries, offline resources, escaping,
fragments, GeoJSON for QGIS, and the command line. What the page does in a browser is in
``test_browser.py``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
import geopandas
import pytest
from conftest import run_geo
from seeds import seeds_directory

import geo
from geo.errors import UsageError
from geo.maps import MapOptions, fragment_html, page_html, parse_bbox, render_map, save_fragment, save_geojson
from geo.maps.cache import cached_json
from geo.maps.payload import PLACE_FIELDS, build_map_data
from geo.maps.templating import script_json
from geo.model import Mention

ALEPPO_CONFLICT = {
    "sy-aleppo", "sy-aleppo-kallaseh", "sy-aleppo-azamiyah", "sy-aleppo-new-aleppo", "sy-aleppo-jamiat-al-zahraa",
}
VENUES = {"ch-geneva", "fr-paris", "de-munich", "bh-manama", "de-hamburg", "it-rome", "be-brussels"}
#: Markup and template syntax in an article. The first sentence holds whole payloads written without
#: a full stop (the sentence splitter would cut ``window.__xss`` in two); the second the usual ones.
HOSTILE = (
    "قصف حي الكلاسة في حلب <script>self['__xss']=1</script> "
    "و<img src=x onerror=\"self['__xss']=1\"> وكتب أحدهم {{ 7*7 }} على الجدار. "
    "<script>window.__xss=1</script> <img src=x onerror=\"window.__xss=1\"> في الكلاسة"
)
#: What makes a browser fetch something: in tags, and in CSS.
FETCHING_TAGS = re.compile(r"<script[^>]*\ssrc=|<link[\s>]|<img[\s>]|<iframe|<object|<embed", re.IGNORECASE)
FETCHING_CSS = re.compile(r"@import|url\((?!\s*['\"]?(data:|#))", re.IGNORECASE)


def fetches(page: str) -> list[str]:
    """Everything in ``page`` (outside script text) that a browser would load from elsewhere."""
    styles = " ".join(re.findall(r"<style\b[^>]*>(.*?)</style>", page, flags=re.S | re.I))
    return FETCHING_TAGS.findall(_tags(page)) + [m.group(0) for m in FETCHING_CSS.finditer(styles)]


@pytest.fixture(scope="module")
def seed_mentions(geoparser) -> list[Mention]:
    mentions = []
    for path in sorted(seeds_directory().glob("*.txt")):
        mentions.extend(geoparser.extract_file(path, doc=path.name))
    assert mentions, "the seed articles gave no mentions"
    return mentions


@pytest.fixture(scope="module")
def seed_map(seed_mentions, gazetteer) -> folium.Map:
    return render_map(seed_mentions, gazetteer, MapOptions(title="Aleppo <b>December</b> 2016"))


@pytest.fixture(scope="module")
def seed_page(seed_map) -> str:
    return page_html(seed_map)


def layer_ids(data, role: str) -> set[str]:
    index = data.as_json()["roles"].index(role)
    return {row[0] for row in data.rows if row[PLACE_FIELDS.index("counts")][index]}


# -- options ---------------------------------------------------------------------------------------
def test_parse_bbox_reads_west_south_east_north_as_geojson_does():
    assert parse_bbox("37.0, 36.1,37.3,36.3") == (37.0, 36.1, 37.3, 36.3)


@pytest.mark.parametrize(("text", "hint"), [
    ("37.0,36.1,37.3", "four numbers W,S,E,N"),
    ("a,b,c,d", "decimal degrees"),
    ("37.0,36.3,37.3,36.1", "south 36.3 is not below north 36.1; the order is W,S,E,N"),
    ("37.3,36.1,37.0,36.3", "west 37.3 is not left of east 37"),
    ("0,-91,10,10", "latitudes must be within -90..90"),
    ("-100,0,-95,10", ""),
    ("0,0,181,10", "longitudes must be within -180..180"),
    ("nan,0,1,1", "finite"),
    ("", "four numbers"),
])
def test_parse_bbox_refuses_a_box_that_is_not_one_with_a_hint(text, hint):
    if text == "-100,0,-95,10":
        assert parse_bbox(text) == (-100, 0, -95, 10)  # the western hemisphere is a box too
        return
    with pytest.raises(UsageError) as caught:
        parse_bbox(text)
    assert "\n" not in str(caught.value) and "--bbox" in str(caught.value) and hint in str(caught.value)


def test_a_box_in_the_old_south_west_order_is_told_the_order():
    """36.1,37.0,36.3,37.3 was Aleppo as S,W,N,E; as W,S,E,N it is a valid box elsewhere, but a box
    whose latitudes are out of range says that latitudes come second and fourth."""
    with pytest.raises(UsageError, match="latitudes come second and fourth"):
        parse_bbox("36.1,95.0,36.3,97.3")


def test_focus_and_bbox_together_are_refused():
    with pytest.raises(UsageError):
        MapOptions(focus="sy-aleppo", bbox=(37.0, 36.1, 37.3, 36.3))


def test_unknown_focus_place_is_a_usage_error(seed_mentions, gazetteer):
    with pytest.raises(UsageError, match="no-such-place"):
        render_map(seed_mentions, gazetteer, MapOptions(focus="no-such-place"))


# -- the map object and its layers -----------------------------------------------------------------
def test_render_map_returns_a_folium_map_and_is_exported_lazily(seed_map):
    assert isinstance(seed_map, folium.Map)
    assert geo.render_map is render_map


def test_layers_have_arabic_and_english_names_and_the_right_defaults(seed_map):
    groups = {child.layer_name: child.show for child in seed_map._children.values()
              if isinstance(child, folium.map.Layer) and child.control}
    assert groups["مواقع النزاع / Conflict locations"] is True
    assert groups["أماكن اللقاءات الدبلوماسية / Diplomatic venues"] is True
    assert groups["إشارات أخرى / Other mentions"] is False
    assert groups["كثافة مواقع النزاع / Conflict heat"] is False
    assert any(isinstance(child, folium.LayerControl) for child in seed_map._children.values())


def test_places_sit_in_the_layer_of_each_role_they_have(seed_mentions, gazetteer):
    data = build_map_data(seed_mentions, gazetteer)
    assert layer_ids(data, "conflict") >= ALEPPO_CONFLICT
    assert layer_ids(data, "diplomatic") >= VENUES
    assert "ru-moscow" in layer_ids(data, "other") and "ru-moscow" not in layer_ids(data, "diplomatic")


def test_rows_carry_parent_chain_and_highlight_offsets(seed_mentions, gazetteer):
    data = build_map_data(seed_mentions, gazetteer)
    row = next(r for r in data.rows if r[0] == "sy-aleppo-kallaseh")
    chain_ar, chain_en = data.chains[row[PLACE_FIELDS.index("chain")]]
    assert chain_ar.startswith("حلب") and chain_en.endswith("Syria")
    doc, sentence, start, end, _ = row[PLACE_FIELDS.index("examples")][0]
    assert data.sentences[sentence][start:end] == "الكلاسة"
    assert data.docs[doc].endswith(".txt") and "/" not in data.docs[doc]


def test_popups_quote_every_article_before_a_second_sentence_of_one(geoparser, gazetteer):
    mentions = geoparser.extract("قصف على حلب. " * 12, doc="first.txt")
    mentions += geoparser.extract("اشتباكات في حلب", doc="second.txt")
    mentions += geoparser.extract("غارة على حلب", doc="third.txt")
    data = build_map_data(mentions, gazetteer)
    row = next(r for r in data.rows if r[0] == "sy-aleppo")
    docs = [data.docs[example[0]] for example in row[PLACE_FIELDS.index("examples")]]
    assert len(docs) == 8 and set(docs) == {"first.txt", "second.txt", "third.txt"}
    assert docs == sorted(docs, key=["first.txt", "second.txt", "third.txt"].index)  # reading order
    assert row[PLACE_FIELDS.index("docs")] == 3


def test_world_and_city_zoom_buttons_come_from_the_data(seed_mentions, gazetteer):
    data = build_map_data(seed_mentions, gazetteer)
    assert [t.name_en for t in data.targets][:1] == ["Aleppo"]
    (south, west), (north, east) = data.targets[0].bounds
    assert north - south < 1 and east - west < 1
    assert '"name_en":"World"' in page_html(render_map(seed_mentions, gazetteer))


def test_focus_fits_the_place_and_what_is_under_it(seed_mentions, gazetteer):
    page = page_html(render_map(seed_mentions, gazetteer, MapOptions(focus="sy-aleppo")))
    view = json.loads(re.search(r'"view":(\{[^}]*\})', page).group(1))
    (south, west), (north, east) = view["bounds"]
    assert 36.0 < south < north < 36.4 and 37.0 < west < east < 37.4


def test_bbox_sets_the_first_view(seed_mentions, gazetteer):
    page = page_html(render_map(seed_mentions, gazetteer, MapOptions(bbox=parse_bbox("37.0,36.1,37.3,36.3"))))
    assert '"view":{"bounds":[[36.1,37.0],[36.3,37.3]]' in page


def approximate_mention() -> Mention:
    """A name the gazetteer lacks, placed at its container (as the pipeline reports it)."""
    return Mention(13, 29, "الزيتونة الجديدة", name_ar="الزيتونة الجديدة", feature="neighbourhood", lat=36.20124,
                   lon=37.13468, role="conflict", status="unresolved", container="sy-aleppo",
                   reason="unresolved; approximate: placed at container sy-aleppo", doc="a.txt",
                   sentence="قصف حي الزيتونة الجديدة بمدينة حلب", sentence_start=7)


def test_approximate_places_are_flagged_and_sit_in_their_container(gazetteer, tmp_path):
    data = build_map_data([approximate_mention()], gazetteer)
    row = data.rows[0]
    assert row[PLACE_FIELDS.index("approximate")] == 1
    assert data.chains[row[PLACE_FIELDS.index("chain")]][1].startswith("Aleppo, ")
    save_geojson([approximate_mention()], tmp_path / "a.geojson", gazetteer)
    frame = geopandas.read_file(tmp_path / "a.geojson")
    assert bool(frame["approximate"].iloc[0]) and frame["parents_en"].iloc[0].startswith("Aleppo")


def test_an_empty_map_still_renders(gazetteer):
    page = page_html(render_map([], gazetteer))
    assert '"view":{"center":' in page and "L.map(" in page


# -- offline ---------------------------------------------------------------------------------------
def test_page_fetches_nothing(seed_page):
    assert fetches(seed_page) == []
    tags = _tags(seed_page)
    for cdn in ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "code.jquery.com", "unpkg.com", "netdna"):
        assert cdn not in tags
    assert "sourceMappingURL" not in seed_page


def _tile_layers(m: folium.Map) -> list:
    return [child for child in m._children.values() if isinstance(child, folium.TileLayer)]


def _tags(page: str) -> str:
    """The page's own tags, with script and style text left out."""
    page = re.sub(r"<(script|style)\b[^>]*>.*?</\1>", "", page, flags=re.S | re.I)
    return " ".join(re.findall(r"<[a-zA-Z][^>]*>", page)).lower()


def test_page_is_small_without_jquery_bootstrap_or_font_awesome(seed_page):
    assert len(seed_page.encode()) < 1_000_000
    assert "jQuery" not in seed_page and "Font Awesome" not in seed_page


def test_openstreetmap_is_an_alternative_base_layer_never_shown_first_unless_asked(seed_mentions, gazetteer):
    offered = render_map(seed_mentions, gazetteer)
    (osm,) = _tile_layers(offered)
    assert osm.show is False and osm.overlay is False and osm.control is True
    page = page_html(offered)
    assert "tile.openstreetmap.org" in page and "quietTiles" in page and "OpenStreetMap" in page
    assert f"{osm.get_name()}.addTo(" not in page  # not on the map: nothing fetched until chosen
    first = render_map(seed_mentions, gazetteer, MapOptions(online_tiles=True))
    (osm,) = _tile_layers(first)
    assert osm.show is True and f"{osm.get_name()}.addTo(" in page_html(first)
    assert "Natural Earth" in page_html(first)
    never = render_map(seed_mentions, gazetteer, MapOptions(osm_layer=False))
    assert _tile_layers(never) == [] and "tile.openstreetmap.org" not in page_html(never)


def test_disk_cache_builds_once(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    calls = []

    def build():
        calls.append(1)
        return {"نص": [1, 2]}

    assert cached_json("k-1", build) == {"نص": [1, 2]}
    assert cached_json("k-1", build) == {"نص": [1, 2]}
    assert len(calls) == 1 and (tmp_path / "k-1.json").is_file()


# -- escaping --------------------------------------------------------------------------------------
def test_script_json_cannot_close_the_script_element():
    text = str(script_json({"s": "</script><!-- & \u2028"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"s": "</script><!-- & \u2028"}


def test_article_markup_and_template_syntax_stay_text(geoparser, gazetteer):
    mentions = geoparser.extract(HOSTILE, doc="hostile.txt")
    assert {m.place_id for m in mentions} >= {"sy-aleppo-kallaseh"}
    page = page_html(render_map(mentions, gazetteer, MapOptions(title="<img src=y onerror=alert(1)>")))
    assert "<script>window.__xss" not in page and "<script>self[" not in page
    assert "<img src=x" not in page and "<img src=y" not in page
    assert "\\u003cimg src=x onerror=\\\"self['__xss']=1\\\"\\u003e" in page  # kept, as JSON text
    assert "&lt;img src=y onerror=alert(1)&gt;" in page
    assert "{{ 7*7 }}" in page  # never evaluated by Jinja


def test_title_is_escaped(seed_page):
    assert "Aleppo &lt;b&gt;December&lt;/b&gt; 2016" in seed_page
    assert "<b>December</b>" not in seed_page


# -- fragment --------------------------------------------------------------------------------------
def test_fragment_has_no_page_wide_css_and_scopes_its_own(seed_map):
    fragment = fragment_html(seed_map)
    assert "<html" not in fragment and "<body" not in fragment and "<head" not in fragment
    assert "html, body" not in fragment and "#map {" not in fragment
    map_id = seed_map.get_name()
    own_css = re.search(r"<style>(\.folium-map\[id\^=.*?)</style>", fragment, re.S).group(1)
    selectors = [rule.split("{")[0] for rule in own_css.split("}") if "{" in rule]
    assert selectors and all(f'.folium-map[id^="{map_id}"]' in s for s in selectors)
    assert "if (!(window.L && window.L.Map))" in fragment  # Leaflet loads once per page


def test_fragment_height_must_be_a_css_length(seed_map, tmp_path):
    with pytest.raises(UsageError):
        save_fragment(seed_map, tmp_path / "f.html", height="1px;}body{display:none")


def test_notebook_display_is_an_offline_iframe(seed_map):
    shown = seed_map._repr_html_()
    assert shown.startswith("<div") and "<iframe srcdoc=" in shown
    assert "src=&quot;http" not in shown and "&lt;link" not in shown


# -- GeoJSON for QGIS ------------------------------------------------------------------------------
def test_geojson_has_one_feature_per_place_and_layer(seed_mentions, gazetteer, tmp_path):
    out = tmp_path / "layers.geojson"
    save_geojson(seed_mentions, out, gazetteer)
    frame = geopandas.read_file(out)
    assert frame.crs.to_epsg() == 4326
    assert set(frame["layer"]) == {"conflict", "diplomatic", "other"}
    conflict = frame[frame["layer"] == "conflict"]
    assert set(conflict["place_id"]) >= ALEPPO_CONFLICT
    aleppo = frame[(frame["place_id"] == "sy-aleppo") & (frame["layer"] == "conflict")].iloc[0]
    assert aleppo["name_ar"] == "حلب" and aleppo["mentions"] == aleppo["conflict"] > 0
    assert aleppo["layer_ar"] == "مواقع النزاع"
    assert set(frame[frame["layer"] == "diplomatic"]["place_id"]) >= VENUES


def test_geojson_of_no_mentions_is_an_empty_collection(tmp_path, gazetteer):
    out = tmp_path / "empty.geojson"
    save_geojson([], out, gazetteer)
    assert json.loads(out.read_text(encoding="utf-8"))["features"] == []


# -- command line ----------------------------------------------------------------------------------
def test_geo_map_writes_page_fragment_and_geojson(tmp_path):
    out = tmp_path / "seeds.html"
    result = run_geo("map", str(seeds_directory()), "--out", str(out), "--title", "حلب",
                     "--fragment", str(tmp_path / "f.html"), "--geojson", str(tmp_path / "l.geojson"))
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert "<title>حلب</title>" in page and fetches(page) == []
    assert (tmp_path / "f.html").stat().st_size > 0 and (tmp_path / "l.geojson").stat().st_size > 0


def test_geo_map_keeps_the_old_map_when_no_input_could_be_read(tmp_path):
    out = tmp_path / "week.html"
    out.write_text("last week's map", encoding="utf-8")
    result = run_geo("map", str(tmp_path / "typo.txt"), "--out", str(out), env={"GEO_NO_WORLD": "1"})
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"geo: error: {tmp_path / 'typo.txt'}: no such file",
                                          f"geo: error: {out}: not written: none of the inputs could be read"]
    assert out.read_text(encoding="utf-8") == "last week's map"


def test_geo_map_geojson_uses_the_runs_own_gazetteer(tmp_path):
    """A place from the user's --gazetteer file keeps its parent chain in the GeoJSON."""
    from geo.model import COLUMNS

    values = dict(id="sy-aleppo-test-quarter", name_ar="حي التجربة الغربي", variants_ar="", name_en="Test Quarter",
                  variants_en="", feature="neighbourhood", lat="36.205", lon="37.15", parent="sy-aleppo",
                  country="SY", population="", capital="", source="test")
    (tmp_path / "mine.csv").write_text(",".join(COLUMNS) + "\n" + ",".join(values.get(c, "") for c in COLUMNS) + "\n",
                                       encoding="utf-8")
    (tmp_path / "a.txt").write_text("قصفت الطائرات حي التجربة الغربي في حلب", encoding="utf-8")
    result = run_geo("--no-world", "--gazetteer", str(tmp_path / "mine.csv"), "map", str(tmp_path / "a.txt"),
                     "--out", str(tmp_path / "m.html"), "--geojson", str(tmp_path / "m.geojson"))
    assert result.returncode == 0, result.stderr
    frame = geopandas.read_file(tmp_path / "m.geojson")
    row = frame[frame["place_id"] == "sy-aleppo-test-quarter"].iloc[0]
    assert row["parents_en"].startswith("Aleppo, ") and row["layer"] == "conflict"


def test_geo_map_refuses_bad_view_options_before_reading_anything(tmp_path):
    for option in (["--focus", "no-such-place"], ["--bbox", "1,2,3"]):
        result = run_geo("map", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "m.html"), *option,
                         env={"GEO_NO_WORLD": "1"})
        assert result.returncode == 2
        assert result.stderr.splitlines() == [line for line in result.stderr.splitlines() if option[0] in line]
        assert "missing.txt" not in result.stderr  # refused before the inputs were read


def test_geo_map_bad_bbox_is_one_line(tmp_path):
    result = run_geo("map", str(seeds_directory()), "--out", str(tmp_path / "m.html"), "--bbox", "1,2,3")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "--bbox" in result.stderr


# -- PNG export without Chromium ------------------------------------------------------------------
def test_png_without_chromium_is_one_clear_error(tmp_path, monkeypatch):
    from geo.errors import GeoError
    from geo.maps import save_png

    monkeypatch.delenv("GEO_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GeoError) as caught:
        save_png(tmp_path / "m.html", tmp_path / "m.png")
    assert "Chromium" in str(caught.value) and "\n" not in str(caught.value)
    monkeypatch.setenv("GEO_CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(GeoError, match="GEO_CHROMIUM"):
        save_png(tmp_path / "m.html", tmp_path / "m.png")


def test_default_gazetteer_gives_parent_chains(seed_mentions):
    page = page_html(render_map(seed_mentions))
    assert "محافظة حلب" in page


def test_geo_map_no_osm_and_the_title_counts_every_article_read(tmp_path):
    """An article without places still counts as an article read; --no-osm leaves no tile URL."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("قصفت الطائرات حي الكلاسة بمدينة حلب", encoding="utf-8")
    (folder / "b.txt").write_text("عقد الوزراء اجتماعا في جنيف", encoding="utf-8")
    (folder / "c.txt").write_text("لا أماكن في هذا الخبر عن الطقس", encoding="utf-8")
    out = tmp_path / "m.html"
    result = run_geo("map", str(folder), "--out", str(out), "--no-osm", env={"GEO_NO_WORLD": "1"})
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert "tile.openstreetmap.org" not in page
    assert "3 articles" in page
    refused = run_geo("map", str(folder), "--out", str(out), "--no-osm", "--tiles", env={"GEO_NO_WORLD": "1"})
    assert refused.returncode == 2 and "not allowed with" in refused.stderr


# -- deterministic output --------------------------------------------------------------------------
def test_two_renders_of_the_same_mentions_are_byte_identical(seed_mentions, gazetteer):
    first = page_html(render_map(seed_mentions, gazetteer, MapOptions(title="حلب")))
    second = page_html(render_map(list(seed_mentions), gazetteer, MapOptions(title="حلب")))
    assert first == second
    other = page_html(render_map(seed_mentions[:-1], gazetteer, MapOptions(title="حلب")))
    assert other != first  # ids come from the content: another map gets other ids
    ids = set(re.findall(r'class="folium-map" id="([^"]+)"', first + other))
    assert len(ids) == 2


def test_the_example_map_in_the_repository_is_what_the_readme_command_writes(tmp_path):
    """The README's first command rewrites maps/examples.html: it must give the same bytes (in a
    process with another hash seed), so a fresh clone stays clean. When code or data change the
    map, regenerate it with that command and commit it."""
    root = Path(__file__).resolve().parent.parent
    out = tmp_path / "examples.html"
    result = run_geo("map", "examples/articles/", "--out", str(out), "--title", "Example reports",
                     cwd=root, env={"PYTHONHASHSEED": "7"})
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == (root / "maps" / "examples.html").read_bytes(), (
        "maps/examples.html is stale: regenerate it with the README's first command")


# -- words, reference places, uncertainty ----------------------------------------------------------
@pytest.mark.parametrize(("n", "arabic", "english"), [
    (1, "مقال واحد", "1 article"), (2, "مقالان", "2 articles"), (3, "3 مقالات", "3 articles"),
    (10, "10 مقالات", "10 articles"), (11, "11 مقالاً", "11 articles"), (99, "99 مقالاً", "99 articles"),
    (100, "100 مقال", "100 articles"), (103, "103 مقالات", "103 articles"), (0, "0 مقال", "0 articles"),
])
def test_counts_take_the_arabic_plural_form_of_their_number(n, arabic, english):
    from geo.maps.wording import count_ar, count_en

    assert count_ar(n, "article") == arabic and count_en(n, "article") == english


def test_the_title_counts_in_words(geoparser, gazetteer):
    mentions = geoparser.extract("قصفت الطائرات حي الكلاسة بمدينة حلب", doc="a.txt")
    page = page_html(render_map(mentions, gazetteer, MapOptions(documents=2)))
    assert "مقالان" in page and "2 articles" in page and "مكانان" in page and "إشارتان" in page


def test_reference_layer_bundles_the_quarters_of_a_marked_city_and_not_the_named_ones(seed_mentions, gazetteer):
    data = build_map_data(seed_mentions, gazetteer)
    names = {row[0] for row in data.reference}
    named = {place.name_ar for place in data.places if place.feature != "country"}
    assert {"الشيخ مقصود", "الحمدانية", "باب الفرج"} <= names  # Aleppo quarters no seed names
    assert {"الكلاسة", "الأعظمية"} <= named and not names & named  # named places are markers, not reference
    # Country names stay (a named country's marker may be in a layer that is off); the browser
    # writes one label per name.
    assert {"سوريا", "تركيا", "لبنان"} <= names
    assert not names & {"الاتحاد السوفياتي", "جيرزي"}  # no former states, no islets on a world view
    quarter = next(row for row in data.reference if row[0] == "الشيخ مقصود")
    assert quarter[4] == 12  # from city zoom
    capital = next(row for row in data.reference if row[1] == "Riyadh")
    assert capital[4] == 3  # capitals at world zoom
    assert len(data.reference) < 600  # what the view needs, not the gazetteer
    # a map of one Damascus quarter bundles Damascus's quarters, not Aleppo's
    damascus = build_map_data(geoparser_mentions("قصف حي جوبر في دمشق"), gazetteer)
    assert not {row[0] for row in damascus.reference} & {"الشيخ مقصود", "الحمدانية"}


def geoparser_mentions(text):
    from geo.pipeline import default_geoparser

    return default_geoparser().extract(text, doc="d.txt")


def test_approximate_places_carry_an_uncertainty_and_the_source_of_their_coordinates(gazetteer):
    data = build_map_data([approximate_mention()], gazetteer)
    row = data.rows[0]
    assert row[PLACE_FIELDS.index("uncertainty_km")] == 6.0  # a city's size, nothing better known
    assert data.sources[row[PLACE_FIELDS.index("source")]] == gazetteer["sy-aleppo"].source
    told = approximate_mention()
    told.uncertainty_km = 2.5  # what the gazetteer says (issue 16) wins over the estimate
    assert build_map_data([told], gazetteer).rows[0][PLACE_FIELDS.index("uncertainty_km")] == 2.5


def test_legend_lists_only_layers_that_have_something(geoparser, gazetteer):
    mentions = geoparser.extract("عقد الوزراء اجتماعا في جنيف", doc="a.txt")
    page = page_html(render_map(mentions, gazetteer))
    legend = json.loads(re.search(r'"legend":("(?:[^"\\]|\\.)*")', page).group(1))
    assert "Diplomatic venues" in legend and "Conflict locations" not in legend and "Conflict heat" not in legend
    assert "approximate" not in legend


def test_page_is_arabic_and_a_latin_title_says_it_is_english(seed_mentions, gazetteer):
    page = page_html(render_map(seed_mentions, gazetteer, MapOptions(title="Example reports")))
    assert page.startswith('<!DOCTYPE html>\n<html lang="ar">')
    assert '\\u003ch1 dir=\\"auto\\" lang=\\"en\\"\\u003eExample reports' in page


# -- fragments for reports -------------------------------------------------------------------------
def test_shared_assets_mode_leaves_libraries_and_outlines_to_the_page(seed_map):
    from geo.maps import assets_html

    alone = fragment_html(seed_map, height="450px", width="700px")
    shared = fragment_html(seed_map, height="450px", width="700px", shared_assets=True)
    assets = assets_html(seed_map)
    for text in ("window.L && window.L.Map", 'id="geo-outlines-'):
        assert text in alone and text in assets and text not in shared
    assert "width: 700px; height: 450px" in shared and "geoMapRuntime.create(" in shared
    assert len(shared) < len(alone) / 3


@pytest.mark.parametrize("width", ["1px;}body{display:none", "wide", "100"])
def test_fragment_width_must_be_a_css_length(seed_map, width):
    with pytest.raises(UsageError, match="width"):
        fragment_html(seed_map, width=width)


def test_geojson_has_a_feature_per_mention_with_its_date_and_document(geoparser, gazetteer, tmp_path):
    mentions = geoparser.extract("قصفت الطائرات حي الكلاسة بمدينة حلب", doc="a.txt")
    mentions += geoparser.extract("غارة على حي الكلاسة", doc="b.txt")
    for mention in mentions:
        mention.date = "2016-12-0" + ("1" if mention.doc == "a.txt" else "2")
    out = tmp_path / "m.geojson"
    save_geojson(mentions, out, gazetteer)
    frame = geopandas.read_file(out)
    places = frame[frame["kind"] == "place"]
    each = frame[frame["kind"] == "mention"]
    assert len(each) == len(mentions) and set(each["doc"]) == {"a.txt", "b.txt"}
    kallaseh = each[each["place_id"] == "sy-aleppo-kallaseh"]
    assert sorted(kallaseh["date"].astype(str).str[:10]) == ["2016-12-01", "2016-12-02"]
    assert set(kallaseh["layer"]) == {"conflict"}
    assert len(places) == len(set(zip(places["place_id"], places["layer"], strict=True)))


# -- command line options of the map ----------------------------------------------------------------
@pytest.mark.parametrize(("options", "message"), [
    (["--shared-assets", "a.html"], "--shared-assets goes with --fragment"),
    (["--fragment", "f.html", "--width", "wide"], "--width 'wide'"),
    (["--png", "p.png", "--size", "big"], "--size 'big'"),
    (["--png", "p.png", "--scale", "9"], "--scale 9"),
    (["--bbox", "37.3,36.1,37.0,36.3"], "west 37.3 is not left of east 37"),
])
def test_geo_map_refuses_bad_report_options_in_one_line_before_reading(tmp_path, options, message):
    options = [str(tmp_path / o) if o.endswith((".html", ".png")) else o for o in options]
    result = run_geo("map", str(tmp_path / "missing.txt"), "--out", str(tmp_path / "m.html"), *options,
                     env={"GEO_NO_WORLD": "1"})
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr


def test_geo_map_help_shows_the_report_options_with_examples():
    result = run_geo("map", "--help")
    for text in ("--size WxH", "--scale N", "--pdf FILE", "--shared-assets FILE", "W,S,E,N", "--tiles",
                 "--bbox 37.05,36.15,37.25,36.27", "geo map m.csv"):
        assert text in result.stdout, text
