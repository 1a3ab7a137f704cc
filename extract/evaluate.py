"""Score event records against hand annotations (the project's own scorer).

``score(gold, pred)`` takes two mappings ``{record id: record}`` in the event-record
contract's format and returns per-field rows plus their mean::

    {"rows": {"relevant": {"accuracy": .., "n": ..},
              "event.type": {...}, "event.date": {...}, "event.cluster": {...},
              "units": {"precision": .., "recall": .., "f1": .., "gold": .., "pred": .., "tp": ..},
              "officials": ..., "officials+title": ..., "officials+unit": ...,
              "awards": ..., "roles": ..., "documents": ...},
     "score": <mean of the rows' accuracy or F1>,
     "missing": [gold ids without a prediction]}

Conventions (the same as the annotations'):

* ``relevant`` is scored on every gold record; all other fields only on records
  whose gold is relevant. A missing prediction counts as an empty, irrelevant record.
* A gold string may list accepted alternatives, ``"A | B"``; a gold event type may
  be a list of accepted types.
* Strings are compared by :func:`key`: accents and case folded, spellings of unit
  names unified ("Viện kiểm sát nhân dân" = "Viện KSND" = "VKSND", "Thành phố" =
  "TP", "Cụm số 04" = "Cụm thi đua số 4", "Khối III" = "Khối thi đua số 3", ...).
* List fields are matched one-to-one (a maximum bipartite matching, so the order
  of items never costs a match) and reported as micro-averaged P/R/F1.
"""
from __future__ import annotations

import json
import re
import sys
from typing import Callable, Iterable, Optional

from .normalize import fold

LIST_FIELDS = ("units", "officials", "officials+title", "officials+unit", "awards", "roles", "documents")
EVENT_FIELDS = ("type", "date", "cluster")

_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50}

# Applied in order to the folded string (lowercase, no accents, "đ" -> "d").
_SPELLINGS: list[tuple[str, str]] = [
    (r"\bdong chi\b", " "),
    (r"\bvien kiem sat nhan dan\b", "vksnd"),
    (r"\bvien ksnd\b", "vksnd"),
    (r"\bvks nhan dan\b", "vksnd"),
    (r"\bvksnd tc\b", "vksnd toi cao"),
    (r"\bvksndtc\b", "vksnd toi cao"),
    (r"\bvien kiem sat quan su\b", "vks quan su"),
    (r"\bvksqs\b", "vks quan su"),
    (r"\btoa an nhan dan\b", "tand"),
    (r"\btandtc\b", "tand toi cao"),
    (r"\bthanh pho\b", "tp"),
    (r"\btp\.", "tp "),
    (r"\bthi hanh an dan su\b", "thads"),
    (r"\bbo chi huy quan su\b", "bo chqs"),
    (r"\bbo chi huy bo doi bien phong\b", "bo chi huy bdbp"),
    (r"\bbo doi bien phong\b", "bdbp"),
    (r"\buy ban nhan dan\b", "ubnd"),
    (r"\bhoi dong nhan dan\b", "hdnd"),
    (r"\bthi dua\s*-\s*khen thuong\b", "thi dua khen thuong"),
    (r"\bcua\b", " "),
]


def _roman(numeral: str) -> str:
    total = 0
    for a, b in zip(numeral, numeral[1:] + " "):
        v = _ROMAN[a]
        total += -v if b in _ROMAN and v < _ROMAN[b] else v
    return str(total)


def key(value) -> Optional[str]:
    """The comparison key of a string (None stays None)."""
    if value is None:
        return None
    s = fold(str(value))
    for pattern, repl in _SPELLINGS:
        s = re.sub(pattern, repl, s)
    s = re.sub(r"[^\w/]+", " ", s)          # punctuation, dashes, quotes -> space
    s = re.sub(r"\b0+(\d)", r"\1", s)      # "04" -> "4"
    # Roman numerals of clusters and blocks: "Khối III", "Cụm số IV".
    s = re.sub(r"\b(cum|khoi)( thi dua)?( so)? ([ivxl]+)\b",
               lambda m: f"{m.group(1)}{m.group(2) or ''}{m.group(3) or ''} {_roman(m.group(4))}", s)
    # "Cụm 9", "Cụm số 9", "Cụm thi đua 9" -> "cum thi dua so 9" (the same for Khối).
    s = re.sub(r"\b(cum|khoi)(?: thi dua)?(?: so)? (\d+)\b", r"\1 thi dua so \2", s)
    return " ".join(s.split())


def alternatives(gold) -> set:
    """Accepted keys of a gold value: "A | B" strings and lists give several."""
    if gold is None:
        return {None}
    if isinstance(gold, (list, tuple)):
        out = set()
        for g in gold:
            out |= alternatives(g)
        return out
    return {key(part) for part in str(gold).split(" | ")}


def _year(value) -> Optional[int]:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _get(item, name):
    return item.get(name) if isinstance(item, dict) else None


def _name_ok(g, p) -> bool:
    return key(_get(p, "name")) in alternatives(_get(g, "name"))


SAME: dict[str, Callable[[object, object], bool]] = {
    "units": lambda g, p: key(p if isinstance(p, str) else _get(p, "name")) in alternatives(g),
    "officials": _name_ok,
    "officials+title": lambda g, p: _name_ok(g, p) and key(_get(p, "title")) in alternatives(_get(g, "title")),
    "officials+unit": lambda g, p: _name_ok(g, p) and key(_get(p, "unit")) in alternatives(_get(g, "unit")),
    "awards": lambda g, p: (key(_get(p, "name")) in alternatives(_get(g, "name"))
                            and key(_get(p, "recipient")) in alternatives(_get(g, "recipient"))),
    "roles": lambda g, p: (key(_get(p, "unit")) in alternatives(_get(g, "unit"))
                           and key(_get(p, "role")) in alternatives(_get(g, "role"))
                           and _year(_get(p, "year")) == _year(_get(g, "year"))),
    "documents": lambda g, p: key(_get(p, "number")) in alternatives(_get(g, "number")),
}
SOURCE = {"units": "units", "officials": "officials", "officials+title": "officials",
          "officials+unit": "officials", "awards": "awards", "roles": "roles", "documents": "documents"}


def max_matching(gold_items: list, pred_items: list, same: Callable[[object, object], bool]) -> list[tuple[int, int]]:
    """A maximum one-to-one matching between gold and predicted items (Kuhn's algorithm).

    Returns (gold index, pred index) pairs. Lists here are short (tens of items).
    """
    edges = [[j for j, p in enumerate(pred_items) if same(g, p)] for g in gold_items]
    owner: dict[int, int] = {}  # pred index -> gold index

    def augment(i: int, seen: set) -> bool:
        for j in edges[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(gold_items)):
        augment(i, set())
    return sorted((i, j) for j, i in owner.items())


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    precision = tp / n_pred if n_pred else (1.0 if n_gold == 0 else 0.0)
    recall = tp / n_gold if n_gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _event_ok(field: str, gold_event: dict, pred_event: dict) -> bool:
    gv, pv = gold_event.get(field), pred_event.get(field)
    if field == "type":
        accepted = gv if isinstance(gv, list) else [gv]
        return pv in accepted
    if field == "date":
        accepted = {None} if gv is None else {a.strip() for a in str(gv).split(" | ")}
        return pv in accepted
    return key(pv) in alternatives(gv)


def score(gold: dict, pred: dict) -> dict:
    """Per-field rows and their mean; see the module docstring."""
    rows: dict[str, dict] = {}
    n_all = len(gold)
    ok = sum(bool((pred.get(gid) or {}).get("relevant")) == bool(g.get("relevant", True))
             for gid, g in gold.items())
    rows["relevant"] = {"accuracy": ok / n_all if n_all else 0.0, "n": n_all}

    relevant = {gid: g for gid, g in gold.items() if g.get("relevant", True)}
    n_rel = len(relevant)
    for field in EVENT_FIELDS:
        hits = sum(_event_ok(field, g.get("event") or {}, (pred.get(gid) or {}).get("event") or {})
                   for gid, g in relevant.items())
        rows["event." + field] = {"accuracy": hits / n_rel if n_rel else 0.0, "n": n_rel}

    for field in LIST_FIELDS:
        tp = n_pred = n_gold = 0
        for gid, g in relevant.items():
            gl = list(g.get(SOURCE[field]) or [])
            pl = list((pred.get(gid) or {}).get(SOURCE[field]) or [])
            tp += len(max_matching(gl, pl, SAME[field]))
            n_pred += len(pl)
            n_gold += len(gl)
        p, r, f = prf(tp, n_pred, n_gold)
        rows[field] = {"precision": p, "recall": r, "f1": f, "gold": n_gold, "pred": n_pred, "tp": tp}

    values = [row["f1"] if "f1" in row else row["accuracy"] for row in rows.values()]
    return {"rows": rows, "score": sum(values) / len(values) if values else 0.0,
            "missing": sorted(gid for gid in gold if gid not in pred)}


def row_value(row: dict) -> float:
    """The number a row is judged by: F1 for list fields, accuracy otherwise."""
    return row["f1"] if "f1" in row else row["accuracy"]


def format_table(result: dict) -> str:
    lines = []
    for name, row in result["rows"].items():
        if "f1" in row:
            lines.append(f"{name:16} P={row['precision']:.3f} R={row['recall']:.3f} F1={row['f1']:.3f}"
                         f"  (gold {row['gold']}, pred {row['pred']})")
        else:
            lines.append(f"{name:16} accuracy={row['accuracy']:.3f}  (n {row['n']})")
    if result.get("missing"):
        lines.append(f"missing records: {len(result['missing'])}: {', '.join(result['missing'][:10])}")
    lines.append(f"score: {result['score']:.3f}")
    return "\n".join(lines)


def differences(gold: dict, pred: dict, fields: Iterable[str] = ("relevant", *EVENT_FIELDS, *LIST_FIELDS)) -> list[str]:
    """Human-readable misses per article (for debugging a failing gate)."""
    out = []
    for gid, g in sorted(gold.items()):
        p = pred.get(gid) or {}
        if bool(p.get("relevant")) != bool(g.get("relevant", True)):
            out.append(f"{gid}: relevant gold={g.get('relevant', True)} pred={bool(p.get('relevant'))}")
            continue
        if not g.get("relevant", True):
            continue
        for field in fields:
            if field in EVENT_FIELDS:
                ge, pe = g.get("event") or {}, p.get("event") or {}
                if not _event_ok(field, ge, pe):
                    out.append(f"{gid}: event.{field} gold={ge.get(field)!r} pred={pe.get(field)!r}")
            elif field in LIST_FIELDS:
                gl = list(g.get(SOURCE[field]) or [])
                pl = list(p.get(SOURCE[field]) or [])
                pairs = max_matching(gl, pl, SAME[field])
                mg = {i for i, _ in pairs}
                mp = {j for _, j in pairs}
                for i, item in enumerate(gl):
                    if i not in mg:
                        out.append(f"{gid}: {field} missed {json.dumps(item, ensure_ascii=False)}")
                for j, item in enumerate(pl):
                    if j not in mp:
                        item = {k: v for k, v in item.items() if k != "evidence"} if isinstance(item, dict) else item
                        out.append(f"{gid}: {field} extra {json.dumps(item, ensure_ascii=False)}")
    return out


def load_jsonl(path: str) -> dict:
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                out[str(rec["id"])] = rec
    return out


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print("usage: python -m extract.evaluate GOLD.jsonl PRED.jsonl [--json] [--diff]")
        return 2
    gold, pred = load_jsonl(argv[1]), load_jsonl(argv[2])
    result = score(gold, pred)
    print(json.dumps(result, ensure_ascii=False) if "--json" in argv else format_table(result))
    if "--diff" in argv:
        print("\n".join(differences(gold, pred)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
