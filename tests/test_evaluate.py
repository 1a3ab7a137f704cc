"""The project's scorer (extract/evaluate.py) on tiny hand-made records."""
from __future__ import annotations

import pytest

from extract.evaluate import alternatives, key, max_matching, score


def rec(rid, relevant=True, **kw):
    event = {"type": None, "date": None, "period": None, "online": False, "cluster": None, "scope": None}
    event.update(kw.pop("event", {}))
    out = {"id": rid, "relevant": relevant, "event": event}
    for name in ("units", "officials", "awards", "roles", "documents"):
        out[name] = kw.pop(name, [])
    assert not kw
    return out


def test_key_unifies_spellings():
    assert key("Viện kiểm sát nhân dân tỉnh Đồng Tháp") == key("VKSND tỉnh Đồng Tháp") == key("Viện KSND tỉnh ĐỒNG THÁP")
    assert key("VKSND Thành phố Hồ Chí Minh") == key("VKSND TP. Hồ Chí Minh") == key("VKSND TP Hồ Chí Minh")
    assert key("Cụm số 04") == key("Cụm 4") == key("Cụm thi đua số 4")
    assert key("Khối III") == key("Khối thi đua số 3")
    assert key("Tòa án nhân dân tỉnh Nam Định") == key("TAND tỉnh Nam Định")
    assert key("Cục Thi hành án dân sự tỉnh") == key("Cục THADS tỉnh")
    assert key("Cụm thi đua số 1") != key("Cụm thi đua số 11")
    assert key(None) is None


def test_alternatives_split_on_bar_and_lists():
    assert alternatives("Phòng 11 VKSND TP Hải Phòng | Phòng 11") == {key("Phòng 11 VKSND TP Hải Phòng"), "phong 11"}
    assert alternatives(["so_ket", "tong_ket"]) == {"so_ket", "tong_ket"}
    assert alternatives(None) == {None}


def test_matching_is_one_to_one_and_maximal():
    # Greedy would give gold 0 the first pred and leave gold 1 unmatched.
    gold = ["A | B", "A"]
    pred = ["A", "B"]
    pairs = max_matching(gold, pred, lambda g, p: key(p) in alternatives(g))
    assert len(pairs) == 2
    # Duplicated predictions match one gold item once.
    assert len(max_matching(["A"], ["A", "A"], lambda g, p: key(p) in alternatives(g))) == 1


def test_perfect_prediction_scores_one():
    g = rec("a", event={"type": "so_ket", "date": "2024-06-28", "cluster": "Cụm thi đua số 6"},
            units=["VKSND tỉnh Hà Tĩnh"],
            officials=[{"name": "Phan Đức Lượng", "title": "Viện trưởng", "unit": "VKSND tỉnh Hà Tĩnh"}],
            awards=[{"name": "Cờ thi đua của Chính phủ", "recipient": "VKSND tỉnh Hà Tĩnh"}],
            roles=[{"unit": "VKSND tỉnh Hà Tĩnh", "role": "Cụm trưởng", "cluster": "Cụm thi đua số 6", "year": 2024}],
            documents=[{"kind": "Chỉ thị", "number": "01/CT-VKSTC", "date": None}])
    result = score({"a": g}, {"a": g})
    assert result["score"] == pytest.approx(1.0)
    assert all(v.get("f1", v.get("accuracy")) == 1.0 for v in result["rows"].values())
    assert result["missing"] == []


def test_lenient_spellings_and_event_alternatives():
    gold = {"a": rec("a", event={"type": ["ky_giao_uoc", "phat_dong"], "date": "2021-03-05",
                                 "cluster": "Cụm thi đua số 4"},
                     units=["VKSND huyện Nam Đàn", "Phòng 9 VKSND TP Cần Thơ | Phòng 9"])}
    pred = {"a": rec("a", event={"type": "phat_dong", "date": "2021-03-05", "cluster": "Cụm số 04"},
                     units=["Viện kiểm sát nhân dân huyện Nam Đàn", "Phòng 9"])}
    rows = score(gold, pred)["rows"]
    assert rows["event.type"]["accuracy"] == 1.0
    assert rows["event.cluster"]["accuracy"] == 1.0
    assert rows["units"]["f1"] == 1.0


def test_precision_recall_counts():
    gold = {"a": rec("a", officials=[
        {"name": "Nguyễn Văn A", "title": "Viện trưởng", "unit": "VKSND tỉnh X"},
        {"name": "Trần Thị B", "title": "Phó Viện trưởng", "unit": "VKSND tỉnh Y"}])}
    pred = {"a": rec("a", officials=[
        {"name": "Nguyễn Văn A", "title": "Phó Viện trưởng", "unit": "VKSND tỉnh X"},
        {"name": "Lê Văn C", "title": "Viện trưởng", "unit": "VKSND tỉnh Z"},
        {"name": "Minh Châu", "title": None, "unit": None}])}
    rows = score(gold, pred)["rows"]
    assert rows["officials"]["tp"] == 1
    assert rows["officials"]["precision"] == pytest.approx(1 / 3)
    assert rows["officials"]["recall"] == pytest.approx(1 / 2)
    assert rows["officials+title"]["tp"] == 0
    assert rows["officials+unit"]["tp"] == 1


def test_roles_need_the_year_and_awards_the_recipient():
    gold = {"a": rec("a",
                     roles=[{"unit": "Vụ 12 VKSND tối cao", "role": "Khối trưởng", "cluster": "Khối thi đua số 2", "year": 2024}],
                     awards=[{"name": "Tập thể lao động xuất sắc", "recipient": None}])}
    pred = {"a": rec("a",
                     roles=[{"unit": "Vụ 12 VKSND tối cao", "role": "Khối trưởng", "cluster": "Khối thi đua số 2", "year": 2023}],
                     awards=[{"name": "Tập thể Lao động xuất sắc", "recipient": None}])}
    rows = score(gold, pred)["rows"]
    assert rows["roles"]["tp"] == 0
    assert rows["awards"]["tp"] == 1


def test_irrelevant_gold_scored_on_relevance_only_and_missing_predictions():
    gold = {"neg": rec("neg", relevant=False),
            "pos": rec("pos", event={"type": "tong_ket"}, units=["VKSND tỉnh A"])}
    # The negative's predicted units do not count; the positive has no prediction at all.
    pred = {"neg": rec("neg", relevant=False, units=["VKSND tỉnh B"])}
    result = score(gold, pred)
    rows = result["rows"]
    assert rows["relevant"]["accuracy"] == 0.5
    assert rows["units"]["gold"] == 1 and rows["units"]["pred"] == 0
    assert rows["units"]["recall"] == 0.0
    assert rows["event.type"]["accuracy"] == 0.0
    assert result["missing"] == ["pos"]


def test_empty_lists_on_both_sides_are_perfect():
    gold = {"a": rec("a")}
    rows = score(gold, {"a": rec("a")})["rows"]
    assert rows["documents"]["f1"] == 1.0
    # Predicting something where gold has nothing costs precision.
    rows = score(gold, {"a": rec("a", documents=[{"kind": "Luật", "number": "1/2000/QH10", "date": None}])})["rows"]
    assert rows["documents"]["f1"] == 0.0
