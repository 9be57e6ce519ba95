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
import logging
import time
from typing import Any, Awaitable, Callable, Dict, Optional, Set, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.escalations import EscalationStore
from bot.paused_crisis import respond_to_paused_crisis
from bot.settings import Settings
from channels.wechat import log_privacy
from channels.wechat.inbound import Inbound, interpret
from channels.wechat.ledger import Outcome
from channels.wechat.log_privacy import pseudonym
from channels.wechat.output_channel import CustomerServiceOutput, WeChatOutput
from channels.wechat.replies import SUCCESS, merge, split_utf8, text_reply_xml
from channels.wechat.runtime import ChannelRuntime
from channels.wechat.security import (
    MAX_BODY_BYTES, ForbiddenRequest, MalformedMessage, MessageCipher, open_message, signature_matches,
    timestamp_fresh,
)

logger = logging.getLogger(__name__)

BOT_FAILED = "抱歉，系统暂时有点忙，请稍后再发一次；着急的话请拨打12351职工服务热线。"
TYPING_KEY_TTL_S = 15
TIMESTAMP_TRUST_S = 60  # beyond this the query timestamp is clock skew, not queueing
QUERY_FIELDS = ("timestamp", "nonce", "msg_signature", "encrypt_type")


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
        args = request.args
        timestamp = args.get("timestamp", "")
        if not signature_matches((self.settings.wechat_token, timestamp, args.get("nonce", "")),
                                 args.get("signature")):
            return False
        if not timestamp_fresh(timestamp):
            # Signed by the token, so WeChat's once: a replayed URL, or this server's clock is off.
            logger.warning("wechat request refused: timestamp outside the window (%s)",
                           pseudonym(args.get("openid")))
            return False
        return True

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
        query = {name: request.args.get(name, "") for name in QUERY_FIELDS}
        return open_message(request.body or b"", query, self.cipher)

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
        runtime = self.runtime
        if not await runtime.ledger.claim(inbound.dedup_key):
            outcome = await runtime.ledger.wait_for_outcome(inbound.dedup_key, self._remaining(*started))
            return outcome.reply if outcome and not outcome.delivered_async else None
        if inbound.record:
            await runtime.records.apply(inbound.openid, inbound.record)
        kept = [] if inbound.is_event else await runtime.outbox.take_undelivered(inbound.openid)
        if inbound.bot_text is None:
            return await self._finish(inbound, merge([*kept, inbound.direct_reply or ""]))
        output = WeChatOutput()
        turn = asyncio.ensure_future(self._run_bot(on_new_message, inbound, output))
        try:
            await asyncio.wait_for(asyncio.shield(turn), timeout=self._remaining(*started))
        except asyncio.TimeoutError:
            self._keep(self._deliver_later(turn, inbound, output, kept))
            await runtime.ledger.finish(inbound.dedup_key, Outcome(None, delivered_async=True))
            return None
        return await self._finish(inbound, merge([*kept, output.rendered()]))

    async def _finish(self, inbound: Inbound, text: str) -> Optional[str]:
        """Record the passive reply for retries; parts past 2048 bytes go as customer-service messages."""
        chunks = split_utf8(text) if text else []
        passive = chunks[0] if chunks else None
        if len(chunks) > 1:
            self._keep(self.runtime.outbox.send(inbound.openid, "\n".join(chunks[1:])))
        await self.runtime.ledger.finish(inbound.dedup_key, Outcome(passive, delivered_async=False))
        return passive

    async def _run_bot(self, on_new_message, inbound: Inbound, output: WeChatOutput) -> None:
        metadata = {"wechat": inbound.metadata}
        try:
            await on_new_message(UserMessage(inbound.bot_text, output, inbound.openid,
                                             input_channel=self.name(), metadata=metadata))
        except Exception:
            logger.exception("the bot failed on a WeChat message")
            output.messages.append({"text": BOT_FAILED})
            return
        if not output.messages:  # the bot is paused: a crisis still gets help and a person now
            store = EscalationStore(self.runtime.redis, self.runtime.keys)
            answer = await respond_to_paused_crisis(store, inbound.openid, inbound.full_text or inbound.bot_text)
            if answer:
                output.messages.append({"text": answer})

    async def _deliver_later(self, turn: asyncio.Future, inbound: Inbound, output: WeChatOutput, kept) -> None:
        await self._show_typing(inbound.openid)
        await turn
        text = merge([*kept, output.rendered()])
        if text:
            await self.runtime.outbox.send(inbound.openid, text)

    async def _show_typing(self, openid: str) -> None:
        # WeChat refuses a second indicator while one shows (45081): one per worker at a time.
        runtime = self.runtime
        if await runtime.redis.set(runtime.keys.wechat_typing(openid), "1", nx=True, ex=TYPING_KEY_TTL_S):
            try:
                await runtime.api.typing(openid)
            except Exception as error:  # the indicator is a courtesy; never fail the answer for it
                logger.info("typing indicator not shown: %s", error)

    def _keep(self, coroutine) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
