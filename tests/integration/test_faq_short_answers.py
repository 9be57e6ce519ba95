"""Short direct FAQ answers end to end through WeChat with the real model: the specific answer
first on one screen, "详细" one word away, a figure given later completes the estimate."""
from __future__ import annotations

import re
import shutil
import uuid

import aiohttp
import pytest
from redis.asyncio import Redis

from bot.console.accounts import ADMIN, AccountStore
from bot.faq.answer_checks import fact_label, facts_file
from bot.faq.answer_file import read_texts
from bot.faq.answers import ANSWERS_FILE, load_answers
from bot.redis_keys import RedisKeys
from bot.faq.compose import first_sentence
from tests.integration.stack import Stack

pytestmark = pytest.mark.integration
ANSWERS = load_answers()


@pytest.fixture(scope="module")
def answers_copy(tmp_path_factory):
    """The stack serves (and the console edits) a copy: a test run never changes tracked files."""
    target = tmp_path_factory.mktemp("answers") / "answers.yml"
    shutil.copy(ANSWERS_FILE, target)
    shutil.copy(facts_file(ANSWERS_FILE), facts_file(target))
    return target


@pytest.fixture(scope="module")
def stack(redis_server, model_path, tmp_path_factory, answers_copy):
    running = Stack(redis_server["url"], tmp_path_factory.mktemp("faq") / "launcher.log",
                    {"KEY_PREFIX": "faq:", "FAQ_ANSWERS_FILE": str(answers_copy)}).start()
    yield running
    running.kill()


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


async def test_an_answer_edited_in_the_console_reaches_the_worker_without_training(stack, worker, answers_copy,
                                                                                   redis_server):
    question = "北京最低工资现在是多少"
    before = await worker.says(question)
    assert "2540" in before, before
    name = f"adm{uuid.uuid4().hex[:6]}"
    client = Redis.from_url(redis_server["url"], decode_responses=True)
    await AccountStore(client, RedisKeys("faq:")).create(name, "correct horse battery", ADMIN, created_by="test")
    await client.close()
    texts = read_texts(answers_copy, "minimum_wage")
    raise_figure = lambda text: text.replace("2540", "2720")  # noqa: E731
    async with aiohttp.ClientSession(base_url=stack.console_url, cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        login = await (await http.get("/login")).text()
        token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
        await http.post("/login", data={"username": name, "password": "correct horse battery", "csrf_token": token})
        page = await (await http.get("/admin/answers/minimum_wage")).text()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        saved = await http.post("/admin/answers/minimum_wage", allow_redirects=False, data={
            "csrf_token": token, "revision": texts.revision, "action": "save", "reason": "最低工资调整",
            "short": raise_figure(texts.short), "detail": raise_figure(texts.detail),
            "facts": raise_figure("\n".join(fact_label(f) for f in texts.facts)),
            **{f"sub:{key}": raise_figure(text) for key, text in texts.subs}})
        assert saved.status == 303, await saved.text()
        after = await worker.says(question)
        assert "2720" in after and "2540" not in after, after
        restored = await http.post("/admin/answers/minimum_wage/versions/1/restore", allow_redirects=False,
                                   data={"csrf_token": token, "which": "before"})
        assert restored.status == 303
    assert "2540" in await worker.says(question)
