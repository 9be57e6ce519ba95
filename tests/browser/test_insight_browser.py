"""Insight in the browser: appeals against one employer (two filed through the appeal store,
the third by a worker through the WeChat simulator, spelled differently each time) raise the
cluster warning; 朝阳 staff open its evidence and acknowledge it; the city sees who and when.
The overview and map render their ECharts charts from /static (CSP: no inline script)."""
from __future__ import annotations

from tests.browser.conftest import RESULTS, sign_in
from tests.integration.appeal_filings import question_in

ANSWERS = {"category": "工资的事", "description": "干了两个多月了老板一直拖着不发工资", "employer": "宏达公司",
           "district": "朝阳", "headcount": "就我一个", "amount": "一万左右", "phone": "不留", "name": "王师傅",
           "consent": "同意", "summary": "是", "which_field": "没有了"}


async def file_through_wechat(worker) -> str:
    reply = await worker.says("我要投诉单位拖欠工资")
    for _ in range(15):
        if "编号：GH" in reply:
            return reply.split("编号：")[1][:14]
        question = question_in(reply)
        assert question in ANSWERS, reply
        reply = await worker.says(ANSWERS[question])
    raise AssertionError(f"no ticket after 15 turns: {reply}")


async def test_employer_cluster_warning_from_filing_to_acknowledgement(page, console_url, staff, appeals, worker):
    for n, employer in enumerate(["北京宏达建筑有限公司", "宏达建筑"]):
        await appeals.create(description="拖欠工资两个月", category="wage_arrears", employer=employer,
                             district="朝阳区", openid=f"o_insight_browser_{n}", phone="13800003333")
    await sign_in(page, console_url, "chaoyang")
    await page.goto(f"{console_url}/insight/warnings")
    assert "同一单位集中投诉" not in await page.inner_text("#warnings")

    ticket = await file_through_wechat(worker)
    filed = await appeals.get(ticket)
    assert filed.employer == "宏达公司" and filed.district == "朝阳区"

    await page.goto(f"{console_url}/insight/warnings")
    row = page.locator("#warnings tr", has_text="同一单位集中投诉")
    assert await row.count() == 1 and "未签收" in await row.inner_text()
    await row.locator("a").first.click()  # one click to the evidence
    evidence = await page.inner_text("#evidence")
    assert ticket in evidence and "北京宏达建筑有限公司" in evidence and "宏达建筑" in evidence
    await page.screenshot(path=str(RESULTS / "insight_warning.png"), full_page=True)
    await page.fill("#acks textarea[name=note]", "已联系宏达公司，约谈负责人")
    await page.check("#acks input[name=escalate]")
    await page.click("#acks button[type=submit]")
    assert "朝阳 王老师" in await page.inner_text("#acks")

    await page.click("button:has-text('退出')")
    await sign_in(page, console_url, "city")
    await page.goto(f"{console_url}/insight/warnings")
    row = page.locator("#warnings tr", has_text="同一单位集中投诉")
    text = await row.inner_text()
    assert "朝阳 王老师" in text and "已上报" in text

    for path, chart, shot in [("/insight", "#chart-daily", "insight_overview.png"),
                              ("/insight/map", "#chart-map", "insight_map.png")]:
        await page.goto(f"{console_url}{path}")
        await page.wait_for_selector(f"{chart}[data-ready='1'] svg")
        await page.screenshot(path=str(RESULTS / shot), full_page=True)
    assert "朝阳区" in await page.inner_text("#chart-map")
