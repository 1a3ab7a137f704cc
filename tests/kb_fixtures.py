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
    build(path, fake_extract, jobs=jobs)
    return path


def counts(db_path) -> dict:
    db = sqlite_utils.Database(db_path)
    return {t: db[t].count for t in db.table_names() if not t.startswith("articles_fts")}


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True)


# --------------------------------------------------------------------------- a richer knowledge base
# Invented articles over three years: two "Cụm thi đua số 4" (the procuracy sector's and a
# province's), Cụm thi đua số 10 with VKSND tỉnh Long An spelled three ways, a block of the
# Supreme Procuracy's departments, officials seen under two titles, awards to units and people.
RICH_BASE = "https://kiemsat.example.vn/bai/"


def _facts(text: str, items: list[dict], at: str) -> list[dict]:
    """Give each item the evidence of the phrase its ``at`` key names (default: its name)."""
    out = []
    for item in items:
        item = dict(item)
        phrase = item.pop("_at", None) or item.get(at)
        item["evidence"] = _ev(text, phrase, item.pop("_nth", 0))
        out.append(item)
    return out


def _rich(slug, title, published, text, event, units, officials=(), awards=(), roles=(), documents=(),
          relevant=True, spellings=None):
    spellings = spellings or {}
    mentions = [{"name": u, "surface": spellings.get(u, u), "evidence": _ev(text, spellings.get(u, u))} for u in units]
    return RICH_BASE + slug, {
        "url": RICH_BASE + slug, "source": "kiemsat.example.vn", "published": published, "title": title,
        "author": "Thu Trang", "relevant": relevant, "text": text,
        "event": {"online": False, "period": None, "scope": None, "cluster": None, **event},
        "units": list(units), "unit_mentions": mentions,
        "officials": _facts(text, list(officials), "name"), "awards": _facts(text, list(awards), "name"),
        "roles": _facts(text, list(roles), "role"), "documents": _facts(text, list(documents), "number"),
    }


_R = [
    _rich("cum-4-ky-giao-uoc-2022", "Cụm thi đua số 4 ký kết giao ước thi đua năm 2022", "2022-03-02",
          "Ngày 1/3/2022, tại Viện KSND tỉnh Thái Nguyên, Cụm thi đua số 4 tổ chức hội nghị ký kết giao ước "
          "thi đua năm 2022. Đồng chí Hoàng Văn Dũng, Viện trưởng VKSND tỉnh Thái Nguyên, Cụm trưởng, chủ trì "
          "hội nghị. Đồng chí Nguyễn Văn An, Phó Viện trưởng VKSND tỉnh Bắc Giang, phát biểu. Tham dự có "
          "VKSND tỉnh Phú Thọ và VKSND tỉnh Tuyên Quang.",
          {"type": "ky_giao_uoc", "date": "2022-03-01", "period": "năm 2022", "cluster": "Cụm thi đua số 4"},
          ["VKSND tỉnh Thái Nguyên", "VKSND tỉnh Bắc Giang", "VKSND tỉnh Phú Thọ", "VKSND tỉnh Tuyên Quang"],
          officials=[{"name": "Hoàng Văn Dũng", "title": "Viện trưởng", "unit": "VKSND tỉnh Thái Nguyên",
                      "role": "chủ trì"},
                     {"name": "Nguyễn Văn An", "title": "Phó Viện trưởng", "unit": "VKSND tỉnh Bắc Giang",
                      "role": "phát biểu"}],
          roles=[{"unit": "VKSND tỉnh Thái Nguyên", "role": "Cụm trưởng", "cluster": "Cụm thi đua số 4",
                  "year": 2022}],
          spellings={"VKSND tỉnh Thái Nguyên": "Viện KSND tỉnh Thái Nguyên"}),
    _rich("cum-4-tong-ket-2022", "Cụm thi đua số 4 tổng kết công tác thi đua, khen thưởng năm 2022", "2022-12-10",
          "Ngày 9/12/2022, Cụm thi đua số 4 tổng kết công tác thi đua, khen thưởng năm 2022. Đồng chí Hoàng Văn "
          "Dũng, Viện trưởng VKSND tỉnh Thái Nguyên, chủ trì hội nghị. Hội nghị thống nhất đề nghị tặng Cờ thi "
          "đua của ngành Kiểm sát nhân dân cho VKSND tỉnh Phú Thọ. Hội nghị bầu VKSND tỉnh Bắc Giang làm "
          "Cụm trưởng năm 2023, VKSND tỉnh Tuyên Quang làm Cụm phó. Dự hội nghị có VKSND tỉnh Bắc Giang.",
          {"type": "tong_ket", "date": "2022-12-09", "period": "năm 2022", "cluster": "Cụm thi đua số 4"},
          ["VKSND tỉnh Thái Nguyên", "VKSND tỉnh Phú Thọ", "VKSND tỉnh Bắc Giang", "VKSND tỉnh Tuyên Quang"],
          officials=[{"name": "Hoàng Văn Dũng", "title": "Viện trưởng", "unit": "VKSND tỉnh Thái Nguyên",
                      "role": "chủ trì", "_at": "Hoàng Văn "}],
          awards=[{"name": "Cờ thi đua của ngành Kiểm sát nhân dân", "recipient": "VKSND tỉnh Phú Thọ",
                   "status": "proposed", "year": 2022, "_at": "Cờ thi đua của ngành Kiểm sát nhân dân"}],
          roles=[{"unit": "VKSND tỉnh Bắc Giang", "role": "Cụm trưởng", "cluster": "Cụm thi đua số 4", "year": 2023},
                 {"unit": "VKSND tỉnh Tuyên Quang", "role": "Cụm phó", "cluster": "Cụm thi đua số 4",
                  "year": 2023}]),
    _rich("cum-4-tong-ket-2023", "Cụm thi đua số 4 tổng kết năm 2023, suy tôn Cụm trưởng năm 2024", "2023-12-20",
          "Chiều 19/12/2023, tại Viện kiểm sát nhân dân tỉnh Bắc Giang, Cụm thi đua số 4 tổng kết công tác thi "
          "đua năm 2023. Đồng chí Nguyễn Văn An, Viện trưởng VKSND tỉnh Bắc Giang, Cụm trưởng, chủ trì. Đồng chí "
          "Phạm Thu Hà, Phó Viện trưởng VKSND tối cao, dự và phát biểu chỉ đạo. Hội nghị suy tôn VKSND tỉnh "
          "Phú Thọ là Cụm trưởng năm 2024. Tham dự có VKSND tỉnh Thái Nguyên và VKSND tỉnh Tuyên Quang.",
          {"type": "tong_ket", "date": "2023-12-19", "period": "năm 2023", "cluster": "Cụm thi đua số 4"},
          ["VKSND tỉnh Bắc Giang", "VKSND tỉnh Phú Thọ", "VKSND tỉnh Thái Nguyên", "VKSND tỉnh Tuyên Quang",
           "VKSND tối cao"],
          officials=[{"name": "Nguyễn Văn An", "title": "Viện trưởng", "unit": "VKSND tỉnh Bắc Giang",
                      "role": "chủ trì"},
                     {"name": "Phạm Thu Hà", "title": "Phó Viện trưởng", "unit": "VKSND tối cao", "role": "dự"}],
          roles=[{"unit": "VKSND tỉnh Bắc Giang", "role": "Cụm trưởng", "cluster": "Cụm thi đua số 4", "year": 2023},
                 {"unit": "VKSND tỉnh Phú Thọ", "role": "Cụm trưởng", "cluster": "Cụm thi đua số 4", "year": 2024,
                  "_at": "Cụm trưởng năm 2024"}],
          spellings={"VKSND tỉnh Bắc Giang": "Viện kiểm sát nhân dân tỉnh Bắc Giang"}),
    _rich("cum-4-nghe-an-2023", "Cụm thi đua số 4 VKSND tỉnh Nghệ An ký giao ước năm 2023", "2023-02-15",
          "Ngày 14/2/2023, Cụm thi đua số 4 thuộc VKSND tỉnh Nghệ An gồm VKSND huyện Nghi Lộc, VKSND huyện "
          "Hưng Nguyên và VKSND TP Vinh ký kết giao ước thi đua năm 2023. VKSND huyện Nghi Lộc là Cụm trưởng.",
          {"type": "ky_giao_uoc", "date": "2023-02-14", "period": "năm 2023", "cluster": "Cụm thi đua số 4",
           "scope": "VKSND tỉnh Nghệ An"},
          ["VKSND huyện Nghi Lộc", "VKSND huyện Hưng Nguyên", "VKSND TP Vinh"],
          roles=[{"unit": "VKSND huyện Nghi Lộc", "role": "Cụm trưởng", "cluster": "Cụm thi đua số 4",
                  "year": 2023}]),
    _rich("cum-10-tong-ket-2022", "Cụm thi đua số 10 tổng kết công tác thi đua năm 2022", "2022-12-16",
          "Ngày 15/12/2022, Cụm thi đua số 10 tổ chức hội nghị tổng kết công tác thi đua năm 2022 tại VKSND "
          "tỉnh Long An. Đồng chí Lê Hoàng Minh, Viện trưởng VKSND tỉnh Long An, Cụm trưởng, chủ trì hội nghị. "
          "Hội nghị đề nghị tặng Cờ thi đua của Chính phủ cho VKSND tỉnh Long An. Hội nghị bầu VKSND tỉnh "
          "Tiền Giang làm Cụm trưởng năm 2023. Dự có VKSND tỉnh Bến Tre và VKSND tỉnh Đồng Tháp.",
          {"type": "tong_ket", "date": "2022-12-15", "period": "năm 2022", "cluster": "Cụm thi đua số 10"},
          ["VKSND tỉnh Long An", "VKSND tỉnh Tiền Giang", "VKSND tỉnh Bến Tre", "VKSND tỉnh Đồng Tháp"],
          officials=[{"name": "Lê Hoàng Minh", "title": "Viện trưởng", "unit": "VKSND tỉnh Long An",
                      "role": "chủ trì"}],
          awards=[{"name": "Cờ thi đua của Chính phủ", "recipient": "VKSND tỉnh Long An", "status": "proposed",
                   "year": 2022}],
          roles=[{"unit": "VKSND tỉnh Long An", "role": "Cụm trưởng", "cluster": "Cụm thi đua số 10", "year": 2022},
                 {"unit": "VKSND tỉnh Tiền Giang", "role": "Cụm trưởng", "cluster": "Cụm thi đua số 10",
                  "year": 2023, "_at": "Cụm trưởng năm 2023"}]),
    _rich("cum-10-so-ket-2023", "Cụm thi đua số 10 sơ kết 6 tháng đầu năm 2023", "2023-07-06",
          "Ngày 5/7/2023, Cụm thi đua số 10 sơ kết công tác thi đua 6 tháng đầu năm 2023 theo hình thức trực "
          "tuyến, điểm cầu chính tại VKSND tỉnh Tiền Giang (Cụm trưởng). Đồng chí Lê Hoàng Minh, Viện trưởng "
          "Viện KSND tỉnh Long An, phát biểu. Tham dự có VKSND tỉnh Bến Tre và VKSND tỉnh Đồng Tháp.",
          {"type": "so_ket", "date": "2023-07-05", "period": "6 tháng đầu năm 2023", "online": True,
           "cluster": "Cụm thi đua số 10"},
          ["VKSND tỉnh Tiền Giang", "VKSND tỉnh Long An", "VKSND tỉnh Bến Tre", "VKSND tỉnh Đồng Tháp"],
          officials=[{"name": "Lê Hoàng Minh", "title": "Viện trưởng", "unit": "Viện KSND tỉnh Long An",
                      "role": "phát biểu"}],
          roles=[{"unit": "VKSND tỉnh Tiền Giang", "role": "Cụm trưởng", "cluster": "Cụm thi đua số 10",
                  "year": 2023}],
          spellings={"VKSND tỉnh Long An": "Viện KSND tỉnh Long An"}),
    _rich("long-an-trao-thuong-2024", "Viện kiểm sát nhân dân tỉnh Long An đón nhận Bằng khen", "2024-01-12",
          "Sáng 11/1/2024, Viện kiểm sát nhân dân tỉnh Long An tổ chức lễ đón nhận Bằng khen của Thủ tướng Chính "
          "phủ. Đồng chí Phạm Thu Hà, Phó Viện trưởng thường trực VKSND tối cao, trao Bằng khen. Dịp này, "
          "đồng chí Lê Hoàng Minh nhận danh hiệu Chiến sĩ thi đua toàn quốc.",
          {"type": "trao_thuong", "date": "2024-01-11"},
          ["VKSND tỉnh Long An", "VKSND tối cao"],
          officials=[{"name": "Phạm Thu Hà", "title": "Phó Viện trưởng thường trực", "unit": "VKSND tối cao",
                      "role": "trao thưởng"},
                     {"name": "Lê Hoàng Minh", "title": None, "unit": "VKSND tỉnh Long An", "role": "nhận thưởng"}],
          awards=[{"name": "Bằng khen của Thủ tướng Chính phủ", "recipient": "Viện kiểm sát nhân dân tỉnh Long An",
                   "status": "conferred", "year": 2024},
                  {"name": "Chiến sĩ thi đua toàn quốc", "recipient": "Lê Hoàng Minh", "status": "conferred",
                   "year": 2024}],
          spellings={"VKSND tỉnh Long An": "Viện kiểm sát nhân dân tỉnh Long An"}),
    _rich("khoi-2-binh-xet-2024", "Khối thi đua số 2 VKSND tối cao bình xét thi đua năm 2024", "2024-11-28",
          "Ngày 27/11/2024, Khối thi đua số 2 gồm các đơn vị Vụ 7, Vụ Thi đua - Khen thưởng và Văn phòng VKSND "
          "tối cao họp bình xét thi đua năm 2024. Đồng chí Phạm Thu Hà, Phó Viện trưởng VKSND tối cao, dự. "
          "Khối đề nghị tặng Cờ thi đua của ngành Kiểm sát nhân dân cho Vụ 7 VKSND tối cao. Hội nghị đề cử "
          "Vụ 7 là đơn vị Khối trưởng năm 2025.",
          {"type": "binh_xet", "date": "2024-11-27", "period": "năm 2024", "cluster": "Khối thi đua số 2",
           "scope": "VKSND tối cao"},
          ["Vụ 7 VKSND tối cao", "Vụ 16 VKSND tối cao", "Văn phòng VKSND tối cao"],
          officials=[{"name": "Phạm Thu Hà", "title": "Phó Viện trưởng", "unit": "VKSND tối cao", "role": "dự"}],
          awards=[{"name": "Cờ thi đua của ngành Kiểm sát nhân dân", "recipient": "Vụ 7 VKSND tối cao",
                   "status": "proposed", "year": 2024}],
          roles=[{"unit": "Vụ 7 VKSND tối cao", "role": "Khối trưởng", "cluster": "Khối thi đua số 2", "year": 2025}],
          spellings={"Vụ 7 VKSND tối cao": "Vụ 7", "Vụ 16 VKSND tối cao": "Vụ Thi đua - Khen thưởng",
                     "Văn phòng VKSND tối cao": "Văn phòng VKSND tối cao"}),
    _rich("xet-xu-luu-dong", "Xét xử lưu động vụ án cố ý gây thương tích", "2024-05-10",
          "Ngày 9/5/2024, Tòa án nhân dân tỉnh Long An phối hợp VKSND tỉnh Long An xét xử lưu động vụ án "
          "cố ý gây thương tích.",
          {"type": None, "date": "2024-05-09"}, [], relevant=False),
]
RICH_RECORDS = dict(_R)


def rich_extract(page: dict) -> dict:
    record = copy.deepcopy(RICH_RECORDS.get(page["url"]) or RECORDS[page["url"]])
    record["id"] = str(page["id"])
    return record


def write_rich_pages(path) -> None:
    """The small fixture's pages plus the richer articles' (not built)."""
    write_pages(path, with_broken=False)
    db = sqlite_utils.Database(path)
    db["pages"].insert_all([
        page_row(url, f"<html><body><article><h1>{r['title']}</h1><p>{r['text']}</p></article></body></html>")
        for url, r in RICH_RECORDS.items()], pk="id")
    db.close()


def built_rich_db(tmp_path):
    """The small fixture's pages plus the richer articles, built into one knowledge base."""
    from kb.build import build

    path = tmp_path / "thidua.db"
    write_rich_pages(path)
    build(path, rich_extract)
    return path


def rich_extract_v2(page: dict) -> dict:
    """A later extractor: the relevant articles lose their last official and unit, so positions,
    cluster members and orphan units change when it re-extracts them."""
    record = rich_extract(page)
    if record["relevant"]:
        record["officials"] = record["officials"][:-1]
        dropped = record["units"][-1:] if len(record["units"]) > 1 else []
        record["units"] = [u for u in record["units"] if u not in dropped]
        record["unit_mentions"] = [m for m in record.get("unit_mentions", []) if m["name"] not in dropped]
        record["awards"] = [a for a in record["awards"] if a.get("recipient") not in dropped]
        record["roles"] = [r for r in record["roles"] if r["unit"] not in dropped]
        record["officials"] = [o for o in record["officials"] if o.get("unit") not in dropped]
    return record


# --------------------------------------------------------------------------- hostile content (XSS tests)
# Every payload marks what it would create (data-xss) or run (alert, window.__xss): a page showing
# them must show them as text.
XSS_SCRIPT = "<script data-xss>window.__xss = 1; alert('script')</script>"
XSS_IMG = "<img data-xss src=x onerror=\"window.__xss = 2; alert('img')\">"
XSS_MARK = "</mark><script data-xss>window.__xss = 3; alert('mark')</script><mark>"
XSS_SVG = "<svg data-xss onload=\"window.__xss = 4; alert('svg')\"></svg>"
XSS_URL = "javascript:window.__xss=5;alert(document.domain)"
XSS_UNIT = "VKSND tỉnh Hòa Bình " + XSS_IMG
XSS_TEXT = (f"Ngày 2/2/2024, Cụm thi đua số 9 tổ chức hội nghị thi đua {XSS_SCRIPT}. Đồng chí Hoàng Văn Tám, "
            f"Viện trưởng {XSS_UNIT}, chủ trì {XSS_MARK} hội nghị thi đua. Tham dự có {XSS_SVG} các đơn vị <mark>.")
XSS_PAGES = {XSS_URL: "javascript", BASE + "xss-%22%3E%3Cscript%3Ealert(1)%3C/script%3E": "quoted"}
# two conferences, not one reported twice (kb/merge.py): different clusters, months apart
_XSS_EVENTS = {"javascript": ("Cụm thi đua số 9", "2024-02-02"), "quoted": ("Cụm thi đua số 8", "2024-05-05")}


def hostile_extract(page: dict) -> dict:
    """A record whose every field carries markup and script (the page's URL may be javascript:)."""
    text = XSS_TEXT

    def ev(fact):
        return _ev(text, fact)

    return {
        "id": str(page["id"]), "url": page["url"], "source": "vks.example.vn", "published": "2024-02-03",
        "title": "Cụm thi đua số 9 hội nghị thi đua " + XSS_SCRIPT + " " + XSS_PAGES[page["url"]],
        "author": XSS_IMG, "relevant": True, "text": text,
        "event": {"type": "khac", "date": _XSS_EVENTS[XSS_PAGES[page["url"]]][1], "period": XSS_SVG, "online": False,
                  "cluster": _XSS_EVENTS[XSS_PAGES[page["url"]]][0], "scope": None, "evidence": ev("Cụm thi đua số 9")},
        "units": [XSS_UNIT],
        "unit_mentions": [{"name": XSS_UNIT, "surface": XSS_UNIT, "evidence": ev(XSS_UNIT)}],
        "officials": [{"name": "Hoàng Văn Tám", "title": "Viện trưởng " + XSS_SVG, "unit": XSS_UNIT,
                       "role": "chủ trì", "evidence": ev("Hoàng Văn Tám")}],
        "awards": [{"name": "Bằng khen " + XSS_MARK, "recipient": XSS_UNIT, "year": 2024,
                    "evidence": ev(XSS_MARK)}],
        "roles": [{"unit": XSS_UNIT, "role": "Cụm trưởng", "cluster": "Cụm thi đua số 9", "year": 2024,
                   "evidence": ev(XSS_UNIT)}],
        "documents": [{"kind": "Chỉ thị", "number": XSS_SCRIPT, "date": None, "evidence": ev(XSS_SCRIPT)}],
    }


def built_hostile_db(tmp_path):
    """The rich knowledge base plus two articles made of payloads, one at a javascript: URL."""
    from kb.build import build

    path = built_rich_db(tmp_path)
    db = sqlite_utils.Database(path)
    db["pages"].insert_all([page_row(url, f"<html><body><p>{XSS_TEXT}</p></body></html>") for url in XSS_PAGES],
                           pk="id")
    build(path, hostile_or_rich_extract)
    return path


def hostile_or_rich_extract(page: dict) -> dict:
    return hostile_extract(page) if page["url"] in XSS_PAGES else rich_extract(page)
