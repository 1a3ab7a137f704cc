"""Entity resolution: one row per unit, official and cluster, however they are spelled.

Keys are folded (see :mod:`kb.fold`) so spelling variants and tone-mark
placement ("Hòa"/"Hoà") meet; ids are short hashes of those keys, so they are
stable across builds and across machines.
"""
from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

from .fold import fold, fold_key, nfc
from .provinces import current_province, find_province

DATA = Path(__file__).parent / "data"


def require_files(*paths: Path) -> None:
    """Fail at import, naming the path, when a data file the knowledge base needs is missing."""
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(f"data file missing: {path} (the package is incomplete, reinstall it)")


def stable_id(*parts: object) -> str:
    """First 16 hex of sha1 over the parts: the same key gives the same id in every build."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()[:16]


# --------------------------------------------------------------------------- units
# Long forms to the contract's short canonical forms; order matters (specific first).
_UNIT_REWRITES = [
    (r"vi[eệ]n\s+ki[eể]m\s+s[aá]t\s+nh[aâ]n\s+d[aâ]n\s+t[oố]i\s+cao|vksndtc\b|vks\s+t[oố]i\s+cao", "VKSND tối cao"),
    (r"vi[eệ]n\s+ki[eể]m\s+s[aá]t\s+nh[aâ]n\s+d[aâ]n|vi[eệ]n\s+ksnd|\bvksnd\b", "VKSND"),
    (r"vi[eệ]n\s+ki[eể]m\s+s[aá]t\s+qu[aâ]n\s+s[uự]|\bvksqs\b", "VKS quân sự"),
    (r"t[oò][aà]\s+[aá]n\s+nh[aâ]n\s+d[aâ]n\s+t[oố]i\s+cao|\btandtc\b", "TAND tối cao"),
    (r"t[oò][aà]\s+[aá]n\s+nh[aâ]n\s+d[aâ]n|\btand\b", "TAND"),
    (r"\btp\.?\s*hcm\b|\bthành\s+phố\s+hồ\s+chí\s+minh\b|\btp\.?\s*hồ\s+chí\s+minh\b", "TP Hồ Chí Minh"),
    (r"\bthành\s+phố\b|\btp\b\.?", "TP"),
    (r"\bt[iỉ]nh\b", "tỉnh"),
    (r"\bhuyện\b", "huyện"),
    (r"\bquận\b", "quận"),
    (r"\bthị\s+xã\b", "thị xã"),
    (r"\bcấp\s+cao\b", "cấp cao"),
    (r"\btối\s+cao\b", "tối cao"),
]
_UNIT_REWRITES = [(re.compile(p, re.IGNORECASE), r) for p, r in _UNIT_REWRITES]
_DEPARTMENT_NUMBER = re.compile(r"^(Vụ|Cục)\s*(?:số\s*)?0*(\d+)\b[\s,\-–]*(VKSND tối cao)?$", re.IGNORECASE)


@lru_cache(maxsize=1)
def _departments() -> dict[str, str]:
    """Named departments to their numbered canonical names (data: kb/data/departments.csv)."""
    with open(DATA / "departments.csv", encoding="utf-8", newline="") as f:
        return {fold_key(r["name"]): nfc(r["canonical"]) for r in csv.DictReader(f)}


EXTRACT_DEPARTMENTS = Path(__file__).resolve().parent.parent / "extract" / "data" / "departments.yml"
require_files(DATA / "departments.csv", EXTRACT_DEPARTMENTS)


@lru_cache(maxsize=1)
def _department_rules() -> list[tuple[str, str, list[list[str]]]]:
    """(head, number, key-word alternatives) from the extractor's extract/data/departments.yml."""
    import yaml

    data = yaml.safe_load(EXTRACT_DEPARTMENTS.read_text(encoding="utf-8")) or {}
    rules = [("vu", d["name"], d["any"]) for d in data.get("departments") or []]
    rules += [(d.get("head", "cuc"), d["name"], d["any"]) for d in data.get("offices") or []]
    return rules


def _named_department(s: str) -> Optional[str]:
    """"Vụ Thực hành quyền công tố và kiểm sát xét xử hình sự VKSND tối cao" -> "Vụ 7 VKSND tối cao"
    (by its key words, extract/data/departments.yml). Only for a department of the Supreme
    Procuracy named as such: "Cục Thi hành án dân sự tỉnh X" or "Vụ Pháp chế Bộ Tư pháp" belong
    to other bodies, and a bare "Vụ Pháp chế" is placed by the extractor, which reads the article.
    """
    key = fold_key(s)
    if not key.endswith(" vksnd toi cao"):
        # a department written without its parent is the extractor's to place: "Vụ Pháp chế" of an
        # inspectorate's article is not the procuracy's Vụ 14 (extract/units.py decides by context)
        return None
    key = key[: -len(" vksnd toi cao")]
    head = key.split(" ", 1)[0]
    # places and other bodies, case-sensitive: "Bộ Tư pháp" is a ministry, "cán bộ" is not
    if head not in ("vu", "cuc") or re.search(r"\d", key) or \
            re.search(r"\b(tỉnh|TP|huyện|quận|thị xã|Bộ|Sở|TAND|Công an)\b", nfc(s)):
        return None
    for rule_head, number, alternatives in _department_rules():
        if rule_head == head and any(all(re.search(rf"\b{w}\b", key) for w in alt) for alt in alternatives):
            return f"{number} VKSND tối cao"
    return None


@lru_cache(maxsize=200_000)  # a pure function of the name, called for every unit and official mention
def canonical_unit_name(name: str) -> str:
    """"Viện kiểm sát nhân dân tỉnh Bắc Giang" -> "VKSND tỉnh Bắc Giang"; "Vụ 7, VKSNDTC" -> "Vụ 7 VKSND tối cao"."""
    s = nfc(name).strip(" .,;:-–")
    for pattern, repl in _UNIT_REWRITES:
        s = pattern.sub(repl, s)
    s = re.sub(r"\s*,\s*", ", ", nfc(s))
    s = re.sub(r"\s+[-–]\s+(?=VKSND tối cao$)|,\s+(?=VKSND tối cao$)", " ", s)
    m = _DEPARTMENT_NUMBER.match(s)
    if m:
        # A bare "Vụ 7" in this corpus is a department of the Supreme Procuracy.
        return f"{m.group(1).capitalize()} {int(m.group(2))} VKSND tối cao"
    named = _departments().get(fold_key(s))
    if named is None and s.endswith(" VKSND tối cao"):
        named = _departments().get(fold_key(s[: -len(" VKSND tối cao")]))
    return named or _named_department(s) or s


@lru_cache(maxsize=200_000)
def unit_key(name: str) -> str:
    return fold_key(canonical_unit_name(name))


def unit_id(name: str) -> str:
    return stable_id("unit", unit_key(name))


_KINDS = [
    ("VKS quân sự", "VKS quân sự"), ("VKSND", "VKSND"), ("TAND", "TAND"),
    ("Vụ ", "VKSND"), ("Cục Thi hành án", "Thi hành án dân sự"), ("Cục ", "VKSND"),
    ("Văn phòng VKSND", "VKSND"), ("Công an", "Công an"), ("Thanh tra", "Thanh tra"),
    ("Sở Tư pháp", "Sở Tư pháp"), ("Bộ Chỉ huy Quân sự", "Quân sự"),
    ("Ban Thi đua", "Ban Thi đua - Khen thưởng"),
]
_CENTRAL_CITIES = {"ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue"}
_PLACE = re.compile(r"(?:tỉnh|TP|tại)\s+([^,]+?)\s*$")


def classify_unit(canonical: str) -> dict:
    """kind (VKSND, TAND, Công an...), level (trung ương, cấp cao, tỉnh, huyện, quân sự) and province."""
    kind = next((k for prefix, k in _KINDS if canonical.startswith(prefix)), "khác")
    province = None
    for part in reversed(canonical.split(", ")):
        m = _PLACE.search(part)
        if m and find_province(m.group(1)):
            province = find_province(m.group(1))
            break
    low = canonical.lower()
    if "quân sự" in low:
        level = "quân sự"
    elif "tối cao" in low:
        level = "trung ương"
    elif "cấp cao" in low:
        level = "cấp cao"
    elif re.search(r"\b(huyện|quận|thị xã)\b", low):
        level = "huyện"
    elif " tp " in f" {low} " and province and fold_key(province["name"]) in _CENTRAL_CITIES:
        level = "tỉnh"
    elif " tp " in f" {low} ":
        level = "huyện"  # a provincial city (TP Vinh), district level
    elif "tỉnh" in low:
        level = "tỉnh"
    else:
        level = None
    now = current_province(province)
    return {
        "kind": kind,
        "level": level,
        "province_id": province["id"] if province else None,
        "province": province["name"] if province else None,
        "province_status": province["status"] if province else None,
        "current_province_id": now["id"] if now else None,
        "current_province": now["name"] if now else None,
        "latitude": province["latitude"] if province else None,
        "longitude": province["longitude"] if province else None,
    }


def unit_row(name: str) -> dict:
    canonical = canonical_unit_name(name)
    return {"id": unit_id(name), "name": canonical, "name_folded": fold(canonical), **classify_unit(canonical)}


def looks_like_unit(name: str) -> bool:
    """Whether an award recipient names an organisation rather than a person."""
    canonical = canonical_unit_name(name)
    return classify_unit(canonical)["kind"] != "khác" or bool(
        re.search(r"\b(tỉnh|TP|huyện|phòng|ban|đơn vị|tập thể|chi bộ|đoàn|viện|sở|bộ|cục|vụ)\b", canonical, re.IGNORECASE))


# --------------------------------------------------------------------------- officials
def official_name(name: str) -> str:
    return re.sub(r"^(đồng chí|đ/c|ông|bà)\s+", "", nfc(name), flags=re.IGNORECASE)


def official_id(name: str, unit: Optional[str]) -> str:
    """People are merged by folded name + unit: the same name in two units stays two people."""
    return stable_id("official", fold_key(official_name(name)), unit_key(unit) if unit else "")


# --------------------------------------------------------------------------- clusters
def canonical_cluster_name(name: str) -> str:
    s = nfc(name)
    return re.sub(r"\b(số)\s*0*(\d+)", r"\1 \2", s)


def canonical_scope(scope: Optional[str]) -> Optional[str]:
    """Scopes are often units ("Viện KSND tỉnh X" = "VKSND tỉnh X"): spelled the unit's canonical way."""
    return canonical_unit_name(scope) if scope and scope.strip() else None


def cluster_id(scope: Optional[str], name: str) -> str:
    return stable_id("cluster", fold_key(canonical_scope(scope)), fold_key(canonical_cluster_name(name)))


def cluster_row(scope: Optional[str], name: str) -> dict:
    canonical = canonical_cluster_name(name)
    m = re.search(r"số\s+(\d+)", canonical)
    return {
        "id": cluster_id(scope, canonical),
        "name": canonical,
        "scope": canonical_scope(scope),
        "kind": "Khối" if canonical.lower().startswith("khối") else "Cụm",
        "number": int(m.group(1)) if m else None,
    }


def infer_scope(unit_rows: Iterable[dict]) -> Optional[str]:
    """Whose emulation system a cluster belongs to, when the article does not say.

    The same "Cụm thi đua số 4" exists in every sector; the member units tell them
    apart: provincial procuracies -> the procuracy sector; district procuracies of
    one province -> that province's procuracy.
    """
    rows = [u for u in unit_rows if u.get("kind") in ("VKSND", "TAND")]
    if not rows:
        return None
    (kind, level), _ = Counter((u["kind"], u["level"]) for u in rows).most_common(1)[0]
    if level == "huyện":
        provinces = {u["province"] for u in rows if u["level"] == "huyện"}
        if len(provinces) == 1 and None not in provinces:
            return f"{kind} tỉnh {provinces.pop()}"
        return None
    return "ngành Kiểm sát nhân dân" if kind == "VKSND" else "ngành Tòa án nhân dân"


# --------------------------------------------------------------------------- derived tables
def recompute_positions(db) -> None:
    """positions: each (official, title, unit) with the first and last date it was seen."""
    # One pass: per (official, title, unit), the first and last date and the count, and the
    # earliest appearance (by date, NULL first as ORDER BY puts it, then event and seq) as evidence.
    # (A report without a date takes its conference's, kb/merge.py; the article is read only for its date
    # when neither has one; the join only checks it exists,
    # through its primary key index, without reading the article's long row.)
    rows = db.execute("""
        with ap as (
          select ap.official_id, ap.title, ap.unit_id, ap.event_id, ap.seq, ev.article_id,
                 coalesce(ev.date, (select m.date from events m where m.id = ev.event_id),  -- the conference's
                          (select ar.published from articles ar where ar.id = ev.article_id)) as seen,
                 ap.evidence_start, ap.evidence_end, ap.evidence_sentence, ap.evidence_text
          from appearances ap join event_reports ev on ev.id = ap.event_id
          where ap.title is not null and exists (select 1 from articles ar where ar.id = ev.article_id)
        ), seen as (
          select *, min(seen) over w as first_seen, max(seen) over w as last_seen, count(*) over w as appearances,
                 row_number() over (partition by official_id, title, unit_id order by seen, event_id, seq) as n
          from ap window w as (partition by official_id, title, unit_id)
        )
        select official_id, title, unit_id, first_seen, last_seen, appearances,
               article_id, evidence_start, evidence_end, evidence_sentence, evidence_text
        from seen where n = 1""")
    key = lru_cache(maxsize=4096)(fold_key)  # a few hundred distinct titles
    out = [(stable_id("position", official, key(title), unit), official, title, unit, *rest)
           for official, title, unit, *rest in rows]
    with db.conn:
        db.execute("delete from positions")
        db.conn.executemany(
            "INSERT INTO positions (id, official_id, title, unit_id, first_seen, last_seen, appearances, "
            "evidence_article_id, evidence_start, evidence_end, evidence_sentence, evidence_text) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", out)


def recompute_cluster_members(db) -> None:
    """cluster_members: units taking part in a cluster's events (members, not guests) and role holders, by year."""
    # One query for every cluster event's units, over all its reports (kb/merge.py), by unit id.
    rows = db.execute("""
        select distinct ev.id, ev.cluster_id, ev.year, u.id, u.kind, u.level
        from events ev join event_reports r on r.event_id = ev.id
        join event_units eu on eu.event_id = r.id join units u on u.id = eu.unit_id
        where ev.cluster_id is not null and ev.relevant = 1
        order by ev.id, u.id""")
    by_event: dict[str, tuple] = {}
    for event_id, cluster, year, unit, kind, level in rows:
        by_event.setdefault(event_id, (cluster, year, []))[2].append((unit, (kind, level)))
    # (cluster, unit, year) -> events, in the order first seen (the rows' order in the table)
    members: dict[tuple, int] = {}
    for cluster, year, units in by_event.values():
        # Members are the units of the event's dominant (kind, level): guests (Vụ 16 at a provincial
        # cluster's conference) are of another level.
        dominant, _ = Counter(kind_level for _, kind_level in units).most_common(1)[0]
        for unit, kind_level in units:
            if kind_level == dominant:
                key = (cluster, unit, year)
                members[key] = members.get(key, 0) + 1
    for cluster, unit, year in db.execute("select distinct cluster_id, unit_id, year from roles where cluster_id is not null"):
        members.setdefault((cluster, unit, year), 0)
    with db.conn:
        db.execute("delete from cluster_members")
        db.conn.executemany("INSERT INTO cluster_members (cluster_id, unit_id, year, events) VALUES (?, ?, ?, ?)",
                            [(*key, events) for key, events in members.items()])


def remove_orphans(db) -> dict:
    """Delete entities no fact refers to any more (after re-extraction changed an article); returns counts."""
    deleted = {}
    with db.conn:
        deleted["officials"] = db.execute("""
            delete from officials where id not in (select official_id from appearances where official_id is not null)
              and id not in (select recipient_official_id from awards where recipient_official_id is not null)""").rowcount
        db.execute("delete from positions where official_id not in (select id from officials)")
        used = """select unit_id from event_units union select unit_id from appearances where unit_id is not null
                  union select recipient_unit_id from awards where recipient_unit_id is not null
                  union select unit_id from roles union select unit_id from officials where unit_id is not null"""
        db.execute(f"delete from unit_aliases where unit_id not in ({used})")
        db.execute(f"delete from cluster_members where unit_id not in ({used})")
        deleted["units"] = db.execute(f"delete from units where id not in ({used})").rowcount
        deleted["clusters"] = db.execute("""
            delete from clusters where id not in (select cluster_id from event_reports where cluster_id is not null)
              and id not in (select cluster_id from roles where cluster_id is not null)""").rowcount
        deleted["documents"] = db.execute(
            "delete from documents where id not in (select document_id from event_documents)").rowcount
    return deleted
