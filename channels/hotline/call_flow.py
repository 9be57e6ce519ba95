"""One IVR turn of a call → the actions to answer it. The flow around the bot: the top menu
and its digit fallback, low-confidence confirmations, the caller's number as their identity,
status by caller number, the rest of long answers, transfers with context, emergencies."""
from __future__ import annotations

import logging
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional

from bot.appeals import AppealStore, Status, queue_label
from bot.appeals.phones import normalize_mobile
from bot.escalations import EscalationStore
from channels.hotline import prompts, protocol, spoken
from channels.hotline.call_state import CallState, CallStore
from channels.hotline.protocol import Turn, gather, hangup, say, transfer
from channels.hotline.responses import spoken_message
from channels.hotline.worker_channel import HotlineNotices, sender_id

logger = logging.getLogger(__name__)

LOW_CONFIDENCE = 0.6
FALLBACK_INTENTS = ("nlu_fallback", "out_of_scope")
# The menu's choice in the words a caller would use (a `/intent` would become the appeal's text).
MENU_TEXT = {"2": "我要反映情况"}
TRANSFER_REASON = "hotline_transfer"
EMERGENCY_QUEUE, STAFF_QUEUE = "emergency", "staff"
PHONE_DIGITS = 11
TICKET_DIGITS = 12

# (text for the bot, the call) → the bot's messages (dicts with text, utter_action …) and the
# parse of the caller's words ({"intent": {...}, "entities": [...]}, {} when unknown).
BotRunner = Callable[[str, CallState], Awaitable[tuple]]


class CallFlow:
    def __init__(self, store: CallStore, appeals: AppealStore, escalations: EscalationStore,
                 notices: HotlineNotices, run_bot: BotRunner, context_base: str):
        self.store = store
        self.appeals = appeals
        self.escalations = escalations
        self.notices = notices
        self.run_bot = run_bot
        self.context_base = context_base.rstrip("/")

    async def handle(self, turn: Turn) -> List[Dict[str, Any]]:
        state = await self.store.load(turn.call_id) or CallState(turn.call_id, turn.caller, turn.callee, time.time())
        state.last_seq = max(state.last_seq, turn.seq)
        try:
            actions = await self._route(turn, state)
        finally:
            await self.store.save(state)
        for action in actions:
            if action["type"] == "say":
                state.heard("ivr", action["text"])
        await self.store.save(state)
        return actions

    async def _route(self, turn: Turn, state: CallState) -> List[Dict[str, Any]]:
        if turn.event == "start":
            return await self._start(state)
        if turn.event == "hangup":
            state.heard("caller", "（挂机）")
            return []
        if turn.event == "transfer_failed":
            state.transferred = ""
            return [say(prompts.TRANSFER_FAILED), gather()]
        if turn.event == "no_input":
            return await self._no_input(state)
        state.no_inputs = 0
        if turn.event == "dtmf":
            state.heard("caller", f"按键{turn.digits}")
            return await self._digits(turn.digits, state)
        state.heard("caller", turn.text, confidence=turn.confidence)
        return await self._speech(turn, state)

    # --- events ---------------------------------------------------------------------------
    async def _start(self, state: CallState) -> List[Dict[str, Any]]:
        actions = [say(prompts.GREETING)]
        for notice in await self.notices.take(state.caller):
            actions.append(say(prompts.NOTICE_LEAD + spoken.spoken(notice, offer="")[0]))
        state.awaiting = "menu"
        return [*actions, say(prompts.MENU), gather(hints=["法律咨询", "反映诉求", "查询进度", "转人工"])]

    async def _no_input(self, state: CallState) -> List[Dict[str, Any]]:
        state.no_inputs += 1
        state.heard("caller", "（无应答）")
        if state.no_inputs >= 2:
            return await self._transfer(state, "两次无应答")
        return [say(prompts.STILL_THERE), gather(digits_only=state.digits_only)]

    async def _digits(self, digits: str, state: CallState) -> List[Dict[str, Any]]:
        if digits == "0":
            return await self._transfer(state, "来电人按0转人工")
        awaiting, state.awaiting = state.awaiting, ""
        if awaiting == "confirm":
            return await self._confirmed(digits == "1", state)
        if awaiting == "phone_offer":
            return await self._phone_offer_answered(digits == "1", state)
        if awaiting == "ticket":
            return self._ticket_entered(digits, state)
        if awaiting == "ticket_phone":
            return await self._status_by_ticket(state.ticket, digits, state)
        if awaiting == "menu" and len(digits) == 1:
            return await self._menu(digits, state)
        # A phone number typed for the form, or an option the bot offered by number.
        return await self._ask_bot(digits.rstrip("#"), state)

    async def _menu(self, digit: str, state: CallState) -> List[Dict[str, Any]]:
        if digit == "1":
            state.digits_only = False
            return [say(prompts.ASK_QUESTION), gather()]
        if digit == "3":
            return await self._status_by_caller(state)
        if digit in MENU_TEXT:
            return await self._ask_bot(MENU_TEXT[digit], state)
        state.awaiting = "menu"
        return [say(prompts.DIGIT_MENU if state.digits_only else prompts.MENU), gather(digits_only=state.digits_only)]

    async def _speech(self, turn: Turn, state: CallState) -> List[Dict[str, Any]]:
        text = turn.text
        awaiting, state.awaiting = state.awaiting, ""
        if awaiting in ("confirm", "phone_offer") and _yes_or_no(text) is not None:
            answer = _yes_or_no(text)
            return await (self._confirmed(answer, state) if awaiting == "confirm"
                          else self._phone_offer_answered(answer, state))
        if state.more and text.strip("。！，. ") in prompts.MORE_WORDS:
            said, state.more = spoken.next_part(state.more)
            return [say(said or prompts.NOTHING_MORE), gather()]
        if not text:
            return self._misheard(state)
        text = "／" + text[1:] if text.startswith("/") else text  # words, never a command
        if turn.confidence < LOW_CONFIDENCE:
            state.awaiting, state.pending_text = "confirm", text
            return [say(prompts.CONFIRM.format(text=spoken.clean(text).rstrip("。")[:24])), gather(hints=["是", "不是"])]
        return await self._ask_bot(text, state)

    async def _confirmed(self, yes: bool, state: CallState) -> List[Dict[str, Any]]:
        text, state.pending_text = state.pending_text, ""
        if yes and text:
            return await self._ask_bot(text, state)
        return self._misheard(state, prompts.CONFIRM_AGAIN)

    def _misheard(self, state: CallState, prompt: str = prompts.CONFIRM_AGAIN) -> List[Dict[str, Any]]:
        state.misheard += 1
        if state.misheard >= 2:
            state.digits_only, state.awaiting = True, "menu"
            return [say(prompts.DIGIT_MENU), gather(digits_only=True)]
        return [say(prompt), gather()]

    async def _phone_offer_answered(self, yes: bool, state: CallState) -> List[Dict[str, Any]]:
        if yes and _mobile(state.caller):
            return await self._ask_bot(_mobile(state.caller), state)
        return [say(prompts.PHONE_ASK), gather(max_digits=PHONE_DIGITS)]

    # --- status by caller number ------------------------------------------------------------
    async def _status_by_caller(self, state: CallState) -> List[Dict[str, Any]]:
        if not _mobile(state.caller):  # withheld (or a landline, which appeals never record)
            state.awaiting = "ticket"
            return [say(prompts.TICKET_ASK), gather(digits_only=True, max_digits=TICKET_DIGITS)]
        mine = await self.appeals.list(phone=_mobile(state.caller), limit=3)
        if not mine:
            state.awaiting = "menu"
            return [say(prompts.STATUS_NONE), gather()]
        lines = [_status_line(appeal) for appeal in mine]
        return [say(prompts.STATUS_LEAD), *[say(line) for line in lines], say(prompts.MENU), _menu_gather(state)]

    def _ticket_entered(self, digits: str, state: CallState) -> List[Dict[str, Any]]:
        state.ticket = "GH" + digits.rstrip("#")
        state.awaiting = "ticket_phone"
        return [say(prompts.TICKET_PHONE_ASK), gather(digits_only=True, max_digits=PHONE_DIGITS)]

    async def _status_by_ticket(self, ticket: str, phone: str, state: CallState) -> List[Dict[str, Any]]:
        appeal = await self.appeals.owned_by(ticket, phone=phone.rstrip("#"))
        state.awaiting = "menu"
        if appeal is None:
            return [say(f"没有找到编号{spoken.ticket_spoken(ticket)}、登记手机号相符的诉求。"), say(prompts.MENU),
                    gather()]
        return [say(_status_line(appeal)), say(prompts.MENU), gather()]

    # --- the bot ------------------------------------------------------------------------------
    async def _ask_bot(self, text: str, state: CallState) -> List[Dict[str, Any]]:
        messages, parse = await self.run_bot(text, state)
        intent = (parse.get("intent") or {})
        if intent:
            state.transcript[-1:] = [{**state.transcript[-1], "intent": intent.get("name"),
                                      "intent_confidence": round(float(intent.get("confidence") or 0), 3)}] \
                if state.transcript else []
        escalation = await self.escalations.get(sender_id(state.call_id))
        if escalation is not None and not state.transferred:
            return self._escalated(escalation, messages, state)
        if intent.get("name") in FALLBACK_INTENTS:
            state.misheard += 1
            if state.misheard >= 2:
                state.digits_only, state.awaiting = True, "menu"
                return [say(prompts.DIGIT_MENU), gather(digits_only=True)]
        else:
            state.misheard = 0
        return self._spoken_answer(messages, state)

    def _spoken_answer(self, messages: List[Dict[str, Any]], state: CallState) -> List[Dict[str, Any]]:
        asked_phone = any(m.get("utter_action") == "utter_ask_appeal_phone" for m in messages)
        texts = [spoken_message(m) for m in messages
                 if m.get("text") and m.get("utter_action") != "utter_ask_appeal_phone"]
        texts = [text for text in texts if text.strip()]
        # In a form each message (a note, then the question) is its own short prompt, the
        # question last and whole; an answer is summarised, with its rules offered on "详细".
        asking = asked_phone or any(str(m.get("utter_action") or "").startswith("utter_ask_") for m in messages)
        if asking:
            state.more = ""
            actions = [say(spoken.spoken(text, offer="")[0]) for text in texts]
        else:
            said, state.more = spoken.spoken("\n".join(texts)) if texts else ("", "")
            actions = [say(said)] if said else []
        if asked_phone:
            mobile = _mobile(state.caller)
            state.awaiting = "phone_offer" if mobile else ""
            actions.append(say(prompts.PHONE_OFFER if mobile else prompts.PHONE_ASK))
            return [*actions, gather(max_digits=1 if mobile else PHONE_DIGITS)]
        if not actions:
            return [say(prompts.STILL_THERE), gather()]
        return [*actions, _menu_gather(state)]

    # --- transfers ---------------------------------------------------------------------------
    def _escalated(self, escalation, messages, state: CallState) -> List[Dict[str, Any]]:
        emergency = escalation.priority == "emergency"
        state.transferred = EMERGENCY_QUEUE if emergency else STAFF_QUEUE
        url = self._context_url(state)
        if emergency:
            # The help lines first, at once, then a person from the emergency queue.
            return [say(prompts.EMERGENCY, barge_in=False),
                    transfer(EMERGENCY_QUEUE, escalation.reason, url)]
        said, _ = spoken.spoken("\n".join(spoken_message(m) for m in messages if m.get("text")), offer="")
        return [*([say(said)] if said else []), say(prompts.TRANSFER), transfer(STAFF_QUEUE, escalation.reason, url)]

    async def _transfer(self, state: CallState, why: str) -> List[Dict[str, Any]]:
        excerpt = next((item["text"] for item in reversed(state.transcript) if item["who"] == "caller"
                        and not item["text"].startswith(("按键", "（"))), why)
        try:
            await self.escalations.escalate(sender_id(state.call_id), TRANSFER_REASON, "normal", excerpt=excerpt)
        except Exception:  # the caller still reaches a person; the queue entry is a courtesy for staff
            logger.exception("hotline transfer not queued in the console")
        state.transferred = STAFF_QUEUE
        return [say(prompts.TRANSFER), transfer(STAFF_QUEUE, why, self._context_url(state))]

    def _context_url(self, state: CallState) -> str:
        return f"{self.context_base}/conversations/{sender_id(state.call_id)}"


def _mobile(number: str) -> Optional[str]:
    return normalize_mobile(number) if number else None


def _yes_or_no(text: str) -> Optional[bool]:
    words = text.strip("。！!，,. ")
    if words in prompts.NO_WORDS or words.startswith("不"):
        return False
    if words in prompts.YES_WORDS or words.startswith(("是", "对")):
        return True
    return None


def _menu_gather(state: CallState) -> Dict[str, Any]:
    return gather(digits_only=state.digits_only)


def _status_line(appeal) -> str:
    status = Status(appeal.status)
    return (f"编号{spoken.ticket_spoken(appeal.ticket_id)}，{status.label}，"
            f"承办单位{queue_label(appeal.queue)}。")
