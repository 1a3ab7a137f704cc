"""Provinces before and after the 2025 merger, with approximate coordinates.

The table comes from :mod:`extract.places` (the package ``vietnamadminunits``, the one
gazetteer of places for the extractor and the knowledge base); ``status`` is ``pre2025``
(merged away, ``merged_into`` names the post-merger province), ``post2025`` or ``both``
(the name continues).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from extract import places

from .fold import fold_key, nfc

# Written before a province's name; dropped to match "tỉnh Bắc Giang" with "Bắc Giang".
_PREFIX = re.compile(r"^(tinh|tp|thanh pho)\s+")


def province_id(name: str) -> str:
    """Stable id: the folded name with dashes ("Bắc Giang" -> "bac-giang")."""
    return _key(name).replace(" ", "-")


def _key(name: str) -> str:
    return _PREFIX.sub("", fold_key(name))


@lru_cache(maxsize=1)
def load_provinces() -> tuple[dict, ...]:
    """Rows for the ``provinces`` table (id, name, kind, status, merged_into_id, latitude, longitude) + aliases."""
    aliases: dict[str, list] = {}
    for alias, name in places.province_aliases().items():
        aliases.setdefault(name, []).append(alias)
    return tuple({
        "id": province_id(p.name),
        "name": nfc(p.name),
        "kind": p.kind,
        "status": p.status,
        "merged_into_id": province_id(p.merged_into) if p.merged_into else None,
        "latitude": p.lat,
        "longitude": p.lon,
        "aliases": aliases.get(p.name, []),
    } for p in places.provinces().values())


@lru_cache(maxsize=1)
def _index() -> dict[str, dict]:
    by_key = {_key(p["name"]): p for p in load_provinces()}
    for p in load_provinces():
        for alias in p["aliases"]:
            by_key.setdefault(_key(alias), p)
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
