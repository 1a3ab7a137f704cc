"""The evaluation gate: the extractor on the project's synthetic corpus, against hand annotations.

Every article in ``crawler/mirror/articles/NNN-*.yml`` (not the crawler's ``_dev_`` examples)
has its expected record in ``tests/fixtures/expected/<same stem>.json``. The gate extracts a
record from each article and scores the lot with :mod:`extract.evaluate`; each row must stay
at or above its floor in ``tests/fixtures/eval_floors.json``. Raise floors when the extractor
improves; never lower one to let a change through without saying why.

Two readings of the corpus:
* ``text``: title, lead, paragraphs (photo captions without their marker) and the byline as
  plain text, built here from the YAML — independent of the crawler's HTML renderer;
* ``html``: the page the offline mirror serves (``crawler.mirror.render``), read back with
  ``extract.article.from_html`` as the crawl would. Skipped if the renderer is absent.

Run ``pytest tests/test_eval_gate.py -s`` to see the tables, and set ``EVAL_DIFF=1`` to list
every miss.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml

from extract.evaluate import differences, format_table, row_value, score

REPO = Path(__file__).resolve().parent.parent
ARTICLES = REPO / "crawler" / "mirror" / "articles"
EXPECTED = REPO / "tests" / "fixtures" / "expected"
FLOORS = REPO / "tests" / "fixtures" / "eval_floors.json"

PHOTO = "[ảnh] "
SITES = {"bvpl": "baovephapluat.vn", "kiemsat": "kiemsat.vn", "vkstv": "vienkiemsat.example.gov.vn"}
REQUIRED = ("site", "id", "slug", "section", "published", "title", "paragraphs", "author")
EVENT_TYPES = {"so_ket", "tong_ket", "ky_giao_uoc", "phat_dong", "trien_khai", "binh_xet", "trao_thuong", "khac"}
ROLES = {"Cụm trưởng", "Cụm phó", "Khối trưởng", "Khối phó"}


def article_paths() -> list[Path]:
    return sorted(p for p in ARTICLES.glob("*.yml") if not p.name.startswith("_"))


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_gold() -> dict:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(EXPECTED.glob("*.json"))}


def plain_text(raw: dict) -> str:
    """The article as a reader sees it: title, lead, body (captions unmarked), byline last."""
    parts = [raw["title"]]
    if raw.get("lead"):
        parts.append(raw["lead"])
    for p in raw["paragraphs"]:
        parts.append(p[len(PHOTO):] if p.startswith(PHOTO) else p)
    parts.append(raw["author"])
    return "\n\n".join(s.strip() for s in parts)


def text_article(raw: dict):
    from extract.model import Article

    return Article(text=plain_text(raw), title=raw["title"], published=str(raw["published"])[:10],
                   source=SITES[raw["site"]])


def html_article(path: Path):
    from crawler.mirror import render
    from crawler.mirror.content import parse_article
    from crawler.sources import selectors_for
    from extract.article import from_html

    article = parse_article(load_yaml(path), path)
    html = getattr(render, f"{article.site}_article")(article, [])
    # as the crawl reads it: with the mirror source's selectors (title, date, lead, body, ...)
    return from_html(html, url=f"http://127.0.0.1{article.path}",
                     selectors=selectors_for(f"mirror_{article.site}"))


def run(reader) -> tuple[dict, dict]:
    from extract.pipeline import extract_record

    gold = load_gold()
    pred = {}
    for path in article_paths():
        pred[path.stem] = extract_record(reader(path), path.stem)
    return gold, pred


def check_floors(mode: str, gold: dict, pred: dict) -> None:
    result = score(gold, pred)
    print(f"\n== eval gate ({mode}): {len(gold)} synthetic articles ==\n{format_table(result)}")
    if os.environ.get("EVAL_DIFF"):
        print("\n".join(differences(gold, pred)))
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))[mode]
    below = []
    for name, floor in floors.items():
        value = result["score"] if name == "score" else row_value(result["rows"][name])
        if value + 1e-9 < floor:
            below.append(f"{name}: {value:.3f} < floor {floor:.3f}")
    assert not below, f"eval gate ({mode}) below its floors:\n" + "\n".join(below)


# --- the corpus itself ---------------------------------------------------------------------------

def test_every_article_parses_has_the_schema_and_an_expected_record():
    paths = article_paths()
    assert len(paths) >= 45
    gold = load_gold()
    seen = {}
    for path in paths:
        raw = load_yaml(path)
        assert isinstance(raw, dict), path.name
        missing = [k for k in REQUIRED if raw.get(k) in (None, "", [])]
        assert not missing, f"{path.name}: missing {missing}"
        assert set(raw) <= set(REQUIRED) | {"lead"}, f"{path.name}: unknown fields {set(raw) - set(REQUIRED)}"
        assert raw["site"] in SITES, path.name
        assert isinstance(raw["id"], int) and raw["id"] > 0, path.name
        assert (raw["site"], raw["id"]) not in seen, f"{path.name}: id {raw['id']} also in {seen.get((raw['site'], raw['id']))}"
        seen[(raw["site"], raw["id"])] = path.name
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", raw["slug"]), path.name
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", str(raw["published"])), path.name
        assert all(isinstance(p, str) and p.strip() for p in raw["paragraphs"]), path.name
        assert re.fullmatch(r"\d{3}-[a-z0-9-]+", path.stem), path.name
        assert path.stem in gold, f"{path.name}: no tests/fixtures/expected/{path.stem}.json"
    assert set(gold) == {p.stem for p in paths}, "expected records without an article"


def test_expected_records_follow_the_contract():
    for rid, rec in load_gold().items():
        assert rec["id"] == rid
        assert isinstance(rec["relevant"], bool)
        ev = rec["event"]
        assert set(ev) == {"type", "date", "period", "online", "cluster", "scope"}, rid
        if not rec["relevant"]:
            assert ev["type"] is None and not any(rec[k] for k in ("units", "officials", "awards", "roles", "documents")), rid
            continue
        types = ev["type"] if isinstance(ev["type"], list) else [ev["type"]]
        assert types and set(types) <= EVENT_TYPES, rid
        for d in ([] if ev["date"] is None else ev["date"].split(" | ")):
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", d), rid
        assert isinstance(ev["online"], bool), rid
        assert all(isinstance(u, str) and u for u in rec["units"]), rid
        for o in rec["officials"]:
            assert o["name"] and "đồng chí" not in o["name"].lower(), rid
        for a in rec["awards"]:
            assert a["name"] and a.get("status", "conferred") in ("conferred", "proposed"), rid
        for r in rec["roles"]:
            assert r["role"] in ROLES and isinstance(r["year"], int) and r["unit"], rid
        for d in rec["documents"]:
            assert d["kind"] and d["number"], rid
            assert d["date"] is None or re.fullmatch(r"\d{4}-\d\d-\d\d", d["date"]), rid


def test_corpus_covers_sites_types_and_negatives():
    raws = [load_yaml(p) for p in article_paths()]
    gold = load_gold()
    per_site = {s: sum(r["site"] == s for r in raws) for s in SITES}
    assert all(n >= 12 for n in per_site.values()), per_site
    assert sum(not g["relevant"] for g in gold.values()) >= 10
    covered = set()
    for g in gold.values():
        t = g["event"]["type"]
        covered |= set(t if isinstance(t, list) else [t] if t else [])
    assert covered >= EVENT_TYPES, EVENT_TYPES - covered
    years = {str(r["published"])[:4] for r in raws}
    assert years >= {str(y) for y in range(2019, 2026)}, years


# --- the gate ------------------------------------------------------------------------------------

def test_eval_gate_plain_text():
    gold, pred = run(lambda path: text_article(load_yaml(path)))
    check_floors("text", gold, pred)


def test_eval_gate_mirror_html():
    pytest.importorskip("trafilatura")
    try:
        from crawler.mirror import render  # noqa: F401
        from crawler.mirror.content import parse_article  # noqa: F401
    except ImportError:
        pytest.skip("crawler.mirror has no renderer")
    gold, pred = run(html_article)
    check_floors("html", gold, pred)


# --- the regression sets -------------------------------------------------------------------------
# Articles once written as held-out sets, without looking at the rules (tests/fixtures/
# regression*/README.md). Their first scores measured generalisation (0.847 and 0.958); the rules
# were tuned on them afterwards, so they no longer measure it: they guard against regressions,
# with floors of their own.

REGRESSION_SETS = ["regression1", "regression2"]
# Written without seeing the rules and scored once (tests/fixtures/heldout3/README.md): it still
# measures generalisation as long as nobody tunes on its misses; its floors guard that figure.
HELDOUT_SETS = ["heldout3"]


@pytest.mark.parametrize("name", REGRESSION_SETS + HELDOUT_SETS)
def test_eval_gate_regression(name):
    from extract.article import from_text_bytes
    from extract.pipeline import extract_record

    folder = REPO / "tests" / "fixtures" / name
    gold = {}
    for line in (folder / "expected.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            gold[rec["id"]] = rec
    texts = sorted(folder.glob("*.txt"))
    assert {p.stem for p in texts} == set(gold), "every regression text has its annotation"
    pred = {p.stem: extract_record(from_text_bytes(p.read_bytes()), p.stem) for p in texts}
    check_floors(name, gold, pred)
