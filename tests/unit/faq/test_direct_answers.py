"""The first sentence answers the question asked (能/不能, 合法/不合法, 几天, 多少钱).

Each case: the topic the NLU gives (its accuracy is gated separately, tests/test_nlu_heldout.py),
a question as a worker writes it, and words of which one must be in the reply's first sentence.
"""
import pytest

from bot.faq.answers import load_answers
from bot.faq.compose import Question, compose, first_sentence
from bot.faq.figures import read_figures
from bot.faq.follow_up import follow_up_kind

ANSWERS = load_answers()
AVERAGE = 11761

CASES = [
    # probation: length / pay / dismissal
    ("probation", "签了三年合同 试用期能定几个月", ("6个月",)),
    # a one-year contract is "1年以上不满3年" (以上 includes the number): at most 2 months
    ("probation", "一年的合同试用期三个月 这不超了吗", ("不合法",)),
    ("probation", "签了五年的合同 试用期三个月 合法吗", ("没超",)),
    ("probation", "试用期工资只给八折 行不行", ("80%",)),
    ("probation", "试用期工资能比最低工资还低吗", ("80%", "最低工资")),
    ("probation", "试用期被辞退了 让我走人，能要赔偿吗", ("能要赔偿金",)),
    ("probation", "试用期说我不合格就开除了", ("违法辞退",)),
    ("probation", "续签合同又让我重新试用三个月", ("只能约定一次", "最长")),
    # maternity: days / dismissal / pressure / allowance
    ("maternity", "北京产假一共多少天", ("158天",)),
    ("maternity", "老婆怀孕 公司让她主动辞职", ("别签",)),
    ("maternity", "怀孕了公司要辞退我", ("不能辞退",)),
    ("maternity", "生育津贴是怎么算的", ("生育津贴",)),
    ("maternity", "怀孕以后工资被降了一半", ("不能",)),
    ("maternity", "哺乳期每天有喂奶时间吗", ("1小时",)),
    ("maternity", "怀孕八个月了还让上夜班", ("不能安排加班和夜班",)),
    # resignation: notice / certificate / final pay / leaving at once
    ("resignation", "辞职要提前几天说", ("30天",)),
    ("resignation", "领导不批我的辞职", ("不用单位批准",)),
    ("resignation", "辞职了不给开离职证明", ("必须出具离职证明",)),
    ("resignation", "辞职后最后一个月工资不给结", ("一次付清",)),
    ("resignation", "公司三个月没发工资了 我能直接走吗", ("马上走",)),
    ("resignation", "自己辞职有没有补偿", ("一般没有经济补偿",)),
    # overtime: legality / rates / time off
    ("overtime_pay", "加班周六也不给钱，合法吗", ("不合法",)),
    ("overtime_pay", "国庆加班给几倍工资", ("300%",)),
    ("overtime_pay", "周末加班给调休了还给钱吗", ("补休",)),
    ("overtime_pay", "平时加班20小时 月薪6000", ("约1034元",)),
    ("overtime_pay", "月薪八千 周六加了两天班 能拿多少加班费", ("约1471元",)),
    ("overtime_pay", "我们加班从来没有加班费 正常吗", ("不合法",)),
    # annual leave: days / untaken pay
    ("annual_leave", "工作12年了年假几天", ("10天",)),
    ("annual_leave", "年假有几天 工作五年了", ("5天",)),
    ("annual_leave", "干了二十二年 年假多少天", ("15天",)),
    ("annual_leave", "年假没休能补钱吗", ("300%",)),
    ("annual_leave", "去年5天年假没休 月薪6000 能补多少", ("约2759元",)),
    # work injury: what counts / who applies and when / first steps
    ("work_injury", "上班路上被车撞了算工伤吗", ("一般算工伤",)),
    ("work_injury", "单位不给报工伤 我自己能申请吗", ("1年内",)),
    ("work_injury", "在车间把手砸了 现在该怎么办", ("先治疗",)),
    ("work_injury", "公司没交工伤保险 还能认定吗", ("照样可以申请",)),
    # dismissal and severance
    ("dismissal", "公司无故辞退我合法吗", ("违法",)),
    ("dismissal", "干了5年 月薪8000 被辞退能拿多少", ("约4万元",)),
    ("dismissal", "公司让我签自愿离职 签不签", ("别签",)),
    ("dismissal", "被辞退了能赔多少", ("每满1年给1个月工资",)),
    ("dismissal", "干了三年被辞退了", ("3个月工资",)),
    ("severance_calc", "干了5年月薪8000能赔多少", ("约4万元",)),
    ("severance_calc", "违法辞退 干了两年 月薪一万 赔多少", ("约4万元", "2N")),
    ("severance_calc", "月薪五万 干了二十年 补偿封顶是多少", ("约42.33万元",)),
    ("severance_calc", "N+1是什么意思", ("代通知金",)),
    ("severance_calc", "补偿按基本工资还是全部工资算", ("平均应得工资",)),
    ("severance_calc", "干了一年半 月薪1.2万 补偿多少", ("约2.4万元",)),
    # other topics' direct questions
    ("wage_arrears", "公司拖着工资不发 合法吗", ("不合法",)),
    ("wage_arrears", "包工头跑了 工钱找谁要", ("总承包",)),
    ("working_hours", "每天干12个小时合法吗", ("不合法",)),
    ("minimum_wage", "工资只有两千 低于最低工资吧", ("不合法",)),
    ("minimum_wage", "最低工资包括加班费吗", ("不算",)),
    ("labor_contract", "干了半年没签合同能要双倍工资吗", ("能要",)),
    ("social_insurance", "签了自愿放弃社保 公司就可以不交吗", ("不合法",)),
    ("labor_arbitration", "仲裁要交钱吗", ("不收费",)),
    ("labor_arbitration", "离职两年了还能申请仲裁吗", ("1年",)),
    # the new topics
    ("sick_leave", "病假扣全月工资", ("不能全扣",)),
    ("sick_leave", "生病住院 公司要辞退我", ("不能因病辞退",)),
    ("sick_leave", "医疗期有多长", ("3到24个月",)),
    ("sick_leave", "参加工作十二年 在这家公司干了三年 医疗期有多长", ("6个月",)),
    ("sick_leave", "工龄二十多年了 在本单位二十一年 生病能休多久", ("24个月",)),
    ("leaving_certificate", "不给开离职证明", ("必须给",)),
    ("leaving_certificate", "老板说不赔钱就不给离职证明", ("不能拿离职证明要挟",)),
    ("leaving_certificate", "离职了档案一直不给转", ("15天内",)),
    ("platform_workers", "送外卖 平台扣钱太狠了", ("申诉",)),
    ("platform_workers", "跑外卖摔伤了谁管", ("先治疗",)),
    ("platform_workers", "骑手能入工会吗", ("能入会",)),
    ("women_protection", "怀孕了公司逼我辞职", ("别签",)),
    ("women_protection", "孕检算请假吗 扣不扣钱", ("算上班",)),
    ("women_protection", "哺乳期被裁员合法吗", ("不能",)),
    ("non_compete", "竞业协议没给钱还有效吗", ("不受约束", "解除")),
    ("non_compete", "竞业限制能签三年吗", ("最长2年",)),
    ("non_compete", "我就是个普通文员 也要竞业限制吗", ("只有高管",)),
]


def reply_to(topic, text):
    return compose(ANSWERS, Question(topic, text, follow_up_kind(text), read_figures(text)), AVERAGE)


def test_at_least_60_cases():
    assert len(CASES) >= 60


@pytest.mark.parametrize("topic, text, expected", CASES, ids=[c[1] for c in CASES])
def test_first_sentence_carries_the_answer(topic, text, expected):
    sentence = first_sentence(reply_to(topic, text).text)
    assert any(word in sentence for word in expected), f"{text!r} → {sentence!r}"


def test_estimates_are_labelled_and_show_their_working():
    text = reply_to("severance_calc", "干了5年月薪8000能赔多少").text
    first = text.splitlines()[0]
    assert first.startswith("估算") and "8000元×5个月" in first and "以仲裁或法院认定为准" in first


def test_one_missing_figure_is_asked_for():
    assert "月薪多少" in reply_to("severance_calc", "干了五年半 能拿多少补偿").text
    assert "干了多久" in reply_to("severance_calc", "月薪八千 补偿怎么算").text
    assert "月薪多少" in reply_to("overtime_pay", "上个月平时加班30个小时 加班费多少").text


def test_distress_gets_one_sentence_of_acknowledgement_first():
    text = reply_to("wage_arrears", "老板欠了半年工资 我真的走投无路了").text
    assert text.splitlines()[0] == ANSWERS.acknowledgement
    assert "违法" in text.splitlines()[1]
    calm = reply_to("wage_arrears", "老板欠了半年工资").text
    assert ANSWERS.acknowledgement not in calm
