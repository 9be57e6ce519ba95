"""The 周报/月报 as a spreadsheet: overview, daily figures, topics, districts (考核), warnings.

Built from the same dicts the pages show (queries.overview / assessment), so the file and the
printable page always agree. XlsxWriter writes into memory; the caller runs it in an executor.
"""
from __future__ import annotations

import io
from datetime import datetime
from typing import List

import xlsxwriter

from bot.insight.labels import channel_label
from bot.insight.periods import TZ

KIND_TITLES = {"week": "周报", "month": "月报"}


def percent(value) -> str:
    return "" if value is None else f"{value:+.1f}%"


def build_xlsx(title: str, scope: str, data: dict, assessment: dict, warnings: List[dict]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    big = book.add_format({"bold": True, "font_size": 14})

    sheet = book.add_worksheet("概况")
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 3, 14)
    sheet.write(0, 0, title, big)
    sheet.write(1, 0, f"范围：{scope}　渠道：{'全部' if data['channel'] == '*' else channel_label(data['channel'])}")
    sheet.write(2, 0, f"统计期：{data['since']} 至 {data['until']}（上期 {data['previous']['since']} 至 {data['previous']['until']}）")
    sheet.write(3, 0, f"生成时间：{datetime.now(TZ):%Y-%m-%d %H:%M}")
    sheet.write_row(5, 0, ["指标", "本期", "上期"], head)
    sheet.write_row(6, 0, ["职工消息", data["totals"]["messages"], data["totals_previous"]["messages"]])
    sheet.write_row(7, 0, ["诉求", data["totals"]["appeals"], data["totals_previous"]["appeals"]])
    sheet.write_row(8, 0, ["危机消息", data["totals"]["crisis"]])
    sheet.write_row(9, 0, ["群体性诉求", data["totals"]["collective"]])
    sheet.write_row(10, 0, ["预警", len(warnings)])

    daily = book.add_worksheet("每日")
    daily.write_row(0, 0, ["日期", "职工消息", "诉求", "危机消息"], head)
    for row, day in enumerate(data["daily"], 1):
        daily.write_row(row, 0, [day["day"], day["messages"], day["appeals"], day["crisis"]])
    daily.set_column(0, 0, 12)

    topics = book.add_worksheet("话题")
    topics.set_column(0, 0, 16)
    topics.write_row(0, 0, ["消息话题", "本期", "上期", "变化"], head)
    for row, item in enumerate(data["topics"], 1):
        topics.write_row(row, 0, [item["label"], item["count"], item["previous"], percent(item["change"])])
    start = len(data["topics"]) + 3
    topics.write_row(start, 0, ["诉求类别", "本期", "上期", "变化"], head)
    for row, item in enumerate(data["categories"], start + 1):
        topics.write_row(row, 0, [item["label"], item["count"], item["previous"], percent(item["change"])])

    districts = book.add_worksheet("各区考核")
    districts.set_column(0, 0, 18)
    districts.set_column(1, 11, 12)
    districts.write_row(0, 0, ["区", "排名", "得分", "较上期", "受理诉求", "首次响应(小时)", "办结用时(天)",
                               "超期率", "回访满意度", "回访数", "重办率", "消息数"], head)
    messages = {row["district"]: row["messages"] for row in data["districts"]}
    for row, item in enumerate(assessment["rows"], 1):
        districts.write_row(row, 0, [
            item["label"], item["rank"] or "", _blank(item["score"]), _blank(item["trend"]), item["appeals"],
            _blank(item["first_action_h"]), _blank(item["resolution_d"]), _pct(item["overdue_share"]),
            _blank(item["satisfaction"]), item["ratings"], _pct(item["reopened_share"]),
            messages.get(item["district"], 0)])

    alarms = book.add_worksheet("预警")
    alarms.set_column(0, 0, 10)
    alarms.set_column(1, 2, 16)
    alarms.set_column(3, 3, 50)
    alarms.set_column(4, 5, 24)
    alarms.write_row(0, 0, ["编号", "时间", "类型", "内容", "涉及区", "签收"], head)
    for row, item in enumerate(warnings, 1):
        acks = "；".join(f"{ack['name']}（{ack['role']}）{_when(ack['at'])}：{ack['note']}" for ack in item["acks"])
        alarms.write_row(row, 0, [item["id"], _when(item["created_at"]), item["kind_label"], item["title"],
                                  "、".join(item["districts"]) or "全市", acks or "未签收"])
    del bold
    book.close()
    return buffer.getvalue()


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, TZ).strftime("%Y-%m-%d %H:%M")


def _blank(value):
    return "" if value is None else value


def _pct(value):
    return "" if value is None else f"{value * 100:.1f}%"
