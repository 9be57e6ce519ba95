"""Facts and form of the full FAQ answers ("详细") in bot/faq/answers.yml.

The facts (bot/faq/required_facts.yml) are written from /work/shared/spec/faq.md (the must-have
facts and legal basis per topic), not from the answers: each entry is a substring the answer
must contain, or a list of alternative wordings of which at least one must occur. A wrong or
missing fact fails. The console checks the same file before it saves an admin's edit.
"""
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
FAQ_FILE = ROOT / "bot" / "faq" / "answers.yml"
FACTS_FILE = ROOT / "bot" / "faq" / "required_facts.yml"

TOPICS = [
    "wage_arrears", "overtime_pay", "working_hours", "minimum_wage", "labor_contract",
    "probation", "dismissal", "resignation", "social_insurance", "work_injury",
    "annual_leave", "maternity", "labor_arbitration", "legal_aid", "union_membership",
    "mutual_aid", "hardship_aid", "dispatch_work", "hotline_info", "skills_training",
    "worker_culture", "sick_leave", "leaving_certificate", "severance_calc", "platform_workers",
    "women_protection", "non_compete",
]

OFFER = "需要工会帮忙，回复“反映诉求”在这里登记，或拨打12351职工服务热线。"
MAX_BYTES = 2048  # WeChat passive text reply limit, UTF-8; strictly under
MAX_CHARS = 700   # spec: "at most about 600 characters"
FORBIDDEN = ["一定能", "保证", "肯定能拿回", "百分之百", "包赢", "稳赢"]
MARKDOWN = ["**", "##", "__", "```", "]("]


def _facts():
    with FACTS_FILE.open(encoding="utf-8") as fh:
        topics = yaml.safe_load(fh)["topics"]
    return {name: [tuple(f) if isinstance(f, list) else f for f in facts] for name, facts in topics.items()}


FACTS = _facts()

# (核实) facts must be phrased as guidance
GUIDANCE = {
    "minimum_wage": ("为准",),
    "maternity": ("一般", "为准"),
    "legal_aid": ("一般", "为准"),
    "sick_leave": ("为准",),
    "platform_workers": ("为准",),
    "non_compete": ("一般", "为准"),
}


def _load():
    with FAQ_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


ANSWERS = _load()
DETAILS = {name: body.get("detail") for name, body in (ANSWERS.get("topics") or {}).items()}


ALL_TOPICS = sorted(DETAILS)  # the spec's, and any an admin added in the console


def answer(topic):
    """The full answer as a worker reads it ({average} filled as the answer generator does)."""
    return DETAILS[topic].replace("{average}", "11761")


def test_the_27_topics_of_the_spec_and_facts_for_every_topic():
    """Admins may add topics in the console (bot/faq/new_topic.py); the spec's 27 always stay."""
    assert len(TOPICS) == 27 and set(TOPICS) <= set(FACTS) and set(TOPICS) <= set(DETAILS)
    assert set(FACTS) == set(DETAILS)


@pytest.mark.parametrize("topic", ALL_TOPICS)
def test_each_response_is_one_plain_text(topic):
    text = DETAILS[topic]
    assert isinstance(text, str) and text.strip() == text


@pytest.mark.parametrize("topic", ALL_TOPICS)
def test_must_have_facts(topic):
    text = answer(topic)
    missing = []
    for fact in FACTS[topic]:
        options = fact if isinstance(fact, tuple) else (fact,)
        if not any(o in text for o in options):
            missing.append(" | ".join(options))
    assert not missing, f"{topic} lacks: {missing}"


@pytest.mark.parametrize("topic", ALL_TOPICS)
def test_length_limits(topic):
    text = answer(topic)
    assert len(text.encode("utf-8")) < MAX_BYTES, topic
    assert len(text) <= MAX_CHARS, topic


@pytest.mark.parametrize("topic", ALL_TOPICS)
def test_ends_with_offer(topic):
    text = answer(topic)
    tail = text[-80:]
    assert "12351" in tail and "反映诉求" in tail, topic
    if topic != "hotline_info":
        assert text.endswith("\n" + OFFER), topic


@pytest.mark.parametrize("topic", ALL_TOPICS)
def test_has_next_step_before_offer(topic):
    text = answer(topic)
    assert "下一步" in text, topic
    assert text.index("下一步") < text.rindex("反映诉求"), topic


@pytest.mark.parametrize("topic", ALL_TOPICS)
def test_no_promises(topic):
    text = answer(topic)
    found = [p for p in FORBIDDEN if p in text]
    assert not found, f"{topic} promises: {found}"


@pytest.mark.parametrize("topic", ALL_TOPICS)
def test_no_markdown(topic):
    text = answer(topic)
    found = [m for m in MARKDOWN if m in text]
    assert not found, f"{topic} has markdown: {found}"
    for line in text.splitlines():
        assert not line.lstrip().startswith(("#", "- ", "* ", ">")), f"{topic}: {line!r}"


@pytest.mark.parametrize("topic", sorted(GUIDANCE))
def test_checked_facts_are_guidance(topic):
    text = answer(topic)
    for word in GUIDANCE[topic]:
        assert word in text, f"{topic}: (核实) fact not phrased as guidance ({word})"


def test_minimum_wage_key_fact_first():
    """The wage and the date it took effect (the first and third required facts, updated by an
    admin in the console each year) open the answer."""
    first_line = answer("minimum_wage").splitlines()[0]
    wage, _, since = FACTS["minimum_wage"][:3]
    assert wage in first_line and any(option in first_line for option in since)
    assert "以北京市人力资源和社会保障局最新公布为准" in answer("minimum_wage")[:200]


def test_key_facts_lead():
    """The key fact comes first, not the offer or the evidence list."""
    assert "150%" in answer("overtime_pay").splitlines()[1]
    assert "8小时" in answer("working_hours").splitlines()[0]
    assert "1个月" in answer("labor_contract").splitlines()[0]
    assert "98天" in answer("maternity").splitlines()[0]
    assert "12351" in answer("hotline_info").splitlines()[0]
    assert "乐工网" in answer("worker_culture").splitlines()[0]
