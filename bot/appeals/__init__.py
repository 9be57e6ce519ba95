"""Workers' appeals (诉求): the model, its rules and the Redis-backed store of record."""
from bot.appeals.categories import CATEGORIES, CATEGORY_LABELS
from bot.appeals.errors import AppealBusy, AppealError, AppealNotFound
from bot.appeals.model import Appeal, StatusChange, new_appeal, worker_actor
from bot.appeals.status import LABELS, STEP_LIMIT, TRANSITIONS, Status
from bot.appeals.store import AppealStore
from bot.appeals.tickets import find_ticket, normalize_ticket
from bot.appeals.validation import queue_label

__all__ = [
    "Appeal",
    "AppealBusy",
    "AppealError",
    "AppealNotFound",
    "AppealStore",
    "CATEGORIES",
    "CATEGORY_LABELS",
    "LABELS",
    "STEP_LIMIT",
    "Status",
    "StatusChange",
    "TRANSITIONS",
    "new_appeal",
    "find_ticket",
    "normalize_ticket",
    "queue_label",
    "worker_actor",
]
