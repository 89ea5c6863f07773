"""``geo map --by admin1|admin2|admin3``: mentions counted per administrative unit, drawn as
proportional circles with a labelled count (counting in Python, drawing in a real headless Chromium
with the network blocked)."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import chromium, open_page
from conftest import run_geo

from geo.maps.units import count_by_unit

# Two mentions of Oqeirbat sub-district, several in the central sub-district of Jebel Saman (quarters of
# Aleppo and the city), a governorate named alone (no sub-district: left out when counting by
# sub-district) and a place abroad (no unit at all).
ARTICLES = {
    "one.txt": "قصفت طائرات حربية ناحية عقيربات بريف حماة الشرقي، وسقطت قذائف على حي الكلاسة في حلب.",
    "two.txt": "اشتباكات عنيفة في ناحية عقيربات، واستهدف قصف مدفعي حي الشيخ مقصود.",
    "three.txt": "وقالت مصادر إن محافظة إدلب شهدت هدوءا، فيما عقد الوزير اجتماعا في باريس.",
}
COUNTS = """() => Object.fromEntries(Array.from(document.querySelectorAll(".geo-unit-count"),
  label => [label.getAttribute("data-pcode"), Number(label.textContent)]))"""


@pytest.fixture(scope="module")
def articles(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("units")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def mentions(geoparser, articles):
    return [m for path in sorted(articles.glob("*.txt")) for m in geoparser.extract_file(path, doc=path.name)]


def test_counts_per_sub_district(mentions, gazetteer):
    units = {u.pcode: u for u in count_by_unit(mentions, gazetteer, "admin3")}
    assert units["SY050304"].total == 2 and units["SY050304"].name_en == "Oqeirbat"
    assert units["SY020000"].total >= 2  # الكلاسة, الشيخ مقصود, and حلب itself
    assert not any(code.startswith("SY07") for code in units)  # Idlib governorate has no sub-district


def test_counts_per_governorate_take_the_governorate_named_alone(mentions, gazetteer):
    units = {u.pcode: u for u in count_by_unit(mentions, gazetteer, "admin1")}
    assert units["SY07"].total == 1 and units["SY05"].total >= 2 and units["SY02"].total >= 3
    assert "FR" not in "".join(units)


def test_an_unknown_level_is_refused(articles, tmp_path):
    result = run_geo("map", str(articles), "--out", str(tmp_path / "m.html"), "--by", "admin4")
    assert result.returncode == 2 and "--by" in result.stderr
    assert not (tmp_path / "m.html").exists()


@pytest.mark.browser
def test_geo_map_by_admin3_draws_a_labelled_circle_per_sub_district(articles, mentions, gazetteer, tmp_path):
    out = tmp_path / "by_admin3.html"
    result = run_geo("--no-world", "map", str(articles), "--out", str(out), "--by", "admin3")
    assert result.returncode == 0, result.stderr
    expected = {u.pcode: u.total for u in count_by_unit(mentions, gazetteer, "admin3")}
    with chromium() as browser:
        loaded = open_page(browser, out)
        assert loaded.evaluate(COUNTS) == expected
        # One circle a unit, in the layer control under its own name, and a popup that names the unit.
        assert loaded.page.locator("path.geo-unit").count() == len(expected)
        assert "Mentions by sub-district" in loaded.page.locator(".leaflet-control-layers").inner_text()
        loaded.page.locator('.geo-unit-count[data-pcode="SY050304"]').wait_for()
        loaded.evaluate("""() => {
          const map = window.geoMaps[0].map;
          map.eachLayer(layer => { if (layer.getTooltip && layer.getTooltip() &&
            layer.getTooltip().getContent().getAttribute("data-pcode") === "SY050304") layer.openPopup(); });
        }""")
        popup = loaded.page.locator(".geo-unit-popup").inner_text()
        assert "ناحية عقيربات" in popup and "SY050304" in popup and "Oqeirbat" in popup
        # Bigger count, bigger circle.
        radii = loaded.evaluate("""() => Array.from(document.querySelectorAll("path.geo-unit"),
          path => path.getBBox().width)""")
        assert max(radii) > min(radii)
        assert loaded.outside == [] and loaded.errors == []
