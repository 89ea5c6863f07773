"""Counts in words, Arabic and English: "مقال واحد، مقالان، 3 مقالات، 11 مقالاً، 100 مقال".

Arabic chooses the form of a counted noun by the number (CLDR's plural categories for ``ar``): one,
two, few (3-10 after the hundreds), many (11-99 after the hundreds), and other (0, 100, 101 ...),
where the noun after a round hundred is singular. The nouns are data in :data:`NOUNS`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Noun:
    """The forms of a counted noun: Arabic ``one`` and ``two`` are whole phrases (no digit)."""

    one: str
    two: str
    few: str
    many: str
    other: str
    english: str
    english_plural: str


NOUNS = {
    "article": Noun("مقال واحد", "مقالان", "مقالات", "مقالاً", "مقال", "article", "articles"),
    "place": Noun("مكان واحد", "مكانان", "أماكن", "مكانًا", "مكان", "place", "places"),
    "mention": Noun("إشارة واحدة", "إشارتان", "إشارات", "إشارة", "إشارة", "mention", "mentions"),
    "source": Noun("مصدر واحد", "مصدران", "مصادر", "مصدرًا", "مصدر", "source", "sources"),
}


def arabic_category(n: int) -> str:
    """CLDR plural category of ``n`` in Arabic."""
    if n == 0:
        return "zero"
    if n == 1:
        return "one"
    if n == 2:
        return "two"
    if 3 <= n % 100 <= 10:
        return "few"
    if 11 <= n % 100 <= 99:
        return "many"
    return "other"


def count_ar(n: int, noun: str) -> str:
    """``n`` with its noun in the right Arabic form (zero reads like a round hundred: "0 مقال")."""
    forms = NOUNS[noun]
    category = arabic_category(n)
    if category == "one":
        return forms.one
    if category == "two":
        return forms.two
    word = {"few": forms.few, "many": forms.many}.get(category, forms.other)
    return f"{n} {word}"


def count_en(n: int, noun: str) -> str:
    forms = NOUNS[noun]
    return f"{n} {forms.english if n == 1 else forms.english_plural}"
