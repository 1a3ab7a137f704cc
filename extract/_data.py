"""Load the vocabularies in extract/data once (the package's only global state)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data"
if not DATA.is_dir():  # an incomplete install: fail now, naming the folder, not on the first page
    raise FileNotFoundError(f"extract data folder missing: {DATA} (the package is incomplete, reinstall it)")


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    """A vocabulary of extract/data; FileNotFoundError naming its path when it is missing."""
    with open(DATA / name, encoding="utf-8") as f:
        return yaml.safe_load(f) or {}
