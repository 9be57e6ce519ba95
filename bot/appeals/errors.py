"""Errors the appeal store raises.

Each carries a machine-readable `code` (and the offending `field` for bad input), so the
actions and the staff console can answer in Chinese without parsing English messages.
"""
from __future__ import annotations

from typing import Optional


class AppealError(ValueError):
    """Refused input or a refused change; nothing was written."""

    def __init__(self, message: str, code: str = "invalid", field: Optional[str] = None):
        super().__init__(message)
        self.code = code
        self.field = field


class AppealNotFound(AppealError):
    """No appeal has that ticket number."""

    def __init__(self, ticket_id: str):
        super().__init__(f"no appeal with ticket number {ticket_id!r}", code="not_found", field="ticket_id")
        self.ticket_id = ticket_id


class AppealBusy(AppealError):
    """Too many concurrent writers on one appeal; the caller may simply try again."""

    def __init__(self, ticket_id: str):
        super().__init__(f"appeal {ticket_id} is being changed by others; try again", code="busy")
        self.ticket_id = ticket_id
