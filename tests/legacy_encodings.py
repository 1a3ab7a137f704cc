"""Encoders of Vietnamese text into the legacy 8-bit font encodings TCVN3 (ABC) and VNI-Windows,
written for the tests from the encodings' published tables (lower-case letters; TCVN3 writes
capitals with a separate font on the same codes)."""
from __future__ import annotations

import unicodedata

_TCVN3 = dict(zip(
    "àảãáạăằẳẵắặâầẩẫấậđèẻẽéẹêềểễếệìỉĩíịòỏõóọôồổỗốộơờởỡớợùủũúụưừửữứựỳỷỹýỵ",
    "µ¶·¸¹¨»¼½¾Æ©ÇÈÉÊË®ÌÎÏÐÑªÒÓÔÕÖ×ØÜÝÞßáâãä«åæçèé¬êëìíîïñòóô\xadõö÷øùúûüýþ"))
_TCVN3_UPPER = {"Ă": "¡", "Â": "¢", "Đ": "§", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦"}

_TONES = {"\u0301": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0323": 4}  # sắc huyền hỏi ngã nặng
_VNI_PLAIN = "ùøûõï"
_VNI_CIRCUMFLEX = "áàåãä"
_VNI_BREVE = "éèúüë"
_VNI_I = "íìæóò"


def encode_tcvn3(text: str) -> bytes:
    out = []
    for ch in unicodedata.normalize("NFC", text):
        low = ch.lower()
        if ch in _TCVN3_UPPER:
            out.append(_TCVN3_UPPER[ch])
        elif low in _TCVN3:
            out.append(_TCVN3[low])
        else:
            out.append(ch)
    return "".join(out).encode("latin-1", errors="replace")


def encode_vni(text: str) -> bytes:
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in "đĐ":
            out.append("ñ" if ch == "đ" else "Ñ")
            continue
        parts = unicodedata.normalize("NFD", ch)
        base, marks = parts[0], parts[1:]
        tone = next((_TONES[m] for m in marks if m in _TONES), None)
        if not marks or ch.isascii():
            out.append(ch)
        elif "\u0302" in marks:  # circumflex: â ê ô
            out.append(base + ("â" if tone is None else _VNI_CIRCUMFLEX[tone]))
        elif "\u0306" in marks:  # breve: ă
            out.append(base + ("ê" if tone is None else _VNI_BREVE[tone]))
        elif "\u031b" in marks:  # horn: ơ ư
            out.append(("ô" if base.lower() == "o" else "ö") + ("" if tone is None else _VNI_PLAIN[tone]))
        elif base.lower() == "i" and tone is not None:
            out.append(_VNI_I[tone])
        elif tone is not None:
            out.append(base + _VNI_PLAIN[tone])
        else:
            out.append(ch)
    return "".join(out).encode("cp1252", errors="replace")
