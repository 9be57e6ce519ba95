"""Rasa's model pulling as bot/rasa_model_pulling.py changes it, on the trained model:
- a model loaded the fast way parses exactly as one loaded by Rasa's own RasaModel.load;
- pulling a new model from a model server (Rasa's protocol: ETag / If-None-Match) keeps the
  event loop free — messages are parsed by the old model all through the load — and then
  swaps the new one in; an unchanged model (304) is not loaded again.
The model server is a small aiohttp app: the console's real one is tested in
tests/integration/console/test_models.py and, with the whole stack, in the browser loop."""
from __future__ import annotations

import asyncio
import time

import pytest
from aiohttp import web
from rasa.core.agent import Agent
from rasa.utils.endpoints import EndpointConfig
from rasa.utils.tensorflow.models import RasaModel

from bot import rasa_model_pulling
from bot.redis_server import free_port
from bot.models_registry.registry import rasa_model_id

TEXTS = ["年假有几天", "老板欠了两个月工资怎么办", "你好", "工友说要跳楼", "被毕业了能拿几个N", "三方那边不给我续约",
         "加班费怎么算", "我要投诉单位", "GH202611010012 进度", "1"]
# A parse of the old model takes tens of milliseconds; while the new one is built beside it,
# up to a second or two on a busy machine (both use TensorFlow's thread pool). Rasa's own pull
# stalls the loop for the whole load: 13 s quiet, a minute or more under load.
LONGEST_STALL = 5.0


async def parses(agent: Agent) -> list:
    out = []
    for text in TEXTS:
        parse = await agent.parse_message(text)
        out.append((parse["intent"], parse.get("intent_ranking"), parse.get("entities"),
                    parse.get("response_selector", {}).get("faq", {}).get("ranking")))
    return out


async def test_fast_load_parses_exactly_as_rasas_own(model_path, monkeypatch):
    monkeypatch.setattr(RasaModel, "load", rasa_model_pulling.RASA_LOAD)
    theirs = await parses(await asyncio.to_thread(Agent.load, str(model_path)))
    monkeypatch.setattr(RasaModel, "load", classmethod(rasa_model_pulling.load_without_tracing_training))
    ours = await parses(await asyncio.to_thread(Agent.load, str(model_path)))
    assert ours == theirs


@pytest.fixture
async def model_server(model_path):
    """Serves `model_path` as the active model with the given ETag (Rasa's protocol)."""
    state = {"etag": '"first"', "downloads": 0}
    body = await asyncio.to_thread(model_path.read_bytes)

    async def model(request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == state["etag"]:
            return web.Response(status=304)
        state["downloads"] += 1
        return web.Response(body=body, headers={"ETag": state["etag"], "filename": model_path.name})

    app = web.Application()
    app.router.add_get("/model.tar.gz", model)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    state["endpoint"] = EndpointConfig(f"http://127.0.0.1:{port}/model.tar.gz")
    yield state
    await runner.cleanup()


async def test_pulled_model_loads_off_the_event_loop_and_is_swapped_in(model_path, model_server, monkeypatch):
    monkeypatch.setattr(RasaModel, "load", classmethod(rasa_model_pulling.load_without_tracing_training))
    agent = Agent()
    await rasa_model_pulling.update_model_from_server(model_server["endpoint"], agent)  # start-up pull
    assert agent.fingerprint == '"first"' and agent.model_id == rasa_model_id(model_path)
    old = agent.processor
    expected = await parses(agent)

    model_server["etag"] = '"second"'  # another model activated (the same file will do)
    stalls, answers, done = [], [], asyncio.Event()

    async def worker_messages() -> None:
        while not done.is_set():
            started = time.monotonic()
            answers.append((agent.processor is old, await agent.parse_message("年假有几天")))
            stalls.append(time.monotonic() - started)
            await asyncio.sleep(0.05)

    talking = asyncio.create_task(worker_messages())
    started = time.monotonic()
    await rasa_model_pulling.update_model_from_server(model_server["endpoint"], agent)
    loading = time.monotonic() - started
    done.set()
    await talking
    print(f"\npull and load: {loading:.1f} s; {len(answers)} messages parsed meanwhile, longest {max(stalls):.2f} s")
    assert agent.fingerprint == '"second"' and agent.processor is not old
    assert len(answers) >= 5 and all(on_old for on_old, _ in answers[:-1])
    assert max(stalls) < LONGEST_STALL
    assert await parses(agent) == expected

    swapped = agent.processor
    await rasa_model_pulling.update_model_from_server(model_server["endpoint"], agent)  # 304
    assert agent.processor is swapped and model_server["downloads"] == 2
