"""Rasa's model server protocol, served from the model registry (endpoints.yml `models:`).

Every Rasa worker asks `GET <url>` with `If-None-Match: <the ETag of the model it holds>`
every MODEL_PULL_SECONDS: 304 while the active model is unchanged; otherwise the active
model's file with `ETag: <model id>` (Rasa keeps the header's value as its fingerprint and
sends it back next time: rasa/core/agent.py `_pull_model_and_fingerprint`). Rasa loads the new
model beside the old one and swaps it in, conversations (trackers in Redis) carry on.

Not behind the console's login: Rasa authenticates with the `X-Model-Token` header, the Rasa
API token both sides get from the environment; anything else gets 403.
"""
from __future__ import annotations

import asyncio
import hmac
import logging

from aiohttp import web

from bot.console.appkeys import REDIS, SETTINGS
from bot.models_registry.registry import ModelRegistry, file_name
from bot.redis_keys import RedisKeys

logger = logging.getLogger(__name__)
TOKEN_HEADER = "X-Model-Token"
CHUNK = 1 << 20


def etag_matches(header: str, model_id: str) -> bool:
    """If-None-Match as Rasa sends it (the ETag it received, quotes included) or as a list."""
    tags = {tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")}
    return model_id in tags or "*" in tags


async def model_file(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    token = request.headers.get(TOKEN_HEADER, "")
    if not settings.rasa_api_token or not hmac.compare_digest(token.encode(), settings.rasa_api_token.encode()):
        return web.json_response({"error": "forbidden"}, status=403)
    model_id = await ModelRegistry(request.app[REDIS], RedisKeys(settings.key_prefix)).active_id()
    if not model_id:
        return web.json_response({"error": "no_active_model"}, status=404)
    etag = f'"{model_id}"'
    if etag_matches(request.headers.get("If-None-Match", ""), model_id):
        return web.Response(status=304, headers={"ETag": etag})
    path = settings.registry_dir / file_name(model_id)
    if not path.is_file():
        logger.error("active model %s has no file in the registry directory", model_id)
        return web.json_response({"error": "model_file_missing"}, status=404)
    response = web.StreamResponse(headers={"ETag": etag, "filename": path.name, "Content-Type": "application/gzip",
                                           "Content-Length": str(path.stat().st_size)})
    await response.prepare(request)
    loop = asyncio.get_running_loop()
    with open(path, "rb") as handle:
        while chunk := await loop.run_in_executor(None, handle.read, CHUNK):
            await response.write(chunk)
    await response.write_eof()
    return response
