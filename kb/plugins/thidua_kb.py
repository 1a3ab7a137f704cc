"""Datasette plugin for the knowledge base (loaded with --plugins-dir / plugins_dir).

Self-contained (imports nothing from this project) so that ``datasette publish``
and ``datasette package`` can ship it with ``--plugins-dir kb/plugins`` alone.

- SQL function ``fold(text)``: lower case, no diacritics, đ -> d, so canned queries fold their
  parameters. A copy of :func:`extract.normalize.fold` (the folding of the ``*_folded`` columns),
  because this file ships alone; ``tests/test_normalize.py`` checks that the two agree.
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
- The readers' pages (templates ``row-thidua-<table>.html``, variables from here): an event
  (one per conference, kb/merge.py) with its reports and every fact with its evidence and
  article; a unit, an official and a cluster with what the knowledge base knows of them.
- Vietnamese for readers: column headings and form labels from metadata.yml (``plugins:
  thidua-kb: labels, params``), event types in words in canned queries (``event_types``), the
  search page's facets (``kb_json``) and snippets (``kb_marked``); tables open without the
  columns listed in ``hidden_columns`` (``?_all=1`` shows them).
- ``accent_words(text, query)``: the query's words written as typed (the search ranks them first).
"""
from __future__ import annotations

import asyncio
import functools
import re
import sqlite3
import unicodedata
import urllib.parse

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


@functools.lru_cache(maxsize=256)
def _typed_words(query):
    """The query's words as typed (NFC, lower case)."""
    return tuple(set(re.findall(r"\w+", unicodedata.normalize("NFC", query).lower())))


def _word_char(ch):
    return ch.isalnum() or ch == "_"  # what re's \w matches in a str


def _has_word(text, word):
    r"""``word`` (word characters only) is a whole word of the text: an occurrence with no word
    character on either side, as re.findall(r"\w+", text) would cut it."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not _word_char(text[at - 1])) and (end == len(text) or not _word_char(text[end])):
            return True
        at = text.find(word, at + 1)
    return False


def accent_words(text, query):
    """How many words of the query occur in the text as typed (case aside, accents included): a text
    written with the accents the reader typed ranks above one that matches only once folded.
    (str.find for each word rather than splitting the whole article into words: ~20x cheaper.)"""
    wanted = _typed_words(_bounded(query or "", QUERY_MAX, "accent_words"))
    if not wanted or not text:
        return 0
    text = unicodedata.normalize("NFC", str(text)).lower()
    return sum(1 for word in wanted if _has_word(text, word))


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
    conn.create_function("accent_words", 2, accent_words, deterministic=True)


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
        searched = any(isinstance(c, str) and _SEARCH_CLAUSE.match(c) for c in filter_arguments.where_clauses)
        filter_arguments.where_clauses[:] = [
            "+" + c if isinstance(c, str) and _SEARCH_CLAUSE.match(c) else c for c in filter_arguments.where_clauses]
        if searched:
            for key, value in list(filter_arguments.params.items()):
                if key == "search" or key.startswith("search_"):
                    filter_arguments.params[key] = fold_accents(value)
    return filter_arguments


# The search index holds the folded text (kb/schema.py FTS_COLUMNS): a query's accented letters are
# folded too. ASCII is left as typed, so a raw-mode query keeps its AND/OR/NOT and column filters.
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def fold_accents(query):
    """"thi đua AND Bắc" -> "thi dua AND bac": accented letters folded, ASCII as typed."""
    if not isinstance(query, str):
        return query
    return _NON_ASCII.sub(lambda m: fold(m.group()), query)


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
    hidden = (datasette.plugin_config("thidua-kb") or {}).get("hidden_columns") or {}

    def wrap(app):
        async def searches_without_count(scope, receive, send):
            if scope.get("type") == "http" and scope.get("query_string"):
                query_string = _search_without_count(scope["query_string"])
                if query_string is not scope["query_string"]:
                    scope = dict(scope, query_string=query_string)
            if scope.get("type") == "http" and hidden:
                query_string = _hide_columns(scope.get("path", ""), scope.get("query_string") or b"", hidden)
                if query_string != (scope.get("query_string") or b""):
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
        return Markup('<a href="{}" title="{}">xem sự kiện</a>').format(
            datasette.urls.row(database, "events", value), value)
    if table is None and database and column in QUERY_LINKS:  # canned queries: a name links to its page
        keys = row.keys() if hasattr(row, "keys") else []
        for id_column, target in QUERY_LINKS[column]:
            if id_column in keys and row[id_column]:
                return Markup('<a href="{}">{}</a>').format(
                    datasette.urls.row(database, target, str(row[id_column])), value)
    if column in TYPE_COLUMNS and table is None and database and re.fullmatch(r"[a-z_]+", value):
        async def type_name():
            return (await _type_names(datasette, database)).get(value)
        return type_name()
    return None


# --------------------------------------------------------------------------- the readers' pages
# Row pages of events, units, officials and clusters (templates row-thidua-<table>.html): the
# queries below give their variables. An event is one conference (kb/merge.py); its facts hang
# off its reports (event_reports), each fact with the article it comes from.
EVENT_FACTS = """
with reports as (select id, article_id, site from event_reports where event_id = :id)
select 'official' as kind, ap.name || coalesce(', ' || ap.title, '') || coalesce(' — ' || u.name, '') as fact,
       'officials' as ref_table, ap.official_id as ref_id, ap.role as note, ap.evidence_start as at,
       ap.evidence_sentence, ap.evidence_text, r.article_id, r.site, null as award_page, null as award_name,
       null as recipient
from appearances ap join reports r on r.id = ap.event_id left join units u on u.id = ap.unit_id
union all
select 'unit', u.name, 'units', u.id, case when eu.surface != u.name then 'viết “' || eu.surface || '”' end,
       eu.evidence_start, eu.evidence_sentence, eu.evidence_text, r.article_id, r.site, null, null, null
from event_units eu join reports r on r.id = eu.event_id join units u on u.id = eu.unit_id
union all
select 'award', aw.name || coalesce(' → ' || coalesce(u.name, o.name, aw.recipient), ''),
       case when u.id is not null then 'units' when o.id is not null then 'officials' end, coalesce(u.id, o.id),
       trim(case aw.status when 'conferred' then 'đã trao' when 'proposed' then 'đề nghị' else '' end
            || ' ' || coalesce(aw.year, '')), aw.evidence_start, aw.evidence_sentence,
       aw.evidence_text, r.article_id, r.site, aw.event_id || ',' || aw.seq, aw.name,
       coalesce(u.name, o.name, aw.recipient)
from awards aw join reports r on r.id = aw.event_id left join units u on u.id = aw.recipient_unit_id
left join officials o on o.id = aw.recipient_official_id
union all
select 'role', u.name || ': ' || ro.role || coalesce(' ' || ro.year, ''), 'units', u.id, c.name, ro.evidence_start,
       ro.evidence_sentence, ro.evidence_text, r.article_id, r.site, null, null, null
from roles ro join reports r on r.id = ro.event_id join units u on u.id = ro.unit_id
left join clusters c on c.id = ro.cluster_id
union all
select 'document', d.kind || ' ' || d.number, 'documents', d.id, d.date, ed.evidence_start, ed.evidence_sentence,
       ed.evidence_text, r.article_id, r.site, null, null, null
from event_documents ed join reports r on r.id = ed.event_id join documents d on d.id = ed.document_id
order by 9, 6, 1
"""

EVENT_SUMMARY = """
select e.id, e.type, t.name as type_name, e.types, e.date, e.year, e.period, e.online, e.province, e.reports,
       a.title, a.url, a.published, a.source, a.id as article_id, c.name as cluster, c.scope as cluster_scope,
       c.id as cluster_id
from events e join articles a on a.id = e.article_id left join clusters c on c.id = e.cluster_id
left join event_types t on t.id = e.type
where e.id = :id
"""

EVENT_REPORTS = """
select r.id, r.article_id, r.site, r.published, r.date, r.type, t.name as type_name, r.title, a.url,
       c.name as cluster, c.id as cluster_id,
       (select u.name from roles ro join units u on u.id = ro.unit_id
        where ro.event_id = r.id and ro.role like '%trưởng' order by ro.seq limit 1) as host
from event_reports r join articles a on a.id = r.article_id left join event_types t on t.id = r.type
left join clusters c on c.id = r.cluster_id
where r.event_id = :id order by r.published, r.id
"""

FACT_KINDS = {"official": "cán bộ", "unit": "đơn vị", "award": "khen thưởng", "role": "vai trò", "document": "văn bản"}

# Long lists on a unit's or a cluster's page (issue 13): at 100,000 articles a busy unit takes part in
# thousands of events (25,000 in the benchmark) and a page listing them all took seconds to build and
# megabytes to send. Such a list shows its newest LIST_SIZE entries, oldest first as before, with a
# link to the rest: older pages of the unit's events (?events_page=2), or the table of the facts
# (roles, awards, appearances, cluster members, a cluster's events), which Datasette pages, sorts
# and filters. 30: a unit page of 50-entry lists took ~60 ms to build here, of 30 ~40 ms.
LIST_SIZE = 30
FACT_ROWS = 4 * LIST_SIZE  # rows of facts read, newest first, to gather LIST_SIZE facts with their reports

# The events of a unit: it took part, was awarded or held a role (through any report of the event).
# Two ways to the newest ones, the same rows in the same order: a unit named in few reports gathers
# its events and sorts them (cost: its reports); a busy one walks all events newest first and keeps
# those it is named in (cost: the events walked until the page is full, fewer the busier the unit).
# UNIT_REPORTS counts the unit's facts (index counts only) to choose.
UNIT_REPORTS = """
select (select count(*) from event_units where unit_id = :id) + (select count(*) from awards where recipient_unit_id = :id)
     + (select count(*) from roles where unit_id = :id) + (select count(*) from appearances where unit_id = :id) as n
"""
WALK_FROM_REPORTS = 7000  # measured at 100k: both ways ~15 ms here; below gathering is cheaper, above walking

UNIT_EVENTS_COLUMNS = """e.id, e.date, e.year, e.title, t.name as type_name, e.reports, c.name as cluster,
       c.id as cluster_id"""
UNIT_EVENTS_GATHERED = """
with mine as (
  select r.event_id from event_units eu join event_reports r on r.id = eu.event_id where eu.unit_id = :id
  union select r.event_id from awards aw join event_reports r on r.id = aw.event_id where aw.recipient_unit_id = :id
  union select r.event_id from roles ro join event_reports r on r.id = ro.event_id where ro.unit_id = :id
  union select r.event_id from appearances ap join event_reports r on r.id = ap.event_id where ap.unit_id = :id
)
select """ + UNIT_EVENTS_COLUMNS + """
from events e join mine on mine.event_id = e.id left join event_types t on t.id = e.type
left join clusters c on c.id = e.cluster_id
order by e.date desc, e.id desc limit :limit offset :offset
"""
# "+column": look the facts up by their report (a handful of rows), not by the unit (thousands).
UNIT_EVENTS_WALKED = """
select """ + UNIT_EVENTS_COLUMNS + """
from events e left join event_types t on t.id = e.type left join clusters c on c.id = e.cluster_id
where exists (select 1 from event_reports r where r.event_id = e.id and (
  exists (select 1 from event_units eu where eu.event_id = r.id and eu.unit_id = :id)
  or exists (select 1 from awards aw where aw.event_id = r.id and +aw.recipient_unit_id = :id)
  or exists (select 1 from roles ro where ro.event_id = r.id and +ro.unit_id = :id)
  or exists (select 1 from appearances ap where ap.event_id = r.id and +ap.unit_id = :id)))
order by e.date desc, e.id desc limit :limit offset :offset
"""

UNIT_PAGE = {
    "aliases": "select alias from unit_aliases where unit_id = :id order by alias",
    # newest first (the page shows them oldest first)
    "clusters": """select m.year, c.id as cluster_id, c.name as cluster, c.scope, m.events from cluster_members m
                   join clusters c on c.id = m.cluster_id where m.unit_id = :id
                   order by m.year desc, c.name desc, c.id desc limit :limit""",
    # newest first (the page shows them oldest first): :rows rows, enough for LIST_SIZE facts
    "roles": """select ro.year, ro.role, c.id as cluster_id, c.name as cluster, r.event_id, ro.evidence_sentence,
                       ro.evidence_text, r.article_id, r.site
                from roles ro join event_reports r on r.id = ro.event_id left join clusters c on c.id = ro.cluster_id
                where ro.unit_id = :id
                order by ro.year desc, ro.role, r.published desc, ro.event_id desc, ro.seq desc limit :rows""",
    "awards": """select aw.year, aw.name, aw.status, r.event_id, aw.evidence_sentence, aw.evidence_text, r.article_id,
                        r.site, aw.event_id || ',' || aw.seq as award_page
                 from awards aw join event_reports r on r.id = aw.event_id
                 where aw.recipient_unit_id = :id
                 order by aw.year desc, aw.name desc, aw.event_id desc, aw.seq desc limit :rows""",
    # the officials seen last (aggregated before the officials' rows are read); the page lists them by
    # first appearance, as before
    "officials": """with seen as materialized (
                      select ap.official_id, ap.title, coalesce(r.date, r.published) as date
                      from appearances ap join event_reports r on r.id = ap.event_id where ap.unit_id = :id
                    ), recent as (
                      select official_id, group_concat(distinct title) as titles, count(*) as times,
                             min(date) as first_seen, max(date) as last_seen
                      from seen group by official_id order by last_seen desc, official_id limit :limit)
                    select o.id, o.name, recent.titles, recent.times, recent.first_seen, recent.last_seen
                    from recent join officials o on o.id = recent.official_id""",
}

OFFICIAL_PAGE = {
    "official": """select o.id, o.name, u.id as unit_id, u.name as unit from officials o
                   left join units u on u.id = o.unit_id where o.id = :id""",
    "positions": """select p.title, u.id as unit_id, u.name as unit, p.first_seen, p.last_seen, p.appearances,
                           p.evidence_sentence, p.evidence_text, p.evidence_article_id as article_id
                    from positions p left join units u on u.id = p.unit_id
                    where p.official_id = :id order by p.first_seen, p.title""",
    "events": """select e.id, coalesce(e.date, r.published) as date, e.title, t.name as type_name, ap.title as position,
                        ap.role, ap.evidence_sentence, ap.evidence_text, r.article_id, r.site, c.name as cluster,
                        c.id as cluster_id
                 from appearances ap join event_reports r on r.id = ap.event_id join events e on e.id = r.event_id
                 left join event_types t on t.id = e.type left join clusters c on c.id = e.cluster_id
                 where ap.official_id = :id order by date, e.id""",
    "awards": """select aw.year, aw.name, aw.status, r.event_id, aw.evidence_sentence, aw.evidence_text, r.article_id,
                        r.site, aw.event_id || ',' || aw.seq as award_page
                 from awards aw join event_reports r on r.id = aw.event_id
                 where aw.recipient_official_id = :id order by aw.year, aw.name""",
}

CLUSTER_PAGE = {
    # newest first, as the unit's (the page shows them oldest first)
    "members": """select m.year, u.id as unit_id, u.name as unit, m.events from cluster_members m
                  join units u on u.id = m.unit_id where m.cluster_id = :id
                  order by m.year desc, u.name desc, u.id desc limit :limit""",
    # newest first, as the unit's (the page shows them oldest first)
    "leaders": """select ro.year, ro.role, u.id as unit_id, u.name as unit, r.event_id, ro.evidence_sentence,
                         ro.evidence_text, r.article_id, r.site
                  from roles ro join units u on u.id = ro.unit_id join event_reports r on r.id = ro.event_id
                  where ro.cluster_id = :id
                  order by ro.year desc, ro.role, u.name desc, r.published desc, ro.event_id desc, ro.seq desc
                  limit :rows""",
    "events": """select e.id, e.year, e.date, e.title, t.name as type_name, e.reports, e.sites
                 from events e left join event_types t on t.id = e.type
                 where e.cluster_id = :id and e.relevant = 1
                 order by e.year desc, coalesce(e.date, '') desc, e.id desc limit :limit""",
}


def _by(rows, key):
    """[(key value, [rows...])] in the rows' order."""
    out: list = []
    for r in rows:
        if out and out[-1][0] == r[key]:
            out[-1][1].append(r)
        else:
            out.append((r[key], [r]))
    return out


def _group_facts(rows):
    """The same fact told by several reports: one row, with each report's evidence and article."""
    grouped: dict = {}
    for f in rows:
        key = (f["kind"], f["ref_id"] or f["fact"], f["fact"])
        g = grouped.setdefault(key, {**f, "kind_name": FACT_KINDS.get(f["kind"], f["kind"]), "notes": [],
                                     "sources": []})
        if f["note"] and f["note"] not in g["notes"]:
            g["notes"].append(f["note"])
        g["sources"].append({"evidence": f["evidence"], "article_id": f["article_id"], "site": f["site"]})
    order = list(FACT_KINDS)
    return sorted(grouped.values(), key=lambda g: order.index(g["kind"]) if g["kind"] in order else len(order))


def _told(rows, keys, joined=()):
    """Rows of one fact told by several reports (same values of ``keys``) as one, with each report's
    evidence, article and event in ``sources`` and the distinct values of the ``joined`` columns
    joined; in the order of their first row."""
    grouped: dict = {}
    for r in rows:
        g = grouped.setdefault(tuple(r[k] for k in keys), {**r, "sources": [], **{c: [] for c in joined}})
        g["sources"].append({"evidence": r.get("evidence"), "article_id": r.get("article_id"), "site": r.get("site"),
                             "event_id": r.get("event_id")})
        for c in joined:
            if r.get(c) and r[c] not in g[c]:
                g[c].append(r[c])
    return [{**g, **{c: ", ".join(g[c]) for c in joined}} for g in grouped.values()]


def _with_evidence(rows):
    return [{**r, "evidence": highlight(r["evidence_sentence"], r["evidence_text"]) if r.get("evidence_sentence")
             else None} for r in rows]


async def _query(db, sql, params) -> list[dict]:
    return [dict(r) for r in (await db.execute(sql, params)).rows]


async def _queries(db, sqls: dict, params) -> dict:
    """{name: rows} of a page's queries, run at once: Datasette runs them on its SQL threads, and SQLite
    lets go of the GIL while it works, so on two cores a page waits for its slowest query, not the sum."""
    names = list(sqls)
    rows = await asyncio.gather(*(_query(db, sqls[n], params) for n in names))
    return dict(zip(names, rows))


def _newest_facts(rows, keys):
    """Rows of facts read newest first (at most FACT_ROWS) -> (the rows of the LIST_SIZE newest facts,
    oldest first, as the page lists them; whether there are older facts). A fact (same ``keys``) told
    by several reports has several rows: when the read stopped at FACT_ROWS, the last fact read may
    lack some of its reports, so it is left to the full list."""
    facts: dict = {}
    for r in rows:
        facts.setdefault(tuple(r[k] for k in keys), []).append(r)
    newest = list(facts)
    more = len(rows) >= FACT_ROWS
    if more and len(newest) > 1:
        newest.pop()
    if len(newest) > LIST_SIZE:
        newest, more = newest[:LIST_SIZE], True
    kept = set(newest)
    return [r for r in reversed(rows) if tuple(r[k] for k in keys) in kept], more


def _list_page(request) -> int:
    """?events_page=N (1: the newest events), for the unit page's older events."""
    try:
        page = int(request.args.get("events_page", "1")) if request is not None else 1
        return min(max(1, page), 100_000)  # beyond any unit's events; an offset SQLite can take
    except ValueError:
        return 1


async def _unit_events(db, pk, page):
    """(The unit's events on that page, newest LIST_SIZE first then older, shown oldest first; older ones exist)."""
    reports = (await db.execute(UNIT_REPORTS, {"id": pk})).first()["n"]
    sql = UNIT_EVENTS_WALKED if reports >= WALK_FROM_REPORTS else UNIT_EVENTS_GATHERED
    rows = await _query(db, sql, {"id": pk, "limit": LIST_SIZE + 1, "offset": (page - 1) * LIST_SIZE})
    return rows[:LIST_SIZE][::-1], len(rows) > LIST_SIZE


async def _unit_page(datasette, database, db, pk, request) -> dict:
    params = {"id": pk, "rows": FACT_ROWS, "limit": LIST_SIZE + 1}
    out, (events, older_events) = await asyncio.gather(_queries(db, UNIT_PAGE, params),
                                                       _unit_events(db, pk, _list_page(request)))
    roles, more_roles = _newest_facts(out["roles"], ("year", "role", "cluster_id"))
    awards, more_awards = _newest_facts(out["awards"], ("year", "name", "status", "event_id"))
    officials = sorted(out["officials"][:LIST_SIZE], key=lambda o: (o["first_seen"] or "", o["name"] or ""))
    page = _list_page(request)
    tables = datasette.urls.database(database)
    quoted = urllib.parse.quote(pk, safe="")
    return {
        "aliases": [r["alias"] for r in out["aliases"]], "clusters": _by(out["clusters"][:LIST_SIZE][::-1], "year"),
        "all_clusters": tables + "/cluster_members?unit_id=" + quoted if len(out["clusters"]) > LIST_SIZE else None,
        "roles": _told(_with_evidence(roles), ("year", "role", "cluster_id")),
        "awards": _told(_with_evidence(awards), ("year", "name", "status", "event_id")),
        "officials": officials, "events": events, "list_size": LIST_SIZE,
        "all_roles": tables + "/roles?unit_id=" + quoted if more_roles else None,
        "all_awards": tables + "/awards?recipient_unit_id=" + quoted if more_awards else None,
        "all_officials": tables + "/appearances?unit_id=" + quoted if len(out["officials"]) > LIST_SIZE else None,
        "events_page": page,
        "older_events": f"?events_page={page + 1}" if older_events else None,
        "newer_events": (f"?events_page={page - 1}" if page > 2 else request.path) if page > 1 else None,
        "feed": tables + "/feed_unit.atom?unit_id=" + pk}


async def _cluster_page(datasette, database, db, pk) -> dict:
    params = {"id": pk, "rows": FACT_ROWS, "limit": LIST_SIZE + 1}
    out = await _queries(db, CLUSTER_PAGE, params)
    leaders, more_leaders = _newest_facts(out["leaders"], ("year", "role", "unit_id"))
    tables = datasette.urls.database(database)
    quoted = urllib.parse.quote(pk, safe="")
    return {
        "members": _by(out["members"][:LIST_SIZE][::-1], "year"),
        "all_members": tables + "/cluster_members?cluster_id=" + quoted if len(out["members"]) > LIST_SIZE else None,
        "leaders": _told(_with_evidence(leaders), ("year", "role", "unit_id")),
        "events": _by(out["events"][:LIST_SIZE][::-1], "year"), "list_size": LIST_SIZE,
        "all_leaders": tables + "/roles?cluster_id=" + quoted if more_leaders else None,
        "all_events": tables + "/events?cluster_id=" + quoted if len(out["events"]) > LIST_SIZE else None,
        "feed": tables + "/feed_cluster.atom?cluster_id=" + pk}


async def _page_vars(datasette, database, table, pk, request=None) -> dict:
    db = datasette.get_database(database)
    params = {"id": pk}
    if table == "events":
        summary = (await db.execute(EVENT_SUMMARY, params)).first()
        facts = _group_facts(_with_evidence(await _query(db, EVENT_FACTS, params)))
        reports = await _query(db, EVENT_REPORTS, params)
        differ = {k: sorted({r[k] for r in reports if r[k]}) for k in ("date", "type_name", "host", "cluster")}
        return {"event_summary": dict(summary) if summary else None, "event_facts": facts, "event_reports": reports,
                "event_differ": {k: v for k, v in differ.items() if len(v) > 1}}
    if table == "units":
        return {"unit_page": await _unit_page(datasette, database, db, pk, request)}
    if table == "officials":
        out = await _queries(db, OFFICIAL_PAGE, params)
        return {"official_page": {
            "official": out["official"][0] if out["official"] else None,
            "positions": _with_evidence(out["positions"]),
            "events": _told(_with_evidence(out["events"]), ("id", "position"), joined=("role",)),
            "awards": _told(_with_evidence(out["awards"]), ("year", "name", "status", "event_id"))}}
    if table == "clusters":
        return {"cluster_page": await _cluster_page(datasette, database, db, pk)}
    return {}


PAGES = ("events", "units", "officials", "clusters")


def json_value(text):
    """A JSON column as Python (the search page's facets); {} when empty or not JSON."""
    import json

    try:
        return json.loads(text) if text else {}
    except ValueError:
        return {}


def marked(snippet) -> Markup:
    """A snippet (accent_snippet) escaped, its <mark> tags kept."""
    escaped = str(escape(snippet or ""))
    return Markup(escaped.replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>"))


# Links on the readers' pages, as the macros of _thidua.html wrote them. A page lists hundreds of
# them, and a Jinja macro call costs ~10 us in Datasette's async environment: these are plain
# functions (same HTML), ~5x cheaper.
def link_html(urls, database, table, id, label):
    """<a href="row page">label</a>, or the label alone (— when none) without an id."""
    if id:
        return Markup('<a href="{}">{}</a>').format(urls.row(database, table, id), label or id)
    return Markup("{}").format(label or "—")


def source_html(urls, database, article_id, site):
    if not article_id:
        return Markup("")
    return Markup('<a class="kb-source" href="{}">bài{}</a>').format(
        urls.row(database, "articles", article_id), Markup(" trên {}").format(site) if site else "")


def sources_html(urls, database, items, with_event=True):
    """Each report telling a fact: its evidence, then (event · article) links."""
    out = []
    for src in items:
        event = (link_html(urls, database, "events", src["event_id"], "sự kiện") + Markup(" · ")
                 if with_event and src.get("event_id") else "")
        out.append(Markup('<p class="kb-evidence">{} <span class="kb-note">({}{})</span></p>').format(
            src.get("evidence") or "", event, source_html(urls, database, src.get("article_id"), src.get("site"))))
    return Markup("").join(out)


@hookimpl
def prepare_jinja2_environment(env, datasette):
    env.filters["kb_json"] = json_value
    env.filters["kb_marked"] = marked
    urls = datasette.urls
    env.globals["kb_link"] = functools.partial(link_html, urls)
    env.globals["kb_source"] = functools.partial(source_html, urls)
    env.globals["kb_sources"] = functools.partial(sources_html, urls)


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    config = datasette.plugin_config("thidua-kb") or {}
    labels = {"column_labels": config.get("labels") or {}, "param_labels": config.get("params") or {}}
    if view_name == "table" and request is not None:
        hidden = (config.get("hidden_columns") or {}).get(table)
        if hidden and request.args.getlist("_nocol") == hidden:  # hidden by asgi_wrapper, not by the reader
            from urllib.parse import urlencode

            args = [(k, v) for k in request.args.keys() if k != "_nocol" for v in request.args.getlist(k)]
            labels["hidden_by_default"] = request.path + "?" + urlencode(args + [("_all", "1")])
    if view_name != "row" or table not in PAGES or request is None:
        return labels

    async def page_vars():
        from datasette.utils import tilde_decode

        return {**labels, **await _page_vars(datasette, database, table, tilde_decode(request.url_vars.get("pks", "")),
                                              request)}

    return page_vars


# --------------------------------------------------------------------------- metadata read once
# datasette.plugin_config() merges the whole metadata on every call, and every render_cell hook of a
# page runs for every cell: datasette-render-markdown's asks for its config each time, 3,200 times for
# the search page's 200 results x 16 columns (~15 ms of a page). kb/serve.py reads the metadata once at
# start and nothing changes it while serving, so the answer for the same arguments is kept.
def _remember_plugin_config(datasette):
    if getattr(datasette, "_kb_plugin_config_cache", None) is not None:
        return
    read = datasette.plugin_config
    cache: dict = {}

    def plugin_config(plugin_name, database=None, table=None, fallback=True):
        key = (plugin_name, database, table, fallback)
        if key not in cache:
            cache[key] = read(plugin_name, database=database, table=table, fallback=fallback)
        return cache[key]

    datasette._kb_plugin_config_cache = cache
    datasette.plugin_config = plugin_config


@hookimpl
def startup(datasette):
    _remember_plugin_config(datasette)


# --------------------------------------------------------------------------- event types in words
_TYPE_NAMES: dict = {}  # database name -> {code: name}, read from event_types once


async def _type_names(datasette, database) -> dict:
    if database not in _TYPE_NAMES:
        try:
            rows = (await datasette.get_database(database).execute("select id, name from event_types")).rows
            _TYPE_NAMES[database] = {r["id"]: r["name"] for r in rows}
        except Exception:  # a database without the table
            _TYPE_NAMES[database] = {}
    return _TYPE_NAMES[database]


TYPE_COLUMNS = ("type", "event", "what")  # canned queries' columns holding a type code

# Canned queries' columns naming a unit, cluster, official or award: (id column, table) to link them
# with; the id columns themselves are hidden on query pages (PAGE_CSS).
QUERY_LINKS = {
    "unit": [("unit_id", "units")], "cluster": [("cluster_id", "clusters")], "name": [("official_id", "officials")],
    "recipient": [("recipient_unit_id", "units"), ("recipient_official_id", "officials")],
    "award": [("award_page", "awards")],
}


# --------------------------------------------------------------------------- tables that fit a screen
# Columns listed in metadata.yml (plugins: thidua-kb: hidden_columns) are left out of a table's HTML
# page unless the URL chooses columns itself (?_col=, ?_nocol=) or asks for all of them (?_all=1).
def _hide_columns(path: str, query_string: bytes, hidden: dict) -> bytes:
    parts = [p for p in path.split("/") if p]
    if len(parts) != 2 or "." in parts[1]:
        return query_string
    from urllib.parse import unquote

    columns = hidden.get(unquote(parts[1]))
    keys = [part.split(b"=", 1)[0] for part in query_string.split(b"&") if part]
    if b"_all" in keys:
        return b"&".join(p for p in query_string.split(b"&") if p and p.split(b"=", 1)[0] != b"_all")
    if not columns or b"_col" in keys or b"_nocol" in keys:
        return query_string
    extra = b"&".join(b"_nocol=" + c.encode() for c in columns)
    return query_string + b"&" + extra if query_string else extra


# --------------------------------------------------------------------------- every page: style, offline map
PAGE_CSS = """
mark { background: #fff176; padding: 0 2px; }
th.col-evidence_text, td.col-evidence_text { display: none; }  /* it is the <mark> of evidence_sentence */
body.query .col-unit_id, body.query .col-cluster_id, body.query .col-official_id, body.query .col-award_page,
body.query .col-recipient_unit_id, body.query .col-recipient_official_id { display: none; }  /* links' ids */
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
