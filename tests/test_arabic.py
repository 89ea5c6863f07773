"""Normalisation folds spellings for matching and always maps back to the exact source span."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.arabic import fold, is_arabic_name, name_key, normalise


def test_alef_forms_hamza_carriers_teh_marbuta_and_alef_maqsura_fold():
    assert fold("أإآٱ") == "اااا"
    assert fold("مؤتمر") == "موتمر"
    assert fold("رئيس") == "رييس"
    assert fold("سورية") == "سوريه"
    assert fold("مستشفى") == "مستشفي"


def test_diacritics_tatweel_and_invisible_controls_are_dropped():
    assert fold("حَلَبُ") == "حلب"
    assert fold("حـــلب") == "حلب"
    assert fold("ح\u200cل\u200fب\u202b") == "حلب"


def test_arabic_indic_digits_and_latin_case():
    assert fold("١٢٣ ۴۵") == "123 45"
    assert fold("Munich GERMANY") == "munich germany"


def test_presentation_forms_decompose():
    assert fold("ﻻ") == "لا"


def test_offsets_map_back_to_the_source_span():
    text = "قصفٌ على حَلَبَ اليوم"
    norm = normalise(text)
    start = norm.text.index("حلب")
    source_start, source_end = norm.span(start, start + 3)
    # Diacritics on the last letter belong to the word.
    assert text[source_start:source_end] == "حَلَبَ"


def test_offsets_identity_when_nothing_moves():
    norm = normalise("حلب ودمشق")
    assert norm.offsets is None
    assert norm.span(0, 3) == (0, 3)


def test_name_key_collapses_spaces_and_punctuation():
    assert name_key("  الولايات   المتحدة ") == "الولايات المتحده"
    assert name_key("Munich,") == "munich"


def test_is_arabic_name():
    assert is_arabic_name("الكلاسة")
    assert not is_arabic_name("Kallaseh")
    assert is_arabic_name("مشروع 3000 شقة")  # a number is part of some names
    assert not is_arabic_name("3000")
    assert not is_arabic_name("حي Kallaseh")
    assert not is_arabic_name("")


@given(st.text(alphabet=st.sampled_from(list("حلبأإآةىَُِّـ\u200c\u200f ab١ﻻ.،")), max_size=60))
def test_every_folded_character_points_into_the_source(text):
    norm = normalise(text)
    if norm.offsets is not None:
        assert len(norm.offsets) == len(norm.text)
        assert list(norm.offsets) == sorted(norm.offsets)
        assert all(0 <= o < len(text) for o in norm.offsets)
    else:
        assert len(norm.text) == len(text)


@given(st.text(max_size=80) | st.text(alphabet=st.sampled_from(list("حلبأإآةىَـ\u200c\u202bﻻ.،_ab1😀")), max_size=80))
def test_fast_folding_agrees_with_the_reference_table(text):
    from geo.arabic import word_boundaries

    norm = normalise(text)
    assert norm.text == fold(text)
    import re

    assert word_boundaries(norm.text) == re.sub(r"[\W_]", " ", norm.text).translate(
        {ord(c): " " for c in norm.text if ord(c) > 0xFFFF}
    )


@pytest.mark.parametrize(
    "text",
    [
        "\ud800\udc00 حلب",  # two lone surrogates that UTF-16 would join into one character
        "حلب \U0001f600 ودمشق",  # beyond the BMP
        "ﻻ حلب",  # a ligature that folds to two letters
        "حَلَبُ\u200f",
    ],
)
def test_every_path_keeps_one_folded_character_per_source_index(text):
    norm = normalise(text, boundaries=True)
    assert len(norm.boundaries) == len(norm.text)
    offsets = range(len(norm.text)) if norm.offsets is None else norm.offsets
    assert len(offsets) == len(norm.text)
    assert all(0 <= int(o) < len(text) for o in offsets)
    assert "حلب" in norm.text
