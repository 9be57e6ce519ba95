"""Shared fixtures: the trained model and a private Redis server per test session."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from bot.redis_server import free_port, start_redis

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def model_path() -> Path:
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        pytest.fail("No trained model: `make test` trains one first (or run `make train`).")
    return models[-1]


@pytest.fixture(scope="session")
def redis_server():
    """A real Redis on a free port with its own data directory; never a shared database."""
    data_dir = Path(tempfile.mkdtemp(prefix="gh-redis-"))
    port = free_port()
    process = start_redis(port, data_dir)
    yield {"port": port, "url": f"redis://127.0.0.1:{port}/0", "data_dir": data_dir, "process": process}
    process.terminate()
    process.wait(10)
    shutil.rmtree(data_dir, ignore_errors=True)
