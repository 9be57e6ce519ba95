"""A worker files, follows and escalates appeals in WeChat, end to end: the WeChat simulator's
signed, encrypted XML → the channel → Rasa with the real model → the action server → the
appeal store in a real Redis."""
from __future__ import annotations

import json
import uuid

import pytest
import redis
from redis.asyncio import Redis

import asyncio
import aiohttp

from bot.appeals import AppealStore, Status
from bot.redis_keys import RedisKeys
from bot.settings import DEV_WECHAT, Settings
from channels.wechat.appeal_notices import AppealNotifier
from channels.wechat.runtime import ChannelRuntime
from channels.wechat_sim.official_account import OfficialAccountClient
from tests.integration.stack import Stack

PREFIX = "conv:"
API_TOKEN = "integration-test-token-12351"


@pytest.fixture(scope="module")
def stack(redis_server, model_path, tmp_path_factory):
    env = {"KEY_PREFIX": PREFIX, "RASA_API_TOKEN": API_TOKEN}
    running = Stack(redis_server["url"], tmp_path_factory.mktemp("appeals") / "launcher.log", env).start()
    yield running
    running.kill()


@pytest.fixture
async def appeals(redis_server):
    client = Redis.from_url(redis_server["url"], decode_responses=True)
    yield AppealStore(client, RedisKeys(PREFIX))
    await client.close()


class Worker:
    def __init__(self, stack):
        self.openid = f"o_{uuid.uuid4().hex[:12]}"
        self.wechat = OfficialAccountClient(stack.webhook_url, DEV_WECHAT["WECHAT_TOKEN"], DEV_WECHAT["WECHAT_APPID"],
                                            DEV_WECHAT["WECHAT_AES_KEY"])

    async def says(self, text: str) -> str:
        result = await self.wechat.send_text(self.openid, text)
        assert result.status == 200, result.error
        return result.reply["Content"] if result.reply else ""

    async def close(self):
        await self.wechat.close()


@pytest.fixture
async def worker(stack):
    person = Worker(stack)
    yield person
    await person.close()


async def test_file_an_appeal_end_to_end_with_invalid_answers_and_evidence(worker, stack, appeals):
    assert "发生了什么" in await worker.says("我要投诉我们老板拖欠工资")  # category taken from the topic
    image = await worker.wechat.send_image(worker.openid, "sim-image-payslip")
    assert "图片" in image.reply["Content"]
    assert "单位" in await worker.says("干了三个月一分钱没拿到，老板一直说下个月发")
    assert "哪个区" in await worker.says("顺达物流公司")
    assert "没认出" in await worker.says("就在那边")
    assert "多少人" in await worker.says("朝阳")
    assert "金额" in await worker.says("我们车队12个人")
    assert "手机号" in await worker.says("三万多")
    assert "号码好像不对" in await worker.says("12345")
    assert "称呼" in await worker.says("13812345678")
    assert "同意" in await worker.says("匿名")
    summary = await worker.says("同意")
    assert "顺达物流公司" in summary and "朝阳区" in summary and "13812345678" in summary
    done = await worker.says("是")
    assert "编号：GH" in done and "朝阳区总工会" in done and "群体性" in done
    ticket = done.split("编号：")[1][:14]

    appeal = await appeals.get(ticket)
    assert appeal.category == "wage_arrears" and appeal.district == "朝阳区"
    assert appeal.queue == "district:朝阳区" and appeal.headcount == 12
    assert appeal.collective and appeal.urgent and appeal.phone == "13812345678" and appeal.name is None
    assert appeal.openid == worker.openid and appeal.consent
    assert [e["media_id"] for e in appeal.evidence] == ["sim-image-payslip"]

    status = await worker.says(f"{ticket}进度怎么样了")
    assert ticket in status and "已受理" in status

    stranger = Worker(stack)
    try:
        refused = await stranger.says(f"{ticket}进度怎么样了")
        assert "没有找到属于您的" in refused and "已受理" not in refused
        with_phone = await stranger.says(f"查一下{ticket} 登记电话13812345678")
        assert "已受理" in with_phone
    finally:
        await stranger.close()


async def test_cancel_and_an_faq_question_in_the_middle(worker, appeals):
    assert "哪方面" in await worker.says("我要反映情况")
    answer = await worker.says("申请劳动仲裁要交钱吗")
    assert "仲裁" in answer and ("不收费" in answer or "免费" in answer)
    assert answer.rstrip().endswith("7 其他"), "the form asks its question again"
    assert "不会提交" in await worker.says("不弄了")
    assert await appeals.list(openid=worker.openid) == []
    listing = await worker.says("我的诉求")
    assert "还没有" in listing


async def test_emergency_reaches_a_person_at_once(worker, appeals, redis_server):
    reply = await worker.says("老板欠薪不给，工友站在楼顶说要跳楼")
    assert "110" in reply and "120" in reply and "010-82951332" in reply and "编号" in reply
    [appeal] = await appeals.list(openid=worker.openid)
    assert appeal.emergency and appeal.urgent
    store = redis.Redis(port=redis_server["port"], decode_responses=True)
    escalation = json.loads(store.get(f"{PREFIX}handoff:{worker.openid}"))
    assert escalation["priority"] == "emergency" and escalation["ticket_id"] == appeal.ticket_id
    alerts = [json.loads(a) for a in store.lrange(f"{PREFIX}alerts", 0, -1)]
    assert any(a["openid"] == worker.openid and "跳楼" in a["crisis_terms"] for a in alerts)
    assert await worker.says("你好") == "", "the bot stays silent while a person takes over"


async def test_asking_for_a_person_pauses_the_bot(worker, redis_server):
    reply = await worker.says("我要找人工")
    assert "工作人员" in reply
    store = redis.Redis(port=redis_server["port"], decode_responses=True)
    assert json.loads(store.get(f"{PREFIX}handoff:{worker.openid}"))["reason"] == "worker asked for a person"
    assert await worker.says("加班费怎么算") == ""


async def file_simple_appeal(worker) -> str:
    await worker.says("我要投诉公司不给交社保")
    for answer in ("入职一年多了公司一直没给我交社保", "华联超市", "海淀", "就我一个", "不清楚", "不留", "王师傅", "同意"):
        await worker.says(answer)
    done = await worker.says("是")
    assert "编号：GH" in done, done
    return done.split("编号：")[1][:14]


async def customer_service_messages(stack, openid: str, expected: int) -> list:
    async with aiohttp.ClientSession() as http:
        for _ in range(100):
            async with http.get(f"{stack.simulator_url}/_sim/messages", params={"touser": openid}) as response:
                messages = [m["content"] for m in (await response.json())["messages"]]
            if len(messages) >= expected:
                return messages
            await asyncio.sleep(0.2)
    return messages


async def test_staff_progress_reaches_the_worker_who_then_rates_it(worker, stack, appeals, redis_server):
    ticket = await file_simple_appeal(worker)
    settings = Settings.from_env({"REDIS_URL": redis_server["url"], "KEY_PREFIX": PREFIX,
                                  "WECHAT_SIM_PORT": str(stack.simulator_port)})
    runtime = ChannelRuntime(settings)
    notifier = AppealNotifier(runtime, f"http://127.0.0.1:{stack.rasa_port}", API_TOKEN)
    try:
        await notifier.notify(await appeals.transition(ticket, Status.ASSIGNED, "staff:haidian-li"))
        await notifier.notify(await appeals.transition(ticket, Status.IN_PROGRESS, "staff:haidian-li"))
        resolved = await appeals.transition(ticket, Status.RESOLVED, "staff:haidian-li", note="单位已补缴社保")
        await notifier.notify(resolved)
    finally:
        await runtime.close()
    messages = await customer_service_messages(stack, worker.openid, 4)
    assert "已派单至海淀区总工会" in messages[0] and "正在办理" in messages[1]
    assert "已办结" in messages[2] and "单位已补缴社保" in messages[2]
    assert "打个分" in messages[3]

    assert "意见" in await worker.says("5分")
    assert "谢谢您的评价" in await worker.says("处理得很快，谢谢")
    rated = await appeals.get(ticket)
    assert rated.status == Status.REVISITED and rated.satisfaction == 5
    assert rated.satisfaction_comment == "处理得很快，谢谢"


async def test_an_answer_that_sounds_like_a_topic_is_taken_as_the_answer(worker, appeals):
    """Inside the form an answer is an answer first: an employer named after a district fills
    the field asked instead of looping on an FAQ answer (issue 8, finding 10)."""
    assert "发生了什么" in await worker.says("我要投诉老板拖欠工资")
    assert "单位" in await worker.says("干了两个月没发工资 老板一直拖着")
    after_employer = await worker.says("朝阳测试公司")
    assert "单位" not in after_employer and "名称" not in after_employer, after_employer
    assert "多少人" in after_employer or "哪个区" in after_employer
    for answer in ("朝阳", "就我一个", "八千", "不留", "匿名", "同意"):
        reply = await worker.says(answer)
        if "请核对" in reply:
            break
    assert "朝阳测试公司" in reply
    done = await worker.says("是")
    ticket = done.split("编号：")[1][:14]
    appeal = await appeals.get(ticket)
    assert appeal.employer == "朝阳测试公司" and appeal.category == "wage_arrears"
