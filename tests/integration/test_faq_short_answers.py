"""Short direct FAQ answers end to end through WeChat with the real model: the specific answer
first on one screen, "详细" one word away, a figure given later completes the estimate."""
from __future__ import annotations

import pytest

from bot.faq.answers import load_answers
from bot.faq.compose import first_sentence
from tests.integration.stack import Stack
from tests.integration.test_nlu_dialogue import Worker

pytestmark = pytest.mark.integration
ANSWERS = load_answers()


@pytest.fixture(scope="module")
def stack(redis_server, model_path, tmp_path_factory):
    running = Stack(redis_server["url"], tmp_path_factory.mktemp("faq") / "launcher.log",
                    {"KEY_PREFIX": "faq:"}).start()
    yield running
    running.kill()


@pytest.fixture
async def worker(stack):
    person = Worker(stack)
    yield person
    await person.wechat.close()


async def test_specific_answer_first_then_detail_one_word_away(worker):
    short = await worker.says("试用期工资只给八折 这合法吗")
    assert "80%" in first_sentence(short) and len(short) <= 150, short
    assert ANSWERS.tail in short
    detail = await worker.says("详细")
    assert "《劳动合同法》第19条" in detail and "第20条" in detail, detail


async def test_legality_follow_up_keeps_the_topic(worker):
    await worker.says("周六日加班的钱怎么算")
    follow = await worker.says("那不给加班费违法吗")
    assert first_sentence(follow).startswith("不合法"), follow


async def test_the_missing_figure_completes_the_estimate(worker):
    ask = await worker.says("在厂里干了五年半 被辞退了 能拿多少补偿")
    assert "月薪多少" in ask, ask
    estimate = await worker.says("月薪八千")
    assert estimate.startswith("估算：经济补偿N约4.8万元"), estimate
