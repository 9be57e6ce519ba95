"""The WeChat API simulator answers like WeChat: token rules, errcodes, recording, control API."""
from __future__ import annotations

import json

import pytest
from aiohttp.test_utils import TestClient, TestServer

from channels.wechat_sim.api_server import SAMPLE_JPEG, SIM_STATE, create_app

APPID, SECRET = "wxsim0000000000001", "sim-secret-0001"


@pytest.fixture
async def client():
    async with TestClient(TestServer(create_app(APPID, SECRET))) as test_client:
        yield test_client


async def call(client, method, path, **kwargs) -> dict:
    response = await client.request(method, path, **kwargs)
    assert response.status == 200
    return await response.json()


async def stable_token(client, force_refresh=False, appid=APPID, secret=SECRET) -> dict:
    return await call(client, "POST", "/cgi-bin/stable_token", json={
        "grant_type": "client_credential", "appid": appid, "secret": secret, "force_refresh": force_refresh})


async def plain_token(client, appid=APPID, secret=SECRET) -> dict:
    return await call(client, "GET", "/cgi-bin/token", params={
        "grant_type": "client_credential", "appid": appid, "secret": secret})


async def send_text(client, token, content, touser="o_user_1") -> dict:
    return await call(client, "POST", "/cgi-bin/message/custom/send", params={"access_token": token},
                      json={"touser": touser, "msgtype": "text", "text": {"content": content}})


async def typing(client, token, command="Typing", touser="o_user_1") -> dict:
    return await call(client, "POST", "/cgi-bin/message/custom/typing", params={"access_token": token},
                      json={"touser": touser, "command": command})


async def create_menu(client, token, menu) -> dict:
    return await call(client, "POST", "/cgi-bin/menu/create", params={"access_token": token},
                      data=json.dumps(menu, ensure_ascii=False).encode("utf-8"))


def errcode(answer: dict) -> int:
    return answer["errcode"]


# --- access tokens -------------------------------------------------------------------------
async def test_stable_token_is_reused_until_force_refresh(client):
    first = await stable_token(client)
    assert first["expires_in"] == 7200 and len(first["access_token"]) > 64
    assert (await stable_token(client))["access_token"] == first["access_token"]
    refreshed = await stable_token(client, force_refresh=True)
    assert refreshed["access_token"] != first["access_token"]
    assert errcode(await send_text(client, first["access_token"], "旧令牌")) == 40001
    assert errcode(await send_text(client, refreshed["access_token"], "新令牌")) == 0


async def test_plain_token_endpoint_knocks_out_the_previous_token(client):
    first, second = await plain_token(client), await plain_token(client)
    assert first["access_token"] != second["access_token"] and second["expires_in"] == 7200
    assert errcode(await send_text(client, first["access_token"], "你好")) == 40001
    assert errcode(await send_text(client, second["access_token"], "你好")) == 0


async def test_plain_and_stable_tokens_do_not_disturb_each_other(client):
    stable = (await stable_token(client))["access_token"]
    await plain_token(client)
    assert errcode(await send_text(client, stable, "你好")) == 0


@pytest.mark.parametrize("appid, secret, code", [("wxwrong000000001", SECRET, 40013), (APPID, "wrong-secret", 40001),
                                                 ("", SECRET, 41002), (APPID, "", 41004)])
async def test_bad_credentials_get_wechat_errcodes(client, appid, secret, code):
    for answer in (await stable_token(client, appid=appid, secret=secret),
                   await plain_token(client, appid=appid, secret=secret)):
        assert errcode(answer) == code
        assert "access_token" not in answer and "rid:" in answer["errmsg"]


async def test_bad_grant_type_and_non_json_body(client):
    assert errcode(await call(client, "GET", "/cgi-bin/token", params={
        "grant_type": "password", "appid": APPID, "secret": SECRET})) == 40002
    assert errcode(await call(client, "POST", "/cgi-bin/stable_token", data=b"not json")) == 47001


async def test_force_refresh_is_limited_per_day(client):
    for _ in range(20):
        assert "access_token" in await stable_token(client, force_refresh=True)
    assert errcode(await stable_token(client, force_refresh=True)) == 45009


async def test_missing_or_unknown_access_token(client):
    assert errcode(await send_text(client, "", "你好")) == 41001
    assert errcode(await send_text(client, "made-up-token", "你好")) == 40001


async def test_expired_tokens_give_42001_and_a_new_stable_token_follows(client):
    old = (await stable_token(client))["access_token"]
    assert (await call(client, "POST", "/_sim/expire_tokens"))["expired"] == 1
    assert errcode(await send_text(client, old, "你好")) == 42001
    new = (await stable_token(client))["access_token"]
    assert new != old and errcode(await send_text(client, new, "你好")) == 0


async def test_tokens_expire_after_their_lifetime():
    app = create_app(APPID, SECRET, token_ttl=100)
    async with TestClient(TestServer(app)) as test_client:
        token = (await stable_token(test_client))["access_token"]
        state = app[SIM_STATE]
        now = state.clock()
        state.clock = lambda: now + 101
        assert errcode(await send_text(test_client, token, "你好")) == 42001


# --- customer-service messages -------------------------------------------------------------
async def test_custom_send_records_messages_per_user(client):
    token = (await stable_token(client))["access_token"]
    assert await send_text(client, token, "您好，已收到您的诉求。") == {"errcode": 0, "errmsg": "ok"}
    await send_text(client, token, "别人的消息", touser="o_other")
    await send_text(client, token, "第二条")
    mine = (await call(client, "GET", "/_sim/messages", params={"touser": "o_user_1"}))["messages"]
    assert [m["content"] for m in mine] == ["您好，已收到您的诉求。", "第二条"]
    assert mine[0]["msgtype"] == "text" and mine[0]["touser"] == "o_user_1" and mine[0]["at"] > 0
    later = await call(client, "GET", "/_sim/messages", params={"touser": "o_user_1", "after": mine[0]["index"]})
    assert [m["content"] for m in later["messages"]] == ["第二条"]
    assert len((await call(client, "GET", "/_sim/messages"))["messages"]) == 3


async def test_text_limit_is_2048_utf8_bytes(client):
    token = (await stable_token(client))["access_token"]
    assert errcode(await send_text(client, token, "汉" * 682 + "ab")) == 0  # 2048 bytes
    assert errcode(await send_text(client, token, "汉" * 683)) == 45002  # 2049 bytes
    assert errcode(await send_text(client, token, "")) == 44004


async def test_malformed_custom_send_requests(client):
    token = (await stable_token(client))["access_token"]
    path, params = "/cgi-bin/message/custom/send", {"access_token": token}
    assert errcode(await call(client, "POST", path, params=params, data=b"{oops")) == 47001
    assert errcode(await call(client, "POST", path, params=params,
                              json={"touser": "", "msgtype": "text", "text": {"content": "x"}})) == 40003
    assert errcode(await call(client, "POST", path, params=params,
                              json={"touser": "o1", "msgtype": "hologram", "hologram": {}})) == 40008
    assert (await call(client, "GET", "/_sim/messages"))["messages"] == []


async def test_verbose_prints_each_customer_service_message(capsys):
    async with TestClient(TestServer(create_app(APPID, SECRET, verbose=True))) as test_client:
        token = (await stable_token(test_client))["access_token"]
        await send_text(test_client, token, "请提供您的联系电话。", touser="o_abc")
    assert "[客服消息 → o_abc] 请提供您的联系电话。" in capsys.readouterr().out


# --- injected failures and call counts -----------------------------------------------------
async def test_injected_failures_hit_the_next_calls_only(client):
    token = (await stable_token(client))["access_token"]
    assert (await call(client, "POST", "/_sim/fail", json={"api": "custom_send", "errcode": 45047, "times": 2}))["ok"]
    assert errcode(await send_text(client, token, "一")) == 45047
    assert errcode(await send_text(client, token, "二")) == 45047
    assert errcode(await send_text(client, token, "三")) == 0
    assert [m["content"] for m in (await call(client, "GET", "/_sim/messages"))["messages"]] == ["三"]


@pytest.mark.parametrize("api, code", [("typing", 45080), ("token", -1), ("media", 40007), ("menu", 45009)])
async def test_every_api_can_be_made_to_fail(client, api, code):
    token = (await stable_token(client))["access_token"]
    await call(client, "POST", "/_sim/fail", json={"api": api, "errcode": code, "times": 1})
    attempt = {
        "typing": lambda: typing(client, token),
        "token": lambda: stable_token(client),
        "media": lambda: call(client, "GET", "/cgi-bin/media/get", params={"access_token": token, "media_id": "sim-1"}),
        "menu": lambda: create_menu(client, token, {"button": [{"type": "click", "name": "咨询", "key": "ASK"}]}),
    }[api]
    assert errcode(await attempt()) == code


async def test_fail_rejects_unknown_api(client):
    response = await client.post("/_sim/fail", json={"api": "payments", "errcode": 1})
    assert response.status == 400


async def test_calls_are_counted_per_api(client):
    token = (await stable_token(client))["access_token"]
    await plain_token(client)
    await send_text(client, token, "你好")
    await typing(client, token)
    await call(client, "GET", "/cgi-bin/media/get", params={"access_token": token, "media_id": "nope"})
    assert await call(client, "GET", "/_sim/calls") == {
        "stable_token": 1, "token": 1, "custom_send": 1, "typing": 1, "media": 1, "menu": 0}


async def test_reset_forgets_everything(client):
    token = (await stable_token(client))["access_token"]
    await send_text(client, token, "你好")
    await call(client, "POST", "/_sim/reset")
    assert (await call(client, "GET", "/_sim/messages"))["messages"] == []
    assert (await call(client, "GET", "/_sim/calls"))["custom_send"] == 0
    assert errcode(await send_text(client, token, "你好")) == 40001


# --- typing --------------------------------------------------------------------------------
async def test_typing_cannot_be_repeated_while_shown(client):
    token = (await stable_token(client))["access_token"]
    assert errcode(await typing(client, token)) == 0
    assert errcode(await typing(client, token)) == 45081
    assert errcode(await typing(client, token, "CancelTyping")) == 0
    assert errcode(await typing(client, token)) == 0
    await send_text(client, token, "回复会结束输入状态")
    assert errcode(await typing(client, token)) == 0
    assert errcode(await typing(client, token, "Dance")) == 47001
    log = (await call(client, "GET", "/_sim/typing"))["typing"]
    assert [entry["command"] for entry in log][:3] == ["Typing", "Typing", "CancelTyping"]


# --- media ---------------------------------------------------------------------------------
async def test_media_get_serves_sim_ids_and_registered_ids(client):
    token = (await stable_token(client))["access_token"]
    response = await client.get("/cgi-bin/media/get", params={"access_token": token, "media_id": "sim-photo"})
    assert response.headers["Content-Type"] == "image/jpeg"
    assert 'filename="sim-photo.jpg"' in response.headers["Content-Disposition"]
    assert await response.read() == SAMPLE_JPEG
    await call(client, "POST", "/_sim/media", json={
        "media_id": "MEDIA_X", "content_type": "audio/amr", "filename": "voice.amr", "data_base64": "IyFBTVIK"})
    response = await client.get("/cgi-bin/media/get", params={"access_token": token, "media_id": "MEDIA_X"})
    assert response.headers["Content-Type"] == "audio/amr" and await response.read() == b"#!AMR\n"


async def test_media_get_unknown_id_and_bad_token(client):
    token = (await stable_token(client))["access_token"]
    path = "/cgi-bin/media/get"
    answer = await call(client, "GET", path, params={"access_token": token, "media_id": "unknown"})
    assert errcode(answer) == 40007 and answer["errmsg"].startswith("invalid media_id")
    assert errcode(await call(client, "GET", path, params={"access_token": "bad", "media_id": "sim-1"})) == 40001
    assert errcode(await call(client, "GET", path, params={"access_token": token})) == 41006


# --- menu ----------------------------------------------------------------------------------
MENU = {"button": [
    {"type": "click", "name": "我要咨询", "key": "MENU_ASK"},
    {"name": "维权服务", "sub_button": [
        {"type": "click", "name": "欠薪求助", "key": "MENU_WAGES"},
        {"type": "view", "name": "工会官网", "url": "https://www.bjzgh.org/"},
    ]},
    {"type": "click", "name": "查进度", "key": "MENU_TICKET"},
]}


async def test_valid_menu_is_stored(client):
    token = (await stable_token(client))["access_token"]
    assert errcode(await create_menu(client, token, MENU)) == 0
    assert (await call(client, "GET", "/_sim/menu"))["menu"] == MENU


def _with(**changes) -> dict:
    menu = json.loads(json.dumps(MENU))
    for path, value in changes.items():
        target = menu["button"]
        *steps, last = path.split("__")
        for step in steps:
            target = target[int(step)] if step.isdigit() else target[step]
        target[int(last) if last.isdigit() else last] = value
    return menu


@pytest.mark.parametrize("menu, code", [
    ({"button": MENU["button"] + [{"type": "click", "name": "多余", "key": "X"}]}, 40016),
    ({"button": []}, 40016),
    ({}, 40016),
    (_with(**{"1__sub_button": [{"type": "click", "name": f"子{i}", "key": f"K{i}"} for i in range(6)]}), 40023),
    (_with(**{"0__type": "teleport"}), 40017),
    (_with(**{"0__name": "名字实在是太长了啊"}), 40018),
    (_with(**{"0__key": ""}), 40019),
    (_with(**{"1__sub_button__0__type": "teleport"}), 40024),
    (_with(**{"1__sub_button__1__url": ""}), 40027),
])
async def test_invalid_menus_get_wechat_errcodes(client, menu, code):
    token = (await stable_token(client))["access_token"]
    assert errcode(await create_menu(client, token, menu)) == code
    assert (await call(client, "GET", "/_sim/menu"))["menu"] is None


async def test_menu_with_unicode_escapes_is_refused(client):
    token = (await stable_token(client))["access_token"]
    answer = await call(client, "POST", "/cgi-bin/menu/create", params={"access_token": token},
                        data=json.dumps(MENU).encode("ascii"))
    assert errcode(answer) == 40033
