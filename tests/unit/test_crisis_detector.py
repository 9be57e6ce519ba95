"""The crisis detector, family by family and guard by guard (no Rasa, no Redis)."""
import pytest

from bot.nlu.crisis import detect
from bot.nlu.crisis.pinyin_view import respell, split_syllables
from bot.nlu.crisis.views import compact
from bot.nlu.crisis_terms import crisis_terms_in
from tests.unit.crisis_dev_cases import CRISIS, HARD_NEGATIVES, MORE_CRISIS, MORE_HARD_NEGATIVES

DEV_CRISIS = [(family, text) for family, texts in CRISIS.items() for text in texts]


@pytest.mark.parametrize("family, text", DEV_CRISIS)
def test_each_family_is_recognised_and_named(family, text):
    finding = detect(text, learned=False)  # the rules themselves: the learned reader trains on these
    assert finding.is_crisis, text
    assert family in finding.families, finding.explain()


@pytest.mark.parametrize("text", MORE_CRISIS)
def test_further_indirect_wordings_are_crises(text):
    assert detect(text, learned=False).is_crisis, text


@pytest.mark.parametrize("text", HARD_NEGATIVES + MORE_HARD_NEGATIVES)
def test_hard_negatives_raise_no_alarm(text):
    finding = detect(text)
    assert not finding.is_crisis, finding.explain()


# --- layer 1 and 2: explicit words and composed patterns ---------------------------------
@pytest.mark.parametrize("text, family, evidence", [
    ("包工头欠我七千块 孩子才俩月 我只有死路一条了", "self_harm", "死路"),
    ("活着没意思 欠的钱也要不回来", "self_harm", "活着没意思"),
    ("大家都不想活了 准备一起去找老板拼命", "self_harm", "不想活"),
    ("下矿的工人有两个没上来 联系不上", "accident", "矿的工人有两个没上来"),
    ("欠了三个月 不如死了算了", "self_harm", "不如死"),
    ("安眠药买好了 就等今晚", "self_harm", "安眠药买"),
    ("快来人 工友人不动了", "medical", "人不动了"),
    ("明天带汽油去公司", "violence", "带汽油"),
])
def test_the_issue_examples_name_family_and_evidence(text, family, evidence):
    finding = detect(text)
    assert finding.is_crisis
    assert family in finding.families
    assert any(evidence in e or e in evidence for e in finding.evidence), finding.explain()


def test_violence_needs_a_target_and_a_drastic_act():
    assert detect("找老板拼命去").family == "violence"
    assert not detect("为了养家拼命干活").is_crisis
    assert not detect("老板把加班费砍了一半").is_crisis


def test_confinement_needs_people_held_not_an_unapproved_resignation():
    assert detect("他们把我们锁在宿舍里 不让出去").family == "confinement"
    assert detect("手机被收了 门口有保安看着").family == "confinement"
    assert not detect("领导不批我辞职 不让走怎么办").is_crisis
    assert not detect("公司扣了我的身份证 不让我辞职 合法吗").is_crisis


def test_a_group_needs_a_drastic_act():
    assert detect("明天我们四十多个工友一起去堵项目部大门").family == "group_action"
    assert not detect("我们几十个人的工资都没发 想集体去仲裁").is_crisis


def test_a_missing_person_is_not_a_missing_employer():
    assert detect("我老公在工地干活 两天了联系不上 电话关机").family == "accident"
    assert not detect("包工头跑了 联系不上 电话关机").is_crisis
    assert not detect("我们工友都联系不上老板了").is_crisis


# --- layer 3: guards ------------------------------------------------------------------
@pytest.mark.parametrize("text", ["累死了", "气死我了", "笑死", "饿死了", "热死了", "烦死了 社保还没交", "老板死活不给钱",
                                  "往死里加班", "拼命干了三年", "这是我的救命钱", "血汗钱要不回来", "想死你们了"])
def test_intensifiers_are_not_death(text):
    assert not detect(text).is_crisis


@pytest.mark.parametrize("text", ["工亡待遇有哪些", "工伤死亡赔偿金怎么算", "丧葬补助金是多少", "员工自杀能认定为工伤吗",
                                  "去年同事跳楼那件事之后 公司做了心理疏导", "如果在工地上触电了算不算工伤",
                                  "新闻里那个讨薪爬塔吊的大哥后来怎么样了"])
def test_legal_past_and_reported_framing_is_a_topic_not_a_crisis(text):
    finding = detect(text)
    assert not finding.is_crisis, finding.explain()


def test_framing_never_excuses_a_stated_intention_or_a_means_in_hand():
    assert detect("我想自杀 自杀算工伤吗").is_crisis
    assert detect("安眠药我攒了两瓶了 算工伤吗").is_crisis
    assert detect("如果再不给钱 我就带着汽油去他家").is_crisis
    assert detect("工友去年摔伤过 今天刚刚又从架子上掉下来了 人不动了").is_crisis


def test_an_excused_signal_is_explained():
    finding = detect("去年在厂里晕倒过一次 能申请调岗吗")
    assert not finding.is_crisis and finding.excused
    assert "excused" in finding.explain()


# --- layer 4: forms of writing -------------------------------------------------------------
@pytest.mark.parametrize("text", ["工友說要跳樓", "ｔｉａｏ ｌｏｕ", "跳 楼", "跳.楼", "跳\u200b楼", "不 想 活 了", "tiào lóu",
                                  "wo bu xiang huo le", "buxianghuole", "我想zs", "跳搂", "安眠要买好了", "包公头不给钱 我去找他拼名"])
def test_traditional_fullwidth_spaced_pinyin_and_homophones(text):
    assert detect(text).is_crisis, text


def test_sound_alikes_of_everyday_words_are_not_respelled():
    assert respell("公司给我庆生") == "公司给我庆生"
    assert respell("我寻思着去仲裁") == "我寻思着去仲裁"
    assert not detect("我在找活 工地不要人").is_crisis
    assert not detect("老板出点血行不行").is_crisis


def test_pinyin_runs_split_into_syllables():
    assert split_syllables("buxianghuole") == ["bu", "xiang", "huo", "le"]
    assert compact("跳 楼！！") == "跳楼"


def test_empty_and_the_old_entry_point():
    assert not detect("").is_crisis and not detect(None).is_crisis and not detect("   ").is_crisis
    assert "跳楼" in crisis_terms_in("工友说要跳楼")
    assert crisis_terms_in("加班工资怎么算") == []


@pytest.mark.parametrize("text", ["人" * 3000, "我被他" * 1000, "a" * 4000, "老板" * 1500, "跳 " * 1500])
def test_long_and_repetitive_messages_take_bounded_time(text):
    import time

    detect("warm up")
    started = time.perf_counter()
    detect(text)
    assert time.perf_counter() - started < 3.0, "the rules must not backtrack on long messages"


def test_a_crisis_at_the_end_of_a_long_story_is_found():
    story = "师傅你好我是河南的在通州一个工地干木工从三月份干到十月份说好的一天三百五到现在就给了生活费" * 8
    assert detect(story + " 我真的不想活了").is_crisis
    assert not detect(story).is_crisis
