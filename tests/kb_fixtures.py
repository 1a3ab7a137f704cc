"""Synthetic pages and hand-made event records for the knowledge-base tests.

The texts are short and invented; ``fake_extract`` plays the extractor
(module level so a multiprocessing pool can pickle it).
"""
from __future__ import annotations

import copy
import hashlib
import json

import sqlite_utils

BASE = "https://vks.example.vn/tin/"


def _ev(text: str, fact: str, nth: int = 0) -> dict:
    """Evidence for ``fact``: its offsets in ``text`` and the sentence around it."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(fact, start + 1)
    s0 = max(text.rfind(". ", 0, start) + 2, 0) if text.rfind(". ", 0, start) >= 0 else 0
    s1 = text.find(". ", start)
    s1 = len(text) if s1 < 0 else s1 + 1
    return {"start": start, "end": start + len(fact), "sentence": text[s0:s1]}


T1 = ("Ngày 30/6/2020, Cụm thi đua số 4 tổ chức hội nghị sơ kết công tác thi đua, khen thưởng "
      "6 tháng đầu năm 2020 theo hình thức trực tuyến. Đồng chí Trần Thị Bình, Viện trưởng VKSND tỉnh Phú Thọ, "
      "Cụm trưởng, chủ trì hội nghị. Đồng chí Nguyễn Văn An, Phó Viện trưởng VKSND tỉnh Bắc Giang, Cụm phó, "
      "phát biểu. Dự hội nghị có VKSND tỉnh Thái Nguyên và Vụ Thi đua - Khen thưởng.")
T2 = ("Ngày 15/12/2023, tại Viện KSND tỉnh Bắc Giang, Cụm thi đua số 4 tổng kết công tác thi đua năm 2023. "
      "Đồng chí Nguyễn Văn An, Viện trưởng Viện KSND tỉnh Bắc Giang, chủ trì hội nghị. "
      "Hội nghị suy tôn Viện KSND tỉnh Bắc Giang là Cụm trưởng năm 2023 và đề nghị tặng Cờ thi đua của ngành "
      "Kiểm sát nhân dân cho Viện KSND tỉnh Bắc Giang. Hội nghị quán triệt Chỉ thị số 01/CT-VKSTC.")
T3 = ("Sáng 5/1/2024, Viện kiểm sát nhân dân tỉnh Bắc Giang tổ chức lễ trao Bằng khen của Viện trưởng "
      "VKSND tối cao cho ông Lê Văn Cường vì thành tích xuất sắc trong phong trào thi đua.")
T4 = "Chiều 3/3/2024, Tòa án nhân dân tỉnh Bắc Giang mở phiên tòa xét xử vụ án trộm cắp tài sản."

RECORDS = {
    BASE + "cum-4-so-ket-2020": {
        "url": BASE + "cum-4-so-ket-2020", "source": "vks.example.vn", "published": "2020-07-01",
        "title": "Cụm thi đua số 4 sơ kết công tác thi đua 6 tháng đầu năm 2020", "author": "Minh Hà",
        "relevant": True, "text": T1,
        "event": {"type": "so_ket", "date": "2020-06-30", "period": "6 tháng đầu năm 2020", "online": True,
                  "cluster": "Cụm thi đua số 4", "scope": None},
        "units": ["VKSND tỉnh Phú Thọ", "VKSND tỉnh Bắc Giang", "VKSND tỉnh Thái Nguyên", "Vụ 16 VKSND tối cao"],
        "unit_mentions": [
            {"name": "VKSND tỉnh Phú Thọ", "surface": "VKSND tỉnh Phú Thọ", **_ev(T1, "VKSND tỉnh Phú Thọ"),
             "evidence": _ev(T1, "VKSND tỉnh Phú Thọ")},
            {"name": "VKSND tỉnh Bắc Giang", "surface": "VKSND tỉnh Bắc Giang",
             "evidence": _ev(T1, "VKSND tỉnh Bắc Giang")},
            {"name": "VKSND tỉnh Thái Nguyên", "surface": "VKSND tỉnh Thái Nguyên",
             "evidence": _ev(T1, "VKSND tỉnh Thái Nguyên")},
            {"name": "Vụ 16 VKSND tối cao", "surface": "Vụ Thi đua - Khen thưởng",
             "evidence": _ev(T1, "Vụ Thi đua - Khen thưởng")},
        ],
        "officials": [
            {"name": "Trần Thị Bình", "title": "Viện trưởng", "unit": "VKSND tỉnh Phú Thọ", "role": "chủ trì",
             "evidence": _ev(T1, "Trần Thị Bình")},
            {"name": "Nguyễn Văn An", "title": "Phó Viện trưởng", "unit": "VKSND tỉnh Bắc Giang",
             "role": "phát biểu", "evidence": _ev(T1, "Nguyễn Văn An")},
        ],
        "awards": [],
        "roles": [
            {"unit": "VKSND tỉnh Phú Thọ", "role": "Cụm trưởng", "cluster": "Cụm thi đua số 4", "year": 2020,
             "evidence": _ev(T1, "Cụm trưởng")},
            {"unit": "VKSND tỉnh Bắc Giang", "role": "Cụm phó", "cluster": "Cụm thi đua số 4", "year": 2020,
             "evidence": _ev(T1, "Cụm phó")},
        ],
        "documents": [],
    },
    BASE + "cum-4-tong-ket-2023": {
        "url": BASE + "cum-4-tong-ket-2023", "source": "vks.example.vn", "published": "2023-12-16",
        "title": "Cụm thi đua số 4 tổng kết năm 2023", "author": None, "relevant": True, "text": T2,
        "event": {"type": "tong_ket", "date": "2023-12-15", "period": "năm 2023", "online": False,
                  "cluster": "Cụm thi đua số 4", "scope": None},
        "units": ["Viện KSND tỉnh Bắc Giang"],
        "unit_mentions": [{"name": "Viện KSND tỉnh Bắc Giang", "surface": "Viện KSND tỉnh Bắc Giang",
                           "evidence": _ev(T2, "Viện KSND tỉnh Bắc Giang")}],
        "officials": [
            {"name": "Nguyễn Văn An", "title": "Viện trưởng", "unit": "Viện KSND tỉnh Bắc Giang", "role": "chủ trì",
             "evidence": _ev(T2, "Nguyễn Văn An")},
        ],
        "awards": [{"name": "Cờ thi đua của ngành Kiểm sát nhân dân", "recipient": "Viện KSND tỉnh Bắc Giang",
                    "status": "proposed", "year": 2023,
                    "evidence": _ev(T2, "Cờ thi đua của ngành Kiểm sát nhân dân")}],
        "roles": [{"unit": "Viện KSND tỉnh Bắc Giang", "role": "Cụm trưởng", "cluster": "Cụm thi đua số 4",
                   "year": 2023, "evidence": _ev(T2, "Cụm trưởng")}],
        "documents": [{"kind": "Chỉ thị", "number": "01/CT-VKSTC", "date": None,
                       "evidence": _ev(T2, "01/CT-VKSTC")}],
    },
    BASE + "trao-bang-khen-2024": {
        # No "text": the knowledge base falls back to the page's visible text.
        "url": BASE + "trao-bang-khen-2024", "source": "vks.example.vn", "published": "2024-01-05",
        "title": "Trao Bằng khen cho cán bộ VKSND tỉnh Bắc Giang", "author": None, "relevant": True,
        "event": {"type": "trao_thuong", "date": "2024-01-05", "period": None, "online": False,
                  "cluster": None, "scope": None},
        "units": ["Viện kiểm sát nhân dân tỉnh Bắc Giang"],
        "unit_mentions": [],
        "officials": [],
        "awards": [{"name": "Bằng khen của Viện trưởng VKSND tối cao", "recipient": "Lê Văn Cường",
                    "status": "conferred", "year": 2024, "evidence": _ev(T3, "Bằng khen của Viện trưởng")}],
        "roles": [], "documents": [],
    },
    BASE + "xet-xu-trom-cap": {
        "url": BASE + "xet-xu-trom-cap", "source": "vks.example.vn", "published": "2024-03-04",
        "title": "Xét xử vụ án trộm cắp tài sản", "author": None, "relevant": False, "text": T4,
        "event": {"type": None, "date": "2024-03-03", "period": None, "online": False, "cluster": None,
                  "scope": None},
        "units": [], "unit_mentions": [], "officials": [], "awards": [], "roles": [], "documents": [],
    },
}
TEXTS = {BASE + "cum-4-so-ket-2020": T1, BASE + "cum-4-tong-ket-2023": T2, BASE + "trao-bang-khen-2024": T3,
         BASE + "xet-xu-trom-cap": T4}
BROKEN = BASE + "hong"


def fake_extract(page: dict) -> dict:
    """The extractor's stand-in: the hand-made record for the page's URL; raises on the broken page."""
    if page["url"] == BROKEN:
        raise ValueError("cannot parse this page")
    record = copy.deepcopy(RECORDS[page["url"]])
    record["id"] = str(page["id"])
    if b"PHIEN BAN 2" in page["html"]:
        record["title"] += " (cập nhật)"
    return record


def page_row(url: str, html: str, fetched_at: str = "2024-06-01T00:00:00") -> dict:
    body = html.encode("utf-8")
    return {"url": url, "final_url": url, "source": "vks.example.vn", "status": 200, "fetched_at": fetched_at,
            "content_hash": hashlib.sha1(body).hexdigest(), "html": body, "content_type": "text/html",
            "encoding": "utf-8", "is_article": 1}


def write_pages(db_path, with_broken: bool = True) -> None:
    """The crawler's side: one page per record, plus a broken page and a non-article."""
    db = sqlite_utils.Database(db_path)
    rows = [page_row(url, f"<html><head><title>x</title></head><body><article><p>{text}</p></article></body></html>")
            for url, text in TEXTS.items()]
    if with_broken:
        rows.append(page_row(BROKEN, "<html><body>???</body></html>"))
    rows.append({**page_row(BASE + "danh-muc", "<html><body>listing</body></html>"), "is_article": 0})
    db["pages"].insert_all(rows, pk="id")
    db["pages"].create_index(["url", "content_hash"], unique=True, if_not_exists=True)


def built_db(tmp_path, jobs: int = 1):
    """A small knowledge base built from the synthetic pages; returns its path."""
    from kb.build import build

    path = tmp_path / "thidua.db"
    write_pages(path)
    build(path, fake_extract, jobs=jobs, progress=False)
    return path


def counts(db_path) -> dict:
    db = sqlite_utils.Database(db_path)
    return {t: db[t].count for t in db.table_names() if not t.startswith("articles_fts")}


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True)
