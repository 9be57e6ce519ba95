"""Rasa 3.6's model pulling, changed so that activating a model neither stalls conversations
nor takes minutes (issue 12; numbers: benchmarks/results/activation.json, model_load_phases.json).

Installed with bot/rasa_speedups.py, when Rasa imports the project's tracker store: that
happens in `load_agent` before the first pull, in every Rasa process and Sanic worker.

What Rasa does (rasa/core/agent.py `_update_model_from_server`), measured on this 2-core
machine with the production model (benchmarks/profile_model_load.py, bench_activation.py):
- It loads the pulled model with the synchronous `Agent.load_model` *on the Sanic event loop*:
  for the whole load (about 45 s quiet, minutes under load) that worker answers nothing, so
  every turn it holds waits past WeChat's 5 s deadline.
- About 80 % of the load is `RasaModel.load` building the weights by `model.fit` on one
  example, which traces TensorFlow's whole training graph (gradients, Adam) only for the
  weights to be overwritten by `load_weights` a moment later.
- The download is read into memory and written to disk with a blocking write on the loop.

What happens here instead:
- The download streams to disk off the loop; the new `MessageProcessor` is built in a
  one-thread executor (one load at a time per process) while the old one keeps answering.
- The processor parses a few messages there before it serves (TensorFlow traces its predict
  function on the first call), so the first message after the switch is not the slow one.
- Then the swap, on the loop with no await in between: each turn uses the processor it read
  when it started (Agent.handle_message), so a turn in progress finishes on the old model and
  the next one gets the new model; nothing is dropped.
- `RasaModel.load` reads the checkpoint first, then builds the weights by running the model's
  loss on that one example once, eagerly, as a training step would but without gradients or
  optimizer: the same layers and variables get built, each starting from its checkpoint value,
  so the served model is the same (tests/integration/models_registry/test_model_loading.py
  compares the parses of both loads); the throw-away training graph is neither traced nor run,
  no random initialisation is wasted, and the optimizer's slots are not restored (serving
  never uses them; fine-tuning loads as in Rasa).
"""
from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Optional, Text

import aiohttp
from rasa.core import agent as rasa_agent
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa.nlu.utils import is_url
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.models import RasaModel

logger = logging.getLogger(__name__)

# Short and long, FAQ and not: each traces what a worker's first real message would.
WARM_UP_TEXTS = ("你好", "年假有几天", "公司拖欠工资三个月了，我想投诉，应该找哪个部门？", "1")
DOWNLOAD_TIMEOUT = aiohttp.ClientTimeout(total=600, sock_connect=10)
CHUNK = 1 << 20
_loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="model-load")
RASA_LOAD = RasaModel.__dict__["load"]  # Rasa's own, before install(): the tests compare with it


async def download(model_server: EndpointConfig, fingerprint: Optional[Text], directory: Path) -> Optional[Text]:
    """The model server's new model into `directory`: its ETag, or None when there is none
    (304/204/404/other status, server unreachable), as Rasa's own pull answers."""
    try:
        async with model_server.session() as session:
            async with session.get(model_server.url, timeout=DOWNLOAD_TIMEOUT, params=model_server.combine_parameters(),
                                   headers={"If-None-Match": fingerprint or ""}) as response:
                if response.status != 200:
                    if response.status not in (204, 304):
                        logger.debug("Model server answered %s; trying again at the next pull.", response.status)
                    return None
                path = directory / response.headers.get("filename", "model.tar.gz")
                with open(path, "wb") as handle:  # opening is instant; the writes go to a thread
                    async for chunk in response.content.iter_chunked(CHUNK):
                        await asyncio.to_thread(handle.write, chunk)
                return response.headers.get("ETag")
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        logger.debug("Model server unreachable (%s); trying again at the next pull.", error)
        return None


def prepared_processor(agent: Agent, directory: Text) -> MessageProcessor:
    """The pulled model loaded and warmed up, as Agent.load_model would build it (blocking:
    runs in the loader thread)."""
    processor = MessageProcessor(model_path=directory, tracker_store=agent.tracker_store, lock_store=agent.lock_store,
                                 action_endpoint=agent.action_endpoint, generator=agent.nlg,
                                 http_interpreter=agent.http_interpreter)
    tracker = DialogueStateTracker.from_events("model-warm-up", [])
    for text in WARM_UP_TEXTS:
        processor._parse_message_with_graph(UserMessage(text, sender_id="model-warm-up"), tracker)
    return processor


def swap(agent: Agent, processor: MessageProcessor, fingerprint: Text) -> None:
    """What Agent.load_model does after building the processor. No await: atomic on the loop."""
    agent.processor = processor
    agent.domain = processor.domain
    agent._set_fingerprint(fingerprint)
    agent.tracker_store.domain = agent.domain
    if isinstance(agent.nlg, TemplatedNaturalLanguageGenerator):
        agent.nlg.responses = agent.domain.responses if agent.domain else {}


async def update_model_from_server(model_server: EndpointConfig, agent: Agent) -> None:
    """Replaces rasa.core.agent._update_model_from_server (the first pull at start-up and every
    scheduled one); a failed pull or load keeps the current model, as in Rasa."""
    if not is_url(model_server.url):
        raise aiohttp.InvalidURL(model_server.url)
    directory = tempfile.mkdtemp(prefix="model-pull-")
    try:
        started = time.monotonic()
        fingerprint = await download(model_server, agent.fingerprint, Path(directory))
        if not fingerprint:
            return
        downloaded = time.monotonic()
        processor = await asyncio.get_running_loop().run_in_executor(_loader, prepared_processor, agent, directory)
        swap(agent, processor, fingerprint)
        logger.info("Model %s (model_id %s) now served: download %.1f s, load and warm-up %.1f s.",
                    fingerprint, processor.model_metadata.model_id, downloaded - started,
                    time.monotonic() - downloaded)
    except Exception:  # noqa: BLE001 — as Rasa: any failure keeps the model being served
        logger.exception("Failed to update model. The previous model will stay loaded instead.")
    finally:  # unlinking a 200 MB archive is not for the event loop either
        await asyncio.to_thread(shutil.rmtree, directory, True)


def load_without_tracing_training(cls: Any, model_file_name: Text, model_data_example: Any,
                                  predict_data_example: Any = None, finetune_mode: bool = False,
                                  *args: Any, **kwargs: Any) -> RasaModel:
    """RasaModel.load of Rasa 3.6.21 with its weight-building step replaced (see above);
    fine-tuning, which needs the optimizer's state, loads as in Rasa."""
    if finetune_mode:
        return RASA_LOAD.__func__(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                                  *args, **kwargs)
    model = cls(*args, **kwargs)
    # Read first: each variable then starts from its checkpoint value as it is created (no
    # random initialisation of the large input layers to be overwritten).
    restored = model.load_weights(model_file_name)
    batch = next(iter(RasaBatchDataGenerator(model_data_example, batch_size=1)))[0]
    model._training = True  # the layers a training step would build, as train_step runs them
    model.batch_loss(batch)
    model._training = None
    restored.expect_partial()  # the optimizer's slots in the checkpoint: serving never uses them
    if predict_data_example:
        model.run_inference(predict_data_example)
    return model


def install() -> None:
    rasa_agent._update_model_from_server = update_model_from_server
    RasaModel.load = classmethod(load_without_tracing_training)
