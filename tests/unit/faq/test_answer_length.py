"""Every first reply fits one phone screen: at most 150 characters, the acknowledgement for a
worker in distress included; the full rules ("详细") stay under WeChat's 2048 bytes."""
import itertools

import pytest

from bot.faq.answers import load_answers
from bot.faq.compose import Question, compose
from bot.faq.figures import read_figures

ANSWERS = load_answers()
LIMIT = 150
DISTRESS = "我真的走投无路了"
FIGURE_MESSAGES = [
    "干了5年 月薪8000", "违法辞退 干了十二年零五个月 月薪十二万", "月薪五万 干了二十年", "干了五年半",
    "月薪八千", "平时加班20小时 周末加了两天班 国庆上了三天班 工资12345", "加班30个小时", "工作十二年了",
    "工作半年", "去年15天年假没休 月薪23456", "年假没休 月薪6000", "违法辞退 月薪1.2万",
]


def first_replies():
    """(label, reply) for every short answer, every sub-question and every calculator branch."""
    for name, topic in ANSWERS.topics.items():
        yield f"{name}/short", Question(name, "")
        for sub in topic.subs:
            # a message that hits exactly this sub's cues: the cue pattern's first alternative
            yield f"{name}/{sub.key}", Question(name, sub.cues.pattern.split("|")[0].replace("\\", ""))
        if topic.calc:
            for text in FIGURE_MESSAGES:
                yield f"{name}/calc:{text}", Question(name, text, "figures", read_figures(text))


CASES = list(first_replies())


@pytest.mark.parametrize("label, question", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("distressed", [False, True])
def test_first_reply_within_one_screen(label, question, distressed):
    if distressed:
        question = Question(question.topic, question.text + DISTRESS, question.follow_up, question.figures)
    text = compose(ANSWERS, question, 11761).text
    assert len(text) <= LIMIT, f"{label}: {len(text)} characters\n{text}"
    assert text.endswith(ANSWERS.tail)
    assert (ANSWERS.acknowledgement in text) == distressed


@pytest.mark.parametrize("name", sorted(ANSWERS.topics))
def test_written_texts_fit_whole(name):
    """compose() drops what-to-do lines past one screen; the texts as written never need it,
    with the acknowledgement in front."""
    topic = ANSWERS.topics[name]
    for text in [topic.short, *(s.text for s in topic.subs)]:
        whole = "\n".join([ANSWERS.acknowledgement, text.replace("{average}", "11761"), ANSWERS.tail])
        assert len(whole) <= LIMIT, f"{name}: {len(whole)}\n{whole}"


def test_the_cases_cover_every_sub_and_calculator():
    subs = sum(len(t.subs) for t in ANSWERS.topics.values())
    calcs = sum(1 for t in ANSWERS.topics.values() if t.calc) * len(FIGURE_MESSAGES)
    assert len(CASES) == len(ANSWERS.topics) + subs + calcs and subs >= 60


@pytest.mark.parametrize("name", sorted(ANSWERS.topics))
def test_detail_fits_one_wechat_message(name):
    text = compose(ANSWERS, Question(name, "详细", "detail"), 11761).text
    assert len(text.encode("utf-8")) < 2048 and "{" not in text


def test_every_sub_is_reachable_by_its_own_cue():
    """A sub listed after a broader one could never answer; each wins on its first cue."""
    from bot.faq.compose import choose_sub
    for name, topic in ANSWERS.topics.items():
        for sub in topic.subs:
            cue = sub.cues.pattern.split("|")[0].replace("\\", "")
            assert choose_sub(topic, cue) is sub, f"{name}/{sub.key}: {cue!r} goes elsewhere"


def test_lengths_span():
    lengths = [len(compose(ANSWERS, q, 11761).text) for _, q in CASES]
    assert max(lengths) <= LIMIT and min(lengths) > 40
    assert not any(a == b for a, b in itertools.combinations([ANSWERS.tail, ANSWERS.acknowledgement], 2))
