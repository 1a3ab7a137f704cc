"""Vietnam's administrative units, from the maintained package ``vietnamadminunits``.

Its SQLite dataset has the 63 provinces and 696 districts before the 2025 reform
(``admin_units_legacy``, with each district's type: quận, huyện, thị xã, thành phố) and
the 34 provinces after it (``admin_units``); its converter maps each post-2025 province
to the provinces merged into it. What the package does not say (historical names it
writes under their newer one, spellings of the genre) is in ``data/places.yml``.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
import importlib.util
from pathlib import Path
from typing import Optional

from ._data import load
from .normalize import fold


@dataclass(frozen=True)
class Province:
    name: str
    kind: str  # "tỉnh" | "thành phố"
    status: str  # "pre2025" (merged away) | "post2025" (new) | "both" (the name continues)
    merged_into: Optional[str]
    lat: float
    lon: float


def _package_file(name: str) -> Path:
    # The package's data files, found without importing the package: its __init__ imports its
    # address parser, ~0.7 s that every process using the places (each build, each extract) paid.
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("vietnamadminunits (a project dependency) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / name


@lru_cache(maxsize=1)
def _dataset() -> tuple[list, list, dict]:
    """(legacy provinces, post-2025 provinces, post-2025 key -> legacy keys) from the package."""
    path = _package_file("dataset.db")
    if not path.is_file():
        raise FileNotFoundError(f"vietnamadminunits' data file is missing: {path}")
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        legacy = con.execute("SELECT DISTINCT provinceKey, province, provinceShort, provinceLat, provinceLon "
                             "FROM admin_units_legacy").fetchall()
        new = con.execute("SELECT DISTINCT provinceKey, province, provinceShort, provinceLat, provinceLon "
                          "FROM admin_units").fetchall()
        districts = con.execute("SELECT DISTINCT districtShort, districtType, provinceShort "
                                "FROM admin_units_legacy").fetchall()
    finally:
        con.close()
    merger = json.loads(_package_file("converter_2025.json").read_text(encoding="utf-8"))["DICT_PROVINCE"]
    return legacy, new, {"merger": merger, "districts": districts}


def _kind(full_name: str) -> str:
    return "thành phố" if full_name.startswith("Thành phố") else "tỉnh"


@lru_cache(maxsize=1)
def provinces() -> dict[str, Province]:
    """Every province before and after the 2025 merger, by name ("Hà Giang", "Huế")."""
    legacy, new, extra = _dataset()
    new_by_key = {k: (short, full) for k, full, short, _, _ in new}
    merged_into = {old: new_by_key[k][0] for k, olds in extra["merger"].items() for old in olds if old != k}
    out: dict[str, Province] = {}
    for key, full, short, lat, lon in legacy:
        status = "both" if key in new_by_key else "pre2025"
        out[short] = Province(short, _kind(full), status, merged_into.get(key) if status == "pre2025" else None,
                              round(lat, 3), round(lon, 3))
    for key, full, short, lat, lon in new:
        if short not in out:
            out[short] = Province(short, _kind(full), "post2025", None, round(lat, 3), round(lon, 3))
    for h in load("places.yml").get("historical", []):
        became = out[h["became"]]
        out[h["name"]] = Province(h["name"], h["kind"], "pre2025", became.name, became.lat, became.lon)
    return out


@lru_cache(maxsize=1)
def province_aliases() -> dict[str, str]:
    """Spellings of provinces -> their name ("HCM" -> "Hồ Chí Minh", "Hoà Bình" -> "Hòa Bình")."""
    return dict(load("places.yml").get("aliases", {}))


_DISTRICT_KIND = {"Quận": "quận", "Huyện": "huyện", "Thị xã": "thị xã", "Thành phố": "thành phố"}


@lru_cache(maxsize=1)
def districts() -> dict[str, Optional[str]]:
    """Folded district name -> its kind ("thành phố", "thị xã", "huyện", "quận"), or None where
    districts of one name are of different kinds in different provinces."""
    out: dict[str, Optional[str]] = {}
    for short, dtype, _province in _dataset()[2]["districts"]:
        key = " ".join(fold(short).replace("-", " ").split())
        kind = _DISTRICT_KIND.get(dtype)
        out[key] = kind if out.get(key, kind) == kind else None
    return out
