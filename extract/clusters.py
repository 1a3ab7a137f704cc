"""Emulation clusters and blocks: "Cụm thi đua số 4", "Khối III", "Khối thi đua Nội chính".

find_clusters returns mentions: {"name": canonical, "scope": str|None, "start": int, "end": int,
"evidence": Evidence}. Canonical names: ``Cụm thi đua số N`` / ``Khối thi đua số N`` (Arabic
numerals) or ``Khối thi đua <Name>``. Patterns are in ``data/clusters.yml``.
"""
from __future__ import annotations

import re
from functools import lru_cache

from . import scan
from ._data import load
from .text import Document

_ROMAN = {"i": 1, "v": 5, "x": 10}


@lru_cache(maxsize=1)
def _patterns() -> dict:
    d = load("clusters.yml")
    names = sorted(d["block_names"].items(), key=lambda kv: -len(kv[0]))
    named = r"\bkhoi" + d["block_filler"] + r"\s+(?P<name>" + "|".join(re.escape(k) for k, _ in names) + r")\b"
    return {
        "numbered": re.compile(d["numbered"]),
        "worded": re.compile(d["worded"]),
        "number_words": d["number_words"],
        "named_cluster": re.compile(d["named_cluster"]),
        "named": re.compile(named),
        "members_named": re.compile(d["members_named"]),
        "members_named_kind": d["members_named_kind"],
        "members_named_lead": set(d["members_named_lead"]),
        "members_named_stop": set(d["members_named_stop"]),
        "names": dict(names),
        "scope_lead": re.compile(d["scope_lead"]),
        "scope_heads": [re.compile(h) for h in d["scope_heads"]],
        "scope_stop": set(d["scope_stop"]),
        "place_words": set(d["place_words"]),
    }


def roman_to_int(r: str) -> int:
    total = 0
    for a, b in zip(r, r[1:] + " "):
        total += -_ROMAN[a] if b != " " and _ROMAN[a] < _ROMAN[b] else _ROMAN[a]
    return total


def find_clusters(doc: Document) -> list[dict]:
    p = _patterns()
    folded = doc.folded
    found = []
    for m in scan.finditer(p["numbered"], folded):
        num = m.group("num")
        if num.isdigit():
            n = int(num)
        else:
            # Roman numerals only when written in capitals: "Khối III", not "khối i".
            if not doc.text[m.start("num"):m.end("num")].isupper():
                continue
            n = roman_to_int(num)
        if n <= 0:
            continue
        kind = "Cụm" if m.group("kind") == "cum" else "Khối"
        found.append(_mention(doc, f"{kind} thi đua số {n}", m.start(), m.end()))
    for m in scan.finditer(p["worded"], folded):
        words = m.group("num").split()
        nw = p["number_words"]
        if words[0] == "muoi":
            n = 10 + (nw[words[1]] if len(words) > 1 else 0)
        elif len(words) >= 2:
            n = nw[words[0]] * 10 + (nw[words[2]] if len(words) > 2 else 0)
        else:
            n = nw[words[0]]
        kind = "Cụm" if m.group("kind") == "cum" else "Khối"
        found.append(_mention(doc, f"{kind} thi đua số {n}", m.start(), m.end()))
    for m in scan.finditer(p["named_cluster"], folded):
        name = " ".join(doc.text[m.start("name"):m.end("name")].split())
        found.append(_mention(doc, f"Cụm thi đua {name}", m.start(), m.end()))
    for m in scan.finditer(p["members_named"], folded):
        name = _members_name(doc.text[m.start("name"):m.start("noun")], doc.text[m.start("noun"):m.end("noun")],
                             doc.text[m.end("noun"):m.end("name")], p)
        party = re.search(r"\bdang\s+(?:bo|uy)\s+$", folded[max(0, m.start() - 12):m.start()])
        if not name or p["named"].match(folded, m.start()) or party:
            continue  # "Đảng bộ Khối các cơ quan tỉnh" is a Party committee, not a block
        kind = p["members_named_kind"][" ".join(m.group("kind").split())]
        if any(c["start"] == m.start() for c in found):
            found = [c for c in found if c["start"] != m.start()]  # the fuller name wins
        found.append(_mention(doc, f"{kind} {name}", m.start(), m.end()))
    for m in scan.finditer(p["named"], folded):
        name = p["names"][m.group("name")]
        found.append(_mention(doc, f"Khối thi đua {name}", m.start(), m.end()))
    found.sort(key=lambda c: c["start"])
    return found


def _members_name(lead: str, noun: str, tail: str, p: dict):
    """The name of a cluster named by its members, as written, or None: the body's words before
    "các" must be capitalised or of the lead list; the members ("các tổ chức", "12 tỉnh, thành
    phố") are kept whole; the tail (region, level) stops before a word of the sentence."""
    out = []
    for w in lead.split():
        if not (w[:1].isupper() or w in p["members_named_lead"] or (out and w not in p["members_named_stop"])):
            return None
        out.append(w)
    out.append(" ".join(noun.split()))
    for w in tail.replace(",", " , ").split():
        if w in p["members_named_stop"]:
            break
        out.append(w)
    return " ".join(out).replace(" , ", ", ").rstrip(", ")


def _mention(doc: Document, name: str, start: int, end: int) -> dict:
    return {"name": name, "scope": _scope(doc, end), "start": start, "end": end,
            "evidence": doc.evidence(start, end).as_dict()}




def _scope(doc: Document, end: int):
    """The emulation system written right after the cluster name, or None."""
    p = _patterns()
    window = doc.folded[end:end + 90]
    lead = p["scope_lead"].match(window)
    if not lead:
        return None
    rest = window[lead.end():]
    for head in p["scope_heads"]:
        m = head.match(rest)
        if not m:
            continue
        words = list(re.finditer(r"[\w.]+", rest[:m.end()]))
        keep = []
        base = end + lead.end()
        for i, w in enumerate(words):
            word = w.group().rstrip(".")
            original = doc.text[base + w.start():base + w.end()]
            prev = words[i - 1].group().rstrip(".") if i else ""
            if prev == "thanh" and word == "pho":
                keep.append(w)
                continue
            # after "tỉnh", "huyện", "thành phố"... only a proper name continues the scope
            if i and prev in p["place_words"] and not original[:1].isupper():
                break
            # The head word itself ("ngành", "tỉnh", "Bộ") always stays; then stop at sentence words.
            capital = original[:1].isupper()
            if i >= 2 and word in p["scope_stop"] and not (capital and prev not in ("cum", "khoi")):
                break
            if i == 1 and word in p["scope_stop"] and not capital and words[0].group() not in ("nganh", "bo"):
                break
            keep.append(w)
        if not keep:
            return None
        s = end + lead.end() + keep[0].start()
        e = end + lead.end() + keep[-1].end()
        scope = doc.text[s:e].strip(" ,.-–")
        # A lone head word ("tỉnh", "ngành") names no system.
        return scope if len(scope.split()) >= 2 or scope.isupper() else None
    return None
