"""The hotline's webhook while the Rasa server cannot answer (the gateway's fallback).

The caller must never hear silence: a genuine turn (checked exactly as the channel checks it,
security.py and protocol.py) is answered with a short busy prompt and a transfer to a person,
as the channel itself answers when Redis is out; the caller also goes into the human queue
(`system_busy`), so staff can call back should the transfer fail. No Rasa import here.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Mapping, Optional, Tuple

from aiohttp import web

from bot.follow_up import FollowUps
from bot.gateway.forward import RasaUnreachable
from bot.gateway.standbys import Context, Route
from channels.hotline import prompts, security
from channels.hotline.call_flow import STAFF_QUEUE
from channels.hotline.protocol import MalformedTurn, Turn, hangup, parse_turn, say, transfer
from channels.hotline.worker_channel import sender_id

logger = logging.getLogger(__name__)

CHANNEL = "hotline"
REASON = "system_busy"


class HotlineStandby:
    def __init__(self, secret: str, follow_ups: FollowUps):
        self._secret = secret
        self._follow_ups = follow_ups

    async def receive(self, headers: Mapping[str, str], body: bytes) -> Tuple[int, Dict[str, Any]]:
        """(HTTP status, JSON body) for one IVR turn Rasa could not answer."""
        if not self._secret:
            return 403, {"error": "forbidden"}
        if len(body) > security.MAX_BODY_BYTES:
            return 413, {"error": "payload too large"}
        try:
            security.check(self._secret, headers.get(security.TIMESTAMP_HEADER),
                           headers.get(security.SIGNATURE_HEADER), body)
        except security.ForbiddenRequest as error:
            logger.warning("hotline request refused by the gateway: %s", error)
            return 403, {"error": "forbidden"}
        try:
            turn = parse_turn(body)
        except MalformedTurn as error:
            return 400, {"error": "malformed", "field": str(error)}
        if turn.event == "hangup":
            return 200, {"actions": []}
        await self._record(turn)
        if turn.event == "transfer_failed":
            # Transferring again would loop; the queue entry is the promise of a call back.
            return 200, {"actions": [say(prompts.CALL_BACK), hangup()]}
        return 200, {"actions": [say(prompts.BUSY), transfer(STAFF_QUEUE, REASON, "")]}

    async def _record(self, turn: Turn) -> None:
        words: Optional[str] = turn.text or (f"按键{turn.digits}" if turn.digits else None)
        excerpt = " ".join(part for part in (f"来电{turn.caller}" if turn.caller else "", words or "") if part)
        try:
            await self._follow_ups.record(sender_id(turn.call_id), excerpt or None,
                                          f"hotline:{turn.call_id}:{turn.seq}", CHANNEL)
        except Exception:  # the caller is still transferred; the log is the last record left
            logger.exception("follow-up NOT recorded for a hotline call")


# --- the gateway's routes (bot/gateway/standbys.py) ----------------------------------------------
WEBHOOK_PATH = "/webhooks/hotline/webhook"
MARGIN_S = 0.5  # past the turn deadline the channel would have answered (a holding prompt at least)


def routes(context: Context) -> List[Route]:
    standby = HotlineStandby(context.settings.hotline_secret, context.follow_ups)

    async def receive(request, body: bytes, _failure: RasaUnreachable):
        status, payload = await standby.receive(request.headers, body)
        return web.json_response(payload, status=status)

    return [Route("POST", WEBHOOK_PATH, context.settings.hotline_turn_deadline + MARGIN_S, receive)]
