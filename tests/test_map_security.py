"""Maps are opened by other people: nothing in an article or in the gazetteer may run in their browser.

Every string that reaches a map (surface, sentence, document name, headline, link, the names, ids and
parent chains of gazetteer entries, the title) is loaded with HTML and JavaScript payloads. In
headless Chromium, with the network blocked, every popup of every layer is opened and every button
pressed: no payload may run (each one would push onto ``window.__pwned``), no element may be made from
one, and nothing may be fetched. Without a browser, a property test checks that any string leaves
the page's tag structure unchanged, so no value can close the ``<script>`` element it travels in.

File names derived from document ids (:mod:`geo.paths`) stay inside the output folder.
"""

from __future__ import annotations

import os
import random
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser import chromium, open_page
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.gazetteer import Gazetteer
from geo.maps import MapOptions, fragment_html, page_html, render_map, save_html
from geo.model import Entry, Mention
from geo.paths import output_path, safe_output_name

EXAMPLES = int(os.environ.get("GEO_FUZZ_EXAMPLES", "200"))
tried: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def report_counts():
    yield
    for name, count in sorted(tried.items()):
        print(f"\nfuzz: {name}: {count} inputs tried")


def run(tag: str) -> str:
    """JavaScript that records that a payload ran."""
    return f"(window.__pwned=window.__pwned||[]).push('{tag}')"


def payloads(tag: str) -> list[str]:
    """Classic HTML, attribute, URL, template and script-context injections, each reporting ``tag``."""
    js = run(tag)
    return [
        f"<script>{js}</script>",
        f"</script><script>{js}</script>",
        f"<img src=x onerror=\"{js}\">",
        f"\"><img src=x onerror={js}>",
        f"'><svg/onload={js}>",
        f"<svg><script>{js}</script></svg>",
        f"<iframe src=\"javascript:parent.{js}\"></iframe>",
        f"<a href=\"javascript:{js}\" id=\"pwn-{tag}\">click</a>",
        f"javascript:{js}",
        f"<details open ontoggle=\"{js}\">",
        f"<body onload=\"{js}\">",
        f"<math><mi xlink:href=\"javascript:{js}\">x</mi></math>",
        f"<noscript><p title=\"</noscript><img src=x onerror={js}>\">",
        f"</title><script>{js}</script>",
        f"</textarea></style><script>{js}</script>",
        f"<!--<script>{js}</script>-->",
        f"]]><script>{js}</script>",
        f"{{{{ {js} }}}}{{% raw %}}${{{js}}}",
        f"\\\"); {js}; //",
        f"'); {js}; //",
        f"\u2028\u2029{js}\u2028",
        f"\\u003cscript\\u003e{js}\\u003c/script\\u003e",
        f"&lt;script&gt;{js}&lt;/script&gt;",
        "<img src=\"http://evil.example/beacon.png\">",
        "<style>@import 'http://evil.example/x.css';</style>",
        "<link rel=stylesheet href=\"http://evil.example/y.css\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=http://evil.example/\">",
        "<base href=\"http://evil.example/\">",
        f"<object data=\"javascript:{js}\"></object>",
        f"<form><button formaction=\"javascript:{js}\">x</button></form>",
        f"<input autofocus onfocus=\"{js}\">",
        f"<marquee onstart=\"{js}\">",
        f"<video><source onerror=\"{js}\"></video>",
        f"<div style=\"background:url(javascript:{js})\">",
        f"\u202e<script>{js}</script>\u202c",
    ]


def hostile_world(generator: random.Random, label: str) -> tuple[list[Mention], Gazetteer, str]:
    """A gazetteer (trusted but user-edited: nothing checks it on load) and mentions whose every
    string carries payloads; every layer, popup, parent chain and zoom button is used."""

    def text(tag: str) -> str:
        chosen = generator.sample(payloads(f"{label}-{tag}"), k=generator.randint(1, 3))
        return " حلب ".join(chosen)

    entries = [
        Entry("xx", "دولة " + text("country-ar"), text("country-en"), "country", 34.0, 38.0, country="XX"),
        Entry("xx-city", "مدينة " + text("city-ar"), text("city-en"), "city", 36.2, 37.15, parent="xx", country="XX"),
        Entry("xx-city-a", text("a-ar"), text("a-en"), "neighbourhood", 36.21, 37.16, parent="xx-city", country="XX"),
        Entry("xx-city-b", text("b-ar"), text("b-en"), "neighbourhood", 36.19, 37.14, parent="xx-city", country="XX"),
        Entry(
            f"id-{label}\"><img src=x onerror={run(label + '-id')}>",
            text("odd-id-ar"), text("odd-id-en"), text("feature"), 36.22, 37.13, parent="xx-city", country="XX",
        ),
        Entry("yy", "بعيد", text("far-en"), "country", 50.0, 2.0, country="YY"),
    ]
    gazetteer = Gazetteer(entries)
    mentions = []
    roles = ["conflict", "diplomatic", "other"]
    for number, entry in enumerate(entries):
        for role in roles:
            surface = text(f"surface-{number}")
            sentence = text(f"before-{number}") + " " + surface + " " + text(f"after-{number}")
            mentions.append(
                Mention(
                    0, len(surface), surface, place_id=entry.id, name_ar=entry.name_ar, name_en=entry.name_en,
                    feature=entry.feature, lat=entry.lat, lon=entry.lon, country=entry.country, role=role,
                    cue=text("cue"), confidence=0.5, precision=generator.choice([1, 2, 3, 7]),
                    reason=text("reason"), doc=f"../../{text(f'doc-{number}')}/x.txt", sentence=sentence,
                    sentence_start=sentence.index(surface), title=text("title"), url=f"javascript:{run(label)}",
                    source=text("source"), date=text("date"),
                )
            )
    surface = text("approximate")
    mentions.append(
        Mention(0, len(surface), surface, name_ar=surface, feature=text("approx-feature"), lat=36.2, lon=37.15,
                role="conflict", status="unresolved", container="xx-city", reason=text("approx-reason"),
                doc=text("approx-doc"), sentence=surface, sentence_start=0)
    )
    return mentions, gazetteer, text("map-title")


# -- in the browser ----------------------------------------------------------------------------------
OPEN_EVERYTHING = """async (throughMarkers) => {
  const context = window.geoMaps[0];
  const frame = () => new Promise(done => requestAnimationFrame(done));
  const settle = () => frame().then(frame).then(() => new Promise(done => setTimeout(done, 50)));
  for (const key of Object.keys(context.layers)) context.map.addLayer(context.layers[key].group);
  await settle();
  const texts = [];
  let fallbacks = 0;
  // Every popup of every layer, built by the runtime's own popup() and shown on the map ...
  for (const key of Object.keys(context.layers)) {
    for (const id of context.layers[key].ids) {
      const row = context.places.find(r => r[0] === id);
      L.popup().setLatLng([row[4], row[5]]).setContent(context.popup(row)).openOn(context.map);
      const popup = document.querySelector('.leaflet-popup-content .geo-popup');
      texts.push(popup ? popup.textContent : null);
      context.map.closePopup();
    }
  }
  // ... and, for the first place of each layer, through its marker as a reader opens it. openPlace
  // zooms the marker out of its cluster first; markercluster sometimes never calls it back (no
  // animationend), so a late one is counted, not waited for.
  for (const key of throughMarkers ? Object.keys(context.layers) : []) {
    const late = new Promise(done => setTimeout(() => done(false), 1500));
    if (!(await Promise.race([context.openPlace(context.layers[key].ids[0], key), late]))) fallbacks++;
    await settle();
    const popup = document.querySelector('.leaflet-popup-content .geo-popup');
    if (popup) texts.push(popup.textContent);
    context.map.closePopup();
  }
  for (const button of document.querySelectorAll('.geo-zoom-to-button')) button.click();
  for (const marker of document.querySelectorAll('.geo-marker')) {
    marker.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
  }
  await settle();
  return {texts, fallbacks};
}"""
MADE_FROM_PAYLOADS = """() => document.querySelectorAll(
  '.leaflet-container img, .leaflet-container iframe, .leaflet-container object, .leaflet-container video,' +
  '.leaflet-container math, .leaflet-container details:not(.geo-legend-box), .leaflet-container form,' +
  '.leaflet-container input:not(.leaflet-control-layers-selector),' +
  '.leaflet-container marquee, .leaflet-container noscript, .leaflet-container a[href^="javascript"],' +
  '.geo-popup script, .geo-popup svg, .geo-title script, .geo-title svg, [onerror], [onload], [onfocus],' +
  '[ontoggle], [onstart], [id^="pwn-"], base, meta[http-equiv="refresh"]').length"""
MAPS = 3


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


def check_page(loaded, expected_popups: int, through_markers: bool = True) -> list[str]:
    opened = loaded.evaluate(OPEN_EVERYTHING, through_markers)
    texts = opened["texts"]
    print(f"\nmap security: {len(texts)} popups opened, {opened['fallbacks']} without openPlace")
    assert len(texts) >= expected_popups and all(texts), texts
    assert loaded.evaluate("window.__pwned === undefined"), loaded.evaluate("window.__pwned")
    assert loaded.evaluate(MADE_FROM_PAYLOADS) == 0
    assert loaded.outside == [], f"requests left the file: {loaded.outside}"
    assert loaded.errors == [], f"console errors: {loaded.errors}"
    return texts


def test_no_payload_runs_in_any_popup_button_or_title(browser, tmp_path):
    generator = random.Random(20261122)
    records = 0
    for number in range(MAPS):
        mentions, gazetteer, title = hostile_world(generator, f"m{number}")
        built = render_map(mentions, gazetteer, MapOptions(title=title))
        path = tmp_path / f"hostile-{number}.html"
        save_html(built, path)
        loaded = open_page(browser, path)
        texts = check_page(loaded, expected_popups=3 * 6 + 1)
        # The payloads are shown as text, character for character.
        assert any(gazetteer["xx-city"].name_en in t for t in texts)
        assert all("window.__pwned" in t for t in texts)  # shown, not dropped
        assert loaded.evaluate("document.querySelector('.geo-title h1').textContent") == title
        assert loaded.evaluate("document.title") == title
        records += len(mentions) + len(gazetteer) + 1
        loaded.page.close()
        if number:
            continue
        # The same map as a fragment inside someone else's page.
        report = tmp_path / f"report-{number}.html"
        report.write_text(
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>r</title></head><body>"
            f"{fragment_html(built)}</body></html>",
            encoding="utf-8",
        )
        loaded = open_page(browser, report)
        check_page(loaded, expected_popups=3 * 6 + 1, through_markers=False)
        loaded.page.close()
    print(f"\nmap security: {MAPS} maps, {MAPS * len(payloads('x'))} payloads, {records} hostile records")
    tried["map payload records"] = records


# -- without a browser: the tag structure of the page does not depend on the data ---------------------
class TagShape(HTMLParser):
    """The sequence of (tag, attribute names) of a page; script and style text is not markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.shape: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.shape.append((tag, tuple(sorted(name for name, _ in attrs))))

    def handle_endtag(self, tag):
        self.shape.append(("/" + tag,))

    def handle_comment(self, data):
        self.shape.append(("!--",))


def tag_shape(html: str) -> list[tuple]:
    parser = TagShape()
    parser.feed(html)
    parser.close()
    return parser.shape


def one_place_map(value: str, gazetteer: Gazetteer) -> str:
    mention = Mention(
        0, 3, value or "x", place_id="xx-city", name_ar=value, name_en=value, feature=value, lat=36.2,
        lon=37.15, role="conflict", cue=value, reason=value, doc=value, sentence=value, sentence_start=0,
        title=value, url=value, source=value, date=value,
    )
    return page_html(render_map([mention], gazetteer, MapOptions(title=value or "t")))


@pytest.fixture(scope="module")
def small_gazetteer() -> Gazetteer:
    return Gazetteer([
        Entry("xx", "دولة", "Country", "country", 34.0, 38.0, country="XX"),
        Entry("xx-city", "مدينة", "City", "city", 36.2, 37.15, parent="xx", country="XX"),
    ])


@pytest.fixture(scope="module")
def baseline_shape(small_gazetteer) -> list[tuple]:
    return tag_shape(one_place_map("plain", small_gazetteer))


#: Strings of markup pieces, characters that matter in HTML, JSON and JavaScript, and any character.
markup = st.lists(
    st.one_of(
        st.sampled_from(["<", ">", "&", '"', "'", "/", "=", "`", "\\", "</script", "<!--", "-->", "<script>",
                         "]]>", "{{", "}}", "${", "\u2028", "\u2029", "\x00", "\u202e", " ", "ح"]),
        # Lone surrogates are left out: no file decodes to them, and they cannot be written as UTF-8.
        st.characters(exclude_categories=["Cs"]),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=max(20, EXAMPLES // 2), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.one_of(markup, st.sampled_from(payloads("prop"))))
def test_any_string_leaves_the_page_structure_unchanged(small_gazetteer, baseline_shape, value):
    tried["page structure"] = tried.get("page structure", 0) + 1
    page = one_place_map(value, small_gazetteer)
    assert tag_shape(page) == baseline_shape


# -- output file names from document ids -----------------------------------------------------------------
HOSTILE_IDS = [
    "../../etc/passwd", "/etc/passwd", "..", ".", "", ".hidden", "a/../../b", "..\\..\\windows\\system32",
    "C:\\boot.ini", "con", "NUL.txt", "a\x00b", "line\nbreak", "\u202egnp.exe", "\udc80\udcff", "x" * 5000,
    "ح" * 500, "ﷲ" * 300, "e\u0301" * 200, "a:b*c?d\"e<f>g|h", "~/.ssh/id_rsa", "%2e%2e%2f", "....//....//",
]


def check_name(doc_id: str, suffix: str) -> str:
    name = safe_output_name(doc_id, suffix)
    assert name == safe_output_name(doc_id, suffix)
    assert name.endswith(suffix) and len(name) > len(suffix)
    assert "/" not in name and "\\" not in name and "\x00" not in name and os.sep not in name
    assert ".." not in name and not name.startswith((".", "-", " "))
    assert len(name.encode("utf-8")) <= 160
    assert name.isprintable() and not any(c in name for c in ':*?"<>|')
    name.encode("utf-8")  # no lone surrogates: every file system takes it
    return name


@pytest.mark.parametrize("doc_id", HOSTILE_IDS)
def test_hostile_document_ids_give_a_file_inside_the_folder(tmp_path, doc_id):
    name = check_name(doc_id, ".html")
    path = output_path(tmp_path, doc_id, ".html")
    path.write_text("ok", encoding="utf-8")
    assert path.resolve().parent == tmp_path.resolve() and path.name == name
    assert [p.name for p in tmp_path.iterdir()] == [name]


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.text(max_size=300), st.sampled_from([".html", ".png", ".geojson", ".csv.gz"]))
def test_any_document_id_gives_a_safe_stable_name(doc_id, suffix):
    tried["output names"] = tried.get("output names", 0) + 1
    check_name(doc_id, suffix)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.text(st.sampled_from("ab/._\\ \u0640ح"), max_size=8), min_size=2, max_size=30, unique=True))
def test_distinct_ids_never_share_a_file(ids):
    names = [safe_output_name(doc_id, ".html") for doc_id in ids]
    assert len(set(names)) == len(ids)


def test_readable_part_is_kept():
    assert safe_output_name("reports/حلب 2016-12-01.txt", ".html").startswith("reports_حلب_2016-12-01.txt-")


@pytest.mark.parametrize("suffix", ["", "html", "/x.html", ".h/tml", "../.html", ".html\x00"])
def test_a_bad_suffix_is_refused(suffix):
    with pytest.raises(ValueError, match="suffix"):
        safe_output_name("a", suffix)


def test_output_path_is_a_path(tmp_path):
    assert isinstance(output_path(tmp_path, "a", ".html"), Path)
