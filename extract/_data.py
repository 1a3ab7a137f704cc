"""Load the vocabularies in extract/data once (the package's only global state)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data"
# Every vocabulary the rules read: an incomplete install fails at import, naming the file, not on
# the first page that needs it.
FILES = ("article.yml", "awards.yml", "bodies.yml", "clusters.yml", "dates.yml", "departments.yml", "documents.yml",
         "event_types.yml", "names.yml", "places.yml", "relevance.yml", "titles.yml", "trailers.yml")
if not DATA.is_dir():
    raise FileNotFoundError(f"extract data folder missing: {DATA} (the package is incomplete, reinstall it)")
for _name in FILES:
    if not (DATA / _name).is_file():
        raise FileNotFoundError(f"extract data file missing: {DATA / _name} (the package is incomplete, reinstall it)")


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    """A vocabulary of extract/data (one of ``FILES``)."""
    if name not in FILES:
        raise ValueError(f"{name} is not one of extract/data's vocabularies: add it to extract._data.FILES")
    with open(DATA / name, encoding="utf-8") as f:
        return yaml.safe_load(f) or {}
