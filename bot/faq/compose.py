"""One FAQ reply: the direct answer to what was asked, on one phone screen.

Given the topic, the worker's message, what kind of follow-up it is and the figures of the
conversation, pick (in this order) the full rules ("详细"), a calculator's estimate, the
sub-question's answer, or the topic's short answer; put one sentence of acknowledgement in
front for a worker in distress, and the tail ("回复“详细”…") after. Pure: no Rasa, no I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from bot.faq import calculators as calc
from bot.faq import chooser
from bot.faq.answers import Answers, Sub, Topic
from bot.faq.figures import Figures
from bot.faq.follow_up import DETAIL, FIGURES, LEGALITY, MONEY
from bot.nlu.text_normalization import normalize


SCREEN = 150  # characters of a first reply: one phone screen (spec faq.md)
# The worker asks for an amount: with all their figures given, the estimate answers, whichever
# sub-question the words also touch ("周六加班没给调休 这两天加班费该有多少").
_AMOUNT_ASKED = re.compile(r"多少|几个月|怎么算|算一下|算算|能拿|能要|能补|能赔|该补|该给|该有|能有")


@dataclass(frozen=True)
class Question:
    topic: Optional[str]            # "probation" (no "faq/"), None when nothing was discussed
    text: str                       # the worker's latest message
    follow_up: Optional[str] = None  # DETAIL / LEGALITY / MONEY / FIGURES, or None
    figures: Figures = Figures()    # the conversation's figures on this topic, latest winning


@dataclass(frozen=True)
class Reply:
    text: str
    kind: str   # "detail", "calc", "ask", "sub", "short", "no_topic"
    sub: Optional[str] = None


def compose(answers: Answers, question: Question, average_wage: float) -> Reply:
    topic = answers.topics.get(question.topic or "")
    if topic is None:
        return Reply(answers.no_topic, "no_topic")
    if question.follow_up == DETAIL:
        return Reply(_fill(topic.detail, average_wage), "detail")
    body, kind, sub = _body(answers, topic, question, average_wage)
    lead = [answers.acknowledgement] if answers.distress.search(question.text or "") else []
    lines = body.split("\n")
    # One phone screen: the answer line and the tail always stay; what-to-do lines go first.
    while len(lines) > 1 and len("\n".join([*lead, *lines, answers.tail])) > SCREEN:
        lines.pop()
    return Reply("\n".join([*lead, *lines, answers.tail]), kind, sub)


def choose_sub(topic: Topic, text: str) -> Optional[Sub]:
    """The sub-question the message asks (bot/faq/chooser.py), None for the short answer."""
    return chooser.choose(topic, text)


def _body(answers: Answers, topic: Topic, question: Question, average_wage: float):
    if question.follow_up in (LEGALITY, MONEY):
        sub = topic.sub(topic.follow.get(question.follow_up))
    elif question.follow_up == FIGURES:
        sub = None
    else:
        sub = choose_sub(topic, question.text)
    money_asked = question.follow_up in (MONEY, FIGURES) or sub is None or sub.key in topic.calc_subs
    if topic.calc:
        estimate = _calculate(answers, topic, question.figures, sub, question.follow_up, average_wage)
        amount_asked = bool(_AMOUNT_ASKED.search(normalize(question.text or "")))
        if estimate and (money_asked or (estimate[1] == "calc" and amount_asked)):
            return estimate
    if sub is not None:
        return _fill(sub.text, average_wage), "sub", sub.key
    return _fill(topic.short, average_wage), "short", None


def _calculate(answers: Answers, topic: Topic, figures: Figures, sub: Optional[Sub], follow_up: Optional[str],
               average_wage: float):
    texts = answers.calculators[topic.calc]
    if topic.calc == "severance":
        unlawful = figures.unlawful  # the worker's own words (违法, 2N, 赔偿金 …), not a guessed sub
        return _severance(texts, figures, unlawful, average_wage, eager=follow_up is not None or topic.name == "severance_calc")
    if topic.calc == "overtime":
        return _overtime(texts, figures)
    if topic.calc == "probation":
        return _probation(texts, figures)
    if topic.calc == "sick_leave":
        return _medical_period(texts, figures)
    return _annual_leave(texts, figures, sub)


def _severance(texts, figures: Figures, unlawful: bool, average_wage: float, eager: bool):
    wage, months = figures.wage, figures.service_months
    if wage and months is not None:
        result = calc.severance(months, wage, unlawful, average_wage)
        lines = [texts["result_unlawful" if unlawful else "result"].format(
            amount=calc.rounded(result.amount), working=result.working)]
        if result.capped:
            lines.append(texts["cap_note"].format(average=round(average_wage)))
        lines.append(texts["next"])
        return "\n".join(lines), "calc", "severance"
    if months is not None:
        return texts["ask_wage"].format(service=_service(months), n=f"{calc.severance_months(months):g}"), "ask", "severance"
    if wage and eager:
        return texts["ask_service"].format(wage=calc.yuan(wage)), "ask", "severance"
    return None


def _overtime(texts, figures: Figures):
    if not figures.overtime_hours:
        return None
    if not figures.wage:
        return texts["ask_wage"], "ask", "overtime"
    result = calc.overtime_pay(figures.wage, figures.workday_hours or 0, figures.restday_hours or 0,
                               figures.holiday_hours or 0)
    line = texts["result"].format(amount=calc.rounded(result.amount), working=result.working)
    only_plain = figures.workday_hours and not (figures.restday_hours or figures.holiday_hours)
    return "\n".join([line + (texts["assumed_workday"] if only_plain else ""), texts["next"]]), "calc", "overtime"


def _probation(texts, figures: Figures):
    if figures.contract_months is None:
        return None
    limit = calc.probation_limit(figures.contract_months)
    contract = "无固定期限" if figures.contract_months >= calc.OPEN_ENDED else _service(figures.contract_months)
    if not limit:
        return "\n".join([texts["none"].format(contract=contract), texts["next"]]), "calc", "probation"
    agreed = figures.probation_months
    key = "limit" if agreed is None else "over" if agreed > limit else "within"
    line = texts[key].format(contract=contract, limit=f"{limit:g}个月",
                             agreed=_service(agreed) if agreed is not None else "")
    return "\n".join([line, texts["next"]]), "calc", "probation"


def _medical_period(texts, figures: Figures):
    total, here = figures.total_years, figures.employer_years
    if total is None and here is None:
        return None
    if total is None or here is None:
        return texts["ask"], "ask", "medical_period"
    months = calc.medical_period(max(total, here), here)
    line = texts["result"].format(months=months, total=f"{max(total, here):g}年", here=f"{here:g}年")
    return "\n".join([line, texts["next"]]), "calc", "medical_period"


def _annual_leave(texts, figures: Figures, sub: Optional[Sub]):
    untaken_asked = sub is not None and sub.key == "untaken"
    if figures.leave_days and figures.wage:
        result = calc.untaken_leave_pay(figures.wage, figures.leave_days)
        return texts["untaken"].format(days=f"{figures.leave_days:g}", amount=calc.rounded(result.extra),
                                       working=result.working), "calc", "untaken_leave"
    if untaken_asked and (figures.leave_days or figures.wage):
        return texts["ask_untaken"], "ask", "untaken_leave"
    if figures.service_months is not None and not untaken_asked:
        years = figures.service_months / 12
        days = calc.annual_leave_days(years)
        if not days:
            return f"{texts['none']}\n{texts['next']}", "calc", "leave_days"
        band = "满1年不满10年" if years < 10 else "满10年不满20年" if years < 20 else "满20年"
        return "\n".join([texts["days"].format(days=days, years=_service(figures.service_months), band=band),
                          texts["next"]]), "calc", "leave_days"
    return None


def _service(months: float) -> str:
    years, rest = divmod(months, 12)
    if not years:
        return f"{rest:g}个月"
    if rest == 6:
        return f"{years:g}年半"
    return f"{years:g}年" + (f"{rest:g}个月" if rest else "")


def _fill(text: str, average_wage: float) -> str:
    return text.replace("{average}", str(round(average_wage)))


def first_sentence(reply: str) -> str:
    """The first sentence of a reply's first line, as the benchmark and the tests read it."""
    head = reply.split("\n")[0]
    for index, char in enumerate(head):
        if char in "。！？!?；":
            return head[:index + 1]
    return head
