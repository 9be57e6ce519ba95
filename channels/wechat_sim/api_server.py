"""A fake of the WeChat API: the calls the channel makes, with WeChat's JSON shapes and errcodes.

Real WeChat always answers HTTP 200 with `{"errcode", "errmsg"}` on failure (errmsg ending in a
request id), so the fake does the same; only the `/_sim/` control API uses HTTP status codes.
The state lives in one `SimState` per application, reachable as `app[SIM_STATE]` in tests.
"""
from __future__ import annotations

import base64
import dataclasses
import functools
import json
import math
import re
import secrets
import time
from typing import Any, Callable, Dict, List, Optional

from aiohttp import web

DEFAULT_PORT = 5095
TOKEN_TTL = 7200
# stable_token's force_refresh is limited to 20 calls a day by WeChat.
FORCE_REFRESH_DAILY_LIMIT = 20
# WeChat: a typing indicator lasts 15 s; a second one while it shows is refused (45081).
TYPING_SECONDS = 15.0
TEXT_LIMIT_BYTES = 2048

APIS = ("stable_token", "token", "custom_send", "typing", "media", "menu")
# `/_sim/fail` names: "token" covers both token endpoints.
FAILABLE = ("custom_send", "typing", "token", "media", "menu")

ERRMSG = {
    -1: "system error",
    0: "ok",
    40001: "invalid credential, access_token is invalid or not latest",
    40002: "invalid grant_type",
    40003: "invalid openid",
    40007: "invalid media_id",
    40008: "invalid message type",
    40013: "invalid appid",
    40014: "invalid access_token",
    40016: "invalid button size",
    40017: "invalid button type",
    40018: "invalid button name size",
    40019: "invalid button key size",
    40020: "invalid button url size",
    40022: "invalid sub button level",
    40023: "invalid sub button size",
    40024: "invalid sub button type",
    40025: "invalid sub button name size",
    40026: "invalid sub button key size",
    40027: "invalid sub button url size",
    40033: "invalid charset. please check your request, if include \\uxxxx will create fail!",
    41001: "access_token missing",
    41002: "appid missing",
    41004: "appsecret missing",
    41006: "media_id missing",
    42001: "access_token expired",
    44004: "empty content",
    45002: "content size out of limit",
    45009: "reach max api daily quota limit",
    45011: "api minute-quota reach limit mustslower retry next minute",
    45015: "response out of time limit or subscription is canceled",
    45047: "out of response count limit",
    45080: "typing is not allowed: no message from the user in the last 30 seconds",
    45081: "typing is not allowed: the user is already seeing a typing status",
    47001: "data format error",
}

# 8x8 red JPEG served for any media id the simulator knows.
# A small real JPEG (a payslip-like sketch), so evidence previews render.
SAMPLE_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYW"
    "ICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgo"
    "KCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCABAAGADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcI"
    "CQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRol"
    "JicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ip"
    "qrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAA"
    "AAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLR"
    "ChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaX"
    "mJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEA"
    "PwD6Uoor56+FPw60nxd4euL/AFK4v4po7poALd0VdoRGzyp5yxrCc3FpJXuduFwtOrTnUqT5VG3S+9/Ndj6Fory3/hSP"
    "hv8A5/dX/wC/sf8A8bo/4Uj4b/5/dX/7+x//ABulzT/l/Ev2GD/5/P8A8B/4J6lRXlv/AApHw3/z+6v/AN/Y/wD43R/w"
    "pHw3/wA/ur/9/Y//AI3RzT/l/EPYYP8A5/P/AMB/4J6lRXlv/CkfDf8Az+6v/wB/Y/8A43R/wpHw3/z+6v8A9/Y//jdH"
    "NP8Al/EPYYP/AJ/P/wAB/wCCepUV5b/wpHw3/wA/ur/9/Y//AI3R/wAKR8N/8/ur/wDf2P8A+N0c0/5fxD2GD/5/P/wH"
    "/gnqVFeF/EL4W6J4c8IX+q2N1qUlxb+XtWaRCh3SKpyAgPRj3r1nwN/yJPh//sH2/wD6LWiM25crVia+FpwpKtSnzJu2"
    "1ul+7NuvLf2dv+RJvf8AsIP/AOi4q9Sry39nb/kSb3/sIP8A+i4qJfHH5lUP9zresf1PUqK43/hWfhH/AKBP/kzN/wDF"
    "0f8ACs/CP/QJ/wDJmb/4utTzzsqK43/hWfhH/oE/+TM3/wAXR/wrPwj/ANAn/wAmZv8A4ugDsqK43/hWfhH/AKBP/kzN"
    "/wDF0f8ACs/CP/QJ/wDJmb/4ugDsqK43/hWfhH/oE/8AkzN/8XR/wrPwj/0Cf/Jmb/4ugCL40/8AJM9Z/wC2P/o5K3PA"
    "3/Ik+H/+wfb/APota534uWsNl8J9RtbVNlvBHbxRrknaqyxgDJ5PArovA3/Ik+H/APsH2/8A6LWsv+XnyPQl/uEf8b/9"
    "JRt15b+zt/yJN7/2EH/9FxV6lXlv7O3/ACJN7/2EH/8ARcVEvjj8wof7nW9Y/qdB/wAJB4u/6En/AMq0P+FH/CQeLv8A"
    "oSf/ACrQ/wCFdlRWp55xv/CQeLv+hJ/8q0P+FH/CQeLv+hJ/8q0P+FdlRQBxv/CQeLv+hJ/8q0P+FH/CQeLv+hJ/8q0P"
    "+FdlRQBxv/CQeLv+hJ/8q0P+FdZZSTS2cEl1B9nuHjVpId4fy2I5XcODg8Z71NRQBxHxp/5JnrP/AGx/9HJW54G/5Enw"
    "/wD9g+3/APRa1h/Gn/kmes/9sf8A0clbngb/AJEnw/8A9g+3/wDRa1l/y8+R6Ev9wj/jf/pKNuvC/gx418P+HPC91aaz"
    "f/Zrh7x5VTyZHypRADlVI6qa90rE/wCER8N/9C/pH/gFH/8AE0TjJtOPQnC4ijCnOlWTalba3S/f1PMvtHwf/vfpeUfa"
    "Pg//AHv0vK9N/wCER8N/9C/pH/gFH/8AE0f8Ij4b/wChf0j/AMAo/wD4mj973RV8B/LP74/5HmX2j4P/AN79Lyj7R8H/"
    "AO9+l5Xpv/CI+G/+hf0j/wAAo/8A4mj/AIRHw3/0L+kf+AUf/wATR+97oL4D+Wf3x/yPMvtHwf8A736XlaWgeJPhh4fv"
    "HutIu/s9w8ZiZvLunypIOMMCOoFd3/wiPhv/AKF/SP8AwCj/APiaP+ER8N/9C/pH/gFH/wDE0fve6C+A/ln98f8AIw/+"
    "FqeDP+gz/wCSs3/xFH/C1PBn/QZ/8lZv/iK3P+ER8N/9C/pH/gFH/wDE0f8ACI+G/wDoX9I/8Ao//iaP3nkF8B/LP74/"
    "5HnXxP8AH/hnW/A2pafpmpefeTeVsj8iVc4lRjyygdAe9ei+Bv8AkSfD/wD2D7f/ANFrR/wiPhv/AKF/SP8AwCj/APia"
    "2IIY7eCOGCNIoY1CJGihVVQMAADoAO1EYy5uaQsRiKLoqjRTSTb1a7JdLdj/2Q=="
)

# Menu limits from WeChat's menu/create documentation.
MENU_BUTTON_MAX = 3
MENU_SUB_BUTTON_MAX = 5
MENU_NAME_BYTES = 16
MENU_SUB_NAME_BYTES = 60
MENU_KEY_BYTES = 128
MENU_URL_BYTES = 1024
KEY_TYPES = {
    "click", "scancode_push", "scancode_waitmsg", "pic_sysphoto", "pic_photo_or_album",
    "pic_weixin", "location_select",
}
URL_TYPES = {"view", "miniprogram"}
MEDIA_TYPES = {"media_id", "view_limited"}
ARTICLE_TYPES = {"article_id", "article_view_limited"}

# WeChat refuses JSON that spells non-ASCII as \uXXXX in a menu (40033): an odd run of
# backslashes before "u" is an escape, an even run is a literal backslash.
UNICODE_ESCAPE = re.compile(rb"(?<!\\)(?:\\\\)*\\u[0-9a-fA-F]{4}")


@dataclasses.dataclass
class Token:
    value: str
    expires_at: float
    revoked: bool = False  # replaced by a newer token: WeChat answers 40001
    expired: bool = False  # forced expiry: WeChat answers 42001


@dataclasses.dataclass
class Media:
    data: bytes
    content_type: str
    filename: str


class SimState:
    """Everything the fake remembers; `reset()` returns it to a fresh start."""

    def __init__(self, appid: str, secret: str, verbose: bool, token_ttl: float,
                 clock: Callable[[], float] = time.monotonic):
        self.appid = appid
        self.secret = secret
        self.verbose = verbose
        self.token_ttl = token_ttl
        self.clock = clock
        self.reset()

    def reset(self) -> None:
        self.tokens: Dict[str, Token] = {}
        self.current = {"stable_token": None, "token": None}
        self.force_refreshes = 0
        self.messages: List[dict] = []
        self.typing_log: List[dict] = []
        self.typing_until: Dict[str, float] = {}
        self.failures: Dict[str, List[List[int]]] = {api: [] for api in FAILABLE}
        self.calls = {api: 0 for api in APIS}
        self.menu: Optional[dict] = None
        self.media: Dict[str, Media] = {}

    # --- access tokens -------------------------------------------------------------------
    def issue_token(self, kind: str) -> Token:
        """A new token for `kind`; the previous one of that kind stops working (40001)."""
        previous = self.tokens.get(self.current[kind] or "")
        if previous:
            previous.revoked = True
        token = Token(_token_value(), self.clock() + self.token_ttl)
        self.tokens[token.value] = token
        self.current[kind] = token.value
        return token

    def stable_token(self, force_refresh: bool) -> Token:
        token = self.tokens.get(self.current["stable_token"] or "")
        if force_refresh or token is None or self.token_problem(token.value):
            return self.issue_token("stable_token")
        return token

    def token_problem(self, value: str) -> Optional[int]:
        """The errcode WeChat gives for this access_token, or None when it is good."""
        if not value:
            return 41001
        token = self.tokens.get(value)
        if token is None or token.revoked:
            return 40001
        if token.expired or self.clock() >= token.expires_at:
            return 42001
        return None

    def expire_tokens(self) -> int:
        live = [t for t in self.tokens.values() if not (t.revoked or t.expired)]
        for token in live:
            token.expired = True
        return len(live)

    def expires_in(self, token: Token) -> int:
        # WeChat reports the remaining lifetime, so a reused stable token shows less than 7200.
        return max(0, math.ceil(token.expires_at - self.clock()))

    # --- injected failures ---------------------------------------------------------------
    def inject(self, api: str, errcode: int, times: int) -> None:
        self.failures[api].append([errcode, times])

    def take_failure(self, api: str) -> Optional[int]:
        queue = self.failures[api]
        if not queue:
            return None
        errcode = queue[0][0]
        queue[0][1] -= 1
        if queue[0][1] <= 0:
            queue.pop(0)
        return errcode

    # --- customer-service messages and typing --------------------------------------------
    def record_message(self, touser: str, msgtype: str, content: str) -> dict:
        message = {"index": len(self.messages) + 1, "touser": touser, "msgtype": msgtype,
                   "content": content, "at": time.time()}
        self.messages.append(message)
        # Sending a message ends the user's typing indicator, as in WeChat.
        self.typing_until.pop(touser, None)
        if self.verbose:
            print(f"[客服消息 → {touser}] {content}", flush=True)
        return message

    def typing(self, touser: str, command: str) -> int:
        self.typing_log.append({"touser": touser, "command": command, "at": time.time()})
        now = self.clock()
        if command == "CancelTyping":
            self.typing_until.pop(touser, None)
            return 0
        if self.typing_until.get(touser, 0.0) > now:
            return 45081
        self.typing_until[touser] = now + TYPING_SECONDS
        return 0

    def find_media(self, media_id: str) -> Optional[Media]:
        if media_id in self.media:
            return self.media[media_id]
        if media_id.startswith("sim-"):
            return Media(SAMPLE_JPEG, "image/jpeg", f"{media_id}.jpg")
        return None


SIM_STATE = web.AppKey("wechat_sim_state", SimState)


def _token_value() -> str:
    # Real tokens are long strings of letters, digits, "_" and "-".
    return "sim_" + secrets.token_urlsafe(96)


def _rid() -> str:
    return f"{secrets.token_hex(4)}-{secrets.token_hex(4)}-{secrets.token_hex(4)}"


_dumps = functools.partial(json.dumps, ensure_ascii=False)


def wechat_error(errcode: int, errmsg: Optional[str] = None) -> web.Response:
    """WeChat's answer shape: HTTP 200, errcode/errmsg, and a request id on errors."""
    message = errmsg or ERRMSG.get(errcode, "simulated error")
    if errcode:
        message = f"{message} rid: {_rid()}"
    return web.json_response({"errcode": errcode, "errmsg": message}, dumps=_dumps)


def ok() -> web.Response:
    return wechat_error(0)


async def _json_body(request: web.Request) -> Any:
    """The parsed JSON body, or None when it is not JSON (WeChat: 47001)."""
    try:
        return json.loads(await request.read())
    except ValueError:
        return None


def _state(request: web.Request) -> SimState:
    return request.app[SIM_STATE]


def _gate(request: web.Request, api: str, failure_key: str) -> Optional[web.Response]:
    """Count the call, then apply an injected failure, then check the access_token.

    Callers must test the answer with `is not None`: a web.Response is a mapping, and an
    empty mapping is falsy.
    """
    state = _state(request)
    state.calls[api] += 1
    injected = state.take_failure(failure_key)
    if injected is not None:
        return wechat_error(injected)
    if api in ("stable_token", "token"):
        return None
    problem = state.token_problem(request.query.get("access_token", ""))
    return wechat_error(problem) if problem else None


def _credentials_problem(state: SimState, grant_type: Any, appid: Any, secret: Any) -> Optional[int]:
    if grant_type != "client_credential":
        return 40002
    if not appid:
        return 41002
    if not secret:
        return 41004
    if appid != state.appid:
        return 40013
    # WeChat answers a wrong secret with 40001 (newer accounts may see 40125).
    if secret != state.secret:
        return 40001
    return None


def _token_response(state: SimState, token: Token) -> web.Response:
    return web.json_response({"access_token": token.value, "expires_in": state.expires_in(token)})


# --- /cgi-bin handlers ---------------------------------------------------------------------
async def stable_token(request: web.Request) -> web.Response:
    state = _state(request)
    refused = _gate(request, "stable_token", "token")
    if refused is not None:
        return refused
    body = await _json_body(request)
    if not isinstance(body, dict):
        return wechat_error(47001)
    problem = _credentials_problem(state, body.get("grant_type"), body.get("appid"), body.get("secret"))
    if problem:
        return wechat_error(problem)
    force = body.get("force_refresh") in (True, "true")
    if force:
        state.force_refreshes += 1
        if state.force_refreshes > FORCE_REFRESH_DAILY_LIMIT:
            return wechat_error(45009)
    return _token_response(state, state.stable_token(force))


async def get_token(request: web.Request) -> web.Response:
    state = _state(request)
    refused = _gate(request, "token", "token")
    if refused is not None:
        return refused
    query = request.query
    problem = _credentials_problem(state, query.get("grant_type"), query.get("appid"), query.get("secret"))
    if problem:
        return wechat_error(problem)
    # Every call mints a new token and knocks out the previous one. (WeChat keeps the old one
    # alive for a few minutes; the fake drops it at once so the clash shows up in tests.)
    return _token_response(state, state.issue_token("token"))


def _message_content(msgtype: str, body: dict) -> Any:
    """The text to record for a message, or an errcode when WeChat would refuse it."""
    payload = body.get(msgtype)
    if not isinstance(payload, dict):
        return 47001
    if msgtype != "text":
        return _dumps(payload)
    content = payload.get("content")
    if not isinstance(content, str) or not content:
        return 44004
    if len(content.encode("utf-8")) > TEXT_LIMIT_BYTES:
        return 45002
    return content


CUSTOM_MSGTYPES = {
    "text", "image", "voice", "video", "mpvideo", "music", "news", "mpnews", "mpnewsarticle",
    "msgmenu", "wxcard", "miniprogrampage",
}


async def custom_send(request: web.Request) -> web.Response:
    refused = _gate(request, "custom_send", "custom_send")
    if refused is not None:
        return refused
    body = await _json_body(request)
    if not isinstance(body, dict):
        return wechat_error(47001)
    touser, msgtype = body.get("touser"), body.get("msgtype")
    if not isinstance(touser, str) or not touser:
        return wechat_error(40003)
    if msgtype not in CUSTOM_MSGTYPES:
        return wechat_error(40008)
    content = _message_content(msgtype, body)
    if isinstance(content, int):
        return wechat_error(content)
    _state(request).record_message(touser, msgtype, content)
    return ok()


async def custom_typing(request: web.Request) -> web.Response:
    refused = _gate(request, "typing", "typing")
    if refused is not None:
        return refused
    body = await _json_body(request)
    if not isinstance(body, dict):
        return wechat_error(47001)
    touser, command = body.get("touser"), body.get("command")
    if not isinstance(touser, str) or not touser:
        return wechat_error(40003)
    if command not in ("Typing", "CancelTyping"):
        return wechat_error(47001)
    return wechat_error(_state(request).typing(touser, command))


async def media_get(request: web.Request) -> web.Response:
    refused = _gate(request, "media", "media")
    if refused is not None:
        return refused
    media_id = request.query.get("media_id", "")
    if not media_id:
        return wechat_error(41006)
    media = _state(request).find_media(media_id)
    if media is None:
        return wechat_error(40007)
    return web.Response(body=media.data, headers={
        "Content-Type": media.content_type,
        "Content-Disposition": f'attachment; filename="{media.filename}"',
        "Cache-Control": "no-cache, must-revalidate",
    })


async def menu_create(request: web.Request) -> web.Response:
    refused = _gate(request, "menu", "menu")
    if refused is not None:
        return refused
    raw = await request.read()
    if UNICODE_ESCAPE.search(raw):
        return wechat_error(40033)
    try:
        menu = json.loads(raw)
    except ValueError:
        return wechat_error(47001)
    problem = validate_menu(menu)
    if problem:
        return wechat_error(problem)
    _state(request).menu = menu
    return ok()


# --- menu validation -----------------------------------------------------------------------
def _size_ok(value: Any, limit: int) -> bool:
    return isinstance(value, str) and 0 < len(value.encode("utf-8")) <= limit


def _action_problem(button: dict, sub: bool) -> Optional[int]:
    """Check a leaf button's type and the field its type needs (key, url, media_id ...)."""
    kind = button.get("type")
    type_error, key_error, url_error = (40024, 40026, 40027) if sub else (40017, 40019, 40020)
    if kind in KEY_TYPES:
        return None if _size_ok(button.get("key"), MENU_KEY_BYTES) else key_error
    if kind in URL_TYPES:
        if not _size_ok(button.get("url"), MENU_URL_BYTES):
            return url_error
        if kind == "miniprogram" and not (button.get("appid") and button.get("pagepath")):
            return type_error
        return None
    if kind in MEDIA_TYPES:
        return None if button.get("media_id") else type_error
    if kind in ARTICLE_TYPES:
        return None if button.get("article_id") else type_error
    return type_error


def _sub_button_problem(button: Any) -> Optional[int]:
    if not isinstance(button, dict):
        return 40024
    if button.get("sub_button"):
        return 40022
    if not _size_ok(button.get("name"), MENU_SUB_NAME_BYTES):
        return 40025
    return _action_problem(button, sub=True)


def _button_problem(button: Any) -> Optional[int]:
    if not isinstance(button, dict):
        return 40017
    if not _size_ok(button.get("name"), MENU_NAME_BYTES):
        return 40018
    subs = button.get("sub_button")
    if not subs:
        return _action_problem(button, sub=False)
    if not isinstance(subs, list) or len(subs) > MENU_SUB_BUTTON_MAX:
        return 40023
    return next((p for p in map(_sub_button_problem, subs) if p), None)


def validate_menu(menu: Any) -> Optional[int]:
    """WeChat's errcode for an invalid menu, or None when menu/create would accept it."""
    buttons = menu.get("button") if isinstance(menu, dict) else None
    if not isinstance(buttons, list) or not 0 < len(buttons) <= MENU_BUTTON_MAX:
        return 40016
    return next((p for p in map(_button_problem, buttons) if p), None)


# --- /_sim control API ---------------------------------------------------------------------
def _control_error(message: str) -> web.Response:
    return web.json_response({"error": message}, status=400)


async def sim_messages(request: web.Request) -> web.Response:
    touser = request.query.get("touser")
    try:
        after = int(request.query.get("after", "0"))
    except ValueError:
        return _control_error("after must be an integer")
    found = [m for m in _state(request).messages
             if m["index"] > after and (not touser or m["touser"] == touser)]
    return web.json_response({"messages": found}, dumps=_dumps)


async def sim_fail(request: web.Request) -> web.Response:
    body = await _json_body(request)
    if not isinstance(body, dict) or body.get("api") not in FAILABLE:
        return _control_error(f"api must be one of {', '.join(FAILABLE)}")
    errcode, times = body.get("errcode"), body.get("times", 1)
    if not isinstance(errcode, int) or not errcode or not isinstance(times, int) or times < 1:
        return _control_error("errcode must be a non-zero integer and times a positive integer")
    _state(request).inject(body["api"], errcode, times)
    return web.json_response({"ok": True})


async def sim_expire_tokens(request: web.Request) -> web.Response:
    return web.json_response({"ok": True, "expired": _state(request).expire_tokens()})


async def sim_calls(request: web.Request) -> web.Response:
    return web.json_response(dict(_state(request).calls))


async def sim_menu(request: web.Request) -> web.Response:
    return web.json_response({"menu": _state(request).menu}, dumps=_dumps)


async def sim_typing(request: web.Request) -> web.Response:
    return web.json_response({"typing": _state(request).typing_log})


async def sim_media(request: web.Request) -> web.Response:
    """Register a media id: {"media_id", "content_type"?, "filename"?, "data_base64"?}."""
    body = await _json_body(request)
    if not isinstance(body, dict) or not body.get("media_id"):
        return _control_error("media_id is required")
    media_id = body["media_id"]
    try:
        data = base64.b64decode(body["data_base64"]) if body.get("data_base64") else SAMPLE_JPEG
    except ValueError:
        return _control_error("data_base64 is not base64")
    content_type = body.get("content_type", "image/jpeg")
    filename = body.get("filename") or f"{media_id}.jpg"
    _state(request).media[media_id] = Media(data, content_type, filename)
    return web.json_response({"ok": True})


async def sim_reset(request: web.Request) -> web.Response:
    _state(request).reset()
    return web.json_response({"ok": True})


async def sim_health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "simulator": "wechat"})


def create_app(appid: str, secret: str, verbose: bool = False, *,
               token_ttl: float = TOKEN_TTL) -> web.Application:
    """The fake WeChat API for one official account (`appid`/`secret`)."""
    app = web.Application()
    app[SIM_STATE] = SimState(appid, secret, verbose, token_ttl)
    app.router.add_post("/cgi-bin/stable_token", stable_token)
    app.router.add_get("/cgi-bin/token", get_token)
    app.router.add_post("/cgi-bin/message/custom/send", custom_send)
    app.router.add_post("/cgi-bin/message/custom/typing", custom_typing)
    app.router.add_get("/cgi-bin/media/get", media_get)
    app.router.add_post("/cgi-bin/menu/create", menu_create)
    app.router.add_get("/_sim/health", sim_health)
    app.router.add_get("/_sim/messages", sim_messages)
    app.router.add_post("/_sim/fail", sim_fail)
    app.router.add_post("/_sim/expire_tokens", sim_expire_tokens)
    app.router.add_get("/_sim/calls", sim_calls)
    app.router.add_get("/_sim/menu", sim_menu)
    app.router.add_get("/_sim/typing", sim_typing)
    app.router.add_post("/_sim/media", sim_media)
    app.router.add_post("/_sim/reset", sim_reset)
    return app
