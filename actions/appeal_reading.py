"""What one message means to the appeal form, read like a person would (no Rasa imports).

Given the form's state and the worker's message, `read_turn` returns the slot changes:
the answer to the question asked, every other fact the message holds that is still
missing, corrections ("人数写错了 是5个人"), and a hint telling the next question what to
say (a note about what was understood, or a confirming question when a value is
uncertain). An empty result means the message is not for the form (a question, a
request): the form steps aside and the conversation rules answer it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace, field
from typing import Any, Dict, List, Optional

from actions.answer_parsing import (
    ANONYMOUS_WORDS, DECLINE_WORDS, UNKNOWN_WORDS, looks_like_question, mobile_number, says_any,
)
from actions.form_corrections import (
    FIELD_LABELS, FIELD_WORDS, STRONG_MARKERS, field_named, is_bare_objection, read_correction,
)
from bot.appeals.categories import CATEGORY_LABELS
from bot.appeals.quantities import Quantity, parse_headcount, parse_money
from bot.appeals.story_facts import (
    Facts, category_in, district_in, employer_answer, employer_in, is_story, name_answer, read_story,
)
from bot.appeals.validation import HEADCOUNT_MAX
from bot.nlu.text_normalization import normalize

FORM_SLOTS = (
    "appeal_category", "appeal_description", "appeal_employer", "appeal_district", "appeal_headcount",
    "appeal_amount", "appeal_phone", "appeal_name", "appeal_consent", "appeal_confirmed",
)
# Facts kept beside the form's questions (never asked, filled from the story) and its memory.
EXTRA_SLOTS = ("appeal_since", "appeal_pending", "appeal_hint")
CATEGORY_CHOICES = ("wage_arrears", "work_injury", "dismissal", "social_insurance", "overtime_pay",
                    "labor_contract", "other")
# Intents that interrupt the form rather than answer it (the rules handle them) — but the
# classifier hears "工资的事" as a status query and "不留了" as cancel, so, except for an
# emergency, the message's own words must confirm the interruption.
INTERRUPTIONS = frozenset({"cancel", "report_emergency", "request_human", "check_appeal_status", "help"})
INTERRUPTION_WORDS = {
    "cancel": ("取消", "不弄了", "不办了", "不登记了", "不投诉了", "不反映了", "不提交", "退出", "停止", "不填了",
               "先不弄", "不要登记", "不想弄了", "不想投诉了", "撤销"),
    "request_human": ("人工", "真人", "工作人员", "客服", "找人", "活人", "转人", "接线员"),
    "check_appeal_status": ("进度", "查询", "查一下", "查查", "我的诉求", "办得怎么样", "处理到哪", "结果", "GH", "gh"),
    "help": ("帮助", "你能做什么", "怎么用", "菜单", "功能", "你会什么"),
}
# Said to the phone or name question, these decline it rather than stop the form.
_SOFT_CANCEL = ("算了", "不要了")
NO_PHONE = "wechat"
ANONYMOUS = "匿名"
UNKNOWN = "不详"
YES_WORDS = ("是", "是的", "对", "对的", "对啊", "没错", "确认", "确定", "没问题", "提交", "好", "好的", "可以", "行",
             "嗯", "嗯嗯", "ok", "OK", "同意", "正确", "就这样", "是滴", "对头")
NO_CONSENT_WORDS = ("不同意", "不愿意", "不行", "不可以", "算了", "不要")
# A bare number of people above this is checked with the worker before it is recorded.
CONFIRM_HEADCOUNT_ABOVE = 500
DESCRIPTION_MIN = 4


@dataclass
class Turn:
    """The message and the form's state, as plain values."""

    text: str
    intent: Optional[str]
    requested: Optional[str]
    slots: Dict[str, Any]
    activating: bool = False
    story_before: Optional[str] = None  # the worker's story just before a bare "是" started the form
    faq_topic: Optional[str] = None  # the FAQ topic the classifier heard in this message
    recent_topic: Optional[str] = None  # the FAQ topic just discussed (category when starting)
    location_district: Optional[str] = None  # from a WeChat location shared in the last minutes


@dataclass
class Reading:
    updates: Dict[str, Any] = field(default_factory=dict)
    notes: List[list] = field(default_factory=list)  # [response name, variables] said before the question
    ask: Optional[list] = None  # [response name, variables] said instead of the usual question

    def hint(self) -> Optional[dict]:
        return {"notes": self.notes, "ask": self.ask} if self.notes or self.ask else None

    def slot_events(self) -> Dict[str, Any]:
        """The slot changes including the hint for the next question (empty: not for the form)."""
        if not self.updates and not self.notes and not self.ask:
            return {}
        return {**self.updates, "appeal_hint": self.hint()}


# --- values kept in slots ----------------------------------------------------------------
def quantity_slot(quantity: Quantity) -> dict:
    """A parsed count or sum as kept in a slot: the value, its range, the label and the words."""
    return {"value": quantity.value, "low": quantity.low, "high": quantity.high, "approx": quantity.approx,
            "words": quantity.words, "label": quantity.label()}


def shown(slot: str, value: Any) -> str:
    """A slot value as the worker reads it in the summary."""
    if isinstance(value, dict):
        label, words = value.get("label") or "", value.get("words") or ""
        said_differently = words and words not in label and re.search(r"[一二两俩仨三四五六七八九十百千万几多来左右]", words)
        return f"{label}（您说的：{words}）" if said_differently else label
    if slot == "appeal_phone" and value == NO_PHONE:
        return "微信联系"
    if slot == "appeal_category":
        return CATEGORY_LABELS.get(value or "other", "其他")
    return "" if value is None else str(value)


# --- the turn ----------------------------------------------------------------------------
def read_turn(turn: Turn) -> Reading:
    if turn.activating:
        return _read_opening(turn)
    if _interrupts(turn) or not (turn.text or "").strip():
        return Reading()
    if turn.requested == "appeal_confirmed":
        return _read_at_summary(turn)
    if turn.requested == "appeal_consent":
        return _read_consent(turn)
    return _read_answer(turn)


def _interrupts(turn: Turn) -> bool:
    if turn.intent == "report_emergency":
        return True  # safety first, whatever the words
    if turn.intent not in INTERRUPTIONS:
        return False
    if says_any(turn.text, INTERRUPTION_WORDS.get(turn.intent, ())):
        return True
    return turn.intent == "cancel" and turn.requested not in ("appeal_phone", "appeal_name") \
        and says_any(turn.text, _SOFT_CANCEL)


def _read_opening(turn: Turn) -> Reading:
    """The form starts: forget any earlier appeal's answers, keep what this story already says."""
    reading = Reading(updates={slot: None for slot in FORM_SLOTS + EXTRA_SLOTS})
    sources = [text for text in (turn.story_before, turn.text) if text and text.strip()]
    story = " ".join(sources)
    facts = read_story(story)
    category = facts.category or turn.faq_topic or turn.recent_topic
    if category:
        reading.updates["appeal_category"] = category
    told = [text for text in sources if is_story(text, read_story(text))]
    if told:
        reading.updates["appeal_description"] = "\n".join(told)[:2000]
    taken = _take_facts(reading, facts, dict.fromkeys(FORM_SLOTS))
    if told and (taken or category):
        reading.notes.append(["utter_appeal_noted", {"facts": _facts_line(reading.updates)}])
    return reading


def _read_answer(turn: Turn) -> Reading:
    reading = Reading()
    requested, text = turn.requested, turn.text.strip()
    correction = read_correction(text, strong_only=requested in ("appeal_description", "appeal_category"))
    if correction is not None and correction.field and correction.field != requested \
            and _corrects_another_field(turn, correction.field, text):
        _apply_correction(reading, turn, correction.field, correction.value)
        return reading
    if correction is not None and correction.field == requested and correction.value:
        text = correction.value
    answered = _answer(reading, turn, requested, text)
    if not answered and looks_like_question(text):
        return Reading()  # a question in the middle: answered by the rules, then asked again
    if requested in ("appeal_description", "appeal_category") or answered:
        _take_facts(reading, read_story(text), {**turn.slots, **reading.updates}, skip=requested)
    return reading


def _corrects_another_field(turn: Turn, slot: str, text: str) -> bool:
    """"写错了/改一下" always correct; "不是…" only an answer already given, when the text does
    not answer the question asked ("我们公司不是大公司 就五六个人" answers the headcount)."""
    if any(marker in normalize(text) for marker in STRONG_MARKERS):
        return True
    # The words alone must answer: a "不是…" naming another field reads as `deny`, which would
    # otherwise count as declining the question asked ("单位不是这个，是…" at the phone question).
    trial = Reading()
    by_words = replace(turn, intent=None)
    answered = _answer(trial, by_words, turn.requested, text) and trial.updates.get(turn.requested) is not None
    return turn.slots.get(slot) is not None and not answered


# --- answers to one question ---------------------------------------------------------------
def _answer(reading: Reading, turn: Turn, slot: Optional[str], text: str) -> bool:
    """Fill `slot` from `text`; False (with a hint) when the text does not answer it."""
    reader = _READERS.get(slot)
    return bool(reader and reader(reading, turn, text))


def _answer_category(reading: Reading, turn: Turn, text: str) -> bool:
    stripped = normalize(text).strip()
    if stripped.isdigit() and 1 <= int(stripped) <= len(CATEGORY_CHOICES):
        reading.updates["appeal_category"] = CATEGORY_CHOICES[int(stripped) - 1]
        return True
    if looks_like_question(stripped) and not category_in(stripped):
        return False
    label = next((key for key, name in CATEGORY_LABELS.items() if name in stripped), None)
    reading.updates["appeal_category"] = label or category_in(stripped) or turn.faq_topic or "other"
    facts = read_story(text)
    if is_story(text, facts) and not turn.slots.get("appeal_description"):
        reading.updates["appeal_description"] = text.strip()[:2000]
    return True


def _answer_description(reading: Reading, turn: Turn, text: str) -> bool:
    if len(normalize(text).strip()) < DESCRIPTION_MIN:
        reading.notes.append(["utter_appeal_hint_description_short", {}])
        return False
    reading.updates["appeal_description"] = text.strip()[:2000]
    if not turn.slots.get("appeal_category"):
        reading.updates["appeal_category"] = category_in(text) or turn.faq_topic or "other"
    return True


def _answer_employer(reading: Reading, turn: Turn, text: str) -> bool:
    if says_any(text, UNKNOWN_WORDS):
        reading.updates["appeal_employer"] = UNKNOWN
        return True
    name = employer_answer(text)
    if name is not None and category_in(name) and employer_in(name) is None:
        name = None  # "工资的事" / "老板拖欠工资": more of the story, not a name
    if name is None:
        reading.notes.append(["utter_appeal_hint_employer_unclear", {"words": text.strip()[:20]}])
        return False
    reading.updates["appeal_employer"] = name
    return True


def _answer_district(reading: Reading, turn: Turn, text: str) -> bool:
    district = district_in(text, employer_answer(text) if not _is_short(text) else None) or district_in(text)
    if district is None and _location_words(text):
        district = turn.location_district
    if district:
        reading.updates["appeal_district"] = district
        return True
    if says_any(text, UNKNOWN_WORDS):
        reading.updates["appeal_district"] = turn.location_district or UNKNOWN
        return True
    reading.notes.append(["utter_appeal_hint_district_unclear", {}])
    return False


def _answer_headcount(reading: Reading, turn: Turn, text: str) -> bool:
    pending = turn.slots.get("appeal_pending") or {}
    waiting = pending.get("slot") == "appeal_headcount"
    if waiting and (_says_yes(text) or says_any(text, UNKNOWN_WORDS)):
        reading.updates.update({"appeal_headcount": pending["value"], "appeal_pending": None})
        return True
    count = parse_headcount(text, answer=True)
    if count is not None and count.low and count.low > HEADCOUNT_MAX:
        count = None  # not a number of workers the record can hold: asked again
    money = parse_money(text)
    if count is None or (money is not None and count.low and money.low and count.low == money.low):
        if money is not None:
            _fill_money_given_instead(reading, turn, money)
            return False
        if says_any(text, UNKNOWN_WORDS):
            reading.updates["appeal_headcount"] = UNKNOWN
            return True
        reading.notes.append(["utter_appeal_hint_headcount_unclear", {}])
        return False
    if not waiting and (count.uncertain or (count.low > CONFIRM_HEADCOUNT_ABOVE and not _people_word(text))):
        reading.updates["appeal_pending"] = {"slot": "appeal_headcount", "value": quantity_slot(count)}
        ask = "utter_appeal_confirm_headcount_vague" if count.uncertain else "utter_appeal_confirm_headcount_large"
        reading.ask = [ask, {"words": count.words, "count": count.low}]
        return True
    reading.updates.update({"appeal_headcount": quantity_slot(count), "appeal_pending": None})
    return True


def _fill_money_given_instead(reading: Reading, turn: Turn, money: Quantity) -> None:
    """A sum of money where a headcount was asked: keep it as the amount, ask for people again."""
    if not turn.slots.get("appeal_amount"):
        reading.updates["appeal_amount"] = quantity_slot(money)
    reading.notes.append(["utter_appeal_hint_headcount_got_money", {"amount": money.label()}])


def _answer_amount(reading: Reading, turn: Turn, text: str) -> bool:
    pending = turn.slots.get("appeal_pending") or {}
    waiting = pending.get("slot") == "appeal_amount"
    if says_any(text, UNKNOWN_WORDS):
        reading.updates.update({"appeal_amount": pending.get("value") if waiting else UNKNOWN, "appeal_pending": None})
        return True
    money = parse_money(text, answer=True)
    if money is not None and money.low:
        reading.updates.update({"appeal_amount": quantity_slot(money), "appeal_pending": None})
        return True
    words = normalize(text).strip()[:60]
    if waiting or (money is not None and money.each is not None):
        value = quantity_slot(money) if money is not None else {"value": None, "words": words, "label": words}
        reading.updates.update({"appeal_amount": value, "appeal_pending": None})
        return True
    if len(words) >= 2 and not looks_like_question(words):
        # "三个月的工资": money meant, no figure; ask once for a rough figure, then keep the words.
        reading.updates["appeal_pending"] = {"slot": "appeal_amount",
                                             "value": {"value": None, "words": words, "label": words}}
        reading.ask = ["utter_appeal_confirm_amount_vague", {"words": words}]
        return True
    reading.notes.append(["utter_appeal_hint_amount_unclear", {}])
    return False


def _answer_phone(reading: Reading, turn: Turn, text: str) -> bool:
    number = mobile_number(text)
    if number:
        reading.updates["appeal_phone"] = number
        return True
    if turn.intent == "deny" or says_any(text, DECLINE_WORDS):
        reading.updates["appeal_phone"] = NO_PHONE
        return True
    reading.notes.append(["utter_appeal_hint_phone_unclear", {}])
    return False


def _answer_name(reading: Reading, turn: Turn, text: str) -> bool:
    if turn.intent == "deny" or says_any(text, ANONYMOUS_WORDS):
        reading.updates["appeal_name"] = ANONYMOUS
        return True
    name = name_answer(text)
    if name is None:
        reading.notes.append(["utter_appeal_hint_name_unclear", {"words": text.strip()[:20]}])
        return False
    reading.updates["appeal_name"] = name
    return True


_READERS = {
    "appeal_category": _answer_category,
    "appeal_description": _answer_description,
    "appeal_employer": _answer_employer,
    "appeal_district": _answer_district,
    "appeal_headcount": _answer_headcount,
    "appeal_amount": _answer_amount,
    "appeal_phone": _answer_phone,
    "appeal_name": _answer_name,
}


# --- consent and the summary ---------------------------------------------------------------
def _read_consent(turn: Turn) -> Reading:
    reading = Reading()
    text = normalize(turn.text).strip(" 。.!！~")
    if says_any(text, NO_CONSENT_WORDS) or turn.intent == "deny":
        reading.updates["appeal_consent"] = False
        return reading
    if turn.intent == "affirm" or _says_yes(text):
        reading.updates["appeal_consent"] = True
        return reading
    if _correct_anything(reading, turn):
        return reading
    if looks_like_question(text):
        return Reading()
    reading.notes.append(["utter_appeal_hint_consent_unclear", {}])
    return reading


def _read_at_summary(turn: Turn) -> Reading:
    reading = Reading()
    text = normalize(turn.text).strip(" 。.!！~")
    if _correct_anything(reading, turn):
        return reading
    if is_bare_objection(text) or turn.intent == "deny":
        reading.ask = ["utter_appeal_which_field", {}]
        return reading
    if turn.intent == "affirm" or _says_yes(text):
        reading.updates["appeal_confirmed"] = True
        return reading
    if looks_like_question(text):
        return Reading()
    reading.ask = ["utter_appeal_which_field", {}]
    return reading


def _correct_anything(reading: Reading, turn: Turn) -> bool:
    """A correction at consent or summary: the field named, or guessed from the new value."""
    correction = read_correction(turn.text)
    named = field_named(turn.text)
    if correction is None and named is None:
        return False
    if correction is None:  # "人数 5个" / "电话" answering "哪一项要改？"
        value = _rest_after_field(turn.text)
        _apply_correction(reading, turn, named, value)
        return True
    target = correction.field or (_field_of_value(correction.value) if correction.value else None)
    if target is None:
        return False
    _apply_correction(reading, turn, target, correction.value)
    return True


def _apply_correction(reading: Reading, turn: Turn, slot: str, value: Optional[str]) -> None:
    """Change one field; with no usable new value, empty it so the form asks for it again."""
    label = FIELD_LABELS.get(slot, "")
    if value:
        trial = Reading()
        if _answer(trial, Turn(value, None, slot, turn.slots), slot, value) and slot in trial.updates:
            reading.updates.update(trial.updates)
            reading.notes.append(["utter_appeal_corrected", {"field": label,
                                                             "value": shown(slot, trial.updates[slot])}])
            return
    reading.updates[slot] = None
    if slot == "appeal_category":
        reading.updates["appeal_amount"] = turn.slots.get("appeal_amount")
    reading.notes.append(["utter_appeal_correct_field", {"field": label}])


def _rest_after_field(text: str) -> Optional[str]:
    folded = normalize(text).strip()
    named = field_named(folded)
    if named is None:
        return None
    words = dict(FIELD_WORDS)[named]
    for word in sorted(words, key=len, reverse=True):
        if word in folded:
            rest = folded.split(word, 1)[1].strip(" ：:，,是为")
            return rest or None
    return None


def _field_of_value(value: str) -> Optional[str]:
    """"不是5000 是5个人": which field a bare new value belongs to."""
    if mobile_number(value):
        return "appeal_phone"
    if parse_headcount(value) is not None and not parse_money(value):
        return "appeal_headcount"
    if parse_money(value) is not None:
        return "appeal_amount"
    if district_in(value) and len(value) <= 6:
        return "appeal_district"
    return None


# --- facts from free text --------------------------------------------------------------------
def _take_facts(reading: Reading, facts: Facts, known: Dict[str, Any], skip: Optional[str] = None) -> List[str]:
    """Fill each still-empty field the text has a fact for; never overwrite an answer."""
    taken = []
    candidates = {
        "appeal_employer": facts.employer,
        "appeal_district": facts.district,
        "appeal_headcount": quantity_slot(facts.headcount) if facts.headcount and not facts.headcount.uncertain else None,
        "appeal_amount": quantity_slot(facts.amount) if _definite_sum(facts.amount) else None,
        "appeal_since": facts.since,
    }
    for slot, value in candidates.items():
        if value is not None and slot != skip and known.get(slot) is None and reading.updates.get(slot) is None:
            reading.updates[slot] = value
            taken.append(slot)
    if facts.headcount is not None and facts.headcount.uncertain and known.get("appeal_headcount") is None \
            and reading.updates.get("appeal_headcount") is None and skip != "appeal_headcount":
        reading.updates["appeal_pending"] = {"slot": "appeal_headcount", "value": quantity_slot(facts.headcount)}
    return taken


def _definite_sum(amount: Optional[Quantity]) -> bool:
    """A story's sum worth recording without asking: a figure, not "几百块" or a rate alone."""
    if amount is None or not amount.low:
        return False
    return amount.high is None or amount.high < 5 * amount.low


def _facts_line(updates: Dict[str, Any]) -> str:
    parts = []
    if updates.get("appeal_category"):
        parts.append(shown("appeal_category", updates["appeal_category"]))
    for slot, lead in (("appeal_employer", "单位 "), ("appeal_district", ""), ("appeal_headcount", "涉及"),
                       ("appeal_amount", "金额 "), ("appeal_since", "")):
        value = updates.get(slot)
        if value:
            parts.append(lead + (value.get("label") if isinstance(value, dict) else shown(slot, value)))
    return "，".join(parts)


# --- small readers -----------------------------------------------------------------------------
def _says_yes(text: str) -> bool:
    folded = re.sub(r"[，,。.!！~～啊呀吧呢哦的\s]", "", normalize(text or ""))
    return folded in YES_WORDS or folded in ("是是", "对对", "对对对", "是啊", "确认提交", "没问题提交吧", "可以提交")


def _people_word(text: str) -> bool:
    return any(word in normalize(text) for word in ("人", "个", "名", "位"))


def _location_words(text: str) -> bool:
    return any(word in text for word in ("位置", "定位", "发你了", "发了", "这里", "这儿"))


def _is_short(text: str) -> bool:
    return len(normalize(text).strip()) <= 6
