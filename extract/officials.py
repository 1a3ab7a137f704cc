"""Named officials with title, unit and role.

Patterns (titles, party posts and ranks are in ``data/titles.yml``):
- a person then a description: "đồng chí X, Title Unit", "Đồng chí X - Title Unit - Cụm
  trưởng ...", "Trung tướng X, Title Unit", "X - Title Unit"; party posts before the
  position are skipped ("Đồng chí X, Ủy viên Ban cán sự Đảng, Phó Viện trưởng ...");
- a title then a person: "Phó Viện trưởng VKSND tối cao Nguyễn Hải Trâm".
A title written without its unit ("đồng chí X - Phó Viện trưởng dự hội nghị") takes the
nearest unit of a fitting kind in the same sentence. Names are 2–4 capitalised words that
begin with a family name, or that underthesea tags as a proper noun (:mod:`extract.nlp`).
Bylines and slogans carry no title, so they never match. One entry per person.
Titles and party posts are found once per article by the spaCy PhraseMatcher of
:mod:`extract.gazetteer` (accent- and case-insensitive, spans with offsets).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from ._data import load
from .gazetteer import Phrases, PhraseHits, capitalised_run, name_words, phrase_key
from .normalize import fold
from .text import Document
from .units import Mention, quote_spans, trailer_start, sentence_bounds, Index

_SEP = re.compile(r"\s*[,\-–—]\s*")
_KINDS = {"vks": {"vks"}, "vu": {"vu"}, "cuc": {"cuc", "dept"}, "office": {"office", "vks", "room"},
          "inspect": {"room", "vks", "body"}, "court": {"court"}, "police": {"police"},
          "dept": {"dept", "police"}, "room": {"room", "vu", "cuc"}, "board": {"board"}, "military": {"military"},
          "school": {"body"}, "press": {"body"}, "gov": {"gov", "mass"}, "party": {"party"},
          "central": {"central"}, "national": {"national", "cuc", "dept"}, "mass": {"mass"}}


_ACT_WORD = re.compile(r"(?:phat|chu|du|tham|bao|trinh|trao|nhan|ket|khai|chi|da|duoc|cung|va|la|tai|dong)\b")
_TITLE_TO_NAME = re.compile(r"\s*,\s*(?:[Ôô]ng|[Bb]à|[Đđ]ồng\s+chí)\s+|\s+")
_RECEIVES_BEFORE = re.compile(r"\b(?:tang|cho|trao\s+cho|ca\s+nhan)\s*(?:cac\s+)?$|\bva\s+$")


def _fpat(s: str) -> str:
    return r"\s+".join(re.escape(w) for w in fold(s).split())


@lru_cache(maxsize=1)
def _vocab() -> dict:
    # Titles and party posts are found by the spaCy PhraseMatcher (extract.gazetteer.find_phrases).
    d = load("titles.yml")
    positions: dict[str, list] = {}
    for p in d["positions"]:  # "Thứ trưởng" and "Thủ trưởng" fold alike: both kept, told apart by accents
        positions.setdefault(phrase_key(p["title"]), []).append(p)
    ranks = "|".join(r"\s+".join(map(re.escape, r.split())) for r in d["ranks"])
    anchor = re.compile(r"(?:\b[Đđ]ồng\s+chí|(?<![\w])(?:[Ôô]ng|[Bb]à|" + ranks + r"))\s+(?=[A-ZĐÀ-Ỹ])")
    acts = [(role, re.compile(r"\s*(?:" + "|".join(_fpat(v) for v in verbs) + r")\b")) for role, verbs in d["acts"].items()]
    return {"positions": positions, "anchor": anchor, "acts": acts}


def _title(span) -> tuple[dict, int, int]:
    """(position from titles.yml, start, end) of a TITLE span."""
    found = _vocab()["positions"][" ".join(t.norm_ for t in span)]
    written = " ".join(span.text.lower().split())
    best = next((p for p in found if p["title"].lower() == written), found[0])
    return best, span.start_char, span.end_char


def _title_at(titles: PhraseHits, pos: int) -> Optional[tuple[dict, int, int]]:
    """The title starting exactly at ``pos``, longest first ("Phó Viện trưởng Thường trực")."""
    span = titles.at(pos)
    return _title(span) if span is not None else None


@lru_cache(maxsize=1)
def _honorifics() -> frozenset:
    return frozenset(load("names.yml").get("honorifics", []))


def _valid_name(doc: Document, start: int, end: int, tag: bool = True) -> bool:
    """A plausible person's name: a known family name first, else (if ``tag``) underthesea says Np."""
    name = doc.text[start:end]
    words = name.split()
    if not 2 <= len(words) <= 4:
        return False
    nw = name_words()
    if fold(name) in nw["not_officials"] or words[0] in nw["not_name_start"]:
        return False
    if len(words) >= 3 and words[0] in _honorifics():
        return False  # "Ông Nguyễn Văn A": the name starts after the honorific
    if fold(words[0]) in nw["surnames"]:
        return True
    if not tag:
        return False
    s0, s1 = sentence_bounds(doc, start)
    if s1 <= s0:
        return False
    from .nlp import is_proper_noun
    return bool(is_proper_noun(doc.text[s0:s1], start - s0, end - s0))


def _starts_phrase(doc: Document, at: int) -> bool:
    """Whether the capitalised word at ``at`` begins a longer phrase (a title or a body: its next
    word is written in lower case, "Giám đốc", "Cục trưởng"), not a given name ending a sentence."""
    nxt = re.compile(r"[^\W\d_]+ ([^\W\d_]+)").match(doc.text, at)
    return bool(nxt and nxt.group(1)[0].islower() and not _ACT_WORD.match(doc.folded, nxt.start(1)))


def _name_at(doc: Document, pos: int, titles: PhraseHits) -> Optional[tuple[int, int]]:
    run = capitalised_run(doc.text, pos, max_words=4, kind="name")
    if not run:
        return None
    end = run[1]
    # "Nguyễn Văn A Phó Viện trưởng": never swallow a title word
    words = run[0].split()
    nw = name_words()
    stop = nw["not_name_start"]
    for i, w in enumerate(words):
        # "Ngô Thanh Bình", "Đào Công Hưng": some of those words are also common in names;
        # the last word ends the name only where a title begins ("Nguyễn Văn A Phó Viện trưởng",
        # not "Bùi Minh Giám phát biểu", "Trần Quân;")
        at = pos + len(" ".join(words[:i])) + (1 if i else 0)
        if i and w in stop and (w not in nw["name_syllables"] if i < len(words) - 1 else
                                (titles.at(at) is not None or w not in nw["name_syllables"] and _starts_phrase(doc, at))):
            end = pos + len(" ".join(words[:i]))
            break
    return (pos, end) if _valid_name(doc, pos, end) else None


def _name_before(doc: Document, end: int, floor: int) -> Optional[tuple[int, int]]:
    """The person's name ending at ``end`` (walk back over capitalised words)."""
    t = doc.text
    words = list(re.finditer(r"[^\W\d_]+", t[max(floor, end - 60):end]))
    base = max(floor, end - 60)
    if not words or base + words[-1].end() != end:
        return None
    starts = []
    for k in range(1, min(4, len(words)) + 1):
        ws = words[-k:]
        if not all(w.group()[0].isupper() for w in ws):
            break
        if any(t[base + a.end():base + b.start()] != " " for a, b in zip(ws, ws[1:])):
            break
        if k >= 2:
            starts.append(base + ws[0].start())
    # Longest first. Tagging costs ~20 ms a sentence, so ask underthesea only when
    # no candidate begins with a known family name.
    for tag in (False, True):
        for s in reversed(starts):
            if _valid_name(doc, s, end, tag=tag):
                return (s, end)
    return None


def _unit_for(title: dict, te: int, ts: int, mentions: list[Mention], clause: tuple[int, int],
              sent: tuple[int, int], name_start: int) -> tuple[Optional[Mention], bool]:
    """The unit of a title: written right after it, else the nearest fitting one."""
    kinds = set()
    for h in title["heads"]:
        kinds |= _KINDS.get(h, set()) if h != "any" else {"*"}
    if not title["heads"]:
        return None, False
    for m in mentions:
        if ts < m.start and m.start <= te + 3 or (m.start < te <= m.end and m.start > ts):
            # "Viện trưởng Viện 1": a department of a high-level procuracy has its own Viện trưởng
            # a title of the procuracy written with a room: "Kiểm sát viên Phòng 3 VKSND tỉnh X"
            if m.name and ("*" in kinds or m.kind in kinds or ("vks" in kinds and m.kind == "room")):
                return m, True
    after = [m for m in mentions if te <= m.start < clause[1] and m.name and ("*" in kinds or m.kind in kinds)]
    if after:
        return after[0], False
    before = [m for m in mentions if sent[0] <= m.start and m.end <= name_start and m.name
              and ("*" in kinds or m.kind in kinds)]
    if before:
        return before[-1], False
    return None, False


def _clause_end(t: str, pos: int, sent_end: int) -> int:
    # Some sites break lines inside a sentence: a line without final punctuation goes on.
    for _ in range(2):
        if sent_end < len(t) and t[sent_end - 1] not in ".!?…:;" and t[sent_end:sent_end + 1] == "\n":
            nxt = t.find("\n", sent_end + 1)
            sent_end = len(t) if nxt == -1 else nxt
    m = re.compile(r"[;]|[Đđ]ồng\s+chí").search(t, pos, sent_end)
    return m.start() if m else sent_end


class _People:
    """The people found so far, one entry per name: a later mention adds what an earlier lacked."""

    _CLUSTER_TITLES = {"Cụm trưởng", "Cụm phó", "Khối trưởng", "Khối phó", "Trưởng Khối", "Phó Trưởng Khối"}

    def __init__(self, doc: Document, acts: list, quotes: list):
        self.doc, self.acts, self.quotes = doc, acts, quotes
        self.found: dict[str, dict] = {}
        self.order: list[str] = []

    def record(self, ns: int, ne: int, title: Optional[dict], unit: Optional[Mention], direct: bool, desc_end: int) -> None:
        t, f = self.doc.text, self.doc.folded
        name = " ".join(t[ns:ne].split())
        if any(a < ns < b for a, b in self.quotes):
            return
        title_text = title["title"] if title else None
        if title_text == "Phó Viện trưởng phụ trách" and not direct:
            title_text = "Phó Viện trưởng"
        role = next((r for r, rx in self.acts if rx.match(f, desc_end)), None)
        entry = {"name": name, "title": title_text, "unit": unit.name if unit else None,
                 **({"role": role} if role else {}),
                 "evidence": self.doc.evidence(ns, max(desc_end, ne)).as_dict()}
        key = fold(name)
        old = self.found.get(key)
        if old is None:
            self.found[key] = entry
            self.order.append(key)
            return
        cluster_titles = self._CLUSTER_TITLES
        if (old["title"] is None or old["title"] in cluster_titles) and title_text and title_text not in cluster_titles:
            old["title"], old["unit"] = title_text, entry["unit"]
        elif entry["unit"] and (old["unit"] is None or (old["unit"].endswith(" tỉnh") and entry["unit"].startswith(old["unit"]))):
            if old["title"] == title_text or title_text is None or old["title"] is None:
                old["unit"] = entry["unit"]
        if "role" not in old and role:
            old["role"] = role

    def known(self, ns: int, ne: int) -> bool:
        return fold(" ".join(self.doc.text[ns:ne].split())) in self.found

    def add_role(self, ns: int, ne: int, role: str) -> None:
        self.found[fold(" ".join(self.doc.text[ns:ne].split()))].setdefault("role", role)

    def result(self) -> list[dict]:
        return [self.found[k] for k in self.order]


def find_officials(doc: Document, mentions: list[Mention], phrases: Phrases) -> list[dict]:
    """Named people acting in the event, with their title and its unit (``mentions``: every unit
    mention of the article, :func:`extract.units.read_mentions`)."""
    t = doc.text
    if not t.strip():
        return []
    v = _vocab()
    index = Index([m for m in mentions if m.name])
    cut = trailer_start(doc)
    people = _People(doc, v["acts"], quote_spans(t))
    for sent in doc.sentences:
        if sent.start >= cut:
            break
        if not phrases.titles.any(sent.start, sent.end):
            continue
        near = index.between(sent.start, _clause_end(t, sent.end - 1, sent.end) + 1)
        used = _person_first(doc, sent, near, phrases, v["anchor"], people)
        _title_first(doc, sent, near, phrases.titles, used, people)
    _record_untitled(doc, v, cut, people, phrases.titles)
    return people.result()


def _person_first(doc: Document, sent, mentions: list[Mention], phrases: Phrases, anchor: re.Pattern,
                  people: _People) -> set[int]:
    """"đồng chí X, ...", "Trung tướng X, ...", "X - Title": the name, then its title and unit.
    Returns the starts of the titles it used."""
    t = doc.text
    titles, party = phrases.titles, phrases.party
    used_titles: set[int] = set()
    starts = []
    for a in anchor.finditer(t, sent.start, sent.end):
        nm = _name_at(doc, a.end(), titles)
        if nm:
            starts.append(nm)
    for tm in titles.scan(sent.start, sent.end):
        sep = re.search(r"\s*[,\-–—]\s*$", t[sent.start:tm.start_char])
        name_end = tm.start_char - len(sep.group()) if sep else -1
        # "VKSND tỉnh Tây Ninh - Cụm trưởng": a unit, not a person, precedes the title
        if sep and not any(m.start < name_end <= m.end for m in mentions):
            # the name never reaches back into a unit ("VKSND tỉnh Gia Lai Rơ Mah Tuấn")
            floor = max([m.end for m in mentions if m.end <= name_end] + [sent.start])
            nm = _name_before(doc, name_end, floor)
            if nm and nm not in starts:
                starts.append(nm)
    for ns, ne in sorted(set(starts)):
        if any(m.start <= ns and ne <= m.end for m in mentions):
            continue  # a place inside a unit's name ("VKSND tỉnh Phú Thọ - Cụm trưởng")
        title = _title_after_name(t, ne, sent.end, titles, party)
        if not title:
            continue
        td, ts, te = title
        # "Vụ trưởng Vụ trưởng Vụ 12": a repeated title is one
        again = _title_at(titles, te + 1) if te < len(t) else None
        if again and again[0]["title"] == td["title"]:
            used_titles.add(te + 1)
            te = again[2]
        used_titles.add(ts)
        clause = (te, _clause_end(t, te, sent.end))
        unit, direct = _unit_for(td, te, ts, mentions, clause, (sent.start, sent.end), ns)
        people.record(ns, ne, td, unit, direct, unit.end if (unit and direct) else te)
    return used_titles


def _title_after_name(t: str, p: int, sent_end: int, titles: PhraseHits, party: PhraseHits):
    """The position written after a name, over party posts ("X, Ủy viên Ban cán sự Đảng, Phó Viện
    trưởng ..."); a party post is the position only when no other follows."""
    fallback = None
    for _ in range(5):
        s = _SEP.match(t, p)
        if not s:
            break
        p = s.end()
        tt = _title_at(titles, p)
        pm = party.at(p)
        if tt and not tt[0].get("party") and not (pm and pm.end_char > tt[2]):
            return tt
        if tt and fallback is None:
            fallback = tt
        if not pm and not tt:
            break
        semi = t.find(";", p, sent_end)
        nxt = _SEP.search(t, max(pm.end_char if pm else 0, tt[2] if tt else 0), sent_end if semi == -1 else semi)
        if not nxt:
            break
        p = nxt.start()
    return fallback


def _title_first(doc: Document, sent, mentions: list[Mention], titles: PhraseHits, used_titles: set[int],
                 people: _People) -> None:
    """"Phó Viện trưởng VKSND tối cao Nguyễn Hải Trâm": the title, its unit, then the name."""
    t = doc.text
    for tm in titles.scan(sent.start, sent.end):
        if tm.start_char in used_titles:
            continue
        td, ts, te = _title(tm)
        unit = next((m for m in mentions if te < m.start <= te + 2), None)
        p = unit.end if unit else te
        # "Phó Chủ tịch HĐND tỉnh X Nguyễn Văn A", "..., ông Nguyễn Văn A"
        sp = _TITLE_TO_NAME.match(t, p)
        if not sp:
            continue
        nm = _name_at(doc, sp.end(), titles)
        if not nm:
            continue
        if unit is None and td["heads"]:
            # "Kiểm sát viên Nguyễn Văn A, Phòng 1 VKSND tỉnh X": the unit written after the name
            sep = re.compile(r"\s*[,\-–]\s*").match(t, nm[1])
            if sep:
                unit = next((m for m in mentions if m.start == sep.end() and m.name), None)
        if unit is None:
            clause = (te, _clause_end(t, te, sent.end))
            unit, _ = _unit_for(td, te, ts, mentions, clause, (sent.start, sent.end), ts)
        people.record(nm[0], nm[1], td, unit, unit is not None, nm[1])


def _record_untitled(doc: Document, v: dict, cut: int, people: _People, titles: PhraseHits) -> None:
    """People named with "đồng chí" or a rank but no title, who receive an award or act in the
    event: "trao Huân chương ... tặng đồng chí Nguyễn Văn A", "đồng chí B phát biểu chỉ đạo"."""
    t, f = doc.text, doc.folded
    for a in v["anchor"].finditer(t, 0, cut):
        nm = _name_at(doc, a.end(), titles)
        if not nm or people.known(*nm):
            continue
        receives = _RECEIVES_BEFORE.search(f[max(0, a.start() - 30):a.start()])
        acts = any(rx.match(f, nm[1]) for _, rx in v["acts"])
        if receives or acts:
            people.record(nm[0], nm[1], None, None, False, nm[1])
            if receives:
                people.add_role(nm[0], nm[1], "nhận thưởng")
