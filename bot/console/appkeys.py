"""Typed keys of the console application's shared resources (created in app.init_app)."""
from __future__ import annotations

import aiohttp
from aiohttp import web
from redis.asyncio import Redis

from bot.appeals import AppealStore
from bot.call_backs import CallBacks
from bot.capture.stream import RecentRecords
from bot.console.accounts import AccountStore
from bot.console.audit import AuditLog
from bot.console.canned_replies import CannedReplies
from bot.console.conversation_notes import ConversationNotes
from bot.console.rasa_api import RasaClient
from bot.console.sessions import SessionStore
from bot.console.staff_replies import StaffReplies
from bot.console.throttle import LoginThrottle
from bot.console.worker_labels import WorkerLabels
from bot.escalations import EscalationStore
from bot.faq.answer_edits import AnswerEditor
from bot.personal_data import PersonalData
from bot.appeal_notices import AppealNotifier
from bot.settings import Settings
from bot.worker_channels import WorkerChannels

SETTINGS = web.AppKey("settings", Settings)
REDIS = web.AppKey("redis", Redis)
CHANNELS = web.AppKey("channels", WorkerChannels)
HTTP = web.AppKey("http", aiohttp.ClientSession)
RASA = web.AppKey("rasa", RasaClient)
NOTIFIER = web.AppKey("notifier", AppealNotifier)
APPEALS = web.AppKey("appeals", AppealStore)
ESCALATIONS = web.AppKey("escalations", EscalationStore)
ACCOUNTS = web.AppKey("accounts", AccountStore)
SESSIONS = web.AppKey("sessions", SessionStore)
THROTTLE = web.AppKey("throttle", LoginThrottle)
AUDIT = web.AppKey("audit", AuditLog)
REPLIES = web.AppKey("staff_replies", StaffReplies)
PERSONAL_DATA = web.AppKey("personal_data", PersonalData)
INBOX_RECORDS = web.AppKey("inbox_records", RecentRecords)  # the NLU inbox's cache of the capture stream
# Staff work-order basics (views_queue, views_conversation, views_canned).
CANNED = web.AppKey("canned_replies", CannedReplies)
NOTES = web.AppKey("conversation_notes", ConversationNotes)
LABELS = web.AppKey("worker_labels", WorkerLabels)
CALL_BACKS = web.AppKey("call_backs", CallBacks)  # 回访 by phone (views_call_backs)
ANSWERS = web.AppKey("faq_answers", AnswerEditor)  # admins' FAQ answer edits (views_answers)
