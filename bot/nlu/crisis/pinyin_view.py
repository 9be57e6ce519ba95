"""Pinyin and homophones mapped back onto the crisis vocabulary.

A worker typing pinyin (`wo bu xiang huo le`, `tiaolou`) or picking the wrong character of the
same sound (跳搂, 安眠要, 包公头) still means the word. The message is read as toneless
syllables (pypinyin for characters, a syllable splitter for Latin runs); wherever a run of
syllables spells a word of `VOCABULARY`, that word is written in its place, so the same
character rules apply. Characters are replaced only by words of two or more syllables that
do not collide with common words (轻生/庆生); single syllables (wo → 我, si → 死) only where
the worker typed pinyin.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from typing import Dict, List, Optional, Tuple

from pypinyin import Style, lazy_pinyin
from pypinyin.contrib.tone_convert import to_normal
from pypinyin.pinyin_dict import pinyin_dict

from bot.nlu.text_normalization import normalize

VOCABULARY = (
    # people and places
    "我", "俺", "他", "她", "想", "要", "喝", "吃", "吞", "割", "吊", "撞", "跳", "我们", "大家", "工友", "工友们", "工人", "兄弟们", "老板", "包工头", "工头",
    "经理", "领导", "公司", "工地", "矿", "井", "楼顶", "天台", "塔吊", "桥上", "孩子", "老婆", "家里",
    # self-harm
    "死", "活", "想死", "去死", "寻死", "自杀", "轻生", "跳楼", "跳河", "跳江", "跳桥", "跳下去", "割腕",
    "上吊", "烧炭", "喝药", "农药", "安眠药", "敌敌畏", "百草枯", "绳子", "煤气", "遗书", "遗言",
    "不想活", "不想活了", "活不下去", "活不下去了", "不活了", "活着", "没意思", "活着没意思", "死路一条",
    "一了百了", "不如死了", "死了算了", "了结", "结束生命", "想不开", "走投无路", "绝望", "活路", "没活路",
    "买好了", "准备", "算了", "不想", "一死了之",
    # violence
    "杀", "砍", "捅", "刀", "炸", "烧", "拼命", "拼了", "同归于尽", "砍死", "捅死", "弄死", "杀了", "汽油",
    "放火", "菜刀", "带刀", "拿刀", "偿命", "打人", "被打", "打死",
    # confinement, groups, accidents
    "关起来", "锁起来", "不让走", "出不去", "堵门", "堵路", "拉横幅", "明天", "一起", "现在",
    "联系不上", "没上来", "不动了", "人不动了", "晕倒", "昏迷", "触电", "着火", "爆炸", "塌方", "塌了",
    "被埋", "流血", "救命", "出人命", "没反应", "没气了",
)
# Words whose sound is shared by an everyday word: replaced only when typed as pinyin.
SOUND_ALIKES = frozenset({"轻生", "上吊", "喝药", "想死", "去死", "杀了", "活着", "绝望", "准备", "算了",
                          "不想", "现在", "明天", "一起", "工人", "经理", "领导", "公司", "家里", "孩子",
                          "老婆", "河", "井", "矿", "刀", "带刀", "菜刀", "打人", "被打", "打死", "了结",
                          "触电", "着火", "塌方", "晕倒", "流血", "不动了", "人不动了", "被埋", "堵门", "堵路",
                          "偿命", "砍死", "放火", "遗书", "遗言", "绳子", "煤气", "跳河", "烧炭", "寻死", "活路",
                          "不活了", "买好了", "塔吊", "塌了", "拼了", "拿刀", "关起来", "锁起来", "跳下去"})
_MAX_SYLLABLES = 6
LATIN_WORD, LATIN_PART = "\0word", "\0part"  # sources of syllables typed in Latin letters
_LATIN = re.compile(r"[a-zv']+[1-5]?")
_CJK = re.compile(r"[\u3400-\u9fff]")


@functools.lru_cache(maxsize=1)
def _syllables() -> frozenset:
    found = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            found.add(to_normal(reading).replace("ü", "v"))
    return frozenset(s for s in found if s.isalpha())


@functools.lru_cache(maxsize=1)
def _vocabulary() -> Dict[Tuple[str, ...], str]:
    return {tuple(lazy_pinyin(word, style=Style.NORMAL, v_to_u=False)): word for word in VOCABULARY}


def split_syllables(run: str) -> Optional[List[str]]:
    """`buxianghuole` → [bu, xiang, huo, le]: the split into the fewest valid syllables."""
    known, size = _syllables(), len(run)
    # count[i]: fewest syllables covering run[:i]; start[i]: where the last of them begins.
    count: List[Optional[int]] = [0] + [None] * size
    start: List[int] = [0] * (size + 1)
    for end in range(1, size + 1):
        for begin in range(max(0, end - 6), end):
            if count[begin] is not None and run[begin:end] in known:
                if count[end] is None or count[begin] + 1 < count[end]:
                    count[end], start[end] = count[begin] + 1, begin
    if count[size] is None:
        return None
    pieces, end = [], size
    while end > 0:
        pieces.append(run[start[end]:end])
        end = start[end]
    return pieces[::-1]


def _latin_syllables(word: str) -> List[str]:
    """The syllables of one Latin word (`hetong` → he, tong; `tiao4lou2` → tiao, lou)."""
    plain = "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")
    plain = re.sub(r"[1-5]", "", plain.replace("ü", "v"))
    syllables: List[str] = []
    for part in filter(None, plain.split("'")):
        syllables.extend(split_syllables(part) or [])
    return syllables


def _tokens(text: str) -> List[Tuple[str, Optional[str]]]:
    """(syllable, its source) for the text: the character it came from, LATIN_WORD when it was
    typed as a word of its own (`wo xiang si`), LATIN_PART when part of a longer word (`hetong`)."""
    folded = normalize(text or "").lower()
    tokens: List[Tuple[str, Optional[str]]] = []
    for run in re.findall(r"[\u3400-\u9fff]+|[a-zà-ÿāáǎēéěīíǐōóǒūúǔǖǘǚǜü'0-9]+", folded):
        if _CJK.match(run):
            tokens.extend(zip(lazy_pinyin(run, style=Style.NORMAL, v_to_u=False), run))
        elif not run.isdigit():
            syllables = _latin_syllables(run)
            source = LATIN_WORD if len(syllables) == 1 else LATIN_PART
            tokens.extend((s, source) for s in syllables)
    return tokens


def _word_at(tokens, i: int) -> Optional[Tuple[int, str]]:
    vocabulary = _vocabulary()
    for length in range(min(_MAX_SYLLABLES, len(tokens) - i), 0, -1):
        window = tokens[i:i + length]
        word = vocabulary.get(tuple(s for s, _ in window))
        if word is None:
            continue
        typed = [source for _, source in window if source in (LATIN_WORD, LATIN_PART)]
        # A single syllable stands for a word only when typed on its own: `tong` in `hetong`
        # (合同) is not 捅.
        if length == 1 and typed != [LATIN_WORD]:
            continue
        if typed or (length >= 2 and word not in SOUND_ALIKES and _shares_a_character(window, word)):
            return length, word
    return None


def _shares_a_character(window, word: str) -> bool:
    """A wrong character of the same sound is a typo of the word only if the worker got another
    character of it right (跳搂, 安眠要): 工资啥 (gong zi sha) spells 自杀 by sound, not by slip."""
    return any(source == char for (_, source), char in zip(window, word))


def respell(text: str) -> str:
    """The text with pinyin and sound-alike spellings of crisis words written in characters."""
    tokens, out, i = _tokens(text), [], 0
    while i < len(tokens):
        found = _word_at(tokens, i)
        if found:
            length, word = found
            out.append(word)
            i += length
        else:
            syllable, source = tokens[i]
            out.append(syllable if source in (LATIN_WORD, LATIN_PART) else source)
            i += 1
    return "".join(out)
