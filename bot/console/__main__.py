"""`python -m bot.console`: serve the staff console on CONSOLE_PORT and print its address.

It listens on 127.0.0.1 only: put it behind the HTTPS reverse proxy (session cookies are
Secure outside development mode, so browsers send them over HTTPS only).
"""
from __future__ import annotations

import logging
import sys

from aiohttp import web

from bot import log_privacy
from bot.console.access_log import RouteAccessLogger
from bot.console.app import init_app
from bot.settings import settings_or_exit

HOST = "127.0.0.1"


def main() -> int:
    settings = settings_or_exit()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Warnings about Rasa API calls carry the URL (token, OpenID): the same filter as the channel.
    log_privacy.install(settings.wechat_secret)
    if not settings.rasa_api_token:
        print("Warning: RASA_API_TOKEN is not set; conversations cannot be read, taken over or handed back.",
              file=sys.stderr)
    print(f"Staff console (职工服务管理台): http://{HOST}:{settings.console_port}/", flush=True)
    web.run_app(init_app(settings), host=HOST, port=settings.console_port, print=None,
                access_log_class=RouteAccessLogger)
    return 0


if __name__ == "__main__":
    sys.exit(main())
