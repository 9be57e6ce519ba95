"""`python -m bot.action_server`: rasa-sdk's action server that answers only Rasa.

`rasa run actions` listens on 0.0.0.0 and runs any action for any caller: whoever reaches
the port could read a worker's appeals or file one in their name just by naming a
`sender_id`. This entry point builds the same Sanic app (rasa_sdk.endpoint.create_app), binds
it to BIND_HOST (loopback by default) and refuses every request without the shared token
that Rasa sends in the X-Action-Token header (bot/endpoints.yml). `/health` stays open so
supervisors can probe it without the secret.
"""
from __future__ import annotations

import hmac
import sys

from sanic import Sanic, response
from sanic.request import Request

from bot import log_privacy
from bot.settings import settings_or_exit

TOKEN_HEADER = "X-Action-Token"
OPEN_PATHS = frozenset({"/health"})


def require_token(app: Sanic, token: str) -> None:
    expected = token.encode("utf-8")

    @app.on_request
    async def check_token(request: Request):
        if request.path in OPEN_PATHS:
            return None
        given = request.headers.get(TOKEN_HEADER, "").encode("utf-8", "replace")
        # Constant time: the comparison must not tell a prober how much of its guess was right.
        if not hmac.compare_digest(given, expected):
            return response.json({"error": "unauthorized"}, status=401)
        return None


def create_app(token: str) -> Sanic:
    from rasa_sdk.endpoint import create_app as create_sdk_app
    from rasa_sdk.plugin import plugin_manager

    # No CORS: no browser has any business calling the action server.
    app = create_sdk_app("actions", cors_origins="")
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    require_token(app, token)
    return app


def main() -> int:
    settings = settings_or_exit()
    if not settings.action_server_token:
        print("Configuration error — ACTION_SERVER_TOKEN: required; the action server never runs open "
              "(make run sets a random one)", file=sys.stderr)
        return 2
    from rasa_sdk import utils

    utils.configure_colored_logging("INFO")
    log_privacy.install(settings.wechat_secret)  # OpenIDs in rasa-sdk's own log lines
    utils.update_sanic_log_level()
    app = create_app(settings.action_server_token)
    print(f"Action server: http://{settings.bind_host}:{settings.action_port}/webhook (token required)", flush=True)
    app.run(settings.bind_host, settings.action_port, workers=utils.number_of_sanic_workers())
    return 0


if __name__ == "__main__":
    sys.exit(main())
