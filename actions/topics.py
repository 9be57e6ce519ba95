"""What each intent is about, in the words a worker would recognise (no Rasa imports).

The shipped intents are named here; a FAQ topic an admin added names itself (its `label` in
the answers file)."""
from __future__ import annotations

from typing import Optional

from bot.faq.answers import AnswerStore
from bot.settings import Settings

# Intent (or `faq/<topic>` retrieval intent) → a short phrase a worker can say back.
TOPIC_PHRASES: dict[str, str] = {
    "faq/wage_arrears": "拖欠工资怎么办",
    "faq/overtime_pay": "加班费怎么算",
    "faq/working_hours": "工作时间和休息日",
    "faq/minimum_wage": "北京最低工资标准",
    "faq/labor_contract": "没签劳动合同怎么办",
    "faq/probation": "试用期的规定",
    "faq/dismissal": "被辞退的补偿",
    "faq/resignation": "辞职要注意什么",
    "faq/social_insurance": "单位不交社保",
    "faq/work_injury": "工伤认定",
    "faq/annual_leave": "带薪年假",
    "faq/maternity": "产假和孕期保护",
    "faq/labor_arbitration": "怎么申请劳动仲裁",
    "faq/legal_aid": "免费法律援助",
    "faq/union_membership": "加入工会",
    "faq/mutual_aid": "职工互助保障",
    "faq/hardship_aid": "困难职工帮扶",
    "faq/dispatch_work": "劳务派遣工的权益",
    "faq/hotline_info": "12351热线和联系方式",
    "faq/skills_training": "技能培训",
    "faq/worker_culture": "职工文体活动",
    "faq/sick_leave": "病假和医疗期",
    "faq/leaving_certificate": "离职证明和档案社保转移",
    "faq/severance_calc": "经济补偿怎么算",
    "faq/platform_workers": "外卖骑手等平台劳动者的权益",
    "faq/women_protection": "女职工三期保护",
    "faq/non_compete": "竞业限制",
    "file_appeal": "向工会反映诉求",
    "check_appeal_status": "查询诉求进度",
    "request_human": "转人工",
    "help": "你能做什么",
}

# Intents that make no sense to suggest back to the worker.
_NOT_SUGGESTED = {"nlu_fallback", "out_of_scope", "greet", "goodbye", "thank", "affirm", "deny", "cancel"}


_answers: Optional[AnswerStore] = None


def phrase_for(intent: str) -> Optional[str]:
    if intent in _NOT_SUGGESTED:
        return None
    return TOPIC_PHRASES.get(intent) or _admin_label(intent)


def _admin_label(intent: str) -> Optional[str]:
    """A topic an admin added in the console names itself in the answers file."""
    global _answers
    if not intent.startswith("faq/"):
        return None
    if _answers is None:
        _answers = AnswerStore(Settings.from_env().faq_answers_file)
    topic = _answers.current().topics.get(intent.split("/", 1)[1])
    return topic.label if topic is not None else None
