"""The NLU inbox against a real Redis: captured records (the stream contract of
bot/capture/record.py) grouped and filtered, annotations with their audit entries, the export
to Rasa YAML (into a copy of the training data), and admins only."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from bot.capture.grouping import group_key
from bot.capture.masking import mask
from bot.capture.record import TurnAssembler, pseudonym_key
from bot.settings import Settings
from tests.integration.console.conftest import RASA_TOKEN

ROOT = Path(__file__).resolve().parents[3]
RASA = str(Path(sys.executable).parent / "rasa")
NOW = time.time()
DAY = 24 * 3600


@pytest.fixture
def export_root(tmp_path) -> Path:
    """A copy of the training data and the held-out sets: the export never touches tracked files."""
    shutil.copytree(ROOT / "nlu_data", tmp_path / "nlu_data")
    shutil.copytree(ROOT / "tests" / "nlu", tmp_path / "tests" / "nlu")
    return tmp_path


@pytest.fixture
def settings(redis_server, fake_rasa, wechat, prefix, export_root) -> Settings:
    return Settings.from_env({
        "REDIS_URL": redis_server["url"], "KEY_PREFIX": prefix, "RASA_PORT": str(fake_rasa.port),
        "RASA_API_TOKEN": RASA_TOKEN, "WECHAT_API_BASE": str(wechat.make_url("")).rstrip("/"),
        "NLU_EXPORT_ROOT": str(export_root), "INBOX_LOW_CONFIDENCE": "0.7",
    })


def ranked(*pairs):
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


def fields(text, intent, confidence, *, channel="wechat", fallback=False, ts=NOW, mid=None, entities=()):
    """One stream record, built the way the broker builds it (TurnAssembler)."""
    parse = {"intent": {"name": "nlu_fallback" if fallback else intent, "confidence": confidence},
             "label_ranking": ranked((intent, confidence), ("faq/resignation", 0.1), ("greet", 0.05)),
             "entities": list(entities)}
    turns = TurnAssembler(pseudonym_key("test"))
    turns.feed({"event": "user", "sender_id": "oWorker", "text": text, "parse_data": parse, "input_channel": channel,
                "message_id": mid or f"m{abs(hash((text, ts, channel)))}", "timestamp": ts})
    turns.feed({"event": "bot", "sender_id": "oWorker", "text": "好的，我来帮您"})
    [record] = turns.feed({"event": "action", "sender_id": "oWorker", "name": "action_listen"})
    return record


@pytest.fixture
async def captured(redis, keys):
    records = [
        fields("加班费怎么算", "faq/overtime_pay", 0.95, ts=NOW - 3 * DAY),
        fields("加班费怎么算？", "faq/overtime_pay", 0.93, ts=NOW - 2 * DAY),
        fields("加班費怎麼算", "faq/overtime_pay", 0.91, ts=NOW - 60),
        fields("老板跑路了我电话13900001111", "faq/wage_arrears", 0.55, ts=NOW - 50, channel="hotline",
               entities=[{"entity": "phone", "value": "13900001111", "start": 8, "end": 19}]),
        fields("那个那个啥", "greet", 0.31, fallback=True, ts=NOW - 40),
        fields("公司不给交社保", "faq/social_insurance", 0.88, ts=NOW - 30),
        fields("我要投诉我们老板", "file_appeal", 0.97, ts=NOW - 20),
    ]
    for record in records:
        await redis.xadd(keys.capture_stream(), record)
    return records


async def inbox(console, **query):
    response = await console.get("/api/nlu-inbox", params=query)
    assert response.status == 200, await response.text()
    return await response.json()


async def annotate(console, csrf, action, keys, intent=None, status=200):
    body = {"action": action, "keys": keys, **({"intent": intent} if intent else {})}
    response = await console.post("/api/nlu-inbox/annotations", json=body, headers={"X-CSRF-Token": csrf})
    assert response.status == status, await response.text()
    return await response.json()


async def test_identical_texts_are_one_group_newest_first(console, sign_in, captured):
    await sign_in("admin")
    data = await inbox(console)
    texts = [g["text"] for g in data["groups"]]
    assert data["total"] == 5
    assert texts[0] == "我要投诉我们老板"
    overtime = next(g for g in data["groups"] if g["intent"] == "faq/overtime_pay")
    assert overtime["count"] == 3 and overtime["text"] == "加班費怎麼算"  # the newest spelling shown
    assert [r["name"] for r in overtime["ranking"]] == ["faq/overtime_pay", "faq/resignation", "greet"]
    assert overtime["key"] == group_key("加班费怎么算")
    arrears = next(g for g in data["groups"] if g["intent"] == "faq/wage_arrears")
    assert arrears["text"] == "老板跑路了我电话139****1111"


@pytest.mark.parametrize("query, expected", [
    ({"low": "1"}, {"老板跑路了我电话139****1111", "那个那个啥"}),
    ({"low": "1", "threshold": "0.4"}, {"那个那个啥"}),
    ({"fallback": "1"}, {"那个那个啥"}),
    ({"intent": "faq/social_insurance"}, {"公司不给交社保"}),
    ({"channel": "hotline"}, {"老板跑路了我电话139****1111"}),
    ({"q": "社保"}, {"公司不给交社保"}),
    ({"q": "加班费怎么算"}, {"加班費怎麼算"}),  # matched folded: traditional and simplified alike
])
async def test_filters(console, sign_in, captured, query, expected):
    await sign_in("admin")
    assert {g["text"] for g in (await inbox(console, **query))["groups"]} == expected


async def test_date_range_counts_only_messages_inside(console, sign_in, captured):
    import datetime
    await sign_in("admin")
    beijing = datetime.timezone(datetime.timedelta(hours=8))
    day = lambda ts: datetime.datetime.fromtimestamp(ts, beijing).date().isoformat()  # noqa: E731
    data = await inbox(console, **{"from": day(NOW - 3 * DAY), "to": day(NOW - 2 * DAY)})
    assert [(g["text"], g["count"]) for g in data["groups"]] == [("加班费怎么算？", 2)]


@pytest.mark.parametrize("query", [{"from": "26/11/2026"}, {"low": "1", "threshold": "abc"},
                                   {"low": "1", "threshold": "7"}, {"status": "everything"}])
async def test_malformed_filters_get_a_clear_answer(console, sign_in, captured, query):
    await sign_in("admin")
    response = await console.get("/api/nlu-inbox", params=query)
    assert response.status == 400
    assert (await response.json())["message"]


async def test_confirm_correct_reject_and_bulk_are_recorded_and_audited(console, sign_in, captured, audit):
    csrf = await sign_in("admin")
    groups = {g["text"]: g for g in (await inbox(console))["groups"]}
    overtime, nonsense = groups["加班費怎麼算"]["key"], groups["那个那个啥"]["key"]
    arrears, insurance = groups["老板跑路了我电话139****1111"]["key"], groups["公司不给交社保"]["key"]

    done = await annotate(console, csrf, "confirm", [overtime])
    assert done["annotated"][0]["intent"] == "faq/overtime_pay" and done["annotated"][0]["by"] == "admin"
    await annotate(console, csrf, "reject", [nonsense])
    await annotate(console, csrf, "correct", [arrears, insurance], "file_appeal")  # bulk

    data = await inbox(console, status="all")
    assert [g["reviewed"] for g in data["groups"]] == [False, True, True, True, True]  # unreviewed first
    assert data["groups"][0]["text"] == "我要投诉我们老板"
    notes = {g["key"]: g["annotation"] for g in data["groups"] if g["annotation"]}
    assert notes[overtime]["status"] == "confirmed" and notes[nonsense]["status"] == "rejected"
    assert notes[arrears]["intent"] == notes[insurance]["intent"] == "file_appeal"
    assert notes[arrears]["predicted"] == "faq/wage_arrears" and notes[arrears]["by"] == "admin"
    assert abs(notes[arrears]["at"] - time.time()) < 60
    assert [g["text"] for g in (await inbox(console))["groups"]] == ["我要投诉我们老板"]  # default: unreviewed

    entries = await audit.recent(action="nlu_annotate")
    assert len(entries) == 4 and {e.actor for e in entries} == {"admin"}
    assert {e.target for e in entries} == {f"nlu:{k}" for k in (overtime, nonsense, arrears, insurance)}
    corrected = next(e for e in entries if e.target == f"nlu:{arrears}")
    assert corrected.detail["status"] == "corrected" and corrected.detail["intent"] == "file_appeal"
    assert corrected.detail["predicted"] == "faq/wage_arrears"
    assert "13900001111" not in json.dumps([e.detail for e in entries]) and "老板" not in json.dumps(
        [e.detail for e in entries], ensure_ascii=False)


@pytest.mark.parametrize("body", [
    {"action": "correct", "keys": ["KEY"], "intent": "nlu_fallback"},
    {"action": "correct", "keys": ["KEY"], "intent": "faq/no_such_topic"},
    {"action": "delete", "keys": ["KEY"]},
    {"action": "confirm", "keys": []},
    {"action": "confirm", "keys": "KEY"},
])
async def test_bad_annotations_change_nothing(console, sign_in, captured, redis, keys, body):
    csrf = await sign_in("admin")
    key = (await inbox(console))["groups"][0]["key"]
    body = {**body, "keys": [key] if body["keys"] == ["KEY"] else body["keys"]}
    response = await console.post("/api/nlu-inbox/annotations", json=body, headers={"X-CSRF-Token": csrf})
    assert response.status == 400 and (await response.json())["message"]
    assert await redis.hlen(keys.nlu_annotations()) == 0


async def test_unknown_groups_and_forged_requests_are_refused(console, sign_in, captured, redis, keys):
    csrf = await sign_in("admin")
    await annotate(console, csrf, "confirm", ["0123456789abcdef"], status=404)
    key = (await inbox(console))["groups"][0]["key"]
    forged = await console.post("/api/nlu-inbox/annotations", json={"action": "confirm", "keys": [key]})
    assert forged.status == 403  # no CSRF token
    assert await redis.hlen(keys.nlu_annotations()) == 0


@pytest.mark.parametrize("user", ["city", "chaoyang"])
async def test_staff_get_403_on_every_inbox_page_and_api(console, sign_in, captured, redis, keys, user):
    csrf = await sign_in(user)
    key = group_key("加班费怎么算")
    assert (await console.get("/admin/nlu-inbox")).status == 403
    assert (await console.get("/api/nlu-inbox")).status == 403
    response = await console.post("/api/nlu-inbox/annotations", json={"action": "confirm", "keys": [key]},
                                  headers={"X-CSRF-Token": csrf})
    assert response.status == 403
    assert (await console.post("/api/nlu-inbox/export", headers={"X-CSRF-Token": csrf})).status == 403
    assert (await console.post("/admin/nlu-inbox/export", data={"csrf_token": csrf},
                               allow_redirects=False)).status == 403
    assert await redis.hlen(keys.nlu_annotations()) == 0
    page = await (await console.get("/")).text()
    assert "/admin/nlu-inbox" not in page  # no link either


async def test_the_page_shows_groups_and_shortcuts(console, sign_in, captured, redis, keys):
    await redis.xadd(keys.capture_stream(), fields('<img src=x onerror="alert(1)">欠薪', "faq/wage_arrears", 0.4))
    await sign_in("admin")
    response = await console.get("/admin/nlu-inbox")
    html = await response.text()
    assert response.status == 200
    assert "加班費怎麼算" in html and "139****1111" in html and "13900001111" not in html
    assert '<script src="/static/inbox.js"' in html and "<script>" not in html
    assert 'data-key="1" data-intent="faq/overtime_pay"' in html  # the most frequent prediction is key 1
    assert "<img src=x" not in html and "&lt;img src=x onerror=" in html  # a worker's text is never markup
    assert "答：好的" in html  # what the bot answered


def _examples(path: Path):
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {block["intent"]: [line[2:] for line in block["examples"].splitlines() if line.startswith("- ")]
            for block in document["nlu"]}


async def test_export_writes_training_and_heldout_yaml(console, sign_in, redis, keys, export_root, audit):
    csrf = await sign_in("admin")
    texts = [f"第{n}个问题 工地老板欠薪咋办 电话1390000{n:04d}" for n in range(20)]
    for n, text in enumerate(texts):
        await redis.xadd(keys.capture_stream(), fields(text, "faq/wage_arrears", 0.6, ts=NOW - n))
    await redis.xadd(keys.capture_stream(), fields("加班费怎么算", "faq/overtime_pay", 0.9))  # already trained on
    texts.append("我在朝阳干活 老板跑了工钱咋要")
    await redis.xadd(keys.capture_stream(), fields(texts[-1], "faq/wage_arrears", 0.6, entities=[
        {"entity": "district", "value": "朝阳区", "start": 2, "end": 4, "extractor": "DIETClassifier"}]))
    groups = (await inbox(console))["groups"]
    await annotate(console, csrf, "confirm", [g["key"] for g in groups])
    response = await console.post("/api/nlu-inbox/export", headers={"X-CSRF-Token": csrf})
    result = await response.json()
    assert response.status == 200 and result["training"] + result["heldout"] == 21, result
    # The split is by the stored (masked) text's group key: one in five, whatever the numbers were.
    heldout_keys = {group_key(mask(t)) for t in texts if int(group_key(mask(t)), 16) % 5 == 0}
    assert result["heldout"] == len(heldout_keys)

    training = _examples(export_root / "nlu_data" / "nlu" / "annotated.yml")
    heldout = _examples(export_root / "tests" / "nlu" / "inbox_heldout.yml") if heldout_keys else {}
    lines = training["faq/wage_arrears"] + heldout.get("faq/wage_arrears", [])
    assert len(lines) == 21 and "faq/overtime_pay" not in training
    assert "我在[朝阳](district)干活 老板跑了工钱咋要" in lines
    phones = [line for line in lines if "电话" in line]
    for line in phones:  # a synthetic phone of the same shape, no stars, no real number
        assert "*" not in line and "1390000" not in line
        assert re.search(r"电话1[3-9]\d{9}$", line), line
    assert sorted(map(len, phones)) == sorted(map(len, texts[:20]))
    # Deterministic: the same annotations export to the same files.
    before = (export_root / "nlu_data" / "nlu" / "annotated.yml").read_bytes()
    await console.post("/api/nlu-inbox/export", headers={"X-CSRF-Token": csrf})
    assert (export_root / "nlu_data" / "nlu" / "annotated.yml").read_bytes() == before
    assert (await audit.recent(action="nlu_export"))[0].detail["training"] == result["training"]
    # The form action flashes and redirects back.
    response = await console.post("/admin/nlu-inbox/export", data={"csrf_token": csrf}, allow_redirects=False)
    assert response.status == 303
    # What `make lint` runs, on the exported copy: the files are valid Rasa training data.
    validated = subprocess.run([RASA, "data", "validate", "-c", str(ROOT / "config.yml"), "-d", str(ROOT / "bot" / "domain"),
                                "--data", str(export_root / "nlu_data")], cwd=ROOT, capture_output=True, text=True,
                               timeout=300)
    assert validated.returncode == 0, validated.stdout[-2000:] + validated.stderr[-2000:]


async def test_a_workers_captured_messages_are_exported_and_erased_on_request(console, sign_in, redis, keys,
                                                                             settings):
    worker, other = "oWorkerAskingForErasure0000", "oSomeoneElse000000000000000"
    for who, text in ((worker, "老板欠薪 我叫张三"), (other, "加班费怎么算"), (worker, "我要投诉")):
        turns = TurnAssembler(pseudonym_key(settings.wechat_secret))
        turns.feed({"event": "user", "sender_id": who, "text": text, "parse_data": {}, "message_id": text,
                    "timestamp": NOW})
        await redis.xadd(keys.capture_stream(), turns.flush()[0])
    # Known to the console by another record too (a worker only in the stream is not found yet).
    await redis.set(keys.wechat_location(worker), json.dumps({"label": "北京市朝阳区某路"}))
    token = await sign_in("admin")
    assert len((await inbox(console))["groups"]) == 3  # read (and cached) before the erasure
    response = await console.post("/admin/personal-data/export", data={"csrf_token": token, "q": worker})
    assert response.status == 200, await response.text()
    document = json.loads(await response.read())
    assert [m["text"] for m in document["records"][worker]["conversation"]["captured_messages"]] == [
        "老板欠薪 我叫张三", "我要投诉"]
    done = await console.post("/admin/personal-data/erase", data={"csrf_token": token, "q": worker,
                                                                   "why": "本人申请", "confirm": "1"})
    assert done.status == 200
    left = [fields["text"] for _, fields in await redis.xrange(keys.capture_stream())]
    assert left == ["加班费怎么算"]
    assert [g["text"] for g in (await inbox(console))["groups"]] == ["加班费怎么算"]


async def test_new_messages_appear_and_trimmed_ones_go(console, sign_in, captured, redis, keys):
    await sign_in("admin")
    assert (await inbox(console))["total"] == 5
    await redis.xadd(keys.capture_stream(), fields("工伤怎么认定", "faq/work_injury", 0.9, mid="new-1"))
    await redis.xadd(keys.capture_stream(), fields("工伤怎么认定", "faq/work_injury", 0.9, mid="new-1"))  # a retry
    data = await inbox(console)
    assert data["total"] == 6 and data["groups"][0]["text"] == "工伤怎么认定" and data["groups"][0]["count"] == 1
    await redis.xtrim(keys.capture_stream(), maxlen=1, approximate=False)  # the stream's bound (or retention)
    assert [g["text"] for g in (await inbox(console))["groups"]] == ["工伤怎么认定"]
