"""Masking personal numbers before anything stores or logs them.

18-digit resident ID numbers (checked with their ISO 7064 checksum), mobile and landline numbers,
bank card numbers (Luhn-checked) and e-mail addresses keep a few characters so a resident or an
agent can still tell which number was meant: 4201**********1234, 138****5678.
"""
from __future__ import annotations

import re

# full-width digits (１３８…) would slip past the patterns; only digits and X are folded, so the
# resident's Chinese punctuation stays as written
_FULLWIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[0-9Xx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[- ]?\d{7,8}(?!\d)")
CARD = re.compile(r"(?<!\d)(?:\d[ -]?){15,18}\d(?!\d)")
# a match may start only where a run of address characters starts: tried at every letter of a long
# run, the pattern was quadratic (64 KB of "a" took 5 s); now every run is scanned once
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def valid_id_number(number: str) -> bool:
    number = number.upper()
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17]


def luhn(number: str) -> bool:
    digits = [int(d) for d in number if d.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _keep(value: str, head: int, tail: int) -> str:
    digits = re.sub(r"[^0-9A-Za-z]", "", value)
    return digits[:head] + "*" * max(len(digits) - head - tail, 0) + digits[-tail:]


def _mask_id(match: re.Match) -> str:
    # an 18-digit run that fails the checksum may still be an ID with a typo: mask it all the same
    return _keep(match.group(0), 4, 4)


def _mask_card(match: re.Match) -> str:
    value = match.group(0)
    digits = re.sub(r"\D", "", value)
    if 16 <= len(digits) <= 19 and luhn(digits):
        return _keep(digits, 4, 4)
    return value


def _mask_email(match: re.Match) -> str:
    local, _, domain = match.group(0).partition("@")
    return local[:1] + "***@" + domain


def mask(text: str) -> str:
    """The text with every personal number replaced by its masked form."""
    if not text:
        return text
    text = text.translate(_FULLWIDTH)
    text = ID_NUMBER.sub(_mask_id, text)
    text = CARD.sub(_mask_card, text)
    text = MOBILE.sub(lambda m: _keep(m.group(0)[-11:], 3, 4), text)
    text = LANDLINE.sub(lambda m: _keep(m.group(0), 4, 2), text)
    text = EMAIL.sub(_mask_email, text)
    return text
