"""工单录入: staff file an appeal for a caller, from a transferred call's page and from the
standalone form, through the console (init_app) against a real Redis: the same validation and
ticket as the bot's form, marked as filed by phone, every bad field named at once with nothing
stored, CSRF, and the district remit."""
from __future__ import annotations

import json
import uuid

import pytest

from bot.call_backs import CallBacks
from channels.hotline.call_state import CallState, CallStore

CALLER = "13912345678"
MASKED = "139****5678"


@pytest.fixture
async def call(redis, keys, escalations):
    """A call put through to a person (as channels/hotline does): its state with the caller's
    number, and its place in the human queue, placed in 海淀区."""
    call_id = f"fs-{uuid.uuid4().hex[:10]}"
    await CallStore(redis, keys).save(CallState(call_id, CALLER, "12351", 1.0))
    worker = f"hotline-{call_id}"
    await escalations.escalate(worker, "hotline_transfer", "normal", excerpt="老板拖欠工资", district="海淀区")
    return worker


async def stored(redis, keys) -> int:
    return await redis.zcard(keys.appeals_by_created())


def good_form(token: str, **extra) -> dict:
    form = {"csrf_token": token, "category": "wage_arrears", "district": "海淀区", "employer": "海淀青松物业公司",
            "description": "物业公司三个月没发工资，六个保安都没拿到", "headcount": "6", "amount": "每人4500元",
            "name": "赵师傅", "consent": "1"}
    form.update(extra)
    return form


async def test_staff_file_for_the_caller_from_the_call_page(console, sign_in, call, appeals, audit, redis, keys):
    token = await sign_in("haidian")
    page = await console.get(f"/conversations/{call}")
    html = await page.text()
    assert page.status == 200 and 'id="filing-form"' in html
    assert MASKED in html and CALLER not in html  # the caller's number stays masked on the page

    filed = await console.post("/appeals/new", data=good_form(token, **{"for": call, "use_caller": "1"}),
                               allow_redirects=False)
    assert filed.status == 303, await filed.text()
    ticket = filed.headers["Location"].rsplit("/", 1)[1]
    appeal = await appeals.get(ticket)
    assert appeal.phone == CALLER and appeal.channel == "hotline" and appeal.filed_by == "haidian"
    assert appeal.openid == call and appeal.district == "海淀区" and appeal.queue == "district:海淀区"
    assert appeal.headcount == 6 and appeal.consent and appeal.collective  # the filing's own rules: 6 unpaid
    assert appeal.history[0].actor == "staff:haidian"
    entry = (await audit.recent(action="file_appeal_by_phone"))[0]
    assert entry.actor == "haidian" and entry.target == f"appeal:{ticket}"
    assert CALLER not in json.dumps(entry.__dict__, ensure_ascii=False, default=str)
    shown = await (await console.get(filed.headers["Location"])).text()
    assert ticket in shown and "请向来电人逐位读出编号" in shown
    assert ticket in await (await console.get(f"/conversations/{call}")).text()  # the call's appeals


async def test_every_bad_field_is_named_and_nothing_is_stored(console, sign_in, call, redis, keys):
    token = await sign_in("city")
    before = await stored(redis, keys)
    bad = good_form(token, **{"for": call, "description": "   ", "headcount": "五六个", "phone": "12345",
                              "district": "火星区", "category": "lottery", "employer": "厂" * 201, "consent": ""})
    refused = await console.post("/appeals/new", data=bad)
    html = await refused.text()
    assert refused.status == 400
    for field, words in {"description": "诉求内容不能为空", "headcount": "涉及人数须为", "phone": "手机号格式不对",
                         "district": "请从列表中选择北京的区", "category": "请选择有效的类别",
                         "employer": "用人单位最多 200 字", "consent": "请先征得来电人同意"}.items():
        assert f'id="error-{field}"' in html and words in html, field
    assert "有 7 项需要修改" in html and "赵师傅" in html  # the typed values come back
    assert await stored(redis, keys) == before

    superscript = await console.post("/appeals/new", data=good_form(token, headcount="²", phone="139 1234 5678"))
    assert superscript.status == 400 and 'id="error-headcount"' in await superscript.text()
    script = await console.post("/appeals/new", data=good_form(token, headcount="0",
                                                               description="<script>alert(1)</script>"))
    assert script.status == 400 and "&lt;script&gt;alert(1)&lt;/script&gt;" in await script.text()
    assert "<script>alert(1)" not in await script.text()  # what was typed comes back escaped
    no_phone = await console.post("/appeals/new", data=good_form(token))  # standalone: no call, no number
    assert no_phone.status == 400 and "请填写来电人的手机号" in await no_phone.text()
    assert await stored(redis, keys) == before


async def test_a_standalone_filing_and_a_typed_number(console, sign_in, appeals):
    token = await sign_in("chaoyang")
    form = await (await console.get("/appeals/new")).text()
    assert 'name="for"' not in form and "朝阳区" in form and "海淀区" not in form  # district staff: their own
    filed = await console.post("/appeals/new", allow_redirects=False,
                               data=good_form(token, district="", phone="+86 138-0013-8000", description="工地不给签劳动合同"))
    assert filed.status == 303
    appeal = await appeals.get(filed.headers["Location"].rsplit("/", 1)[1])
    assert appeal.phone == "13800138000" and appeal.openid is None and appeal.district == "朝阳区"
    assert appeal.channel == "hotline" and appeal.filed_by == "chaoyang"


async def test_forged_and_out_of_remit_filings_are_refused(console, sign_in, call, redis, keys):
    before = await stored(redis, keys)
    token = await sign_in("chaoyang")
    assert (await console.get(f"/conversations/{call}")).status == 403  # a 海淀区 call
    assert (await console.get("/appeals/new", params={"for": call})).status == 403
    other = await console.post("/appeals/new", data=good_form(token, **{"for": call, "use_caller": "1"}))
    assert other.status == 403
    elsewhere = await console.post("/appeals/new", data=good_form(token, phone=CALLER))  # district 海淀区
    assert elsewhere.status == 400 and "您只能为本区（朝阳区）登记诉求" in await elsewhere.text()
    wechat_worker = await console.post("/appeals/new", data=good_form(token, phone=CALLER, district="",
                                                                       **{"for": "o_wechat_worker_1"}))
    assert wechat_worker.status == 404  # not a caller: nobody to file "by phone" for

    token = await sign_in("haidian")
    forged = await console.post("/appeals/new", data={k: v for k, v in good_form(token, **{"for": call,
                                                                                           "use_caller": "1"}).items()
                                                      if k != "csrf_token"})
    assert forged.status == 403
    wrong_token = await console.post("/appeals/new", data=good_form("0" * 43, **{"for": call, "use_caller": "1"}))
    assert wrong_token.status == 403
    as_json = await console.post("/appeals/new", json=good_form(token, **{"for": call, "use_caller": "1"}))
    assert as_json.status == 403  # a token in a JSON body is not read: header or form field only
    token = await sign_in("admin")
    assert (await console.post("/appeals/new", data=good_form(token, phone=CALLER))).status == 403
    assert await stored(redis, keys) == before


async def test_a_withheld_number_must_be_asked_for(console, sign_in, redis, keys, escalations):
    await CallStore(redis, keys).save(CallState("fs-withheld-1", "", "12351", 1.0))
    await escalations.escalate("hotline-fs-withheld-1", "hotline_transfer", "normal")
    token = await sign_in("city")
    page = await (await console.get("/conversations/hotline-fs-withheld-1")).text()
    assert 'id="filing-use-caller"' not in page  # nothing to offer
    refused = await console.post("/appeals/new", data=good_form(token, **{"for": "hotline-fs-withheld-1",
                                                                         "use_caller": "1"}))
    assert refused.status == 400 and "这通来电没有可用的手机号" in await refused.text()
    assert await CallBacks(redis, keys).open() == []
