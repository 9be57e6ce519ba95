"""What an appeal is about: the FAQ topics of the intent catalogue, or "other"."""
from __future__ import annotations

# Topic → the label staff see in lists and reports.
CATEGORY_LABELS: dict[str, str] = {
    "wage_arrears": "拖欠工资",
    "overtime_pay": "加班工资",
    "working_hours": "工作时间",
    "minimum_wage": "最低工资",
    "labor_contract": "劳动合同",
    "probation": "试用期",
    "dismissal": "辞退裁员",
    "resignation": "辞职离职",
    "social_insurance": "社会保险",
    "work_injury": "工伤",
    "annual_leave": "带薪年假",
    "maternity": "女职工权益",
    "labor_arbitration": "劳动仲裁",
    "legal_aid": "法律援助",
    "union_membership": "工会入会",
    "mutual_aid": "互助保障",
    "hardship_aid": "困难帮扶",
    "dispatch_work": "劳务派遣",
    "hotline_info": "咨询联系",
    "skills_training": "技能培训",
    "worker_culture": "文体活动",
    "other": "其他",
}
CATEGORIES = tuple(CATEGORY_LABELS)
