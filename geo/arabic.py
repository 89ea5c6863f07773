"""Arabic normalisation for matching, with a map back to the original offsets.

Matching needs one spelling per word: hamza and alef forms folded, teh marbuta and alef maqsura folded,
diacritics, tatweel and invisible controls dropped. Reporting needs the opposite: the exact span of the
source text. :func:`normalise` gives both: the folded text and, for every folded character, the index of
the original character it came from.

The character maps are data (the dicts below), in the manner of CAMeL Tools' ``normalize`` module; each
maps one source character to zero, one or more output characters.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass

import numpy as np

#: Characters removed outright: harakat, Quranic marks, superscript alef, tatweel.
DIACRITICS = "".join(
    [chr(c) for c in range(0x0610, 0x061B)]
    + [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670"]
    + [chr(c) for c in range(0x06D6, 0x06DD)]
    + [chr(c) for c in range(0x06DF, 0x06E9)]
    + [chr(c) for c in range(0x06EA, 0x06EE)]
)
TATWEEL = "\u0640"
#: Zero-width, bidi and other invisible format characters: they split no words and carry no letters.
INVISIBLE = (
    "\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)

#: One character to one character: alef forms, hamza carriers, teh marbuta, alef maqsura, Persian and
#: Urdu letter forms that turn up in Arabic web text, and Arabic-Indic digits.
LETTER_FOLDS = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ؤ": "و",
    "ئ": "ي",
    "ى": "ي",
    "ی": "ي",
    "ې": "ي",
    "ۍ": "ي",
    "ة": "ه",
    "ۀ": "ه",
    "ہ": "ه",
    "ھ": "ه",
    "ک": "ك",
    "ڪ": "ك",
}
DIGIT_FOLDS = {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}


def _latin_case_folds() -> dict[str, str]:
    """Latin capitals that lower-case to a single character (so offsets stay one to one)."""
    folds = {}
    for code in range(0x41, 0x250):
        char = chr(code)
        lower = char.lower()
        if lower != char and len(lower) == 1:
            folds[char] = lower
    return folds


def _presentation_forms() -> dict[str, str]:
    """Arabic presentation forms (legacy encodings, PDFs) decomposed to base letters, folded again."""
    folds = {}
    for start, end in ((0xFB50, 0xFDFF), (0xFE70, 0xFEFF)):
        for code in range(start, end):
            char = chr(code)
            decomposed = unicodedata.normalize("NFKC", char)
            if decomposed != char and decomposed.strip():
                folded = "".join(LETTER_FOLDS.get(c, c) for c in decomposed if c not in DIACRITICS and c != TATWEEL)
                folds[char] = folded
    return folds


def _build_table() -> dict[int, str]:
    mapping: dict[str, str] = {}
    mapping.update(_presentation_forms())
    mapping.update(_latin_case_folds())
    mapping.update(LETTER_FOLDS)
    mapping.update(DIGIT_FOLDS)
    for char in DIACRITICS + TATWEEL + INVISIBLE:
        mapping[char] = ""
    return {ord(k): v for k, v in mapping.items()}


_TABLE = _build_table()
#: Characters whose replacement is not exactly one character: only these move offsets.
_RESIZING = re.compile("[" + "".join(re.escape(chr(k)) for k, v in sorted(_TABLE.items()) if len(v) != 1) + "]")
#: Marks that stay with the letter before them: a span that ends at a letter takes those after it.
TRAILING_MARKS = frozenset(DIACRITICS + TATWEEL)


@dataclass(frozen=True, slots=True)
class Normalised:
    """Folded text plus, for each of its characters, the index of the source character.

    ``offsets`` is ``None`` when folding kept every character in place (the common case for
    undiacritised news text), which saves building a list as long as the text.
    """

    source: str
    text: str
    offsets: array | np.ndarray | None
    #: :func:`word_boundaries` of ``text`` when :func:`normalise` was asked for it (the recogniser
    #: needs both, and making both from one array of code points saves a pass over the text).
    boundaries: str | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the folded text to the source text.

        Diacritics and tatweel that follow the last letter belong to the word, so they are kept inside
        the span; invisible controls and anything else after it are not.
        """
        if self.offsets is None:
            src_start, src_end = start, end
        else:
            src_start = int(self.offsets[start])
            src_end = int(self.offsets[end - 1]) + 1
        source = self.source
        while src_end < len(source) and source[src_end] in TRAILING_MARKS:
            src_end += 1
        return src_start, src_end


    def spans(self, starts: list[int], ends: list[int]) -> list[tuple[int, int]]:
        """:meth:`span` of many spans at once (one look-up in the offsets for all of them)."""
        if self.offsets is None:
            return [self.span(start, end) for start, end in zip(starts, ends, strict=True)]
        offsets = self.offsets
        if isinstance(offsets, np.ndarray):
            firsts = offsets.take(starts).tolist()
            lasts = offsets.take(np.subtract(ends, 1)).tolist()
        else:
            firsts = [offsets[start] for start in starts]
            lasts = [offsets[end - 1] for end in ends]
        source = self.source
        length = len(source)
        marks = TRAILING_MARKS
        found = []
        for src_start, src_end in zip(firsts, lasts, strict=True):
            src_end += 1
            while src_end < length and source[src_end] in marks:
                src_end += 1
            found.append((src_start, src_end))
        return found


def fold(text: str) -> str:
    """The folded form of ``text`` without offsets: what names and cue words are compared in."""
    return text.translate(_TABLE)


def _lookup_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per Basic Multilingual Plane code point: folded code; what folding does to it (0 keeps one
    character, 1 drops it, 2 makes several characters of it); word character?"""
    fold_to = np.arange(0x10000, dtype=np.uint32)
    effect = np.zeros(0x10000, dtype=np.uint8)
    for code, replacement in _TABLE.items():
        if code >= 0x10000:
            continue
        if replacement == "":
            effect[code] = _DROPPED
        elif len(replacement) == 1:
            fold_to[code] = ord(replacement)
        else:
            effect[code] = _RESIZED
    word = np.fromiter((chr(c).isalnum() for c in range(0x10000)), dtype=bool, count=0x10000)
    return fold_to, effect, word


_DROPPED, _RESIZED = 1, 2
_FOLD_TO, _EFFECT, _WORD = _lookup_tables()
#: The same folding as UTF-16 units, and folding with every non-word character made a space.
_FOLD_16 = _FOLD_TO.astype(np.uint16)
_SCAN_16 = np.where(_WORD[_FOLD_TO], _FOLD_TO, 32).astype(np.uint16)


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _text(codes: np.ndarray) -> str:
    return codes.astype(np.uint32, copy=False).tobytes().decode("utf-32-le", "surrogatepass")


def _boundaries(codes: np.ndarray, in_bmp: bool) -> str:
    if in_bmp:
        return _text(np.where(_WORD[codes], codes, 32))
    bmp = codes < 0x10000
    return _text(np.where(_WORD[np.where(bmp, codes, 0)] & bmp, codes, 32))


def normalise(text: str, *, boundaries: bool = False) -> Normalised:
    """Fold ``text`` for matching and keep a map back to the original character offsets; with
    ``boundaries``, also give :func:`word_boundaries` of the folded text.

    The common path folds with lookup tables over the code points (NumPy), several times faster
    than ``str.translate`` with a dict; text holding characters that fold to several characters
    (ligature presentation forms) takes the character-by-character path.
    """
    if not text:
        return Normalised(text, "", None, "" if boundaries else None)
    units = _bmp_units(text)
    if units is not None:
        folded = _fold_bmp(text, units, boundaries)
        if folded is not None:
            return folded
    return _normalise_wide(text, boundaries)


def _bmp_units(text: str) -> np.ndarray | None:
    """The code points of ``text`` as indices, when every one is in the Basic Multilingual Plane
    (UTF-16 then has one unit a character: half the bytes of UTF-32, and decoding it back is
    several times faster); else ``None``."""
    raw = text.encode("utf-16-le", "surrogatepass")
    if len(raw) != 2 * len(text):
        return None
    return np.frombuffer(raw, dtype=np.uint16).astype(np.intp)


def _from_units(units: np.ndarray, length: int) -> str | None:
    """Text from UTF-16 units, or ``None`` if two lone surrogates of the source joined into one
    character on the way (the caller then takes the UTF-32 path, which keeps them apart)."""
    text = units.tobytes().decode("utf-16-le", "surrogatepass")
    return text if len(text) == length else None


def _fold_bmp(text: str, units: np.ndarray, boundaries: bool) -> Normalised | None:
    effect = _EFFECT.take(units)
    offsets = None
    # One pass for both questions (anything dropped? anything resized?): _RESIZED is the largest.
    top = effect.max()
    if top:
        if top == _RESIZED:
            return None
        keep = effect == 0
        # ``.nonzero()[0]``, not np.flatnonzero: the same for a flat array, without its wrapper's cost.
        offsets = keep.nonzero()[0]
        units = units[keep]
    folded = _from_units(_FOLD_16.take(units), len(units))
    if folded is None:
        return None
    scan = _from_units(_SCAN_16.take(units), len(units)) if boundaries else None
    if boundaries and scan is None:
        return None
    return Normalised(text, folded, offsets, scan)


def _normalise_wide(text: str, boundaries: bool) -> Normalised:
    """:func:`normalise` for text with characters beyond the BMP (emoji ...), or with ligatures."""
    codes = _codes(text)
    in_bmp = int(codes.max()) < 0x10000
    index = codes if in_bmp else np.where(codes < 0x10000, codes, 0)
    effect = _EFFECT[index]
    if not in_bmp:
        effect[codes >= 0x10000] = 0  # characters beyond the BMP (emoji ...) are kept as they are
    offsets = None
    if effect.any():
        if (effect == _RESIZED).any():
            norm = _normalise_slowly(text)
            if boundaries:
                return Normalised(norm.source, norm.text, norm.offsets, word_boundaries(norm.text))
            return norm
        keep = effect == 0
        offsets = np.flatnonzero(keep)
        codes, index = codes[keep], index[keep]
    folded = _FOLD_TO[index] if in_bmp else np.where(codes < 0x10000, _FOLD_TO[index], codes)
    return Normalised(text, _text(folded), offsets, _boundaries(folded, in_bmp) if boundaries else None)


def _normalise_slowly(text: str) -> Normalised:
    folded = text.translate(_TABLE)
    offsets = array("l")
    position = 0
    for match in _RESIZING.finditer(text):
        index = match.start()
        offsets.extend(range(position, index))
        offsets.extend([index] * len(_TABLE[ord(text[index])]))
        position = index + 1
    offsets.extend(range(position, len(text)))
    return Normalised(text, folded, offsets)


def char_table(chars: str) -> np.ndarray:
    """A lookup table for :func:`positions_of`: True at the code point of each of ``chars``."""
    table = np.zeros(0x10000, dtype=bool)
    for char in chars:
        table[ord(char)] = True
    return table


def positions_of(text: str, table: np.ndarray) -> np.ndarray:
    """Offsets of the characters of ``text`` that ``table`` (from :func:`char_table`) marks.

    A table look-up per code point in NumPy: several times faster than a regular expression's
    ``finditer``, which builds a match object for every comma and full stop of an article.
    """
    if not text:
        return np.zeros(0, dtype=np.intp)
    units = _bmp_units(text)
    if units is not None:
        return table.take(units).nonzero()[0]
    return table[np.minimum(_codes(text), 0xFFFF)].nonzero()[0]


def word_boundaries(folded: str) -> str:
    """Replace every character that cannot be part of a word by a space, keeping the length.

    The scanner then finds names only where a space follows them, which is how a match on a word
    boundary is enforced inside the Aho-Corasick automaton rather than checked afterwards.
    Characters outside the Basic Multilingual Plane (emoji ...) count as separators.
    """
    if not folded:
        return folded
    if len(folded) < _SHORT:
        # A name or a word: NumPy's set-up would cost more than the work.
        return "".join([char if char.isalnum() and char <= "\uffff" else " " for char in folded])
    codes = _codes(folded)
    return _boundaries(codes, int(codes.max()) < 0x10000)


#: Below this many characters, character by character in Python beats NumPy's per-call cost.
_SHORT = 48


def is_arabic_name(text: str) -> bool:
    """True when ``text`` has Arabic letters and no Latin letters (a valid ``name_ar``). Digits may
    stand beside the letters: some names hold a number (مشروع 3000 شقة، الراشدين 4، المزة 86)."""
    has_arabic = False
    for char in text:
        if "\u0621" <= char <= "\u064a" or "\u0671" <= char <= "\u06d3" or "\ufb50" <= char <= "\ufeff":
            has_arabic = True
        elif char.isascii() and char.isalpha():
            return False
    return has_arabic


def is_arabic_language_name(text: str) -> bool:
    """Arabic letters of the Arabic language only (no Persian, Urdu or Uyghur letters such as گ ژ ڭ):
    GeoNames lists names in all those scripts, and only Arabic ones match Arabic news."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all("\u0621" <= c <= "\u064a" or c == "\u0671" for c in letters)


SHADDA = "\u0651"


def shadda_key(text: str) -> str:
    """``text`` folded with only its shadda marks kept: the one mark that tells namesakes apart in
    news text (عمّان Amman, عمان Oman)."""
    return fold(text.replace(SHADDA, "\x02")).replace("\x02", SHADDA)


def name_key(name: str) -> str:
    """The key under which a name is indexed and compared: folded, spaces collapsed."""
    return " ".join(word_boundaries(fold(name)).split())
