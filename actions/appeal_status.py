"""A worker asks about their appeals: by ticket number, or "my appeals". A worker only ever
sees their own: the ticket must belong to this WeChat user, or the phone on it must match."""
from __future__ import annotations

import time
from typing import Any, Dict, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import stores
from actions.answer_parsing import mobile_number
from actions.conversation_signals import worker_phone
from actions.crisis_guard import crisis_first
from bot.appeals import Appeal, Status, find_ticket, queue_label

NOT_FOUND = ("没有找到属于您的编号为{ticket}的诉求。只能查询本人提交的诉求；"
             "如果是用其他微信或电话登记的，请把编号和登记时留的手机号一起发给我。")
NONE_YET = "您还没有在这里提交过诉求。需要工会帮忙，回复“反映诉求”即可登记。"


def ticket_in(tracker: Tracker) -> Optional[Text]:
    quoted = [*tracker.get_latest_entity_values("ticket_id"), tracker.latest_message.get("text")]
    return next((ticket for ticket in map(find_ticket, quoted) if ticket), None)


def describe(appeal: Appeal, now: Optional[float] = None) -> Text:
    status = Status(appeal.status)
    line = f"编号{appeal.ticket_id}（{appeal.description[:20]}…）：{status.label}，承办：{queue_label(appeal.queue)}"
    if now is not None and appeal.overdue(now):
        line += "，已超期，已督办"
    latest_note = next((h.note for h in reversed(appeal.history) if h.note), None)
    if latest_note:
        line += f"。最新进展：{latest_note}"
    return line


class ActionCheckAppealStatus(Action):
    def name(self) -> Text:
        return "action_check_appeal_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        crisis = await crisis_first(dispatcher, tracker)
        if crisis is not None:
            return crisis
        store = stores.appeals()
        ticket = ticket_in(tracker)
        now = time.time()
        if ticket:
            phone = mobile_number(tracker.latest_message.get("text"))
            appeal = await store.owned_by(ticket, openid=tracker.sender_id)
            for number in filter(None, (phone, worker_phone(tracker.events))):
                appeal = appeal or await store.owned_by(ticket, phone=number)
            text = describe(appeal, now) if appeal else NOT_FOUND.format(ticket=ticket)
            dispatcher.utter_message(text=text)
            return []
        mine = await store.list(openid=tracker.sender_id, limit=5)
        vouched = worker_phone(tracker.events)
        if not mine and vouched:  # a caller's own number: their appeals by any channel
            mine = await store.list(phone=vouched, limit=5)
        if not mine:
            dispatcher.utter_message(text=NONE_YET)
            return []
        listing = "\n".join(f"{i}. {describe(a, now)}" for i, a in enumerate(mine, start=1))
        dispatcher.utter_message(text=f"您最近的诉求：\n{listing}\n回复编号可查看单条详情。")
        return []
