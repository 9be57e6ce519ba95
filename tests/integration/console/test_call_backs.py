"""回访 by phone: a staff change to a phone appeal is kept for the caller's next call and listed
for staff to call back; staff record the call (reached / no answer), audited, within their
district; a caller who heard the notice on a new call leaves the list by itself. Through the
console (init_app) against a real Redis."""
from __future__ import annotations

import pytest

from bot.call_backs import CallBacks
from channels.hotline.worker_channel import HotlineNotices

PHONE = "13912340000"
MASKED = "139****0000"


async def phone_appeal(appeals, district="朝阳区", phone=PHONE):
    """An appeal filed by phone with no conversation behind it (as 工单录入 files one)."""
    return await appeals.create(description="装修队欠我们四个人工钱", category="wage_arrears", district=district,
                                phone=phone, name="孙师傅", channel="hotline", consent=True, actor="staff:city",
                                filed_by="city")


async def assign(console, token, ticket, district="朝阳区"):
    return await console.post(f"/appeals/{ticket}/transition",
                              data={"csrf_token": token, "to": "assigned", "queue": f"district:{district}",
                                    "note": "已联系用人单位"})


@pytest.fixture
def call_backs(redis, keys) -> CallBacks:
    return CallBacks(redis, keys)


async def test_a_notice_to_a_caller_is_kept_and_listed_for_a_call_back(console, sign_in, appeals, redis, keys):
    appeal = await phone_appeal(appeals)
    token = await sign_in("chaoyang")
    moved = await assign(console, token, appeal.ticket_id)
    assert moved.status == 200 and "下次来电时播报" in await moved.text()  # the hotline's wording, not WeChat's
    kept = await redis.lrange(keys.hotline_notices(PHONE), 0, -1)
    assert len(kept) == 1 and appeal.ticket_id in kept[0] and "已联系用人单位" in kept[0]

    page = await console.get("/callbacks")
    html = await page.text()
    assert page.status == 200 and f'id="cb-{appeal.ticket_id}"' in html
    for shown in ("孙师傅", MASKED, "已派单至朝阳区总工会", "已联系用人单位", "起"):
        assert shown in html, shown
    assert PHONE not in html
    revealed = await console.post(f"/callbacks/{appeal.ticket_id}/reveal", data={"csrf_token": token})
    assert revealed.status == 200 and PHONE in await revealed.text()


async def test_staff_record_call_backs_within_their_district(console, sign_in, appeals, call_backs, audit):
    mine = await phone_appeal(appeals)
    theirs = await phone_appeal(appeals, district="海淀区", phone="13912340001")
    token = await sign_in("city")
    await assign(console, token, mine.ticket_id)
    await assign(console, token, theirs.ticket_id, "海淀区")

    token = await sign_in("chaoyang")
    html = await (await console.get("/callbacks")).text()
    assert mine.ticket_id in html and theirs.ticket_id not in html
    outside = await console.post(f"/callbacks/{theirs.ticket_id}/done", data={"csrf_token": token, "outcome": "reached"})
    assert outside.status == 404 and await call_backs.get(theirs.ticket_id) is not None
    assert (await console.post(f"/callbacks/{theirs.ticket_id}/reveal", data={"csrf_token": token})).status == 404

    no_token = await console.post(f"/callbacks/{mine.ticket_id}/done", data={"outcome": "reached"})
    bad = await console.post(f"/callbacks/{mine.ticket_id}/done", data={"csrf_token": token, "outcome": "maybe"})
    long_note = await console.post(f"/callbacks/{mine.ticket_id}/done",
                                   data={"csrf_token": token, "outcome": "reached", "note": "长" * 501})
    assert (no_token.status, bad.status, long_note.status) == (403, 400, 400)
    assert "请选择回访结果" in await bad.text() and "备注最多 500 字" in await long_note.text()
    assert (await call_backs.get(mine.ticket_id)).attempts == 0

    missed = await console.post(f"/callbacks/{mine.ticket_id}/done",
                                data={"csrf_token": token, "outcome": "no_answer", "note": "无人接听"})
    assert missed.status == 200 and "未接通 1 次" in await missed.text()  # still listed, for another try
    reached = await console.post(f"/callbacks/{mine.ticket_id}/done",
                                 data={"csrf_token": token, "outcome": "reached", "note": "已告知派单情况"})
    page = await reached.text()
    assert reached.status == 200 and f'id="cb-{mine.ticket_id}"' not in page and "已告知派单情况" in page
    assert await call_backs.get(mine.ticket_id) is None
    again = await console.post(f"/callbacks/{mine.ticket_id}/done", data={"csrf_token": token, "outcome": "reached"})
    assert again.status == 409 and "已经处理过了" in await again.text()

    notes = [note["text"] for note in (await appeals.get(mine.ticket_id)).notes]
    assert notes == ["电话回访：未接通。无人接听", "电话回访：已联系上。已告知派单情况"]
    entries = await audit.recent(action="call_back")
    assert [(e.actor, e.target) for e in entries] == [("chaoyang", f"appeal:{mine.ticket_id}")] * 2


async def test_a_caller_who_heard_the_notice_on_a_new_call_leaves_the_list(console, sign_in, appeals, redis, keys,
                                                                        call_backs):
    appeal = await phone_appeal(appeals, phone="13912340002")
    token = await sign_in("chaoyang")
    await assign(console, token, appeal.ticket_id)
    assert await call_backs.get(appeal.ticket_id) is not None
    heard = await HotlineNotices(redis, keys).take("+8613912340002")  # the IVR's caller ID, as it comes
    assert len(heard) == 1 and appeal.ticket_id in heard[0]
    assert await call_backs.get(appeal.ticket_id) is None
    done = await call_backs.done()
    assert done[0].ticket == appeal.ticket_id and done[0].outcome == "heard"
    assert "来电时已播报" in await (await console.get("/callbacks")).text()
