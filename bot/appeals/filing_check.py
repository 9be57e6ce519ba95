"""Every problem of a filing at once, judged by the filing's own rules (model.new_appeal).

new_appeal stops at the first bad field. A staff form should name all of them in one answer,
so this asks new_appeal again with each refused field set aside until it accepts the rest:
the rules stay in one place and a form can never pass here and fail at filing.
"""
from __future__ import annotations

from typing import Any, Dict

from bot.appeals.errors import AppealError
from bot.appeals.model import new_appeal

# What a refused field is replaced by while the others are judged: absent, or a harmless
# stand-in where absence is itself refused (the required text; the phone as the only owner).
_SET_ASIDE = {"description": "-", "phone": "13800000000"}


def problems(fields: Dict[str, Any]) -> Dict[str, str]:
    """Field name → the error code new_appeal gives it ({} when the filing would be accepted).

    A filing without any owner (no openid, no phone) is reported under "phone"."""
    trial, found = dict(fields), {}
    for _ in range(len(fields) + 1):
        try:
            new_appeal("", 0.0, **trial)
            return found
        except AppealError as error:
            field = "phone" if error.code == "no_owner" else error.field
            if field in found:
                return found  # already set aside: nothing more to learn
            found[field or "form"] = error.code
            if field is None or field not in trial:
                return found
            trial[field] = _SET_ASIDE.get(field)
    return found
