"""Names staff read for topics, channels and figures on the insight pages and reports."""
from __future__ import annotations

from bot.appeals.categories import CATEGORY_LABELS

TOPIC_LABELS = {
    **CATEGORY_LABELS,
    "sick_leave": "病假医疗期", "leaving_certificate": "离职证明", "severance_calc": "经济补偿计算",
    "platform_workers": "新就业形态", "women_protection": "三期保护", "non_compete": "竞业限制",
    "file_appeal": "要求投诉", "check_appeal_status": "查询进度", "report_emergency": "危机求助",
    "request_human": "要求人工", "greet": "问候", "goodbye": "告别", "thank": "致谢", "affirm": "肯定",
    "deny": "否定", "cancel": "取消", "help": "功能咨询", "bot_challenge": "问是否机器人",
    "out_of_scope": "业务范围外", "fallback": "未能识别", "other": "其他",
}
CHANNEL_LABELS = {"wechat": "微信公众号", "hotline": "12351热线", "web": "网页"}
NO_DISTRICT_LABEL = "未注明区"


def topic_label(topic: str) -> str:
    return TOPIC_LABELS.get(topic, topic)


def channel_label(channel: str) -> str:
    return CHANNEL_LABELS.get(channel, channel)


def district_label(district: str) -> str:
    return NO_DISTRICT_LABEL if district in ("-", "", None) else district
