"""Find a site's articles without a hand-written config: robots.txt, sitemaps, feeds, links.

``discover(url)`` looks at a site's home page, its robots.txt, the sitemaps robots.txt names
(or the usual sitemap locations) and the RSS/Atom feeds the home page announces; it gathers
the links they give, learns the article URL pattern the most article-like of them share (a
slug with an id, a date path, a ``.html`` page), tries a few matching pages through
trafilatura (title, date, text) and returns a ``Discovery``: what it found and how sure it
is. ``Discovery.config(name)`` is the source config (crawler/sources.py) to write.

The pure parts (``learn_pattern``, ``sitemap_links``, ``feed_links``, ``feeds_in_page``,
``robots_sitemaps``) work on text already fetched; the spider uses them too, for a config
that names only a home page. Parsing: trafilatura's ``feeds`` and ``sitemaps`` helpers and
Scrapy's sitemap parser (the ``SitemapSpider`` machinery).
"""
from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Optional
from urllib.parse import urljoin, urlsplit

SITEMAP_GUESSES = ("/sitemap.xml", "/sitemap_index.xml", "/wp-sitemap.xml")
FEED_GUESSES = ("/feed/", "/rss.xml", "/rss")
MAX_SITEMAPS = 20          # sitemap files read per site (an index can name many)
MAX_TRIALS = 5             # article pages tried through trafilatura
MIN_TEXT = 200             # characters of text for a trial page to count as an article
USER_AGENT = "thidua-kb/0.1 (+https://github.com/thidua-kb/thidua-kb)"
HREF = re.compile(r"""<a\s[^>]*?href\s*=\s*["']([^"'#]+)""", re.I)

# Fetch: url -> (status, content type, body bytes); status 0 when nothing answered.
Fetch = Callable[[str], tuple[int, str, bytes]]


class DiscoveryError(RuntimeError):
    """The site could not be read, or gave no links that look like articles."""


# --------------------------------------------------------------------------- fetching
def make_fetch(user_agent: str = USER_AGENT, timeout: float = 15.0, obey_robots: bool = True,
               delay: Optional[float] = None) -> Fetch:
    """A polite fetcher (urllib): our User-Agent, robots.txt obeyed for everything but robots.txt,
    ``delay`` seconds between two requests (default: 1 s, none on this machine)."""
    robots: dict[str, Optional[urllib.robotparser.RobotFileParser]] = {}
    last = [0.0]

    def allowed(url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in robots:
            parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
            status, _, body = raw_fetch(origin + "/robots.txt")
            if status == 200:
                parser.parse(body.decode("utf-8", "replace").splitlines())
                robots[origin] = parser
            else:
                robots[origin] = None   # no robots.txt: everything allowed
        parser = robots[origin]
        return parser is None or parser.can_fetch(user_agent, url)

    def raw_fetch(url: str) -> tuple[int, str, bytes]:
        wait = (0.0 if is_loopback(url) else 1.0) if delay is None else delay
        pause = last[0] + wait - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        last[0] = time.monotonic()
        request = urllib.request.Request(url, headers={"User-Agent": user_agent})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.headers.get("Content-Type", ""), response.read(8 * 1024 * 1024)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Content-Type", "") if exc.headers else "", b""
        except (urllib.error.URLError, OSError, ValueError):
            return 0, "", b""

    def fetch(url: str) -> tuple[int, str, bytes]:
        if obey_robots and not url.endswith("/robots.txt") and not allowed(url):
            return 0, "robots.txt", b""
        return raw_fetch(url)

    return fetch


# --------------------------------------------------------------------------- parsing
def _text(body: bytes) -> str:
    return body.decode("utf-8", "replace") if body else ""


def robots_sitemaps(robots_txt: str, base_url: str) -> list[str]:
    """The sitemaps robots.txt names that belong to ``base_url`` (its host, under its path)."""
    from trafilatura.sitemaps import extract_robots_sitemaps

    parts = urlsplit(base_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    found = extract_robots_sitemaps(robots_txt, origin)
    return [u for u in found if within(u, base_url) or (parts.path.strip("/") == "" and _same_host(u, base_url))]


def feeds_in_page(html: str, page_url: str) -> list[str]:
    """RSS/Atom feeds a page announces (<link rel=alternate>, else feed-like <a> links), on its host."""
    from trafilatura.feeds import FeedParameters, determine_feed

    host = urlsplit(page_url).hostname or ""
    params = FeedParameters(_origin(page_url), host, page_url)
    return [u for u in determine_feed(html, params) if _same_host(u, page_url)]


def feed_links(feed_text: str, feed_url: str) -> list[str]:
    """The item links of an RSS/Atom/JSON feed, absolute."""
    from trafilatura.feeds import FeedParameters, find_links

    params = FeedParameters(_origin(feed_url), urlsplit(feed_url).hostname or "", feed_url)
    return [urljoin(feed_url, link) for link in find_links(feed_text.strip(), params) if link]


def sitemap_links(body: bytes) -> tuple[str, list[str]]:
    """(type, locations) of a sitemap: type 'sitemapindex' (locations are sitemaps) or 'urlset'."""
    from scrapy.utils.gz import gunzip
    from scrapy.utils.sitemap import Sitemap

    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body)
        except OSError:
            return "", []
    try:
        sitemap = Sitemap(body)
    except Exception:  # lxml raises several kinds on non-XML bodies
        return "", []
    return sitemap.type, [entry["loc"].strip() for entry in sitemap if entry.get("loc")]


def page_links(html: str, page_url: str) -> list[str]:
    return [urljoin(page_url, href.strip()) for href in HREF.findall(html)]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _same_host(url: str, other: str) -> bool:
    return (urlsplit(url).hostname or "").removeprefix("www.") == (urlsplit(other).hostname or "").removeprefix("www.")


def within(url: str, base_url: str) -> bool:
    """Is ``url`` on the site ``base_url`` (same host, under its path)?"""
    base = base_url.rstrip("/")
    return _same_host(url, base) and (urlsplit(url).path + "/").startswith(urlsplit(base).path + "/")


def relative(url: str, base_url: str) -> str:
    """``url`` as a path after ``base_url`` (with its query), for patterns and configs."""
    parts = urlsplit(url)
    rest = parts.path[len(urlsplit(base_url.rstrip("/")).path):] or "/"
    return rest + (f"?{parts.query}" if parts.query else "")


# --------------------------------------------------------------------------- the pattern
YEAR = re.compile(r"^(19|20)\d{2}$")
MONTH_DAY = re.compile(r"^\d{1,2}$")
NUMBER = re.compile(r"^\d+$")
# <slug>-<id>, the id maybe after a short prefix: -149580, -t9017, -post123
SLUG_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*-(?:[a-z]{1,4})?\d{2,}(\.html?|\.aspx|\.php)?$")
SLUG_PAGE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(\.html?|\.aspx|\.php)$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WORDY = re.compile(r"^[A-Za-z0-9_.-]+$")
TOKEN_REGEX = {
    "year": r"\d{4}", "md": r"\d{1,2}", "num": r"\d+", "slug": r"[a-z0-9-]+", "word": r"[A-Za-z0-9_.-]+",
    "any": r"[^/?#]+",
}


def _token(segment: str) -> tuple[str, str]:
    """(kind, regex) of one path segment."""
    if YEAR.match(segment):
        return "year", TOKEN_REGEX["year"]
    if MONTH_DAY.match(segment):
        return "md", TOKEN_REGEX["md"]
    if NUMBER.match(segment):
        return "num", TOKEN_REGEX["num"]
    m = SLUG_ID.match(segment)
    if m:
        ext = m.group(1) or ""
        return "slug-id" + ext, r"[a-z0-9-]+-\d+" + re.escape(ext)
    m = SLUG_PAGE.match(segment)
    if m:
        return "slug" + m.group(1), r"[a-z0-9-]+" + re.escape(m.group(1))
    if SLUG.match(segment):
        return "slug", TOKEN_REGEX["slug"]
    if WORDY.match(segment):
        return "word", TOKEN_REGEX["word"]
    return "any", TOKEN_REGEX["any"]


def _shape(path: str):
    """A path's shape: the kinds of its segments (a trailing slash counts). After a date path
    (/2023/12/08/) the last segment is a slug, whether or not it ends in digits."""
    segments = [s for s in path.split("/") if s]
    kinds = [_token(s)[0] for s in segments]
    if len(kinds) >= 2 and "year" in kinds[:-1] and kinds[-1].startswith("slug-id") \
            and kinds[kinds.index("year") + 1:-1].count("md") >= 1:
        kinds[-1] = "slug" + kinds[-1][len("slug-id"):]
    return tuple(kinds) + (("/",) if path.endswith("/") and segments else ())


def _kind_regex(kind: str) -> str:
    if kind in TOKEN_REGEX:
        return TOKEN_REGEX[kind]
    if kind.startswith("slug-id"):
        return r"[a-z0-9-]+-[a-z]{0,4}\d+" + re.escape(kind[len("slug-id"):])
    return r"[a-z0-9-]+" + re.escape(kind[len("slug"):])


def _leading_sections(shape) -> tuple[int, tuple]:
    """(number of leading slug segments, the rest): /<section>/<sub>/<slug>-<id>.html -> (2, (slug-id.html,))."""
    n = 0
    while n < len(shape) - 1 and shape[n] == "slug":
        n += 1
    return n, shape[n:]


def _article_likeness(shape) -> float:
    """How much a shape looks like article URLs rather than sections, tags or static pages."""
    kinds = [k for k in shape if k != "/"]
    if not kinds:
        return 0.0
    last = kinds[-1]
    score = 1.0
    if last.startswith("slug-id"):
        score *= 3.0
    if "year" in kinds and kinds.count("md") >= 1:
        score *= 3.0                     # a date path: /2023/12/08/<slug>/
    if last.endswith((".html", ".htm", ".aspx", ".php")):
        score *= 1.5
    if last == "num" and len(kinds) >= 2:
        score *= 2.0                     # /<category>/<id>
    if len(kinds) == 1 and last in ("slug", "word"):
        score *= 0.3                     # /<word>: sections and static pages look like this
    return score


@dataclass
class Pattern:
    regex: str
    shape: tuple
    matching: list[str]       # the candidate paths it matches
    share: float              # of all candidate paths


def _family(shape) -> tuple:
    """Shapes that are one kind of article page: <slug>-<id> or date-path pages under one or more
    section levels form one family (/<section>/[<sub>/]<slug>-<id>.html); other shapes stand alone."""
    depth, tail = _leading_sections(shape)
    kinds = [k for k in tail if k != "/"]
    if depth >= 1 and kinds and (kinds[-1].startswith("slug-id") or "year" in kinds):
        return ("sections",) + tuple(tail)
    return tuple(shape)


def learn_pattern(paths: list[str], min_links: int = 3) -> Optional[Pattern]:
    """The article pattern most article-like paths share, as a regex on the path after base_url.

    Paths are grouped by shape (year/month/day segments, numbers, slugs with an id, ``.html``
    pages...; section levels before a slug with an id count as one family); the group with the
    highest count x article-likeness wins. A segment with one value across the whole group stays
    literal (``/tin-tuc/...``), others become a class.
    """
    paths = list(dict.fromkeys(p.split("?", 1)[0].split("#", 1)[0] for p in paths if p))
    groups: dict[tuple, dict[tuple, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in paths:
        shape = _shape(path)
        if shape:
            groups[_family(shape)][shape].append(path)

    def score(family):
        shapes = groups[family]
        n = sum(len(v) for v in shapes.values())
        return n * max(_article_likeness(s) for s in shapes), n

    best = max(groups, key=score, default=None)
    if best is None:
        return None
    shapes = groups[best]
    members = [p for v in shapes.values() for p in v]
    shape = max(shapes, key=lambda s: len(shapes[s]))
    if len(members) < min_links or _article_likeness(shape) < 1.0:
        return None
    depths = sorted({_leading_sections(s)[0] for s in shapes})
    if len(depths) > 1:
        tail = _leading_sections(shape)[1]
        sections = rf"(?:[a-z0-9-]+/){{{depths[0]},{depths[-1]}}}"
        rest = "/".join(_kind_regex(k) for k in tail if k != "/")
        regex = "^/" + sections + rest + ("/" if tail[-1] == "/" else "") + "$"
        return _pattern(regex, shape, paths)
    split = [[s for s in p.split("/") if s] for p in members]
    parts = []
    for i, kind in enumerate(k for k in shape if k != "/"):
        values = Counter(segments[i] for segments in split)
        if len(values) == 1 and len(members) >= 3 and kind in ("slug", "word"):
            parts.append(re.escape(next(iter(values))))
        else:
            parts.append(_kind_regex(kind))
    regex = "^/" + "/".join(parts) + ("/" if shape[-1] == "/" else "") + "$"
    return _pattern(regex, shape, paths)


def _pattern(regex: str, shape, paths: list[str]) -> Pattern:
    compiled = re.compile(regex)
    matching = [p for p in paths if compiled.search(p)]
    return Pattern(regex=regex, shape=shape, matching=matching, share=round(len(matching) / len(paths), 3))


# --------------------------------------------------------------------------- discovery
@dataclass
class Discovery:
    url: str                             # the home page asked for
    base_url: str                        # without trailing slash
    home_status: int = 0
    sitemaps: list[str] = field(default_factory=list)     # sitemap files read (top level)
    feeds: list[str] = field(default_factory=list)
    links: dict[str, int] = field(default_factory=dict)   # where candidate links came from -> count
    candidates: list[str] = field(default_factory=list)   # paths after base_url
    pattern: Optional[Pattern] = None
    trials: list[dict] = field(default_factory=list)      # {url, title, date, chars, ok}
    found_at: str = ""

    @property
    def confidence(self) -> float:
        """0..1: the share of tried pages that gave an article with a title and a date, weighed down
        when the pattern rests on few links (full weight from 20 matching links)."""
        if self.pattern is None or not self.trials:
            return 0.0
        ok = sum(1 for t in self.trials if t["ok"]) / len(self.trials)
        support = min(1.0, len(self.pattern.matching) / 20)
        return round(ok * (0.6 + 0.4 * support), 2)

    def summary(self) -> dict:
        return {
            "found_at": self.found_at, "from": self.url, "home_page_status": self.home_status,
            "links": dict(self.links), "candidate_links": len(self.candidates),
            "article_links": len(self.pattern.matching) if self.pattern else 0,
            "pattern_share": self.pattern.share if self.pattern else 0.0,
            "tried": [{k: t[k] for k in ("url", "title", "date", "ok")} for t in self.trials],
            "confidence": self.confidence,
        }

    def config(self, name: str, mirror: bool = False) -> dict:
        """The source config (crawler/sources.py schema). ``mirror``: write the base URL with the
        ``{mirror}`` placeholder (for a site of the offline mirror, name ``mirror_*``)."""
        if self.pattern is None:
            raise DiscoveryError(f"{self.url}: no article pattern found")
        rel = lambda u: relative(u, self.base_url) if within(u, self.base_url) else u  # noqa: E731
        config: dict = {"name": name}
        if mirror:
            config["imitates"] = "(a portal without a hand-written config)"
            config["base_url"] = "{mirror}" + urlsplit(self.base_url).path.rstrip("/")
        else:
            config["domain"] = urlsplit(self.base_url).hostname
            config["base_url"] = self.base_url
        config["listings"] = ["/"]
        if self.feeds:
            config["feeds"] = [rel(u) for u in self.feeds]
        if self.sitemaps:
            config["sitemaps"] = [rel(u) for u in self.sitemaps]
        config["article_pattern"] = self.pattern.regex
        config["verified"] = False
        config["discovery"] = self.summary()
        return config


def discover(url: str, fetch: Optional[Fetch] = None, max_trials: int = MAX_TRIALS) -> Discovery:
    """Look at a site (home page, robots.txt, sitemaps, feeds) and learn where its articles are."""
    fetch = fetch or make_fetch()
    if not re.match(r"^https?://[^/]+", url or ""):
        raise DiscoveryError(f"not an http(s) URL: {url!r}")
    base_url = url.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    found = Discovery(url=url, base_url=base_url, found_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    candidates: list[str] = []

    def take(source: str, urls) -> None:
        mine = [u for u in urls if within(u, base_url)]
        found.links[source] = found.links.get(source, 0) + len(mine)
        candidates.extend(relative(u, base_url) for u in mine)

    status, _, body = fetch(base_url + "/")
    found.home_status = status
    if status != 200:
        raise DiscoveryError(f"{base_url}/: the home page answered {status or 'nothing'}")
    home = _text(body)
    take("home_page", page_links(home, base_url + "/"))

    # Sitemaps: those robots.txt names, else the usual places.
    status, _, body = fetch(_origin(base_url) + "/robots.txt")
    sitemaps = robots_sitemaps(_text(body), base_url) if status == 200 else []
    guessed = not sitemaps
    if guessed:
        sitemaps = [base_url + g for g in SITEMAP_GUESSES]
    queue, seen, from_sitemaps = list(sitemaps), set(), []
    while queue and len(seen) < MAX_SITEMAPS:
        sitemap_url = queue.pop(0)
        if sitemap_url in seen:
            continue
        seen.add(sitemap_url)
        status, _, body = fetch(sitemap_url)
        kind, locs = sitemap_links(body) if status == 200 else ("", [])
        if not kind:
            continue
        if sitemap_url in sitemaps and sitemap_url not in found.sitemaps:
            found.sitemaps.append(sitemap_url)
        if kind == "sitemapindex":
            queue.extend(u for u in locs if _same_host(u, base_url))
        else:
            from_sitemaps.extend(locs)
    take("sitemaps", from_sitemaps)

    # Feeds: those the home page announces, else the usual places.
    feeds = feeds_in_page(home, base_url + "/")
    guessed_feeds = not feeds
    for feed_url in feeds or [base_url + g for g in FEED_GUESSES]:
        status, _, body = fetch(feed_url)
        links = feed_links(_text(body), feed_url) if status == 200 else []
        if links:
            found.feeds.append(feed_url)
            take("feeds", links)
        elif not guessed_feeds and status == 200:
            found.feeds.append(feed_url)   # announced, but empty today
    found.candidates = list(dict.fromkeys(candidates))
    found.pattern = learn_pattern(found.candidates)
    if found.pattern is None:
        raise DiscoveryError(f"{base_url}/: no group of links looks like articles "
                             f"({len(found.candidates)} links on the site: {found.links})")

    # Try a few matching pages (newest first: sitemap and feed order varies, so spread the picks).
    matching = found.pattern.matching
    picks = matching if len(matching) <= max_trials else [matching[i * len(matching) // max_trials]
                                                          for i in range(max_trials)]
    for path in picks:
        found.trials.append(try_page(base_url + path, fetch))
    return found


def try_page(url: str, fetch: Fetch) -> dict:
    """Fetch one page and read it with trafilatura: {url, title, date, chars, ok}."""
    import trafilatura

    status, _, body = fetch(url)
    result = {"url": url, "status": status, "title": None, "date": None, "chars": 0, "ok": False}
    if status != 200 or not body:
        return result
    doc = trafilatura.bare_extraction(body, url=url, with_metadata=True, as_dict=True)
    if doc:
        result["title"] = doc.get("title")
        result["date"] = doc.get("date")
        result["chars"] = len(doc.get("text") or "")
        result["ok"] = bool(result["title"] and result["date"] and result["chars"] >= MIN_TEXT)
    return result


def default_name(url: str) -> str:
    """A config name from a site's URL: 'vks.angiang.gov.vn' -> 'vks_angiang'; a loopback mirror
    site 'http://127.0.0.1:8765/tinh/' -> 'mirror_tinh'."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    if is_loopback(url):
        last = [s for s in parts.path.split("/") if s]
        return "mirror_" + re.sub(r"[^a-z0-9]+", "_", (last[-1] if last else "site").lower()).strip("_")
    host = re.sub(r"\.(gov|com|org|edu|net)\.vn$|\.vn$|\.com$", "", host)
    return re.sub(r"[^a-z0-9]+", "_", host.lower()).strip("_") or "site"


def is_loopback(url: str) -> bool:
    import ipaddress

    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
