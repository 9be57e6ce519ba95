"""Spoken variants of the bot's screen responses, by response name.

Rasa's `channel:` variations would belong in the domain, but the domain is trained into the
model and the FAQ texts change often; keeping the few responses that need a different shape
for the ear here (questions with option lists, "回复…", "发送位置") means no retraining and
no merge with the domain's owners. Everything else goes through spoken.py.
"""
from __future__ import annotations

from typing import Optional

SPOKEN = {
    "utter_ask_appeal_category": "好的，我来帮您向工会登记诉求。您要反映哪方面的问题？"
                                 "比如拖欠工资、工伤、辞退、社保、加班、劳动合同，直接说就行。",
    "utter_ask_appeal_description": "请简单说说发生了什么，什么时候开始的，现在怎么样了。想停止登记请说“取消”。",
    "utter_ask_appeal_employer": "是哪个单位，或者哪个老板、包工头？说名称就行。",
    "utter_ask_appeal_district": "工作地点在北京哪个区？比如朝阳区、海淀区、亦庄。",
    "utter_ask_appeal_headcount": "一共涉及多少人？比如“就我一个”，或者“三十人左右”。",
    "utter_ask_appeal_amount": "涉及的金额大概是多少？说不清可以说“不清楚”。",
    "utter_ask_appeal_name": "怎么称呼您？不想留名请说“匿名”。",
    "utter_ask_appeal_consent": "为了帮您解决，需要把这些情况转交工会工作人员，只用于办理您的诉求。您同意吗？请说“同意”或“不同意”。",
    "utter_ask_appeal_confirmed": "您的情况我已经记下了。确认提交请说“是”或按一；哪一项不对，直接说出来就行。",
}


def spoken_variant(response: Optional[str]) -> Optional[str]:
    return SPOKEN.get(response or "")
