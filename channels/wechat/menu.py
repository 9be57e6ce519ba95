"""The official account's menu: its definition (menu.json), what each click means, and
`python -m channels.wechat.menu` to push it to the account."""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any, Dict

MENU_PATH = Path(__file__).with_name("menu.json")

# Menu keys → the intent the click stands for (sent to Rasa as "/intent").
CLICK_INTENTS = {
    "MENU_FAQ_GUIDE": "help",
    "MENU_FILE_APPEAL": "file_appeal",
    "MENU_MY_APPEALS": "check_appeal_status",
    "MENU_HUMAN": "request_human",
}


def payload_for_click(key: str) -> str:
    return "/" + CLICK_INTENTS.get(key, "help")


def load_menu() -> Dict[str, Any]:
    return json.loads(MENU_PATH.read_text(encoding="utf-8"))


async def push_menu() -> None:
    from bot.settings import Settings
    from channels.wechat.runtime import ChannelRuntime

    runtime = ChannelRuntime(Settings.from_env())
    try:
        await runtime.api.create_menu(load_menu())
    finally:
        await runtime.close()


if __name__ == "__main__":
    asyncio.run(push_menu())
    sys.stdout.write(f"menu pushed from {MENU_PATH}\n")
