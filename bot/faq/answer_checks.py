"""What an FAQ answer text must satisfy before workers can read it.

The same rules the tests hold the shipped file to (tests/unit/test_faq_answers.py,
tests/unit/faq/test_answer_length.py), phrased for an admin editing one topic in the console:
each problem is a sentence in Chinese naming the text it concerns.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Sequence, Tuple, Union

import yaml

from bot.faq.answers import Answers, Topic
from bot.faq.compose import SCREEN

WECHAT_MAX_BYTES = 2048  # a passive text reply, UTF-8, strictly under
DETAIL_MAX_CHARS = 700   # spec faq.md: the full answer is at most about 600 characters
MARKDOWN = ("**", "##", "__", "```", "](")
PROMISES = ("一定能", "保证", "肯定能拿回", "百分之百", "包赢", "稳赢")
# The full rules end by offering the union's help, after a "下一步" (what to do next).
OFFER = "需要工会帮忙，回复“反映诉求”在这里登记，或拨打12351职工服务热线。"
OFFER_EXEMPT = {"hotline_info"}  # the hotline topic is itself the offer
LIST_MARKS = ("#", "- ", "* ", ">")
PLACEHOLDER = re.compile(r"\{[^}]*\}")
ALLOWED_PLACEHOLDERS = {"{average}"}
SAMPLE_AVERAGE_WAGE = 11761  # only for measuring a text's length with {average} filled in

Fact = Union[str, Tuple[str, ...]]


def facts_file(answers_file: Path) -> Path:
    return answers_file.with_name("required_facts.yml")


def parse_facts(data: object) -> Dict[str, List[Fact]]:
    topics = data.get("topics") if isinstance(data, dict) else None
    if not isinstance(topics, dict):
        raise ValueError("required facts: a mapping with `topics` is required")
    return {name: [tuple(f) if isinstance(f, list) else f for f in (facts or [])] for name, facts in topics.items()}


def load_facts(answers_file: Path) -> Dict[str, List[Fact]]:
    with facts_file(answers_file).open(encoding="utf-8") as handle:
        return parse_facts(yaml.safe_load(handle))


def fact_label(fact: Fact) -> str:
    return " | ".join(fact) if isinstance(fact, tuple) else fact


def parse_fact_lines(text: str) -> List[Fact]:
    """The console's facts box: one fact per line, alternatives separated by "|"."""
    facts: List[Fact] = []
    for line in text.splitlines():
        options = tuple(o.strip() for o in line.split("|") if o.strip())
        if options:
            facts.append(options[0] if len(options) == 1 else options)
    return facts


def missing_facts(detail: str, facts: Sequence[Fact]) -> List[Fact]:
    text = _filled(detail)
    return [fact for fact in facts if not any(o in text for o in (fact if isinstance(fact, tuple) else (fact,)))]


def topic_problems(answers: Answers, topic: Topic, facts: Sequence[Fact]) -> List[str]:
    """Every rule one topic's texts break, empty when the topic may be saved."""
    problems: List[str] = []
    for label, text in _texts(topic):
        problems += _form_problems(label, text)
    for label, text in _first_replies(topic):
        whole = "\n".join([answers.acknowledgement, _filled(text), answers.tail])
        if len(whole) > SCREEN:
            problems.append(f"{label}：加上安慰语和结尾提示共{len(whole)}字，超过一屏（{SCREEN}字），请再精简。")
    detail = _filled(topic.detail)
    if len(detail.encode("utf-8")) >= WECHAT_MAX_BYTES:
        problems.append(f"详细规定：{len(detail.encode('utf-8'))}字节，超过微信文本消息上限（{WECHAT_MAX_BYTES}字节）。")
    if len(detail) > DETAIL_MAX_CHARS:
        problems.append(f"详细规定：{len(detail)}字，超过{DETAIL_MAX_CHARS}字。")
    problems += _detail_form(topic.name, detail)
    for fact in missing_facts(topic.detail, facts):
        problems.append(f"详细规定缺少必备内容：{fact_label(fact)}（如确需更新，请同时修改“必备内容”并写明原因）。")
    return problems


def _detail_form(name: str, detail: str) -> List[str]:
    problems = []
    if name not in OFFER_EXEMPT and not detail.endswith("\n" + OFFER):
        problems.append(f"详细规定：最后一行须是“{OFFER}”")
    if "下一步" not in detail or ("反映诉求" in detail and detail.index("下一步") > detail.rindex("反映诉求")):
        problems.append("详细规定：请在结尾的求助提示之前写明“下一步”怎么做。")
    lists = [line for line in detail.splitlines() if line.lstrip().startswith(LIST_MARKS)]
    if lists:
        problems.append(f"详细规定：微信里不显示列表或标题符号，请改写这一行：{lists[0][:20]}")
    return problems


def _texts(topic: Topic):
    yield "简短回答", topic.short
    for sub in topic.subs:
        yield f"细分问题“{sub.key}”", sub.text
    yield "详细规定", topic.detail


def _first_replies(topic: Topic):
    yield "简短回答", topic.short
    for sub in topic.subs:
        yield f"细分问题“{sub.key}”", sub.text


def _form_problems(label: str, text: str) -> List[str]:
    problems = []
    marks = [m for m in MARKDOWN if m in text]
    if marks:
        problems.append(f"{label}：微信不显示Markdown格式，请删去 {' '.join(marks)}。")
    promises = [p for p in PROMISES if p in text]
    if promises:
        problems.append(f"{label}：不能向职工作出承诺（{'、'.join(promises)}）。")
    unknown = sorted(set(PLACEHOLDER.findall(text)) - ALLOWED_PLACEHOLDERS)
    if unknown:
        problems.append(f"{label}：只能使用占位符 {{average}}，不认识 {' '.join(unknown)}。")
    return problems


def _filled(text: str) -> str:
    return text.replace("{average}", str(SAMPLE_AVERAGE_WAGE))
