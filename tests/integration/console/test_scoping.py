"""District staff see their own district only, by page URL and by JSON API alike."""
from __future__ import annotations

WORKER_CY, WORKER_HD, WORKER_UNKNOWN = "o_chaoyang_worker", "o_haidian_worker", "o_somewhere_worker"


async def file(appeals, openid, district, **extra):
    return await appeals.create(description="公司拖欠三个月工资", category="wage_arrears", employer="顺达物流",
                                district=district, openid=openid, phone="13812345678", **extra)


async def test_district_staff_get_403_on_another_districts_appeal(console, sign_in, appeals):
    haidian = await file(appeals, WORKER_HD, "海淀区")
    chaoyang = await file(appeals, WORKER_CY, "朝阳区")
    await sign_in("chaoyang")
    page = await console.get(f"/appeals/{haidian.ticket_id}")
    assert page.status == 403 and "无权" in await page.text()
    api = await console.get(f"/api/appeals/{haidian.ticket_id}")
    assert api.status == 403 and (await api.json())["error"] == "outside_remit"
    assert (await console.get(f"/appeals/{chaoyang.ticket_id}")).status == 200
    assert (await console.get(f"/api/appeals/{chaoyang.ticket_id}")).status == 200
    assert (await console.get("/appeals/GH209901010001")).status == 404

    await sign_in("city")
    assert (await console.get(f"/appeals/{haidian.ticket_id}")).status == 200
    assert (await console.get(f"/api/appeals/{chaoyang.ticket_id}")).status == 200


async def test_district_staff_cannot_change_or_read_evidence_of_another_district(console, sign_in, appeals):
    haidian = await file(appeals, WORKER_HD, "海淀区")
    await appeals.attach_evidence(haidian.ticket_id, {"type": "image", "media_id": "sim-image-1"})
    token = await sign_in("chaoyang")
    moved = await console.post(f"/appeals/{haidian.ticket_id}/transition", data={"csrf_token": token, "to": "assigned"})
    assert moved.status == 403
    noted = await console.post(f"/appeals/{haidian.ticket_id}/notes", data={"csrf_token": token, "text": "看看"})
    assert noted.status == 403
    revealed = await console.post(f"/api/appeals/{haidian.ticket_id}/reveal", headers={"X-CSRF-Token": token})
    assert revealed.status == 403
    media = await console.get(f"/media/sim-image-1?ticket={haidian.ticket_id}")
    assert media.status == 403
    unchanged = await appeals.get(haidian.ticket_id)
    assert unchanged.status.value == "submitted" and unchanged.notes == []


async def test_an_appeal_sent_to_a_district_union_is_visible_there(console, sign_in, appeals):
    nowhere = await file(appeals, WORKER_UNKNOWN, None)
    await sign_in("chaoyang")
    assert (await console.get(f"/appeals/{nowhere.ticket_id}")).status == 403
    await appeals.transition(nowhere.ticket_id, "assigned", "staff:city", queue="district:朝阳区")
    assert (await console.get(f"/appeals/{nowhere.ticket_id}")).status == 200


async def test_conversations_take_the_district_of_their_escalation_or_appeal(console, sign_in, appeals, escalations,
                                                                             fake_rasa):
    haidian = await file(appeals, WORKER_HD, "海淀区")
    await escalations.escalate(WORKER_HD, "emergency", "emergency", ticket_id=haidian.ticket_id)
    assert (await escalations.get(WORKER_HD)).district == "海淀区"
    await escalations.escalate(WORKER_UNKNOWN, "worker asked for a person")
    await file(appeals, WORKER_CY, "朝阳区")  # no escalation: the appeal decides

    token = await sign_in("chaoyang")
    assert (await console.get(f"/conversations/{WORKER_HD}")).status == 403
    api = await console.get(f"/api/conversations/{WORKER_HD}")
    assert api.status == 403 and (await api.json())["error"] == "outside_remit"
    assert (await console.post(f"/conversations/{WORKER_HD}/take", data={"csrf_token": token})).status == 403
    assert (await console.post(f"/api/conversations/{WORKER_HD}/reply", headers={"X-CSRF-Token": token},
                               data={"text": "你好"})).status == 403
    assert (await console.get(f"/conversations/{WORKER_UNKNOWN}")).status == 403, "unknown district: city only"
    assert (await console.get(f"/conversations/{WORKER_CY}")).status == 200
    assert fake_rasa.events_for(WORKER_HD) == []

    await sign_in("city")
    assert (await console.get(f"/conversations/{WORKER_HD}")).status == 200
    assert (await console.get(f"/conversations/{WORKER_UNKNOWN}")).status == 200
    assert (await console.get("/conversations/bad:id")).status == 404


async def test_the_queue_and_search_show_district_staff_their_district_only(console, sign_in, appeals, escalations):
    haidian = await file(appeals, WORKER_HD, "海淀区")
    chaoyang = await file(appeals, WORKER_CY, "朝阳区")
    await escalations.escalate(WORKER_HD, "worker asked for a person", ticket_id=haidian.ticket_id)
    await escalations.escalate(WORKER_UNKNOWN, "worker asked for a person")

    await sign_in("chaoyang")
    ids = [item["id"] for item in (await (await console.get("/api/queue")).json())["items"]]
    assert ids == [f"appeal:{chaoyang.ticket_id}"]
    results = await (await console.get("/appeals")).text()
    assert chaoyang.ticket_id in results and haidian.ticket_id not in results
    assert (await console.get("/appeals?district=海淀区")).status == 403
    # A ticket search for another district's appeal leads to the refusal, not to the appeal.
    found = await console.get(f"/appeals?ticket={haidian.ticket_id}")
    assert found.status == 403

    await sign_in("city")
    ids = {item["id"] for item in (await (await console.get("/api/queue")).json())["items"]}
    assert ids == {f"appeal:{chaoyang.ticket_id}", f"appeal:{haidian.ticket_id}",
                   f"conversation:{WORKER_HD}", f"conversation:{WORKER_UNKNOWN}"}
