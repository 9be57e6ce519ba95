"""Shared fixtures (the trained model, a private Redis server per test session) and the one
place that marks tests by what they need, so `-m` selections and the folder layout agree."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from bot.redis_server import free_port, start_redis

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
# Everything a test run writes (reports, screenshots) goes here: git-ignored (var/), so a
# run never changes a tracked file.
TEST_RESULTS = ROOT / "var" / "test-results"

# Folder → marker. Unit tests need nothing but Python; the others start real servers or load
# the trained model.
FOLDER_MARKS = {"unit": "unit", "integration": "integration", "browser": "browser", "nlu": "nlu"}
# Fixtures that reveal a dependency, wherever the test sits.
FIXTURE_MARKS = {"redis_server": "redis", "model_path": "model"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        parts = Path(str(item.fspath)).relative_to(TESTS).parts
        folder = parts[0] if len(parts) > 1 else None
        if folder in FOLDER_MARKS:
            item.add_marker(FOLDER_MARKS[folder])
        if folder == "browser":
            item.add_marker("integration")  # a browser test drives the whole stack too
        needs = {mark for fixture, mark in FIXTURE_MARKS.items() if fixture in item.fixturenames}
        for mark in needs:
            item.add_marker(mark)
        if folder == "unit" and needs:
            raise pytest.UsageError(
                f"{item.nodeid} needs {', '.join(sorted(needs))}: move it out of tests/unit/ "
                "(unit tests run without servers or a model)")
        if folder is None and "model" in needs:
            item.add_marker("nlu")  # the top-level model gates (held-out sets, conversations)


@pytest.fixture(scope="session")
def test_results() -> Path:
    TEST_RESULTS.mkdir(parents=True, exist_ok=True)
    return TEST_RESULTS


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
