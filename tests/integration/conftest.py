"""Fixtures shared by the integration tests that talk to a running stack."""
from __future__ import annotations

import pytest

from tests.integration.wechat_worker import Worker


@pytest.fixture
async def worker(stack):
    """A new worker on the official account of the module's `stack` (its own conversation)."""
    person = Worker(stack)
    yield person
    await person.close()
