"""Synthetic, already-extracted event records (the contract's format) for the build and search benchmarks.

Generated from templates with a seeded RNG: clusters/blocks of several scopes, provincial and
central units, officials drawn from name pools (so tens of thousands of distinct people),
awards to units and people, roles, documents, evidence offsets into the generated text.
Nothing here comes from real articles.

The build benchmark stores one ``pages`` row per record whose ``html`` column carries the
record as JSON, and ``extract_page`` just decodes it: ``kb.build.build`` then spends its time
exactly as ``thidua build`` does (pending query, reading pages, the record writes, versions,
positions, cluster members, checkpoint) minus the extraction itself.
"""
from __future__ import annotations

import hashlib
import json
import random
import re

import sqlite_utils

PROVINCES = ["Hà Giang", "Lào Cai", "Nghệ An", "Kon Tum", "Ninh Thuận", "Hậu Giang", "Sơn La", "Gia Lai",
             "Quảng Bình", "Bình Định", "Tây Ninh", "Cà Mau", "Lạng Sơn", "Hà Nam", "Phú Yên", "Bắc Giang",
             "Phú Thọ", "Thái Nguyên", "Long An", "Đồng Tháp", "Bến Tre", "Sóc Trăng", "Quảng Ninh", "Hải Dương",
             "Thanh Hóa", "Quảng Trị", "Đắk Lắk", "Lâm Đồng", "Bình Thuận", "Vĩnh Long", "Điện Biên", "Yên Bái"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh"]
MIDDLE = ["Văn", "Thị", "Minh", "Quốc", "Thanh", "Hữu", "Ngọc", "Đức", "Thu", "Công", "Xuân", "Hồng"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Khải", "Lan",
         "Long", "Mai", "Nam", "Phong", "Phúc", "Quang", "Sơn", "Tâm", "Thắng", "Trang", "Tuấn", "Vinh", "Yến"]
KINDS = ["VKSND", "VKSND", "VKSND", "TAND", "Công an"]
EVENTS = [
    ("so_ket", "tổ chức Hội nghị sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm {y}", "6 tháng đầu năm {y}"),
    ("tong_ket", "tổ chức Hội nghị tổng kết công tác thi đua, khen thưởng năm {y}", "năm {y}"),
    ("ky_giao_uoc", "tổ chức ký kết giao ước thi đua năm {y}", "năm {y}"),
    ("binh_xet", "họp bình xét, suy tôn các tập thể xuất sắc năm {y}", "năm {y}"),
    ("phat_dong", "phát động phong trào thi đua năm {y}", "năm {y}"),
]
TITLES = ["Viện trưởng", "Phó Viện trưởng", "Chánh án", "Giám đốc", "Trưởng phòng"]
AWARDS = ["Cờ thi đua của ngành Kiểm sát nhân dân", "Bằng khen của Viện trưởng VKSND tối cao",
          "Cờ thi đua của Chính phủ", "Huân chương Lao động hạng Ba", "Kỷ niệm chương Vì sự nghiệp Kiểm sát",
          "Danh hiệu Tập thể lao động xuất sắc"]
FILLER = ("Các đơn vị đã tổ chức quán triệt các phong trào thi đua, đăng ký danh hiệu thi đua, chỉ tiêu công tác "
          "năm {y}; {u} hoàn thành vượt mức {n} chỉ tiêu nghiệp vụ, tỷ lệ giải quyết án đạt cao, "
          "không để xảy ra oan sai, bỏ lọt tội phạm.")
SOURCES = ["baovephapluat.vn", "kiemsat.vn", "vienkiemsattv.gov.vn", "vkshanoi.gov.vn"]


_SENTENCE_END = re.compile(r"[.;]\s")


def _ev(text: str, fact: str, start_at: int = 0) -> dict:
    """Evidence of ``fact``: its offsets in ``text`` and the sentence (up to '. ', '; ' or a newline) around it."""
    start = text.index(fact, start_at)
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    s0 = ends[-1] if ends else 0
    m = _SENTENCE_END.search(text, start)
    s1 = m.start() + 1 if m else len(text)
    return {"start": start, "end": start + len(fact), "sentence": text[s0:s1]}


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def record(i: int, seed: int = 11) -> dict:
    """The i-th synthetic record (deterministic in i and seed)."""
    rng = random.Random(seed * 1_000_003 + i)
    y = rng.randint(2016, 2025)
    kind = rng.choice(KINDS)
    block = rng.random() < 0.3
    n = rng.randint(1, 15)
    cluster = f"{'Khối' if block else 'Cụm'} thi đua số {n}"
    provs = rng.sample(PROVINCES, rng.randint(2, 5))
    units = [f"{kind} tỉnh {p}" for p in provs]
    if rng.random() < 0.3:
        units.append("Vụ 16 VKSND tối cao")
    etype, body_ev, period = rng.choice(EVENTS)
    relevant = rng.random() < 0.85
    d, m = rng.randint(1, 28), rng.randint(1, 12)
    chair, deputy = _person(rng), _person(rng)
    t_chair, t_dep = rng.choice(TITLES), rng.choice(TITLES)
    award, doc_no = rng.choice(AWARDS), f"0{rng.randint(1, 9)}/CT-VKSTC"
    person_award = rng.random() < 0.3
    awardee = _person(rng) if person_award else units[-1]
    title = f"{cluster} {body_ev.format(y=y)}" if relevant else f"{units[0]} xét xử vụ án số {i}"

    # Some articles spell the host unit the long way: the knowledge base keeps it as an alias.
    host = units[0]
    if kind == "VKSND" and rng.random() < 0.4:
        host = rng.choice(["Viện KSND", "Viện kiểm sát nhân dân"]) + " tỉnh " + provs[0]
    paras = [
        f"Ngày {d}/{m}/{y}, tại trụ sở {host}, {cluster} {body_ev.format(y=y)}.",
        f"Tham dự Hội nghị có đồng chí {chair}, {t_chair} {units[0]}, Cụm trưởng; đồng chí {deputy}, "
        f"{t_dep} {units[1]}, Cụm phó; lãnh đạo các đơn vị {', '.join(units[2:]) or units[1]}.",
        f"Thực hiện Chỉ thị số {doc_no} của Viện trưởng VKSND tối cao, các đơn vị trong Cụm đã bám sát "
        "nhiệm vụ chính trị, nâng cao chất lượng công tác thực hành quyền công tố.",
    ]
    for _ in range(rng.randint(3, 9)):
        paras.append(FILLER.format(y=y, u=rng.choice(units), n=rng.randint(5, 40)))
    paras.append(f"Hội nghị thống nhất đề nghị tặng {award} cho {awardee}.")
    text = "\n".join(paras)

    url = f"https://{rng.choice(SOURCES)}/tin/synth-{seed}-{i}.html"
    base = {"id": str(i), "url": url, "title": title, "source": url.split("/")[2],
            "published": f"{y}-{m:02d}-{d:02d}", "author": _person(rng) if rng.random() < 0.5 else None,
            "relevant": relevant, "text": text}
    if not relevant:
        return {**base, "event": {"type": None, "date": None, "period": None, "online": False, "cluster": None,
                                  "scope": None},
                "units": [units[0]], "unit_mentions": [{"name": units[0], "surface": units[0],
                                                        "evidence": _ev(text, units[0])}],
                "officials": [], "awards": [], "roles": [], "documents": []}
    p1 = text.index("Tham dự")
    mentions = []
    if host != units[0]:
        mentions.append({"name": units[0], "surface": host, "evidence": _ev(text, host)})
    for u in units:
        if u in text:
            mentions.append({"name": u, "surface": u, "evidence": _ev(text, u)})
        if text.count(u) > 1:
            mentions.append({"name": u, "surface": u, "evidence": _ev(text, u, text.index(u) + 1)})
    officials = [
        {"name": chair, "title": t_chair, "unit": units[0], "role": "chủ trì", "evidence": _ev(text, chair)},
        {"name": deputy, "title": t_dep, "unit": units[1], "role": "phát biểu", "evidence": _ev(text, deputy)},
    ]
    awards = [{"name": award, "recipient": awardee, "status": rng.choice(["proposed", "conferred"]), "year": y,
               "evidence": _ev(text, award)}]
    roles = [
        {"unit": units[0], "role": "Cụm trưởng", "cluster": cluster, "year": y,
         "evidence": _ev(text, "Cụm trưởng", p1)},
        {"unit": units[1], "role": "Cụm phó", "cluster": cluster, "year": y, "evidence": _ev(text, "Cụm phó", p1)},
    ]
    docs = [{"kind": "Chỉ thị", "number": doc_no, "date": None, "evidence": _ev(text, doc_no)}]
    event = {"type": etype, "date": f"{y}-{m:02d}-{d:02d}", "period": period.format(y=y),
             "online": rng.random() < 0.2, "cluster": cluster, "scope": "Kiểm sát" if kind == "VKSND" else None}
    return {**base, "event": event, "units": units, "unit_mentions": mentions, "officials": officials,
            "awards": awards, "roles": roles, "documents": docs}


def extract_page(page: dict) -> dict:
    """The build's extractor stand-in: the record stored in the page (module level: picklable)."""
    html = page["html"]
    return json.loads(html if isinstance(html, (bytes, str)) else bytes(html))


def write_pages(db_path, n: int, seed: int = 11, chunk: int = 5000) -> None:
    """A database holding only ``pages``: n synthetic article pages whose body is their record (JSON)."""
    from kb.schema import PAGES

    db = sqlite_utils.Database(db_path)
    db["pages"].create(PAGES, pk="id", if_not_exists=True)
    db.conn.execute("PRAGMA journal_mode = WAL")

    def rows():
        for i in range(1, n + 1):
            rec = record(i, seed)
            body = json.dumps(rec, ensure_ascii=False).encode("utf-8")
            yield {"id": i, "url": rec["url"], "final_url": rec["url"], "source": None, "status": 200,
                   "fetched_at": f"2025-01-01T00:{(i // 60) % 60:02d}:{i % 60:02d}",
                   "content_hash": hashlib.sha1(body).hexdigest(), "html": body,
                   "content_type": "text/html", "encoding": "utf-8", "is_article": 1}

    db["pages"].insert_all(rows(), batch_size=chunk)
    db["pages"].create_index(["url", "content_hash"], unique=True, if_not_exists=True)
    db.conn.commit()
    db.close()
