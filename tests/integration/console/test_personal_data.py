"""An admin exports or erases one worker's personal data on request (个人信息保护法): found by
OpenID, phone (any spelling) or ticket; appeals stay as records without personal fields."""
from __future__ import annotations

import json

import pytest

from bot.redis_keys import RedisKeys

WORKER = "o_privacy_worker"
OTHER = "o_someone_else"


@pytest.fixture
async def worker_data(appeals, escalations, redis, keys: RedisKeys):
    first = await appeals.create(description="我叫王小明，电话139—0000—1111，身份证110101199003071234，公司欠薪",
                                 category="wage_arrears", district="朝阳区", openid=WORKER, phone="13900001111",
                                 name="王小明", consent=True)
    await appeals.attach_evidence(first.ticket_id, {"type": "image", "media_id": "sim-proof"})
    # Filed by phone from the hotline: same worker, no OpenID on it.
    second = await appeals.create(description="又欠了一个月", district="朝阳区", phone="139 0000 1111", channel="hotline")
    other = await appeals.create(description="别人的诉求", district="朝阳区", openid=OTHER, phone="13812345678")
    await escalations.escalate(WORKER, "worker asked for a person", ticket_id=first.ticket_id)
    await escalations.alert(WORKER, "我不想活了", first.ticket_id, ["不想活"])
    await escalations.alert(OTHER, "老板打人", other.ticket_id, ["打人"])
    await redis.rpush(keys.wechat_media(WORKER), json.dumps({"media_id": "sim-proof", "type": "image", "at": 1.0}))
    await redis.set(keys.wechat_location(WORKER), json.dumps({"label": "北京市朝阳区某路", "at": 1.0}))
    await redis.hset(keys.wechat_follower(WORKER), mapping={"subscribed": "1", "since": "1.0"})
    await redis.rpush(keys.console_staff_replies(WORKER), json.dumps({"at": 1.0, "staff": "chaoyang", "text": "您好"}))
    return first, second, other


async def test_only_admins_reach_the_personal_data_pages(console, sign_in, worker_data):
    token = await sign_in("city")
    assert (await console.get("/admin/personal-data")).status == 403
    refused = await console.post("/admin/personal-data/erase", data={"csrf_token": token, "q": WORKER, "confirm": "1",
                                                                     "why": "x"})
    assert refused.status == 403
    assert (await console.post("/admin/personal-data/export", data={"csrf_token": token, "q": WORKER})).status == 403


@pytest.mark.parametrize("identifier", [WORKER, "139—0000—1111", "ticket"])
async def test_export_finds_the_worker_by_openid_phone_or_ticket(console, sign_in, worker_data, audit, fake_rasa,
                                                                 identifier):
    first, second, other = worker_data
    identifier = first.ticket_id if identifier == "ticket" else identifier
    fake_rasa.trackers[WORKER] = {"sender_id": WORKER, "slots": {}, "paused": False, "events": [
        {"event": "user", "timestamp": 5.0, "text": "老板欠薪"}, {"event": "bot", "timestamp": 6.0, "text": "可以投诉"}]}
    token = await sign_in("admin")
    page = await console.get("/admin/personal-data", params={"q": identifier})
    html = await page.text()
    assert page.status == 200 and first.ticket_id in html and second.ticket_id in html
    assert other.ticket_id not in html
    assert "139****1111" in html and "13900001111" not in html
    response = await console.post("/admin/personal-data/export", data={"csrf_token": token, "q": identifier})
    assert response.status == 200 and response.headers["Content-Disposition"].startswith("attachment")
    document = json.loads(await response.read())
    assert document["openids"] == [WORKER] and document["phones"] == ["13900001111"]
    assert {a["ticket_id"] for a in document["appeals"]} == {first.ticket_id, second.ticket_id}
    records = document["records"][WORKER]
    assert records["location"]["label"] == "北京市朝阳区某路" and records["staff_replies"][0]["text"] == "您好"
    assert records["escalation"]["reason"] == "worker asked for a person"
    assert [alert["text"] for alert in records["alerts"]] == ["我不想活了"]
    assert document["conversations_from_rasa"][WORKER][0]["text"] == "老板欠薪"
    entry = (await audit.recent(limit=1))[0]
    assert entry.action == "export_personal_data" and entry.target == f"worker:{WORKER}"
    assert "13900001111" not in json.dumps(entry.detail)


async def test_erasure_keeps_the_appeals_as_records_without_personal_fields(console, sign_in, worker_data, appeals,
                                                                           escalations, redis, keys, audit):
    first, second, other = worker_data
    token = await sign_in("admin")
    unconfirmed = await console.post("/admin/personal-data/erase", data={"csrf_token": token, "q": "13900001111",
                                                                          "why": "本人来电"})
    assert "须确认" in await unconfirmed.text() and (await appeals.get(first.ticket_id)).phone == "13900001111"

    done = await console.post("/admin/personal-data/erase", data={"csrf_token": token, "q": "13900001111",
                                                                   "why": "本人来电申请", "confirm": "1"})
    assert done.status == 200 and "已删除" in await done.text()
    for ticket in (first.ticket_id, second.ticket_id):
        kept = await appeals.get(ticket)
        assert kept is not None and kept.personal_data_erased_at is not None, "the record stays"
        assert (kept.name, kept.phone, kept.openid, kept.evidence) == (None, None, None, [])
        assert "1111" not in kept.description and "王小明" not in kept.description
        assert "110101199003071234" not in kept.description
        assert all(not step.actor.startswith("worker:") or step.actor == "worker:已删除" for step in kept.history)
        assert "本人来电申请" in kept.notes[-1]["text"]
    assert "公司欠薪" in (await appeals.get(first.ticket_id)).description, "the case itself stays readable"
    assert await appeals.list(openid=WORKER) == [] and await appeals.list(phone="13900001111") == []
    assert await escalations.get(WORKER) is None
    for key in keys.worker_records(WORKER).values():
        assert not await redis.exists(key)
    alerts = await escalations.alerts()
    assert {alert["text"] for alert in alerts} == {"[已删除]", "老板打人"}
    assert all(alert["openid"] in (None, OTHER) for alert in alerts)
    untouched = await appeals.get(other.ticket_id)
    assert untouched.phone == "13812345678" and untouched.openid == OTHER
    entry = (await audit.recent(limit=1))[0]
    assert entry.action == "erase_personal_data" and entry.detail["appeals"] == 2
    # Nothing left to find by the old identifiers.
    again = await console.get("/admin/personal-data", params={"q": WORKER})
    assert again.status == 404


async def test_nonsense_identifiers_are_refused_clearly(console, sign_in):
    await sign_in("admin")
    bad = await console.get("/admin/personal-data", params={"q": "not an id!"})
    assert bad.status == 400 and "OpenID、手机号或诉求编号" in await bad.text()
