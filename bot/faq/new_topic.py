"""A new FAQ topic added by an admin: its answer, its required facts, its training examples and
the domain's safety-net response, each written where training and Rasa already look.

- `bot/faq/answers.yml` (the answers file): the topic with its label, short answer and full
  rules, checked as any edited answer is (bot/faq/answer_checks.py);
- `required_facts.yml` beside it: the facts the full rules must keep;
- `nlu_data/nlu/admin_topics.yml`: the examples as the retrieval intent `faq/<name>`, at least
  MIN_EXAMPLES distinct ones, none already a training example or in any held-out set;
- `bot/domain/faq_admin_topics.yml`: `utter_faq/<name>`, the fact-free safety net every topic
  has (the ResponseSelector also needs a response per retrieval intent to train).

The topic is understood after the next training (the console's 训练 page); until then the NLU
never predicts it, so nothing changes for workers. Blocking file I/O: run in a thread.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import yaml

from bot.atomic_files import write_atomically
from bot.capture.export import known_texts
from bot.capture.grouping import folded
from bot.faq import answer_file
from bot.faq.answer_checks import Fact, facts_file, topic_problems
from bot.faq.answer_file import AnswerProblems
from bot.faq.answers import AnswersError, parse_answers

NAME = re.compile(r"[a-z][a-z0-9_]{2,39}")
LABEL = re.compile(r"[^\d\s]{2,20}")  # the safety net may carry no figures but the hotline's
RESERVED = {"new"}  # /admin/answers/new is the form itself
MIN_EXAMPLES = 20
EXAMPLE_MAX = 200
NLU_FILE = Path("nlu_data") / "nlu" / "admin_topics.yml"
DOMAIN_FILE = Path("bot") / "domain" / "faq_admin_topics.yml"
SAFETY_NET = ("关于“{label}”的解答暂时调不出来，请拨打12351职工服务热线（北京以外请拨010-12351）咨询。\n"
              "需要工会帮忙，回复“反映诉求”在这里登记，或拨打12351职工服务热线。")
NLU_HEADER = ("# FAQ topics added by admins in the console (bot/faq/new_topic.py): the examples of each\n"
              "# new retrieval intent faq/<topic>. Its answer is in bot/faq/answers.yml.\n")
DOMAIN_HEADER = ("# Safety-net responses of FAQ topics added by admins in the console (bot/faq/new_topic.py);\n"
                 "# fact-free like bot/domain/faq.yml, the answers themselves are in bot/faq/answers.yml.\n")


@dataclass(frozen=True)
class NewTopic:
    name: str
    label: str
    short: str
    detail: str
    facts: Tuple[Fact, ...]
    examples: Tuple[str, ...]


def example_lines(text: str) -> List[str]:
    """The form's examples box: one per line, list markers and blank lines dropped."""
    lines = [re.sub(r"^\s*(?:[-*•]|\d+[.、)])\s*", "", line).strip() for line in text.splitlines()]
    return [line for line in lines if line]


def add_topic(answers_file: Path, root: Path, topic: NewTopic) -> None:
    """Check everything first (AnswerProblems lists each problem), then write the four files."""
    answers = answer_file.load_round_trip(answers_file)
    facts = answer_file.load_round_trip(facts_file(answers_file))
    problems = _name_problems(topic, answers["topics"]) + _example_problems(topic.examples, root)
    body = {"label": topic.label, "short": answer_file.block_text(topic.short),
            "detail": answer_file.block_text(topic.detail)}
    answers["topics"][topic.name] = body
    facts["topics"][topic.name] = [list(f) if isinstance(f, tuple) else f for f in topic.facts]
    answers_yaml, facts_yaml = answer_file.dump_round_trip(answers), answer_file.dump_round_trip(facts)
    if not problems:
        try:
            parsed = parse_answers(yaml.safe_load(answers_yaml))
            problems = topic_problems(parsed, parsed.topics[topic.name], topic.facts)
        except AnswersError as error:
            problems = [f"回答不完整：{error}"]
    if problems:
        raise AnswerProblems(problems)
    write_atomically(root / NLU_FILE, _nlu_yaml(root / NLU_FILE, topic))
    write_atomically(root / DOMAIN_FILE, _domain_yaml(root / DOMAIN_FILE, topic))
    write_atomically(facts_file(answers_file), facts_yaml)
    write_atomically(answers_file, answers_yaml)


def _name_problems(topic: NewTopic, existing) -> List[str]:
    problems = []
    if not NAME.fullmatch(topic.name) or topic.name in RESERVED:
        problems.append("主题代码：3到40个小写英文字母、数字或下划线，以字母开头（如 heat_allowance）。")
    elif topic.name in existing:
        problems.append(f"主题代码“{topic.name}”已经存在，请直接编辑它的回答。")
    if not LABEL.fullmatch(topic.label):
        problems.append("主题名称：2到20个字，不含数字和空格（职工在“您是想问…吗”里会看到它）。")
    if not topic.short or not topic.detail:
        problems.append("简短回答和详细规定都不能为空。")
    return problems


def _example_problems(examples: Sequence[str], root: Path) -> List[str]:
    problems = []
    too_long = [e for e in examples if len(e) > EXAMPLE_MAX]
    if too_long:
        problems.append(f"例句不能超过{EXAMPLE_MAX}字：{too_long[0][:20]}…")
    distinct = {folded(e) for e in examples if folded(e)}
    if len(distinct) < MIN_EXAMPLES:
        problems.append(f"至少需要{MIN_EXAMPLES}条不同的例句（职工会怎么问），现在有{len(distinct)}条。")
    trained, heldout = known_texts(root)
    clashes = [e for e in examples if folded(e) in trained]
    if clashes:
        problems.append(f"这些例句已经是其他主题的训练数据，请换个说法或删去：{'；'.join(clashes[:5])}")
    held = [e for e in examples if folded(e) in heldout]
    if held:
        problems.append(f"这些例句在留出测试集里，不能用于训练：{'；'.join(held[:5])}")
    return problems


def _nlu_yaml(path: Path, topic: NewTopic) -> str:
    blocks: Dict[str, List[str]] = {}
    if path.exists():
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            blocks[block["intent"]] = [line.strip()[2:] for line in block["examples"].splitlines()
                                       if line.strip().startswith("- ")]
    seen, examples = set(), []
    for example in topic.examples:
        key = folded(example)
        if key and key not in seen:
            seen.add(key)
            examples.append(_plain_example(example))
    blocks[f"faq/{topic.name}"] = examples
    lines = [NLU_HEADER, 'version: "3.1"\n', "nlu:\n"]
    for intent, items in blocks.items():
        lines.append(f"- intent: {intent}\n  examples: |\n")
        lines += [f"    - {item}\n" for item in items]
    return "".join(lines)


def _plain_example(text: str) -> str:
    # Brackets would read as entity markup in Rasa's example syntax.
    return text.replace("[", "［").replace("]", "］").replace("\t", " ")


def _domain_yaml(path: Path, topic: NewTopic) -> str:
    responses = {}
    if path.exists():
        responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
    responses[f"utter_faq/{topic.name}"] = [{"text": SAFETY_NET.format(label=topic.label)}]
    body = yaml.safe_dump({"version": "3.1", "responses": responses}, allow_unicode=True, sort_keys=False, width=4096)
    return DOMAIN_HEADER + body
