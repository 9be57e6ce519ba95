"""Text for the ear: what the bot writes for a screen, turned into what a caller can follow.

Short sentences, one idea at a time; no links, emoji, brackets or list marks; phone numbers,
tickets and years read digit by digit (幺 for 1, as Chinese phone staff say it), other
numbers and money in words; a long answer becomes its first sentences plus an offer of the
rest. Pure functions: the channel keeps what was cut for "详细".
"""
from __future__ import annotations

import re
from typing import List, Tuple

# About 4 characters a second at a phone synthesizer's pace: 72 characters stay under 20 s.
SPOKEN_MAX = 72
SUMMARY_MAX = 44
MORE_OFFER = "想听详细规定请说“详细”，转人工请按零。"
GO_ON_OFFER = "还想继续听请说“详细”。"

URL = re.compile(r"(https?://|www\.)[^\s，。；、）)]+", re.I)
BRACKETED = re.compile(r"[（(【\[〔][^（）()【】\[\]〔〕]{0,60}[）)】\]〕]")
# Emoji and pictographs, dingbats, variation selectors, zero-width joiners.
EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200D\u2B50\u2B06\u2934\u2935]")
LIST_MARK = re.compile(r"^\s*(?:[·•\-*>]+|\d{1,2}[.、)）]|[①-⑩]|[一二三四五六七八九十][、.])\s*", re.M)
SYMBOLS = {"%": "百分之", "～": "到", "~": "到", "/": "或", "&": "和", "+": "加", "＋": "加",
           "“": "“", "”": "”", "：": "，", ":": "，", "；": "。", ";": "。", "|": "，", "#": "井号", "*": "星号"}
DIGIT_WORDS = "零幺二三四五六七八九"
NUMBER_WORDS = "零一二三四五六七八九"
TICKET = re.compile(r"GH(\d{12})")
# Phone-like: area code + number, or a run of 3+ digits not followed by a quantity word.
PHONE = re.compile(r"\d{3,4}-\d{5,8}|\d{3,}(?![\d.]*(?:元|块|万|千|百|天|日|个|人|小时|倍|周|岁|%|％|公斤|分钟|次|页|条|家|份|多|余))")
YEAR = re.compile(r"(\d{4})(?=年)")
MONEY_OR_QUANTITY = re.compile(r"(\d+)(?:\.(\d+))?")
SENTENCE_END = re.compile(r"(?<=[。！？!?])")


def digits_spoken(digits: str) -> str:
    return "".join(DIGIT_WORDS[int(d)] if d.isdigit() else "" for d in digits)


def ticket_spoken(ticket: str) -> str:
    """GH202611260007 → "G H 二零二六幺幺二六零零零七" (letters named, digits one by one)."""
    return "G H " + digits_spoken(ticket[2:])


def number_words(value: int) -> str:
    """Integers in words (万/亿 groups): 12000 → 一万二千, 1005 → 一千零五."""
    if value == 0:
        return "零"
    if value < 0:
        return "负" + number_words(-value)
    groups, parts = [(10 ** 8, "亿"), (10 ** 4, "万")], []
    for size, unit in groups:
        if value >= size:
            parts.append(_below_10000(value // size) + unit)
            value %= size
            if value and value < size // 10:
                parts.append("零")
    if value:
        parts.append(_below_10000(value))
    words = "".join(parts)
    return words[1:] if words.startswith("一十") else words


def _below_10000(value: int) -> str:
    words, zero = "", False
    for size, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = value // size % 10
        if digit:
            words += ("零" if zero and words else "") + NUMBER_WORDS[digit] + unit
            zero = False
        else:
            zero = True
    return words


def _decimal_words(match: re.Match) -> str:
    whole, fraction = match.group(1), match.group(2)
    words = number_words(int(whole)) if len(whole) < 13 else digits_spoken(whole)
    if fraction:
        words += "点" + "".join(NUMBER_WORDS[int(d)] for d in fraction)
    return words


PERCENT = re.compile(r"(\d+(?:\.\d+)?)[%％]")


def read_numbers(text: str) -> str:
    text = PERCENT.sub(lambda m: "百分之" + MONEY_OR_QUANTITY.sub(_decimal_words, m.group(1)), text)
    text = TICKET.sub(lambda m: ticket_spoken(m.group(0)), text)
    text = YEAR.sub(lambda m: "".join(NUMBER_WORDS[int(d)] for d in m.group(1)), text)
    text = PHONE.sub(lambda m: digits_spoken(m.group(0)), text)
    return MONEY_OR_QUANTITY.sub(_decimal_words, text)


def clean(text: str) -> str:
    """One flat line of short sentences, nothing a synthesizer would read out as symbols."""
    text = URL.sub("", text)
    text = EMOJI.sub("", text)
    for _ in range(2):
        text = BRACKETED.sub("", text)
    text = LIST_MARK.sub("", text)
    lines = [line.strip(" ，,") for line in text.splitlines() if line.strip(" ，,")]
    text = "".join(line if line[-1] in "。！？!?" else line + "。" for line in lines)
    text = read_numbers(text)
    text = text.replace("回复", "说")  # a caller answers by voice (or keys), not by typing
    for symbol, words in SYMBOLS.items():
        text = text.replace(symbol, words)
    text = re.sub(r"[\[\]【】()（）<>《》{}「」『』]", "", text)
    text = re.sub(r"[，,]{2,}", "，", text)
    text = re.sub(r"[。]{2,}", "。", text)
    text = re.sub(r"，。", "。", text)
    return re.sub(r"\s+", " ", text).strip()


def sentences(text: str) -> List[str]:
    return [part for part in SENTENCE_END.split(text) if part]


def fit(text: str, limit: int = SUMMARY_MAX) -> Tuple[str, str]:
    """As many whole sentences as fit in `limit` characters (at least the first, cut at a
    comma if it alone is too long), and the rest."""
    parts = sentences(text)
    head = ""
    while parts and len(head) + len(parts[0]) <= limit:
        head += parts.pop(0)
    if not head and parts:
        first = parts.pop(0)
        cut = max(first.rfind("，", 0, limit), first.rfind("、", 0, limit))
        cut = cut if cut > 0 else limit
        head, rest = first[:cut] + "。", first[cut + 1:]
        if rest:
            parts.insert(0, rest)
    return head, "".join(parts)


def spoken(text: str, offer: str = MORE_OFFER) -> Tuple[str, str]:
    """(what to say now, what is kept for "详细"). Short answers are said whole."""
    flat = clean(text)
    if len(flat) <= SPOKEN_MAX:
        return flat, ""
    head, rest = fit(flat, SPOKEN_MAX - len(offer))
    return head + offer, rest


def next_part(rest: str) -> Tuple[str, str]:
    """The next piece of a long answer the caller asked to hear in full."""
    head, rest = fit(rest, SPOKEN_MAX - len(GO_ON_OFFER))
    return (head + GO_ON_OFFER, rest) if rest else (head, "")
