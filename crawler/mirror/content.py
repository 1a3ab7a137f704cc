"""Synthetic articles for the offline mirror: loading, validation, and scaled variants.

One YAML file per article in ``crawler/mirror/articles/``::

    site: bvpl                 # bvpl (baovephapluat-like) | kiemsat (kiemsat-like) | vkstv (WordPress portal)
    slug: cum-thi-dua-so-6-to-chuc-hoi-nghi-so-ket   # lowercase ASCII, digits, hyphens
    id: 149612                 # integer, unique within the site (4-6 digits; the mirror's variants use >= 2,000,000)
    section: kiem-sat-24h/ban-tin-kiem-sat   # bvpl: <section>/<subsection>; kiemsat: a category slug;
                                             # vkstv: a category slug (e.g. tin-hoat-dong)
    published: "2023-12-01 08:30"            # local time (GMT+7), "YYYY-MM-DD HH:MM"
    title: Cụm thi đua số 6 ... tổ chức Hội nghị sơ kết ...
    lead: Ngày 30/11, ...      # optional
    paragraphs:                # body paragraphs, in order
      - Tham dự Hội nghị có ...
      - "[ảnh] Quang cảnh Hội nghị"   # a paragraph starting with "[ảnh] " is a photo caption
    author: Minh Anh           # the byline

Files whose name starts with ``_`` are examples for development; they are served like the others.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Optional

import yaml

ARTICLES_DIR = Path(__file__).parent / "articles"
SITES = ("bvpl", "kiemsat", "vkstv")
REQUIRED = ("site", "slug", "id", "section", "published", "title", "paragraphs", "author")
OPTIONAL = ("lead",)
PHOTO_PREFIX = "[ảnh] "
VARIANT_ID_BASE = 2_000_000
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SECTION = re.compile(r"^[a-z0-9-]+(?:/[a-z0-9-]+)?$")


class ArticleFileError(ValueError):
    """A mirror article file that cannot be served; the message names the file and field."""


@dataclass(frozen=True)
class MirrorArticle:
    site: str
    slug: str
    id: int
    section: str
    published: datetime
    title: str
    paragraphs: tuple[str, ...]
    author: str
    lead: Optional[str] = None
    origin: str = ""          # the file it came from (variants: "<file>#variant-<k>")

    @property
    def path(self) -> str:
        """The canonical path on the mirror (with the site prefix)."""
        if self.site == "bvpl":
            return f"/bvpl/{self.section}/{self.slug}-{self.id}.html"
        if self.site == "kiemsat":
            return f"/kiemsat/{self.slug}-{self.id}.html"
        return f"/vkstv/{self.published:%Y/%m/%d}/{self.slug}/"

    @property
    def old_path(self) -> str:
        """Where the article used to live (before its slug was edited): answered with a 301."""
        if self.site == "bvpl":
            return f"/bvpl/{self.section}/ban-nhap-{self.id}.html"
        if self.site == "kiemsat":
            return f"/kiemsat/ban-nhap-{self.id}.html"
        return f"/vkstv/{self.published:%Y/%m/%d}/{self.slug}-ban-cu/"


def _fail(path, field, message):
    raise ArticleFileError(f"{path}: field '{field}': {message}")


def parse_article(raw, path) -> MirrorArticle:
    if not isinstance(raw, dict):
        _fail(path, "(top level)", "must be a mapping")
    unknown = set(raw) - set(REQUIRED) - set(OPTIONAL)
    if unknown:
        _fail(path, sorted(unknown)[0], f"unknown field (allowed: {', '.join(REQUIRED + OPTIONAL)})")
    for name in REQUIRED:
        if raw.get(name) in (None, "", []):
            _fail(path, name, "is required")
    if raw["site"] not in SITES:
        _fail(path, "site", f"must be one of {', '.join(SITES)}")
    if not isinstance(raw["slug"], str) or not SLUG.match(raw["slug"]):
        _fail(path, "slug", "must be lowercase ASCII words joined by hyphens")
    if not isinstance(raw["id"], int) or isinstance(raw["id"], bool) or raw["id"] <= 0:
        _fail(path, "id", "must be a positive integer")
    if not isinstance(raw["section"], str) or not SECTION.match(raw["section"]):
        _fail(path, "section", "must be a slug or <slug>/<slug>")
    try:
        published = datetime.strptime(str(raw["published"]), "%Y-%m-%d %H:%M")
    except ValueError:
        _fail(path, "published", 'must read "YYYY-MM-DD HH:MM"')
    paragraphs = raw["paragraphs"]
    if not isinstance(paragraphs, list) or not all(isinstance(p, str) and p.strip() for p in paragraphs):
        _fail(path, "paragraphs", "must be a list of non-empty strings")
    for name in ("title", "author", "lead"):
        if raw.get(name) is not None and not isinstance(raw[name], str):
            _fail(path, name, "must be a string")
    return MirrorArticle(site=raw["site"], slug=raw["slug"], id=raw["id"], section=raw["section"],
                         published=published, title=raw["title"].strip(),
                         paragraphs=tuple(p.strip() for p in paragraphs), author=raw["author"].strip(),
                         lead=(raw.get("lead") or "").strip() or None, origin=str(path))


def load_articles(directory: Path = ARTICLES_DIR) -> list[MirrorArticle]:
    """Every article file, validated; duplicate (site, id) pairs are an error."""
    articles, seen = [], {}
    for path in sorted(Path(directory).glob("*.y*ml")):
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ArticleFileError(f"{path}: not valid YAML: {exc}") from exc
        article = parse_article(raw, path)
        key = (article.site, article.id)
        if key in seen:
            _fail(path, "id", f"{article.id} is already used by {seen[key]} on site {article.site}")
        seen[key] = path
        articles.append(article)
    return articles


CLUSTER_NUMBER = re.compile(r"(Cụm thi đua số )(\d+)")


def make_variant(base: MirrorArticle, k: int) -> MirrorArticle:
    """The k-th synthetic variant of an article: same layout and genre, different id/date/details.

    Deterministic (seeded by k), so a mirror of any scale serves the same pages on every run.
    Later work can vary more (units, names, awards) here without touching the server.
    """
    rng = random.Random(k)
    round_ = k + 1
    cluster = rng.randint(1, 12)

    def vary(text: str) -> str:
        return CLUSTER_NUMBER.sub(lambda m: f"{m.group(1)}{cluster}", text)

    published = base.published - timedelta(days=3 * round_ + rng.randint(0, 2), minutes=rng.randint(0, 600))
    return replace(base, id=VARIANT_ID_BASE + k, slug=f"{base.slug}-{round_}", published=published,
                   title=vary(base.title), lead=vary(base.lead) if base.lead else None,
                   paragraphs=tuple(vary(p) for p in base.paragraphs), origin=f"{base.origin}#variant-{k}")


def with_variants(articles: list[MirrorArticle], scale: int) -> list[MirrorArticle]:
    """The articles plus ``scale`` variants, cycling over the bases (issue 5: a large mirror)."""
    if scale <= 0 or not articles:
        return list(articles)
    bases = sorted(articles, key=lambda a: (a.site, a.id))
    return list(articles) + [make_variant(bases[k % len(bases)], k) for k in range(scale)]
