"""One appeal: every field, masked phones and audited reveals, the transitions the store allows
(each followed by a notice to the worker), notes, 回访, evidence through /media, and search."""
from __future__ import annotations

import logging

from tests.integration.console.conftest import sim_messages

WORKER = "o_worker_appeals"
PHONE = "13812345678"


async def filed(appeals, **extra):
    fields = dict(description=f"公司三个月没发工资，联系我{PHONE}", category="wage_arrears", employer="顺达物流公司",
                  district="朝阳区", openid=WORKER, phone=PHONE, headcount=3, amount="三万多", name="王师傅",
                  consent=True)
    fields.update(extra)
    return await appeals.create(**fields)


async def test_every_field_with_the_phone_masked_until_revealed(console, sign_in, appeals, audit):
    appeal = await filed(appeals)
    await appeals.attach_evidence(appeal.ticket_id, {"type": "image", "media_id": "sim-image-payslip"})
    token = await sign_in("chaoyang")
    html = await (await console.get(f"/appeals/{appeal.ticket_id}")).text()
    for text in ("顺达物流公司", "朝阳区", "三万多", "王师傅", "拖欠工资", "已受理", "138****5678",
                 f"/media/sim-image-payslip?ticket={appeal.ticket_id}", "派单"):
        assert text in html, text
    assert PHONE not in html
    api = await (await console.get(f"/api/appeals/{appeal.ticket_id}")).json()
    assert api["phone"] == "138****5678" and api["actions"] == ["assigned"]

    revealed = await console.post(f"/appeals/{appeal.ticket_id}/reveal", data={"csrf_token": token})
    assert revealed.status == 200 and PHONE in await revealed.text()
    assert (await (await console.get(f"/api/appeals/{appeal.ticket_id}")).json())["phone"] == PHONE
    entry = (await audit.recent(action="reveal_phone"))[0]
    assert entry.actor == "chaoyang" and entry.target == f"appeal:{appeal.ticket_id}"

    await sign_in("city")  # a reveal is personal: another staff member still sees the mask
    assert PHONE not in await (await console.get(f"/appeals/{appeal.ticket_id}")).text()


async def test_transitions_notify_the_worker_and_illegal_ones_are_refused(console, sign_in, appeals, wechat,
                                                                           fake_rasa, audit):
    appeal = await filed(appeals)
    token = await sign_in("chaoyang")
    url = f"/appeals/{appeal.ticket_id}/transition"

    illegal = await console.post(url, data={"csrf_token": token, "to": "resolved", "note": "已解决"})
    assert illegal.status == 409 and "不能改为" in await illegal.text()
    assert (await appeals.get(appeal.ticket_id)).status.value == "submitted"
    cancel = await console.post(url, data={"csrf_token": token, "to": "cancelled"})
    assert cancel.status == 409
    api_illegal = await console.post(f"/api/appeals/{appeal.ticket_id}/transition", headers={"X-CSRF-Token": token},
                                     data={"to": "in_progress"})
    assert api_illegal.status == 409 and (await api_illegal.json())["error"] == "illegal_transition"

    assigned = await console.post(url, data={"csrf_token": token, "to": "assigned", "queue": "district:朝阳区",
                                             "assignee": "chaoyang", "note": "派给劳动关系科"})
    assert assigned.status == 200 and "已更新为“已派单”" in await assigned.text()
    same = await console.post(url, data={"csrf_token": token, "to": "assigned", "queue": "district:朝阳区",
                                         "assignee": "chaoyang"})
    assert same.status == 409 and "改派须选择另一个" in await same.text()
    await console.post(url, data={"csrf_token": token, "to": "in_progress"})
    no_note = await console.post(url, data={"csrf_token": token, "to": "resolved"})
    assert no_note.status == 400 and "办理结果" in await no_note.text()
    resolved = await console.post(url, data={"csrf_token": token, "to": "resolved", "note": "单位已补发工资"})
    assert "已通过微信通知职工" in await resolved.text()

    final = await appeals.get(appeal.ticket_id)
    assert [change.to_status.value for change in final.history] == ["submitted", "assigned", "in_progress",
                                                                     "resolved"]
    assert final.history[-1].actor == "staff:chaoyang" and final.assignee == "chaoyang"
    messages = await sim_messages(wechat, WORKER)
    assert len(messages) == 3 and "已派单至朝阳区总工会" in messages[0] and "正在办理" in messages[1]
    assert "已办结" in messages[2] and "单位已补发工资" in messages[2]
    assert ("execute", WORKER, {"name": "action_ask_satisfaction"}) in fake_rasa.calls
    moves = [(entry.detail["from_status"], entry.detail["to_status"]) for entry in await audit.recent(action="transition")]
    assert moves == [("in_progress", "resolved"), ("assigned", "in_progress"), ("submitted", "assigned")]


async def test_sending_an_appeal_to_another_district_leaves_the_remit(console, sign_in, appeals):
    appeal = await filed(appeals, district="海淀区")
    await appeals.transition(appeal.ticket_id, "assigned", "staff:city", queue="district:朝阳区")  # misrouted
    token = await sign_in("chaoyang")
    assert (await console.get(f"/appeals/{appeal.ticket_id}")).status == 200
    moved = await console.post(f"/appeals/{appeal.ticket_id}/transition",
                               data={"csrf_token": token, "to": "assigned", "queue": "district:海淀区"},
                               allow_redirects=False)
    assert moved.status == 303 and moved.headers["Location"] == "/"
    assert (await appeals.get(appeal.ticket_id)).queue == "district:海淀区"


async def test_notes_and_a_phone_revisit(console, sign_in, appeals):
    appeal = await filed(appeals)
    for status in ("assigned", "in_progress"):
        await appeals.transition(appeal.ticket_id, status, "staff:city")
    await appeals.transition(appeal.ticket_id, "resolved", "staff:city", note="已补发")
    token = await sign_in("city")
    page = await console.post(f"/appeals/{appeal.ticket_id}/notes", data={"csrf_token": token,
                                                                          "text": "已电话联系职工，确认收到工资"})
    assert "已电话联系职工" in await page.text()
    empty = await console.post(f"/appeals/{appeal.ticket_id}/notes", data={"csrf_token": token, "text": " "})
    assert empty.status == 400
    await console.post(f"/appeals/{appeal.ticket_id}/revisit", data={"csrf_token": token, "score": "4",
                                                                     "comment": "还行"})
    closed = await appeals.get(appeal.ticket_id)
    assert closed.status.value == "revisited" and closed.satisfaction == 4 and closed.notes[0]["actor"] == "staff:city"
    html = await (await console.get(f"/appeals/{appeal.ticket_id}")).text()
    assert "无需办理" in html


async def test_evidence_through_the_media_proxy(console, sign_in, appeals):
    appeal = await filed(appeals)
    await appeals.attach_evidence(appeal.ticket_id, {"type": "image", "media_id": "sim-image-payslip"})
    await sign_in("chaoyang")
    image = await console.get(f"/media/sim-image-payslip?ticket={appeal.ticket_id}")
    assert image.status == 200 and image.content_type == "image/jpeg"
    assert (await image.read())[:2] == b"\xff\xd8" and image.headers["Cache-Control"] == "private, no-store"
    assert (await console.get(f"/media/sim-image-other?ticket={appeal.ticket_id}")).status == 404
    assert (await console.get("/media/sim-image-payslip")).status == 404


async def test_search_by_ticket_phone_employer_status_and_date(console, sign_in, appeals, audit, caplog):
    caplog.set_level(logging.DEBUG)
    first = await filed(appeals)
    other = await filed(appeals, phone="13900001111", employer="华联超市", district="海淀区", openid="o_other")
    await sign_in("city")
    by_ticket = await console.get(f"/appeals?ticket={first.ticket_id.lower()}", allow_redirects=False)
    assert by_ticket.headers["Location"] == f"/appeals/{first.ticket_id}"
    missing = await (await console.get("/appeals?ticket=GH209901010001")).text()
    assert "没有找到" in missing

    by_phone = await (await console.get(f"/appeals?phone={PHONE}")).text()
    assert first.ticket_id in by_phone and other.ticket_id not in by_phone and "138****5678" in by_phone
    by_employer = await (await console.get("/appeals?employer=华联")).text()
    assert other.ticket_id in by_employer and first.ticket_id not in by_employer
    by_district = await (await console.get("/appeals?district=海淀区&status=submitted")).text()
    assert other.ticket_id in by_district and first.ticket_id not in by_district
    today = first.ticket_id[2:6] + "-" + first.ticket_id[6:8] + "-" + first.ticket_id[8:10]
    by_date = await (await console.get(f"/appeals?since={today}&until={today}")).text()
    assert first.ticket_id in by_date and other.ticket_id in by_date
    assert "手机号格式不对" in await (await console.get("/appeals?phone=123")).text()
    assert (await console.get("/appeals?since=yesterday")).status == 400

    searches = await audit.recent(action="search_appeals")
    assert any(entry.detail.get("phone") == "138****5678" for entry in searches)
    assert all(PHONE not in str(entry.detail) for entry in searches)
    assert PHONE not in caplog.text
