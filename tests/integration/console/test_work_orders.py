"""Staff work orders through the console against a real Redis: corrections with a reason and
history, 承办人 from the accounts and "我的", 转办 and district scoping, 重办, merging
duplicates, the spreadsheet export, and what reaches the worker (only what is labelled so)."""
from __future__ import annotations

import csv
import io

from bot.console.accounts import DISTRICT
from tests.integration.console.conftest import PASSWORD, sim_messages

WORKER = "o_worker_orders"
PHONE = "13812345678"


async def filed(appeals, **extra):
    fields = dict(description=f"老王装饰欠我们工资，电话{PHONE}", category="wage_arrears", employer="装饰",
                  district="朝阳区", openid=WORKER, phone=PHONE, headcount=5000, amount="两万多", consent=True,
                  group_wages=True)
    fields.update(extra)
    return await appeals.create(**fields)


def page_of(ticket: str) -> str:
    return f"/appeals/{ticket}"


async def test_a_field_is_corrected_with_a_reason_kept_in_history_and_flags_recomputed(console, sign_in, appeals,
                                                                                        audit, wechat):
    appeal = await filed(appeals)
    assert appeal.collective and appeal.urgent
    token = await sign_in("chaoyang")
    url = f"/appeals/{appeal.ticket_id}/edit"

    # Bad input: a clear message, nothing changed.
    for data, status, message in (
        ({"field": "headcount", "value": "五个", "reason": "核实"}, 400, "涉及人数须为 1 到 100000 之间的整数"),
        ({"field": "phone", "value": "1381234", "reason": "核实"}, 400, "手机号格式不对"),
        ({"field": "headcount", "value": "5", "reason": ""}, 400, "请填写原因"),
        ({"field": "district", "value": "海淀区", "reason": "核实"}, 400, "请通过“转办”更改"),
        ({"field": "headcount", "value": "5000", "reason": "核实"}, 400, "新值与原值相同"),
    ):
        refused = await console.post(url, data={"csrf_token": token, **data})
        assert refused.status == status and message in await refused.text(), data
    unchanged = await appeals.get(appeal.ticket_id)
    assert unchanged.to_json() == appeal.to_json()

    # Five workers owed wages is still a group wage case (the filing's rule): the flag stays.
    five = await console.post(url, data={"csrf_token": token, "field": "headcount", "value": "5",
                                         "reason": "5000是每人欠款"})
    assert five.status == 200 and "群体性" not in (await five.text()).split("已更正")[1].split("<")[0]
    assert (await appeals.get(appeal.ticket_id)).collective
    fixed = await console.post(url, data={"csrf_token": token, "field": "headcount", "value": "2",
                                          "reason": "职工电话确认只有2个人"})
    html = await fixed.text()
    assert fixed.status == 200 and "已更正“涉及人数”" in html and "已取消群体性标记" in html
    stored = await appeals.get(appeal.ticket_id)
    assert stored.headcount == 2 and not stored.collective and not stored.urgent
    assert stored.due_at > appeal.due_at, "no longer urgent: the quarter deadline is lifted"
    entry = stored.worklog[-1]
    assert (entry["actor"], entry["field"], entry["before"], entry["after"]) == ("staff:chaoyang", "headcount",
                                                                                 "5", "2")
    assert entry["reason"] == "职工电话确认只有2个人" and entry["at"] > 0
    # The page shows the entry (before → after, who, why) and no longer the 群体性 badge.
    for text in ("工单记录", "更正 · 涉及人数", "5000", "职工电话确认只有2个人", "群体性：是 → 否"):
        assert text in html, text
    assert 'badge-urgent">群体性' not in html

    script = await console.post(url, data={"csrf_token": token, "field": "since", "value": "<script>alert(1)</script>",
                                           "reason": "<img src=x onerror=alert(1)>"})
    page = await script.text()
    assert "<script>alert(1)" not in page and "<img src=x" not in page and "&lt;script&gt;" in page
    await console.post(url, data={"csrf_token": token, "field": "employer", "value": "老王装饰", "reason": "职工原话"})
    await console.post(url, data={"csrf_token": token, "field": "category", "value": "加班工资", "reason": "核实"})
    stored = await appeals.get(appeal.ticket_id)
    assert stored.employer == "老王装饰" and stored.category == "overtime_pay"
    assert [e["field"] for e in stored.worklog] == ["headcount", "headcount", "since", "employer", "category"]
    assert await sim_messages(wechat, WORKER) == [], "a correction is never sent to the worker"
    entries = await audit.recent(action="edit_appeal")
    assert [e.detail["field"] for e in entries] == ["category", "employer", "since", "headcount", "headcount"]
    assert entries[-2].detail == {"field": "headcount", "collective": False, "urgent": False}
    assert entries[-1].detail == {"field": "headcount"}
    assert "5000" not in str([e.detail for e in entries]), "the audit log names fields, not values"


async def test_phone_corrections_stay_masked_on_the_page(console, sign_in, appeals):
    appeal = await filed(appeals)
    token = await sign_in("chaoyang")
    html = await (await console.post(f"/appeals/{appeal.ticket_id}/edit", data={
        "csrf_token": token, "field": "phone", "value": "139 0000 1111", "reason": "职工换号"})).text()
    assert (await appeals.get(appeal.ticket_id)).phone == "13900001111"
    assert "13900001111" not in html and PHONE not in html and "139****1111" in html
    api = await (await console.get(f"/api/appeals/{appeal.ticket_id}")).text()
    assert "13900001111" not in api and "139****1111" in api and "138****5678" in api


async def test_assignee_is_chosen_from_the_district_accounts_and_shows_in_mine(console, sign_in, appeals, accounts,
                                                                               audit, wechat):
    await accounts.create("chaoyang2", PASSWORD, DISTRICT, "朝阳刘", district="朝阳区")
    mine_first = await filed(appeals)
    other = await filed(appeals, openid="o_other_worker", headcount=2)
    token = await sign_in("chaoyang")
    page = await (await console.get(page_of(mine_first.ticket_id))).text()
    assert "朝阳刘" in page and "朝阳王" in page and "海淀赵" not in page, "only this district's staff are offered"

    url = f"/appeals/{mine_first.ticket_id}/assign"
    for name in ("haidian", "朝阳刘", "city", "nobody", ""):
        refused = await console.post(url, data={"csrf_token": token, "assignee": name})
        assert refused.status == 400 and "中选择承办人" in await refused.text(), name
    assert (await appeals.get(mine_first.ticket_id)).assignee is None

    done = await console.post(url, data={"csrf_token": token, "assignee": "chaoyang"})
    assert done.status == 200 and "已指定承办人：朝阳王" in await done.text()
    assigned = await appeals.get(mine_first.ticket_id)
    assert assigned.assignee == "chaoyang" and assigned.status.value == "assigned", "已受理 → 派单 at once"
    assert "已派单至朝阳区总工会" in (await sim_messages(wechat, WORKER))[0]
    await console.post(f"/appeals/{other.ticket_id}/assign", data={"csrf_token": token, "assignee": "chaoyang2"})
    # The old free-text field of 派单 no longer takes a name that is not an account.
    free = await console.post(f"/appeals/{other.ticket_id}/transition", data={
        "csrf_token": token, "to": "assigned", "queue": "district:朝阳区", "assignee": "随便写的人"})
    assert free.status == 400 and "请从列表中选择" in await free.text()

    mine = await (await console.get("/mine")).text()
    assert mine_first.ticket_id in mine and other.ticket_id not in mine
    # 改派 to the city union with the form's preselected person: the person stays behind.
    city_token = await sign_in("city")
    up = await console.post(f"/appeals/{other.ticket_id}/transition", data={
        "csrf_token": city_token, "to": "assigned", "queue": "city", "assignee": "chaoyang2"})
    assert up.status == 200 and (await appeals.get(other.ticket_id)).assignee is None
    await console.post(f"/appeals/{other.ticket_id}/transition", data={
        "csrf_token": city_token, "to": "assigned", "queue": "district:朝阳区", "assignee": "chaoyang2"})
    await sign_in("chaoyang2")
    mine = await (await console.get("/mine")).text()
    assert other.ticket_id in mine and mine_first.ticket_id not in mine
    assert [e.detail["assignee"] for e in await audit.recent(action="assign_appeal")] == ["chaoyang2", "chaoyang"]


async def test_transfer_hands_the_case_over_and_scoping_follows(console, sign_in, appeals, audit, wechat):
    appeal = await filed(appeals)
    token = await sign_in("chaoyang")
    await console.post(f"/appeals/{appeal.ticket_id}/assign", data={"csrf_token": token, "assignee": "chaoyang"})
    url = f"/appeals/{appeal.ticket_id}/transfer"
    no_reason = await console.post(url, data={"csrf_token": token, "district": "海淀区", "reason": " "})
    assert no_reason.status == 400 and "请填写原因" in await no_reason.text()
    bad = await console.post(url, data={"csrf_token": token, "district": "火星区", "reason": "x"})
    assert bad.status == 400
    assert (await appeals.get(appeal.ticket_id)).queue == "district:朝阳区"

    handed = await console.post(url, data={"csrf_token": token, "district": "海淀区",
                                           "reason": "用人单位注册地和工地都在海淀"}, allow_redirects=False)
    assert handed.status == 303 and handed.headers["Location"] == "/", "no longer in this remit"
    moved = await appeals.get(appeal.ticket_id)
    assert (moved.district, moved.queue, moved.assignee, moved.status.value) == ("海淀区", "district:海淀区", None,
                                                                                 "assigned")
    assert moved.worklog[-1]["reason"] == "用人单位注册地和工地都在海淀"
    assert (await console.get(page_of(appeal.ticket_id))).status == 404, "the old district no longer sees it"
    assert (await console.post(url, data={"csrf_token": token, "district": "朝阳区", "reason": "x"})).status == 404
    assert appeal.ticket_id not in await (await console.get("/mine")).text()
    notices = await sim_messages(wechat, WORKER)
    assert "海淀区总工会" in notices[-1] and "注册地" not in notices[-1], "the worker hears where, not why"

    await sign_in("haidian")
    page = await console.get(page_of(appeal.ticket_id))
    html = await page.text()
    assert page.status == 200 and "转办" in html and "用人单位注册地和工地都在海淀" in html
    entry = (await audit.recent(action="transfer_appeal"))[0]
    assert entry.detail == {"from_queue": "district:朝阳区", "to_queue": "district:海淀区"}


async def test_seeing_is_not_owning_and_forged_requests_are_refused(console, sign_in, appeals):
    appeal = await filed(appeals)
    token = await sign_in("city")
    # The city union takes the case to its own queue: 朝阳 still sees it (its district) but does not own it.
    await console.post(f"/appeals/{appeal.ticket_id}/transition", data={"csrf_token": token, "to": "assigned",
                                                                        "queue": "city", "assignee": "city"})
    token = await sign_in("chaoyang")
    assert (await console.get(page_of(appeal.ticket_id))).status == 200
    for action, data in (("edit", {"field": "headcount", "value": "5", "reason": "x"}),
                         ("assign", {"assignee": "chaoyang"}), ("transfer", {"district": "海淀区", "reason": "x"}),
                         ("merge", {"primary": appeal.ticket_id, "reason": "x"})):
        refused = await console.post(f"/appeals/{appeal.ticket_id}/{action}", data={"csrf_token": token, **data})
        assert refused.status == 403 and "只有承办单位可以办理" in await refused.text(), action
        forged = await console.post(f"/appeals/{appeal.ticket_id}/{action}", data=data)
        assert forged.status == 403, f"{action} without the CSRF token"
    await sign_in("haidian")
    other = await console.post(f"/appeals/{appeal.ticket_id}/edit", data={"csrf_token": token, **{
        "field": "headcount", "value": "5", "reason": "x"}})
    assert other.status in (403, 404)
    stored = await appeals.get(appeal.ticket_id)
    assert stored.headcount == 5000 and stored.worklog == []


async def test_staff_reopen_a_resolved_case_from_the_appeal_page(console, sign_in, appeals, wechat, audit):
    appeal = await filed(appeals)
    token = await sign_in("chaoyang")
    await console.post(f"/appeals/{appeal.ticket_id}/assign", data={"csrf_token": token, "assignee": "chaoyang"})
    transition = f"/appeals/{appeal.ticket_id}/transition"
    await console.post(transition, data={"csrf_token": token, "to": "in_progress"})
    page = await (await console.get(page_of(appeal.ticket_id))).text()
    assert "重办原因" not in page, "only resolved cases offer 重办"
    await console.post(transition, data={"csrf_token": token, "to": "resolved", "note": "单位已承诺补发"})
    page = await (await console.get(page_of(appeal.ticket_id))).text()
    assert "重办原因" in page and "此内容将发送给职工" in page

    empty = await console.post(f"/appeals/{appeal.ticket_id}/reopen", data={"csrf_token": token, "reason": ""})
    assert empty.status == 400 and (await appeals.get(appeal.ticket_id)).status.value == "resolved"
    done = await console.post(f"/appeals/{appeal.ticket_id}/reopen",
                              data={"csrf_token": token, "reason": "职工来电说钱还没到手"})
    assert done.status == 200 and "已重办" in await done.text()
    reopened = await appeals.get(appeal.ticket_id)
    assert reopened.status.value == "assigned" and reopened.reopened == 1 and reopened.assignee == "chaoyang"
    assert reopened.history[-1].note == "重办：职工来电说钱还没到手"
    assert "职工来电说钱还没到手" in (await sim_messages(wechat, WORKER))[-1]
    again = await console.post(f"/appeals/{appeal.ticket_id}/reopen", data={"csrf_token": token, "reason": "x"})
    assert again.status == 409 and "只有已办结或已回访" in await again.text()
    assert len(await audit.recent(action="reopen_appeal")) == 1


async def test_merging_a_duplicate_closes_it_with_links_and_history_on_both(console, sign_in, appeals, wechat, audit):
    primary = await filed(appeals)
    duplicate = await filed(appeals, description="还是老王装饰欠薪的事，再报一次")
    haidian = await filed(appeals, district="海淀区", openid="o_haidian_worker")
    token = await sign_in("chaoyang")
    url = f"/appeals/{duplicate.ticket_id}/merge"
    for data, status in (({"primary": duplicate.ticket_id, "reason": "x"}, 400),
                         ({"primary": "not a ticket", "reason": "x"}, 400),
                         ({"primary": haidian.ticket_id, "reason": "x"}, 404),
                         ({"primary": primary.ticket_id, "reason": ""}, 400)):
        refused = await console.post(url, data={"csrf_token": token, **data})
        assert refused.status == status, data
    assert (await appeals.get(duplicate.ticket_id)).status.value == "submitted"

    merged = await console.post(url, data={"csrf_token": token, "primary": primary.ticket_id.lower(),
                                           "reason": "同一职工重复提交"})
    html = await merged.text()
    assert merged.status == 200 and f"已将 {duplicate.ticket_id} 合并到本诉求" in html
    closed, kept = await appeals.get(duplicate.ticket_id), await appeals.get(primary.ticket_id)
    assert closed.status.value == "merged" and closed.merged_into == primary.ticket_id and closed.due_at is None
    assert kept.merged_from == [duplicate.ticket_id] and kept.status.value == "submitted"
    assert closed.worklog[-1]["kind"] == "merge" and kept.worklog[-1]["kind"] == "merge_in"
    assert f'href="/appeals/{duplicate.ticket_id}"' in html
    closed_page = await (await console.get(page_of(duplicate.ticket_id))).text()
    assert "已合并" in closed_page and f'href="/appeals/{primary.ticket_id}"' in closed_page
    assert "保存更正" not in closed_page, "a merged record is not worked any more"
    notice = (await sim_messages(wechat, WORKER))[-1]
    assert "已合并办理" in notice and primary.ticket_id in notice and "重复提交" not in notice
    merged_list = await (await console.get("/appeals", params={"status": "merged"})).text()
    assert duplicate.ticket_id in merged_list and primary.ticket_id not in merged_list
    assert {e.target for e in await audit.recent(action="merge_appeal")} == {f"appeal:{primary.ticket_id}",
                                                                            f"appeal:{duplicate.ticket_id}"}


async def test_export_is_a_spreadsheet_of_the_filtered_list_within_the_remit(console, sign_in, appeals, audit):
    chaoyang = await filed(appeals, employer="=HYPERLINK(\"http://x\")")
    resolved = await filed(appeals, employer="顺达物流", headcount=2)
    haidian = await filed(appeals, district="海淀区", openid="o_haidian_worker", employer="海淀某公司")
    await sign_in("chaoyang")
    response = await console.get("/export/appeals.csv")
    assert response.status == 200 and response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    body = await response.read()
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM so Excel reads the Chinese"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["诉求编号", "状态", "类别"]
    tickets = {row[0] for row in rows[1:]}
    assert tickets == {chaoyang.ticket_id, resolved.ticket_id}, "another district's appeals never leave"
    by_ticket = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
    first = by_ticket[chaoyang.ticket_id]
    assert first["状态"] == "已受理" and first["类别"] == "拖欠工资" and first["涉及人数"] == "5000"
    assert first["用人单位"].startswith("'="), "no formula runs when the file is opened"
    assert first["手机号"] == "138****5678" and PHONE not in body.decode("utf-8-sig")
    assert first["群体性"] == "是"

    filtered = await console.get("/export/appeals.csv", params={"employer": "顺达"})
    rows = list(csv.reader(io.StringIO((await filtered.read()).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [resolved.ticket_id]
    assert (await console.get("/export/appeals.csv", params={"district": "海淀区"})).status == 403
    assert (await console.get("/export/appeals.csv", params={"since": "yesterday"})).status == 400

    await sign_in("city")
    rows = list(csv.reader(io.StringIO((await (await console.get("/export/appeals.csv")).read()).decode("utf-8-sig"))))
    assert {row[0] for row in rows[1:]} == {chaoyang.ticket_id, resolved.ticket_id, haidian.ticket_id}
    entries = await audit.recent(action="export_appeals")
    assert entries[0].actor == "city" and entries[0].detail["count"] == 3


async def test_text_that_reaches_the_worker_is_labelled_and_internal_notes_never_do(console, sign_in, appeals,
                                                                                     wechat):
    appeal = await filed(appeals)
    token = await sign_in("chaoyang")
    html = await (await console.get(page_of(appeal.ticket_id))).text()
    assert "给职工的说明" in html and "此内容将发送给职工" in html and "内部备注（选填，职工看不到）" in html
    done = await console.post(f"/appeals/{appeal.ticket_id}/transition", data={
        "csrf_token": token, "to": "assigned", "queue": "district:朝阳区", "assignee": "chaoyang",
        "note": "我们已安排专人跟进", "internal_note": "该单位去年也有欠薪记录，注意取证"})
    assert done.status == 200
    sent = await sim_messages(wechat, WORKER)
    assert len(sent) == 1 and "我们已安排专人跟进" in sent[0] and "去年也有欠薪记录" not in sent[0]
    stored = await appeals.get(appeal.ticket_id)
    assert stored.notes[-1]["text"] == "该单位去年也有欠薪记录，注意取证"
    assert all("去年" not in change.note for change in stored.history), "status answers read history notes"
