"""A worker taking back an alarming remark raises no new alarm; an insistence, a turn back to
danger or the means at hand still does. Written for these tests, not taken from any crisis set
or from the learned reader's examples."""
import pytest

from bot.nlu.crisis import detect, framing
from bot.nlu.crisis.retraction import retraction

TAKEN_BACK = [
    "刚才我说活不下去了那是气话 你们别担心 就想问问工资咋要",
    "上一条别当回事 发泄一下而已 现在心情平复了",
    "前面说要揍那个监工的话我收回 还是按程序来",
    "之前讲要从脚手架上跳下去是吓唬工头的 我没那想法",
    "放心吧 我不会做傻事的 刚才就是太委屈了",
    "昨晚喝多了说要一把火烧了他厂子 酒醒了 不算数",
    "刚刚说工友从架子上摔下来 他自己爬起来了 没什么大碍",
    "那句不想活了是我打错字了 本来想打不想干了",
    "刚才那条消息是我儿子拿我手机乱发的 没有人要跳楼",
    "俺刚说的死啊活的都是气话 莫当真",
]
STILL_A_CRISIS = [
    "刚才不是气话 我真的不想活了",          # the withdrawal denied
    "我没开玩笑 药我已经买好了",              # an insistence with the means
    "刚才说的是气话 但是我真的撑不下去了 今晚就走",  # turning back after it
    "之前说想死是开玩笑 其实安眠药已经吃了",     # the act done
    "我没事 刚才那条就当遗书吧 帮我转给我妈",      # a farewell is not withdrawn
    "刚才说要去砍他是气话？不是 我现在就在他家楼下 刀在手里",
    # Words that withdraw a remark in one sentence tell of danger in another.
    "昨天老板吓唬我们 说再闹就把我们关起来 现在门都锁了 出不去",
    "之前身份证被收回了 现在不让我们走 门口有人看着",
    "之前工资挺好的 现在老板把我们锁在厂里不让出去",
    "我没事 工友还在井下 联系不上",
    "刚才说错了 不是一个人被埋 是三个人被埋了",
]


@pytest.mark.parametrize("text", TAKEN_BACK)
def test_a_take_back_raises_no_new_alarm(text):
    finding = detect(text)
    assert not finding.is_crisis, finding.explain()
    assert retraction(text) or framing(text)


@pytest.mark.parametrize("text", STILL_A_CRISIS)
def test_an_insistence_or_a_turn_back_still_alarms(text):
    assert detect(text).is_crisis, text


# Frames that were too loose: words that only look like a hypothesis or a past story.
@pytest.mark.parametrize("text", [
    "工友中暑倒在地上 话都说不出来 脸煞白",            # 都说 is no hearsay
    "包工头一直躲着 过年前再不给 我们就一起从他楼顶跳下去",  # 过年前 is ahead, not years ago
])
def test_loose_frames_no_longer_excuse(text):
    assert detect(text).is_crisis, detect(text).explain()


@pytest.mark.parametrize("text", [
    "周末加班要是不给钱 咱们去劳动监察大队问问",
    "以前听说过有人在工地被关起来 现在还有这种事吗",
    "这破班上得我想死 周末还得来开会",
    "我们商量好了 不闹事 就按正规程序去仲裁",
])
def test_hard_negatives_stay_calm(text):
    assert not detect(text).is_crisis, detect(text).explain()
