"""The console's app factory: `init_app(settings)` wires resources, middlewares, templates
and routes; the resources are opened and closed by `cleanup_ctx`, in order."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import AsyncIterator

import aiohttp
import aiohttp_jinja2
import jinja2
from aiohttp import web
from redis.asyncio import Redis

from bot.appeal_notices import AppealNotifier
from bot.appeals import AppealStore
from bot.capture.personal_data import CapturedMessagesHook
from bot.capture.stream import RecentRecords
from bot.capture.record import pseudonym_key
from bot.console import privacy
from bot.console.accounts import AccountStore
from bot.console.appkeys import (ACCOUNTS, APPEALS, AUDIT, ESCALATIONS, HTTP, NOTIFIER, PERSONAL_DATA, RASA,
                                 REDIS, REPLIES, CHANNELS, SESSIONS, SETTINGS, THROTTLE)
from bot.console.appkeys import INBOX_RECORDS
from bot.console.audit import AuditLog
from bot.console.auth import ACCOUNT, auth_middleware
from bot.console.csrf import csrf_middleware
from bot.console.presentation import FILTERS
from bot.console.rasa_api import RasaClient
from bot.console.responses import Refusal, refuse
from bot.console.retention_task import retention_ctx
from bot.console.insight_task import insight_ctx
from bot.console.routes import setup_routes
from bot.console.sessions import SESSION, Handler, SessionStore, session_middleware
from bot.console.staff_replies import StaffReplies
# Staff work-order basics: canned replies, internal notes, worker labels.
from bot.console.appkeys import ANSWERS, CANNED, LABELS, NOTES
from bot.faq.answer_edits import AnswerEditor
from bot.console.canned_replies import CannedReplies
from bot.console.conversation_notes import ConversationNotes
from bot.console.worker_labels import WorkerLabels
from bot.call_backs import CallBacks
from bot.console.appkeys import CALL_BACKS
from bot.console.throttle import LoginThrottle
from bot.districts import CANONICAL
from bot.escalations import EscalationStore
from bot.personal_data import PersonalData
from bot.redis_keys import RedisKeys
from bot.trackers.hook import EventLogTrackerHook
from bot.settings import Settings
from bot.worker_channels import WorkerChannels

logger = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

INBOX_SCAN_LIMIT = 20_000  # newest captured messages the NLU inbox shows (the stream keeps CAPTURE_STREAM_MAXLEN)

# Scripts and styles come only from /static (no inline code), pictures also as data: URLs.
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


def init_app(settings: Settings) -> web.Application:
    app = web.Application(middlewares=[
        security_headers,
        session_middleware(SESSIONS, secure=not settings.dev_mode),
        error_pages,
        csrf_middleware,
        auth_middleware,
    ], client_max_size=256 * 1024)
    app[SETTINGS] = settings
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html"], default=True),
        context_processors=[template_context],
        filters={**FILTERS, "mask_phone": privacy.mask_phone, "mask_text": privacy.mask_text},
    )
    app.cleanup_ctx.extend([redis_ctx, channels_ctx, http_ctx, stores_ctx, retention_ctx])
    app.cleanup_ctx.append(insight_ctx)  # insight: message stream consumer, overdue sweep
    setup_routes(app, STATIC)
    return app


# --- resources ------------------------------------------------------------------------------
async def redis_ctx(app: web.Application) -> AsyncIterator[None]:
    app[REDIS] = Redis.from_url(app[SETTINGS].redis.url, decode_responses=True)
    yield
    await app[REDIS].close(close_connection_pool=True)


async def channels_ctx(app: web.Application) -> AsyncIterator[None]:
    """Every channel workers come by (bot/worker_channels.py): messages, notices, media."""
    app[CHANNELS] = WorkerChannels(app[SETTINGS])
    yield
    await app[CHANNELS].close()


async def http_ctx(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    app[HTTP] = aiohttp.ClientSession()
    rasa_url = f"http://127.0.0.1:{settings.rasa_port}"
    app[RASA] = RasaClient(app[HTTP], rasa_url, settings.rasa_api_token)
    app[NOTIFIER] = AppealNotifier(app[CHANNELS], rasa_url, settings.rasa_api_token)
    if not settings.rasa_api_token:
        logger.warning("RASA_API_TOKEN is not set: conversations cannot be read, paused or resumed")
    yield
    await app[HTTP].close()


async def stores_ctx(app: web.Application) -> AsyncIterator[None]:
    redis, keys = app[REDIS], RedisKeys(app[SETTINGS].key_prefix)
    app[APPEALS] = AppealStore(redis, keys)
    app[ESCALATIONS] = EscalationStore(redis, keys, appeals=app[APPEALS])
    app[ACCOUNTS] = AccountStore(redis, keys)
    app[SESSIONS] = SessionStore(redis, keys)
    app[THROTTLE] = LoginThrottle(redis, keys)
    app[AUDIT] = AuditLog(redis, keys)
    app[REPLIES] = StaffReplies(redis, keys)
    trackers = EventLogTrackerHook(redis, keys, app[SETTINGS].retention_days * 24 * 3600)
    # The captured messages (NLU inbox stream) follow the conversation on export, erasure and sweep.
    trackers = CapturedMessagesHook(trackers, redis, keys, pseudonym_key(app[SETTINGS].wechat_secret))
    app[PERSONAL_DATA] = PersonalData(redis, keys, app[APPEALS], app[ESCALATIONS], trackers)
    app[INBOX_RECORDS] = RecentRecords(redis, keys, INBOX_SCAN_LIMIT)
    # Staff work-order basics: canned replies, internal notes, worker labels.
    app[CANNED] = CannedReplies(redis, keys)
    app[ANSWERS] = AnswerEditor(app[SETTINGS].faq_answers_file, app[SETTINGS].nlu_export_root, redis,
                                  keys)  # FAQ answer edits
    app[NOTES] = ConversationNotes(redis, keys)
    app[LABELS] = WorkerLabels(redis, keys)
    app[CALL_BACKS] = CallBacks(redis, keys)  # 回访 by phone
    yield


# --- middlewares ----------------------------------------------------------------------------
@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as error:
        _secure(request, error)
        raise
    _secure(request, response)
    return response


def _secure(request: web.Request, response: web.StreamResponse) -> None:
    if response.prepared:
        return
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    if not request.path.startswith("/static/"):
        # Pages hold personal data: never keep them in a shared computer's cache.
        headers.setdefault("Cache-Control", "no-store")


@web.middleware
async def error_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Chinese pages (or JSON) for 404/405 and unexpected errors; no personal data logged."""
    try:
        return await handler(request)
    except Refusal as refusal:
        return refuse(request, refusal.status, refusal.code, refusal.message)
    except web.HTTPNotFound:
        return refuse(request, 404, "not_found", "页面不存在，或记录已被删除。")
    except web.HTTPMethodNotAllowed:
        return refuse(request, 405, "method_not_allowed", "不支持此操作。")
    except web.HTTPException:
        raise
    except Exception as error:  # noqa: BLE001 - the last line of defence for one request
        route = request.match_info.route.resource.canonical if request.match_info.route.resource else "?"
        logger.error("unexpected %s in %s %s", error.__class__.__name__, request.method, route, exc_info=error)
        return refuse(request, 500, "internal", "系统出错了，请稍后重试；如反复出现，请联系管理员。")


# --- templates ------------------------------------------------------------------------------
async def template_context(request: web.Request) -> dict:
    session = request.get(SESSION)
    return {
        "account": request.get(ACCOUNT),
        "csrf_token": session.csrf_token if session is not None else "",
        # Polled fragments never consume the flash messages meant for the next full page.
        "flashes": session.take_flashes() if session is not None and not request.path.startswith("/api/") else [],
        "all_districts": CANONICAL,
        "path": request.path,
    }
