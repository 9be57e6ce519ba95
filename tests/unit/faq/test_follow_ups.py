"""Follow-ups keep the conversation's topic: "详细", "那违法吗", "要多少钱", a figure on its own."""
import pytest

from bot.faq.answers import load_answers
from bot.faq.compose import compose, first_sentence
from bot.faq.context import Turn, question_of
from bot.faq.follow_up import DETAIL, FIGURES, LEGALITY, MONEY, follow_up_kind

ANSWERS = load_answers()


def faq(text, topic):
    return Turn(text, "faq", topic)


def answer(turns, selected="wage_arrears"):
    """The reply to the last turn; `selected` is whatever topic the ResponseSelector guessed for
    it (for a follow-up, a meaningless one)."""
    return compose(ANSWERS, question_of(turns, selected), 11761).text


@pytest.mark.parametrize("text, kind", [
    ("详细", DETAIL), ("详细说说", DETAIL), ("看详细", DETAIL), ("法律依据是什么", DETAIL), ("具体点", DETAIL),
    ("那违法吗", LEGALITY), ("这合法吗？", LEGALITY), ("算不算违法", LEGALITY),
    ("要多少钱", MONEY), ("能赔多少", MONEY), ("帮我算算", MONEY),
    ("月薪八千", FIGURES), ("8000", FIGURES), ("五年半", FIGURES), ("1.2万", FIGURES), ("干了5年", FIGURES),
])
def test_follow_up_kinds(text, kind):
    assert follow_up_kind(text) == kind


@pytest.mark.parametrize("text", ["1", "2", "5", "886", "12351", "13812345678", "GH202611260007", "你好",
                                  "试用期多长", "被辞退赔多少", "详细地址在朝阳区", "这个月工资还没发 合法吗"])
def test_real_questions_and_other_replies_are_not_follow_ups(text):
    assert follow_up_kind(text) is None


def test_detail_after_a_short_answer_gives_the_full_rules_of_that_topic():
    turns = [faq("试用期工资打八折合法吗", "probation"), faq("详细", "hardship_aid")]
    text = answer(turns)
    assert "《劳动合同法》第19条" in text and "第20条" in text and text == ANSWERS.topics["probation"].detail


def test_detail_survives_a_thank_you_in_between():
    turns = [faq("病假扣全月工资", "sick_leave"), Turn("谢谢", "thank", None), faq("详细", "wage_arrears")]
    assert "医疗期" in answer(turns) and "第3条" in answer(turns)


def test_legality_follow_up_answers_the_topic_legality():
    turns = [faq("周六加班怎么算钱", "overtime_pay"), faq("那不给钱违法吗", "working_hours")]
    assert follow_up_kind("那不给钱违法吗") is None  # a full question: classified as usual
    turns = [faq("周六加班怎么算钱", "overtime_pay"), faq("那违法吗", "working_hours")]
    assert first_sentence(answer(turns)).startswith("不合法，加班就要给加班费")


def test_money_follow_up_uses_figures_given_earlier():
    turns = [faq("干了5年 月薪8000 公司把我辞退了", "dismissal"), faq("要多少钱", "minimum_wage")]
    assert answer(turns).startswith("估算：经济补偿N约4万元")


def test_the_missing_figure_asked_for_then_given():
    first = [faq("干了五年半被辞退了 能拿多少", "severance_calc")]
    assert "月薪多少" in answer(first, "severance_calc")
    second = first + [faq("月薪八千", "minimum_wage")]
    assert answer(second).startswith("估算：经济补偿N约4.8万元（8000元×6个月）")


def test_a_new_question_on_another_topic_does_not_borrow_figures():
    turns = [faq("干了5年 月薪8000 被辞退", "dismissal"), faq("年假几天", "annual_leave")]
    assert "工作了几年" in answer(turns, "annual_leave")


def test_a_follow_up_with_nothing_before_asks_what_it_is_about():
    assert answer([faq("详细", "wage_arrears")]) == ANSWERS.no_topic


def test_the_topic_is_forgotten_after_a_while():
    turns = [faq("试用期多长", "probation")] + [Turn("你好", "greet", None)] * 6 + [faq("详细", "hotline_info")]
    assert answer(turns) == ANSWERS.no_topic
