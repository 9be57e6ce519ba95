"""`make call`: a phone in the terminal over the hotline's signed protocol.

Type what you would say; `/dtmf 1` presses keys, `/silence` stays silent for a turn,
`/hangup` ends the call, `/quiet 0.5` sets the next utterance's ASR confidence. With
`--speak`, what the IVR would say is also spoken by espeak-ng (Mandarin voice).
"""
from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys

import aiohttp

from bot.settings import settings_or_exit
from channels.hotline_sim.ivr import Answer, Call


def show(answer: Answer, speak: bool) -> None:
    if answer.status != 200:
        print(f"  [HTTP {answer.status}]")
    for action in answer.actions:
        kind = action.get("type")
        if kind == "say":
            print(f"  IVR: {action['text']}")
            if speak and shutil.which("espeak-ng"):
                subprocess.run(["espeak-ng", "-v", "cmn", "-s", "260", action["text"]], check=False)
        elif kind == "gather":
            print(f"  [等待输入: {'/'.join(action.get('input', []))}, {action.get('timeout_ms')} ms]")
        elif kind == "transfer":
            print(f"  [转接 {action.get('queue')}：{action.get('reason')} — {action.get('context_url')}]")
        elif kind == "hangup":
            print("  [挂机]")
    print(f"  ({answer.seconds * 1000:.0f} ms)")


async def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--caller", default="13800138000", help="caller number ('' = withheld)")
    parser.add_argument("--speak", action="store_true", help="speak the IVR's prompts with espeak-ng")
    args = parser.parse_args(argv)
    settings = settings_or_exit()
    url = f"http://127.0.0.1:{settings.rasa_port}/webhooks/hotline/webhook"
    call = Call(url, settings.hotline_secret, caller=args.caller)
    print(f"拨打 12351（来电号码 {args.caller or '未显示'}）。/dtmf 1 按键，/silence 不说话，/hangup 挂机。")
    show(await call.start(), args.speak)
    confidence = 0.92
    loop = asyncio.get_running_loop()
    while True:
        line = (await loop.run_in_executor(None, sys.stdin.readline))
        if not line:
            line = "/hangup"
        line = line.strip()
        if line.startswith("/dtmf"):
            answer = await call.presses(line.removeprefix("/dtmf").strip() or "0")
        elif line == "/silence":
            answer = await call.silence()
        elif line.startswith("/quiet"):
            confidence = float(line.removeprefix("/quiet").strip() or 0.4)
            continue
        elif line == "/hangup":
            show(await call.hangs_up(), args.speak)
            return
        else:
            answer = await call.says(line, confidence=confidence)
            confidence = 0.92
        show(answer, args.speak)
        if answer.ends_with("transfer") or answer.ends_with("hangup"):
            print("（通话已转接或结束）")
            return


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except aiohttp.ClientConnectionError:
        print("连不上热线接口：请先在另一个终端运行 make run（RASA_PORT 要一致）。", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        pass
