"""Spoken variants of the bot's screen responses: by response name, and for the few texts the
actions write themselves (no response name), by their wording.

Rasa's `channel:` variations would belong in the domain, but the domain is trained into the
model and the FAQ texts change often; keeping the few responses that need a different shape
for the ear here (questions with option lists, "回复…", "发送位置", "在这里") means no
retraining and no merge with the domain's owners. Everything else goes through spoken.py,
which also reads every variant here (numbers, tickets) before it is said.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Optional, Tuple

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
    # The screen's lists of what the bot can do, and "here" meaning the WeChat chat.
    "utter_greet": "您好，我是北京市总工会职工服务助手。工资、加班、合同、社保、工伤这些问题都可以问我，"
                   "也可以帮您向工会反映诉求。请直接说出您的问题。",
    "utter_help": "直接用一句话说出您的问题就行，比如“加班费怎么算”。需要工会出面，请说“反映诉求”。转人工请按零。",
    "utter_out_of_scope": "抱歉，这个问题不在我的服务范围内。劳动权益的问题和工会服务可以问我，也可以说“反映诉求”。",
    "utter_appeal_which_field": "哪一项需要修改？请直接说改成什么，比如“人数五个人”，或者“单位老王装饰”。",
    "utter_bot_challenge": "我是北京市总工会的智能语音助手，不是真人。找工作人员请按零。",
    "utter_goodbye": "再见！以后遇到劳动权益的问题，随时拨打幺二三五幺。祝您工作顺利！",
}

# Texts the actions write (utter_message(text=…)), matched by their wording → the spoken
# form (a template over the match's groups, or a function of the match). Each rule says why.
Rule = Tuple["re.Pattern[str]", Callable[["re.Match[str]"], str]]


def _filed(match: "re.Match[str]") -> str:
    # The ticket is read digit by digit (spoken.py); "回复编号", "本公众号", "在这里发给我们" are
    # the screen's; staff call the caller back on the number the appeal records.
    # Said whole (under spoken.SPOKEN_MAX) even for the longest union's name and an urgent case.
    urgent = "已标为紧急。" if match.group("flags") else ""
    return (f"您的诉求已受理，编号{match.group('ticket')}。{urgent}转{match.group('owner')}办理，"
            "一个工作日内派单，会打电话联系您。")


def _choice(match: "re.Match[str]") -> str:
    # Digits go to the call's menu, so the caller says the meaning itself (the bot reads it again).
    return f"您是想问{match.group('a')}，还是{match.group('b')}？请直接说出来；"


TEXT_RULES: List[Rule] = [
    (re.compile(r"您的诉求已受理(?P<flags>（[^）]*）)?，编号：(?P<ticket>GH\d{12})。[\s\S]*?"
                r"诉求将转给(?P<owner>[^，\n]+)，[\s\S]*"), _filed),
    # A waiting message says "staff reply here"; on a call the transfer prompt that follows says it.
    (re.compile(r"已为您转接工作人员，请稍候，工作人员会在这里直接回复您（[^）]*）。"), lambda m: ""),
    (re.compile(r"现在是非工作时间（[^）]*）。您的留言已记录，[^。]*。如遇危险[^。]*。"), lambda m: ""),
    # The caller is on 12351 already.
    (re.compile(r"也可以直接拨打12351职工服务热线（[^）]*）。"), lambda m: ""),
    (re.compile(r"您是想问哪一个？\n1\. (?P<a>[^\n]+)\n2\. (?P<b>[^\n]+)\n回复1或2；"), _choice),
    (re.compile(r"您是想问“(?P<a>[^”]+)”吗？是的话回复1，"), lambda m: f"您是想问“{m.group('a')}”吗？是的话请再说一遍，"),
    # Another phone's appeal cannot be checked by typing on a call: a person can.
    (re.compile(r"如果是用其他微信或电话登记的，请把编号和登记时留的手机号一起发给我。"),
     lambda m: "如果是用其他电话登记的，请按零，由工作人员帮您查询。"),
    (re.compile(r"\n?回复编号可查看单条详情。"), lambda m: ""),
    # A caller is known by the number they call from, not by a chat.
    (re.compile(r"您还没有在这里提交过诉求。"), lambda m: "这个号码还没有登记过诉求。"),
]


def spoken_variant(response: Optional[str]) -> Optional[str]:
    return SPOKEN.get(response or "")


def spoken_text(text: str) -> str:
    """An action's own text with its screen-only parts rewritten for the ear."""
    for pattern, spoken_form in TEXT_RULES:
        text = pattern.sub(spoken_form, text)
    return text


def spoken_message(message: Dict[str, Any]) -> str:
    """What the hotline says for one bot message: its response's spoken variant, else its text
    with the action texts' rules applied (spoken.py then shapes either for the ear)."""
    return spoken_variant(message.get("utter_action")) or spoken_text(message.get("text") or "")
