import pytest

from bot.nlu.crisis_terms import crisis_terms_in


@pytest.mark.parametrize(
    "text, term",
    [
        ("我不想活了 被开除了钱也要不回来", "不想活"),
        ("工友說要跳樓", "跳楼"),  # traditional characters
        ("要工钱的时候包工头拿刀砍人", "拿刀"),
        ("明天我们几十个人去公司堵门", "堵门"),
        ("工地塌方了有人被埋", "塌方"),
    ],
)
def test_crisis_terms_are_found(text, term):
    assert term in crisis_terms_in(text)


@pytest.mark.parametrize(
    "text",
    ["领导不批我辞职 不让走怎么办", "加班工资怎么算", "受伤了怎么认定工伤", "我要投诉老板欠薪", ""],
)
def test_ordinary_messages_are_not_crises(text):
    assert crisis_terms_in(text) == []
