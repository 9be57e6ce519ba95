"""The conversation view and the takeover → reply → hand-back cycle (Rasa faked, WeChat simulated)."""
from __future__ import annotations

import asyncio
import logging

import aiohttp

from tests.integration.console.conftest import login, sim_messages

WORKER = "o_worker_conversation"


def tracker(paused=False):
    return {
        "sender_id": WORKER,
        "paused": paused,
        "slots": {"appeal_phone": "13812345678", "appeal_district": "朝阳区", "requested_slot": None},
        "events": [
            {"event": "action", "timestamp": 100.0, "name": "action_listen"},
            {"event": "user", "timestamp": 101.0, "text": "老板三个月没发工资，我电话13812345678",
             "parse_data": {"intent": {"name": "faq/wage_arrears", "confidence": 0.9312}}},
            {"event": "bot", "timestamp": 102.0, "text": "可以先和单位协商，也可以向劳动监察投诉。"},
            {"event": "user", "timestamp": 103.0, "text": "我要找人工",
             "parse_data": {"intent": {"name": "request_human", "confidence": 0.88}}},
            {"event": "pause", "timestamp": 104.0},
        ],
    }


async def escalated(escalations, appeals):
    appeal = await appeals.create(description="欠薪三个月", category="wage_arrears", district="朝阳区",
                                  openid=WORKER, phone="13812345678")
    await escalations.escalate(WORKER, "worker asked for a person", ticket_id=appeal.ticket_id)
    return appeal


async def test_the_page_shows_intents_confidences_slots_and_appeals(console, sign_in, fake_rasa, escalations,
                                                                    appeals, audit):
    fake_rasa.trackers[WORKER] = tracker(paused=True)
    appeal = await escalated(escalations, appeals)
    await sign_in("chaoyang")
    page = await console.get(f"/conversations/{WORKER}")
    html = await page.text()
    assert page.status == 200
    assert "faq/wage_arrears 0.93" in html and "request_human 0.88" in html
    assert "可以先和单位协商" in html and "机器人已暂停" in html
    assert "appeal_district" in html and "requested_slot" not in html
    assert "138****5678" in html and "13812345678" not in html, "phones masked in messages and slots"
    assert appeal.ticket_id in html and "职工要求转人工" in html and "接管" in html
    assert [e.action for e in await audit.recent()][0] == "view_conversation"

    api = await (await console.get(f"/api/conversations/{WORKER}")).json()
    assert [item["intent"] for item in api["transcript"] if item["kind"] == "user"] == \
        ["faq/wage_arrears", "request_human"]
    assert api["transcript"][0]["confidence"] == 0.931 and api["paused"] is True
    assert api["escalation"]["state"] == "waiting" and api["appeals"][0]["ticket_id"] == appeal.ticket_id


async def test_take_over_reply_and_hand_back(console, sign_in, fake_rasa, wechat, escalations, appeals, audit,
                                             caplog):
    caplog.set_level(logging.DEBUG)
    await escalated(escalations, appeals)
    token = await sign_in("chaoyang")

    early = await console.post(f"/conversations/{WORKER}/reply", data={"csrf_token": token, "text": "您好"})
    assert early.status == 409 and "请先接管" in await early.text()

    taken = await console.post(f"/conversations/{WORKER}/take", data={"csrf_token": token})
    assert taken.status == 200 and "已接管" in await taken.text()  # after the redirect
    assert fake_rasa.events_for(WORKER) == ["pause"]
    escalation = await escalations.get(WORKER)
    assert escalation.state == "taken" and escalation.staff == "staff:chaoyang"

    replied = await console.post(f"/conversations/{WORKER}/reply",
                                 data={"csrf_token": token, "text": "您好，我是朝阳区总工会的王老师，请问公司名称是？"})
    html = await replied.text()
    assert replied.status == 200 and "已发送给职工" in html
    assert "王老师" in html, "the reply shows in the transcript"
    assert await sim_messages(wechat, WORKER) == ["您好，我是朝阳区总工会的王老师，请问公司名称是？"]

    handed = await console.post(f"/conversations/{WORKER}/handback", data={"csrf_token": token})
    assert handed.status == 200 and "已交还机器人" in await handed.text()
    assert fake_rasa.events_for(WORKER) == ["pause", "resume"]
    assert await escalations.get(WORKER) is None
    assert "本次人工服务已结束" in (await sim_messages(wechat, WORKER))[-1]

    actions = [entry.action for entry in await audit.recent()]
    assert {"take_over", "reply", "hand_back"} <= set(actions)
    reply_entry = next(entry for entry in await audit.recent() if entry.action == "reply")
    assert reply_entry.target == f"conversation:{WORKER}" and reply_entry.detail["delivered"] is True
    assert "王老师" not in str(reply_entry.detail), "the audit log keeps no message text"
    assert "王老师" not in caplog.text and "13812345678" not in caplog.text, "no personal data in the logs"


async def test_a_reply_wechat_refuses_is_kept_for_the_workers_next_message(console, sign_in, wechat, escalations,
                                                                           appeals, redis, keys):
    await escalated(escalations, appeals)
    token = await sign_in("chaoyang")
    await console.post(f"/conversations/{WORKER}/take", data={"csrf_token": token})
    await wechat.post("/_sim/fail", json={"api": "custom_send", "errcode": 45015, "times": 1})
    replied = await console.post(f"/api/conversations/{WORKER}/reply", headers={"X-CSRF-Token": token},
                                 data={"text": "请把工资条拍照发给我"})
    body = await replied.json()
    assert body["delivered"] is False and "下次发消息时" in body["message"]
    assert await redis.lrange(keys.wechat_undelivered(WORKER), 0, -1) == ["请把工资条拍照发给我"]
    page = await (await console.get(f"/conversations/{WORKER}")).text()
    assert "待职工下次发消息时送达" in page


async def test_a_conversation_taken_by_someone_else(console, sign_in, escalations, appeals, fake_rasa):
    await escalated(escalations, appeals)
    await escalations.take(WORKER, "staff:city")
    token = await sign_in("chaoyang")
    refused = await console.post(f"/conversations/{WORKER}/take", data={"csrf_token": token})
    assert refused.status == 409 and "city" in await refused.text()
    assert (await console.post(f"/conversations/{WORKER}/handback", data={"csrf_token": token})).status == 409
    assert fake_rasa.events_for(WORKER) == []


async def test_staff_can_take_over_a_conversation_nobody_escalated(console, sign_in, appeals, escalations, fake_rasa):
    await appeals.create(description="工伤认定", category="work_injury", district="朝阳区", openid=WORKER)
    token = await sign_in("chaoyang")
    await console.post(f"/conversations/{WORKER}/take", data={"csrf_token": token})
    escalation = await escalations.get(WORKER)
    assert escalation.reason == "staff took over" and escalation.district == "朝阳区"
    assert escalation.state == "taken" and fake_rasa.events_for(WORKER) == ["pause"]


async def test_rasa_down_changes_nothing(console, sign_in, escalations, appeals, fake_rasa):
    await escalated(escalations, appeals)
    token = await sign_in("chaoyang")
    fake_rasa.down = True
    page = await console.get(f"/conversations/{WORKER}")
    assert page.status == 200 and "暂时无法连接" in await page.text()
    refused = await console.post(f"/conversations/{WORKER}/take", data={"csrf_token": token})
    assert refused.status == 502 and (await escalations.get(WORKER)).state == "waiting"


async def test_revealing_phones_in_a_conversation_is_audited(console, sign_in, fake_rasa, escalations, appeals,
                                                             audit):
    fake_rasa.trackers[WORKER] = tracker()
    await escalated(escalations, appeals)
    token = await sign_in("city")
    assert "13812345678" not in await (await console.get(f"/conversations/{WORKER}")).text()
    revealed = await console.post(f"/conversations/{WORKER}/reveal", data={"csrf_token": token})
    assert "13812345678" in await revealed.text()
    entry = (await audit.recent(action="reveal_phone"))[0]
    assert entry.actor == "city" and entry.target == f"conversation:{WORKER}"


async def test_two_staff_taking_one_conversation_at_once_one_wins_the_other_is_told(console, accounts, escalations,
                                                                                     appeals, fake_rasa):
    """Two browsers (own cookie jars) press 接管 at the same moment, several times over."""
    await escalated(escalations, appeals)
    sessions = []
    for username in ("chaoyang", "city"):
        http = aiohttp.ClientSession(base_url=str(console.make_url("")), cookie_jar=aiohttp.CookieJar(unsafe=True))
        sessions.append((username, http, await login(http, username)))
    try:
        async def take(http, token):
            async with http.post(f"/api/conversations/{WORKER}/take", headers={"X-CSRF-Token": token}) as response:
                return response.status, await response.json()

        outcomes = await asyncio.gather(*(take(http, token) for _ in range(5) for _, http, token in sessions))
    finally:
        for _, http, _ in sessions:
            await http.close()
    holder = (await escalations.get(WORKER)).staff
    wins = [body for status, body in outcomes if status == 200]
    refusals = [body for status, body in outcomes if status == 409]
    assert len(refusals) == 5 and len(wins) == 5, "the winner's own repeats succeed, every other press is refused"
    assert all(body["error"] == "taken" and holder.removeprefix("staff:") in body["message"] for body in refusals)
    assert holder in ("staff:chaoyang", "staff:city")
