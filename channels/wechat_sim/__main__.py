"""`python -m channels.wechat_sim --port 5095`: run the fake WeChat API for the configured account."""
from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from aiohttp import web

from bot.settings import Settings, SettingsError
from channels.wechat_sim.api_server import DEFAULT_PORT, create_app


def parse_args(argv: List[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m channels.wechat_sim", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=None, help="default: WECHAT_SIM_PORT or %d" % DEFAULT_PORT)
    parser.add_argument("--quiet", action="store_true", help="do not print customer-service messages")
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"配置错误：{error}", file=sys.stderr)
        return 2
    port = args.port or getattr(settings, "simulator_port", DEFAULT_PORT)
    app = create_app(settings.wechat_appid, settings.wechat_secret, verbose=not args.quiet)
    print(f"微信接口模拟器：http://{args.host}:{port}（AppID {settings.wechat_appid}）", flush=True)
    web.run_app(app, host=args.host, port=port, print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
