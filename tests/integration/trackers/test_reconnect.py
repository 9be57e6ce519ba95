"""A Redis restart must cost no worker's turn: the turn path's client retries once on a fresh
connection instead of failing on a pooled connection the restart closed."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from bot.redis_connection import async_client
from bot.redis_server import free_port, start_redis


async def test_first_command_after_a_redis_restart_succeeds():
    data_dir = Path(tempfile.mkdtemp(prefix="gh-reconnect-"))
    port = free_port()
    server = start_redis(port, data_dir)
    client = async_client(f"redis://127.0.0.1:{port}/0")
    try:
        await client.set("conversation", "kept")  # a pooled connection now exists
        server.terminate()
        server.wait(10)
        server = start_redis(port, data_dir)  # AOF brings the data back; the pooled socket is dead
        assert await client.get("conversation") == "kept"
    finally:
        await client.close()
        server.terminate()
        server.wait(10)
        shutil.rmtree(data_dir, ignore_errors=True)
