"""Site configurations: one YAML file per source in ``crawler/sources/`` (sources are data).

A source says where the listings are, how they page, which links are articles,
and (optionally) CSS selectors the extractor should prefer over trafilatura.
Mirror sources (``mirror_*``) write their URLs with a ``{mirror}`` placeholder,
filled with the base URL of a running offline mirror.

Schema (unknown keys are errors, so a typo cannot silently disable a feature)::

    name: baovephapluat            # must equal the file name (without .yml)
    domain: baovephapluat.vn       # real sources: the host crawled
    imitates: baovephapluat.vn     # mirror sources: the real site they copy (documentation)
    base_url: https://baovephapluat.vn     # or "{mirror}/bvpl"
    listings: [/kiem-sat-24h/ban-tin-kiem-sat, ...]   # relative to base_url, newest first; default [/]
    feeds: [/rss/home.rss]         # optional RSS/Atom feeds whose <link>s are article candidates
    sitemaps: [/sitemap.xml]       # optional XML sitemaps (or sitemap indexes) listing article URLs
    pagination:                    # optional; page 1 is the listing URL itself
      url: "{listing}/p/{page}"    # also "{listing}?page={page}", "{listing}page/{page}/"
      max_pages: 30                # hard stop per listing
    listing_links: div.ctrangc3    # optional CSS scope of the article list on a listing page
    article_pattern: '^/(?:[a-z0-9-]+/)+[a-z0-9-]+-\\d+\\.html$'   # regex on the path (+query) after base_url
                                   # optional: without it the crawl first finds the site's sitemaps and
                                   # feeds and learns the pattern from its links (crawler/discover.py)
    strip_query: false             # drop ?query from article URLs before matching and storing
    selectors: {title, date, lead, body, author, remove: [..], date_format}   # all optional
    keywords: [thi đua, khen thưởng]
    notes: free text (what is verified, what is a guess)
    verified: false                # true once someone has checked the config against the live site;
                                   # a crawl that stores an article from it verifies it too (sources list)
    discovery: {...}               # what `thidua sources add` found and how sure it is (documentation)

Only ``name`` and ``base_url`` (and ``domain`` for a real site) are required: a config may name
only a home page. ``THIDUA_SOURCES_DIR`` names a further directory of configs (it wins on a
name clash); ``thidua sources add`` writes there when it is set.
"""
from __future__ import annotations

import copy
import os
import re
from importlib import resources
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit, urlunsplit

import yaml

# importlib.resources rather than a filesystem path, so the configs are also found when the
# package runs from a zipped egg (a Scrapyd deployment).
SOURCES_DIR = resources.files("crawler") / "sources"
SOURCES_DIR_ENV = "THIDUA_SOURCES_DIR"   # a further directory of configs (tests, local sites)
MIRROR_PLACEHOLDER = "{mirror}"
# Pages of the offline mirror are stored under this origin instead of the running mirror's
# http://127.0.0.1:<random port>, so the same mirror page has the same URL on every run
# (re-running the demo adds no duplicates). ".invalid" is reserved: it never resolves.
MIRROR_ORIGIN = "http://mirror.thidua-kb.invalid"

REQUIRED_FIELDS = {"name", "base_url"}
OPTIONAL_FIELDS = {"domain", "imitates", "listings", "feeds", "sitemaps", "article_pattern", "pagination",
                   "listing_links", "strip_query", "selectors", "keywords", "notes", "verified", "discovery"}
SELECTOR_FIELDS = {"title", "date", "lead", "body", "author", "remove", "date_format", "images", "captions"}
PAGINATION_FIELDS = {"url", "max_pages"}


class SourceConfigError(ValueError):
    """A source configuration that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Source:
    name: str
    base_url: str                      # with {mirror} filled in, no trailing slash
    listings: tuple[str, ...]          # absolute URLs
    article_pattern: Optional[str]     # None: learned by the crawl (crawler/discover.py)
    domain: Optional[str] = None
    imitates: Optional[str] = None
    feeds: tuple[str, ...] = ()
    pagination_url: Optional[str] = None
    max_listing_pages: int = 1
    listing_links: Optional[str] = None
    strip_query: bool = False
    selectors: Optional[dict] = None
    keywords: tuple[str, ...] = ()
    notes: str = ""
    sitemaps: tuple[str, ...] = ()
    verified: bool = False
    discovery: Optional[dict] = field(default=None, compare=False)
    path: Optional[Path] = field(default=None, compare=False)

    @property
    def needs_discovery(self) -> bool:
        """A config naming only a home page: the crawl learns its article pattern first."""
        return not self.article_pattern

    @property
    def is_mirror(self) -> bool:
        return self.name.startswith("mirror_")

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    def listing_page_url(self, listing_url: str, page: int) -> Optional[str]:
        """The URL of page ``page`` (1-based) of a listing, or None past the configured end."""
        if page == 1:
            return listing_url
        if not self.pagination_url or page > self.max_listing_pages:
            return None
        return self.pagination_url.format(listing=listing_url, page=page)

    def canonical_article_url(self, url: str) -> Optional[str]:
        """``url`` as stored if it is an article of this source, else None."""
        url = url.split("#", 1)[0]
        if self.strip_query:
            parts = urlsplit(url)
            url = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        if not url.startswith(self.base_url + "/"):
            return None
        rest = url[len(self.base_url):]
        if not self.article_pattern:
            return None
        return url if _compiled(self.article_pattern).search(rest) else None


@lru_cache(maxsize=None)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _fail(path: Path, fieldname: str, message: str):
    raise SourceConfigError(f"{path}: field '{fieldname}': {message}")


def _str_list(path, fieldname, value, required=False) -> list[str]:
    if value is None:
        value = []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        _fail(path, fieldname, "must be a list of non-empty strings")
    if required and not value:
        _fail(path, fieldname, "must not be empty")
    return value


def _absolute(base_url: str, ref: str) -> str:
    if ref.startswith(("http://", "https://")) or ref.startswith(MIRROR_PLACEHOLDER):
        return ref
    return base_url + (ref if ref.startswith("/") else "/" + ref)


def parse_source(raw, path: Path, mirror_url: Optional[str] = None) -> Source:
    """Validate one loaded YAML document; ``mirror_url`` fills the ``{mirror}`` placeholder."""
    if not isinstance(raw, dict):
        _fail(path, "(top level)", "must be a mapping of fields")
    unknown = set(raw) - REQUIRED_FIELDS - OPTIONAL_FIELDS
    if unknown:
        _fail(path, sorted(unknown)[0], f"unknown field (allowed: {', '.join(sorted(REQUIRED_FIELDS | OPTIONAL_FIELDS))})")
    for name in sorted(REQUIRED_FIELDS):
        if name not in raw or raw[name] in (None, "", []):
            _fail(path, name, "is required")
    for name in ("listings", "article_pattern"):
        if name in raw and raw[name] in (None, "", []):
            _fail(path, name, "must not be empty (leave it out to use the default)")
    name = raw["name"]
    stem = path.name.rsplit(".", 1)[0]
    if not isinstance(name, str) or name != stem:
        _fail(path, "name", f"must equal the file name {stem!r}, got {name!r}")
    base_url = raw["base_url"]
    if not isinstance(base_url, str):
        _fail(path, "base_url", "must be a string")
    is_mirror = name.startswith("mirror_")
    if is_mirror != base_url.startswith(MIRROR_PLACEHOLDER):
        _fail(path, "base_url", "mirror_* sources (and only they) start with '{mirror}'")
    if not is_mirror:
        if not re.match(r"^https?://[^/{}]+", base_url):
            _fail(path, "base_url", f"must be an http(s) URL, got {base_url!r}")
        if not isinstance(raw.get("domain"), str) or raw["domain"] not in base_url:
            _fail(path, "domain", "is required for a real source and must be the host of base_url")
    base_url = base_url.rstrip("/")

    listings = [_absolute(base_url, x) for x in _str_list(path, "listings", raw.get("listings", ["/"]), required=True)]
    feeds = [_absolute(base_url, x) for x in _str_list(path, "feeds", raw.get("feeds"))]
    sitemaps = [_absolute(base_url, x) for x in _str_list(path, "sitemaps", raw.get("sitemaps"))]

    article_pattern = raw.get("article_pattern")
    if article_pattern is not None:
        try:
            re.compile(article_pattern)
        except (re.error, TypeError) as exc:
            _fail(path, "article_pattern", f"not a valid regular expression: {exc}")
    verified = raw.get("verified", False)
    if not isinstance(verified, bool):
        _fail(path, "verified", "must be true or false")
    discovery = raw.get("discovery")
    if discovery is not None and not isinstance(discovery, dict):
        _fail(path, "discovery", "must be a mapping")

    pagination_url, max_listing_pages = None, 1
    pag = raw.get("pagination")
    if pag is not None:
        if not isinstance(pag, dict):
            _fail(path, "pagination", "must be a mapping with 'url' and 'max_pages'")
        bad = set(pag) - PAGINATION_FIELDS
        if bad:
            _fail(path, f"pagination.{sorted(bad)[0]}", "unknown field (allowed: url, max_pages)")
        pagination_url = pag.get("url")
        if not isinstance(pagination_url, str) or "{page}" not in pagination_url or "{listing}" not in pagination_url:
            _fail(path, "pagination.url", "must be a string containing {listing} and {page}")
        max_listing_pages = pag.get("max_pages", 20)
        if not isinstance(max_listing_pages, int) or isinstance(max_listing_pages, bool) or max_listing_pages < 1:
            _fail(path, "pagination.max_pages", "must be a positive integer")

    selectors = raw.get("selectors")
    if selectors is not None:
        if not isinstance(selectors, dict):
            _fail(path, "selectors", "must be a mapping")
        bad = set(selectors) - SELECTOR_FIELDS
        if bad:
            _fail(path, f"selectors.{sorted(bad)[0]}", f"unknown selector (allowed: {', '.join(sorted(SELECTOR_FIELDS))})")
        for key, value in selectors.items():
            if key == "remove":
                _str_list(path, "selectors.remove", value)
            elif not isinstance(value, str) or not value.strip():
                _fail(path, f"selectors.{key}", "must be a non-empty string")
        selectors = dict(selectors)

    listing_links = raw.get("listing_links")
    if listing_links is not None and (not isinstance(listing_links, str) or not listing_links.strip()):
        _fail(path, "listing_links", "must be a CSS selector string")
    strip_query = raw.get("strip_query", False)
    if not isinstance(strip_query, bool):
        _fail(path, "strip_query", "must be true or false")
    keywords = _str_list(path, "keywords", raw.get("keywords"))
    notes = raw.get("notes") or ""
    if not isinstance(notes, str):
        _fail(path, "notes", "must be a string")

    if is_mirror and mirror_url is not None:
        fill = mirror_url.rstrip("/")
        base_url = base_url.replace(MIRROR_PLACEHOLDER, fill)
        listings = [u.replace(MIRROR_PLACEHOLDER, fill) for u in listings]
        feeds = [u.replace(MIRROR_PLACEHOLDER, fill) for u in feeds]
        sitemaps = [u.replace(MIRROR_PLACEHOLDER, fill) for u in sitemaps]

    return Source(name=name, base_url=base_url, listings=tuple(listings), article_pattern=article_pattern,
                  domain=raw.get("domain"), imitates=raw.get("imitates"), feeds=tuple(feeds),
                  pagination_url=pagination_url, max_listing_pages=max_listing_pages,
                  listing_links=listing_links, strip_query=strip_query, selectors=selectors,
                  keywords=tuple(keywords), notes=notes, sitemaps=tuple(sitemaps), verified=verified,
                  discovery=discovery, path=path)


def stored_url(url: str, mirror_url: Optional[str]) -> str:
    """The URL as written to the database: mirror URLs get the stable MIRROR_ORIGIN."""
    if mirror_url:
        base = mirror_url.rstrip("/")
        if url == base or url.startswith(base + "/"):
            return MIRROR_ORIGIN + url[len(base):]
    return url


def load_source_file(path, mirror_url: Optional[str] = None) -> Source:
    """One config file (a Path or an importlib.resources Traversable)."""
    path = Path(path) if isinstance(path, str) else path
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SourceConfigError(f"{path}: not valid YAML: {exc}") from exc
    return parse_source(raw, path, mirror_url=mirror_url)


def extra_sources_dir() -> Optional[Path]:
    """The directory named by THIDUA_SOURCES_DIR, if set."""
    value = os.environ.get(SOURCES_DIR_ENV)
    return Path(value) if value else None


def source_files(directory=None) -> dict:
    """Config name -> file, for every ``*.yml`` in ``directory`` (default: the package's configs,
    then those of THIDUA_SOURCES_DIR, which win on a name clash)."""
    if directory is None:
        directories = [SOURCES_DIR]
        extra = extra_sources_dir()
        if extra is not None and extra.is_dir():
            directories.append(extra)
    else:
        directories = [Path(directory) if isinstance(directory, str) else directory]
    found = {}
    for d in directories:
        for p in sorted((p for p in d.iterdir() if p.name.endswith(".yml")), key=lambda p: p.name):
            found[p.name[:-len(".yml")]] = p
    return dict(sorted(found.items()))


def load_sources(names=None, mirror_url: Optional[str] = None, directory=None) -> list[Source]:
    """The named sources (default: every real, non-mirror source), validated.

    Raises SourceConfigError naming the file and field of the first bad config,
    an unknown source name, or a mirror source asked for without ``mirror_url``.
    """
    files = source_files(directory)
    if names is None:
        names = [n for n in files if not n.startswith("mirror_")]
    elif isinstance(names, str):
        names = [names]
    unknown = [n for n in names if n not in files]
    if unknown:
        raise SourceConfigError(f"unknown source {unknown[0]!r}; configured: {', '.join(files)}")
    sources = [load_source_file(files[n], mirror_url=mirror_url) for n in names]
    if mirror_url is None:
        needing = [s.name for s in sources if s.is_mirror]
        if needing:
            raise SourceConfigError(f"source {needing[0]!r} is a mirror source: give the mirror's base URL (--mirror-url)")
    return sources


def selectors_for(source_name: Optional[str]) -> Optional[dict]:
    """The CSS selectors configured for a source (for extract.article), or None."""
    if not source_name:
        return None
    cached = _selectors_cached(source_name)
    return copy.deepcopy(cached) if cached else None


@lru_cache(maxsize=64)
def _selectors_cached(source_name: str) -> Optional[dict]:
    # Read once per process: extraction calls this for every page.
    path = source_files().get(source_name)
    if path is None:
        return None
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    selectors = raw.get("selectors")
    return dict(selectors) if selectors else None


def mirror_source_names() -> list[str]:
    return [n for n in source_files() if n.startswith("mirror_")]
