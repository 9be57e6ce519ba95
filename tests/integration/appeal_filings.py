"""Twenty appeals filed the way workers really write: whole stories in one message, vague
numbers, answers that sound like FAQ topics, changes of mind, corrections at the summary.

Each worker answers whatever the bot asks from what they know (`answers`, by question),
accepts the offer to file after an FAQ answer ("是的"), may correct something in the middle (`midway`: said once when that question comes) and at
the summary (`at_summary`), then says "是". `meant` is what the ticket must say.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, List, Optional

# Which question a reply ends with, by the words of the domain's questions.
QUESTIONS = (
    ("which_field", "哪一项需要修改"),
    ("summary", "请核对"),
    ("consent", "您同意吗"),
    ("name", "怎么称呼"),
    ("phone", "请留一个手机号"),
    ("amount", "大概是多少钱"),
    ("amount", "金额大概是多少"),
    ("headcount", "大概是几个人"),
    ("headcount", "一共涉及多少人"),
    ("headcount", "一共涉及"),
    ("district", "哪个区"),
    ("employer", "哪个单位"),
    ("description", "发生了什么"),
    ("category", "哪方面的问题"),
)


def question_in(reply: str) -> Optional[str]:
    """The question the reply ends with (the one asked last)."""
    found = [(reply.rfind(words), name) for name, words in QUESTIONS if words in reply]
    return max(found)[1] if found else None


@dataclass
class Filing:
    name: str
    opening: List[str]
    answers: Dict[str, List[str]]  # question → answers in turn (the last one repeats)
    meant: Dict[str, object]
    midway: Dict[str, str] = field(default_factory=dict)  # question → a correction said instead, once
    at_summary: List[str] = field(default_factory=list)


FILINGS = [
    Filing(
        "the issue's story told at once",
        ["老板叫人打电话说 从9月开始就没发工资 我们五六个人每人欠四五千 我想投诉他们"],
        {"employer": ["老王装饰 就是个小装修队"], "district": ["丰台那边"], "phone": ["13812345678"],
         "name": ["二十多人", "王师傅"], "consent": ["行"]},
        {"category": "wage_arrears", "employer": "老王装饰", "district": "丰台区", "headcount": (5, 6),
         "amount_low": 20000, "phone": "13812345678", "name": "王师傅", "collective": True},
    ),
    Filing(
        "category said as 工资的事, sloppy numbers",
        ["我要反映情况"],
        {"category": ["工资的事"], "description": ["干了两个多月了 老板一直拖着不发 说没钱"], "employer": ["宏达建筑劳务"],
         "district": ["在通州"], "headcount": ["好几个人", "七八个吧"], "amount": ["每人四五千 一共三万多"],
         "phone": ["不留了"], "name": ["匿名"], "consent": ["同意"]},
        {"category": "wage_arrears", "employer": "宏达建筑劳务", "district": "通州区", "headcount": (7, 8),
         "amount_low": 30000, "phone": None, "name": None, "collective": True},
    ),
    Filing(
        "the sum given as the headcount",
        ["我要投诉老板欠工资"],
        {"description": ["从9月开始就没发工资 老板说等项目款下来"], "employer": ["顺达物流公司"], "district": ["朝阳"],
         "headcount": ["每人四五千 一共两万多", "5个人"], "amount": ["两万多"], "phone": ["139 0000 1111"],
         "name": ["李姐"], "consent": ["同意"]},
        {"category": "wage_arrears", "employer": "顺达物流公司", "district": "朝阳区", "headcount": (5, 5),
         "amount_low": 20000, "phone": "13900001111", "name": "李姐", "collective": True},
    ),
    Filing(
        "corrections at the summary",
        ["我要投诉 公司拖欠工资"],
        {"description": ["三个月没发工资了 找老板也找不到人"], "employer": ["华联超市"], "district": ["海淀区"],
         "headcount": ["5000", "5000"], "amount": ["一万二"], "phone": ["13812345678"], "name": ["老张"],
         "consent": ["同意"]},
        {"category": "wage_arrears", "employer": "华联超市", "district": "海淀区", "headcount": (5, 5),
         "amount_low": 12000, "phone": "13712345678", "name": "老张"},
        at_summary=["人数写错了 是5个人 不是5000", "电话改成13712345678"],
    ),
    Filing(
        "不对 at the summary, then the field",
        ["我要投诉公司不给交社保"],
        {"description": ["入职一年多了公司一直没给我交社保 说交了工资就少了"], "employer": ["鑫源餐饮有限公司"],
         "district": ["西城"], "headcount": ["就我一个"], "amount": ["不清楚"], "phone": ["13612345678"],
         "name": ["小刘"], "consent": ["好的"], "which_field": ["单位 鑫源餐饮管理有限公司"]},
        {"category": "social_insurance", "employer": "鑫源餐饮管理有限公司", "district": "西城区", "headcount": (1, 1),
         "phone": "13612345678", "name": "小刘", "collective": False},
        at_summary=["不对"],
    ),
    Filing(
        "a correction in the middle of the form",
        ["我要投诉 包工头跑了 欠我们工钱"],
        {"description": ["在工地干了半年 包工头跑了 我们班组二十多个人工资都没结"], "employer": ["中建某项目部"],
         "district": ["大兴"], "amount": ["大概二十万"], "phone": ["13512345678"], "name": ["赵师傅"],
         "consent": ["同意"]},
        {"category": "wage_arrears", "employer": "城建二公司项目部", "district": "大兴区", "headcount": (20, None),
         "amount_low": 200000, "phone": "13512345678", "name": "赵师傅", "collective": True},
        midway={"phone": "单位不是这个，是城建二公司项目部"},
    ),
    Filing(
        "work injury, one person",
        ["我在工地上摔伤了 腿骨折 老板不给报工伤"],
        {"employer": ["鸿运建筑工程有限公司"], "district": ["房山"], "headcount": ["我自己"],
         "amount": ["医药费花了三万多"], "phone": ["13312345678"], "name": ["我姓孙"], "consent": ["同意"]},
        {"category": "work_injury", "employer": "鸿运建筑工程有限公司", "district": "房山区", "headcount": (1, 1),
         "amount_low": 30000, "phone": "13312345678", "collective": False},
    ),
    Filing(
        "dismissal, district in the story",
        ["我在亦庄的一家电子厂上班 上个月突然把我辞退了 一分钱补偿都没有"],
        {"employer": ["精密电子厂"], "headcount": ["就我"], "amount": ["干了三年 应该赔我三个月工资 一个月六千"],
         "phone": ["13212345678"], "name": ["陈女士"], "consent": ["同意"]},
        {"category": "dismissal", "employer": "精密电子厂", "district": "北京经济技术开发区", "headcount": (1, 1),
         "amount_low": 18000, "phone": "13212345678", "name": "陈女士"},
    ),
    Filing(
        "delivery rider: the platform is not a district",
        ["送外卖的 平台扣钱 超时一次扣50 一个月扣了我八百多 我要投诉"],
        {"employer": ["美团"], "district": ["昌平回龙观"], "headcount": ["就我一个人"], "phone": ["不留"],
         "name": ["匿名"], "consent": ["同意"]},
        {"category": "wage_arrears", "employer": "美团", "district": "昌平区", "headcount": (1, 1),
         "amount_low": 800, "phone": None, "name": None},
    ),
    Filing(
        "overtime, numbers in digits",
        ["我要投诉加班不给加班费"],
        {"description": ["天天加班到晚上十点 周末也上班 从来没给过加班费"], "employer": ["智联科技"],
         "district": ["海淀"], "headcount": ["20多个"], "amount": ["每人每月少说1500"], "phone": ["15012345678"],
         "name": ["小王"], "consent": ["同意"]},
        {"category": "overtime_pay", "employer": "智联科技", "district": "海淀区", "headcount": (20, None),
         "phone": "15012345678", "name": "小王"},
    ),
    Filing(
        "money first, then the story",
        ["欠了我8000块 我要投诉"],
        {"description": ["在饭店干了两个月服务员 走的时候老板不给结工资"], "employer": ["老四川饭店"],
         "district": ["石景山"], "headcount": ["1个"], "phone": ["18612345678"], "name": ["小周"],
         "consent": ["同意"]},
        {"category": "wage_arrears", "employer": "老四川饭店", "district": "石景山区", "headcount": (1, 1),
         "amount_low": 8000, "phone": "18612345678", "name": "小周", "collective": False},
    ),
    Filing(
        "traditional characters and full-width digits",
        ["我要投訴 老闆拖欠工資"],
        {"description": ["三個月沒發工資了 老闆說公司沒錢"], "employer": ["金盛裝飾"], "district": ["順義"],
         "headcount": ["我們三個人"], "amount": ["兩萬多"], "phone": ["１３８１２３４５６７８"], "name": ["黃先生"],
         "consent": ["同意"]},
        {"category": "wage_arrears", "employer": "金盛装饰", "district": "顺义区", "headcount": (3, 3),
         "amount_low": 20000, "phone": "13812345678", "collective": True},
    ),
    Filing(
        "the phone changed mid-way",
        ["我要投诉 公司不签劳动合同"],
        {"description": ["干了八个月了 一直不跟我签合同"], "employer": ["恒通物业"], "district": ["东城"],
         "headcount": ["就我"], "amount": ["不知道"], "phone": ["13812345678", "13698765432"], "name": ["刘阿姨"],
         "consent": ["同意"]},
        {"category": "labor_contract", "employer": "恒通物业", "district": "东城区", "headcount": (1, 1),
         "phone": "13698765432", "name": "刘阿姨"},
        midway={"name": "改一下电话"},
    ),
    Filing(
        "a question in the middle, then the answer",
        ["我要投诉老板拖欠工资"],
        {"description": ["去年年底开始就一直拖着 一共欠我一万五"], "employer": ["京华保洁服务公司"],
         "district": ["申请劳动仲裁要交钱吗", "朝阳区"], "headcount": ["我一个人"], "phone": ["13812345670"],
         "name": ["马大姐"], "consent": ["同意"]},
        {"category": "wage_arrears", "employer": "京华保洁服务公司", "district": "朝阳区", "headcount": (1, 1),
         "amount_low": 15000, "phone": "13812345670", "name": "马大姐"},
    ),
    Filing(
        "employer named after a district",
        ["我要投诉"],
        {"category": ["1"], "description": ["干了四个月 最后两个月的工资没给"], "employer": ["朝阳测试公司"],
         "district": ["朝阳"], "headcount": ["两三个人"], "amount": ["4到5千"], "phone": ["13812340000"],
         "name": ["小赵"], "consent": ["同意"]},
        {"category": "wage_arrears", "employer": "朝阳测试公司", "district": "朝阳区", "headcount": (2, 3),
         "amount_low": 4000, "phone": "13812340000", "name": "小赵"},
    ),
    Filing(
        "ten-odd workers, whole story with the employer",
        ["我们十几个人在宏图装修公司干活 从春节后开始就没发过工资 每人欠一万左右 想请工会帮忙"],
        {"district": ["密云"], "phone": ["13812349999"], "name": ["郑工长"], "consent": ["同意"]},
        {"category": "wage_arrears", "employer": "宏图装修公司", "district": "密云区", "headcount": (10, None),
         "amount_low": 100000, "phone": "13812349999", "name": "郑工长", "collective": True},
    ),
    Filing(
        "the amount corrected at the summary",
        ["老板欠工资不给 我要举报"],
        {"description": ["在快递站干了三个月 工资一直压着不发"], "employer": ["韵达快递五里店站"], "district": ["丰台区"],
         "headcount": ["就我一个"], "amount": ["九千"], "phone": ["13812348888"], "name": ["小吴"],
         "consent": ["同意"]},
        {"category": "wage_arrears", "employer": "韵达快递五里店站", "district": "丰台区", "headcount": (1, 1),
         "amount_low": 12000, "phone": "13812348888", "name": "小吴"},
        at_summary=["金额写错了 是一万二"],
    ),
    Filing(
        "a district said loosely, then properly",
        ["我要投诉公司克扣工资"],
        {"description": ["每个月都扣我们几百块 说是罚款"], "employer": ["顺心家政"], "district": ["就在那边", "平谷"],
         "headcount": ["我们五六个"], "amount": ["每人几百块 加起来三千多"], "phone": ["13812347777"],
         "name": ["小郭"], "consent": ["同意"]},
        {"category": "wage_arrears", "employer": "顺心家政", "district": "平谷区", "headcount": (5, 6),
         "amount_low": 3000, "phone": "13812347777", "name": "小郭"},
    ),
    Filing(
        "the name corrected at the summary",
        ["我要投诉 试用期被辞退"],
        {"description": ["试用期干了一个月 说我不合格就让我走 工资也没结"], "employer": ["阳光教育培训学校"],
         "district": ["延庆"], "headcount": ["我自己"], "amount": ["三千五"], "phone": ["13812346666"],
         "name": ["小孙"], "consent": ["同意"]},
        {"category": "dismissal", "employer": "阳光教育培训学校", "district": "延庆区", "headcount": (1, 1),
         "amount_low": 3500, "phone": "13812346666", "name": "孙老师"},
        at_summary=["称呼改成孙老师"],
    ),
    Filing(
        "yes to the offer after an FAQ answer, with the story before it",
        ["我们公司三个月没发工资了 在怀柔 老板说再等等 怎么办"],
        {"employer": ["怀柔永兴机械厂"], "headcount": ["三十来个"], "amount": ["不清楚"],
         "phone": ["13812345555"], "name": ["匿名"], "consent": ["同意"]},
        {"category": "wage_arrears", "employer": "怀柔永兴机械厂", "district": "怀柔区", "headcount": (30, 30),
         "phone": "13812345555", "name": None, "collective": True},
    ),
]
