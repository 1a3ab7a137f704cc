"""Places and vocabularies from extract/data, loaded once.

Provinces (the 63 before the 2025 merger and the 34 after it) and districts come from
:mod:`extract.places` (the package ``vietnamadminunits``); name heuristics from
``names.yml``. Place names are matched on the folded text
(:func:`extract.text.fold_keep_length`), so "Hoà Bình" and "Hòa Bình" are one place.
Phrase vocabularies (titles and party posts) run as a spaCy PhraseMatcher over the
article's Doc (:func:`find_phrases`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from . import places
from ._data import load
from .places import Province
from .normalize import fold


def provinces() -> dict[str, Province]:
    """Provinces before and after the 2025 merger, by name (:mod:`extract.places`)."""
    return places.provinces()


def _folded_pattern(name: str) -> str:
    """A folded name as a regex: any run of spaces, any dash between parts."""
    parts = re.split(r"\s*[-–—]\s*", fold(name))
    return r"\s*[-–—]\s*".join(r"\s+".join(map(re.escape, p.split())) for p in parts)


@lru_cache(maxsize=1)
def _province_index() -> tuple[re.Pattern, dict[str, str]]:
    by_key: dict[str, str] = {_key(name): name for name in provinces()}
    for alias, name in places.province_aliases().items():
        by_key.setdefault(_key(alias), name)
    alts = sorted({_folded_pattern(a) for a in list(provinces()) + list(places.province_aliases())},
                  key=len, reverse=True)
    return re.compile(r"(?:" + "|".join(alts) + r")(?![\w])"), by_key


def _key(name: str) -> str:
    return " ".join(re.split(r"[\s\-–—]+", fold(name))).strip()


def match_province(folded: str, pos: int) -> Optional[tuple[str, int]]:
    """A province name starting exactly at ``pos`` of the folded text: (canonical, end)."""
    rx, by_key = _province_index()
    m = rx.match(folded, pos)
    if not m:
        return None
    return by_key.get(_key(m.group())), m.end()


def is_central_city(name: str) -> bool:
    p = provinces().get(name)
    return bool(p and p.kind == "thành phố")


def district_kind(name: str) -> Optional[str]:
    """"thành phố", "thị xã", "huyện" or "quận" for a district's name, None if unknown or ambiguous."""
    return places.districts().get(_key(name))


@lru_cache(maxsize=1)
def name_words() -> dict:
    d = load("names.yml")
    return {
        "surnames": {fold(s) for s in d["surnames"]},
        "not_name_start": set(d["not_name_start"]),
        "not_place_start": set(d["not_place_start"]),
        "not_officials": {fold(s) for s in d.get("not_officials", [])},
        "name_syllables": set(d.get("name_syllables", [])),
    }


# A capitalised syllable: "Nguyễn", "Đồng", "Xoài" (letters only, first one upper case).
_SYLL = re.compile(r"[^\W\d_]+")


def capitalised_run(text: str, pos: int, max_words: int = 4, kind: str = "place") -> Optional[tuple[str, int]]:
    """The run of capitalised words starting at ``pos`` ("Bắc Trà My"), or None.

    Words are separated by one space (or " - " in "Phan Rang - Tháp Chàm"). A place name
    stops before a family name followed by two more capitals ("Lâm Thao Nguyễn Văn A").
    """
    words = name_words()
    stop = words["not_place_start"] if kind == "place" else words["not_name_start"]
    out: list[tuple[int, int]] = []
    p = pos
    while len(out) < max_words:
        m = _SYLL.match(text, p)
        if not m or not m.group()[0].isupper():
            break
        w = m.group()
        if not out and (w in stop or any(text.startswith(s, p) for s in stop if " " in s)):
            return None
        if kind == "place" and len(out) >= 2 and fold(w) in words["surnames"]:
            rest = re.match(r"(?:\s[^\W\d_]+){1,2}", text[m.end():m.end() + 20])
            if rest and all(x[0].isupper() for x in rest.group().split()):
                break
        out.append((m.start(), m.end()))
        sep = re.match(r" (?=\S)| - (?=\S)", text[m.end():m.end() + 3])
        if not sep:
            break
        p = m.end() + sep.end()
    if not out:
        return None
    end = out[-1][1]
    return text[pos:end], end


# --------------------------------------------------------------------------- spaCy phrase gazetteers
# Phrase vocabularies run as one PhraseMatcher (attr NORM: accent- and case-folded) over the
# document-level spaCy Doc (:attr:`extract.text.Document.spacy_doc`), once per article:
# TITLE = positions and PARTY = party posts of ``titles.yml``. Spans carry the evidence
# offsets (``start_char``/``end_char`` into ``doc.text``).
#
# Kept as regular expressions, and why:
# - award heads (``awards.yml``): matched on the text as written, case-sensitive after the
#   first letter and accent-sensitive on purpose ("cờ thi đua" is an award, "có thi đua"
#   is not; folded they are one key), several with open tails ("Kỷ niệm chương “Vì sự
#   nghiệp ...”"); a folded PhraseMatcher would add false heads.
# - provinces: names are matched at a given position after a level word ("tỉnh", "TP") and
#   may be written with a dash and any spacing ("Phan Rang - Tháp Chàm"); one anchored
#   regex match is cheaper than a lookup and keeps those spellings.
# - bodies (``bodies.yml``): regular expressions with look-behinds and case rules
#   ("(?<=trưởng )ban"), not phrases.
# - ranks ("Trung tướng"): matched case-sensitively on the text as written, with "đồng chí".
_PHRASE_LABELS = ("TITLE", "PARTY")


@lru_cache(maxsize=1)
def _phrase_matcher():
    from .nlp import phrase_matcher

    d = load("titles.yml")
    return phrase_matcher({"TITLE": [p["title"] for p in d["positions"]], "PARTY": d["party_posts"]})


def phrase_key(text: str) -> str:
    """The key of a phrase as the matcher sees it: folded words, one space between."""
    from .normalize import fold_keep_length
    return " ".join(fold_keep_length(text).split())


class PhraseHits:
    """The spans of one label in a document, with the lookups a regex scan used to give.

    ``at(pos)``: the longest span starting exactly at ``pos`` (a regex ``match``);
    ``scan(a, b)``: leftmost-longest spans that do not overlap, starting in [a, b) (a regex
    ``finditer`` over an alternation ordered longest first).
    """

    def __init__(self, spans: list):
        import bisect

        self._bisect = bisect.bisect_left
        self.by_start: dict[int, object] = {}
        for sp in spans:
            old = self.by_start.get(sp.start_char)
            if old is None or sp.end_char > old.end_char:
                self.by_start[sp.start_char] = sp
        self.greedy: list = []
        last = -1
        for start in sorted(self.by_start):
            if start >= last:
                sp = self.by_start[start]
                self.greedy.append(sp)
                last = sp.end_char
        self.starts = [sp.start_char for sp in self.greedy]

    def at(self, pos: int):
        return self.by_start.get(pos)

    def scan(self, a: int, b: int) -> list:
        return self.greedy[self._bisect(self.starts, a):self._bisect(self.starts, b)]

    def any(self, a: int, b: int) -> bool:
        i = self._bisect(self.starts, a)
        return i < len(self.starts) and self.starts[i] < b


@dataclass(frozen=True)
class Phrases:
    """The phrase vocabularies found in one article: positions and party posts."""

    titles: PhraseHits
    party: PhraseHits


def find_phrases(doc) -> Phrases:
    """One PhraseMatcher pass over the article's Doc (a :class:`~extract.text.Document`)."""
    spans: dict[str, list] = {k: [] for k in _PHRASE_LABELS}
    for sp in _phrase_matcher()(doc.spacy_doc, as_spans=True):
        spans[sp.label_].append(sp)
    return Phrases(PhraseHits(spans["TITLE"]), PhraseHits(spans["PARTY"]))


# --------------------------------------------------------------------------- names of bodies as data
# Vietnamese writes one vowel cluster with its tone mark on either letter ("Hòa"/"Hoà",
# "Thủy"/"Thuỷ"); a name in extract/data is written once and matched in both spellings.
_TONE_PAIRS = {}
for _plain, _marks in (("a", "àáảãạ"), ("e", "èéẻẽẹ"), ("y", "ỳýỷỹỵ")):
    for _i, _mark in enumerate(_marks):
        _head = "oòóỏõọ"[_i + 1] if _plain in "ae" else "uùúủũụ"[_i + 1]
        _lead = "o" if _plain in "ae" else "u"
        # "òa" <-> "oà", "ủy" <-> "uỷ"
        _TONE_PAIRS[_head + _plain] = f"(?:{_head}{_plain}|{_lead}{_mark})"
        _TONE_PAIRS[_lead + _mark] = f"(?:{_head}{_plain}|{_lead}{_mark})"


def _word_pattern(word: str, first: bool) -> str:
    out, i = [], 0
    while i < len(word):
        pair = word[i:i + 2].lower()
        if pair in _TONE_PAIRS:
            alts = _TONE_PAIRS[pair]
            if i == 0:  # each spelling with the letter case as written: "Ủy" / "Uỷ"
                up = word[0].isupper()
                alts = "(?:" + "|".join((a[0].upper() if up else a[0]) + a[1:] for a in alts[3:-1].split("|")) + ")"
                if not first:
                    alts = "(?:" + "|".join(f"[{a[0].upper()}{a[0].lower()}]{a[1:]}" for a in alts[3:-1].split("|")) + ")"
            out.append(alts)
            i += 2
            continue
        ch = word[i]
        if ch.isalpha() and not (first and i == 0) and ch.lower() != ch.upper():
            out.append(f"[{ch.upper()}{ch.lower()}]")
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def phrase_pattern(name: str) -> str:
    """A name as written in extract/data, as a regex over the article text.

    The first letter keeps its case ("Sở", not "sở": the common noun is no body); the rest
    match in any case, either tone placement, "-" or "–" (any spacing), "và" or "&", and
    an optional comma where the name has one ("Văn hóa, Thể thao và Du lịch").
    """
    parts = []
    for i, word in enumerate(re.findall(r"[-–—]|,|[^\s,\-–—]+", name)):
        if word in "-–—":
            parts.append(r"\s*[-–—]\s*")
        elif word == ",":
            parts.append(r",?\s*")
        elif word.lower() == "và":
            parts.append(r"(?:[Vv]à|&)\s+")
        else:
            parts.append(_word_pattern(word, i == 0) + r"\s+")
    rx = "".join(parts)
    return re.sub(r"(?:\\s\+|\\s\*)+$", "", rx).replace(r"\s+\s*[-–—]\s*", r"\s*[-–—]\s*").replace(r"\s+,?\s*", r",?\s*")
