"""Erasing a worker's personal data from an appeal, which the union keeps as a record.

Under 个人信息保护法 a worker may ask for their data to be deleted, and nothing is kept past
the retention period; but an appeal is also the union's record of a case (who owned it,
what was done, how long it took). So the record stays and what identifies the worker goes:
name, phone, the OpenID that links it to their WeChat account, their uploads, their name in
the history; in free text (the description, the 回访 comment, staff notes) phone numbers,
long digit runs (ID and bank card numbers) and their name are blanked. Pure: the store
applies it atomically like any other change.
"""
from __future__ import annotations

import copy
import re
from dataclasses import replace
from typing import Iterable, Optional

from bot.appeals.model import Appeal
from bot.appeals.phones import find_mobiles

ERASED_WORKER = "worker:已删除"
PHONE_MARK = "[手机号已删除]"
NUMBER_MARK = "[号码已删除]"
NAME_MARK = "[姓名已删除]"
# ID card (18), bank card (16-19), landlines: any run of 7+ digits, with spaces or dashes inside.
_LONG_NUMBER = re.compile(r"\d(?:[\s\-]?\d){6,}[\dXx]?")


def blank_free_text(text: Optional[str], names: Iterable[Optional[str]] = ()) -> Optional[str]:
    """`text` without mobile numbers, long digit runs and the given names."""
    if not text:
        return text
    parts, end = [], 0
    for found in find_mobiles(text):
        parts += [text[end:found.start], PHONE_MARK]
        end = found.end
    text = "".join(parts) + text[end:]
    text = _LONG_NUMBER.sub(NUMBER_MARK, text)
    for name in names:
        if name and len(name.strip()) >= 2:
            text = text.replace(name.strip(), NAME_MARK)
    return text


def erase_personal(appeal: Appeal, actor: str, now: float, why: str) -> Appeal:
    """The appeal with the worker's personal fields erased; the same appeal if already done."""
    if appeal.personal_data_erased_at is not None:
        return appeal
    names = [appeal.name]
    owners = appeal.owner_actors()
    changed = copy.deepcopy(appeal)
    changed.name = changed.phone = changed.openid = None
    changed.description = blank_free_text(appeal.description, names) or "[已删除]"
    changed.satisfaction_comment = blank_free_text(appeal.satisfaction_comment, names)
    changed.evidence = []
    changed.history = [replace(step, actor=ERASED_WORKER) if step.actor in owners else step
                       for step in appeal.history]
    changed.notes = [{**note, "text": blank_free_text(note.get("text"), names)} for note in appeal.notes]
    changed.worklog = [_erase_entry(entry, names) for entry in appeal.worklog]
    changed.notes.append({"at": now, "actor": actor, "text": f"职工个人信息已删除（{why}）"})
    changed.personal_data_erased_at = now
    changed.updated_at = now
    return changed


PERSONAL_FIELDS = {"phone", "name"}


def _erase_entry(entry: dict, names: list) -> dict:
    """A staff correction of the worker's phone or name loses both values; free text is blanked."""
    names = [*names, *((entry.get("before"), entry.get("after")) if entry.get("field") == "name" else ())]
    cleaned = {**entry, "reason": blank_free_text(entry.get("reason"), names)}
    if entry.get("field") in PERSONAL_FIELDS:
        cleaned["before"] = cleaned["after"] = "[已删除]"
    elif entry.get("field") == "description":
        cleaned["before"] = blank_free_text(entry.get("before"), names)
        cleaned["after"] = blank_free_text(entry.get("after"), names)
    return cleaned
