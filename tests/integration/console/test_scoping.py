"""District staff see their own district only, by page URL and by JSON API alike."""
from __future__ import annotations

import time

from bot.appeals import AppealStore
from channels.wechat_sim.api_server import Media

WORKER_CY, WORKER_HD, WORKER_UNKNOWN = "o_chaoyang_worker", "o_haidian_worker", "o_somewhere_worker"
WORKER_MIXED = "o_two_districts_worker"


async def file(appeals, openid, district, **extra):
    return await appeals.create(description="公司拖欠三个月工资", category="wage_arrears", employer="顺达物流",
                                district=district, openid=openid, phone="13812345678", **extra)


async def test_another_districts_appeal_looks_exactly_like_a_missing_one(console, sign_in, appeals):
    haidian = await file(appeals, WORKER_HD, "海淀区")
    chaoyang = await file(appeals, WORKER_CY, "朝阳区")
    await sign_in("chaoyang")
    page = await console.get(f"/appeals/{haidian.ticket_id}")
    missing = await console.get("/appeals/GH209901010001")
    assert page.status == missing.status == 404
    assert (await page.text()).replace(haidian.ticket_id, "X") == (await missing.text()).replace("GH209901010001", "X")
    api = await console.get(f"/api/appeals/{haidian.ticket_id}")
    assert api.status == 404 and await api.json() == await (await console.get("/api/appeals/GH209901010001")).json()
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
    assert moved.status == 404
    noted = await console.post(f"/appeals/{haidian.ticket_id}/notes", data={"csrf_token": token, "text": "看看"})
    assert noted.status == 404
    revealed = await console.post(f"/api/appeals/{haidian.ticket_id}/reveal", headers={"X-CSRF-Token": token})
    assert revealed.status == 404
    media = await console.get(f"/media/sim-image-1?ticket={haidian.ticket_id}")
    assert media.status == 404
    unchanged = await appeals.get(haidian.ticket_id)
    assert unchanged.status.value == "submitted" and unchanged.notes == []


async def test_an_appeal_sent_to_a_district_union_is_visible_there(console, sign_in, appeals):
    nowhere = await file(appeals, WORKER_UNKNOWN, None)
    await sign_in("chaoyang")
    assert (await console.get(f"/appeals/{nowhere.ticket_id}")).status == 404
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
    # A ticket search for another district's appeal answers exactly as for a missing ticket.
    found = await console.get(f"/appeals?ticket={haidian.ticket_id}", allow_redirects=False)
    missing = await console.get("/appeals?ticket=GH209901010001", allow_redirects=False)
    assert found.status == missing.status == 200
    found_html, missing_html = await found.text(), await missing.text()
    assert "没有找到这个诉求编号" in found_html
    assert found_html.replace(haidian.ticket_id, "X") == missing_html.replace("GH209901010001", "X")
    mine = await console.get(f"/appeals?ticket={chaoyang.ticket_id}", allow_redirects=False)
    assert mine.status == 303 and mine.headers["Location"] == f"/appeals/{chaoyang.ticket_id}"

    await sign_in("city")
    ids = {item["id"] for item in (await (await console.get("/api/queue")).json())["items"]}
    assert ids == {f"appeal:{chaoyang.ticket_id}", f"appeal:{haidian.ticket_id}",
                   f"conversation:{WORKER_HD}", f"conversation:{WORKER_UNKNOWN}"}


async def test_a_conversation_shows_each_district_only_its_own_pieces(console, sign_in, redis, keys, escalations,
                                                                      fake_rasa):
    """A worker filed in 海淀 an hour ago and in 朝阳 ten minutes ago, and is now talking to
    朝阳's union: each district reads the turns of its own appeal, nothing of the other's."""
    base = time.time() - 3600
    haidian = await AppealStore(redis, keys, clock=lambda: base).create(
        description="海淀的公司欠薪", district="海淀区", openid=WORKER_MIXED, phone="13900001111")
    chaoyang = await AppealStore(redis, keys, clock=lambda: base + 3000).create(
        description="朝阳的公司欠薪", district="朝阳区", openid=WORKER_MIXED)
    await escalations.escalate(WORKER_MIXED, "worker asked for a person", district="朝阳区")
    fake_rasa.trackers[WORKER_MIXED] = {"sender_id": WORKER_MIXED, "paused": True,
                                         "slots": {"appeal_employer": "朝阳某公司"}, "events": [
        {"event": "user", "timestamp": base - 60, "text": "海淀秘密：中关村某厂欠我工资，电话139-0000-1111",
         "parse_data": {"intent": {"name": "file_appeal", "confidence": 0.9}}},
        {"event": "bot", "timestamp": base + 0.2, "text": f"已受理，编号{haidian.ticket_id}"},
        {"event": "user", "timestamp": base + 600, "text": "朝阳这边也欠薪",
         "parse_data": {"intent": {"name": "file_appeal", "confidence": 0.9}}},
        {"event": "bot", "timestamp": base + 3000.2, "text": f"已受理，编号{chaoyang.ticket_id}"},
        {"event": "user", "timestamp": base + 3300, "text": "现在就想找人聊聊",
         "parse_data": {"intent": {"name": "request_human", "confidence": 0.9}}},
    ]}

    token = await sign_in("chaoyang")
    html = await (await console.get(f"/conversations/{WORKER_MIXED}")).text()
    assert "朝阳这边也欠薪" in html and "现在就想找人聊聊" in html and chaoyang.ticket_id in html
    assert "海淀秘密" not in html and haidian.ticket_id not in html and "1111" not in html
    assert "已隐藏" in html
    api = await (await console.get(f"/api/conversations/{WORKER_MIXED}")).json()
    assert [a["ticket_id"] for a in api["appeals"]] == [chaoyang.ticket_id]
    assert not any("海淀" in item["text"] for item in api["transcript"])

    token = await sign_in("haidian")
    page = await console.get(f"/conversations/{WORKER_MIXED}")
    html = await page.text()
    assert page.status == 200, "海淀 staff may read the turns of their own appeal"
    assert "海淀秘密" in html and "139****1111" in html and haidian.ticket_id in html
    assert "朝阳这边也欠薪" not in html and "现在就想找人聊聊" not in html and chaoyang.ticket_id not in html
    assert "朝阳某公司" not in html, "the slots describe the current (朝阳) piece"
    for action in ("take", "reply", "handback", "reveal"):
        refused = await console.post(f"/api/conversations/{WORKER_MIXED}/{action}", headers={"X-CSRF-Token": token},
                                     data={"text": "你好"})
        assert refused.status in (403, 404), action
    assert fake_rasa.events_for(WORKER_MIXED) == []

    await sign_in("city")
    html = await (await console.get(f"/conversations/{WORKER_MIXED}")).text()
    assert "海淀秘密" in html and "现在就想找人聊聊" in html and "已隐藏" not in html


async def test_worker_uploads_that_could_run_are_downloaded_never_shown(console, sign_in, appeals, wechat):
    wechat.state.media["evil-svg"] = Media(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                                           "image/svg+xml", "a.svg")
    wechat.state.media["evil-html"] = Media(b"<script>alert(1)</script>", "text/html; charset=utf-8", "a.html")
    appeal = await file(appeals, WORKER_CY, "朝阳区")
    for media_id in ("evil-svg", "evil-html", "sim-photo"):
        await appeals.attach_evidence(appeal.ticket_id, {"type": "image", "media_id": media_id})
    await sign_in("chaoyang")
    for media_id in ("evil-svg", "evil-html"):
        response = await console.get(f"/media/{media_id}?ticket={appeal.ticket_id}")
        assert response.status == 200
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["Content-Type"] == "application/octet-stream"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]
    photo = await console.get(f"/media/sim-photo?ticket={appeal.ticket_id}")
    assert photo.headers["Content-Type"] == "image/jpeg" and photo.headers["Content-Disposition"].startswith("inline")
    assert photo.headers["X-Content-Type-Options"] == "nosniff"
    page = await console.get(f"/appeals/{appeal.ticket_id}")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"] and page.headers["X-Frame-Options"] == "DENY"
