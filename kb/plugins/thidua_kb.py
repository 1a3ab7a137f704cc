"""Datasette plugin for the knowledge base (loaded with --plugins-dir / plugins_dir).

Self-contained (imports nothing from this project) so that ``datasette publish``
and ``datasette package`` can ship it with ``--plugins-dir kb/plugins`` alone.

- SQL function ``fold(text)``: lower case, no diacritics, đ -> d (the same folding
  as the ``*_folded`` columns, kb/fold.py), so canned queries fold their parameters.
- SQL function ``fts_terms(text)``: a folded FTS5 query of quoted terms
  ("Bắc Giang" -> '"bac" "giang"'): every word must occur, any column, any accent.
- SQL function ``has_words(text, query)``: every word of the query is a word of
  the text, folded ("cum 4" matches "Cụm thi đua số 4", not "Cụm thi đua số 14").
- SQL function ``unit_words(text)``: a unit's name as folded words with the long
  forms shortened the canonical way ("Viện kiểm sát nhân dân tỉnh Long An" ->
  "vksnd tinh long an"), so a unit is found however it is spelled.
- ``evidence_sentence`` cells show the sentence with the fact (``evidence_text``)
  in <mark>; ``snippet`` cells keep only the <mark> tags of FTS5 snippet() or
  ``accent_snippet(text, query[, folded])`` (the text as written, query words marked);
  ``event_id`` cells of canned queries link to the event's page.
- Speed on a big database (issue 6): connections memory-map the file, and a table's
  ``?_search=`` clause is written so that SQLite walks the page's sort index and stops at the
  page (see ``filters_from_request`` below) instead of sorting every match, and does not count
  the matches unless asked with ``?_count=1`` (``asgi_wrapper``).
- The event page (``/thidua/events/<id>``) lists every fact of the event with
  its evidence (template ``row-thidua-events.html``, variables from here).
"""
from __future__ import annotations

import functools
import re
import sqlite3
import unicodedata

from datasette import hookimpl
from markupsafe import Markup, escape


# The query time limit (sql_time_limit_ms) interrupts SQLite between its steps, never inside one of
# these Python functions: each bounds its own work by refusing (or, for a snippet, cutting) longer input.
TEXT_MAX = 100_000  # characters of a name, title or other value folded or compared
QUERY_MAX = 1_000  # characters of a search query
SNIPPET_TEXT_MAX = 2_000_000  # characters of an article searched for a snippet window (the rest is not shown)
# No value the knowledge base stores comes near this (pages are capped at 8 MB): longer strings made
# by a query (printf('%.*c', 100000000, 'a')) fail at once instead of filling memory.
SQLITE_MAX_LENGTH = 64 << 20


def _bounded(value, limit, function):
    """str(value), or a ValueError when it is longer than ``limit`` (the query fails with that message)."""
    value = str(value)
    if len(value) > limit:
        raise ValueError(f"{function}(): argument longer than {limit} characters")
    return value


def fold(text):
    """Lower case, no diacritics, đ -> d: "Thi đua Bắc Giang" -> "thi dua bac giang" (as kb.fold.fold)."""
    if text is None:
        return None
    text = _bounded(text, TEXT_MAX, "fold").replace("đ", "d").replace("Đ", "D")
    stripped = "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped).lower()


def fts_terms(text):
    words = re.findall(r"\w+", fold(_bounded(text or "", QUERY_MAX, "fts_terms")))
    return " ".join(f'"{w}"' for w in words) or '""'


def has_words(text, query):
    """1 when every word of the query is a word of the text, accents optional ("cum 4" ~ "Cụm thi đua số 4")."""
    wanted = re.findall(r"\w+", fold(_bounded(query or "", QUERY_MAX, "has_words")))
    words = set(re.findall(r"\w+", fold(text or "")))
    return int(all(w in words for w in wanted))


# The contract's short forms (kb/resolve.py spells canonical names this way), on folded text.
_SHORT = [
    (r"\bvien kiem sat nhan dan toi cao\b|\bvksndtc\b", "vksnd toi cao"),
    (r"\bvien kiem sat nhan dan\b|\bvien ksnd\b", "vksnd"),
    (r"\bvien kiem sat quan su\b|\bvksqs\b", "vks quan su"),
    (r"\btoa an nhan dan toi cao\b|\btandtc\b", "tand toi cao"),
    (r"\btoa an nhan dan\b", "tand"),
    (r"\btp hcm\b|\bhcm\b", "tp ho chi minh"),
    (r"\bthanh pho\b", "tp"),
]
_SHORT = [(re.compile(p), r) for p, r in _SHORT]


def unit_words(text):
    """A unit's name as folded words, long forms shortened: "Viện KSND tỉnh Long An" -> "vksnd tinh long an"."""
    s = " ".join(re.findall(r"\w+", fold(_bounded(text or "", TEXT_MAX, "unit_words"))))
    for pattern, repl in _SHORT:
        s = pattern.sub(repl, s)
    return s


@functools.lru_cache(maxsize=256)
def _query_regex(query):
    """The folded words of a query as one regex of whole words, longest first (None without words)."""
    words = set(re.findall(r"\w+", fold(query or "")))
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")(?!\w)")


def accent_snippet(text, query, folded=None, width=60):
    """A window of the text around the first word of the query, accents kept, query words in <mark>.

    FTS5's snippet() can only show the column that matched, the folded one when
    the query has no accents; folding keeps the length (one character each), so
    matches in the folded text are marked in the original. ``folded`` is the text
    already folded (articles.text_folded): folding a whole article here is most of
    the cost; when its length differs from the text's, the text is folded again.
    """
    if not text:
        return None
    text = str(text)[:SNIPPET_TEXT_MAX]
    folded = folded[:SNIPPET_TEXT_MAX] if isinstance(folded, str) else None
    if folded is None or len(folded) != len(text):
        folded = "".join(fold(text[i:i + TEXT_MAX]) for i in range(0, len(text), TEXT_MAX))
    rx = _query_regex(_bounded(query or "", QUERY_MAX, "accent_snippet"))
    if len(folded) != len(text) or rx is None:
        return _plain(text[: 2 * width]) + ("…" if len(text) > 2 * width else "")
    first = rx.search(folded)
    start = max(0, (first.start() if first else 0) - width)
    end = min(len(text), (first.end() if first else 0) + width)
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    out, at = [], start
    for m in rx.finditer(folded, start, end):
        out.append(_plain(text[at:m.start()]) + "<mark>" + _plain(text[m.start():m.end()]) + "</mark>")
        at = m.end()
    out.append(_plain(text[at:end]))
    return ("…" if start > 0 else "") + "".join(out) + ("…" if end < len(text) else "")


def _plain(text):
    """Text with its own mark tags made harmless: in a snippet cell only ours become <mark> (render_cell)."""
    return text.replace("<mark>", "‹mark›").replace("</mark>", "‹/mark›")


# Memory-map the database (read-only): reading pages costs no system call or copy,
# which is most of the time when a query visits thousands of rows of a 2 GB file. SQLite caps
# it at its SQLITE_MAX_MMAP_SIZE (2 GB by default); beyond, the rest is read as usual.
MMAP_SIZE = 4 << 30


def _disabled(name):
    def refuse(*args):
        raise ValueError(f"{name}() is disabled on this server")
    return refuse


@hookimpl
def prepare_connection(conn):
    conn.execute(f"PRAGMA mmap_size = {MMAP_SIZE}")
    if hasattr(conn, "setlimit"):  # Python 3.11+; on 3.10 the functions' own caps still hold
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, SQLITE_MAX_LENGTH)
    # fts3_tokenizer('simple') hands out a C pointer (and with two arguments installs one): not for readers.
    conn.create_function("fts3_tokenizer", 1, _disabled("fts3_tokenizer"))
    conn.create_function("fts3_tokenizer", 2, _disabled("fts3_tokenizer"))
    conn.create_function("fold", 1, fold, deterministic=True)
    conn.create_function("fts_terms", 1, fts_terms, deterministic=True)
    conn.create_function("has_words", 2, has_words, deterministic=True)
    conn.create_function("unit_words", 1, unit_words, deterministic=True)
    conn.create_function("accent_snippet", 2, accent_snippet, deterministic=True)
    conn.create_function("accent_snippet", 3, accent_snippet, deterministic=True)


# --------------------------------------------------------------------------- ?_search= on a table
# Datasette's search filter (datasette/filters.py) adds
#     rowid in (select rowid from <fts> where <fts> match escape_fts(:search))
# SQLite then drives the query from that list: it looks up every matching row (100,000 for
# "thi dua" on 100k articles) and sorts them all for a page of 50 (order by published desc).
# Written "+rowid in (...)", the list is only probed: SQLite walks the published index from the
# newest article and stops after the page, and a count scans a small index instead of the rows
# (measured on 100k articles, "thi dua": page ~200 -> ~30 ms; a rare word costs one pass over
# the index, ~20 ms). Same rows, same order, same count.
_SEARCH_CLAUSE = re.compile(r"^rowid in \(select rowid from (\S+) where \1 match ")


def _unary_plus_rowid(filter_arguments):
    if filter_arguments:
        filter_arguments.where_clauses[:] = [
            "+" + c if isinstance(c, str) and _SEARCH_CLAUSE.match(c) else c for c in filter_arguments.where_clauses]
    return filter_arguments


@hookimpl(hookwrapper=True)
def filters_from_request(request, database, table, datasette):
    """Rewrite the search clause of the other filters_from_request implementations (see above)."""
    from datasette.utils import await_me_maybe

    outcome = yield
    results = outcome.get_result()

    def wrap(result):
        async def inner():
            return _unary_plus_rowid(await await_me_maybe(result))
        return inner

    outcome.force_result([wrap(r) for r in results])


# Datasette counts the rows of every table page. On a search that is all the matches: 100,000 for
# "thi dua" on 100k articles, ~55 ms, as much as the page itself. A table search therefore skips
# it (?_nocount=1, which Datasette understands), unless the URL asks for it with ?_count=1.
def _search_without_count(query_string: bytes) -> bytes:
    keys = [part.split(b"=", 1)[0] for part in query_string.split(b"&")]
    if any(k == b"_search" or k.startswith(b"_search_") for k in keys) and b"_nocount" not in keys \
            and b"_count" not in keys:
        return query_string + b"&_nocount=1"
    return query_string


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def searches_without_count(scope, receive, send):
            if scope.get("type") == "http" and scope.get("query_string"):
                query_string = _search_without_count(scope["query_string"])
                if query_string is not scope["query_string"]:
                    scope = dict(scope, query_string=query_string)
            await app(scope, receive, send)
        return searches_without_count
    return wrap


def highlight(sentence: str, fact: str | None) -> Markup:
    """The sentence, escaped, with the first occurrence of the fact marked."""
    at = sentence.find(fact) if fact else -1
    if at < 0:
        return Markup(escape(sentence))
    end = at + len(fact)
    return Markup("{}<mark>{}</mark>{}").format(sentence[:at], sentence[at:end], sentence[end:])


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if not isinstance(value, str):
        return None
    if column == "evidence_sentence":
        keys = row.keys() if hasattr(row, "keys") else []
        return highlight(value, row["evidence_text"] if "evidence_text" in keys else None)
    if column == "snippet":
        escaped = str(escape(value))
        return Markup(escaped.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>"))
    if column == "event_id" and table is None and database:  # canned query results: link to the event page
        return Markup('<a href="{}">{}</a>').format(datasette.urls.row(database, "events", value), value)
    return None


# --------------------------------------------------------------------------- the event page
EVENT_FACTS = """
select 'official' as kind, ap.name || coalesce(', ' || ap.title, '') || coalesce(' — ' || u.name, '') as fact,
       ap.role as note, ap.evidence_start as at, ap.evidence_sentence, ap.evidence_text
from appearances ap left join units u on u.id = ap.unit_id where ap.event_id = :id
union all
select 'unit', u.name, case when eu.surface != u.name then 'written “' || eu.surface || '”' end,
       eu.evidence_start, eu.evidence_sentence, eu.evidence_text
from event_units eu join units u on u.id = eu.unit_id where eu.event_id = :id
union all
select 'award', aw.name || coalesce(' → ' || coalesce(u.name, o.name, aw.recipient), ''),
       trim(coalesce(aw.status, '') || ' ' || coalesce(aw.year, '')), aw.evidence_start, aw.evidence_sentence,
       aw.evidence_text
from awards aw left join units u on u.id = aw.recipient_unit_id
left join officials o on o.id = aw.recipient_official_id where aw.event_id = :id
union all
select 'role', u.name || ': ' || r.role || coalesce(' ' || r.year, ''), c.name, r.evidence_start,
       r.evidence_sentence, r.evidence_text
from roles r join units u on u.id = r.unit_id left join clusters c on c.id = r.cluster_id where r.event_id = :id
union all
select 'document', d.kind || ' ' || d.number, d.date, ed.evidence_start, ed.evidence_sentence, ed.evidence_text
from event_documents ed join documents d on d.id = ed.document_id where ed.event_id = :id
order by 4, 1
"""

EVENT_SUMMARY = """
select e.id, e.type, e.date, e.year, e.period, e.online, e.province, a.title, a.url, a.published, a.source,
       a.id as article_id, c.name as cluster, c.scope as cluster_scope, c.id as cluster_id
from events e join articles a on a.id = e.article_id left join clusters c on c.id = e.cluster_id
where e.id = :id
"""


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    if view_name != "row" or table != "events" or request is None:
        return {}

    async def event_vars():
        pks = request.url_vars.get("pks", "")
        from datasette.utils import tilde_decode

        event = tilde_decode(pks)
        db = datasette.get_database(database)
        summary = (await db.execute(EVENT_SUMMARY, {"id": event})).first()
        facts = [
            {"kind": r["kind"], "fact": r["fact"], "note": r["note"],
             "evidence": highlight(r["evidence_sentence"], r["evidence_text"]) if r["evidence_sentence"] else None}
            for r in (await db.execute(EVENT_FACTS, {"id": event})).rows
        ]
        return {"event_summary": dict(summary) if summary else None, "event_facts": facts}

    return event_vars


# --------------------------------------------------------------------------- every page: style, offline map
PAGE_CSS = """
mark { background: #fff176; padding: 0 2px; }
th.col-evidence_text, td.col-evidence_text { display: none; }  /* it is the <mark> of evidence_sentence */
td.col-evidence_sentence, td.col-snippet { min-width: 22em; }
form.kb-search { margin: 1em 0; }
form.kb-search label { font-weight: bold; margin-right: 0.5em; }
ul.kb-questions li { margin: 0.3em 0; }
.leaflet-container.kb-offline { background: #e8eff5; }
"""

# Map tiles come from openstreetmap.org. Offline (or when blocked) every tile fails:
# then draw the provinces (a dot at each capital, name on hover) so the markers
# keep their geography. L.Map.addInitHook reaches the maps of datasette-cluster-map
# and of datasette-dashboards alike; Leaflet itself is served locally by datasette-leaflet.
OFFLINE_MAP_JS = """
(function () {
  var provincesUrl = %(url)s;
  function fallback(map) {
    if (map._kbOffline) return;
    map._kbOffline = true;
    map.getContainer().classList.add("kb-offline");
    fetch(provincesUrl).then(function (r) { return r.json(); }).then(function (rows) {
      var layer = L.layerGroup();
      rows.forEach(function (p) {
        if (p.latitude == null || p.longitude == null) return;
        L.circleMarker([p.latitude, p.longitude], {radius: 3, weight: 1, color: "#7a8a99",
            fillColor: "#b8c4cf", fillOpacity: 0.9, interactive: true})
          .bindTooltip(p.name, {direction: "top"}).addTo(layer);
      });
      layer.addTo(map);
      layer.eachLayer(function (m) { m.bringToBack(); });
    });
  }
  function hook() {
    L.Map.addInitHook(function () {
      var map = this;
      map.on("layeradd", function (e) {
        if (e.layer instanceof L.TileLayer) {
          var failed = 0, loaded = 0;
          e.layer.on("tileload", function () { loaded++; });
          e.layer.on("tileerror", function () { if (++failed >= 2 && !loaded) fallback(map); });
        }
      });
    });
  }
  var tries = 0, timer = setInterval(function () {
    if (window.L && window.L.Map) { clearInterval(timer); hook(); }
    else if (++tries > 2000) { clearInterval(timer); }
  }, 5);
})();
"""


@hookimpl
def extra_body_script(template, database, table, columns, view_name, request, datasette):
    import json

    style = "document.head.insertAdjacentHTML('beforeend', {});".format(
        json.dumps("<style>" + PAGE_CSS + "</style>"))
    if view_name not in ("table", "query", "database", "row") and "dashboard" not in (template or ""):
        return style
    url = datasette.urls.table(datasette.get_database().name, "provinces", format="json") + \
        "?_shape=array&_size=max&_col=name&_col=latitude&_col=longitude&latitude__notblank=1"
    return style + OFFLINE_MAP_JS % {"url": json.dumps(url)}
