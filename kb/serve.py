"""Serve the knowledge base with Datasette: read-only, our metadata and plugin.

The database is opened read-only (``mode=ro``) under the name ``thidua`` whatever the file
is called, so URLs such as ``/thidua/articles.json?_search=thi+dua`` are the same on every
machine. Not immutable: ``thidua build`` and ``thidua update`` may write to the file while it is
served, and SQLite's WAL gives every reader a consistent snapshot meanwhile (an immutable
connection would read pages half-written). New data shows on the next request.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

import yaml

HERE = Path(__file__).parent
# Shipped inside the package (kb/metadata.yml is the repository's metadata.yml, copied into the
# wheel), so an installed ``thidua serve`` finds them from any folder.
METADATA = HERE / "metadata.yml"
PLUGINS_DIR = HERE / "plugins"
TEMPLATES_DIR = HERE / "templates"
DATABASE_NAME = "thidua"
SETTINGS = {
    "sql_time_limit_ms": 3000,  # a slow ad-hoc query gives up instead of hogging the server
    # Facets are computed on every table page; the default ones (metadata.yml) are on indexed
    # columns or small tables. Any other (?_facet=) gives up after this rather than slow the page.
    "facet_time_limit_ms": 100,
    # Suggestions try a facet on every column of every page (50 ms each at 100k rows: seconds).
    "suggest_facets": False,
    "truncate_cells_html": 300,  # article texts are long
    "default_facet_size": 10,  # facets above a table, not a page of them ("…" shows the rest)
    "default_page_size": 50,
}


class ServeError(Exception):
    """The knowledge base cannot be served as published (its metadata, plugin or templates are missing)."""


def load_metadata(metadata_path: Path = METADATA) -> dict:
    """metadata.yml as a dict; ServeError naming the path when it is missing or not a mapping."""
    path = Path(metadata_path)
    try:
        metadata = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ServeError(f"cannot read the Datasette metadata {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise ServeError(f"the Datasette metadata {path} is not valid YAML: {exc}") from None
    if not isinstance(metadata, dict) or "databases" not in metadata:
        raise ServeError(f"the Datasette metadata {path} has no 'databases' section")
    for folder in (PLUGINS_DIR, TEMPLATES_DIR):
        if not folder.is_dir():
            raise ServeError(f"{folder} is missing: the package is incomplete, reinstall it")
    return metadata


def make_datasette(db_path, metadata_path: Path = METADATA):
    """The Datasette app object (no server), for ``serve`` and for tests."""
    from datasette.app import Datasette
    from datasette.database import Database

    metadata = load_metadata(metadata_path)
    ds = Datasette(metadata=metadata, plugins_dir=str(PLUGINS_DIR), template_dir=str(TEMPLATES_DIR),
                   settings=SETTINGS)
    ds.add_database(Database(ds, path=str(Path(db_path).resolve()), is_mutable=True), name=DATABASE_NAME)
    ds.remove_database("_memory")  # added because we passed no files; only our database is served
    return ds


def serve(db_path, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Run Datasette in the foreground until Ctrl-C (uvicorn stops cleanly on SIGINT/SIGTERM)."""
    import uvicorn

    ds = make_datasette(db_path)
    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on")


if __name__ == "__main__":  # python -m kb.serve DB [PORT]: used by the tests to run a real server
    import sys

    serve(sys.argv[1], port=int(sys.argv[2]) if len(sys.argv) > 2 else 8001)
