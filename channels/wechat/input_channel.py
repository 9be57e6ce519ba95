"""Rasa custom channel `wechat`: the official account's server URL.

GET /webhooks/wechat/          health
GET /webhooks/wechat/webhook   WeChat's URL verification
POST /webhooks/wechat/webhook  messages and events (with an EncodingAESKey: compatible or safe
                               mode, encrypted envelope only; without one: plaintext mode)

Each message is answered once: passively when the bot finishes within the deadline, else
with `success` at once and the answer through the customer-service API. Retries of a message
never run the bot again (the ledger in Redis), whichever process they reach.
"""
from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from typing import Any, Awaitable, Callable, Dict, Optional, Set, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.tracker_store_check import refuse_in_memory
from bot.follow_up import BUSY_TEXT, OUTAGE_ERRORS
from bot.appeals.evidence import attach_to_open_appeal
from bot.escalations import EscalationStore
from bot.paused_crisis import respond_to_paused_crisis
from bot.settings import Settings
from bot import log_privacy
from channels.wechat.inbound import Inbound, interpret
from channels.wechat.inbound import MEDIA_ATTACHED, MEDIA_WORDS, Inbound, interpret
from channels.wechat.ledger import Outcome
from bot.log_privacy import pseudonym
from channels.wechat.output_channel import CustomerServiceOutput, WeChatOutput
from channels.wechat.replies import SUCCESS, merge, split_utf8, text_reply_xml
from channels.wechat.runtime import ChannelRuntime
from channels.wechat.security import (
    MAX_BODY_BYTES, ForbiddenRequest, MalformedMessage, MessageCipher, open_request, query_refusal,
)

logger = logging.getLogger(__name__)

TYPING_KEY_TTL_S = 15
TIMESTAMP_TRUST_S = 60  # beyond this the query timestamp is clock skew, not queueing


class WeChatInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "wechat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WeChatInput":
        # Configured from the environment (bot/settings.py), so secrets never sit in YAML.
        return cls(Settings.from_env())

    def __init__(self, settings: Settings):
        self.settings = settings
        self.cipher = (MessageCipher(settings.wechat_token, settings.wechat_aes_key, settings.wechat_appid)
                       if settings.wechat_aes_key else None)
        self._runtime: Optional[ChannelRuntime] = None
        self._app: Optional[Sanic] = None  # the server, for its agent's tracker store
        self._tasks: Set[asyncio.Task] = set()

    @property
    def runtime(self) -> ChannelRuntime:
        # Created on first use, inside the server's event loop.
        if self._runtime is None:
            self._runtime = ChannelRuntime(self.settings)
        return self._runtime

    def get_output_channel(self) -> OutputChannel:
        # Used by Rasa's API (`output_channel=wechat`) to reach a worker between their messages.
        return CustomerServiceOutput(self.runtime.outbox)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # Before the server starts (and forks its workers): no query string or OpenID in any log.
        log_privacy.install(self.settings.wechat_secret)
        webhook = Blueprint("wechat_webhook", __name__)

        @webhook.listener("after_server_start")
        async def start_background(app: Sanic, _loop) -> None:
            # A conversation kept in this process's memory would fork from the real one.
            refuse_in_memory(getattr(app.ctx, "agent", None))
            self._app = app
            self.runtime.start_replay()

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            if not self._signed(request):
                return response.text("forbidden", status=403)
            return response.text(request.args.get("echostr", ""))

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request, on_new_message)

        return webhook

    # --- request handling ----------------------------------------------------------
    def _signed(self, request: Request) -> bool:
        """A valid `signature` over a timestamp within the window (a leaked URL soon expires)."""
        refusal = query_refusal(self.settings.wechat_token, request.args)
        if refusal == "timestamp outside the window":
            logger.warning("wechat request refused: timestamp outside the window (%s)",
                           pseudonym(request.args.get("openid")))
        return refusal is None

    async def _receive(self, request: Request, on_new_message) -> HTTPResponse:
        began = time.monotonic()
        if not self._signed(request):
            return response.text("forbidden", status=403)
        started = (began, float(request.args.get("timestamp")))
        if len(request.body or b"") > MAX_BODY_BYTES:
            return response.text("payload too large", status=413)
        try:
            fields, encrypted = self._open(request)
            inbound = interpret(fields)
        except ForbiddenRequest as error:
            logger.warning("wechat request refused (%s): %s", pseudonym(request.args.get("openid")), error)
            return response.text("forbidden", status=403)
        except MalformedMessage as error:
            logger.info("wechat message ignored: %s", error)
            return response.text(SUCCESS)
        reply = await self._answer(inbound, on_new_message, started)
        return self._respond(reply, inbound, encrypted, request.args.get("nonce", ""))

    def _open(self, request: Request):
        """The message's fields, decrypted when the request is encrypted (security.open_message).

        On the event loop on purpose: MAX_BODY_BYTES bounds it to about 1.5 ms (decrypt and
        parse of a 64 KB body on this project's machine). What stalled everyone was NLU on a
        huge text, which inbound.py now caps.
        """
        return open_request(request.body or b"", request.args, self.cipher)

    def _respond(self, reply: Optional[str], inbound: Inbound, encrypted: bool, nonce: str) -> HTTPResponse:
        if not reply:
            return response.text(SUCCESS)
        xml = text_reply_xml(inbound.openid, inbound.account, reply)
        if encrypted:
            xml = self.cipher.encrypt(xml, nonce)
        return response.text(xml, content_type="application/xml; charset=utf-8")

    # --- answering once ------------------------------------------------------------
    def _remaining(self, started: float, sent_at: Optional[float] = None) -> float:
        elapsed = time.monotonic() - started
        if sent_at is not None:
            # Under load a request can wait before this handler runs; WeChat's clock started
            # when it sent the request (whole seconds, so one second of slack is given back).
            waited = time.time() - sent_at - 1.0
            if 0 < waited < TIMESTAMP_TRUST_S:
                elapsed = max(elapsed, waited)
        return max(0.0, self.settings.wechat_reply_deadline - elapsed)

    async def _answer(self, inbound: Inbound, on_new_message, started: tuple) -> Optional[str]:
        """The passive reply (None: `success`). Never raises: whatever fails, the worker is
        answered, and recorded for follow-up when the bot could not answer."""
        try:
            return await self._answer_once(inbound, on_new_message, started)
        except Exception:
            logger.exception("answering a WeChat message failed")
            await self._record_follow_up(inbound)
            return BUSY_TEXT

    async def _answer_once(self, inbound: Inbound, on_new_message, started: tuple) -> Optional[str]:
        runtime = self.runtime
        try:
            claimed = await runtime.ledger.claim(inbound.dedup_key)
        except OUTAGE_ERRORS as error:
            # Without the ledger the bot cannot run exactly once (nor at all: Rasa keeps its
            # trackers and locks in Redis), so the worker is answered and followed up instead.
            logger.warning("Redis unreachable, message answered without the bot: %s", error)
            return await self._answer_in_outage(inbound)
        if not claimed:
            return await self._outcome_of_first_attempt(inbound, started)
        if await self._answered_during_outage(inbound):
            return BUSY_TEXT
        await self._apply_record(inbound)
        if inbound.record:
            inbound = await self._file_evidence(inbound)
        kept = [] if inbound.is_event else await self._take_kept(inbound.openid)
        if inbound.bot_text is None:
            return await self._finish(inbound, merge([*kept, inbound.direct_reply or ""]))
        turn = asyncio.ensure_future(self._run_bot(on_new_message, inbound))
        try:
            said = await asyncio.wait_for(asyncio.shield(turn), timeout=self._remaining(*started))
        except asyncio.TimeoutError:
            self._keep(self._deliver_later(turn, inbound, kept))
            await self._settle(inbound, Outcome(None, delivered_async=True))
            return None
        except asyncio.CancelledError:
            # The caller's connection dropped (a killed gateway, WeChat giving up) and Sanic
            # cancels the handler; the turn goes on. Its answer goes as a customer-service
            # message, and the ledger says so: a retry runs nothing and waits for nothing.
            self._keep(self._deliver_later(turn, inbound, kept))
            self._keep(self._settle(inbound, Outcome(None, delivered_async=True)))
            raise
        return await self._finish(inbound, merge([*kept, said]))

    async def _outcome_of_first_attempt(self, inbound: Inbound, started: tuple) -> Optional[str]:
        """A retry or replay: carry the first attempt's passive answer back, run nothing."""
        try:
            outcome = await self.runtime.ledger.wait_for_outcome(inbound.dedup_key, self._remaining(*started))
        except OUTAGE_ERRORS:
            return BUSY_TEXT  # the first attempt answers and records the worker itself
        return outcome.reply if outcome and not outcome.delivered_async else None

    async def _answer_in_outage(self, inbound: Inbound) -> Optional[str]:
        if inbound.bot_text is None:
            if inbound.record:
                logger.warning("Redis unreachable: a %s message's record was not kept", inbound.kind)
            return inbound.direct_reply
        await self._record_follow_up(inbound)
        return BUSY_TEXT

    async def _answered_during_outage(self, inbound: Inbound) -> bool:
        """A retry, after Redis came back, of a message already answered during the outage."""
        try:
            if not await self.runtime.follow_ups.answered_during_outage(inbound.dedup_key):
                return False
        except OSError as error:
            logger.error("follow-up spool unreadable: %s", error)
            return False
        await self._settle(inbound, Outcome(BUSY_TEXT, delivered_async=False))
        return True

    async def _apply_record(self, inbound: Inbound) -> None:
        if not inbound.record:
            return
        try:
            await self.runtime.records.apply(inbound.openid, inbound.record)
        except OUTAGE_ERRORS as error:
            logger.warning("Redis unreachable: a %s message's record was not kept: %s", inbound.kind, error)

    async def _take_kept(self, openid: str) -> list:
        try:
            return await self.runtime.outbox.take_undelivered(openid)
        except OUTAGE_ERRORS as error:  # they stay in Redis for a later message
            logger.warning("Redis unreachable: kept texts not read: %s", error)
            return []

    async def _file_evidence(self, inbound: Inbound) -> Inbound:
        """A photo or file sent after filing is attached to the open appeal; the reply says which."""
        media = inbound.record.get("media")
        if not media:
            return inbound
        ticket = await attach_to_open_appeal(self.runtime.appeals, self.runtime.filing_marks, inbound.openid,
                                             {"type": media.get("type"), "media_id": media.get("media_id"),
                                              "title": media.get("title") or None})
        if ticket is None:
            return inbound
        what = MEDIA_WORDS.get(inbound.kind, "材料")
        return dataclasses.replace(inbound, direct_reply=MEDIA_ATTACHED.format(what=what, ticket=ticket))

    async def _finish(self, inbound: Inbound, text: str) -> Optional[str]:
        """Record the passive reply for retries; parts past 2048 bytes go as customer-service messages."""
        chunks = split_utf8(text) if text else []
        passive = chunks[0] if chunks else None
        if len(chunks) > 1:
            self._keep(self._send(inbound, "\n".join(chunks[1:])))
        await self._settle(inbound, Outcome(passive, delivered_async=False))
        return passive

    async def _settle(self, inbound: Inbound, outcome: Outcome) -> None:
        try:
            await self.runtime.ledger.finish(inbound.dedup_key, outcome)
        except OUTAGE_ERRORS as error:
            # The running claim expires by itself; the worker's answer is not held up for it.
            logger.warning("Redis unreachable: outcome of a message not recorded: %s", error)

    async def _run_bot(self, on_new_message, inbound: Inbound) -> str:
        """What the bot said in this turn. A turn in which it said nothing although the
        conversation is not paused (action server down, an exception, Redis failing) is
        answered with BUSY_TEXT and the worker is recorded for staff to follow up."""
        output = WeChatOutput()
        metadata = {"wechat": inbound.metadata}
        try:
            await on_new_message(UserMessage(inbound.bot_text, output, inbound.openid,
                                             input_channel=self.name(), metadata=metadata))
        except Exception:
            logger.exception("the bot failed on a WeChat message")
        said = output.rendered()
        if said:
            return said
        if await self._paused(inbound.openid):
            # Staff have the conversation, so the bot is rightly silent; a crisis still gets
            # the help lines and a person now.
            store = EscalationStore(self.runtime.redis, self.runtime.keys)
            return await respond_to_paused_crisis(store, inbound.openid, inbound.full_text or inbound.bot_text) or ""
        logger.warning("silent turn on a WeChat message: answered busy, worker queued for follow-up")
        await self._record_follow_up(inbound)
        return BUSY_TEXT

    async def _paused(self, openid: str) -> bool:
        """Whether the conversation is paused (the bot handed it to a person, or staff took it
        over): then the bot's silence is right. Read from the tracker Rasa itself consults."""
        agent = getattr(self._app.ctx, "agent", None) if self._app is not None else None
        if agent is None or agent.tracker_store is None:
            return False
        try:
            tracker = await agent.tracker_store.retrieve(openid)
        except Exception as error:  # unknown is treated as not paused: better a busy text than silence
            logger.warning("could not read whether a conversation is paused: %s", error)
            return False
        return tracker is not None and tracker.is_paused()

    async def _record_follow_up(self, inbound: Inbound) -> None:
        try:
            await self.runtime.follow_ups.record(inbound.openid, inbound.bot_text, inbound.dedup_key, self.name())
        except Exception:  # the worker is still answered; the log is the last record left
            logger.exception("follow-up NOT recorded for an unanswered WeChat message (%s)", pseudonym(inbound.openid))

    async def _deliver_later(self, turn: asyncio.Future, inbound: Inbound, kept) -> None:
        await self._show_typing(inbound.openid)
        said = await turn
        text = merge([*kept, said])
        if text:
            await self._send(inbound, text)

    async def _send(self, inbound: Inbound, text: str) -> None:
        try:
            await self.runtime.outbox.send(inbound.openid, text)
        except OUTAGE_ERRORS as error:
            # Neither sent nor kept for later: the worker heard nothing, so staff follow up.
            logger.warning("Redis unreachable: customer-service message lost: %s", error)
            await self._record_follow_up(inbound)

    async def _show_typing(self, openid: str) -> None:
        # WeChat refuses a second indicator while one shows (45081): one per worker at a time.
        runtime = self.runtime
        try:
            if await runtime.redis.set(runtime.keys.wechat_typing(openid), "1", nx=True, ex=TYPING_KEY_TTL_S):
                await runtime.api.typing(openid)
        except Exception as error:  # the indicator is a courtesy; never fail the answer for it
            logger.info("typing indicator not shown: %s", error)

    def _keep(self, coroutine) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
