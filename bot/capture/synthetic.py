"""Synthetic personal numbers for training data: where the capture masked a phone, ID-card or
bank-card number (bot/capture/masking.py), put a made-up number of the same shape back, so
the model still learns what a message with a number in it looks like. Deterministic from a
seed (the group key): exporting twice writes the same file, and a diff shows only real changes.
"""
from __future__ import annotations

import random
import re
from typing import List

# A masked number: digits, stars and an ID card's X, with single separators between them,
# at least one star.
_MASKED = re.compile(r"[0-9０-９*＊Xx](?:[ \-—－·.]?[0-9０-９*＊Xx]){10,22}")
_BEIJING_REGIONS = ("110101", "110102", "110105", "110106", "110107", "110108", "110111", "110112", "110114")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _id_card(rng: random.Random, length: int) -> str:
    region = rng.choice(_BEIJING_REGIONS)
    year, month, day = rng.randint(1965, 2004), rng.randint(1, 12), rng.randint(1, 28)
    if length == 15:
        return f"{region}{year % 100:02d}{month:02d}{day:02d}{rng.randint(0, 999):03d}"
    body = f"{region}{year}{month:02d}{day:02d}{rng.randint(0, 999):03d}"
    return body + _ID_CHECK[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS)) % 11]


def _bank_card(rng: random.Random, length: int) -> str:
    body = "6222" + "".join(str(rng.randint(0, 9)) for _ in range(length - 5))
    total = 0
    for index, digit in enumerate(reversed(body)):  # Luhn: every second digit from the right doubled
        value = int(digit) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return body + str((10 - total % 10) % 10)


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + "".join(str(rng.randint(0, 9)) for _ in range(9))


def _replacement(rng: random.Random, chars: List[str]) -> str:
    """A synthetic number for the masked characters `chars` (digits, stars, X), same count."""
    count = len(chars)
    visible_head = next((i for i, c in enumerate(chars) if c in "*＊"), count)
    if count == 11 and chars[0] in "1１":
        return _phone(rng)
    if count in (15, 18) and visible_head == 3:
        return _id_card(rng, count)
    if 16 <= count <= 19:
        return _bank_card(rng, count)
    return "".join(str(rng.randint(0, 9)) for _ in range(count))


def synthesize(text: str, seed: str) -> str:
    """`text` with every masked number replaced by a synthetic one (separators kept)."""
    rng = random.Random(seed)
    out = list(text)
    for match in _MASKED.finditer(text):
        if "*" not in match.group(0) and "＊" not in match.group(0):
            continue
        positions = [match.start() + i for i, c in enumerate(match.group(0)) if c in "0123456789０１２３４５６７８９*＊Xx"]
        # A +86 in front of a phone is outside the match; a phone's 11 characters are the last 11.
        if len(positions) > 11 and text[positions[0]] in "8８" and len(positions) in (13, 15):
            positions = positions[-11:]
        new = _replacement(rng, [text[p] for p in positions])
        for position, digit in zip(positions, new):
            out[position] = digit
    return "".join(out)
