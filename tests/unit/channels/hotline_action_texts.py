"""The texts the actions write themselves (no response name) that a caller can hear, as the
actions build them: the samples the hotline's spoken rules are checked against."""
from __future__ import annotations

from actions import appeal_status, fallback, service_hours
from actions.submit_appeal import NO_CONSENT, next_steps
from bot.appeals.model import new_appeal

TICKET = "GH202611260007"


def _appeal(**extra):
    return new_appeal(TICKET, 0.0, description="装修队欠我们四个人工钱", phone="13912345678",
                      openid="hotline-fs-1", channel="hotline", **extra)


def action_texts() -> dict:
    # The longest union name with an urgent flag: the longest confirmation a caller hears.
    filed, urgent = _appeal(district="朝阳区"), _appeal(headcount=12, district="北京经济技术开发区")
    return {
        "filed": next_steps(filed),
        "filed_urgent": next_steps(urgent) + "\n已附上您发来的2份图片/文件作为证据。",
        "no_consent": NO_CONSENT,
        "two_meanings": fallback.rephrase_text(["加班费怎么算", "工伤认定"]),
        "one_meaning": fallback.rephrase_text(["加班费怎么算"]),
        "not_understood": fallback.NOT_UNDERSTOOD_LEAD + service_hours.IN_HOURS,
        "asked_person": "好的，" + service_hours.IN_HOURS,
        "asked_person_at_night": "好的，" + service_hours.OUT_OF_HOURS,
        "not_found": appeal_status.NOT_FOUND.format(ticket=TICKET),
        "none_yet": appeal_status.NONE_YET,
        "my_appeals": f"您最近的诉求：\n1. {appeal_status.describe(filed)}\n回复编号可查看单条详情。",
    }
