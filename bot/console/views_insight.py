"""Insight pages: the overview (with the district map), the 考核 assessment, and the weekly /
monthly report as a printable page and a spreadsheet. Each page has a JSON twin under
/api/insight/; all hold the caller's remit (insight_scope)."""
from __future__ import annotations

import asyncio
import time
from urllib.parse import quote

import aiohttp_jinja2
from aiohttp import web

from bot.console.appkeys import AUDIT, REDIS, SETTINGS
from bot.console.auth import client_address, current_account
from bot.console.insight_scope import read_district, read_filters, remit_of, report_window
from bot.districts import CANONICAL
from bot.insight import queries
from bot.insight.labels import CHANNEL_LABELS
from bot.insight.report import KIND_TITLES, build_xlsx
from bot.insight.warnings import WarningStore
from bot.redis_keys import RedisKeys

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _keys(request: web.Request) -> RedisKeys:
    return RedisKeys(request.app[SETTINGS].key_prefix)


async def _overview(request: web.Request) -> tuple:
    account = current_account(request)
    filters = read_filters(request, account, time.time())
    data = await queries.overview(request.app[REDIS], _keys(request), filters.window, filters.channel,
                                  filters.district, filters.remit)
    return account, filters, data


def _context(account, filters, data: dict, **extra) -> dict:
    districts = CANONICAL if account.sees_all_districts else (account.district,)
    return {"data": data, "filters": filters, "channels": CHANNEL_LABELS, "districts": districts, **extra}


async def overview_page(request: web.Request) -> web.StreamResponse:
    account, filters, data = await _overview(request)
    return aiohttp_jinja2.render_template("insight_overview.html", request, _context(account, filters, data))


async def overview_api(request: web.Request) -> web.StreamResponse:
    _, _, data = await _overview(request)
    return web.json_response(data)


async def map_page(request: web.Request) -> web.StreamResponse:
    account, filters, data = await _overview(request)
    return aiohttp_jinja2.render_template("insight_map.html", request, _context(account, filters, data))


async def map_api(request: web.Request) -> web.StreamResponse:
    _, filters, data = await _overview(request)
    return web.json_response({"since": data["since"], "until": data["until"], "map": data["map"],
                              "districts": data["districts"]})


async def _assessment(request: web.Request) -> tuple:
    account = current_account(request)
    filters = read_filters(request, account, time.time())
    data = await queries.assessment(request.app[REDIS], _keys(request), filters.window, filters.channel,
                                    filters.district or filters.remit)
    return account, filters, data


async def assessment_page(request: web.Request) -> web.StreamResponse:
    account, filters, data = await _assessment(request)
    return aiohttp_jinja2.render_template("insight_assessment.html", request, _context(account, filters, data))


async def assessment_api(request: web.Request) -> web.StreamResponse:
    _, _, data = await _assessment(request)
    return web.json_response(data)


# --- reports ------------------------------------------------------------------------------
async def _report(request: web.Request) -> dict:
    account = current_account(request)
    kind, window = report_window(request, time.time())
    remit = read_district(request, account) or remit_of(account)  # a city analyst may report on one district
    redis, keys = request.app[REDIS], _keys(request)
    data = await queries.overview(redis, keys, window, "*", None, remit)
    assessment = await queries.assessment(redis, keys, window, "*", remit)
    since, until = window.epoch_bounds()
    warnings = await WarningStore(redis, keys).recent(remit, since, until - 0.001, limit=500)
    scope = remit or "全市"
    title = f"12351 职工诉求{KIND_TITLES[kind]}（{scope}，{data['since']} 至 {data['until']}）"
    return {"kind": kind, "title": title, "scope": scope, "data": data, "assessment": assessment,
            "warnings": [warning.public() for warning in warnings], "account": account}


async def report_page(request: web.Request) -> web.StreamResponse:
    report = await _report(request)
    return aiohttp_jinja2.render_template("insight_report.html", request, {**report, "account": report["account"]})


async def report_xlsx(request: web.Request) -> web.StreamResponse:
    report = await _report(request)
    body = await asyncio.get_running_loop().run_in_executor(
        None, build_xlsx, report["title"], report["scope"], report["data"], report["assessment"], report["warnings"])
    account = report["account"]
    await request.app[AUDIT].record(account.username, "export_insight_report", f"report:{report['kind']}",
                                    client_address(request), since=report["data"]["since"], scope=report["scope"])
    filename = f"12351-{report['kind']}-{report['data']['since']}.xlsx"
    return web.Response(body=body, content_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename={filename}; filename*=UTF-8''{quote(filename)}"})
