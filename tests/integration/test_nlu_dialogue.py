"""What workers really write, end to end through WeChat with the real model: the numbered
clarifying question and its "1"/"2" reply, negation, a story's appeal offer."""
from __future__ import annotations

import re

import pytest
import redis

from actions.story_offer import OFFER
from actions.topics import TOPIC_PHRASES
from tests.integration.stack import Stack
from tests.integration.wechat_worker import Worker

pytestmark = pytest.mark.integration
PREFIX = "nlu:"
# Vague messages; the model should be unsure about at least one of them.
VAGUE = ("那个钱的事咋弄", "单位那个事咋整", "合同和保险的事", "假的事问一下", "公司那边的钱和假")
STORY = ("我在通州一个工地干木工 从三月干到十月 说好一天三百五 到现在就给了生活费 包工头说上面没拨款 "
         "我们十几个人都在这耗着 怎么办")


@pytest.fixture(scope="module")
def stack(redis_server, model_path, tmp_path_factory):
    running = Stack(redis_server["url"], tmp_path_factory.mktemp("nlu") / "launcher.log", {"KEY_PREFIX": PREFIX}).start()
    yield running
    running.kill()


async def test_a_numbered_reply_answers_the_clarifying_question(stack):
    for text in VAGUE:
        worker = Worker(stack)  # a fresh conversation each: no second miss in a row
        question = await worker.says(text)
        if "回复1或2" in question:
            break
        await worker.close()
    assert "回复1或2" in question, question
    options = re.findall(r"^[12]\. (.+)$", question, re.M)
    assert len(options) == 2
    topic = next(intent for intent, phrase in TOPIC_PHRASES.items() if phrase == options[1])
    answer = await worker.says("2")
    assert "没太明白" not in answer and "工作人员跟进" not in answer, answer
    # The answer is what the second option leads to (an FAQ answer, the appeal form ...), not
    # another question.
    assert answer and answer != question and "回复1或2" not in answer, answer
    if topic.startswith("faq/"):
        assert len(answer) > 60, answer
    await worker.close()


async def test_no_to_a_person_does_not_hand_over(worker, redis_server):
    await worker.says("不用转人工")
    store = redis.Redis(port=redis_server["port"], decode_responses=True)
    assert store.get(f"{PREFIX}handoff:{worker.openid}") is None
    assert await worker.says("加班费怎么算") != "", "the bot still answers"


async def test_a_story_with_a_grievance_is_answered_and_offered_an_appeal(worker):
    answer = await worker.says(STORY)
    assert "拖欠" in answer or "欠薪" in answer or "工资" in answer, answer
    assert OFFER in answer
    reply = await worker.says("是")
    # The appeal form starts; it may already have taken the story's facts and ask what is missing.
    assert "登记诉求" in reply or "哪个单位" in reply, reply
