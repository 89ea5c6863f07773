"""``geo gazetteer search`` forgives: a place-type word, a Latin transliteration, an English name, a
P-code, and a near miss ("did you mean"); ``add`` says what was probably meant."""

from __future__ import annotations

import json

import pytest
from conftest import run_geo

from geo.curation import search
from geo.search import did_you_mean, latin_key


@pytest.mark.parametrize(
    ("query", "place_id", "how"),
    [
        ("حي الشيخ مقصود", "sy-aleppo-sheikh-maqsoud", "type word"),  # the phrase as the press writes it
        ("بحي الكلاسة", "sy-aleppo-kallaseh", "type word"),  # with a clitic on the type word
        ("kallase", "sy-aleppo-kallaseh", "transliteration"),
        ("bab al nasr", "sy-aleppo-bab-al-nasr", "name"),
        ("Sheikh Maksoud", "sy-aleppo-sheikh-maqsoud", "transliteration"),
        ("Cheikh Maqsoud", "sy-aleppo-sheikh-maqsoud", "transliteration"),
        ("Oqeirbat", "sy-adm3-oqeirbat", "transliteration"),  # a unit by OCHA's bare name
        ("Munich", "de-munich", "name"),  # English
        ("Jebel Saman District", "sy-adm2-mount-simeon", "name"),
        ("SY050304", "sy-adm3-oqeirbat", "P-code"),
        ("sy02", "sy-gov-aleppo", "P-code"),
    ],
)
def test_search_finds(gazetteer, query, place_id, how):
    found = search(gazetteer, query)
    assert found and found[0]["id"] == place_id and found[0]["match"] == how, found[:2]


def test_transliterations_of_one_name_meet():
    assert latin_key("Al-Kallaseh") == latin_key("kallase") == latin_key("Kalasa")
    assert latin_key("Bab al-Nasr") == latin_key("bab el nasr")
    assert latin_key("Aleppo") != latin_key("Idlib")


def test_did_you_mean_offers_the_nearest_names(gazetteer):
    assert search(gazetteer, "الكلاصة") == []
    assert did_you_mean(gazetteer, "الكلاصة")[0].id == "sy-aleppo-kallaseh"
    assert did_you_mean(gazetteer, "Kalasseh Quarter")[0].id == "sy-aleppo-kallaseh"


def test_search_command_says_how_it_found_and_what_was_meant():
    result = run_geo("--no-world", "gazetteer", "search", "حي الشيخ مقصود", "--json")
    assert result.returncode == 0, result.stderr
    item = json.loads(result.stdout)[0]
    assert item["id"] == "sy-aleppo-sheikh-maqsoud" and item["match"] == "type word"
    assert item["admin"]["admin3_pcode"] == "SY020000"
    assert "without its place-type word" in result.stderr
    missed = run_geo("--no-world", "gazetteer", "search", "الكلاصة")
    assert missed.returncode == 1 and missed.stdout == ""
    assert "did you mean" in missed.stderr and "sy-aleppo-kallaseh" in missed.stderr


ADD = ["--no-world", "gazetteer", "add", "--name-ar", "حي التجربة", "--name-en", "Test Quarter",
       "--feature", "neighbourhood"]


def test_add_suggests_ids_for_an_unknown_parent(tmp_path):
    result = run_geo(*ADD, "--at", "36.2, 37.15", "--parent", "sy-alepo", "--file", str(tmp_path / "m.csv"))
    assert result.returncode == 1 and "did you mean sy-aleppo" in result.stderr
    assert not (tmp_path / "m.csv").exists()


def test_add_says_when_lat_and_lon_look_swapped(tmp_path):
    result = run_geo(*ADD, "--at", "37.15, 36.2", "--parent", "sy-aleppo", "--file", str(tmp_path / "m.csv"))
    assert result.returncode == 1 and "lat and lon swapped" in result.stderr and "(36.2, 37.15)" in result.stderr


def test_add_refuses_a_neighbourhood_directly_under_a_governorate(tmp_path):
    result = run_geo(*ADD, "--at", "36.2, 37.15", "--parent", "sy-gov-aleppo", "--file", str(tmp_path / "m.csv"))
    assert result.returncode == 1
    assert "belongs under its city or town" in result.stderr and "--parent sy-aleppo" in result.stderr
    assert not (tmp_path / "m.csv").exists()
