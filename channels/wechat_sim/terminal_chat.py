"""`make chat`: talk to the running bot from the terminal over the real WeChat protocol.

Each line goes to the webhook as a signed (and, with an AES key, encrypted) WeChat message from
one made-up user. Passive replies are printed as they come back; customer-service messages are
fetched from the WeChat simulator's control API in the background and printed too.
"""
from __future__ import annotations

import asyncio
import secrets
import sys
import threading
from typing import List, Optional

import aiohttp

from bot.settings import DEFAULT_WECHAT_API_BASE, Settings, settings_or_exit
from channels.wechat_sim.official_account import OfficialAccountClient, WebhookResult

POLL_SECONDS = 0.5
# Coordinates sent with /location (Tiananmen); the label is what the bot reads.
BEIJING_LAT, BEIJING_LNG = 39.908722, 116.397499
DEFAULT_LABEL = "北京市朝阳区建国路88号"

HELP = """命令：
  /voice 文本          发送语音消息（文本作为语音识别结果；不写文本则没有识别结果）
  /image               发送图片
  /location 地址       发送位置，例如 /location 北京市朝阳区建国路88号
  /event subscribe     发送关注事件；/event CLICK 菜单KEY 发送菜单点击事件
  /help                显示本说明
  Ctrl-D 或 /quit      退出"""


def webhook_url(settings: Settings) -> str:
    return f"http://127.0.0.1:{settings.rasa_port}/webhooks/wechat/webhook"


def simulator_base(settings: Settings) -> Optional[str]:
    """Where customer-service messages can be read back, or None against the real WeChat API."""
    # Development mode points WECHAT_API_BASE at the simulator; the real API has no /_sim/.
    if settings.wechat_api_base == DEFAULT_WECHAT_API_BASE:
        return None
    return settings.wechat_api_base


def start_stdin_reader(loop: asyncio.AbstractEventLoop, queue: asyncio.Queue) -> None:
    """Feed stdin lines into `queue` from a daemon thread (None at end of input).

    A daemon thread rather than the default executor: a thread blocked in readline must not
    keep the process alive after Ctrl-C.
    """
    def read() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(queue.put_nowait, line)
        loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=read, name="stdin-reader", daemon=True).start()


def event_name(raw: str) -> str:
    # WeChat spells subscribe/unsubscribe in lower case and menu/scan events in upper case.
    lowered = raw.lower()
    if lowered in ("subscribe", "unsubscribe"):
        return lowered
    return raw.upper() if lowered in ("click", "view", "scan", "location") else raw


async def dispatch(client: OfficialAccountClient, openid: str, line: str) -> Optional[WebhookResult]:
    """Send one input line as the matching WeChat message; None when nothing was sent."""
    command, _, rest = line.partition(" ")
    rest = rest.strip()
    if not line.startswith("/"):
        return await client.send_text(openid, line)
    if command == "/voice":
        return await client.send_voice(openid, rest or None, media_id=f"sim-voice-{secrets.token_hex(4)}")
    if command == "/image":
        return await client.send_image(openid, media_id=f"sim-image-{secrets.token_hex(4)}")
    if command == "/location":
        return await client.send_location(openid, rest or DEFAULT_LABEL, BEIJING_LAT, BEIJING_LNG)
    if command == "/event" and rest:
        name, _, key = rest.partition(" ")
        return await client.send_event(openid, event_name(name), key.strip() or None)
    print(HELP)
    return None


def describe_reply(result: WebhookResult) -> List[str]:
    """What the user would see in WeChat for this webhook answer."""
    if result.status is None:
        lines = ["（微信提示：该公众号暂时无法提供服务，请稍后再试）"]
        if (result.error or "").startswith("connection failed"):
            lines.append("（无法连接助手：它是否仍在运行？）")
        return lines
    if result.status != 200:
        return [f"（助手返回 HTTP {result.status}，微信会提示：该公众号暂时无法提供服务）"]
    lines = [] if result.reply is None else [describe_message(result.reply)]
    if result.error:
        lines.append(f"（回复不符合微信要求：{result.error}）")
    return lines


def describe_message(reply: dict) -> str:
    kind = reply.get("MsgType")
    if kind == "text":
        return f"助手：{reply.get('Content', '')}"
    if kind == "transfer_customer_service":
        return "（已转入人工客服）"
    if kind == "news":
        articles = (reply.get("Articles") or {}).get("item", [])
        titles = [a.get("Title", "") for a in (articles if isinstance(articles, list) else [articles])]
        return "助手：[图文] " + "；".join(titles)
    return f"助手：[{kind}]"


class CustomerServicePoller:
    """Prints the customer-service messages the simulator received for one user."""

    def __init__(self, base: str, openid: str, session: aiohttp.ClientSession):
        self.url = f"{base}/_sim/messages"
        self.openid = openid
        self.session = session
        self.after = 0
        self.warned = False
        # The loop and the after-send poll must not print the same message twice.
        self.lock = asyncio.Lock()

    async def poll_once(self) -> None:
        async with self.lock:
            messages = await self._fetch()
            for message in messages:
                self.after = max(self.after, message["index"])
                print(f"助手（客服消息）：{message['content']}\n", flush=True)

    async def _fetch(self) -> list:
        params = {"touser": self.openid, "after": str(self.after)}
        try:
            async with self.session.get(self.url, params=params,
                                        timeout=aiohttp.ClientTimeout(total=3)) as response:
                response.raise_for_status()
                return (await response.json())["messages"]
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, KeyError):
            if not self.warned:
                print(f"（连不上微信接口模拟器 {self.url}，客服消息暂时无法显示）", file=sys.stderr)
                self.warned = True
            return []

    async def run(self) -> None:
        while True:
            await self.poll_once()
            await asyncio.sleep(POLL_SECONDS)


async def check_bot(client: OfficialAccountClient, url: str) -> bool:
    """The server-URL verification doubles as a check that the bot is up and shares our token."""
    result = await client.verify()
    if result.status is None:
        print(f"无法连接助手（{url}）。请先在另一个终端运行 make run，等它启动完成后再试。", file=sys.stderr)
        return False
    if result.error:
        print(f"助手没有通过微信的服务器校验（HTTP {result.status}）：请确认 WECHAT_TOKEN 与运行中的助手一致。",
              file=sys.stderr)
        return False
    return True


async def chat(settings: Settings) -> int:
    openid = f"o_chat_{secrets.token_hex(6)}"
    url = webhook_url(settings)
    async with aiohttp.ClientSession() as session:
        client = OfficialAccountClient(url, settings.wechat_token, settings.wechat_appid,
                                       settings.wechat_aes_key, retries=True, session=session)
        if not await check_bot(client, url):
            return 1
        base = simulator_base(settings)
        poller = CustomerServicePoller(base, openid, session) if base else None
        polling = asyncio.create_task(poller.run()) if poller else None
        mode = "安全模式" if settings.wechat_aes_key else "明文模式"
        print(f"已连接公众号助手（模拟用户 {openid}，{mode}）。输入消息后回车，Ctrl-D 退出，/help 查看命令。\n")
        try:
            return await converse(client, openid, poller)
        finally:
            if polling:
                polling.cancel()


async def converse(client: OfficialAccountClient, openid: str,
                   poller: Optional[CustomerServicePoller]) -> int:
    queue: asyncio.Queue = asyncio.Queue()
    start_stdin_reader(asyncio.get_running_loop(), queue)
    while True:
        line = await queue.get()
        if line is None or line.strip() in ("/quit", "/exit"):
            return 0
        line = line.strip()
        if not line:
            continue
        result = await dispatch(client, openid, line)
        for text in describe_reply(result) if result else []:
            print(text + "\n", flush=True)
        if poller:
            await poller.poll_once()


def main() -> int:
    settings = settings_or_exit()
    try:
        return asyncio.run(chat(settings))
    except KeyboardInterrupt:
        print("\n再见。")
        return 0


if __name__ == "__main__":
    sys.exit(main())
