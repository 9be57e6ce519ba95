"""The appeal form reading messages turn by turn: stories, sloppy answers, corrections.

A small driver plays the form's part (the next question is the first missing field) over
`read_turn`, so these run without Rasa; the same conversations run end to end through
WeChat in tests/integration/test_appeals_filing.py.
"""
from __future__ import annotations

from typing import Dict, List, Optional

from actions.appeal_form import MONEY_CATEGORIES
from actions.appeal_reading import EXTRA_SLOTS, FORM_SLOTS, NO_PHONE, Turn, read_turn


class Form:
    def __init__(self):
        self.slots: Dict[str, object] = {slot: None for slot in FORM_SLOTS + EXTRA_SLOTS}
        self.requested: Optional[str] = None
        self.active = False
        self.hints: List[dict] = []

    def required(self) -> List[str]:
        slots = list(FORM_SLOTS)
        if self.slots["appeal_category"] not in MONEY_CATEGORIES:
            slots.remove("appeal_amount")
        if self.slots["appeal_consent"] is False:
            slots.remove("appeal_confirmed")
        return slots

    def says(self, text: str, intent: Optional[str] = None) -> Optional[str]:
        """The worker's message; returns the field asked next (None: done), "REJECTED" if not for the form."""
        reading = read_turn(Turn(text, intent, self.requested, dict(self.slots), activating=not self.active))
        events = reading.slot_events()
        if self.active and not events:
            return "REJECTED"
        self.active = True
        self.slots.update(events)
        self.hints.append(events.get("appeal_hint") or {})
        missing = [slot for slot in self.required() if self.slots[slot] is None]
        self.requested = missing[0] if missing else None
        return self.requested

    def value(self, slot: str):
        value = self.slots[slot]
        return value.get("value") if isinstance(value, dict) else value

    def last_hint(self) -> dict:
        return self.hints[-1]


def test_a_story_at_the_start_fills_what_it_says_and_asks_only_the_rest():
    form = Form()
    asked = form.says("从9月开始就没发工资 我们五六个人每人欠四五千 我想投诉他们", "faq")
    assert asked == "appeal_employer"
    assert form.slots["appeal_category"] == "wage_arrears"
    assert form.slots["appeal_description"].startswith("从9月开始")
    assert form.value("appeal_headcount") == 5 and form.slots["appeal_headcount"]["high"] == 6
    assert form.value("appeal_amount") == 20000
    assert form.slots["appeal_since"] == "从9月开始"
    assert form.last_hint()["notes"][0][0] == "utter_appeal_noted"


def test_category_answer_that_sounds_like_a_topic_is_an_answer():
    form = Form()
    assert form.says("我要反映情况", "file_appeal") == "appeal_category"
    assert form.says("我的诉求办得怎么样了", "check_appeal_status") == "REJECTED"  # a real status question
    assert form.says("工资的事", "check_appeal_status") == "appeal_description"  # misheard as one: an answer
    assert form.slots["appeal_category"] == "wage_arrears"
    assert form.slots["appeal_category"] == "wage_arrears"


def test_a_sum_given_as_the_headcount_is_kept_as_the_amount_and_people_asked_again():
    form = Form()
    form.says("我要投诉老板欠工资", "file_appeal")
    for answer in ("干了两个月没发工资 老板一直拖着", "老王装饰 就是个小装修队", "朝阳"):
        form.says(answer)
    assert form.slots["appeal_employer"] == "老王装饰"
    assert form.requested == "appeal_headcount"
    assert form.says("每人四五千 一共两万多") == "appeal_headcount"
    assert form.slots["appeal_headcount"] is None
    assert form.value("appeal_amount") == 20000
    assert form.says("5个人") == "appeal_phone"
    assert form.value("appeal_headcount") == 5


def test_vague_headcount_gets_a_confirming_question_then_the_number():
    form = Form()
    form.says("我要投诉老板欠工资", "file_appeal")
    for answer in ("干了两个月没发工资 老板一直拖着", "顺达物流公司", "丰台"):
        form.says(answer)
    assert form.says("好几个人") == "appeal_headcount"
    assert form.last_hint()["ask"][0] == "utter_appeal_confirm_headcount_vague"
    assert form.says("五六个") == "appeal_amount"
    assert (form.slots["appeal_headcount"]["low"], form.slots["appeal_headcount"]["high"]) == (5, 6)


def test_vague_headcount_twice_is_kept_in_the_workers_words():
    form = Form()
    form.says("我要投诉老板欠工资", "file_appeal")
    for answer in ("干了两个月没发工资 老板一直拖着", "顺达物流公司", "丰台", "我们班组的人"):
        form.says(answer)
    assert form.says("不清楚") == "appeal_amount"
    assert form.slots["appeal_headcount"]["words"] == "我们班组"


def test_a_quantity_is_not_a_name():
    form = _to_the("appeal_name")
    assert form.says("二十多人") == "appeal_name"
    assert form.last_hint()["notes"][0][0] == "utter_appeal_hint_name_unclear"
    assert form.says("王师傅") == "appeal_consent"


def test_corrections_during_the_form_change_one_field():
    form = _to_the("appeal_phone")
    assert form.value("appeal_headcount") == 12
    assert form.says("人数写错了 是5个人 不是5000") == "appeal_phone"
    assert form.value("appeal_headcount") == 5
    assert form.says("单位不是这个，是老王装饰") == "appeal_phone"
    assert form.slots["appeal_employer"] == "老王装饰"


def test_a_correction_read_as_deny_does_not_decline_the_question_asked():
    # "不是…" often parses as `deny`, which at the phone question means "no phone": the words
    # name another field and its new value, so they win.
    form = _to_the("appeal_phone")
    assert form.says("单位不是这个，是城建二公司项目部", "deny") == "appeal_phone"
    assert form.slots["appeal_employer"] == "城建二公司项目部" and form.slots["appeal_phone"] is None


def test_a_correction_of_another_field_is_not_taken_as_a_vague_answer():
    form = _to_the("appeal_amount")
    assert form.says("单位不是这个，是老王装饰") == "appeal_amount"
    assert form.slots["appeal_employer"] == "老王装饰" and form.slots["appeal_pending"] is None


def test_at_the_summary_no_asks_which_field_and_a_field_alone_asks_it_again():
    form = _to_the("appeal_confirmed")
    assert form.says("不对", "deny") == "appeal_confirmed"
    assert form.last_hint()["ask"][0] == "utter_appeal_which_field"
    assert form.slots["appeal_description"], "nothing was reset"
    assert form.says("电话") == "appeal_phone"
    assert form.says("13900001111") == "appeal_confirmed"
    assert form.slots["appeal_phone"] == "13900001111"
    assert form.says("人数写错了 是5个人") == "appeal_confirmed"
    assert form.value("appeal_headcount") == 5
    assert form.says("改一下电话") == "appeal_phone"
    assert form.says("不留") == "appeal_confirmed"
    assert form.slots["appeal_phone"] == NO_PHONE
    assert form.says("是", "affirm") is None


def test_a_question_in_the_middle_is_not_an_answer():
    form = _to_the("appeal_district")
    assert form.says("申请劳动仲裁要交钱吗", "faq") == "REJECTED"


def test_a_fresh_form_forgets_an_earlier_appeals_answers():
    form = Form()
    form.slots.update({"appeal_employer": "劳务派遣", "appeal_district": "平台"})
    form.says("我要投诉", "file_appeal")
    assert form.slots["appeal_employer"] is None and form.slots["appeal_district"] is None


def _to_the(slot: str) -> Form:
    form = Form()
    form.says("我要投诉老板欠工资", "file_appeal")
    answers = ["干了三个月一分钱没拿到，老板一直说下个月发", "顺达物流公司", "朝阳", "我们车队12个人", "三万多",
               "13812345678", "王师傅", "同意"]
    for answer in answers:
        if form.requested == slot:
            break
        form.says(answer, "affirm" if answer == "同意" else None)
    assert form.requested == slot
    return form


def test_interruptions_need_their_words_except_an_emergency():
    form = _to_the("appeal_phone")
    assert form.says("不留了", "cancel") == "appeal_name"
    assert form.slots["appeal_phone"] == NO_PHONE
    assert form.says("取消吧 不弄了", "cancel") == "REJECTED"
    assert form.says("王师傅", "request_human") == "appeal_consent"
    assert form.says("我要找人工", "request_human") == "REJECTED"
    assert form.says("同意", "report_emergency") == "REJECTED"


def test_an_impossible_headcount_is_asked_again_not_filed():
    form = _to_the("appeal_headcount")
    assert form.says("99999999个人") == "appeal_headcount"
    assert form.slots["appeal_headcount"] is None
    assert form.last_hint()["notes"][0][0] == "utter_appeal_hint_headcount_unclear"
