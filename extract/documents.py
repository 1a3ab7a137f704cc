"""Cited documents: kind, number, date of issue.

"Chỉ thị số 01/CT-VKSTC ngày 02/12/2022" -> {"kind": "Chỉ thị", "number": "01/CT-VKSTC",
"date": "2022-12-02"}. Patterns in ``data/documents.yml``; one entry per number.
"""
from __future__ import annotations

import re
from functools import lru_cache

from ._data import load
from .dates import make_date
from . import scan
from .text import Document


@lru_cache(maxsize=1)
def _patterns() -> dict:
    d = load("documents.yml")
    kinds = sorted(d["kinds"], key=len, reverse=True)
    kind_rx = "|".join(re.escape(k) for k in kinds)
    return {
        "kinds": d["kinds"],
        "cited": re.compile(
            r"\b(?P<kind>" + kind_rx + r")\s+(?:(?:so|so:)\s*(?P<num>" + d["number"] + r")|(?P<num2>"
            + d["number_no_so"] + r")"
            # "Luật Thi đua, khen thưởng số 06/2022/QH15": a short name, then a full number
            + r"|[^;.()\n\d“”\"]{3,60}?\s+so:?\s*(?P<num3>" + d["number_no_so"] + r"))(?![\w/])"),
        "issue_date": re.compile(d["issue_date"]),
    }


def find_documents(doc: Document) -> list[dict]:
    p = _patterns()
    folded = doc.folded
    out, seen = [], {}
    for m in scan.finditer(p["cited"], folded):
        group = "num" if m.group("num") else ("num2" if m.group("num2") else "num3")
        start, end = m.start(group), m.end(group)
        number = doc.text[start:end].rstrip("-/")
        date = None
        dm = p["issue_date"].match(folded, end, min(len(folded), end + 120))
        if dm:
            if dm.group("d"):
                date = make_date(dm.group("y"), dm.group("m"), dm.group("d"))
            else:
                date = make_date(dm.group("y2"), dm.group("m2"), dm.group("d2"))
        key = number.upper()
        if key in seen:
            # The same document cited again: keep the first, fill in a missing date.
            if date and not out[seen[key]]["date"]:
                out[seen[key]]["date"] = date
            continue
        seen[key] = len(out)
        out.append({"kind": p["kinds"][m.group("kind")], "number": number, "date": date,
                    "evidence": doc.evidence(m.start(), end).as_dict()})
    return out
