"""What the WeChat benchmarks share: a whole private stack, and simulated workers who write
to the official account exactly as WeChat delivers their messages (signed, AES-encrypted XML,
5 s timeout, up to 3 attempts). Traffic goes to 127.0.0.1 only."""
from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import aiohttp

from bot.redis_server import free_port, start_redis
from bot.settings import DEV_WECHAT
from channels.wechat_sim.official_account import OfficialAccountClient
from tests.integration.stack import Stack

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
QUESTIONS = [
    "老板欠了两个月工资怎么办", "加班费怎么算", "试用期最长多久", "没签劳动合同能要双倍工资吗",
    "公司不交社保", "上班路上出车祸算工伤吗", "年假有几天", "产假多少天", "怎么申请劳动仲裁",
    "你好", "谢谢", "工会热线是多少", "被辞退了有补偿吗", "北京最低工资多少",
]


def official_account(stack: Stack, http: aiohttp.ClientSession) -> OfficialAccountClient:
    """WeChat's side of the development account, retrying as WeChat does."""
    return OfficialAccountClient(stack.webhook_url, DEV_WECHAT["WECHAT_TOKEN"], DEV_WECHAT["WECHAT_APPID"],
                                 DEV_WECHAT["WECHAT_AES_KEY"], retries=True, session=http)


@contextlib.contextmanager
def private_stack(env: Dict[str, str], embedded_redis: bool = False) -> Iterator[Tuple[Stack, int]]:
    """The whole assistant on free ports with a throw-away Redis: (stack, redis port).
    `embedded_redis`: the launcher runs (and supervises) Redis itself instead of the benchmark."""
    data_dir = Path(tempfile.mkdtemp(prefix="bench-"))
    redis_process = None
    try:
        if embedded_redis:
            stack = Stack(None, data_dir / "launcher.log", env)
            port = stack.redis_port
        else:
            port = free_port()
            redis_process = start_redis(port, data_dir / "redis")
            stack = Stack(f"redis://127.0.0.1:{port}/0", data_dir / "launcher.log", env)
        try:
            yield stack.start(), port
        finally:
            stack.kill()
    finally:
        if redis_process is not None:
            redis_process.terminate()
            redis_process.wait(10)
        shutil.rmtree(data_dir, ignore_errors=True)


def percentile(sorted_values: List[float], share: float) -> Optional[float]:
    if not sorted_values:
        return None
    return sorted_values[int(share * (len(sorted_values) - 1))]
