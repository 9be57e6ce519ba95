"""File the confirmed appeal in the store and tell the worker the ticket and what happens next."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import stores
from actions.appeal_form import ANONYMOUS, NO_PHONE, UNKNOWN, reset_form_slots
from actions.crisis_guard import crisis_first
from bot.appeals import Appeal, queue_label
from bot.appeals.model import group_wages

logger = logging.getLogger(__name__)

NO_CONSENT = ("明白。没有您的同意，我们不能把情况转给工会工作人员，这次的内容不会提交。"
              "您随时可以回复“反映诉求”重新登记，或拨打12351职工服务热线。")
FORM_NAME = "appeal_form"


def form_started_at(tracker: Tracker) -> float:
    """When the current appeal form was activated (evidence sent since then belongs to it)."""
    for event in reversed(tracker.events):
        if event.get("event") == "active_loop" and event.get("name") == FORM_NAME:
            return float(event.get("timestamp") or 0)
    return 0.0


def _known(value: Any) -> Any:
    return None if value in (None, UNKNOWN, ANONYMOUS, NO_PHONE) else value


def _figure(value: Any) -> Optional[int]:
    """The parsed figure of a headcount slot ({"value": 5, ...}); None when not said."""
    if isinstance(value, dict):
        return value.get("value")
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _label(value: Any) -> Optional[Text]:
    """An amount slot as recorded: "20000元以上（每人4000–5000元）", at most 64 characters."""
    if isinstance(value, dict):
        return (value.get("label") or value.get("words") or "")[:64] or None
    return _known(value)


def _words(value: Any) -> Optional[Text]:
    return ((value.get("words") or "")[:64] or None) if isinstance(value, dict) else None


def next_steps(appeal: Appeal) -> Text:
    owner = queue_label(appeal.queue)
    contact = f"电话{appeal.phone}" if appeal.phone else "本公众号"
    flags = "（已标注为群体性、紧急，将优先处理）" if appeal.collective else "（已标注为紧急）" if appeal.urgent else ""
    return (
        f"您的诉求已受理{flags}，编号：{appeal.ticket_id}。请保存好编号，查询进度时回复编号即可。\n"
        f"接下来：诉求将转给{owner}，一般1个工作日内派单，工作人员会通过{contact}联系您。"
        "有新情况或新证据，可以直接在这里发给我们。"
    )


class ActionSubmitAppeal(Action):
    def name(self) -> Text:
        return "action_submit_appeal"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        slot = tracker.get_slot
        await stores.filing_marks().stop(tracker.sender_id)
        if slot("appeal_consent") is False:
            dispatcher.utter_message(text=NO_CONSENT)
            return reset_form_slots()
        if slot("appeal_confirmed") is not True:
            # The form did not run to its end: a failed form turn (the action server or Redis
            # down mid-turn) loses its events, and Rasa may then predict this action at once.
            # The worker declined nothing, so nothing is said and what they told us is kept:
            # the channel answers the silent turn (busy text, staff follow-up) and their next
            # message restarts the form with these slots.
            logger.warning("appeal submit reached before the form ended; nothing submitted, slots kept")
            return []
        headcount = _figure(slot("appeal_headcount"))
        category = slot("appeal_category") or "other"
        appeal = await stores.appeals().create(
            description=slot("appeal_description"),
            category=category,
            employer=_known(slot("appeal_employer")),
            district=_known(slot("appeal_district")),
            # The parsed headcount (never a misread sum) decides collective and urgent.
            headcount=headcount,
            headcount_words=_words(slot("appeal_headcount")),
            amount=_label(slot("appeal_amount")),
            amount_words=_words(slot("appeal_amount")),
            since=(slot("appeal_since") or "")[:64] or None,
            phone=_known(slot("appeal_phone")),
            name=_known(slot("appeal_name")),
            openid=tracker.sender_id,
            channel=tracker.get_latest_input_channel() or "wechat",
            consent=True,
            group_wages=group_wages(category, headcount),
        )
        attached = await self._attach_evidence(appeal, tracker)
        text = next_steps(appeal)
        if attached:
            text += f"\n已附上您发来的{attached}份图片/文件作为证据。"
        dispatcher.utter_message(text=text)
        return reset_form_slots()

    @staticmethod
    async def _attach_evidence(appeal: Appeal, tracker: Tracker) -> int:
        since = form_started_at(tracker) - 10 * 60  # media sent just before filing counts too
        media: List[Dict[Text, Any]] = await stores.worker_channels().media(tracker.sender_id)
        fresh = [m for m in media if float(m.get("at", 0)) >= since and m.get("media_id")]
        for item in fresh:
            await stores.appeals().attach_evidence(appeal.ticket_id, item)
        return len(fresh)


class ActionCancelAppeal(Action):
    def name(self) -> Text:
        return "action_cancel_appeal"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        await stores.filing_marks().stop(tracker.sender_id)
        crisis = await crisis_first(dispatcher, tracker)
        if crisis is not None:
            return crisis + reset_form_slots()
        dispatcher.utter_message(text="好的，已停止登记，刚才填写的内容不会提交。还有什么可以帮您？")
        return [ActiveLoop(None), SlotSet("requested_slot", None), *reset_form_slots()]
