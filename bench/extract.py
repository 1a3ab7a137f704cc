"""Synthetic news pages for the extraction benchmarks, and the timing loop they share.

The pages are made-up emulation news wrapped in a typical news-site template (menu,
breadcrumb, sidebar, related links, footer). The figures themselves are measured by
``extraction.py`` (full extractor vs trafilatura), ``memory.py`` and ``scaling.py``,
all run by ``make bench`` (bench/run.py).
"""
from __future__ import annotations

import random
import time

PROVINCES = ["Hà Giang", "Lào Cai", "Nghệ An", "Kon Tum", "Ninh Thuận", "Hậu Giang", "Sơn La", "Gia Lai",
             "Quảng Bình", "Bình Định", "Tây Ninh", "Cà Mau", "Lạng Sơn", "Hà Nam", "Phú Yên"]
NAMES = ["Trần Văn Khải", "Nguyễn Thị Mai Hoa", "Lê Quốc Bảo", "Phạm Minh Đức", "Võ Thanh Hải",
         "Đặng Thu Trang", "Bùi Công Lý", "Hoàng Anh Tuấn"]
EVENTS = [
    ("tổ chức Hội nghị sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm {y}", "sơ kết 6 tháng đầu năm {y}"),
    ("tổ chức Hội nghị tổng kết công tác thi đua, khen thưởng năm {y}", "tổng kết công tác thi đua năm {y}"),
    ("tổ chức Hội nghị ký kết giao ước thi đua năm {y}", "ký kết giao ước thi đua năm {y}"),
    ("họp bình xét, suy tôn các tập thể xuất sắc năm {y}", "bình xét thi đua năm {y}"),
]


def article_text(rng: random.Random) -> tuple[str, str]:
    y = rng.randint(2018, 2024)
    n = rng.randint(1, 15)
    p1, p2, p3 = rng.sample(PROVINCES, 3)
    who, deputy = rng.sample(NAMES, 2)
    body_ev, title_ev = rng.choice(EVENTS)
    title = f"Cụm thi đua số {n} {title_ev.format(y=y)}"
    paras = [
        f"Chiều ngày {rng.randint(1, 28)}/{rng.randint(1, 12)}/{y}, tại trụ sở VKSND tỉnh {p1}, Cụm thi đua số {n} "
        f"ngành Kiểm sát nhân dân {body_ev.format(y=y)}.",
        f"Tham dự Hội nghị có đồng chí {who}, Viện trưởng VKSND tỉnh {p1}, Cụm trưởng Cụm thi đua số {n}; "
        f"đồng chí {deputy}, Phó Viện trưởng VKSND tỉnh {p2}, Cụm phó; lãnh đạo VKSND các tỉnh {p2}, {p3}.",
        f"Thực hiện Chỉ thị số 0{rng.randint(1, 9)}/CT-VKSTC ngày {rng.randint(1, 28)}/12/{y - 1} của Viện trưởng "
        f"VKSND tối cao về phát động phong trào thi đua năm {y}, các đơn vị trong Cụm đã bám sát nhiệm vụ chính trị, "
        "triển khai nhiều giải pháp đổi mới, nâng cao chất lượng công tác thực hành quyền công tố.",
    ]
    for _ in range(rng.randint(3, 8)):
        paras.append(
            f"Các đơn vị đã tổ chức quán triệt các phong trào thi đua, đăng ký danh hiệu thi đua, chỉ tiêu công tác "
            f"năm {y}; VKSND tỉnh {rng.choice(PROVINCES)} hoàn thành vượt mức {rng.randint(5, 40)} chỉ tiêu nghiệp vụ, "
            "tỷ lệ giải quyết án đạt cao, không để xảy ra oan sai, bỏ lọt tội phạm.")
    paras.append(f"Hội nghị thống nhất đề nghị tặng Cờ thi đua của ngành Kiểm sát nhân dân cho VKSND tỉnh {p2}.")
    paras.append(rng.choice(NAMES).split()[-2] + " " + rng.choice(NAMES).split()[-1])
    return title, "\n".join(f"<p>{p}</p>" for p in paras)


def page(rng: random.Random, i: int) -> bytes:
    title, body = article_text(rng)
    menu = "".join(f'<li><a href="/chuyen-muc/{k}">Chuyên mục {k}</a></li>' for k in range(12))
    related = "".join(f'<li><a href="/tin/{i}-{k}.html">Tin liên quan số {k} về hoạt động của ngành</a></li>'
                      for k in range(8))
    html = f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:title" content="{title}"><script>var ads = [1,2,3];</script>
<style>body{{font-family:Arial}}</style></head><body>
<header><div class="logo">Báo Pháp luật Thi đua</div><nav><ul>{menu}</ul></nav></header>
<div class="breadcrumb"><a href="/">Trang chủ</a> / <a href="/kiem-sat-24h">Kiểm sát 24h</a></div>
<main><article><h1 class="post-title">{title}</h1>
<div class="lbPublishedDate">Cập nhật lúc 09:15, Thứ hai, 0{rng.randint(1, 9)}/0{rng.randint(1, 9)}/2023 (GMT+7)</div>
<div class="noidung">{body}</div></article>
<aside class="sidebar"><h3>Đọc nhiều</h3><ul>{related}</ul></aside></main>
<footer><p>Cơ quan chủ quản: Viện kiểm sát nhân dân tối cao</p><p>Số người truy cập: {rng.randint(10**5, 10**7)}</p>
</footer></body></html>"""
    return html.encode("utf-8")


def run_once(pages, fn) -> float:
    t0 = time.perf_counter()
    for p in pages:
        fn(p)
    return len(pages) / (time.perf_counter() - t0)
