"""Awards and titles conferred, proposed or voted, with recipients.

An award is a head from ``data/awards.yml`` ("Cờ thi đua", "Bằng khen", "Tập thể Lao động
xuất sắc"...) with its complement as written ("của Chính phủ", "ngành Kiểm sát nhân dân").
Its recipients are, in order of preference:
- the units written after it: "cho|đối với|là|tặng UNIT, UNIT và UNIT", or a list after
  "gồm:" that may run on over the following paragraphs (one entry per unit);
- a count ("cho 4 đơn vị"): one entry with recipient null;
- the units taking part that stand before it in the same clause ("suy tôn Vụ 7 VKSND tối cao
  đạt danh hiệu ..."); awards listed together share their recipients.
One entry per (award, recipient). A bare head ("Cờ thi đua") written after its full name
takes that name; a null-recipient entry is dropped when the same award has named ones.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from ._data import load
from .gazetteer import Phrases, PhraseHits
from .normalize import fold
from .text import Document
from .units import TITLE_BEFORE, Mention, trailer_start, sentence_bounds, Index

# what stands between an award and its recipients: "(năm 2024), cho", "của Chủ tịch nước tặng"
_AFTER = re.compile(r"[\s”\"']*(?:\(\S+\)\s*)?(?:năm\s+\d{4}\s*)?(?:của\s+[^,.;:]{1,40}?\s+)?(?:,\s*)?"
                    r"(?:cho|đối\s+với|là|tặng(?:\s+cho)?)(?:\s*:)?\s+", re.I)
_AND = re.compile(r"\s*(?:,|và)\s*")
_GOM = re.compile(r"[^.;]{0,40}?\bgồm\s*(?:có\s*)?:\s*")
_COUNT = re.compile(r"(?:\d+|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)\s+"
                    r"(?:đơn\s+vị|tập\s+thể|cá\s+nhân|đồng\s+chí|cán\s+bộ|công\s+chức)", re.I)
_GENERIC = re.compile(r"(?:các|những|nhiều)\s+(?:đơn\s+vị|tập\s+thể|cá\s+nhân)", re.I)
_SINGULAR = re.compile(r"(?:đơn\s+vị|tập\s+thể|cá\s+nhân)\b", re.I)
_JOIN = re.compile(r"\s*(?:[,;]|\bvà\b|,\s*và\b)\s*")
_HEAD_NOUN = re.compile(r"(?:[Pp]hòng|Vụ|Ban|Cục|Văn\s+phòng|Trường|Báo|Sở|Chi\s+cục|Đội|Trung\s+tâm)\s+[^\s,;.]")


@lru_cache(maxsize=1)
def _vocab() -> dict:
    d = load("awards.yml")
    head = re.compile(r"(?<![\w])(?:" + "|".join(d["heads"]) + r")")
    comp = re.compile(d["complement"])
    lead = re.compile(d["dan_dau"])
    proposed = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in d["proposed"]) + r")\b", re.I)
    return {"head": head, "comp": comp, "lead": lead, "proposed": proposed}


_OF = re.compile(r"\s+của\s+")
# "ngành Tài chính", "Ngành Tư pháp", "lực lượng Công an nhân dân": a capitalised first word, then
# up to three words that are not the sentence's own
_SECTOR = re.compile(r"\s+(?:của\s+)?(?:[Nn]gành|[Ll]ực\s+lượng)\s+(?:[A-ZĐÀ-Ỹ][^\W\d_]*)"
                     r"(?:\s+(?!(?:cho|và|năm|tặng|đối|về|vì|do|tại|trong|đã|có|là|của|được|với|theo|gồm)\b)[^\W\d_]+){0,3}")


def _issuer(doc: Document, pos: int, by_start: dict, titles: PhraseHits) -> Optional[int]:
    """The end of an award's issuer written at ``pos``, or None: "của" + (a title) + a body of the
    grammar ("của Chủ tịch UBND tỉnh X", "của Trung ương Hội CCB Việt Nam"). A sector ("ngành Tài
    chính") is read by ``_SECTOR`` when the vocabulary's complements do not name it."""
    t = doc.text
    of = _OF.match(t, pos)
    if of:
        p = of.end()
        title = titles.at(p)
        if title is not None:
            p = title.end_char + len(t[title.end_char:title.end_char + 3]) - len(t[title.end_char:title.end_char + 3].lstrip())
        unit = by_start.get(p)
        if unit is not None:
            return unit.end
    return None


def _award_spans(doc: Document, mentions: list[Mention], titles: PhraseHits) -> list[dict]:
    t = doc.text
    v = _vocab()
    out = []
    by_start = {x.start: x for x in mentions if x.name}
    for m in v["head"].finditer(t):
        end = m.end()
        parts = [" ".join(m.group().split())]
        lm = v["lead"].match(t, end)
        if lm and lm.group().strip():
            parts.append(" ".join(lm.group().split()))
            end = lm.end()
        issued = _issuer(doc, end, by_start, titles)
        cm = None if issued else v["comp"].match(t, end)
        if not issued and not cm:
            sector = _SECTOR.match(t, end)
            issued = sector.end() if sector else None
        if issued:
            # "Bằng khen của Bộ trưởng Bộ Tài chính", "Giấy khen của UBND huyện X": as written
            parts.append(" ".join(t[end:issued].split()))
            end = issued
        elif cm:
            issuer = cm.groupdict().get("issuer")
            if issuer is not None:
                # "Giấy khen của Viện trưởng VKSND tỉnh X": the issuer by its canonical name
                u = next((x for x in mentions if x.name and x.start == cm.start("issuer")), None)
                text = cm.group()[:cm.start("issuer") - cm.start()] + (u.name if u else issuer)
                end = u.end if u else cm.end()
            else:
                text = cm.group()
                end = cm.end()
            parts.append(" ".join(text.split()))
        name = " ".join(re.sub(r"[“”„\"]", "", " ".join(parts)).split())  # the name without quotes
        name = name[0].upper() + name[1:]
        out.append({"name": name, "start": m.start(), "end": end, "head": fold(parts[0])})
    return out


def _units_from(doc: Document, pos: int, index: Index, limit: int) -> tuple[list[Mention], int]:
    """Units written one after another from ``pos``: "A, B và C"."""
    t = doc.text
    mentions = index.between(pos, limit)
    got: list[Mention] = []
    p = pos
    for m in mentions:
        if m.start < p or not m.name:
            continue
        if m.start >= limit:
            break
        gap = t[p:m.start]
        if got and not _JOIN.fullmatch(gap) and gap.strip(" ,;") != "":
            break
        if not got and gap.strip() and not re.fullmatch(r"(?:các\s+)?(?:đơn\s+vị|tập\s+thể)?\s*:?\s*", gap):
            break
        if got and _SUBJECT_OF.match(t, m.end):
            break  # "cho: A; Bộ Công an tặng cờ cho B": the subject of the next clause, not a recipient
        got.append(m)
        p = m.end
    return got, p


def _list_like(doc: Document, start: int, end: int, index: Index) -> bool:
    text = doc.text[start:end]
    letters = sum(1 for c in text if not c.isspace())
    if not letters:
        return False
    covered = sum(m.end - m.start for m in index.between(start, end))
    return covered >= 0.5 * letters


def _list_after(doc: Document, pos: int, index: Index) -> list[Mention]:
    """Units of a list after "gồm:", over the paragraphs that are themselves lists."""
    t = doc.text
    para_end = t.find("\n", pos)
    para_end = len(t) if para_end == -1 else para_end
    got = list(index.between(pos, para_end))
    p = para_end
    misses = 0
    horizon = min(len(t), p + 8000)  # a list runs over a few paragraphs, not the whole page
    while p < horizon and misses < 2:
        nxt = t.find("\n", p + 1)
        nxt = len(t) if nxt == -1 else nxt
        line = t[p:nxt].strip()
        if line:
            if _list_like(doc, p, nxt, index):
                got += index.between(p, nxt)
                misses = 0
            elif len(line) >= 40:
                misses += 1
        p = nxt
    return got


_PERSON_INTRO = re.compile(r"(?:các\s+)?(?:đồng\s+chí|ông|bà|cá\s+nhân)?\s*:?\s*", re.I)
# where the ceremony is held is no recipient: "tại (trụ sở) VKSND tỉnh X"
_PLACE_BEFORE = re.compile(r"\btai\s+(?:tru\s+so|hoi\s+truong|tru\s+so\s+lam\s+viec)?\s*(?:cua\s+)?$")
# the unit that gives it: "VKSND tỉnh X (long trọng) tổ chức Lễ trao ...", "VKSND tỉnh X trao ..."
_GIVER_GAP = re.compile(r"^(?:(?!\bđược\b|\bnhận\b|\bđề\s+(?:nghị|xuất)\b|\bsuy\s+tôn\b|\bbình\b|\bbầu\b)[^.;,])*"
                        r"\b(?:trao|tặng|tổ\s+chức)\b")
# background figures, not the event's awards: "5 năm qua ... có 3 lượt tập thể được tặng"
_BACKGROUND = re.compile(r"\b(?:\d+\s+)?(?:năm|nhiệm\s+kỳ|giai\s+đoạn)\s+qua\b|\d+\s+lượt\b", re.I)
# a title named as a criterion: "đạt tiêu chuẩn Chiến sĩ thi đua", "căn cứ xét danh hiệu"
_CRITERION = re.compile(r"(?:tieu\s+chuan|dieu\s+kien|can\s+cu\s+(?:de\s+)?xet|de\s+xet|dang\s+ky(?:\s+\d+)?)"
                        r"\s+(?:danh\s+hieu\s+)?[“\"]?$")
_PASSIVE = re.compile(r"\b(?:được|nhận|đón\s+nhận)\b", re.I)


def _people_spans(doc: Document, officials: Optional[list]) -> list[tuple[int, int, str]]:
    """Every occurrence of the officials' names in the text: (start, end, name), sorted."""
    out = []
    for o in officials or []:
        name = o.get("name")
        if not name:
            continue
        for m in re.finditer(r"(?<![\w])" + r"\s+".join(map(re.escape, name.split())) + r"(?![\w])", doc.text):
            out.append((m.start(), m.end(), name))
    return sorted(out)


def _people_after(doc: Document, pos: int, end: int, people: list, titles: PhraseHits) -> list[str]:
    """"cho (các đồng chí:) A, Title; B, Title và C": the named people a list starts with."""
    intro = _PERSON_INTRO.match(doc.text, pos)
    p = intro.end() if intro else pos
    tm = titles.at(p)
    if tm is not None:  # "cho Kiểm sát viên Nguyễn Văn A"
        p = tm.end_char + len(doc.text[tm.end_char:]) - len(doc.text[tm.end_char:].lstrip())
    inside = [x for x in people if pos <= x[0] < end]
    if not inside or inside[0][0] != p:
        return []
    names = []
    for s, e, name in inside:
        if name not in names:
            names.append(name)
    return names


_NAMES_FOLLOW = re.compile(r"[^.;:]{0,120}?(?::|\btrong\s+đó\s+có\b|\bgồm(?:\s+có)?\b)\s*:?\s*", re.I)


def _named_after_count(doc: Document, pos: int, end: int, index: Index, people: list) -> list:
    """The units and people a count is followed by: "cho 3 cá nhân: A, ...; B", "trong đó có X và Y"."""
    m = _NAMES_FOLLOW.match(doc.text, pos, end)
    if not m:
        return []
    q = m.end()
    units = [u for u in index.between(q, end) if u.participant
             and not TITLE_BEFORE.search(doc.folded, max(q, u.start - 40), u.start)]
    persons = [x for x in people if q <= x[0] < end]
    got = sorted([(u.start, u) for u in units] + [(s, n) for s, _, n in persons], key=lambda x: x[0])
    out, seen = [], set()
    for _, r in got:
        key = r.name if isinstance(r, Mention) else r
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def _previous_subject(doc: Document, sentence_start: int, index: Index) -> list[Mention]:
    """The unit a sentence without a subject goes on about: the first participant named in the
    sentence before it, in the same paragraph ("Từ năm 2015, TAND huyện X giữ vững ... Năm 2016
    được tặng Bằng khen")."""
    t = doc.text
    prev = doc.sentence_at(sentence_start - 2) if sentence_start >= 2 else None
    if prev is None or "\n\n" in t[prev.end:sentence_start]:
        return []
    first = next((m for m in index.between(prev.start, prev.end) if m.participant), None)
    if first is None or re.search(r"[;:]", t[prev.start:first.start]):
        return []
    return [first]


def _abbreviates(short: str, full: str) -> bool:
    return fold(full).startswith(fold(short) + " ")


def find_awards(doc: Document, mentions: list[Mention], phrases: Phrases, year: Optional[int],
                officials: Optional[list] = None) -> list[dict]:
    """Awards with their recipients (``mentions``: every unit mention, :func:`extract.units.read_mentions`;
    ``officials``: the people found, who may receive them)."""
    t = doc.text
    if not t.strip():
        return []
    v = _vocab()
    named = [m for m in mentions if m.name]
    index = Index(named)
    cut = trailer_start(doc)
    spans = [a for a in _award_spans(doc, named, phrases.titles) if a["start"] < cut]
    full_by_head: dict[str, str] = {}
    entries: list[dict] = []
    seen = set()
    prev_end_in_sentence: dict[int, int] = {}
    prev_recipients: Optional[list] = None
    prev_end = -1
    people = _people_spans(doc, officials)

    for a in spans:
        s0, s1 = sentence_bounds(doc, a["start"])
        if s1 <= s0:
            s0, s1 = a["start"], a["end"]
        name = _given_by(t, a, s0, named, phrases.titles) or _full_name(a, spans, full_by_head)
        clause_start = max(t.rfind(";", s0, a["start"]) + 1, s0, prev_end_in_sentence.get(s0, s0))
        status = "proposed" if v["proposed"].search(t, _status_clause(t, s0, a["start"]), a["start"]) else "conferred"
        ym = re.compile(r"[\s”\"]*năm\s+(\d{4})").match(t, a["end"])
        yr = int(ym.group(1)) if ym else year
        recipients, consumed = _recipients_after(doc, a, spans, s1, index, people, phrases.titles)
        if not recipients:
            gap = t[prev_end:a["start"]] if prev_end >= 0 else "x"
            if prev_recipients and re.fullmatch(r"[\s”“\"',;]*(?:và)?[\s”“\"',;]*(?:danh\s+hiệu\s*)?[“\"]?", gap):
                recipients = list(prev_recipients)  # awards listed together share their recipients
            else:
                recipients = _recipients_before(doc, a, clause_start, s0, index, people)
        prev_end_in_sentence[s0] = max(consumed, a["end"])
        prev_end = consumed if consumed > a["end"] else a["end"]
        prev_recipients = recipients
        for r in recipients:
            if r == "skip":
                continue
            rec = r.name if isinstance(r, Mention) else r
            key = (fold(name), rec)
            if key in seen:
                continue
            seen.add(key)
            entries.append({"name": name, "recipient": rec, "status": status, "year": yr,
                            "evidence": doc.evidence(a["start"], a["end"]).as_dict(), "_head": a["head"]})
    # "tặng Bằng khen cho 1 tập thể và 2 cá nhân", then the names: the count adds no entry
    with_named = {fold(e["name"]) for e in entries if e["recipient"]}
    heads_named = {e["_head"] for e in entries if e["recipient"]}
    out = [e for e in entries if e["recipient"] or (fold(e["name"]) not in with_named
                                                  and not (fold(e["name"]) == e["_head"] and e["_head"] in heads_named))]
    for e in out:
        del e["_head"]
    return out


_GIVES = re.compile(r"\s+(?:xét\s+)?tặng\s+$")
_SUBJECT_OF = re.compile(r"\s+(?:xét\s+)?(?:tặng|trao|đề\s+nghị|khen\s+thưởng)\b")
_GIVER_TITLE = re.compile(r"(?P<giver>Thủ\s+tướng\s+Chính\s+phủ|Chủ\s+tịch\s+nước)\s+(?:xét\s+)?tặng\s+$")


def _given_by(t: str, a: dict, s0: int, named: list[Mention], titles: PhraseHits) -> Optional[str]:
    """A bare award whose giver is the clause's subject: "đề nghị Bộ Công an tặng Cờ thi đua cho X"
    is the Cờ thi đua of Bộ Công an, whatever flag the article named before."""
    if fold(a["name"]) != a["head"]:
        return None
    before = t[max(s0, a["start"] - 80):a["start"]]
    title = _GIVER_TITLE.search(before)
    head = "Cờ thi đua" if a["head"] == "co" else a["name"]  # "tặng cờ": the emulation flag
    if title:
        return f"{head} của {' '.join(title.group('giver').split())}"
    gives = _GIVES.search(before)
    if not gives:
        return None
    at = a["start"] - (len(before) - gives.start())
    giver = next((m for m in named if m.end == at), None)
    if giver is None:
        return None
    # "Viện trưởng VKSND tối cao tặng Bằng khen": the giver is the head of the body
    title = next((x for x in titles.scan(max(s0, giver.start - 40), giver.start)
                  if giver.start - 2 <= x.end_char < giver.start), None)
    start = title.start_char if title is not None else giver.start
    return f"{head} của {' '.join(t[start:giver.end].split())}"


def _status_clause(t: str, s0: int, start: int) -> int:
    """Where the clause that says whether an award is proposed begins: its own, or the one before
    when it goes on without a subject ("đề nghị tặng Cờ thi đua cho A; tặng Bằng khen cho B")."""
    clause = max(t.rfind(";", s0, start) + 1, s0)
    while clause > s0 and _NO_SUBJECT.match(t, clause):
        clause = max(t.rfind(";", s0, clause - 1) + 1, s0)
    return clause


_NO_SUBJECT = re.compile(r"\s*(?:và\s+)?(?:xét\s+)?(?:tặng|trao|khen\s+thưởng)\b")


def _full_name(a: dict, spans: list[dict], full_by_head: dict) -> str:
    """A bare head takes the fuller name written before it ("Cờ thi đua" -> "Cờ thi đua của Chính
    phủ"); ``full_by_head`` remembers the names written so far."""
    name = a["name"]
    if fold(name) == a["head"] and a["head"] in full_by_head:
        return full_by_head[a["head"]]
    if fold(name) != a["head"]:
        full_by_head[a["head"]] = name
        return name
    # "Kỷ niệm chương" for "Kỷ niệm chương Vì sự nghiệp Kiểm sát": the name it abbreviates,
    # the nearest written before it, else the first after (a headline names it briefly)
    before = [x["name"] for x in spans if x["start"] < a["start"] and _abbreviates(name, x["name"])]
    after = [x["name"] for x in spans if x["start"] > a["start"] and _abbreviates(name, x["name"])]
    return before[-1] if before else after[0] if after else name


def _recipients_after(doc: Document, a: dict, spans: list[dict], s1: int, index: Index, people: list,
                      titles: PhraseHits) -> tuple[list, int]:
    """Recipients written after the award ("cho A, B và C", "gồm: ...", "cho 3 cá nhân: ..."):
    (recipients, where they end); [] when none are."""
    t = doc.text
    # "trao Huân chương A và Huân chương B ... tặng X": awards written together share what follows
    tail = a["end"]
    for b in spans:
        if b["start"] > tail and _AND.fullmatch(t, tail, b["start"]):
            tail = b["end"]
    after = _AFTER.match(t, a["end"]) or (_AFTER.match(t, tail) if tail > a["end"] else None)
    gom = _GOM.match(t, a["end"])
    if gom:
        q = gom.end()
        line_end = t.find("\n", q)
        line_end = len(t) if line_end == -1 else line_end
        # "Các cá nhân được tặng ... gồm: đồng chí A, Title Unit; bà B, ...": the people receive it,
        # not the units their titles name
        persons = _people_after(doc, q, line_end, people, titles) if people else []
        return persons or _list_after(doc, q, index), q
    if not after:
        return [], a["end"]
    p = after.end()
    got, end = _units_from(doc, p, index, s1)
    persons = _people_after(doc, p, s1, people, titles) if people else []
    if persons:
        return persons, p
    if got:
        return got, end
    if _COUNT.match(t, p) or (_SINGULAR.match(t, p) and not _GENERIC.match(t, p)):
        # "cho 3 cá nhân: đồng chí A, ...; đồng chí B", "cho 2 tập thể ..., trong đó có X và Y"
        return (_named_after_count(doc, p, s1, index, people) or [None]), p
    if _GENERIC.match(t, p):
        return ["skip"], p
    if _HEAD_NOUN.match(t, p):
        # a recipient the gazetteers do not know: "cho phòng Thi đua, khen thưởng Trung ương"
        stop = re.compile(r"[.;\n]|\s+(?:tại|nhân\s+dịp|vì|đã|có)\s").search(t, p, s1)
        phrase = t[p:stop.start() if stop else s1].strip(" ,")
        return [phrase[0].upper() + phrase[1:]], p + len(phrase)
    return [], a["end"]


def _recipients_before(doc: Document, a: dict, clause_start: int, s0: int, index: Index, people: list) -> list:
    """Recipients written before the award in its clause ("suy tôn Vụ 7 đạt danh hiệu ...",
    "đồng chí A và đồng chí B được nhận Bằng khen"); [None] for none named, ["skip"] for no award."""
    t, f = doc.text, doc.folded
    # not the unit of the one who presents it ("đồng chí A, Viện trưởng VKSND tỉnh X trao ...")
    before = [m for m in index.between(clause_start, a["start"]) if m.end <= a["start"] and m.participant
              and not TITLE_BEFORE.search(f, max(clause_start, m.start - 40), m.start)
              and not _PLACE_BEFORE.search(f, max(clause_start, m.start - 30), m.start)
              and not _GIVER_GAP.search(t[m.end:a["start"]])]
    named = [x for x in people if clause_start <= x[0] and x[1] <= a["start"]]
    if not before and not named and _GENERIC.search(t, clause_start, a["start"]):
        before = ["skip"]  # "nhiều tập thể, cá nhân được ... tặng Bằng khen": no one named
    elif before and _GENERIC.search(t, before[-1].end, a["start"]):
        before = ["skip"]  # "đề nghị X đăng danh sách các cá nhân đề nghị tặng ...": not X
    if named and _PASSIVE.search(t, named[-1][1], a["start"]):
        before = list(dict.fromkeys(n for _, _, n in named))
    if not before and not named and _PASSIVE.search(t, clause_start, a["start"]):
        # "Năm 2015 được tặng Huân chương ...": the subject of the sentence before
        before = _previous_subject(doc, s0, index)
    if before:
        return before
    if _BACKGROUND.search(t, clause_start, a["start"]) or _CRITERION.search(f, max(clause_start, a["start"] - 40), a["start"]):
        return ["skip"]  # past counts ("5 năm qua có 3 lượt tập thể được tặng") and criteria
    return [None]
