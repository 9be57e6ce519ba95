"""Internal notes on a conversation never reach the worker (the WeChat simulator sees the
reply, never the note); 常用回复 are managed by admins only, audited, and insertable by the
staff member who took the conversation over."""
from __future__ import annotations

import json
import re
import time

from bot.console.canned_replies import CannedReplies
from bot.console.conversation_notes import ConversationNotes
from bot.retention import RetentionSweep
from tests.integration.console.conftest import sim_messages

WORKER = "o_worker_notes"
NOTE = "内部：此人上周来过电话，单位疑似已转移资产，先别告诉职工"
REPLY = "您好，我是朝阳区总工会的王老师，请问单位全称是？"


async def taken(console, sign_in, escalations, username="chaoyang"):
    await escalations.escalate(WORKER, "worker asked for a person", district="朝阳区")
    token = await sign_in(username)
    response = await console.post(f"/conversations/{WORKER}/take", data={"csrf_token": token})
    assert response.status == 200
    return token


async def test_a_note_never_reaches_the_worker_while_a_reply_does(console, sign_in, escalations, wechat, fake_rasa,
                                                                   audit, keys):
    token = await taken(console, sign_in, escalations)
    noted = await console.post(f"/conversations/{WORKER}/notes", data={"csrf_token": token, "note": NOTE})
    html = await noted.text()
    assert noted.status == 200 and "内部备注已保存（职工看不到）" in html and NOTE in html
    replied = await console.post(f"/conversations/{WORKER}/reply", data={"csrf_token": token, "text": REPLY})
    assert replied.status == 200
    api = await console.post(f"/api/conversations/{WORKER}/notes", data={"csrf_token": token, "note": "第二条备注"})
    assert api.status == 200 and (await api.json())["note"]["text"] == "第二条备注"

    sent = await sim_messages(wechat, WORKER)
    assert sent == [REPLY], "the reply reached WeChat and nothing else did"
    all_sent = await (await wechat.get("/_sim/messages")).json()
    assert len(all_sent["messages"]) == 1, "every message WeChat got, to anyone: the one reply"
    assert not any(NOTE in str(message) or "第二条备注" in str(message) for message in all_sent["messages"])
    assert not any(NOTE in str(body) for _, _, body in fake_rasa.calls), "nor did Rasa get it"

    data = await (await console.get(f"/api/conversations/{WORKER}")).json()
    assert [note["text"] for note in data["notes"]] == [NOTE, "第二条备注"]
    assert not any(item["text"] == NOTE for item in data["transcript"]), "a note is not a message"
    entry = next(e for e in await audit.recent() if e.action == "add_conversation_note")
    assert entry.target == f"conversation:{WORKER}" and NOTE not in str(entry.detail)
    assert keys.console_conversation_notes(WORKER) in keys.worker_records(WORKER).values(), "export/erasure cover it"


async def test_the_boxes_say_who_will_read_them(console, sign_in, escalations):
    await taken(console, sign_in, escalations)
    html = await (await console.get(f"/conversations/{WORKER}")).text()
    reply_box = html[html.index('class="reply-form"'):html.index("</form>", html.index('class="reply-form"'))]
    assert "发送给职工" in reply_box and "职工会在微信里看到" in reply_box
    note_box = html[html.index('class="stack note-form"'):html.index("</form>", html.index('class="stack note-form"'))]
    assert "内部，职工看不到" in note_box


async def test_bad_notes_and_notes_outside_the_remit(console, sign_in, escalations, redis, keys):
    token = await taken(console, sign_in, escalations)
    empty = await console.post(f"/api/conversations/{WORKER}/notes", data={"csrf_token": token, "note": "  "})
    assert empty.status == 400 and "不能为空" in (await empty.json())["message"]
    long = await console.post(f"/api/conversations/{WORKER}/notes", data={"csrf_token": token, "note": "字" * 1001})
    assert long.status == 400
    forged = await console.post(f"/api/conversations/{WORKER}/notes", data={"csrf_token": "forged", "note": "x"})
    assert forged.status == 403
    token = await sign_in("haidian")
    other = await console.post(f"/api/conversations/{WORKER}/notes", data={"csrf_token": token, "note": "越权"})
    assert other.status == 403
    assert await redis.llen(keys.console_conversation_notes(WORKER)) == 0, "nothing was written"


async def test_admins_manage_canned_replies_with_an_audit_trail(console, sign_in, audit, redis, keys):
    token = await sign_in("admin")
    created = await console.post("/admin/canned-replies", data={"csrf_token": token, "title": "询问单位",
                                                                "text": "请问您所在单位的全称是？"})
    assert created.status == 200 and "已新建常用回复“询问单位”" in await created.text()
    store = CannedReplies(redis, keys)
    [reply] = await store.list()
    edited = await console.post(f"/admin/canned-replies/{reply.id}", data={"csrf_token": token, "title": "询问单位全称",
                                                                         "text": "请告诉我单位全称和地址。"})
    assert edited.status == 200
    assert (await store.get(reply.id)).text == "请告诉我单位全称和地址。"
    bad = await console.post("/admin/canned-replies", data={"csrf_token": token, "title": "", "text": "x"})
    assert bad.status == 400 and "请填写标题" in await bad.text() and len(await store.list()) == 1
    too_long = await console.post(f"/admin/canned-replies/{reply.id}",
                                  data={"csrf_token": token, "title": "t", "text": "字" * 1001})
    assert too_long.status == 400 and (await store.get(reply.id)).title == "询问单位全称"
    missing = await console.post("/admin/canned-replies/0123456789ab/delete", data={"csrf_token": token})
    assert missing.status == 404
    deleted = await console.post(f"/admin/canned-replies/{reply.id}/delete", data={"csrf_token": token})
    assert deleted.status == 200 and await store.list() == []
    actions = [(e.action, e.target) for e in await audit.recent() if "canned" in e.action]
    assert actions == [("delete_canned_reply", f"canned_reply:{reply.id}"),
                       ("edit_canned_reply", f"canned_reply:{reply.id}"),
                       ("create_canned_reply", f"canned_reply:{reply.id}")]


async def test_staff_cannot_manage_canned_replies(console, sign_in, redis, keys):
    store = CannedReplies(redis, keys)
    reply = await store.create("问候", "您好！", "admin")
    for username in ("city", "chaoyang"):
        token = await sign_in(username)
        assert (await console.get("/admin/canned-replies")).status == 403
        posts = [("/admin/canned-replies", {"title": "x", "text": "y"}),
                 (f"/admin/canned-replies/{reply.id}", {"title": "改", "text": "改了"}),
                 (f"/admin/canned-replies/{reply.id}/delete", {})]
        for url, data in posts:
            response = await console.post(url, data={"csrf_token": token, **data})
            assert response.status == 403, url
    assert [(r.title, r.text) for r in await store.list()] == [("问候", "您好！")], "nothing changed"


async def test_staff_insert_canned_replies_into_a_conversation_they_took(console, sign_in, escalations, redis, keys):
    reply = await CannedReplies(redis, keys).create("询问单位", "请问您所在单位的全称是？", "admin")
    await escalations.escalate(WORKER, "worker asked for a person", district="朝阳区")
    await sign_in("chaoyang")
    before = await (await console.get(f"/conversations/{WORKER}")).text()
    assert "询问单位" not in before, "offered only with the reply box, after taking over"
    await taken(console, sign_in, escalations)
    html = await (await console.get(f"/conversations/{WORKER}")).text()
    assert 'data-canned-text="请问您所在单位的全称是？"' in html and f'href="?canned={reply.id}#reply-text"' in html
    # Without scripts the link asks the server for the reply box already filled in.
    filled = await (await console.get(f"/conversations/{WORKER}?canned={reply.id}")).text()
    assert re.search(r'<textarea id="reply-text"[^>]*>请问您所在单位的全称是？</textarea>', filled)
    unknown = await (await console.get(f"/conversations/{WORKER}?canned=%3Cx%3E")).text()
    assert re.search(r'<textarea id="reply-text"[^>]*></textarea>', unknown)


async def test_markup_in_canned_replies_and_notes_stays_text(console, sign_in, escalations, redis, keys):
    evil = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    await CannedReplies(redis, keys).create("坏" + evil[:20], evil, "admin")
    token = await taken(console, sign_in, escalations)
    await console.post(f"/conversations/{WORKER}/notes", data={"csrf_token": token, "note": evil})
    html = await (await console.get(f"/conversations/{WORKER}")).text()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert 'data-canned-text="&#34;&gt;&lt;script&gt;' in html


async def test_notes_older_than_the_retention_period_are_swept(redis, keys):
    key = keys.console_conversation_notes(WORKER)
    await redis.rpush(key, json.dumps({"at": time.time() - 200 * 86400, "staff": "chaoyang", "text": "旧备注"}))
    await ConversationNotes(redis, keys).add(WORKER, "chaoyang", "新备注")
    summary = await RetentionSweep(redis, keys, retention_days=180).run()
    assert summary["staff_notes_removed"] == 1
    assert [note["text"] for note in await ConversationNotes(redis, keys).list(WORKER)] == ["新备注"]
