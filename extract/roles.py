"""Cluster leadership by year: Cụm trưởng, Cụm phó, Khối trưởng, Khối phó.

A role word ("Cụm trưởng", "đơn vị Cụm phó", "Trưởng Khối", "Phó Trưởng Khối") is tied to
a unit written
- before it, with nothing but a link between them: "VKSND tỉnh X được chỉ định làm đơn vị
  Cụm trưởng", "VKSND huyện X - đơn vị Cụm trưởng", "Viện cấp cao 3 là Cụm phó", or the
  unit of the person it describes ("đồng chí X – Viện trưởng VKSND tỉnh Y – Cụm trưởng");
- after it: "bầu đơn vị Cụm trưởng ... năm 2018 là Công an tỉnh X", "Là đơn vị Khối trưởng
  ..., đồng chí X – Trưởng phòng 11 VKSND TP Y".
The year is the one written with the role ("Khối trưởng Khối thi đua số 2 năm 2024"), else
one written earlier in the clause ("Do năm 2023 Viện cấp cao 3 là Cụm phó"), else the
article's. The cluster is the one named right after the role, else the article's main one.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Optional

from . import scan
from .text import Document
from .units import TITLE_BEFORE, Mention, trailer_start, sentence_bounds, Index

_ROLE = re.compile(r"\b(pho\s+truong\s+(?:khoi|cum|khu\s+vuc)|pho\s+(?:khoi|cum)\s+truong|truong\s+(?:khoi|cum|khu\s+vuc)"
                   r"|khoi\s+truong|khoi\s+pho|cum\s+truong|cum\s+pho)\b")
# "Trưởng cụm", "Phó Cụm trưởng", "Phó trưởng Khu vực": the contract's four roles. A region
# ("Khu vực thi đua") is led like a cluster: its role takes the article's cluster kind.
_ROLE_NAME = {"pho truong khoi": "Khối phó", "pho khoi truong": "Khối phó", "truong khoi": "Khối trưởng",
              "khoi truong": "Khối trưởng", "khoi pho": "Khối phó", "cum truong": "Cụm trưởng", "cum pho": "Cụm phó",
              "truong cum": "Cụm trưởng", "pho truong cum": "Cụm phó", "pho cum truong": "Cụm phó",
              "truong khu vuc": "trưởng", "pho truong khu vuc": "phó"}
# What may stand between a unit and its role (folded text).
_LINK_BEFORE = re.compile(
    r"\s*[,\-–(]?\s*(?:\(?\s*)?(?:(?:duoc|da\s+duoc|se)\b[^,;.]{0,45}?)?\s*(?:dai\s+dien\s+(?:cho\s+)?)?"
    r"(?:(?:voi|trong)\s+(?:tu\s+cach|vai\s+tro)(?:\s+la)?|giu\s+vai\s+tro(?:\s+la)?|la|lam|giu|dam\s+nhiem|/)?\s*(?:don\s+vi)?\s*")
_LINK_AFTER = re.compile(r"[^;.]{0,80}?\bla\s+$")
_AS_ROLE_BEFORE = re.compile(r"\b(?:voi|trong)\s+(?:vai\s+tro|tu\s+cach)(?:\s+la)?\s*(?:don\s+vi)?\s*$")
_COMMA_THEN = re.compile(r"(?:\s*(?:cum|khoi)(?:\s+thi\s+dua)?(?:\s+so)?\s*\w+)?[^;.,]{0,40}?,\s*")
_HANDOVER_BEFORE = re.compile(r"\bban\s+giao(?:\s+(?:nhiem\s+vu|vai\s+tro|co))?(?:\s+(?:don\s+vi))?\s*$")
_HANDED_TO = re.compile(r"[^;.]{0,60}?\bcho\s+$")
_PERSON_DESC = re.compile(r"^[^;.]{0,120}$")
_YEAR_AFTER = re.compile(r"(?:\s*(?:cum|khoi)(?:\s+thi\s+dua)?(?:\s+so)?\s*[\w]+)?[^;.]{0,40}?\bnam\s+(\d{4})")
_YEAR = re.compile(r"\bnam\s+(\d{4})\b")
# an election or a hand-over gives the role for the year to come ("bầu Công an tỉnh X làm Cụm trưởng")
_ELECTED = re.compile(r"\b(?:bau|ban\s+giao|de\s+cu|suy\s+ton|thong\s+nhat\s+chon|lua\s+chon|gioi\s+thieu)\b")
# A person's name between a unit and a role: "Viện trưởng VKSND tỉnh X Nguyễn Văn A, Cụm trưởng"
_NAME_GAP = re.compile(r"\s+(?:[A-ZĐÀ-Ỹ][^\W\d_]*\s){1,3}[A-ZĐÀ-Ỹ][^\W\d_]*\s*[,\-–]\s*")


def _coordinated_year(f: str, pos: int, clause_end: int) -> Optional[int]:
    """"A là Cụm trưởng và B là Cụm phó Cụm thi đua số 7 năm 2020": pairs in one clause share the year."""
    p = pos
    last = None
    while True:
        nxt = _ROLE.search(f, p, min(clause_end, p + 90))
        if not nxt or not re.search(r",|\bva\b", f[p:nxt.start()]):
            break
        last = nxt
        p = nxt.end()
    if last is None:
        return None
    ym = _YEAR_AFTER.match(f, last.end(), clause_end)
    return int(ym.group(1)) if ym else None


def _sentence_end(t: str, end: int) -> int:
    """Some sites break lines inside a sentence: a line without final punctuation goes on."""
    for _ in range(2):
        if end < len(t) and t[end - 1] not in ".!?…:;" and t[end:end + 1] == "\n":
            nxt = t.find("\n", end + 1)
            end = len(t) if nxt == -1 else nxt
    return end


def _cluster_name(clusters: list[dict], pos: int, default: Optional[str]) -> Optional[str]:
    for c in clusters:
        if pos <= c.get("start", -1) <= pos + 3:
            return c.get("name")
    return default


def find_roles(doc: Document, mentions: list[Mention], clusters: list[dict], year: Optional[int],
               elected_year: Optional[int] = None) -> list[dict]:
    """Cluster leadership by year (``mentions``: every unit mention, :func:`extract.units.read_mentions`).
    A role written without its year is held in ``year``, or, when the unit is elected or handed the
    role, in ``elected_year`` (:func:`extract.event.role_years`)."""
    t, f = doc.text, doc.folded
    if not t.strip():
        return []
    # a national body (a ministry) owns clusters, it does not lead one: "được Bộ Công an phân công là đơn vị Cụm trưởng"
    mentions = [m for m in mentions if m.name and m.kind != "central" and m.level != "tối cao"
                or (m.name and m.kind in ("vu", "cuc"))]
    index = Index(mentions)
    cut = trailer_start(doc)
    counts = Counter(c.get("name") for c in clusters or [] if c.get("name"))
    main = counts.most_common(1)[0][0] if counts else None
    out: list[dict] = []
    seen = set()
    for rm in scan.finditer(_ROLE, f):
        if rm.start() >= cut:
            break
        s0, s1 = sentence_bounds(doc, rm.start())
        if s1 <= s0:
            continue
        s1 = _sentence_end(t, s1)
        clause0 = max(t.rfind(";", s0, rm.start()) + 1, s0)
        nxt = t.find(";", rm.end(), s1)
        clause1 = s1 if nxt == -1 else nxt
        role = _ROLE_NAME[" ".join(rm.group(1).split())]
        if role in ("trưởng", "phó"):
            kind = "Khối" if main and main.startswith("Khối") else "Cụm"
            role = f"{kind} {role}"
        unit: Optional[Mention] = None
        after = index.between(rm.end(), clause1)
        if after and _LINK_AFTER.fullmatch(f[rm.end():after[0].start]):
            unit = after[0]  # "đơn vị Cụm phó là Công an tỉnh X"
        elif after and _AS_ROLE_BEFORE.search(f, clause0, rm.start()) and _COMMA_THEN.fullmatch(f[rm.end():after[0].start]):
            unit = after[0]  # "Với vai trò đơn vị Cụm trưởng, Công an tỉnh X ..."
        elif after and _HANDOVER_BEFORE.search(f, clause0, rm.start()) and _HANDED_TO.fullmatch(f[rm.end():after[0].start]):
            unit = after[0]  # "bàn giao cụm trưởng cụm thi đua năm 2020 cho Bộ CHQS tỉnh X"
        before = [m for m in index.between(clause0, rm.start()) if m.end <= rm.start()]
        if before and unit is None:
            last = before[-1]
            gap = f[last.end:rm.start()]
            if _LINK_BEFORE.fullmatch(gap):
                unit = last
            elif _PERSON_DESC.match(gap) and re.search(r"[Đđ]ồng\s+chí|(?:tướng|tá)\s", t[clause0:last.start]) and \
                    re.fullmatch(r"\s*[,\-–]\s*", gap):
                unit = last
            elif _NAME_GAP.fullmatch(t[last.end:rm.start()]) and TITLE_BEFORE.search(f[max(clause0, last.start - 40):last.start]):
                # "Viện trưởng VKSND tỉnh X Nguyễn Văn A, Cụm trưởng ...": the person's unit
                unit = last
        if unit is None:
            if after and re.match(r"\s*(?:la\s+)?(?:don\s+vi\s+)?$", f[clause0:rm.start()].lower()) and \
                    re.search(r"[Đđ]ồng\s+chí", t[rm.end():after[0].start]):
                # "Là đơn vị Khối trưởng ..., đồng chí X – Trưởng phòng 11 VKSND TP Y"
                unit = after[0]
        if unit is None:
            continue
        ym = _YEAR_AFTER.match(f, rm.end(), clause1)
        coordinated = _coordinated_year(f, rm.end(), clause1)
        if ym and not any(m is not unit for m in index.between(rm.end(), ym.start(1))):
            yr = int(ym.group(1))
        elif coordinated:
            yr = coordinated
        else:
            years = _YEAR.findall(f, clause0, min(rm.start(), unit.start))
            elected = elected_year is not None and _ELECTED.search(f, max(clause0, min(rm.start(), unit.start) - 60),
                                                                    rm.start())
            yr = int(years[-1]) if years else (elected_year if elected else year)
        cluster = _cluster_name(clusters or [], rm.end() + 1, main)
        key = (unit.name, role, yr)
        if key in seen:
            continue
        seen.add(key)
        out.append({"unit": unit.name, "role": role, "cluster": cluster, "year": yr,
                    "evidence": doc.evidence(min(unit.start, rm.start()), max(unit.end, rm.end())).as_dict()})
    return out
