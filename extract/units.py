"""Organisations by canonical name (the contract's spelling), from gazetteers in extract/data.

find_units returns mentions: {"name": canonical, "start": int, "end": int, "surface": str,
"evidence": {...}} of the units taking part in the event, in text order.

How a mention is read:
1. a head: the procuracy ("Viện kiểm sát nhân dân", "Viện KSND", "VKSND" and typos), the
   military procuracy, a court or another body (``data/bodies.yml``), a department of the
   Supreme Procuracy ("Vụ 7", "Vụ Thi đua - Khen thưởng": ``data/departments.yml``) or a
   room of a provincial one ("Phòng 11");
2. its level and place: "tối cao", "cấp cao tại Đà Nẵng", "tỉnh X" (gazetteer), "TP X",
   "huyện X"; and member lists: "VKSND các tỉnh A, B và C", "VKSND tỉnh A; B; C",
   "Viện kiểm sát nhân dân 06 tỉnh: A, B", "VKSND các huyện, thị xã, thành phố: A, B";
3. lists of bodies without a place ("gồm 8 đơn vị: Viện Kiểm sát nhân dân, Thanh tra, ...")
   name the province's bodies (``... tỉnh``) or a procuracy's rooms.
Every mention is kept for officials and roles (:func:`read_mentions`); find_units keeps
those that take part in the event, not the ones only cited as a cluster's owner
("Cụm thi đua số 2 - VKSND tỉnh X"), a council ("Hội đồng Thi đua - Khen thưởng VKSND
tỉnh X"), an issuer ("Chỉ thị của Viện trưởng VKSND tối cao") or inside a slogan.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from . import scan
from ._data import load
from .gazetteer import capitalised_run, district_kind, is_central_city, match_province, phrase_pattern
from .normalize import fold
from .text import Document

_PROC = (r"(?P<proc>Viện\s+[Kk]iểm\s+[Ss]át\s+[Nn]hân(?:\s+[Dd]ân)?(?:\s+tối\s+cao)?|Viện\s+KSND(?:TC)?\b"
         r"|V[KL]S(?:ND|DN)(?:TC)?\b|VKS\s+[Nn]hân\s+[Dd]ân|Viện\s+[Kk]iểm\s+[Ss]át(?!\s+[Qq]uân))")
_MIL = r"(?:Viện\s+[Kk]iểm\s+[Ss]át\s+[Qq]uân\s+[Ss]ự|VKSQS|VKS\s+[Qq]uân\s+[Ss]ự)"
_CAPCAO_SHORT = re.compile(r"Viện\s+(?:KSND\s+)?cấp\s+cao\s+([123])\b")
_VU_NUM = re.compile(r"\bVụ\s+(\d{1,2}|[IVX]{1,4})\b")
_VU_NAMED = re.compile(r"\b(?P<head>Vụ|Cục)\s+(?![Tt]rưởng|[Pp]hó|án\b|việc\b|\d)")
_ROOM = re.compile(r"(?:\bPhòng|(?<=[Tt]rưởng\s)phòng|(?<=[Pp]hó\s)phòng)\s+(\d{1,2})\b")
_ROOM_NAMED = re.compile(r"\bPhòng\s+[^\W\d][^()\n.;]{2,120}?\(\s*Phòng\s+(\d{1,2})\s*\)")
_OFFICE = re.compile(r"\b(?P<o>Văn\s+phòng|Thanh\s+tra)(?=\s+(?:VKSND|Viện\s+(?:[Kk]iểm|KSND)|VKS\b))")
# Departments of a high-level procuracy: "Viện 1" ... "Viện 3" (Viện nghiệp vụ).
_VIEN_NUM = re.compile(r"\bViện\s+([1-9])\b(?!\s*[/.,]\s*\d)")
# "Cục 2" of the Supreme Procuracy; "Cục 10 - Bộ Công an" is a ministry's department.
# "Vụ <Name> (Bộ Tư pháp)", "Cục <Name>, Bộ Công an": a department of a ministry
_MINISTRY_DEP = re.compile(r"(?P<n>[A-ZĐÀ-Ỹ][^,;.()\n]{1,60}?)\s*(?:,|\(|[-–])?\s*(?P<bo>Bộ\s+(?!Chỉ\b|[Tt]rưởng\b)[A-ZĐ]\w*"
                           r"(?:\s+(?!(?:và|cùng|chủ|dự|tham|đã|về|tại|năm|cho)\b)[a-zđà-ỹ]\w*){0,2})(?!\w)\s*\)?")
_CUC_NUM = re.compile(r"\bCục\s+(\d{1,2})\b(?!\s*[/.]\d)(?!\s*[-–,(]?\s*(?:Bộ|Tổng\s+cục)\b)")
_CAPCAO_CITY = {"Hà Nội": "Hà Nội", "Đà Nẵng": "Đà Nẵng", "Hồ Chí Minh": "TP Hồ Chí Minh"}
_CAPCAO_NUM = {"1": "Hà Nội", "2": "Đà Nẵng", "3": "TP Hồ Chí Minh"}
_SEP = re.compile(r"\s*[,;]\s*(?:va\s+)?|\s+va\s+")
_LEVEL = re.compile(r"(?:cac\s+)?(tinh|huyen|thi\s+xa|quan|thanh\s+pho|tp|phuong|xa)(?![\w])\.?\s*")
_LEVEL_NAME = {"tinh": "tỉnh", "huyen": "huyện", "thi xa": "thị xã", "quan": "quận", "thanh pho": "TP", "tp": "TP", "tp.": "TP",
               "phuong": "phường", "xa": "xã"}
_LIST_INTRO = re.compile(
    r"(?:(?:bao\s+)?gồm(?:\s+có)?\s*(?:\d+\s+)?(?:(?:cơ\s+quan,?\s+)?(?:đơn\s+vị|thành\s+viên|cơ\s+quan)(?:\s+trong\s+(?:[Kk]hối|[Cc]ụm)(?:\s+thi\s+đua)?)?)?"
    r"|\d+\s+(?:cơ\s+quan,?\s+)?(?:đơn\s+vị|thành\s+viên|cơ\s+quan)(?:\s+trong\s+(?:[Kk]hối|[Cc]ụm)(?:\s+thi\s+đua)?)?(?:\s+gồm)?)\s*:")


@dataclass
class Mention:
    name: Optional[str]
    start: int
    end: int
    kind: str  # vks | vu | cuc | office | room | court | police | dept | board | military | body
    prefix: str = ""
    level: Optional[str] = None  # "tối cao", "cấp cao", "tỉnh", "TP", "huyện", "thị xã", "quận"
    place: Optional[str] = None
    bare: Optional[str] = None  # "list" | "province": written without a place
    participant: bool = True
    extra: dict = field(default_factory=dict)


# Patterns written where they are used, compiled once: re.compile's own cache costs a lookup
# per call, and the readers below run for every head of every article.
_rx = lru_cache(maxsize=None)(re.compile)

# --------------------------------------------------------------------------- vocabularies
def _body_pattern(b: dict) -> str:
    """A body's regex: its own `pattern`, or its `names` and abbreviations (`abbr`, as written)."""
    if b.get("pattern"):
        return b["pattern"]
    alts = [phrase_pattern(n) for n in b.get("names", [])] + [re.escape(a).replace(r"\ ", r"\s+") for a in b.get("abbr", [])]
    return "|".join(sorted(alts, key=len, reverse=True))


@lru_cache(maxsize=1)
def _bodies() -> dict:
    d = load("bodies.yml")
    entries = list(d["placed"]) + [
        {"canonical": f"Sở {n}", "names": [f"Sở {n}"], "bare": "province", "kind": "dept"}
        for n in d.get("provincial_departments", [])]
    # copies: the loaded vocabulary stays as written
    entries = [dict(b, not_after_rx=re.compile(r"(?:" + "|".join(b["not_after"]) + r")$")) if b.get("not_after") else b
               for b in entries]
    placed = [(re.compile(r"(?<![\w])(?:" + _body_pattern(b) + r")(?![\w])"), b) for b in entries]
    fixed = [(re.compile(r"(?<![\w])(?:" + b["pattern"] + r")"), b) for b in d["fixed"]]
    for c in d.get("central", []):
        names = [c["name"]] + c.get("also", [])
        body = {"canonical": c["name"], "names": names, "abbr": c.get("abbr", []),
                "kind": "national" if c.get("member") else "central"}
        if c.get("not_after"):  # "Thủ tướng Chính phủ" is a title, "Cờ thi đua của Chính phủ" an award
            body["not_after"] = re.compile(r"(?:" + "|".join(c["not_after"]) + r")$")
        fixed.append((re.compile(r"(?<![\w])(?:" + _body_pattern(body) + r")(?![\w])"), body))
    return {"placed": placed, "fixed": fixed}


@lru_cache(maxsize=1)
def _departments() -> dict:
    d = load("departments.yml")
    return d


@lru_cache(maxsize=1)
def _trailer_lines() -> set:
    return {l.strip() for l in load("trailers.yml")["lines"]}


_KIND_OF_BODY = {"TAND": "court", "Công an": "police", "Thanh tra": "body", "Sở Tư pháp": "dept",
                 "Sở Nội vụ": "dept", "Cục Thi hành án dân sự": "dept", "Bộ Chỉ huy Quân sự": "military",
                 "Bộ Chỉ huy Bộ đội Biên phòng": "military", "Ban Thi đua - Khen thưởng": "board",
                 "Văn phòng Đoàn Đại biểu Quốc hội": "body", "Văn phòng UBND": "body"}


# --------------------------------------------------------------------------- places
def _parse_place(doc: Document, pos: int, allow_high: bool = True):
    """Level and place after a head at ``pos``: (items, end) or ("bare", pos) or (None, end).

    items: [(level, place, start, end)], more than one for a member list.
    """
    t, f = doc.text, doc.folded
    if allow_high:
        m = _rx(r"\s+toi\s+cao\b").match(f, pos)
        if m:
            return [("tối cao", None, pos, m.end())], m.end()
        m = _rx(r"\s+cap\s+cao\s+(?:tai\s+)?(?:(?:tp\.?|thanh\s+pho)\s*)?").match(f, pos)
        if m:
            pm = match_province(f, m.end())
            if pm and pm[0] in _CAPCAO_CITY:
                return [("cấp cao", _CAPCAO_CITY[pm[0]], pos, pm[1])], pm[1]
            n = _rx(r"\s+cap\s+cao\s+([123])\b(?!\s*,\s*\d)").match(f, pos)
            if n:
                return [("cấp cao", _CAPCAO_NUM[n.group(1)], pos, n.end())], n.end()
            return None, m.end()
        m = _rx(r"\s+khu\s+vuc\s+(\d{1,2})\b(?:\s*[-–]\s*|\s+(?:tinh|thanh\s+pho|tp\.?)\s+)?").match(f, pos)
        if m:
            pm = match_province(f, m.end())
            place = f"{m.group(1)} - {pm[0]}" if pm else m.group(1)
            return [("khu vực", place, pos, pm[1] if pm else m.end(1))], (pm[1] if pm else m.end(1))
    # "các tỉnh A, B", "06 tỉnh: A, B", "các tỉnh (A; B)"
    m = _rx(r"\s+(?:cac|\d+|hai|ba|bon|nam|sau)\s+tinh\b"
                   r"(?:(?:\s+[^\W\d_]+){1,5}?\s*(?:\s(?:bao\s+)?gom)?\s*:|\s*[:(]?)\s*").match(f, pos)
    if m:
        items, end = _province_list(doc, m.end(), "tỉnh")
        return (items or None), (end if items else m.end())
    m = _rx(r"\s+tinh\b").match(f, pos)
    if m:
        s = _rx(r"\s+").match(f, m.end())
        pm = match_province(f, s.end()) if s else None
        if pm:
            items = [("tỉnh", pm[0], pos, pm[1])]
            more, end = _continue(doc, pm[1], "tỉnh")
            return items + more, end
        if _rx(r"\s*(?:,|va|\bvà)\s*(?:thanh\s+pho|tp|huyen)\b|\s+(?:thanh\s+pho|tp)\b").match(f, m.end()):
            return None, m.end()
        return [("tỉnh", None, pos, m.end())], m.end()
    # multi-level district lists: "các huyện, thị xã, thành phố: A, B"
    m = _rx(r"\s+(?:(cac|\d+)\s+)?(huyen|thi\s+xa|quan|thanh\s+pho)((?:\s*,\s*(?:huyen|thi\s+xa|quan|thanh\s+pho|tp))*)"
                   r"(?:\s+va\s+(?:huyen|thi\s+xa|quan|thanh\s+pho))?\s*(:)?\s*").match(f, pos)
    if m and (m.group(1) or m.group(3) or m.group(4)):
        level = None if (m.group(3) or m.group(4)) else _LEVEL_NAME[" ".join(m.group(2).split())]
        items, end = _district_list(doc, m.end(), level)
        return (items or None), (end if items else m.end())
    m = _rx(r"\s+(tp\.?|thanh\s+pho)\s*").match(f, pos)
    if m:
        pm = match_province(f, m.end())
        if pm:
            items = [("TP", pm[0], pos, pm[1])]
            # a provincial capital ("TP Vĩnh Long") is district level: its list goes on with districts
            more, end = _continue(doc, pm[1], "tỉnh" if is_central_city(pm[0]) else "TP")
            return items + more, end
        run = capitalised_run(t, m.end())
        if run:
            items = [("TP", run[0], pos, run[1])]
            more, end = _continue(doc, run[1], "TP")
            return items + more, end
        if allow_high and not _rx(r"\s*(?:va\b|\(|tinh\b|truc\s+thuoc|thuoc\b)").match(f, m.end()):
            # "VKSND thành phố" in an article about a centrally-run city (_fill_unnamed names it)
            return [("TP", None, pos, m.end() - (len(m.group()) - len(m.group().rstrip())))], m.end()
        return None, m.end()
    m = _rx(r"\s+(huyen|thi\s+xa|quan|phuong|xa)(?:\s+|(?=\s*(?:[,;.)]|va\b)))").match(f, pos)
    if m and (t[m.start(1)].islower() or m.group(1) in ("huyen", "thi xa")):
        level = _LEVEL_NAME[" ".join(m.group(1).split())]
        run = _district_name(t, m.end(), level)
        if run:
            items = [(level, run[0], pos, run[1])]
            more, end = _continue(doc, run[1], level)
            return items + more, end
        if level in ("huyện", "thị xã") and _rx(r"\s*(?:[,;.)]|va\b)").match(f, m.end(1)):
            return [(level, None, pos, m.end(1))], m.end(1)  # "Công an huyện": the article's district
        return None, m.end()
    m = _rx(r"\s+").match(f, pos)
    if m and m.end() < len(t) and t[m.end()].isupper():
        pm = match_province(f, m.end())
        if pm:
            level = "TP" if is_central_city(pm[0]) else "tỉnh"
            return [(level, pm[0], pos, pm[1])], pm[1]
    return "bare", pos


def _district_name(text: str, pos: int, level: str):
    if level == "quận":
        # "quận 3", not "3 đơn vị còn lại" after a list
        m = _rx(r"\d{1,2}\b(?!\s+(?:đơn|tập|cá|cơ|đồng|người|lượt|năm|tháng|ngày)\b)").match(text, pos)
        if m:
            return m.group(), m.end()
    run = capitalised_run(text, pos)
    if run and (len(run[0].split()) >= 2 or district_kind(run[0])):
        return run
    if run is None:
        # a district whose first word also starts titles or documents ("huyện Kế Sách", "Thường Xuân")
        m = _rx(r"([^\W\d_]+) (?=[^\W\d_])").match(text, pos)
        if m and m.group(1) in _district_first_words():
            rest = capitalised_run(text, m.end(), max_words=2)
            if rest:
                return text[pos:rest[1]], rest[1]
    return None


@lru_cache(maxsize=1)
def _district_first_words() -> frozenset:
    return frozenset(load("names.yml").get("district_first_words", []))


def _body_at(doc: Document, pos: int) -> bool:
    """Whether a body's name begins at ``pos`` (its first word, then one of its heads)."""
    first_word, by_word = _dispatch()
    w = first_word.match(doc.folded, pos)
    return bool(w) and any(_heads()[i][1].match(doc.text, pos) for i in by_word[w.group()])


def _walk_list(doc: Document, pos: int, member) -> tuple[list, int]:
    """Members written one after another ("A, B và C", "A; B; C"). ``member(p)`` reads the one
    at ``p`` as (level, name, end) or None; returns [(level, name, start, end)] and the list's end."""
    items = []
    p = pos
    while True:
        got = None if items and _body_at(doc, p) else member(p)
        if not got:
            break
        lvl, name, end = got
        items.append((lvl, name, p, end))
        s = _SEP.match(doc.folded, end)
        if not s:
            break
        p = s.end()
    return items, (items[-1][3] if items else pos)


_TINH_WORD = re.compile(r"tinh\s+")


def _province_list(doc: Document, pos: int, level: str):
    f = doc.folded

    def member(p):
        lm = _TINH_WORD.match(f, p)
        pm = match_province(f, lm.end() if lm else p)
        if not pm:
            return None
        return ("TP" if is_central_city(pm[0]) else level), pm[0], pm[1]

    return _walk_list(doc, pos, member)


def _district_list(doc: Document, pos: int, level: Optional[str]):
    """Members of a district list; ``level`` None means classify each (explicit > table > huyện)."""
    t, f = doc.text, doc.folded
    explicit = _explicit_district_levels(doc)

    def member(p):
        lvl = level
        lm = _LEVEL.match(f, p)
        if lm and not t[lm.start():lm.start() + 1].islower():
            lm = None  # "Quan Hóa" is a district's name, not "quận"
        if lm and lm.group(1) != "tinh":
            lvl = _LEVEL_NAME[" ".join(lm.group(1).split())]
            p = lm.end()
        run = _district_name(t, p, lvl or "huyện")
        if not run:
            return None
        if lvl is None:
            k = explicit.get(fold(run[0])) or district_kind(run[0])
            lvl = {"thành phố": "TP", "thị xã": "thị xã"}.get(k, k) or "huyện"
        return lvl, run[0], run[1]

    return _walk_list(doc, pos, member)


_LEVEL_WORD = re.compile(r"\b(huyen|thi\s+xa|thanh\s+pho)\s+")


def _explicit_district_levels(doc: Document) -> dict:
    """Districts the article writes with their level somewhere ("thị xã Long Mỹ")."""
    out = {}
    for m in scan.finditer(_LEVEL_WORD, doc.folded):
        run = capitalised_run(doc.text, m.end())
        if run and len(run[0].split()) >= 2:
            lvl = {"huyen": "huyện", "thi xa": "thị xã", "thanh pho": "TP"}[" ".join(m.group(1).split())]
            out.setdefault(fold(run[0]), lvl)
    return out


def _continue(doc: Document, pos: int, level: str):
    """More members after a named one: "VKSND tỉnh A; B và C", "huyện A, B", "thị xã B"."""
    t, f = doc.text, doc.folded
    items = []
    p = pos
    end = pos
    district = level in ("huyện", "thị xã", "quận") or level == "TP"
    cur = level
    while True:
        s = _SEP.match(f, p)
        if not s or _body_at(doc, s.end()):
            break  # "huyện Quỳnh Lưu và Đồn Biên phòng X": the next body, not another place
        q = s.end()
        lvl = cur
        lm = _LEVEL.match(f, q)
        if lm and not t[lm.start():lm.start() + 1].islower():
            lm = None  # "Quan Hóa" is a district's name, not "quận"
        if lm:
            word = _LEVEL_NAME[" ".join(lm.group(1).split())]
            if district and word == "tỉnh":
                # "VKSND huyện Tam Bình, tỉnh Vĩnh Long": the province of the district, not a member.
                pm = match_province(f, lm.end())
                if pm:
                    end = pm[1]
                break
            if not district and word != "tỉnh" and word != "TP":
                break
            lvl = word
            q = lm.end()
        if district and lvl != "tỉnh":
            run = _district_name(t, q, lvl)
            if not run:
                break
            # a centrally-run city after "TP" keeps the province level
            items.append((lvl, run[0], q, run[1]))
            cur = lvl  # "thị xã A, các huyện B, C": the level written last goes on
            p = end = run[1]
        else:
            pm = match_province(f, q)
            if not pm:
                break
            lvl2 = "TP" if is_central_city(pm[0]) else "tỉnh"
            items.append((lvl2, pm[0], q, pm[1]))
            p = end = pm[1]
    return items, end


@lru_cache(maxsize=1)
def _levelless() -> frozenset:
    return frozenset(b["canonical"] for b in load("bodies.yml")["placed"] if b.get("levelless"))


def _name(prefix: str, level: Optional[str], place: Optional[str]) -> str:
    if prefix in _levelless():
        return f"{prefix} {place}" if place else prefix  # "Tỉnh ủy Hải Dương"
    if level == "tối cao":
        return f"{prefix} tối cao"
    if level == "cấp cao":
        return f"{prefix} cấp cao tại {place}" if place else f"{prefix} cấp cao"
    return " ".join(x for x in (prefix, level, place) if x)


# --------------------------------------------------------------------------- scanning
class _Claimed:
    """Characters already read as part of a unit (a mask: lookups stay O(span))."""

    def __init__(self, n: int):
        self.mask = bytearray(n + 1)

    def append(self, span: tuple[int, int]) -> None:
        a, b = span
        self.mask[a:b] = b"\x01" * (b - a)

    def overlaps(self, s: int, e: int) -> bool:
        return 1 in self.mask[s:e]


_NAME_STOP = frozenset(("và", "của", "đã", "được", "là", "tại", "với", "cùng", "trong", "thuộc", "năm", "có", "chủ",
                        "tham", "dự", "về", "do", "cho", "đồng", "ông", "bà", "phát", "báo", "tổ", "đơn", "nhằm", "vụ", "cục"))


def _written_name_end(text: str, pos: int, claimed: "_Claimed", max_words: int = 7) -> int:
    """The end of a department's written name from ``pos`` ("Pháp chế", "Kế hoạch – Tổng hợp",
    "Tổ chức cán bộ"): its words up to punctuation, a body already read, a person's name or
    a verb of the sentence."""
    from .gazetteer import name_words
    surnames = name_words()["surnames"]
    end, p, n = pos, pos, 0
    for m in re.finditer(r"\s*([-–]\s*)?([^\W\d_]+)", text[pos:pos + 120]):
        a, b = pos + m.start(2), pos + m.end(2)
        if pos + m.start() != p or "\n" in m.group()[:m.start(2) - m.start()] or claimed.overlaps(a, b):
            break
        w = m.group(2)
        if n and (w in _NAME_STOP or w in ("Đồng", "Ông", "Bà")):
            break
        if n and w[0].isupper() and fold(w) in surnames and re.match(r" [A-ZĐÀ-Ỹ]", text[b:b + 2]):
            break  # "Vụ Pháp chế Đinh Văn Minh": a person's name after the department's
        end, p, n = b, b, n + 1
        if n >= max_words:
            break
    return end


class _Scan:
    """What one scan of an article has read so far: its mentions and the characters they claim."""

    def __init__(self, doc: Document):
        self.doc, self.t, self.f = doc, doc.text, doc.folded
        self.out: list[Mention] = []
        self.claimed = _Claimed(len(doc.text))
        # named departments are the Supreme Procuracy's only in articles of the procuracy
        self.procuracy = re.search(_PROC, doc.text) is not None

    def add(self, m: Mention) -> None:
        self.out.append(m)
        self.claimed.append((m.start, m.end))


# Departments and rooms by number; a room may be written by name with its number:
# "Phòng Thực hành quyền công tố ... (Phòng 3)". Earlier entries win at one place.
_NUMBERED = ((_VU_NUM, "Vụ", "vu", None, {"vu"}), (_ROOM_NAMED, "Phòng", "room", None, {"phong"}),
             (_ROOM, "Phòng", "room", None, {"phong"}), (_CUC_NUM, "Cục", "cuc", None, {"cuc"}),
             (_OFFICE, None, "office", None, {"van", "thanh"}), (_VIEN_NUM, "Viện", "room", {"high": True}, {"vien"}))


@lru_cache(maxsize=1)
def _heads() -> tuple:
    """Every head of a unit, in priority order: (reader, its regex, its data, the folded words it can
    begin with). Fixed names come first (they contain words such as "Kiểm sát" and "Thành phố"),
    then departments, the military and high-level procuracies, then the bodies of the grammar
    (extract/data/bodies.yml)."""
    entries = [(_read_fixed, rx, b, _first_words(b)) for rx, b in _bodies()["fixed"]]
    entries.append((_read_named_department, _VU_NAMED, None, {"vu", "cuc"}))
    entries += [(_read_numbered, rx, (head, kind, extra), first) for rx, head, kind, extra, first in _NUMBERED]
    entries.append((_read_military, re.compile(_MIL), None, {"vien", "vksqs", "vks"}))
    entries.append((_read_high_court_short, _CAPCAO_SHORT, None, {"vien"}))
    entries.append((_read_placed, re.compile(_PROC), {"canonical": "VKSND", "kind": "vks", "procuracy": True},
                    {"vien", "vks", "vksnd", "vlsnd", "vksdn", "vlsdn", "vksndtc", "vlsndtc", "vksdntc", "vlsdntc"}))
    entries += [(_read_placed, rx, b, _first_words(b)) for rx, b in _bodies()["placed"]]
    missing = [rx.pattern for _, rx, _, first in entries if not first]
    if missing:
        raise ValueError(f"extract/data/bodies.yml: a raw pattern needs `first` (the words it begins with): {missing[0]}")
    return tuple(entries)


def _first_words(b: dict) -> set:
    """The folded words a body can begin with: its `first` list, or the first words of its names."""
    if b.get("first"):
        return set(b["first"])
    return {fold(w.split()[0]) for w in list(b.get("names", [])) + list(b.get("abbr", []))}


@lru_cache(maxsize=1)
def _dispatch() -> tuple[re.Pattern, dict]:
    """One scan of the folded text finds every word a head can begin with ("so", "bo", "vksnd"...);
    only the heads beginning with that word are tried there. Returns (first-word regex, folded
    word -> head indexes in priority order)."""
    by_word: dict[str, list[int]] = {}
    for i, (_, _, _, first) in enumerate(_heads()):
        for w in first:
            by_word.setdefault(w, []).append(i)
    rx = re.compile(r"(?<![\w])(?:" + "|".join(sorted(map(re.escape, by_word), key=len, reverse=True)) + r")(?![\w])")
    return rx, by_word


# (folded first word, the character written there) -> the heads worth trying there: a head
# spelled "Sở ..." is not tried on "số", nor "Bộ Tư pháp" on "bộ".
_tried_heads: dict[tuple[str, str], tuple[int, ...]] = {}


@lru_cache(maxsize=None)
def _first_chars(rx: re.Pattern) -> Optional[frozenset]:
    """The characters a match of ``rx`` can begin with, or None when that cannot be told from the
    pattern (read with the parser of :mod:`re`; assertions are skipped, so it is a superset)."""
    from re import _constants as c, _parser

    if rx.flags & re.IGNORECASE:
        return None

    def first(items) -> Optional[set]:
        for op, av in items:
            if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
                continue  # zero width: the next item begins the match
            if op is c.LITERAL:
                return {chr(av)}
            if op is c.IN:
                out = set()
                for kind, arg in av:
                    if kind is c.LITERAL:
                        out.add(chr(arg))
                    elif kind is c.RANGE and arg[1] - arg[0] <= 512:
                        out.update(map(chr, range(arg[0], arg[1] + 1)))
                    else:
                        return None
                return out
            if op is c.SUBPATTERN:
                return first(av[3])
            if op is c.BRANCH:
                out = set()
                for branch in av[1]:
                    sub = first(branch)
                    if sub is None:
                        return None
                    out |= sub
                return out
            return None
        return None

    chars = first(_parser.parse(rx.pattern, rx.flags))
    return frozenset(chars) if chars else None


def _can_begin(rx: re.Pattern, char: str) -> bool:
    chars = _first_chars(rx)
    return chars is None or char in chars


@lru_cache(maxsize=1)
def _fixed_names() -> re.Pattern:
    """The fixed names (national bodies among them) as one alternation."""
    return re.compile("|".join(f"(?:{re.sub(r'[(][?]P<[^>]+>', '(?:', rx.pattern)})" for rx, _ in _bodies()["fixed"]))


def _scan(doc: Document) -> list[Mention]:
    """Read the article's units in one ordered pass over the heads' matches: leftmost first, and at
    one place the head of highest priority; each head is read by its reader, and where a reader
    declines (a department of another body, a body written in lower case) the next head at that
    place is tried. The heads are found through one scan of the words they begin with
    (:func:`_dispatch`), each tried only where its first word stands."""
    entries = _heads()
    first_word, by_word = _dispatch()
    st = _Scan(doc)
    found = []
    tried: dict[tuple[str, str], tuple[int, ...]] = _tried_heads
    for w in first_word.finditer(st.f):
        at = w.start()
        key = (w.group(), st.t[at])
        heads = tried.get(key)
        if heads is None:
            heads = tried[key] = tuple(i for i in by_word[key[0]] if _can_begin(entries[i][1], key[1]))
        for i in heads:
            m = entries[i][1].match(st.t, at)
            if m:
                found.append((at, i, m))
    found.sort(key=lambda x: (x[0], x[1]))
    pos = 0
    for start, i, own in found:
        if start < pos or st.claimed.overlaps(own.start(), own.end()):
            continue
        reader, _, data, _ = entries[i]
        if reader(st, own, data):
            pos = own.end()
    st.out.sort(key=lambda x: (x.start, -x.end))
    return _attach_parents(doc, st.out)


def _read_fixed(st: _Scan, m: re.Match, b: dict) -> bool:
    t = st.t
    if b.get("not_after") and b["not_after"].search(t, max(0, m.start() - 30), m.start()):
        return False
    name = b["canonical"] or " ".join(m.group().split())
    end = m.end()
    if b.get("of"):  # "Cục Công tác đảng và công tác chính trị, Bộ Công an"
        of = _rx(r"\s*,?\s*(?:" + b["of"] + r")").match(t, end)
        if of:
            name, end = f"{name} {' '.join(of.group().strip(' ,').split())}", of.end()
    # a fixed name is whole: no procuracy parent is attached to it. A national body
    # takes part through a named leader ("Thứ trưởng Bộ Tư pháp X"), like a Tỉnh ủy.
    st.add(Mention(name, m.start(), end, b.get("kind", "body"), prefix=name,
                   extra={"parent": name, "needs_person": b.get("kind") == "central"}))
    return True


def _read_named_department(st: _Scan, m: re.Match, _data) -> bool:
    """"Vụ Thi đua - Khen thưởng (Vụ 16)" -> Vụ 16; another body's "Vụ Pháp chế" as written."""
    t, f = st.t, st.f
    head = "vu" if m.group("head") == "Vụ" else "cuc"
    if not st.procuracy:
        # another body's department keeps its written name; a national body written right
        # after it becomes its parent (_attach_parents). Bodies of the grammar come first.
        if any(rx.match(t, m.start()) for rx, _ in _bodies()["placed"]):
            return False
        end = _written_name_end(t, m.end(), st.claimed)
        parent = _fixed_names().search(t, m.end(), end + 60)
        parent = parent if parent and parent.start() < end else None
        if parent:  # "Vụ Tổ chức cán bộ Thanh tra Chính phủ": the name stops where its parent begins
            end = len(t[:parent.start()].rstrip(" ,-–("))
        if end <= m.end():
            return False
        written = " ".join(t[m.start():end].split())
        st.add(Mention(written, m.start(), end, head, prefix=written))
        return True
    window = f[m.end():m.end() + 160]
    cut = re.search(r"vksnd|vien\s+kiem\s+sat|vien\s+ksnd|\btand\b|\btoa\s+an\b|[;.()\n]"
                    r"|(?:\s+va|\s*,)\s+(?=(?:van\s+phong|vu|cuc|phong|thanh\s+tra|vien|bao|tap\s+chi|truong)\s)", window)
    name_f = window[:cut.start()] if cut else window
    mi = _MINISTRY_DEP.match(t, m.end())
    if mi and not re.search(r"\b(?:tỉnh|huyện|thành\s+phố|TP|quận|thị\s+xã)\b", mi.group("n")):
        # a ministry's own department ("Vụ Thi đua - Khen thưởng (Bộ Tư pháp)", "Cục Tổ chức
        # cán bộ, Bộ Công an"): its written name and ministry, never the procuracy's number
        written = f"{m.group('head')} {' '.join(mi.group('n').split())} {' '.join(mi.group('bo').split())}"
        st.add(Mention(written, m.start(), mi.end(), head, prefix=written,
                       extra={"parent": " ".join(mi.group("bo").split())}))
        return True
    deps = _departments()
    if not any(name_f.startswith(h) for h in deps["head_words"]):
        return False
    court = _rx(r"\s*[,\-–]?\s*(?:tand|toa\s+an\s+nhan\s+dan)\s+toi\s+cao\b").match(
        f, m.end() + len(name_f.rstrip(" ,-–")))
    if court:
        # the numbers are the procuracy's: another body's department keeps its written name
        written = " ".join(t[m.start():m.end() + len(name_f.rstrip(" ,-–"))].split())
        st.add(Mention(f"{written} TAND tối cao", m.start(), court.end(), "vu", prefix=written,
                       extra={"parent": "TAND tối cao"}))
        return True
    table = deps["departments"] if head == "vu" else deps["offices"]
    number = next((d["name"] for d in table if d.get("head", "vu") == head
                   and any(all(re.search(r"\b" + w + r"\b", name_f) for w in alt) for alt in d["any"])), None)
    if not number:
        return False
    end = m.end() + len(name_f.rstrip(" ,"))
    par = _rx(r"\s*\(\s*(?:Vụ|Cục)\s+\d+\s*\)").match(t, end)
    if par:
        end = par.end()
    st.add(Mention(number, m.start(), end, head, prefix=number))
    return True


def _read_numbered(st: _Scan, m: re.Match, data) -> bool:
    head, kind, extra = data
    name = f"{head} {m.group(1)}" if head else " ".join(m.group("o").split())
    st.add(Mention(name, m.start(), m.end(), kind, prefix=name, **({"extra": dict(extra)} if extra else {})))
    return True


def _read_military(st: _Scan, m: re.Match, _data) -> bool:
    """The military procuracy: "VKS quân sự trung ương", "... Quân khu 1, 2 và 3", "... khu vực 41"."""
    t = st.t
    n = _rx(r"\s+(?:[Tt]rung\s+ương|TW)\b").match(t, m.end())
    if n:
        st.add(Mention("VKS quân sự trung ương", m.start(), n.end(), "vks", prefix="VKS quân sự", level="trung ương"))
        return True
    n = _rx(r"\s+(Quân\s+khu\s+\d+|Quân\s+chủng\s+[A-ZĐ]\w*(?:\s+[a-zđ]\w*)*|Bộ\s+Quốc\s+phòng"
                   r"|[Kk]hu\s+vực\s+\d+)").match(t, m.end())
    if not n:
        return False
    what = " ".join(n.group(1).split())
    if what[0] == "K":
        what = "k" + what[1:]
    st.add(Mention("VKS quân sự " + what, m.start(), n.end(), "vks", prefix="VKS quân sự"))
    head = re.match(r"\D+", what).group()
    p = n.end()
    while True:
        more = _rx(r"\s*(?:,|và)\s*(\d+)\b(?!\s*[/.]\d)").match(t, p)
        if not more:
            break
        st.add(Mention(f"VKS quân sự {head}{more.group(1)}", more.start(1), more.end(), "vks", prefix="VKS quân sự"))
        p = more.end()
    return True


def _read_high_court_short(st: _Scan, m: re.Match, _data) -> bool:
    place = _CAPCAO_NUM[m.group(1)]
    st.add(Mention(f"VKSND cấp cao tại {place}", m.start(), m.end(), "vks", prefix="VKSND", level="cấp cao", place=place))
    return True


def _read_placed(st: _Scan, m: re.Match, body: dict) -> bool:
    """A body of the grammar and what follows it: its level and place, a list of places, or nothing."""
    t, f = st.t, st.f
    prefix = body["canonical"]
    kind = body.get("kind") or _KIND_OF_BODY.get(prefix, "body")
    if not body.get("procuracy") and not t[m.start()].isupper() and prefix != "Ban Thi đua - Khen thưởng" \
            and not body.get("lower_ok"):
        return False
    if body.get("not_after_rx") and body["not_after_rx"].search(t, max(0, m.start() - 30), m.start()):
        return False
    head_end = m.end()
    surface = m.group()
    needs_person = bool(body.get("needs_person"))
    if kind == "vks" and (surface.endswith("TC") or fold(surface).endswith("toi cao")):
        st.add(Mention(f"{prefix} tối cao", m.start(), head_end, kind, prefix=prefix, level="tối cao"))
        return True
    if body.get("central"):
        c = _rx(r"\s+" + body["central"]).match(t, head_end)
        if c:
            st.add(Mention(f"{prefix} Trung ương", m.start(), c.end(), kind, prefix=prefix, level="trung ương"))
            return True
    items, end = _parse_place(st.doc, head_end, kind in ("vks", "court"))
    if items == "bare":
        st.add(_bare_mention(body, prefix, kind, m.start(), head_end, f, needs_person))
    elif items:
        for i, (level, place, s, e) in enumerate(items):
            st.out.append(Mention(_name(prefix, level, place), m.start() if i == 0 else s, e, kind, prefix=prefix,
                                  level=level, place=place,
                                  extra={"listed": len(items) > 1, "needs_person": needs_person}))
        st.claimed.append((m.start(), end))
    else:
        # a generic phrase ("VKSND các tỉnh", "VKSND tỉnh, thành phố"): not a unit itself, but
        # the body of a list of places that may follow ("... gồm: Hà Nội, Huế", _apply_place_lists)
        st.out.append(Mention(None, m.start(), end, kind, prefix=prefix, bare="generic"))
    return True


def _bare_mention(body: dict, prefix: str, kind: str, start: int, end: int, f: str, needs_person: bool) -> Mention:
    """A body written without a place: what its `bare` rule in bodies.yml makes of it."""
    bare = body.get("bare", "list")
    extra = {"needs_person": needs_person}
    if bare in ("province", "district", "central") and re.search(r"\b(?:cac|nhung|moi)\s+$", f[max(0, start - 8):start]):
        return Mention(None, start, end, kind, prefix=prefix)  # "các Cục THADS trong Cụm": generic
    if bare == "province":
        return Mention(_name(prefix, "tỉnh", None), start, end, kind, prefix=prefix, level="tỉnh", extra=extra)
    if bare == "district":
        return Mention(_name(prefix, "huyện", None), start, end, kind, prefix=prefix, level="huyện", extra=extra)
    if bare == "central":
        return Mention(prefix, start, end, kind, prefix=prefix, level="trung ương", extra=extra)
    return Mention(None, start, end, kind, prefix=prefix, bare=bare)


_PARENT_GAP = re.compile(r"\s*[\-–(]?\s*")
_COMMA_GAP = re.compile(r"\s*,\s*")  # "Cục Cảnh sát hình sự, Bộ Công an"


def _attach_parents(doc: Document, ms: list[Mention]) -> list[Mention]:
    """"Vụ 7 VKSND tối cao", "Phòng 11 VKSND TP Hải Phòng", "Văn phòng VKSND tối cao"."""
    t = doc.text
    out: list[Mention] = []
    skip = set()
    # Numbered and named departments are the Supreme Procuracy's only in articles of the procuracy.
    procuracy = any(m.kind == "vks" for m in ms)
    for i, m in enumerate(ms):
        if i in skip:
            continue
        nxt = ms[i + 1] if i + 1 < len(ms) else None
        if nxt and nxt.kind in ("central", "national") and m.kind not in ("central", "national") and not m.place \
                and m.level not in ("tối cao", "cấp cao", "trung ương") \
                and (_PARENT_GAP.fullmatch(t, m.end, nxt.start)
                     or (m.kind in ("vu", "cuc") and _COMMA_GAP.fullmatch(t, m.end, nxt.start))):
            # a department of a national body: "Thanh tra Bộ Tư pháp", "Vụ II Thanh tra Chính phủ",
            # "Ban Thi đua - Khen thưởng Thanh tra Chính phủ"
            m.name = f"{m.prefix} {nxt.name}"
            close = _rx(r"\s*\)").match(t, nxt.end) if "(" in t[m.end:nxt.start] else None
            m.end, m.level, m.bare = (close.end() if close else nxt.end), None, None
            m.extra["parent"] = nxt.name
            m.extra["needs_person"] = False
            skip.add(i + 1)
            out.append(m)
            continue
        if m.kind in ("vu", "cuc") and not m.extra.get("parent") and not procuracy:
            out.append(m)  # "Vụ Pháp chế" of a ministry article: its written name
            continue
        if m.kind in ("vu", "cuc", "room", "office") and not m.extra.get("parent"):
            nxt = ms[i + 1] if i + 1 < len(ms) else None
            gap = t[m.end:nxt.start] if nxt else ""
            high = m.extra.get("high")
            if nxt and nxt.kind == "vks" and nxt.name and re.fullmatch(r"\s*[,\-–]?\s*", gap) and (
                    m.kind not in ("vu", "cuc") or nxt.level == "tối cao") and (not high or nxt.level == "cấp cao"):
                m.name = f"{m.prefix} {nxt.name}"
                m.end = nxt.end
                m.extra["parent"] = nxt.name
                skip.add(i + 1)
            elif m.kind in ("vu", "cuc"):
                m.name = f"{m.prefix} VKSND tối cao"
                m.extra["parent"] = "VKSND tối cao"
            elif high:
                parent = next((x.name for x in reversed(out) if x.kind == "vks" and x.level == "cấp cao" and x.place), None)
                if not parent:
                    continue  # "Viện 1" of no high-level procuracy named
                m.name = f"{m.prefix} {parent}"
                m.extra["parent"] = parent
            elif m.kind == "room":
                parent = _provincial_parent(out)
                m.name = f"{m.prefix} {parent}" if parent else m.prefix
                m.extra["parent"] = parent
            else:
                continue  # "Văn phòng" of nothing named
        out.append(m)
    return out


def _provincial_parent(before: list[Mention]) -> Optional[str]:
    for m in reversed(before):
        if m.kind == "vks" and m.prefix == "VKSND" and m.place and (
                m.level == "tỉnh" or (m.level == "TP" and is_central_city(m.place))):
            return m.name
    return None


# --------------------------------------------------------------------------- lists of bodies
def _apply_lists(doc: Document, ms: list[Mention]) -> list[Mention]:
    t = doc.text
    for intro in (_LIST_INTRO.finditer(t) if ":" in t else ()):  # every list intro ends with a colon
        seg_end = sentence_bounds(doc, intro.start())[1] or len(t)
        close = t.find(")", intro.end(), seg_end)
        if close != -1 and "(" in t[max(0, intro.start() - 80):intro.start()]:
            seg_end = close
        inside = [m for m in ms if intro.end() <= m.start < seg_end]
        rooms = [m for m in inside if m.kind == "room"]
        if rooms:
            parent = rooms[0].extra.get("parent")
            new = []
            for piece, s, e in _pieces(t, intro.end(), seg_end):
                if not piece[0].isupper():
                    break
                if any(m.kind == "room" and s <= m.start < e for m in inside):
                    continue
                if len(piece.split()) <= 6:
                    name = " ".join(piece.split())
                    new.append(Mention(f"{name} {parent}" if parent else name, s, e, "room", prefix=name,
                                       extra={"parent": parent}))
            ms = [m for m in ms if not (m.bare and intro.end() <= m.start < seg_end)] + new
        else:
            for m in inside:
                m.extra["listed"] = True  # a member of the list
                if m.bare in ("list", "province"):
                    m.name = _name(m.prefix, "tỉnh", None)  # "Công an tỉnh"; levelless "Văn phòng Tỉnh ủy"
                    m.level = "tỉnh"
                    m.extra["list_bare"] = True  # its level is the block's (_fill_unnamed)
                    m.bare = None
                    m.extra["listed"] = True
    ms.sort(key=lambda x: (x.start, -x.end))
    return ms


_PLACE_LIST_INTRO = re.compile(r"\b(?:(?:bao\s+)?gom\s+(?:\d+|cac)\s+tinh(?:\s*,\s*thanh(?:\s+pho)?)?|(?:bao\s+)?gom)\s*:\s*")
# "các Văn phòng Đảng ủy: phường A, B", "06 Công an tỉnh: A, B": the body, then its places
_BODY_COLON = re.compile(r"\s*:\s*")


def _apply_place_lists(doc: Document, ms: list[Mention]) -> list[Mention]:
    """A sector's cluster written with its provinces: "Cụm thi đua số 5 Bảo hiểm xã hội Việt Nam
    gồm 6 tỉnh: A, B và C", "Đoàn thanh niên cụm này bao gồm 8 tỉnh, thành: A, B" give the
    body of each province ("Bảo hiểm xã hội tỉnh A")."""
    t, f = doc.text, doc.folded
    new = []
    starts = [(intro.start(), intro.end()) for intro in _PLACE_LIST_INTRO.finditer(f)] if "gom" in f else []
    for m in ms:  # "các Văn phòng Đảng ủy: phường A, B"
        colon = _BODY_COLON.match(f, m.end)
        if m.name is None and m.bare and colon and t[m.end:colon.end()].strip() == ":" \
                and re.search(r"\b(?:cac|\d+)\s+$", f[max(0, m.start - 8):m.start]):
            starts.append((m.end, colon.end()))
    for intro_start, intro_end in sorted(set(starts)):
        s0 = sentence_bounds(doc, intro_start)[0]
        body = next((m for m in reversed(ms) if s0 <= m.start < intro_start and m.end <= intro_start and not m.place
                     and (m.kind in ("central", "national") and m.prefix.endswith(" Việt Nam")
                          or (m.name is None and m.bare))), None)
        if body is None or any(x.start >= intro_end and x.name and x.start < intro_end + 3 for x in ms):
            continue  # no body before the list, or the list names bodies of its own ("gồm: Công an tỉnh, ...")
        prefix = body.prefix[:-len(" Việt Nam")] if body.kind in ("central", "national") else body.prefix
        items, _ = _place_items(doc, intro_end, _written_level(f, body.end, intro_start))
        for level, place, s, e in items:
            new.append(Mention(_name(prefix, level, place), s, e, body.kind if body.kind != "central" else "body",
                               prefix=prefix, level=level, place=place, extra={"listed": True}))
    if not new:
        return ms
    taken = {(m.start, m.end) for m in ms}
    ms = ms + [m for m in new if (m.start, m.end) not in taken]
    ms.sort(key=lambda x: (x.start, -x.end))
    return ms


def _written_level(f: str, a: int, b: int) -> str:
    """The level written between a body and its list ("các thành phố trực thuộc Trung ương" -> TP)."""
    m = re.search(r"\b(tinh|thanh\s+pho|huyen|thi\s+xa|quan|phuong|xa)\b", f[a:b])
    return _LEVEL_NAME[" ".join(m.group(1).split())] if m else "tỉnh"


def _ward_name(text: str, pos: int):
    """A ward's or commune's name: capitalised words, even one that also starts a title
    ("phường Chánh Phú Hòa", not "Chánh án")."""
    run = capitalised_run(text, pos, max_words=3)
    if run is None:
        m = _rx(r"[^\W\d_]+ (?=[A-ZĐÀ-Ỹ])").match(text, pos)
        rest = capitalised_run(text, m.end(), max_words=2) if m and m.group()[0].isupper() else None
        run = (text[pos:rest[1]], rest[1]) if rest else None
    return run


def _place_items(doc: Document, pos: int, level: str):
    """A list of places, each with its level word or the list's ("phường A, B và phường C";
    "Hà Nội, TP.HCM, Huế"): [(level, place, start, end)], end."""
    t, f = doc.text, doc.folded
    current = [level]  # the level written last goes on: "phường A, B và phường C"

    def member(p):
        lm = _LEVEL.match(f, p)
        if lm and t[lm.start():lm.start() + 1].islower() or (lm and lm.group(1) == "tp"):
            current[0] = _LEVEL_NAME[" ".join(lm.group(1).split())]
            p = lm.end()
        lvl = current[0]
        if lvl in ("tỉnh", "TP"):
            pm = match_province(f, p)
            if pm:
                return ("TP" if is_central_city(pm[0]) else "tỉnh"), pm[0], pm[1]
            if lvl == "tỉnh":
                return None
        run = _district_name(t, p, lvl) if lvl not in ("phường", "xã") else _ward_name(t, p)
        return (lvl, run[0], run[1]) if run else None

    return _walk_list(doc, pos, member)


def _pieces(text: str, start: int, end: int):
    pos = start
    for m in re.finditer(r"\s*(?:;|,|\s+và\s+)\s*|$", text[start:end]):
        s, e = pos, start + m.start()
        piece = text[s:e].strip()
        if piece:
            lead = len(text[s:e]) - len(text[s:e].lstrip())
            yield piece, s + lead, s + lead + len(piece)
        pos = start + m.end()
        if m.end() == m.start():
            break


# --------------------------------------------------------------------------- participation
TITLE_BEFORE = re.compile(
    r"(?:pho\s+)?(?:vien\s+truong|chanh\s+an|giam\s+doc|thu\s+truong|vu\s+truong|cuc\s+truong|chanh\s+van\s+phong"
    r"|truong\s+phong|chanh\s+thanh\s+tra|chu\s+tich|bi\s+thu|truong\s+ban|truong|tong)(?:\s+thuong\s+truc|\s+phu\s+trach)?\s*,?\s*$")
_CLUSTER_BEFORE = re.compile(r"(?:\b(?:cum|khoi)(?:\s+thi\s+dua)?(?:\s+so)?\s*[\divx]*)\s*[-–,]?\s*$")
_COUNCIL_BEFORE = re.compile(r"hoi\s+dong(?:\s+thi\s+dua)?\s*[-–,]?\s*(?:khen\s+thuong)?(?:\s+nganh)?\s*$")
# a newspaper named only as where something is published: "đăng trên Báo X hoặc Tạp chí Y"
_PUBLISHED_IN = re.compile(r"\b(?:tren|dang\s+tai|dang)\s+(?:(?:bao|tap\s+chi|trang)\b[^.;]{0,60}?(?:,|\bhoac\b|\bva\b)\s*)?$")
_CITED_BEFORE = re.compile(r"\b(?:cua|thuoc|(?<!trong\s)do|theo|de\s+nghi|de\s+xuat|trinh|huong\s+dan)\s*$")
_RECEIVES_AFTER = re.compile(r"\s*(?:duoc|nhan|dat|la\s+don\s+vi)\b")
_PERSON_MARK = re.compile(r"[Đđ]ồng\s+chí|\b(?:Đại|Thượng|Trung|Thiếu)\s+(?:tướng|tá|úy)\b|\b(?:[Ôô]ng|[Bb]à)\s+[A-ZĐÀ-Ỹ]")
_NAME_AFTER = re.compile(r"\s*,?\s*(?:[A-ZĐÀ-Ỹ][^\W\d_]*\s){1,3}[A-ZĐÀ-Ỹ][^\W\d_]*")


def quote_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in re.finditer(r"“[^”\n]{0,400}(?:”|(?=\n)|$)", text):
        spans.append((m.start(), m.end()))
    return spans


def trailer_start(doc: Document) -> int:
    """Where the page's trailer begins ("Tin khác", "Tin liên quan"): facts after it are not the article's."""
    lines = _trailer_lines()
    longest = max(len(l) for l in lines) + 4
    out = len(doc.text)
    floor = int(len(doc.text) * 0.3)
    for m in re.finditer(r"[^\n]+", doc.folded):
        if m.start() < floor or m.end() - m.start() > longest:
            continue
        key = m.group().strip().rstrip(":.").strip()
        if key in lines:
            out = m.start()
            break
    return out


def sentence_bounds(doc: Document, pos: int) -> tuple[int, int]:
    """(start, end) of the sentence holding ``pos``, or (pos, pos) between sentences."""
    sent = doc.sentence_at(pos)
    return (sent.start, sent.end) if sent else (pos, pos)


class Index:
    """Mentions sorted by start with bisection, for windows of a long text."""

    def __init__(self, ms: list["Mention"]):
        import bisect
        self.ms = ms
        self.starts = [m.start for m in ms]
        self._bisect = bisect.bisect_left

    def between(self, a: int, b: int) -> list["Mention"]:
        return self.ms[self._bisect(self.starts, a):self._bisect(self.starts, b)]




def _mark_participants(doc: Document, ms: list[Mention]) -> None:
    t, f = doc.text, doc.folded
    quotes = quote_spans(t)
    cut = trailer_start(doc)
    for m in ms:
        if m.name is None:
            m.participant = False
            continue
        if m.start >= cut or any(a < m.start < b for a, b in quotes):
            m.participant = False
            continue
        s0, s1 = sentence_bounds(doc, m.start)
        if s1 <= s0:
            s0 = max(0, m.start - 200)
        before = f[max(s0, m.start - 80):m.start]
        cited = _CITED_BEFORE.search(before)
        if cited and cited.group().startswith("de") and _RECEIVES_AFTER.match(f, m.end):
            cited = None  # "đề nghị Sở Tư pháp tỉnh X được nhận Bằng khen": a recipient, not a citation
        if _CLUSTER_BEFORE.search(before) or _COUNCIL_BEFORE.search(before) or cited or (
                re.match(r"(?:Báo|Tạp\s+chí)\s", m.name) and _PUBLISHED_IN.search(before)):
            m.participant = False
            continue
        tb = TITLE_BEFORE.search(before)
        person = False
        if tb:
            title_at = m.start - (len(before) - tb.start())
            clause_start = max(t.rfind(";", s0, title_at), t.rfind(":", s0, title_at), s0)
            person = bool(_PERSON_MARK.search(t[clause_start:title_at])) or _name_follows(t, m.end) \
                or _name_precedes(t[clause_start:title_at])
            # "Giám đốc Sở Tư pháp tỉnh X được cử là Trưởng Khu vực": the unit acts through its
            # head; "chỉ đạo của Viện trưởng VKSND tối cao" only cites it
            acting = not person and m.level != "tối cao" and m.kind != "central" and _ACTS_AFTER.match(f, m.end)
            if (not person and not acting) or _OF_BEFORE.search(f, max(s0, title_at - 20), title_at):
                m.participant = False
                continue
        if m.extra.get("needs_person") and not person and not m.extra.get("listed"):
            # party committees and local government take part through a named leader only
            # ("tham mưu Tỉnh ủy, UBND tỉnh" names no participant)
            m.participant = False
            m.extra["no_person"] = True
            continue
        if m.level == "tối cao" and m.kind not in ("vu", "cuc", "office"):
            # The Supreme Procuracy issues directives in almost every article; it takes part
            # when one of its leaders does, or when it is the sentence's subject.
            if not (person or m.start - s0 <= 2):
                m.participant = False
    # a member that took part (listed, or through its leader) takes part wherever it is named
    # again ("suy tôn Ban Dân vận Tỉnh ủy dẫn đầu")
    taking_part = {m.name for m in ms if m.participant and m.extra.get("needs_person")}
    for m in ms:
        if m.extra.get("no_person") and m.name in taking_part:
            m.participant = True


# "của (Bộ) trưởng ...": the title of an issuer, not of a participant
_OF_BEFORE = re.compile(r"\bcua\s+(?:[a-z]+\s+){0,2}$|\bcua$")
_ACTS_AFTER = re.compile(r"\s*(?:da\s+|duoc\s+|se\s+)?(?:duoc\s+)?"
                         r"(?:cu|bau|chu\s+tri|phat\s+bieu|bao\s+cao|trinh\s+bay|tham\s+du|du\b|lam\b|nhan\b)")
_NAME_BEFORE = re.compile(r"(?:^|[\s:;,])((?:[A-ZĐÀ-Ỹ][^\W\d_]*\s){1,3}[A-ZĐÀ-Ỹ][^\W\d_]*)\s*[,\-–]\s*$")


def _name_precedes(text: str) -> bool:
    """"Nguyễn Văn A, Chủ tịch ...": a person's name then the title."""
    from .gazetteer import name_words
    m = _NAME_BEFORE.search(text)
    return bool(m and fold(m.group(1).split()[0]) in name_words()["surnames"])


def _name_follows(text: str, pos: int) -> bool:
    from .gazetteer import name_words
    m = _NAME_AFTER.match(text, pos)
    if not m:
        return False
    first = m.group().strip(" ,").split()[0]
    return fold(first) in name_words()["surnames"]


_HOME_AFTER_CLUSTER = re.compile(r"\b(?:cum|khoi)\b[^.;\n]{0,70}?\b(tinh|thanh\s+pho|tp\.?|huyen|thi\s+xa)\s+")
_PROVINCIAL_KINDS = ("vks", "court", "police", "dept", "military", "board", "gov", "party", "mass", "cuc", "body", "press",
                     "school")


def _home_places(doc: Document, ms: list[Mention]) -> dict:
    """The province and district the article is about: {"tỉnh": (level, place), "huyện": (level, place)}.

    The place written with the cluster or block ("Khối thi đua Nội chính tỉnh Lào Cai") wins;
    otherwise the one province (district) that the article's placed bodies all share.
    """
    t, f = doc.text, doc.folded
    home: dict = {}
    for m in _HOME_AFTER_CLUSTER.finditer(f):
        word = " ".join(m.group(1).rstrip(".").split())
        if word in ("huyen", "thi xa"):
            run = _district_name(t, m.end(), _LEVEL_NAME[word])
            if run and "huyện" not in home:
                home["huyện"] = (_LEVEL_NAME[word], run[0])
            continue
        pm = match_province(f, m.end())
        if pm and "tỉnh" not in home:
            home["tỉnh"] = ("TP" if is_central_city(pm[0]) else "tỉnh", pm[0])
            home["from_cluster"] = True
    provinces, districts = set(), set()
    for m in ms:
        if not (m.name and m.place and m.kind in _PROVINCIAL_KINDS):
            continue
        if m.level == "tỉnh" or (m.level == "TP" and is_central_city(m.place)):
            provinces.add((m.level, m.place))
        elif m.level in ("huyện", "thị xã"):
            districts.add((m.level, m.place))
    if "tỉnh" not in home and len(provinces) == 1:
        home["tỉnh"] = next(iter(provinces))
    if "huyện" not in home and len(districts) == 1:
        home["huyện"] = next(iter(districts))
    return home


_NAMED_PLACE_KINDS = ("vks", "court", "police", "dept", "military", "board", "gov", "party")


def _fill_unnamed(doc: Document, ms: list[Mention]) -> None:
    """"VKSND tỉnh" in an article about one province's procuracy is that procuracy."""
    named: dict[str, set] = {}
    for m in ms:
        provincial = m.level == "tỉnh" or (m.level == "TP" and is_central_city(m.place or ""))
        if m.name and m.place and provincial and m.kind in _NAMED_PLACE_KINDS:
            named.setdefault(m.prefix, set()).add((m.level, m.place))
    for m in ms:
        if m.name and m.level == "TP" and m.place is None:
            places = {x for x in named.get(m.prefix, set()) if x[0] == "TP"}
            if len(places) == 1:
                m.place = next(iter(places))[1]
                m.name = _name(m.prefix, "TP", m.place)
            else:
                m.name = None  # "thành phố" of no centrally-run city named
    home = _home_places(doc, ms)
    if home.get("huyện") and not home.get("from_cluster") and not any(
            m.place and m.kind in ("vks", "court", "police") and m.level in ("tỉnh", "TP") for m in ms):
        # a district's block ("khối nội chính của huyện"): its members are the district's bodies
        for m in ms:
            if m.extra.get("list_bare") and m.prefix not in _levelless():
                m.level, m.place = home["huyện"]
                m.name = _name(m.prefix, m.level, m.place)
    for m in ms:
        if m.name and m.level == "tỉnh" and m.place is None:
            places = named.get(m.prefix, set())
            if len(places) == 1:
                level, place = next(iter(places))
            elif home.get("tỉnh"):
                # the contract: a provincial body written without its province takes the
                # province the article names as the home of its block or host
                level, place = home["tỉnh"]
            else:
                continue
            m.level, m.place = level, place
            m.name = _name(m.prefix, level, place)
        elif m.name and m.level in ("huyện", "thị xã") and m.place is None and home.get("huyện"):
            m.level, m.place = home["huyện"]
            m.name = _name(m.prefix, m.level, m.place)
    # "Văn phòng VKSND tỉnh", "Phòng 7 VKSND tỉnh": the sub-unit of that procuracy
    places = named.get("VKSND", set())
    if len(places) == 1:
        level, place = next(iter(places))
        for m in ms:
            if m.kind in ("office", "room") and m.extra.get("parent") == "VKSND tỉnh" and m.name:
                parent = _name("VKSND", level, place)
                m.name = f"{m.prefix} {parent}"
                m.extra["parent"] = parent


# --------------------------------------------------------------------------- API
def read_mentions(doc: Document) -> list[Mention]:
    """Every unit mention, participant or not, in text order (officials, awards and roles read them)."""
    ms = _scan(doc)
    ms = _apply_lists(doc, ms)
    ms = _apply_place_lists(doc, ms)
    _fill_unnamed(doc, ms)
    _mark_participants(doc, ms)
    return ms


def as_dict(doc: Document, m: Mention) -> dict:
    return {"name": m.name, "start": m.start, "end": m.end, "surface": doc.text[m.start:m.end],
            "evidence": doc.evidence(m.start, m.end).as_dict()}


def find_units(doc: Document, mentions: list[Mention], role_holders: frozenset = frozenset()) -> list[dict]:
    """The units taking part in the event, as dicts with their evidence; a unit that leads the
    cluster (``role_holders``, from :func:`extract.roles.find_roles`) takes part wherever named."""
    return [as_dict(doc, m) for m in mentions if m.name and (m.participant or m.name in role_holders)]
