"""Provinces before and after the 2025 merger, with approximate coordinates.

The table comes from ``extract/data/provinces.csv`` when the extractor ships it
(same columns), else from our own ``kb/data/province_coords.csv``: 63 pre-2025
provinces; ``status`` is ``pre2025`` (merged away, ``merged_into`` names the
post-merger province), ``post2025`` or ``both`` (the name continues).
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path
from typing import Optional

from .fold import fold_key, nfc

DATA = Path(__file__).parent / "data"
EXTRACT_CSV = Path(__file__).parent.parent / "extract" / "data" / "provinces.csv"
OWN_CSV = DATA / "province_coords.csv"
ALIASES_CSV = DATA / "province_aliases.csv"


def require_files(*paths: Path) -> None:
    """Fail at import, naming the path, when a data file the knowledge base needs is missing."""
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(f"data file missing: {path} (the package is incomplete, reinstall it)")


require_files(EXTRACT_CSV, OWN_CSV, ALIASES_CSV)

# Written before a province's name; dropped to match "tỉnh Bắc Giang" with "Bắc Giang".
_PREFIX = re.compile(r"^(tinh|tp|thanh pho)\s+")


def province_id(name: str) -> str:
    """Stable id: the folded name with dashes ("Bắc Giang" -> "bac-giang")."""
    return _key(name).replace(" ", "-")


def _key(name: str) -> str:
    return _PREFIX.sub("", fold_key(name))


def _read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=1)
def load_provinces() -> tuple[dict, ...]:
    """Rows for the ``provinces`` table (id, name, kind, status, merged_into_id, latitude, longitude) + aliases."""
    path = EXTRACT_CSV if EXTRACT_CSV.exists() else OWN_CSV
    rows = []
    for r in _read(path):
        name = nfc(r["name"])
        if name.lower().startswith(("tp ", "thành phố ")):
            name = name.split(" ", 1)[1] if name.lower().startswith("tp ") else name[len("thành phố "):]
        rows.append({
            "id": province_id(name),
            "name": name,
            "kind": nfc(r.get("kind")) or None,
            "status": (r.get("status") or "").strip() or None,
            "merged_into_id": province_id(r["merged_into"]) if (r.get("merged_into") or "").strip() else None,
            "latitude": float(r["lat"]) if r.get("lat") else None,
            "longitude": float(r["lon"]) if r.get("lon") else None,
            "aliases": [a for a in (r.get("aliases") or "").split("|") if a.strip()],
        })
    return tuple(rows)


@lru_cache(maxsize=1)
def _index() -> dict[str, dict]:
    by_key = {_key(p["name"]): p for p in load_provinces()}
    for p in load_provinces():
        for alias in p["aliases"]:
            by_key.setdefault(_key(alias), p)
    for r in _read(ALIASES_CSV):
        target = by_key.get(_key(r["name"]))
        if target:
            by_key.setdefault(_key(r["alias"]), target)
    return by_key


def find_province(name: Optional[str]) -> Optional[dict]:
    """The province row for a name as written ("tỉnh Bắc Giang", "TP. HCM", "Thừa Thiên Huế"), or None."""
    if not name:
        return None
    return _index().get(_key(name))


def current_province(province: Optional[dict]) -> Optional[dict]:
    """The post-2025 province a province belongs to now (itself when its name continues)."""
    if province is None:
        return None
    if province["status"] == "pre2025" and province["merged_into_id"]:
        return next((p for p in load_provinces() if p["id"] == province["merged_into_id"]), None)
    return province
