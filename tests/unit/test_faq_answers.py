"""Facts and form of the full FAQ answers ("详细") in bot/faq/answers.yml.

FACTS is written from /work/shared/spec/faq.md (the must-have facts and legal basis per topic),
not from the answers: each entry is a substring the answer must contain, or a tuple of
alternative wordings of which at least one must occur. A wrong or missing fact fails.
"""
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
FAQ_FILE = ROOT / "bot" / "faq" / "answers.yml"

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


def art(n_arabic, n_chinese):
    """An article cited either as 第82条 or 第八十二条 (or inside a list like 第5、7、9条)."""
    return (f"第{n_arabic}条", f"第{n_chinese}条", f"第{n_arabic}、", f"、{n_arabic}条",
            f"、{n_arabic}、")


FACTS = {
    "wage_arrears": [
        "工资条", "考勤", "聊天记录", "欠条", ("工友证言", "证人", "工友作证"),
        "协商", "劳动保障监察", "12333", "仲裁", ("不收费", "免费"), "12351", "法律援助",
        "总承包", ("先行清偿", "先行支付"),
        "责令", ("拒不支付劳动报酬罪", "犯罪", "刑事责任"),
        "货币", ("每月", "每个月"), ("一次付清", "一次性付清"),
        "工资支付暂行规定", "保障农民工工资支付条例", "刑法", ("第276条之一", "第二百七十六条之一"),
    ],
    "overtime_pay": [
        "150%", "200%", "300%", "劳动法", art(44, "四十四"),
        "休息日", "补休", ("法定节假日", "法定休假日"), ("工作日", "延长工作时间"),
    ],
    "working_hours": [
        ("8小时", "八小时"), ("40小时", "四十小时"),
        ("休息1天", "休息一天", "休息一日", "休息1日"),
        ("1小时", "一小时"), ("3小时", "三小时"), ("36小时", "三十六小时"),
        "工会", "协商", "996", ("超出", "超过", "违法"),
        "国务院关于职工工作时间的规定", "劳动法", art(41, "四十一"), art(38, "三十八"),
    ],
    "minimum_wage": [
        "2540", "27.7", ("2025年9月1日", "2025-09-01", "2025年9月1号"),
        "以北京市人力资源和社会保障局最新公布为准",
        ("全日制", "每月", "月"), ("非全日制", "小时工"),
        "加班", "夜班", "高温", "有毒有害", ("伙食", "餐费", "餐补"), "交通", "住房",
        ("社会保险", "社保"), "公积金", ("违法", "不合法"), "12333", "仲裁", "最低工资规定",
    ],
    "labor_contract": [
        "书面", ("1个月", "一个月"), ("二倍工资", "双倍工资", "两倍工资"),
        ("第2个月", "第二个月"), ("满1年", "满一年"), "无固定期限", ("各执一份", "一人一份"),
        "劳动合同法", art(10, "十"), art(14, "十四"), art(16, "十六"), art(82, "八十二"),
    ],
    "probation": [
        ("3个月", "三个月"), ("1个月", "一个月"), ("2个月", "两个月", "二个月"),
        ("6个月", "六个月"), ("1年", "一年"), ("3年", "三年"), "无固定期限",
        ("只能约定一次", "只能约定1次"), "80%", "最低工资", "理由",
        "劳动合同法", art(19, "十九"), art(20, "二十"), art(21, "二十一"),
    ],
    "dismissal": [
        "经济补偿", ("每满1年", "每满一年"), ("1个月工资", "一个月工资"),
        ("6个月", "六个月"), "半个月", ("2N", "二倍", "两倍"), "继续履行",
        "孕期", "产期", "哺乳期", ("裁员", "经济性裁员"), "书面", "理由",
        "劳动合同法", art(42, "四十二"), art(46, "四十六"), art(47, "四十七"),
        art(48, "四十八"), art(87, "八十七"),
    ],
    "resignation": [
        ("30天", "30日", "三十日"), "书面", ("3天", "3日", "三日"), "试用期",
        ("不需要单位批准", "无需单位批准", "不用单位批准", "不需要单位同意", "无需单位同意"),
        ("足额",), ("社保", "社会保险"), ("随时", "立即", "马上"), "经济补偿",
        ("一次付清", "结清"),
        "劳动合同法", art(37, "三十七"), art(38, "三十八"), art(46, "四十六"),
        "工资支付暂行规定", art(9, "九"),
    ],
    "social_insurance": [
        ("30日", "30天", "三十日"), "登记", ("缴费", "缴纳"), "现金", ("不合法", "无效", "违法"),
        ("社会保险经办机构", "社保经办机构"), ("劳动保障监察", "12333"),
        "解除", "经济补偿",
        "社会保险法", art(58, "五十八"), art(60, "六十"), "劳动合同法", art(38, "三十八"),
    ],
    "work_injury": [
        "工作时间", "工作场所", "工作原因", "上下班途中", "非本人主要责任", "交通事故",
        ("30日", "30天", "三十日"), ("1年", "一年"), "近亲属", "工会",
        ("区的人力资源和社会保障局", "区人力资源和社会保障局", "区人社局"),
        ("病历", "诊断证明"), ("证言", "证人"),
        "工伤保险条例", art(14, "十四"), art(15, "十五"), art(17, "十七"),
    ],
    "annual_leave": [
        ("满1年", "满一年", "满12个月"), "5天", "10天", "15天",
        ("10年", "十年"), ("20年", "二十年"), "累计", "300%",
        "职工带薪年休假条例", art(2, "二"), art(3, "三"), art(5, "五"),
    ],
    "maternity": [
        "98天", "难产", "15天", ("多胞胎", "每多生"), "60天", "158天",
        ("为准",),  # (核实) the total: guidance, not a promise
        ("降低", "降薪"), ("辞退", "解除"), "怀孕", "生育", "哺乳",
        ("1小时", "一小时"), ("1周岁", "一周岁"), ("7个月", "七个月"), "加班", "夜班",
        "女职工劳动保护特别规定", art(7, "七"), "北京市人口与计划生育条例",
    ],
    "labor_arbitration": [
        ("劳动人事争议仲裁委员会", "劳动争议仲裁委员会"), ("履行地", "干活的地方"),
        "用人单位所在地", ("不收费", "免费"),
        ("1年", "一年"), ("知道或应当知道", "知道或者应当知道"), ("离职", "劳动关系终止"),
        ("45日", "45天"), ("15日", "15天"), "身份证", "申请书", "证据",
        "劳动争议调解仲裁法", art(21, "二十一"), art(27, "二十七"), art(28, "二十八"),
        art(43, "四十三"), art(53, "五十三"),
    ],
    "legal_aid": [
        "12351", "法律咨询", "调解", "文书", "代理", "北京市总工会法律服务中心", "符合条件",
        "免费", ("劳动报酬", "讨薪"), "工伤", "农民工", "经济困难",
        ("为准",),  # (核实) the means-test exemption: guidance, not a promise
        "工会法", art(22, "二十二"), art(30, "三十"), "法律援助法", art(31, "三十一"),
    ],
    "union_membership": [
        ("以工资收入为主要生活来源", "以工资为主要生活来源"),
        "新就业形态", ("外卖", "骑手"), "快递", "网约车",
        "单位工会", "街道", "乡镇", "服务站", "12351", ("0.5%", "千分之五", "5‰"),
        "法律援助", "互助", ("帮扶", "困难"), "培训", "活动",
        "工会法", art(3, "三"), "中国工会章程",
    ],
    "mutual_aid": [
        "在职职工医疗互助保障", ("基本医疗保险", "医保"), "报销",
        ("京卡·互助服务卡", "京卡互助服务卡"), "会员", "单位工会",
    ],
    "hardship_aid": [
        "困难", "单位工会", "街道", "服务站", "建档", ("常态化", "定期"),
        ("突发", "应急"), ("重病", "大病", "疾病"), "灾害", "送温暖",
    ],
    "dispatch_work": [
        ("派遣公司", "劳务派遣单位"), "用人单位", ("2年以上", "两年以上", "二年以上"),
        "最低工资", "同工同酬", "临时性", "辅助性", "替代性", "连带",
        "劳动合同法", art(58, "五十八"), art(63, "六十三"), art(66, "六十六"),
        art(92, "九十二"),
    ],
    "hotline_info": [
        "12351", "010-12351", "职工服务网", "公众号", "咨询", "诉求", "法律援助",
        "互助", "帮扶", "培训",
    ],
    "skills_training": [
        "技能培训", ("技能竞赛", "技能大赛"), "单位工会", "12351", "补贴", ("课程", "培训班"),
    ],
    "worker_culture": [
        "乐工网", "首都职工文化体育在线", "书法", "绘画", "摄影", ("作品",), "体育",
        "益智", "职工秀场",
    ],
    "sick_leave": [
        "医疗期", ("3个月", "三个月"), ("24个月", "二十四个月"), ("10年", "十年"), ("5年", "五年"),
        "80%", "最低工资", ("辞退", "解除"),
        "企业职工患病或非因工负伤医疗期规定", art(3, "三"), "劳动合同法", art(42, "四十二"),
        "北京市工资支付规定", art(21, "二十一"),
    ],
    "leaving_certificate": [
        ("离职证明", "解除或者终止劳动合同的证明"), ("15日", "15天", "十五日"), "档案",
        ("社会保险关系", "社保关系"), "赔偿", "劳动合同法", art(50, "五十"), art(89, "八十九"),
    ],
    "severance_calc": [
        ("每满1年", "每满一年"), ("6个月", "六个月"), "半个月", ("12个月", "十二个月"), "平均工资",
        ("3倍", "三倍"), ("12年", "十二年"), ("2N", "二倍"), "估算", "以仲裁或法院认定为准",
        "劳动合同法", art(47, "四十七"), art(87, "八十七"), "劳动合同法实施条例", art(27, "二十七"),
    ],
    "platform_workers": [
        "新就业形态", ("骑手", "外卖"), "快递", "网约车", "最低工资", "休息", "算法",
        "职业伤害保障", "工会", ("人社部发〔2021〕56号",), ("劳动关系",),
    ],
    "women_protection": [
        "孕期", "产期", "哺乳期", "三期", ("辞退", "解除"), ("降低工资", "降薪"), ("产前检查", "产检"),
        "劳动时间", ("不要签", "别签"), ("主动辞职", "自愿离职"),
        "劳动合同法", art(42, "四十二"), "女职工劳动保护特别规定", art(5, "五"), art(6, "六"),
    ],
    "non_compete": [
        ("高级管理人员", "高管"), "高级技术人员", "保密", ("2年", "两年"), "按月", "30%", "最低工资",
        ("12个月", "十二个月"), "劳动合同法", art(23, "二十三"), art(24, "二十四"), art(36, "三十六"),
    ],
}

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


def answer(topic):
    """The full answer as a worker reads it ({average} filled as the answer generator does)."""
    return DETAILS[topic].replace("{average}", "11761")


def test_exactly_the_27_topics():
    assert len(TOPICS) == 27 and set(FACTS) == set(TOPICS)
    assert sorted(DETAILS) == sorted(TOPICS)


@pytest.mark.parametrize("topic", TOPICS)
def test_each_response_is_one_plain_text(topic):
    text = DETAILS[topic]
    assert isinstance(text, str) and text.strip() == text


@pytest.mark.parametrize("topic", TOPICS)
def test_must_have_facts(topic):
    text = answer(topic)
    missing = []
    for fact in FACTS[topic]:
        options = fact if isinstance(fact, tuple) else (fact,)
        if not any(o in text for o in options):
            missing.append(" | ".join(options))
    assert not missing, f"{topic} lacks: {missing}"


@pytest.mark.parametrize("topic", TOPICS)
def test_length_limits(topic):
    text = answer(topic)
    assert len(text.encode("utf-8")) < MAX_BYTES, topic
    assert len(text) <= MAX_CHARS, topic


@pytest.mark.parametrize("topic", TOPICS)
def test_ends_with_offer(topic):
    text = answer(topic)
    tail = text[-80:]
    assert "12351" in tail and "反映诉求" in tail, topic
    if topic != "hotline_info":
        assert text.endswith("\n" + OFFER), topic


@pytest.mark.parametrize("topic", TOPICS)
def test_has_next_step_before_offer(topic):
    text = answer(topic)
    assert "下一步" in text, topic
    assert text.index("下一步") < text.rindex("反映诉求"), topic


@pytest.mark.parametrize("topic", TOPICS)
def test_no_promises(topic):
    text = answer(topic)
    found = [p for p in FORBIDDEN if p in text]
    assert not found, f"{topic} promises: {found}"


@pytest.mark.parametrize("topic", TOPICS)
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
    first_line = answer("minimum_wage").splitlines()[0]
    assert "2540" in first_line and "2025年9月1日" in first_line
    assert "以北京市人力资源和社会保障局最新公布为准" in answer("minimum_wage")[:200]


def test_key_facts_lead():
    """The key fact comes first, not the offer or the evidence list."""
    assert "150%" in answer("overtime_pay").splitlines()[1]
    assert "8小时" in answer("working_hours").splitlines()[0]
    assert "1个月" in answer("labor_contract").splitlines()[0]
    assert "98天" in answer("maternity").splitlines()[0]
    assert "12351" in answer("hotline_info").splitlines()[0]
    assert "乐工网" in answer("worker_culture").splitlines()[0]
