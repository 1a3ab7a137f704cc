"""The extractor's version: a hash of its rules (every module and data file of this package).

Every article records the version that produced it, so a change to any rule, vocabulary or
gazetteer makes ``thidua build`` extract the stored pages again.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Not rules: the scorer of extractions and this file.
_NOT_RULES = {"evaluate.py", "version.py"}


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """"<package version>+<12 hex of sha1 over the rules' paths and bytes>"; the same files give the same string."""
    digest = hashlib.sha1()
    for path in sorted(HERE.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.name in _NOT_RULES or path.suffix == ".pyc":
            continue
        digest.update(path.relative_to(HERE).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    from importlib.metadata import PackageNotFoundError, version

    try:
        package = version("thidua-kb")
    except PackageNotFoundError:  # run from a checkout without installing: the hash alone
        package = "0"
    return f"{package}+{digest.hexdigest()[:12]}"
