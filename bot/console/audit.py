"""The audit log: who did what to which conversation, appeal or account, and when.

One JSON entry per staff action, appended to a Redis list that is never trimmed. Entries
hold identifiers and the kind of action, never message text or full phone numbers.

Failed and throttled logins come from anyone on the network, before any account is known,
so they go to a separate list capped at LOGIN_FAILURES_KEPT entries: a flood of bad logins
cannot grow Redis without bound or bury the staff actions.
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Callable, List, Optional

from redis.asyncio import Redis

from bot.redis_keys import RedisKeys

# Action → what the admin page shows.
ACTION_LABELS = {
    "login": "登录",
    "login_failed": "登录失败",
    "login_throttled": "登录被限制",
    "logout": "退出",
    "export_personal_data": "导出个人信息",
    "erase_personal_data": "删除个人信息",
    "retention_sweep": "按保存期限清理",
    "view_conversation": "查看对话",
    "take_over": "接管对话",
    "reply": "回复职工",
    "hand_back": "交还机器人",
    # Staff work-order basics (canned replies, conversation notes).
    "create_canned_reply": "新建常用回复",
    "edit_canned_reply": "修改常用回复",
    "delete_canned_reply": "删除常用回复",
    "add_conversation_note": "添加对话备注",
    "view_appeal": "查看诉求",
    "search_appeals": "查询诉求",
    "transition": "变更诉求状态",
    "add_note": "添加备注",
    "record_revisit": "录入回访",
    "reveal_phone": "查看完整手机号",
    "edit_appeal": "更正诉求信息",
    "assign_appeal": "指定承办人",
    "transfer_appeal": "转办",
    "reopen_appeal": "重办",
    "merge_appeal": "合并诉求",
    "export_appeals": "导出诉求列表",
    "view_media": "查看证据",
    "create_account": "创建账号",
    "disable_account": "停用账号",
    "enable_account": "启用账号",
    "reset_password": "重置密码",
    "change_password": "修改密码",
    "ack_warning": "签收预警",
    "export_insight_report": "导出研判报表",
    "nlu_annotate": "标注NLU消息",
    "nlu_export": "导出到训练数据",
    "start_training": "开始训练模型",
    "cancel_training": "取消训练",
    "activate_model": "启用模型",
    "rollback_model": "回滚模型",
}


@dataclass
class AuditEntry:
    at: float
    actor: str  # console username, or the username typed for failed logins
    action: str
    target: str = ""  # "appeal:GH…", "conversation:<openid>", "account:<username>"
    detail: dict = field(default_factory=dict)
    address: str = ""

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


LOGIN_FAILURES_KEPT = 5000


class AuditLog:
    def __init__(self, redis: Redis, keys: RedisKeys, clock: Callable[[], float] = time.time,
                 login_failures_kept: int = LOGIN_FAILURES_KEPT):
        self._redis = redis
        self._keys = keys
        self._clock = clock
        self._login_failures_kept = login_failures_kept

    async def record(self, actor: str, action: str, target: str = "", address: str = "",
                     **detail) -> AuditEntry:
        entry = AuditEntry(self._clock(), actor, action, target, detail, address)
        await self._redis.rpush(self._keys.console_audit(), json.dumps(asdict(entry), ensure_ascii=False))
        return entry

    async def record_login_failure(self, typed: str, action: str, address: str) -> AuditEntry:
        """A failed or throttled login: kept in the capped list, newest last."""
        entry = AuditEntry(self._clock(), typed[:32], action, "", {}, address)
        key = self._keys.console_login_audit()
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, json.dumps(asdict(entry), ensure_ascii=False))
            pipe.ltrim(key, -self._login_failures_kept, -1)
            await pipe.execute()
        return entry

    async def login_failures(self, limit: int = 100) -> List[AuditEntry]:
        """The newest failed and throttled logins, newest first."""
        raws = await self._redis.lrange(self._keys.console_login_audit(), -limit, -1)
        return [AuditEntry(**json.loads(raw)) for raw in reversed(raws)]

    async def recent(self, limit: int = 200, offset: int = 0, actor: Optional[str] = None,
                     action: Optional[str] = None, target: Optional[str] = None) -> List[AuditEntry]:
        """Newest first; with filters, scans back until `limit` matches are found."""
        found: List[AuditEntry] = []
        end, batch = -1 - offset, 500
        key = self._keys.console_audit()
        while len(found) < limit:
            raws = await self._redis.lrange(key, end - batch + 1, end)
            if not raws:
                break
            for raw in reversed(raws):
                entry = AuditEntry(**json.loads(raw))
                if ((actor is None or entry.actor == actor) and (action is None or entry.action == action)
                        and (target is None or entry.target == target)):
                    found.append(entry)
                    if len(found) >= limit:
                        break
            if len(raws) < batch:
                break
            end -= batch
        return found

    async def count(self) -> int:
        return await self._redis.llen(self._keys.console_audit())
