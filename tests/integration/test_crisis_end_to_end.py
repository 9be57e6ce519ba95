"""Crisis messages written the way workers write them, end to end through WeChat: the
simulator's signed, encrypted XML → the channel → Rasa with the real model (CrisisOverride
last) → the action server → the human queue in a real Redis. Each must get the help lines
and a person with emergency priority on the first message, including one sent while the
appeal form is asking a question that the message would otherwise answer."""
from __future__ import annotations

import json

import pytest
import redis

from tests.integration.stack import Stack

PREFIX = "crisis:"
HELP_LINES = ("110", "120", "010-82951332")


@pytest.fixture(scope="module")
def stack(redis_server, model_path, tmp_path_factory):
    env = {"KEY_PREFIX": PREFIX, "WECHAT_REPLY_DEADLINE": "2.5"}  # slow turns come back as customer-service messages
    running = Stack(redis_server["url"], tmp_path_factory.mktemp("crisis") / "launcher.log", env).start()
    yield running
    running.kill()


@pytest.fixture
def queue(redis_server):
    client = redis.Redis(port=redis_server["port"], decode_responses=True)
    yield client
    client.close()


def escalation_of(queue, openid: str):
    raw = queue.get(f"{PREFIX}handoff:{openid}")
    return json.loads(raw) if raw else None


def assert_helped_and_queued(reply: str, queue, openid: str) -> None:
    for line in HELP_LINES:
        assert line in reply, reply
    escalation = escalation_of(queue, openid)
    assert escalation and escalation["priority"] == "emergency", escalation
    assert queue.zscore(f"{PREFIX}handoff:queue", openid) is not None


@pytest.mark.parametrize("text", [
    "包工头欠我七千块 孩子才俩月 我只有死路一条了",  # was answered with the wage-arrears FAQ
    "活着没意思 欠的钱也要不回来",  # was the wage-arrears FAQ
    "大家都不想活了 准备一起去找老板拼命",  # was undone by the fallback placed after CrisisOverride
    "下矿的工人有两个没上来 联系不上",  # was "您还没有在这里提交过诉求"
    "我把攒的药都倒出来了 数了数有四十多片",
    "laoban bu gei qian wo zhi you si lu yi tiao le",
])
async def test_a_crisis_gets_help_lines_and_a_person_on_the_first_message(worker, queue, text):
    reply = await worker.says(text)
    assert_helped_and_queued(reply, queue, worker.openid)
    alerts = [json.loads(a) for a in queue.lrange(f"{PREFIX}alerts", 0, -1)]
    assert any(a["openid"] == worker.openid for a in alerts)


async def test_a_crisis_while_the_appeal_form_asks_a_question(worker, queue):
    assert "发生了什么" in await worker.says("我要投诉我们老板拖欠工资")
    assert "单位" in await worker.says("干了五个月一分钱没拿到")
    assert "哪个区" in await worker.says("宏达建筑")
    # Names a district, which would fill the form's slot if the form took it as an answer.
    reply = await worker.says("朝阳那个工地塌了 两个工友被埋在下面 现在联系不上")
    assert_helped_and_queued(reply, queue, worker.openid)
    assert "多少人" not in reply, "the form must not go on to its next question"


async def test_a_hard_negative_is_answered_normally(worker, queue):
    reply = await worker.says("工伤死亡赔偿金怎么算")
    assert reply and "010-82951332" not in reply and "110" not in reply
    assert escalation_of(queue, worker.openid) is None


async def test_a_crisis_while_waiting_for_a_person_jumps_the_queue(worker, queue):
    assert "工作人员" in await worker.says("我要找人工")
    assert escalation_of(queue, worker.openid)["priority"] == "normal"
    # The bot is paused now and runs no action; the crisis must still be answered at once.
    reply = await worker.says("等不下去了 我现在就在公司楼顶")
    assert_helped_and_queued(reply, queue, worker.openid)
    assert await worker.says("你好") == "", "ordinary messages still go to the person only"
