"""The NLU inbox (admins only): captured worker messages grouped by text, unreviewed first,
with filters; confirm, correct or reject them one by one or in bulk; export the annotations
to the training data. Every annotation is audited (who, when, what)."""
from __future__ import annotations

import asyncio
import datetime
import functools
from typing import Any, Dict, List, Optional

import aiohttp_jinja2
from aiohttp import web

from bot.capture import export as training_export
from bot.capture.annotations import (CONFIRMED, CORRECTED, REJECTED, STATUS_LABELS, AnnotationStore)
from bot.capture.grouping import ALL, REVIEWED, UNREVIEWED, Filters, Group, frequent_intents, group_records
from bot.capture.labels import labels_from_domain
from bot.console.appkeys import AUDIT, INBOX_RECORDS, REDIS, SETTINGS
from bot.console.auth import admin_only, client_address, current_account
from bot.console.responses import Refusal
from bot.console.sessions import get_session
from bot.redis_keys import RedisKeys
from bot.settings import ROOT

PAGE = 100
MAX_BULK = 500
ACTIONS = {"confirm": CONFIRMED, "correct": CORRECTED, "reject": REJECTED}
STATUSES = {UNREVIEWED: "未审核", REVIEWED: "已审核", ALL: "全部"}
DOMAIN_DIR = ROOT / "bot" / "domain"


@functools.lru_cache(maxsize=1)
def _labels() -> List[str]:
    return labels_from_domain(DOMAIN_DIR)


async def labels() -> List[str]:
    return await asyncio.get_running_loop().run_in_executor(None, _labels)


def _store(request: web.Request) -> AnnotationStore:
    return AnnotationStore(request.app[REDIS], RedisKeys(request.app[SETTINGS].key_prefix))


def _date(raw: str, name: str) -> Optional[datetime.date]:
    if not raw.strip():
        return None
    try:
        return datetime.date.fromisoformat(raw.strip())
    except ValueError:
        raise Refusal(400, "bad_date", f"{name}格式应为 年-月-日，例如 2026-11-26。") from None


def filters_of(request: web.Request) -> Filters:
    """The filters in the query string; a malformed value is refused (400), never guessed."""
    query = request.query
    low: Optional[float] = None
    if query.get("low"):
        try:
            low = float(query.get("threshold") or request.app[SETTINGS].inbox_low_confidence)
        except ValueError:
            raise Refusal(400, "bad_threshold", "置信度阈值应为 0 到 1 之间的数字。") from None
        if not 0 <= low <= 1:
            raise Refusal(400, "bad_threshold", "置信度阈值应为 0 到 1 之间的数字。")
    status = query.get("status", UNREVIEWED)
    if status not in STATUSES:
        raise Refusal(400, "bad_status", "审核状态只能是 未审核、已审核 或 全部。")
    return Filters(low_confidence=low, fallback=bool(query.get("fallback")), intent=query.get("intent", "").strip(),
                   channel=query.get("channel", "").strip(), date_from=_date(query.get("from", ""), "开始日期"),
                   date_to=_date(query.get("to", ""), "结束日期"), text=query.get("q", "").strip()[:100],
                   status=status)


async def _groups(request: web.Request, filters: Filters) -> List[Group]:
    records = await request.app[INBOX_RECORDS].newest_first()
    annotations = await _store(request).all()
    # Folding every text (OpenCC) is CPU work: off the event loop.
    return await asyncio.get_running_loop().run_in_executor(None, group_records, records, annotations, filters)


def _offset(request: web.Request) -> int:
    try:
        return max(0, int(request.query.get("offset", "0")))
    except ValueError:
        return 0


@admin_only
async def inbox_page(request: web.Request) -> web.StreamResponse:
    filters = filters_of(request)
    groups = await _groups(request, filters)
    offset = _offset(request)
    allowed = await labels()
    return aiohttp_jinja2.render_template("inbox.html", request, {
        "groups": groups[offset:offset + PAGE], "total": len(groups), "offset": offset, "page": PAGE,
        "labels": allowed, "shortcuts": frequent_intents(groups, allowed),
        "query": dict(request.query), "statuses": STATUSES, "status_labels": STATUS_LABELS,
        "default_threshold": request.app[SETTINGS].inbox_low_confidence,
        "next_query": _with_offset(request, offset + PAGE) if offset + PAGE < len(groups) else None,
    })


def _with_offset(request: web.Request, offset: int) -> str:
    query = {**request.query, "offset": str(offset)}
    return str(request.url.with_query(query).relative())


@admin_only
async def inbox_api(request: web.Request) -> web.StreamResponse:
    filters = filters_of(request)
    groups = await _groups(request, filters)
    offset = _offset(request)
    return web.json_response({"total": len(groups), "offset": offset,
                              "groups": [g.as_json() for g in groups[offset:offset + PAGE]]})


async def _annotation_request(request: web.Request) -> Dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise Refusal(400, "bad_json", "请求格式有误。") from None
    if not isinstance(body, dict):
        raise Refusal(400, "bad_json", "请求格式有误。")
    action, keys, intent = body.get("action"), body.get("keys"), body.get("intent") or ""
    if action not in ACTIONS:
        raise Refusal(400, "bad_action", "操作只能是 确认、更正 或 不作训练。")
    if not isinstance(keys, list) or not keys or len(keys) > MAX_BULK or not all(isinstance(k, str) for k in keys):
        raise Refusal(400, "bad_keys", f"请选择 1 到 {MAX_BULK} 条消息。")
    if action == "correct" and intent not in await labels():
        raise Refusal(400, "bad_intent", "请选择一个有效的意图。")
    return {"status": ACTIONS[action], "keys": list(dict.fromkeys(keys)), "intent": intent}


@admin_only
async def annotate_api(request: web.Request) -> web.StreamResponse:
    wanted = await _annotation_request(request)
    # The server's own groups are the truth: text and prediction are never taken from the client.
    groups = {g.key: g for g in await _groups(request, Filters(status=ALL))}
    missing = [key for key in wanted["keys"] if key not in groups]
    if missing:
        raise Refusal(404, "not_found", f"有 {len(missing)} 条消息已不存在（可能已过保存期限），请刷新页面。")
    chosen = [groups[key] for key in wanted["keys"]]
    allowed = await labels()
    if wanted["status"] == CONFIRMED and any(g.intent not in allowed for g in chosen):
        raise Refusal(400, "bad_intent", "预测结果不是可训练的意图，请用“更正”选择意图。")
    admin = current_account(request)
    written = await _store(request).annotate(chosen, wanted["status"], wanted["intent"], admin.username)
    audit, address = request.app[AUDIT], client_address(request)
    for annotation, group in zip(written, chosen):
        await audit.record(admin.username, "nlu_annotate", f"nlu:{group.key}", address, status=annotation["status"],
                           intent=annotation["intent"], predicted=group.intent, messages=group.count)
    return web.json_response({"annotated": [{"key": a["key"], "status": a["status"], "intent": a["intent"],
                                             "by": a["by"], "at": a["at"]} for a in written]})


async def _export(request: web.Request) -> training_export.ExportResult:
    settings = request.app[SETTINGS]
    result = await training_export.export_annotations(request.app[REDIS], RedisKeys(settings.key_prefix),
                                                      settings.nlu_export_root)
    await request.app[AUDIT].record(current_account(request).username, "nlu_export", "nlu:export",
                                    client_address(request), **result.as_json())
    return result


@admin_only
async def export_form(request: web.Request) -> web.StreamResponse:
    result = await _export(request)
    get_session(request).flash(f"已导出：训练数据 {result.training} 条，留出测试集 {result.heldout} 条"
                               f"（{result.skipped} 条已在训练数据或测试集中，未重复写入）。")
    raise web.HTTPSeeOther("/admin/nlu-inbox")


@admin_only
async def export_api(request: web.Request) -> web.StreamResponse:
    return web.json_response((await _export(request)).as_json())
