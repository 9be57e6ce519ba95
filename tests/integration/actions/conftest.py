import uuid

import pytest

from actions import stores


@pytest.fixture
def action_redis(redis_server, monkeypatch):
    """Point the actions' stores at the test Redis, under a key prefix of this test's own."""
    prefix = f"t{uuid.uuid4().hex[:8]}:"
    monkeypatch.setenv("REDIS_URL", redis_server["url"])
    monkeypatch.setenv("KEY_PREFIX", prefix)
    stores._connection.cache_clear()
    yield prefix
    stores._connection.cache_clear()
