"""Roles: conflict, diplomatic or other, from cues in the clause; metonymy for governments."""

import pytest

from geo.lexicon import Lexicon


def roles(geoparser, text):
    return {m.surface: (m.role, m.cue) for m in geoparser.extract(text)}


@pytest.mark.parametrize(
    ("text", "surface", "role"),
    [
        ("قصف الطيران مدينة حلب", "حلب", "conflict"),
        ("غارات جوية على إدلب", "إدلب", "conflict"),
        ("فرض حصار على مضايا", "مضايا", "conflict"),
        ("اشتباكات عنيفة في درعا", "درعا", "conflict"),
        ("السيطرة على الرقة", "الرقة", "conflict"),
        ("محادثات في جنيف", "جنيف", "diplomatic"),
        ("اجتماع وزاري في لوزان", "لوزان", "diplomatic"),
        ("قمة في الدوحة", "الدوحة", "diplomatic"),
        ("مؤتمر أمني في المنامة", "المنامة", "diplomatic"),
        ("مفاوضات أستانا", "أستانا", "diplomatic"),
        ("عاد الوزير إلى بيته في حمص", "حمص", "other"),
    ],
)
def test_the_nearest_cue_in_the_clause_decides(geoparser, text, surface, role):
    assert roles(geoparser, text)[surface][0] == role


def test_the_cue_field_holds_the_deciding_word(geoparser):
    assert roles(geoparser, "سقطت قذائف على حي الكلاسة")["الكلاسة"] == ("conflict", "قذائف")


def test_a_cue_in_another_clause_does_not_count(geoparser):
    assert roles(geoparser, "استمر القصف. وفي حمص عاد الهدوء")["حمص"][0] == "other"


def test_places_listed_after_one_cue_share_it(geoparser):
    found = roles(geoparser, "استهدف طيران النظام مناطق في حي الكلاسة بمدينة حلب وقرية المنطار بريف حلب الجنوبي")
    assert {found[s][0] for s in ("الكلاسة", "حلب", "المنطار", "ريف حلب الجنوبي")} == {"conflict"}


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        ("تواصل موسكو دعم الرئيس في الحرب", "موسكو"),
        ("لم ينسحبوا كما طلبت دمشق", "دمشق"),
        ("فإن واشنطن ترغب في وقف القصف", "واشنطن"),
        ("وتسعى موسكو وواشنطن إلى اتفاق", "واشنطن"),
        ("قناة موالية لدمشق", "دمشق"),
    ],
)
def test_capitals_standing_for_governments_are_other(geoparser, text, surface):
    mention = next(m for m in geoparser.extract(text) if m.surface == surface)
    assert mention.role == "other" and "metonymy" in mention.reason


@pytest.mark.parametrize(
    ("text", "surface", "role"),
    [
        ("عقد اجتماع في موسكو", "موسكو", "diplomatic"),
        ("اجتماع باريس يدعم المعارضة", "باريس", "diplomatic"),
        ("غارات على دمشق", "دمشق", "conflict"),
        ("ومن المتوقع أن يزور الوزير الخميس باريس", "باريس", "diplomatic"),
    ],
)
def test_capitals_used_as_places_keep_their_role(geoparser, text, surface, role):
    mention = next(m for m in geoparser.extract(text) if m.surface == surface)
    assert mention.role == role


def test_users_extend_cues_without_touching_code(tmp_path, monkeypatch, gazetteer):
    from geo.pipeline import Geoparser

    text = "نظمت وقفة احتجاجية في حمص"
    assert roles(Geoparser(gazetteer), text)["حمص"][0] == "other"
    extra = tmp_path / "cues.csv"
    extra.write_text("role,cue,match\nconflict,احتجاج,prefix\n", encoding="utf-8")
    monkeypatch.setenv("GEO_CUES", str(extra))
    assert roles(Geoparser(gazetteer, Lexicon.load()), text)["حمص"] == ("conflict", "احتجاج")


@pytest.mark.parametrize(
    ("text", "surface"),
    [
        # Imperfect verbs: the cue words carry a tense prefix (ت، ي).
        ("تقصف الطائرات مدينة حماة", "حماة"),
        ("يقصف الجيش بلدة اللطامنة", "اللطامنة"),
        ("القوات العراقية تقصف الموصل", "الموصل"),
        ("تستهدف القوات التركية عفرين", "عفرين"),
        # Casualties and displacement are conflict roles too (issue 3, item 5).
        ("أفاد المرصد بمقتل عشرة مدنيين في دوما", "دوما"),
        ("قتل مدنيون في قرية تقع قرب حماة", "حماة"),
        ("نزح آلاف المدنيين من خان شيخون", "خان شيخون"),
        # Attacks, raids, ambushes, kidnappings, snipers, drones.
        ("هاجم مسلحون نقطة تفتيش قرب مدينة العريش", "العريش"),
        ("اقتحمت قوة عسكرية مدينة أريحا فجرا", "أريحا"),
        ("قتل جنديان في كمين قرب درعا", "درعا"),
        ("اختطف مجهولون كاهنا في بغداد", "بغداد"),
        ("قتل شاب برصاص قناص في حي الوعر", "الوعر"),
        ("استهدفت طائرة مسيرة سيارة في إدلب", "إدلب"),
    ],
)
def test_conflict_cues_in_their_everyday_forms(geoparser, text, surface):
    assert roles(geoparser, text)[surface][0] == "conflict"


@pytest.mark.parametrize(
    ("text", "surface", "role"),
    [
        ("انطلقت في العاصمة الكازاخية أستانا جولة محادثات", "أستانا", "diplomatic"),
        ("زار الرئيس الفرنسي إيمانويل ماكرون بغداد", "بغداد", "diplomatic"),
    ],
)
def test_capitals_named_as_venues_are_not_metonymy(geoparser, text, surface, role):
    mention = next(m for m in geoparser.extract(text) if m.surface == surface)
    assert (mention.role, "metonymy" in mention.reason) == (role, False)


def test_the_subject_of_talks_is_not_their_venue(geoparser):
    """حول سورية: the talks are about Syria, held elsewhere; a diplomatic layer would show Syria as a venue."""
    assert roles(geoparser, "عقب المباحثات الأخيرة حول سورية")["سورية"][0] == "other"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The situation in a place is what a meeting discusses; the meeting is held elsewhere.
        ("عقد مجلس الأمن جلسة طارئة في نيويورك لبحث الوضع في غزة", {"نيويورك": "diplomatic", "غزة": "other"}),
        ("محادثات في جنيف حول الوضع في مدينة حلب", {"جنيف": "diplomatic", "حلب": "other"}),
        ("تناولت المحادثات الأزمة في اليمن", {"اليمن": "other"}),
        # A name coordinated with a topic is a topic too.
        ("المباحثات حول سورية والعراق في أستانا", {"سورية": "other", "العراق": "other", "أستانا": "diplomatic"}),
        # An adjective, not a situation noun, before في: the place is the venue.
        ("اجتماع لبحث الأزمة السورية في جنيف", {"جنيف": "diplomatic"}),
        ("استئناف محادثات السلام في جنيف", {"جنيف": "diplomatic"}),
    ],
)
def test_the_situation_in_a_place_is_a_topic_not_a_venue(geoparser, text, expected):
    assert {surface: role for surface, (role, _cue) in roles(geoparser, text).items()} == expected


def test_being_held_in_a_place_makes_it_the_venue(geoparser):
    found = roles(geoparser, "مؤتمر لإنهاء الحرب في سوريا يعقد في باريس")
    assert found["باريس"] == ("diplomatic", "يعقد") and found["سوريا"][0] == "other"


def test_users_add_country_adjectives_and_a_bad_row_names_its_line(tmp_path, monkeypatch, gazetteer):
    from geo.errors import GeoError
    from geo.pipeline import Geoparser

    extra = tmp_path / "adjectives.csv"
    extra.write_text("country,adjective\nLB,طرابلسي\n", encoding="utf-8")
    monkeypatch.setenv("GEO_ADJECTIVES", str(extra))
    # A made-up adjective for the test: the user's row is what picks the Lebanese Tripoli.
    [mention] = Geoparser(gazetteer, Lexicon.load()).extract("وصل الوفد إلى طرابلس الطرابلسية")
    assert mention.place_id == "lb-tripoli" and mention.reason == "adjective الطرابلسيه"
    extra.write_text("country,adjective\nLB,لبناني\nLebanon,لبناني\n", encoding="utf-8")
    with pytest.raises(GeoError, match=r"adjectives\.csv:3: country 'LEBANON' must be a two-letter code"):
        Lexicon.load()


def test_the_parties_to_talks_are_not_their_venue(geoparser):
    found = roles(geoparser, "محادثات بين روسيا وتركيا في أستانا")
    assert {surface: role for surface, (role, _cue) in found.items()} == {
        "روسيا": "other",
        "تركيا": "other",
        "أستانا": "diplomatic",
    }
    # بين does not undo a conflict cue: shelling between two countries hits both.
    assert {role for role, _cue in roles(geoparser, "قصف متبادل بين إسرائيل ولبنان").values()} == {"conflict"}


@pytest.mark.parametrize(
    "text",
    [
        "افتتحت القنصلية الفرنسية في أربيل",  # قنصلية is no sniping
        "أعلن عن إطلاق سراح المعتقلين في درعا",  # a release, no shooting
    ],
)
def test_words_that_look_like_conflict_cues_are_not(geoparser, text):
    assert all(role != "conflict" for role, _cue in roles(geoparser, text).values())


@pytest.mark.parametrize(
    ("text", "surface", "event"),
    [
        ("شنت الطائرات غارات على سراقب", "سراقب", "air/drone strike"),
        ("ألقت المروحيات براميل متفجرة على داريا", "داريا", "air/drone strike"),
        ("سقطت قذائف الهاون على حي الشعار", "الشعار", "shelling/artillery/missile attack"),
        ("اندلعت اشتباكات عنيفة في درعا", "درعا", "armed clash"),
        ("انفجرت عبوة ناسفة في منبج", "منبج", "remote explosive/landmine/IED"),
        ("فجر انتحاري نفسه في الرقة", "الرقة", "suicide bomb"),
        ("اختطف مسلحون صحفياً في إدلب", "إدلب", "abduction/forced disappearance"),
        ("نزح آلاف المدنيين من خان شيخون", "خان شيخون", "displacement"),
        ("تفرض القوات حصاراً خانقاً على مضايا", "مضايا", "siege"),
        ("دخل وقف إطلاق النار حيز التنفيذ في دوما", "دوما", "agreement"),
        # A cue that says only that people were killed takes the kind of a cue near it that names one.
        ("قتل مدنيان بقذائف مدفعية سقطت على حي الوعر", "الوعر", "shelling/artillery/missile attack"),
        ("أحصى المرصد عشرات القتلى في دوما", "دوما", "casualties"),
    ],
)
def test_a_conflict_mention_says_what_kind_of_event_its_cue_names(geoparser, text, surface, event):
    mention = next(m for m in geoparser.extract(text) if m.surface == surface)
    assert (mention.role, mention.event) == ("conflict", event)


def test_only_conflict_mentions_have_an_event(geoparser):
    mentions = geoparser.extract("قصفت الطائرات حلب. وعقد اجتماع في جنيف. وعاد الوزير إلى بيته في حمص")
    assert {m.surface: (m.role, m.event) for m in mentions} == {
        "حلب": ("conflict", "shelling/artillery/missile attack"),
        "جنيف": ("diplomatic", ""),
        "حمص": ("other", ""),
    }


def test_every_event_of_the_cue_lists_is_in_the_vocabulary_and_acled_ones_are_marked():
    from geo.lexicon import load_events

    events = load_events()
    lexicon = Lexicon.load()
    assert {cue.event for cue in lexicon.cues if cue.event} <= set(events)
    assert all(cue.event or cue.role == "diplomatic" or cue.text in GENERIC_CUES for cue in lexicon.cues)
    assert events["air/drone strike"] == "yes" and events["siege"] == "no"


#: Conflict cues that name harm or a hit but not how: their mentions take a nearby cue's event.
GENERIC_CUES = {"أصاب", "أصابت", "ضربت", "ضرب"}


def test_users_add_cues_with_their_event(tmp_path, monkeypatch, gazetteer):
    from geo.pipeline import Geoparser

    extra = tmp_path / "cues.csv"
    extra.write_text("role,cue,match,reach,event,scope,note\nconflict,نهبت,exact,,looting/property destruction,,\n")
    monkeypatch.setenv("GEO_CUES", str(extra))
    [mention] = Geoparser(gazetteer, Lexicon.load()).extract("وزعم شهود أن عصابة نهبت محلات في حمص")
    assert (mention.role, mention.cue, mention.event) == ("conflict", "نهبت", "looting/property destruction")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("conflict,قصفوا,exact,,airstrike,,", r"cues\.csv:2: unknown event 'airstrike'"),
        ("diplomatic,تفاوضوا,exact,,armed clash,,", r"cues\.csv:2: only a conflict cue names an event"),
        ("conflict,قصفوا,exact,,,sideways,", r"cues\.csv:2: scope 'sideways' must be empty, next or after"),
        ("conflict,قصفوا,fuzzy,,,,", r"cues\.csv:2: match 'fuzzy' must be prefix, exact, word or phrase"),
    ],
)
def test_a_bad_cue_row_names_its_file_and_line(tmp_path, monkeypatch, row, message):
    from geo.errors import GeoError

    extra = tmp_path / "cues.csv"
    extra.write_text("role,cue,match,reach,event,scope,note\n" + row + "\n", encoding="utf-8")
    monkeypatch.setenv("GEO_CUES", str(extra))
    with pytest.raises(GeoError, match=message):
        Lexicon.load()


def test_a_bad_context_row_names_its_file_and_line(tmp_path, monkeypatch):
    from geo.errors import GeoError

    extra = tmp_path / "context.csv"
    extra.write_text("kind,word,features,note\nlist,كذلك,,\nsideways,هناك,,\n", encoding="utf-8")
    monkeypatch.setenv("GEO_CONTEXT_WORDS", str(extra))
    with pytest.raises(GeoError, match=r"context\.csv:3: kind 'sideways' must be trigger, locative, .*, refuge"):
        Lexicon.load()


def test_users_add_context_words_of_the_new_kinds(tmp_path, monkeypatch, gazetteer):
    """A user's refuge word makes the place after it a refuge of the displaced, not a conflict location."""
    from geo.pipeline import Geoparser

    text = "نزح آلاف المدنيين من سراقب ونزلوا ضيوفاً في أطمة"
    assert {m.surface: m.role for m in Geoparser(gazetteer).extract(text)}["أطمة"] == "conflict"
    extra = tmp_path / "context.csv"
    extra.write_text("kind,word,features,note\nrefuge,ضيوفا,,guests (of)\n", encoding="utf-8")
    monkeypatch.setenv("GEO_CONTEXT_WORDS", str(extra))
    found = {m.surface: m.role for m in Geoparser(gazetteer, Lexicon.load()).extract(text)}
    assert (found["سراقب"], found["أطمة"]) == ("conflict", "other")
