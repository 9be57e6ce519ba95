"""A filtered appeal list as a spreadsheet file staff open in Excel or WPS: CSV in UTF-8 with a
byte-order mark (without it Excel reads the Chinese as GBK and shows garbage).

Phones are masked and descriptions have numbers masked, as on screen: an export leaves the
console, so it carries no more than a page shows. A cell that starts with = + - @ (or a tab
or carriage return) is prefixed with an apostrophe, so a worker's text can never become a
formula when the file is opened (CSV injection).
"""
from __future__ import annotations

import csv
import io
from typing import Callable, Iterable, List

from bot.appeals import CATEGORY_LABELS, Appeal, queue_label
from bot.console import privacy
from bot.console.presentation import bjtime

BOM = "\ufeff"
HEADER = ["诉求编号", "状态", "类别", "所在区", "承办单位", "承办人", "用人单位", "涉及人数", "涉及金额",
          "群体性", "加急", "督办", "重办次数", "提交时间", "本步骤期限", "最近更新", "手机号", "诉求内容"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def row(appeal: Appeal, staff_label: Callable[[str], str], now: float) -> List[str]:
    yes = lambda flag: "是" if flag else ""  # noqa: E731 - one-line cast
    cells = [
        appeal.ticket_id, appeal.status.label, CATEGORY_LABELS.get(appeal.category, appeal.category),
        appeal.district or "", queue_label(appeal.queue), staff_label(appeal.assignee) if appeal.assignee else "",
        appeal.employer, appeal.headcount, appeal.amount, yes(appeal.collective), yes(appeal.urgent),
        yes(appeal.overdue(now)), appeal.reopened or "", bjtime(appeal.created_at), bjtime(appeal.due_at),
        bjtime(appeal.updated_at), privacy.mask_phone(appeal.phone), privacy.mask_text(appeal.description),
    ]
    return [safe_cell(cell) for cell in cells]


def appeals_csv(appeals: Iterable[Appeal], staff_label: Callable[[str], str], now: float) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # CRLF: what Excel writes and expects
    writer.writerow(HEADER)
    for appeal in appeals:
        writer.writerow(row(appeal, staff_label, now))
    return (BOM + out.getvalue()).encode("utf-8")
