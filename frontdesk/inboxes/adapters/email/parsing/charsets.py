"""Bytes to text for any declared, missing or wrong charset.

The common lies are cheap to catch: UTF-8 labelled as Latin-1/ASCII (valid multi-byte UTF-8 is almost never
real Latin-1 text), and 8-bit text with no label at all. Only when a strict decode fails do we ask
charset-normalizer, on a bounded sample, because detection costs milliseconds.
"""

# ruff: noqa: RUF001  (mail clients write in many scripts: the letters are meant)

from __future__ import annotations

import codecs

DETECTION_SAMPLE_BYTES = 32_768

# Labels seen in real mail that Python does not know, or knows under another name.
_ALIASES = {
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "x-sjis": "shift_jis",
    "shift-jis": "shift_jis",
    "x-euc-jp": "euc_jp",
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
    "unicode-1-1-utf-7": "utf-7",
    "gb2312": "gb18030",  # gb18030 is a superset; senders labelled gb2312 routinely use its extensions
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "big5": "big5hkscs",
    "iso-2022-jp": "iso2022_jp_ext",
    "windows-874": "cp874",
    "x-user-defined": "",
    "unknown-8bit": "",
    "x-unknown": "",
    "unknown": "",
    "default": "",
    "charset": "",
    "us-ascii": "ascii",
    "ascii": "ascii",
    "ansi_x3.4-1968": "ascii",
    "7bit": "ascii",
    "8bit": "",
}
# Charsets whose encoded text is pure ASCII bytes: these must still be decoded.
_SEVEN_BIT = {"iso2022_jp", "iso2022_jp_ext", "iso2022_jp_1", "iso2022_jp_2", "iso2022_kr", "utf-7", "hz"}
# Charsets that decode any byte sequence, so a wrong label never fails: check for UTF-8 first.
_NEVER_FAILING = {"iso8859-1", "cp1252", "iso8859-15", "ascii", ""}


def normalise_charset(label: str | None) -> str:
    """A Python codec name for a MIME charset label, or "" when unknown or absent."""
    if not label:
        return ""
    label = label.strip().strip("\"'").lower()
    if "*" in label:  # RFC 2231 language suffix: utf-8*en
        label = label.split("*", 1)[0]
    if label in _ALIASES:
        return _ALIASES[label]
    try:
        return codecs.lookup(label).name
    except (LookupError, ValueError):  # ValueError: a NUL or other junk inside the label
        return ""


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode text bytes whatever their label says; never raises."""
    if not data:
        return ""
    charset = normalise_charset(declared)
    if data.isascii():
        if charset in _SEVEN_BIT or (not charset and b"\x1b$" in data):
            try:  # ISO-2022 and UTF-7 text is ASCII on the wire
                return data.decode(charset or "iso2022_jp_ext")
            except (UnicodeDecodeError, LookupError):
                pass
        return data.decode("ascii")
    if charset in _NEVER_FAILING:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if charset and charset != "ascii":
        try:
            return data.decode(charset)
        except (UnicodeDecodeError, LookupError):
            pass
    detected = _detect(data)
    if detected:
        try:
            return data.decode(detected, errors="replace")
        except LookupError:
            pass
    if charset == "utf-8":
        return data.decode("utf-8", errors="replace")
    return data.decode("cp1252" if not charset or charset == "ascii" else charset, errors="replace")


def _detect(data: bytes) -> str:
    if _looks_western(data):
        return "cp1252"
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:DETECTION_SAMPLE_BYTES], cp_isolation=_MAIL_CHARSETS).best()
    except Exception:  # detection is a best effort; any failure falls back to a lenient decode
        return ""
    return best.encoding if best is not None else ""


# Charsets legacy mail actually uses: restricting the detector to them makes short texts come out right.
_MAIL_CHARSETS = [
    "cp1252", "iso8859_15", "cp1250", "iso8859_2", "cp1251", "koi8_r", "koi8_u", "cp1253", "cp1254", "cp1255",
    "cp1256", "cp1257", "cp874", "shift_jis", "euc_jp", "gb18030", "big5", "euc_kr", "cp949", "mac_roman",
]
_WESTERN_SYMBOLS = set("€‘’“”–—•…«»°§©®™£¥¢µ¿¡·¹²³¼½¾ªº\xa0")


def _looks_western(data: bytes) -> bool:
    """Accented letters sprinkled in mostly-ASCII words: Windows-1252, the most common unlabelled text.

    Cyrillic or Greek in a legacy 8-bit charset decodes to Latin letters too, but then nearly every letter is
    high, not one in a few words; those go to the detector.
    """
    try:
        text = data[:DETECTION_SAMPLE_BYTES].decode("cp1252")
    except UnicodeDecodeError:
        return False
    high = [char for char in text if ord(char) > 127]
    if not all(char.isalpha() or char in _WESTERN_SYMBOLS for char in high):
        return False
    letters = sum(1 for char in text if char.isalpha())
    return len(high) <= 2 or len(high) <= 0.3 * letters


def fix_surrogates(value: str) -> str:
    """Text parsed with surrogateescape (raw 8-bit header bytes, RFC 6532) back to real characters."""
    if value.isascii():
        return value
    try:
        raw = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return value.encode("utf-8", "replace").decode("utf-8")
    return decode_bytes(raw, "utf-8")
