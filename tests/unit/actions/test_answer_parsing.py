import pytest

from actions.answer_parsing import score_in, chinese_number, headcount, looks_like_question, mobile_number
from actions.conversation_signals import faq_topic, is_angry, last_faq_topic, sustained_anger


@pytest.mark.parametrize("text, number", [("138 1234 5678", "13812345678"), ("电话：139-0000-1111", "13900001111"),
                                          ("12345", None), ("010-12351", None), ("23812345678", None)])
def test_mobile_number(text, number):
    assert mobile_number(text) == number


@pytest.mark.parametrize("text, count", [("就我一个", 1), ("我们车队12个人", 12), ("三十多个", 30), ("两百来号人", 200),
                                         ("十五", 15), ("不知道", None), ("３０人", 30)])
def test_headcount(text, count):
    assert headcount(text) == count


def test_chinese_number():
    assert (chinese_number("三十"), chinese_number("一百零五"), chinese_number("两万")) == (30, 105, 20000)


@pytest.mark.parametrize("text, asks", [("仲裁要钱吗", True), ("加班费怎么算？", True), ("拖欠工资", False), ("顺达物流公司", False)])
def test_questions_are_not_answers(text, asks):
    assert looks_like_question(text) is asks


@pytest.mark.parametrize("text, score", [("5分", 5), ("给你们打4", 4), ("很满意", 5), ("不满意", 2), ("一般般吧", 3),
                                         ("10分", None), ("还没解决呢", None)])
def test_satisfaction_score(text, score):
    assert score_in(text) == score


def user(text, intent="faq", topic=None, confidence=0.9):
    selector = {"faq": {"response": {"intent_response_key": f"faq/{topic}", "confidence": confidence}}} if topic else {}
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}, "response_selector": selector}}


def test_anger_must_be_sustained():
    calm, angry = user("加班费怎么算"), user("气死了老板不给钱😡")
    assert is_angry(angry["text"]) and not is_angry(calm["text"])
    assert sustained_anger([angry, angry, angry])
    assert not sustained_anger([angry, calm, angry])
    assert not sustained_anger([angry, angry])


def test_topic_of_the_conversation():
    events = [user("欠薪", topic="wage_arrears"), user("好的", intent="affirm")]
    assert last_faq_topic(events) == "wage_arrears"
    assert faq_topic(user("x", topic="work_injury", confidence=0.2)["parse_data"]) is None


def test_whole_message_comes_from_the_channels_metadata_for_the_latest_message_only():
    from actions.conversation_signals import whole_message
    capped, whole = "头 …… 尾", "头" + "中" * 3000 + "尾"
    events = [{"event": "user", "text": "早先的话", "metadata": {}},
              {"event": "user", "text": capped, "metadata": {"wechat": {"kind": "text", "full_text": whole}}}]
    assert whole_message(events, capped) == whole
    assert whole_message(events, "别的答案") == "别的答案"
    assert whole_message(events[:1], "早先的话") == "早先的话" and whole_message([], None) == ""
