import unicodedata

from extract.article import decode, from_html, from_html_bytes, from_text, from_text_bytes
from extract.model import Article
from extract.pipeline import extract_record
from crawler.mirror.server import encode_cp1258

BODY = ("Chiều ngày 11/3/2022, tại trụ sở VKSND tỉnh Kon Tum, Cụm thi đua số 12 ngành Kiểm sát nhân dân "
        "tổ chức Hội nghị ký kết giao ước thi đua năm 2022. Tham dự có lãnh đạo VKSND các tỉnh Gia Lai, "
        "Đắk Nông và Lâm Đồng.")

PAGE = f"""<html><head><meta charset="utf-8"><title>Trang tin | Cụm 12 ký kết giao ước</title></head><body>
<nav><a href="/">Trang chủ</a><a href="/tin">Tin tức</a></nav>
<div class="big_tit"><h1>Cụm thi đua số 12 ký kết giao ước thi đua năm 2022</h1></div>
<div class="time">14/03/2022 09:20 |</div>
<div class="noidung"><p>(kiemsat.vn) {BODY}</p>
<p>Các đơn vị thống nhất phát động phong trào thi đua sôi nổi, thiết thực trong toàn Cụm.</p></div>
<div class="chuky"><a href="/tac-gia/1">Hải Yến</a> / VKSND tỉnh Kon Tum</div>
<div class="tinkhac"><h3>Tin khác</h3><a href="/a">Một tin khác của chuyên mục</a></div>
<footer>Số người truy cập: 1.234.567</footer></body></html>"""

SELECTORS = {"title": ".big_tit h1", "date": "div.time", "body": "div.noidung", "author": "div.chuky a",
             "remove": ["div.tinkhac", "footer"]}


def test_site_selectors_override_trafilatura():
    a = from_html(PAGE, url="https://kiemsat.example.vn/cum-12-ky-ket-12345.html", selectors=SELECTORS)
    assert a.skip_reason is None
    assert a.title == "Cụm thi đua số 12 ký kết giao ước thi đua năm 2022"
    assert a.published == "2022-03-14"
    assert a.author == "Hải Yến"
    assert a.source == "kiemsat.example.vn"
    assert a.text.startswith("Chiều ngày 11/3/2022")  # "(kiemsat.vn)" prefix stripped
    assert "Tin khác" not in a.text and "truy cập" not in a.text


def test_trafilatura_alone_and_wordpress_url_date():
    a = from_html(PAGE, url="https://vks.example.gov.vn/2022/03/15/cum-12/")
    assert "Cụm thi đua số 12" in a.text
    assert a.published == "2022-03-15"
    rec = extract_record(a, "p1")
    assert rec["relevant"] and rec["event"]["type"] == "ky_giao_uoc"
    assert rec["event"]["date"] == "2022-03-11"


def test_month_first_stamp_with_format_hint():
    page = PAGE.replace("14/03/2022 09:20 |", "Đăng ngày: 3/16/2022 4:10:05 PM - Lượt xem 90")
    a = from_html(page, selectors={**SELECTORS, "date_format": "%m/%d/%Y"})
    assert a.published == "2022-03-16"
    assert from_html(page, selectors=SELECTORS).published == "2022-03-16"


def test_declared_windows_1258_is_decoded_and_nfc():
    page = PAGE.replace('<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">')
    data = encode_cp1258(page)
    text, reason = decode(data)
    assert reason is None and unicodedata.is_normalized("NFC", text)
    assert "Hội nghị ký kết giao ước" in text
    a = from_html_bytes(data, selectors=SELECTORS)
    assert a.title == "Cụm thi đua số 12 ký kết giao ước thi đua năm 2022"


def test_bad_input_gives_a_skip_reason_never_an_exception():
    assert from_html_bytes(b"").skip_reason == "empty"
    assert from_html_bytes(b"   \n ").skip_reason == "empty"
    assert from_html_bytes(b"\x00\x01\x02\x03" * 500).skip_reason == "binary content"
    assert from_html_bytes("<html><body><nav><a href='/'>Trang chủ</a></nav></body></html>".encode()).skip_reason \
        == "no article text"
    assert from_text_bytes(b"").skip_reason == "empty"
    for a in (from_html_bytes(bytes(range(256)) * 40), from_html("<<<>>>"), from_html(None)):
        assert isinstance(a, Article) and a.skip_reason
    rec = extract_record(from_html_bytes(b""), "x")
    assert rec["relevant"] is False and rec["skipped"] == "empty"


def test_text_file_title_date_and_byline():
    text = ("Thứ hai, Ngày 6 Tháng 5 Năm 2024\n\nTin hoạt động cụm, khối thi đua\n\nGửi Email In trang Lưu\n"
            "Khối thi đua Tổng hợp sơ kết công tác thi đua 6 tháng đầu năm 2023\n\n05/07/2023 10:15\n\n"
            "Chiều ngày 4/7/2023 Khối thi đua Tổng hợp tổ chức Hội nghị sơ kết công tác thi đua.\n\n"
            "Các đơn vị đã hoàn thành tốt nhiệm vụ.\n\nMinh Khang\n\nTin khác\n\nMột tin cũ (01/01/2023 08:00)")
    a = from_text(text)
    assert a.title == "Khối thi đua Tổng hợp sơ kết công tác thi đua 6 tháng đầu năm 2023"
    assert a.published == "2023-07-05"
    assert a.author == "Minh Khang"
    assert "Một tin cũ" not in a.text
    rec = extract_record(a, "t1")
    assert rec["event"]["date"] == "2023-07-04" and rec["event"]["type"] == "so_ket"


def test_text_starting_mid_article_has_no_title():
    a = from_text("Tham dự hội nghị có lãnh đạo các đơn vị trong Cụm thi đua số 3, cùng đại diện Văn phòng "
                  "và cán bộ làm công tác thi đua, khen thưởng của các đơn vị.\n\nleftcenterrightdel\n Toàn cảnh.\n\nP.V")
    assert a.title is None
    assert "leftcenterrightdel" not in a.text
    assert a.author == "P.V"


def test_large_and_english_text():
    big = ("Cụm thi đua số 4 tổ chức Hội nghị sơ kết công tác thi đua. " * 20000)[:1_000_000]
    rec = extract_record(from_text(big), "big")
    assert rec["relevant"] is True
    english = from_text_bytes(b"The procuracy held a meeting on legal reform.\n" * 50)
    assert extract_record(english, "en")["relevant"] is False


LEAD_PAGE = """<html><head><meta charset="utf-8"></head><body>
<div class="big_tit"><h1>Khối thi đua số 2 sơ kết công tác thi đua 6 tháng đầu năm 2023</h1></div>
<div class="time">20/07/2023 10:05 |</div>
<div class="mota"><div class="headline-makeup">Kiểm sát Online</div><h2>(kiemsat.vn) Sáng ngày 18/7/2023, Khối thi đua số 2
tổ chức Hội nghị sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm 2023.</h2></div>
<div class="noidung"><p>Dự Hội nghị có lãnh đạo các đơn vị thành viên trong Khối thi đua số 2 cùng đại diện Vụ 16.</p>
<p>Các đơn vị thống nhất tiếp tục đẩy mạnh phong trào thi đua trong 6 tháng cuối năm.</p></div></body></html>"""


def test_lead_selector_puts_the_standfirst_before_the_body():
    sel = dict(SELECTORS, lead="div.mota h2", remove=["div.headline-makeup"])
    a = from_html(LEAD_PAGE, url="https://kiemsat.example.vn/khoi-2-so-ket-22222.html", selectors=sel)
    assert a.text.startswith("Sáng ngày 18/7/2023, Khối thi đua số 2")  # lead first, site prefix stripped
    assert a.text.index("Sáng ngày 18/7/2023") < a.text.index("Dự Hội nghị")
    assert extract_record(a, "l1")["event"]["date"] == "2023-07-18"


def test_a_caption_repeating_the_title_is_not_the_headline():
    body = ("Thực hiện Kế hoạch số 03/KH-VKS ngày 10/01/2022 của VKSND tỉnh Hà Tĩnh về công tác thi đua, "
            "khen thưởng năm 2022, sáng ngày 04/3/2022, tại Hội trường VKSND huyện Kỳ Anh, Cụm thi đua số 3 "
            "tổ chức Hội nghị ký kết giao ước thi đua năm 2022 với sự tham dự của lãnh đạo các đơn vị.\n"
            "Cụm thi đua số 3 ký kết giao ước thi đua năm 2022\n"
            "Các đơn vị thống nhất nội dung giao ước thi đua.")
    a = Article(text=body, title="Cụm thi đua số 3 ký kết giao ước thi đua năm 2022", published="2022-03-07")
    assert extract_record(a, "c1")["event"]["date"] == "2022-03-04"


def test_hard_wrapped_lines_are_joined_with_offsets_kept():
    raw = ("Dự hội nghị có đồng chí Lê Văn Hùng, Phó Viện\n"
           "trưởng VKSND tỉnh Phú Yên, Phó Chủ tịch Hội đồng Thi đua - Khen thưởng.\n\n"
           "Tiêu đề ngắn\n")
    a = from_text(raw)
    assert "Phó Viện trưởng VKSND tỉnh Phú Yên" in a.text
    assert len(a.text) == len(raw.strip("\n"))
    assert "\n\nTiêu đề ngắn" in a.text


def test_head_metadata_is_what_trafilatura_metadata_pass_finds():
    # The extractor skips trafilatura's metadata pass (issue 13) and reads the title, the head's
    # author and the page's URL itself: on pages that put them in every usual place, the same.
    import trafilatura
    from trafilatura.settings import set_date_params

    heads = [
        '<meta property="og:title" content="Cụm 5 tổng kết năm 2023"><meta name="author" content="Minh Anh">'
        '<link rel="canonical" href="https://tin.example.vn/cum-5.html">',
        '<title>Khối thi đua số 2 sơ kết 6 tháng | Báo Tin</title>'
        '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"@type": "Person", '
        '"name": "Thu Hà"}, "headline": "Khối thi đua số 2 sơ kết 6 tháng đầu năm"}</script>',
        '<title>Trang tin</title><meta property="og:url" content="https://tin.example.vn/2024/05/k.html">',
    ]
    for i, head in enumerate(heads):
        html = (f"<html><head><meta charset='utf-8'>{head}</head><body><h1>Tiêu đề số {i} của bài viết</h1>"
                f"<article><p>{BODY}</p><p>{BODY}</p></article></body></html>")
        ours = from_html(html)
        theirs = trafilatura.bare_extraction(html, with_metadata=True, favor_recall=True,
                                             date_extraction_params=set_date_params(extensive=False))
        assert ours.title == " ".join(theirs.title.split())
        assert ours.author == theirs.author
        # the host of the page's own URL, as when the URL is given (trafilatura keeps the registered domain)
        assert ours.source == (theirs.url and theirs.url.split("/")[2])
