"""Resolution: which entry a name means, how sure, how precise, and why."""

import pytest

from geo.gazetteer import Gazetteer
from geo.model import Entry
from geo.pipeline import Geoparser


def only(geoparser, text, surface):
    found = [m for m in geoparser.extract(text) if m.surface == surface]
    assert len(found) == 1, [(m.surface, m.place_id) for m in geoparser.extract(text)]
    return found[0]


def test_a_unique_name_is_sure(geoparser):
    mention = only(geoparser, "قصف على حلب", "حلب")
    assert mention.reason == "unique" and mention.confidence >= 0.9 and mention.precision == 1


def test_a_trigger_word_confirms_and_raises_confidence(geoparser):
    mention = only(geoparser, "قصف حي الكلاسة", "الكلاسة")
    assert mention.reason.startswith("unique, trigger") and mention.confidence > 0.95


def test_precision_follows_acled(geoparser):
    assert only(geoparser, "قصف في سوريا", "سوريا").precision == 3
    assert only(geoparser, "قصف في ريف حلب الجنوبي", "ريف حلب الجنوبي").precision == 2
    assert only(geoparser, "غارات قرب منبج", "منبج").precision == 2
    assert only(geoparser, "غارات على منبج", "منبج").precision == 1
    assert only(geoparser, "مؤتمر في الشرق الأوسط", "الشرق الأوسط").precision == 3


def test_country_before_city_of_the_same_name_without_context(geoparser):
    assert only(geoparser, "وصل الوزير إلى الكويت", "الكويت").place_id == "kw"


def test_document_context_picks_the_sibling(geoparser):
    # طرابلس is in Libya and in Lebanon: the document names Lebanon's capital.
    text = "وصل الوفد إلى بيروت ثم توجه إلى طرابلس"
    assert only(geoparser, text, "طرابلس").place_id.startswith("lb-")
    text = "التقى الوزير في بنغازي قبل أن يزور طرابلس"
    assert only(geoparser, text, "طرابلس").place_id.startswith("ly-")


def test_without_context_a_national_capital_comes_before_a_namesake(geoparser):
    # Neither curated Tripoli has a population: the capital flag settles it, not the id order.
    mention = only(geoparser, "زار المبعوث الأممي طرابلس", "طرابلس")
    assert (mention.place_id, mention.reason) == ("ly-tripoli", "prior")


@pytest.mark.parametrize(
    ("text", "place_id"),
    [
        ("وصل الوفد إلى طرابلس اللبنانية", "lb-tripoli"),
        ("وصل الوفد إلى طرابلس الليبية", "ly-tripoli"),
        ("انفجار في مرفأ طرابلس اللبناني", "lb-tripoli"),
        ("زار المبعوث العاصمة الليبية طرابلس", "ly-tripoli"),
        ("قرار نقل الطائرات الى مطار عمان الأردني", "jo-amman"),
    ],
)
def test_a_country_adjective_picks_the_namesake_in_that_country(geoparser, text, place_id):
    mention = only(geoparser, text, "طرابلس" if "طرابلس" in text else "عمان")
    assert mention.place_id == place_id and mention.reason.startswith("adjective")


def test_a_country_adjective_after_a_comma_is_not_the_names(geoparser):
    # «في بيروت، اللبنانية ...» would be a list; the comma leaves the name to the other rules.
    assert only(geoparser, "وقعت اشتباكات في طرابلس، اللبنانية منها والسورية", "طرابلس").reason == "prior"


def test_ancestor_in_the_document_picks_the_entry(geoparser):
    mention = only(geoparser, "قصف في الأردن واجتماع في عمان", "عمان")
    assert mention.place_id == "jo-amman" and mention.reason == "context"


def tiny_gazetteer():
    common = {"country": "SY", "source": "test"}
    return Gazetteer(
        [
            Entry("sy", "سوريا", "Syria", "country", 35.0, 38.5, source="test", country="SY"),
            Entry("sy-gov-a", "محافظة ألف", "A Governorate", "admin1", 36.0, 37.0, parent="sy", **common),
            Entry("sy-gov-b", "محافظة باء", "B Governorate", "admin1", 33.0, 36.5, parent="sy", **common),
            Entry("sy-city-a", "مدينة ألف", "A City", "city", 36.0, 37.0, parent="sy-gov-a", **common),
            Entry("sy-a-village", "الضيعة", "Village in A", "village", 36.1, 37.1, parent="sy-gov-a",
                  population=900, **common),
            Entry("sy-b-village", "الضيعة", "Village in B", "village", 33.1, 36.6, parent="sy-gov-b",
                  population=1000, **common),
        ]
    )


def test_explicit_container_in_the_phrase_decides():
    parser = Geoparser(tiny_gazetteer())
    [village, _] = parser.extract("قصف قرية الضيعة بمحافظة ألف")
    assert village.place_id == "sy-a-village" and village.reason == "container sy-gov-a"
    [village, _] = parser.extract("قصف قرية الضيعة في محافظة باء")
    assert village.place_id == "sy-b-village"


def test_without_context_population_decides():
    parser = Geoparser(tiny_gazetteer())
    [village] = parser.extract("قصف قرية الضيعة")
    assert village.place_id == "sy-b-village" and village.reason == "prior" and village.confidence <= 0.6


def test_context_elsewhere_in_the_document_decides():
    parser = Geoparser(tiny_gazetteer())
    mentions = parser.extract("اشتباكات في مدينة ألف. وفي اليوم التالي قصف قرية الضيعة")
    assert mentions[-1].place_id == "sy-a-village" and mentions[-1].reason == "context"


def test_every_mention_has_confidence_in_range(geoparser):
    text = "اجتماع في جنيف وقصف على حلب والرقة ودمشق وعمان وطرابلس"
    for mention in geoparser.extract(text):
        assert 0.0 <= mention.confidence <= 1.0
        assert mention.precision in (1, 2, 3)
        assert mention.reason


def test_an_explicit_container_overrules_a_namesake_elsewhere(geoparser):
    """حي الفردوس في مدينة منبج is not Aleppo's al-Ferdous (70 km away), even though that is the only
    الفردوس the gazetteer has: the container named in the phrase wins over a lone namesake, and the
    name is at most placed approximately at Manbij."""
    from geopy.distance import geodesic

    mention = only(geoparser, "قصفت الطائرات حي الفردوس في مدينة منبج", "الفردوس")
    assert mention.place_id != "sy-aleppo-ferdous"
    assert mention.lat is not None and geodesic((mention.lat, mention.lon), (36.528, 37.955)).km < 15


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("قصف بمخيم الهول", "مخيم الهول"),  # the camp is an entry of its own, matched whole
        ("اشتباكات في محيط مخيم الهول", "مخيم الهول"),
        ("دخلت القوات بلدة الهول", "الهول"),  # a place-type word before a name that is also a word
        ("انسحبت الفصائل من مدينة الباب", "الباب"),
    ],
)
def test_a_place_type_word_is_evidence_for_a_name_that_is_also_a_word(geoparser, text, surface):
    """الهول ("the horror") and الباب ("the door") are on the list of names that are also words: a
    place-type word before one (بلدة، مدينة، مخيم) is the evidence that it names a place."""
    mention = only(geoparser, text, surface)
    assert mention.lat is not None and mention.status == "resolved"


def test_a_name_that_is_also_a_word_needs_evidence(geoparser):
    assert [m.surface for m in geoparser.extract("شعر الأهالي بالهول من حجم الدمار")] == []


@pytest.mark.parametrize(
    "text",
    [
        "سيطرت القوات على بلدة الحراك ومعبر نصيب، وفي دير الزور تواصلت المعارك",  # a comma and a new clause
        "قصفت الطائرات حي الفردوس وفي مدينة منبج سقطت قذائف",  # و + في opens the next clause
    ],
)
def test_a_place_in_the_next_clause_is_no_container(geoparser, text):
    assert all(m.status == "resolved" for m in geoparser.extract(text))


# -- Names that are also common words, confirmed by the list or the document they stand in --------


def surfaces(geoparser, text):
    return [m.surface for m in geoparser.extract(text)]


def test_a_plural_place_word_carries_along_its_list(geoparser):
    text = "دمرت الصواريخ أحياء الفردوس والسكري، والمعادي أيضاً، والأنصاري"
    found = {m.surface: m for m in geoparser.extract(text)}
    assert set(found) == {"الفردوس", "السكري", "المعادي", "الأنصاري"}
    assert {m.place_id for m in found.values()} == {
        "sy-aleppo-ferdous", "sy-aleppo-sukkari", "sy-aleppo-maadi", "sy-aleppo-ansari"
    }  # fmt: skip


def test_a_name_coordinated_with_a_confirmed_quarter_of_the_same_city_is_a_place(geoparser):
    found = {m.surface: m for m in geoparser.extract("سقطت القذائف على حي الكلاسة والمرجة صباحاً")}
    assert found["المرجة"].place_id == "sy-aleppo-marjeh" and found["المرجة"].reason == "list"
    # ... in either direction, and across an adverb and a comma.
    assert "الصالحين" in surfaces(geoparser, "أصابت الغارات الصالحين كذلك، وحي بستان القصر")


def test_two_such_names_confirm_each_other_in_a_city_the_document_names(geoparser):
    text = "وفي مدينة حلب استهدف القصف المشهد والصالحين"
    assert surfaces(geoparser, text) == ["حلب", "المشهد", "الصالحين"]
    # Without the city, the same two words are no places.
    assert surfaces(geoparser, "تغير المشهد والصالحين فيه قلة") == []


def test_one_sense_per_document(geoparser):
    text = "قتل مدنيان في قصف على حي الشعار. وكان الشعار قد شهد نزوحاً واسعاً"
    assert [m.reason for m in geoparser.extract(text) if m.surface == "الشعار"] == [
        "unique, trigger حي", "same name"
    ]  # fmt: skip


def test_a_common_word_outside_any_list_is_still_no_place(geoparser):
    assert surfaces(geoparser, "فتح الباب أمام الحلول، والمشهد السياسي معقد") == []


def test_an_appositive_phrase_places_the_name(geoparser):
    mention = only(geoparser, "تتعرض الخالدية، أحد أحياء مدينة حمص، لقصف متواصل", "الخالدية")
    assert mention.place_id == "sy-homs-khalidiyah"
    assert "الراعي" in surfaces(geoparser, "سيطرت الفصائل على الراعي، البلدة الواقعة بريف حلب الشمالي")


# -- Namesakes and homographs -------------------------------------------------------------------------


def test_a_shadda_tells_amman_from_oman(geoparser):
    mention = only(geoparser, "اختُتمت في عمّان أعمال القمة", "عمّان")
    assert mention.place_id == "jo-amman" and mention.reason.startswith("spelling")


def test_a_venue_that_is_a_country_and_its_capital_is_the_city(geoparser):
    assert only(geoparser, "بدأت في الكويت جولة مفاوضات جديدة", "الكويت").place_id == "kw-kuwait-city"
    assert only(geoparser, "وصل أمير الكويت إلى الرياض", "الكويت").place_id == "kw"


def test_a_namesake_near_the_documents_other_places_wins(geoparser):
    # Two places called المنصورة: a town by Raqqa and a village west of Aleppo.
    mention = only(geoparser, "قصفت المدفعية حلب الجديدة، وسقطت قذائف في المنصورة", "المنصورة")
    assert mention.place_id == "sy-mansoura-aleppo" and mention.reason.startswith("near")
    # Listed with a quarter of Aleppo, the village of Aleppo's province is meant too.
    assert only(geoparser, "قصفت المدفعية حلب الجديدة والمنصورة", "المنصورة").place_id == "sy-mansoura-aleppo"


# -- People, teams and adjectives are no places ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "زار الوفد جامع ابن طولون في القاهرة",
        "قال أبو حلب إن الطريق مقطوع",
        "فاز منتخب مصر بالبطولة",
        "عقدت الهيئة اجتماعاتها في العاصمة السعودية",
    ],
)
def test_a_name_after_a_word_of_kinship_a_team_or_a_definite_place_noun_is_not_a_place(geoparser, text):
    found = [m.surface for m in geoparser.extract(text)]
    assert not {"طولون", "حلب", "مصر", "السعودية"} & set(found), found


@pytest.mark.parametrize(
    "text",
    [
        "ونقل مراسل حلب اليوم أن الطرق مغلقة",  # an outlet (attribution, then the outlet's last word)
        "بحسب شبكة دمشق الإخبارية",  # an outlet's head
        "كان لمنصة موسكو رأي آخر",  # an opposition platform
        "تقدم الحرس الجمهوري نحو المدينة",  # an adjective after a definite noun
        "انتقد المجلس الأعلى للثورة القرار",  # the same behind a lam clitic
        "لم تعترض أي من الدول الخمس",  # an adjective after a definite place-type noun
    ],
)
def test_outlets_organisations_and_adjectives_are_no_places(geoparser, text):
    assert [(m.surface, m.place_id) for m in geoparser.extract(text)] == []


def test_a_street_named_after_a_place_is_not_that_place(geoparser):
    (mention,) = [m for m in geoparser.extract("انفجرت سيارة في شارع بغداد وسط المدينة")]
    assert mention.surface == "بغداد" and mention.place_id == "" and mention.feature == "landmark"
    assert mention.lat is None


def test_quarters_of_other_cities_of_the_region_are_known(geoparser):
    # Taiz: every item of a list headed by a plural place word, common words among them.
    text = "قصف الحوثيون أحياء الموشكي والثورة، والروضة كذلك، والجمهوري في تعز"
    found = {m.surface: m.place_id for m in geoparser.extract(text)}
    assert {k: v for k, v in found.items() if k != "تعز"} == {
        "الموشكي": "ye-taiz-mushki", "الثورة": "ye-taiz-thawra",
        "الروضة": "ye-taiz-rawda", "الجمهوري": "ye-taiz-jumhuri",
    }  # fmt: skip
    # Mosul, Tripoli, Deir ez-Zor.
    assert only(geoparser, "تقدمت القوات في حي الزنجيلي غرب الموصل", "الزنجيلي").place_id == "iq-mosul-zanjili"
    assert only(geoparser, "اشتباكات في عين زارة جنوب طرابلس", "عين زارة").place_id == "ly-tripoli-ain-zara"
    assert only(geoparser, "قصف على حي الجورة في دير الزور", "الجورة").place_id == "sy-deir-ez-zor-joura"
