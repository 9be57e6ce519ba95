"""The official account's webhook while the Rasa server cannot answer (the gateway's fallback).

bot/gateway forwards every WeChat request to the channel inside Rasa. When Rasa is down or
restarting (loading a model takes minutes), the gateway calls this instead, so the worker is
never left without an answer and nothing they wrote is lost:
- the URL check and every message are verified exactly as the channel does (security.py):
  a forged or stale request gets 403;
- a message is claimed in the same ledger, so a retry of it, here or in Rasa once it is back,
  never runs the bot; the first attempt's answer is carried back instead; a message a live
  but slow Rasa has claimed stays Rasa's (its answer is passed on, however late);
- the worker gets BUSY_TEXT passively and goes into the human queue with `system_busy`
  (bot/follow_up.py, the path the channel takes when a turn produced nothing).
No Rasa import here: the gateway starts in about a second.
"""
from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import List, Mapping, Optional

from aiohttp import web

from bot.follow_up import BUSY_TEXT, OUTAGE_ERRORS, FollowUps
from bot.gateway.forward import RasaUnreachable
from bot.gateway.standbys import Context, Route
from bot.log_privacy import pseudonym
from bot.settings import Settings
from channels.wechat.inbound import Inbound, interpret
from channels.wechat.ledger import InboundLedger, Outcome
from channels.wechat.records import WeChatRecords
from channels.wechat.replies import SUCCESS, text_reply_xml
from channels.wechat.security import (
    MAX_BODY_BYTES, ForbiddenRequest, MalformedMessage, MessageCipher, open_request, query_refusal,
)

logger = logging.getLogger(__name__)

CHANNEL = "wechat"
XML = "application/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


@dataclasses.dataclass(frozen=True)
class Answer:
    status: int
    body: str
    content_type: str = TEXT


class RasaHoldsIt(Exception):
    """A live Rasa claimed the message and is answering it: the answer is Rasa's to give."""


class WeChatStandby:
    def __init__(self, settings: Settings, ledger: InboundLedger, records: WeChatRecords, follow_ups: FollowUps):
        self._token = settings.wechat_token
        self._cipher = (MessageCipher(settings.wechat_token, settings.wechat_aes_key, settings.wechat_appid)
                        if settings.wechat_aes_key else None)
        self._ledger, self._records, self._follow_ups = ledger, records, follow_ups

    def verify(self, args: Mapping[str, str]) -> Answer:
        """WeChat's URL check (GET): echo `echostr` for a signed, fresh URL."""
        if query_refusal(self._token, args) is not None:
            return Answer(403, "forbidden")
        return Answer(200, args.get("echostr") or "")

    async def receive(self, args: Mapping[str, str], body: bytes, rasa_gone: bool) -> Optional[Answer]:
        """A message Rasa could not answer. `rasa_gone`: the connection to Rasa failed (it died,
        so a claim it left running is dead too) rather than Rasa being merely slow. None: a
        live Rasa holds the message, so its own answer is the one to wait for."""
        refusal = query_refusal(self._token, args)
        if refusal is not None:
            logger.warning("wechat request refused by the gateway: %s", refusal)
            return Answer(403, "forbidden")
        if len(body) > MAX_BODY_BYTES:
            return Answer(413, "payload too large")
        try:
            fields, encrypted = open_request(body, args, self._cipher)
            inbound = interpret(fields)
        except ForbiddenRequest as error:
            logger.warning("wechat request refused by the gateway: %s", error)
            return Answer(403, "forbidden")
        except MalformedMessage as error:
            logger.info("wechat message ignored: %s", error)
            return Answer(200, SUCCESS)
        try:
            reply = await self._answer(inbound, rasa_gone)
        except RasaHoldsIt:
            return None
        return self._respond(reply, inbound, encrypted, args.get("nonce") or "")

    async def _answer(self, inbound: Inbound, rasa_gone: bool) -> Optional[str]:
        try:
            claimed = await self._ledger.claim(inbound.dedup_key)
            if not claimed:
                earlier = await self._ledger.wait_for_outcome(inbound.dedup_key, 0)
                if earlier is not None:  # answered before: carry that answer back, run nothing
                    return earlier.reply if not earlier.delivered_async else None
                if not rasa_gone:
                    raise RasaHoldsIt()
                # The claim was left by a Rasa that died in the middle of the turn.
                logger.warning("a message claimed by a Rasa that died is answered by the gateway (%s)",
                               pseudonym(inbound.openid))
        except OUTAGE_ERRORS as error:
            logger.warning("Redis unreachable too, message answered without the ledger: %s", error)
            return await self._without_bot(inbound)
        reply = await self._without_bot(inbound)
        try:
            await self._ledger.finish(inbound.dedup_key, Outcome(reply, delivered_async=False))
        except OUTAGE_ERRORS as error:  # the claim expires by itself; the answer is not held up
            logger.warning("Redis unreachable: outcome of a message not recorded: %s", error)
        return reply

    async def _without_bot(self, inbound: Inbound) -> Optional[str]:
        """What the channel answers when the bot cannot run: a direct answer stays (media kept,
        a location noted); words for the bot get BUSY_TEXT and a person follows up."""
        if inbound.record:
            try:
                await self._records.apply(inbound.openid, inbound.record)
            except OUTAGE_ERRORS as error:
                logger.warning("Redis unreachable: a %s message's record was not kept: %s", inbound.kind, error)
        if inbound.bot_text is None:
            return inbound.direct_reply
        try:
            # Queued, or spooled while Redis is down (the channel replays the spool once Rasa is back).
            await self._follow_ups.record(inbound.openid, inbound.full_text or inbound.bot_text,
                                          inbound.dedup_key, CHANNEL)
        except Exception:  # the worker is still answered; the log is the last record left
            logger.exception("follow-up NOT recorded for a WeChat message (%s)", pseudonym(inbound.openid))
        return BUSY_TEXT

    def _respond(self, reply: Optional[str], inbound: Inbound, encrypted: bool, nonce: str) -> Answer:
        if not reply:
            return Answer(200, SUCCESS)
        xml = text_reply_xml(inbound.openid, inbound.account, reply)
        if encrypted:
            xml = self._cipher.encrypt(xml, nonce)
        return Answer(200, xml, XML)


# --- the gateway's routes (bot/gateway/standbys.py) ----------------------------------------------
WEBHOOK_PATH = "/webhooks/wechat/webhook"
VERIFY_TIMEOUT_S = 3.0
# WeChat waits 5 s in all: Rasa's channel answers within WECHAT_REPLY_DEADLINE; what is left
# of the 5 s is the gateway's, to answer by itself.
WECHAT_LIMIT_S = 4.6
MARGIN_S = 0.5


def message_timeout(settings: Settings) -> float:
    return max(1.0, min(WECHAT_LIMIT_S, settings.wechat_reply_deadline + MARGIN_S))


def routes(context: Context) -> List[Route]:
    standby = WeChatStandby(context.settings, InboundLedger(context.redis, context.keys),
                            WeChatRecords(context.redis, context.keys), context.follow_ups)

    def respond(answer: Answer) -> web.Response:
        return web.Response(status=answer.status, text=answer.body,
                            content_type=answer.content_type.split(";")[0], charset="utf-8")

    async def verify(request, _body: bytes, _failure: RasaUnreachable):
        return respond(standby.verify(request.query))

    async def receive(request, body: bytes, failure: RasaUnreachable):
        answer = await standby.receive(request.query, body, failure.gone)
        if answer is None and failure.late is not None:
            # Rasa is working on this very message: pass its answer on, however late (a retry
            # from WeChat reaches Rasa's ledger and carries it back, as without the gateway).
            try:
                return await asyncio.shield(failure.late)
            except RasaUnreachable:  # it died meanwhile: its claim is dead too
                answer = await standby.receive(request.query, body, True)
        return respond(answer or Answer(200, SUCCESS))

    return [Route("GET", WEBHOOK_PATH, VERIFY_TIMEOUT_S, verify),
            Route("POST", WEBHOOK_PATH, message_timeout(context.settings), receive)]
