"""`python -m bot.gateway`: the webhook gateway on RASA_PORT (bot/gateway/app.py).

Started by the launcher as its own service and by deploy/systemd/12351-gateway.service.
"""
from __future__ import annotations

import logging
import socket
import sys

from aiohttp import web

from bot import log_privacy
from bot.gateway.app import init_app
from bot.settings import settings_or_exit

SHUTDOWN_GRACE_S = 5.0


def main() -> int:
    settings = settings_or_exit()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log_privacy.install(settings.wechat_secret)
    # No access log: a webhook's URL carries its signature and the worker's OpenID.
    # Under the launcher the listening socket is inherited (it outlives this process, so a
    # restart refuses no connection); alone (systemd, by hand) the gateway binds RASA_PORT.
    where = ({"sock": socket.socket(fileno=settings.gateway_listen_fd)} if settings.gateway_listen_fd is not None
             else {"host": settings.bind_host, "port": settings.rasa_port})
    web.run_app(init_app(settings), print=None, access_log=None, shutdown_timeout=SHUTDOWN_GRACE_S, **where)
    return 0


if __name__ == "__main__":
    sys.exit(main())
