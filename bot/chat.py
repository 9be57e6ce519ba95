"""`make chat`: talk to the running bot from the terminal (Rasa's REST channel on RASA_PORT)."""
from __future__ import annotations

import json
import sys
import urllib.request
import uuid

from bot.settings import Settings


def send(port: int, sender: str, text: str) -> list:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": text}).encode("utf-8"),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))


def main() -> int:
    settings = Settings.from_env()
    sender = f"chat-{uuid.uuid4().hex[:8]}"
    print(f"对话已连接（{sender}）。输入消息，Ctrl-D 退出。")
    for line in sys.stdin:
        text = line.strip()
        if not text:
            continue
        try:
            replies = send(settings.rasa_port, sender, text)
        except OSError as error:
            print(f"无法连接助手（{error}）：请先运行 make run。", file=sys.stderr)
            return 1
        for reply in replies:
            print(f"助手：{reply.get('text', '')}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
