"""Rasa custom channel `hotline`: the call centre's IVR, once per turn (README.md here).

GET  /webhooks/hotline/         health
POST /webhooks/hotline/webhook  one signed turn → {"actions": [...]}

A forged, stale or replayed request gets 403 and reaches nothing; a malformed one 400. A
retried turn (same call id and seq) gets the first answer and runs nothing again, whichever
process it reaches. Every turn is answered within HOTLINE_TURN_DEADLINE: when the bot is
slower, the caller hears a holding prompt and the bot's answer at the next turn.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from redis.asyncio import Redis
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.appeals import AppealStore
from bot.escalations import EscalationStore
from bot.follow_up import OUTAGE_ERRORS
from bot.redis_keys import RedisKeys
from bot.settings import Settings
from bot.tracker_store_check import refuse_in_memory
from channels.hotline import prompts, security
from channels.hotline.call_flow import STAFF_QUEUE, CallFlow
from channels.hotline.call_state import CallState, CallStore
from channels.hotline.protocol import MalformedTurn, Turn, gather, parse_turn, say, transfer, well_ended
from channels.hotline.worker_channel import HotlineNotices, sender_id

logger = logging.getLogger(__name__)

# Time kept back from the deadline for writing the answer and the network back to the IVR.
# NLU runs on the event loop, so the timer can fire late by one model run; keep room for it.
DEADLINE_MARGIN_S = 0.6
HOLD_GATHER_MS = 1500
# A bot this late has failed the caller: a person takes over.
MAX_WAIT_S = 20.0
REDIS_CONNECT_TIMEOUT_S = 1.0
REDIS_TIMEOUT_S = 2.0


class HotlineOutput(OutputChannel):
    """Collects what the bot says in a turn, whole (response names included: the call flow
    speaks some responses its own way, e.g. the phone question)."""

    @classmethod
    def name(cls) -> Text:
        return "hotline"

    def __init__(self) -> None:
        self.messages: List[Dict[str, Any]] = []

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self.messages.append(dict(message))

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        self.messages.append({"text": text, **kwargs})


class HotlineInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "hotline"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "HotlineInput":
        return cls(Settings.from_env())  # secrets come from the environment, never from YAML

    def __init__(self, settings: Settings):
        self.settings = settings
        self._store: Optional[CallStore] = None
        self._flow: Optional[CallFlow] = None
        self._app: Optional[Sanic] = None
        self._tasks: Set[asyncio.Task] = set()
        self._chains: Dict[str, asyncio.Future] = {}  # call id → its newest turn running here

    def get_output_channel(self) -> OutputChannel:
        return HotlineOutput()  # a call cannot be reached between turns

    def _connect(self, on_new_message) -> CallFlow:
        # Created on first use, inside the server's event loop.
        if self._flow is None:
            redis = Redis.from_url(self.settings.redis.url, decode_responses=True,
                                   socket_connect_timeout=REDIS_CONNECT_TIMEOUT_S, socket_timeout=REDIS_TIMEOUT_S)
            keys = RedisKeys(self.settings.key_prefix)
            self._store = CallStore(redis, keys)
            appeals = AppealStore(redis, keys)
            console = f"http://{self.settings.bind_host}:{self.settings.console_port}"
            self._flow = CallFlow(self._store, appeals, EscalationStore(redis, keys, appeals=appeals),
                                  HotlineNotices(redis, keys), self._bot_runner(on_new_message), console)
        return self._flow

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("hotline_webhook", __name__)

        @webhook.listener("after_server_start")
        async def remember_app(app: Sanic, _loop) -> None:
            refuse_in_memory(getattr(app.ctx, "agent", None))
            self._app = app

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request, on_new_message)

        return webhook

    # --- one request ---------------------------------------------------------------------
    async def _receive(self, request: Request, on_new_message) -> HTTPResponse:
        began = time.monotonic()
        body = request.body or b""
        if not self.settings.hotline_secret:
            logger.error("hotline request refused: HOTLINE_SECRET is not set (required in production)")
            return response.json({"error": "forbidden"}, status=403)
        if len(body) > security.MAX_BODY_BYTES:
            return response.json({"error": "payload too large"}, status=413)
        try:
            signature = security.check(self.settings.hotline_secret, request.headers.get(security.TIMESTAMP_HEADER),
                                       request.headers.get(security.SIGNATURE_HEADER), body)
        except security.ForbiddenRequest as error:
            logger.warning("hotline request refused: %s", error)
            return response.json({"error": "forbidden"}, status=403)
        try:
            turn = parse_turn(body)
        except MalformedTurn as error:
            logger.info("hotline turn refused: bad %s", error)
            return response.json({"error": "malformed", "field": str(error)}, status=400)
        flow = self._connect(on_new_message)
        try:
            if not await self._store.first_use_of(signature) and not security.just_signed(
                    request.headers.get(security.TIMESTAMP_HEADER)):
                # A request seen before is a replay unless it is the IVR's prompt retry (re-signed
                # within the same seconds it is byte-identical); a retry gets the first answer.
                logger.warning("hotline request refused: replayed signature")
                return response.json({"error": "forbidden"}, status=403)
            answer = await self._answer_once(flow, turn, began)
        except OUTAGE_ERRORS as error:
            logger.warning("Redis unreachable on a hotline turn: %s", error)
            answer = {"actions": [say(prompts.BUSY), transfer(STAFF_QUEUE, "system_busy", "")]}
        return response.json(answer)

    def _remaining(self, began: float) -> float:
        return max(0.0, self.settings.hotline_turn_deadline - DEADLINE_MARGIN_S - (time.monotonic() - began))

    async def _answer_once(self, flow: CallFlow, turn: Turn, began: float) -> Dict[str, Any]:
        if not await self._store.claim_turn(turn.call_id, turn.seq):
            # A retry: the first attempt's answer, never a second run of the bot.
            first = await self._store.answer_of(turn.call_id, turn.seq, self._remaining(began))
            return first or {"actions": self._holding()}
        actions = await self._within_deadline(flow, turn, began)
        if not well_ended(actions, turn.event):
            actions = [*actions, gather()]
        answer = {"actions": actions}
        await self._store.finish_turn(turn.call_id, turn.seq, answer)
        return answer

    async def _within_deadline(self, flow: CallFlow, turn: Turn, began: float) -> List[Dict[str, Any]]:
        answers, pending, waited = [], 0, 0.0
        if turn.event not in ("start", "hangup"):
            answers, pending, waited = await self._store.take_late(turn.call_id,
                                                                   min(0.5, self._remaining(began) / 2))
        handed = next((answer["actions"][-1] for answer in answers
                       if answer["actions"] and answer["actions"][-1]["type"] == "transfer"), None)
        answers = await self._fresh(turn.call_id, answers)
        late_says = [action for answer in answers for action in answer["actions"] if action["type"] == "say"]
        if handed is not None:  # a late answer put the caller through (an emergency): that stands
            return [*late_says, handed]
        if turn.event == "no_input" and (answers or pending):
            # The caller was waiting for the bot, not silent.
            if answers:
                return [*late_says, answers[-1]["actions"][-1] if answers[-1]["actions"] else gather()]
            if waited > MAX_WAIT_S:
                return [say(prompts.BUSY), transfer(STAFF_QUEUE, "system_slow", "")]
            return self._holding()
        # New words go to the bot now; Rasa answers them after the turn still running.
        work = asyncio.ensure_future(self._run_turn(flow, turn))
        try:
            actions = await asyncio.wait_for(asyncio.shield(work), timeout=self._remaining(began))
        except asyncio.TimeoutError:
            await self._store.expect_late(turn.call_id)
            self._keep(self._deliver_late(work, turn.call_id, turn.seq))
            actions = self._holding()
        except Exception:
            logger.exception("a hotline turn failed")
            actions = [say(prompts.BUSY), transfer(STAFF_QUEUE, "system_error", "")]
        return [*late_says, *actions]

    async def _fresh(self, call_id: str, answers: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
        """Late answers not overtaken: an answer to older words than the newest handled is stale."""
        if not answers:
            return answers
        state = await self._store.load(call_id)
        newest = state.last_seq if state else 0
        return [answer for answer in answers if answer["seq"] >= newest]

    async def _run_turn(self, flow: CallFlow, turn: Turn) -> List[Dict[str, Any]]:
        """Turns of one call run one at a time and in the order they came: a turn waits for
        the call's previous one still running here (a Redis lock is not fair, so it alone
        could let later words overtake earlier ones), and holds the call's lock against
        another process."""
        previous = self._chains.get(turn.call_id)
        mine = asyncio.get_running_loop().create_future()
        self._chains[turn.call_id] = mine
        try:
            if previous is not None:
                await previous
            async with self._store.lock(turn.call_id):
                return await flow.handle(turn)
        finally:
            mine.set_result(None)
            if self._chains.get(turn.call_id) is mine:
                del self._chains[turn.call_id]

    async def _deliver_late(self, work: asyncio.Future, call_id: str, seq: int) -> None:
        try:
            actions = await work
        except Exception:
            logger.exception("a slow hotline turn failed")
            actions = [say(prompts.BUSY), transfer(STAFF_QUEUE, "system_error", "")]
        await self._store.put_late(call_id, seq, actions)

    @staticmethod
    def _holding() -> List[Dict[str, Any]]:
        return [say(prompts.HOLD), gather(timeout_ms=HOLD_GATHER_MS)]

    # --- the bot -------------------------------------------------------------------------
    def _bot_runner(self, on_new_message):
        async def run(text: str, state: CallState) -> tuple:
            output = HotlineOutput()
            metadata: Dict[str, Any] = {"hotline": {"call_id": state.call_id, "callee": state.callee}}
            if state.caller:
                # Channel-neutral: a number the channel itself vouches for (caller ID).
                metadata["worker_phone"] = state.caller
            sender = sender_id(state.call_id)
            await on_new_message(UserMessage(text, output, sender, input_channel=self.name(), metadata=metadata))
            if any(message.get("utter_action") for message in output.messages):
                return output.messages, {}  # a response the bot chose: understood, no tracker read needed
            # Free text (the fallback's question among others): whether the bot understood is in the parse.
            return output.messages, await self._latest_parse(sender)
        return run

    async def _latest_parse(self, sender: str) -> Dict[str, Any]:
        agent = getattr(self._app.ctx, "agent", None) if self._app is not None else None
        if agent is None or agent.tracker_store is None:
            return {}
        try:
            tracker = await agent.tracker_store.retrieve(sender)
        except Exception as error:  # the parse only refines the flow; the answer stands without it
            logger.info("tracker not read after a hotline turn: %s", error)
            return {}
        return tracker.latest_message.parse_data if tracker is not None and tracker.latest_message else {}

    def _keep(self, coroutine) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
