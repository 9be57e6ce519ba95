"""The event-log tracker store against a real Redis: appends only, bounded windows that restore
the same dialogue state as full history, full history on request, migration, outages."""
from __future__ import annotations

import json
import random
import uuid
from pathlib import Path

import pytest
import redis
from rasa.core.agent import Agent
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted, ActionExecutionRejected, ActiveLoop, BotUttered, ConversationPaused, ConversationResumed,
    FollowupAction, LoopInterrupted, SessionStarted, SlotSet, UserUttered, UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.redis_keys import RedisKeys
from bot.redis_server import free_port
from bot.trackers.store import EventLogTrackerStore
from bot.trackers.window import ADVANCE_EVERY, KEEP_USER_TURNS, MAX_WINDOW_EVENTS, SNAPSHOT_MARK

ROOT = Path(__file__).resolve().parents[3]
FORM = "appeal_form"
FORM_SLOTS = ["appeal_category", "appeal_description", "appeal_employer", "appeal_district", "appeal_headcount"]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "bot" / "domain"))


@pytest.fixture
def store(redis_server, domain, monkeypatch):
    monkeypatch.setenv("KEY_PREFIX", "ts:")
    return EventLogTrackerStore(domain, redis_url=redis_server["url"])


@pytest.fixture
def raw(redis_server):
    client = redis.Redis(port=redis_server["port"], decode_responses=True)
    yield client
    client.close()


def sender() -> str:
    return f"o_{uuid.uuid4().hex[:12]}"


def user(text: str, intent: str, **parse) -> UserUttered:
    data = {"intent": {"name": intent, "confidence": 0.9}, "entities": [], "text": text, **parse}
    return UserUttered(text, data["intent"], [], data, input_channel="wechat")


def listen() -> ActionExecuted:
    return ActionExecuted("action_listen")


def faq_turn(rng: random.Random):
    topic = rng.choice(["wage_arrears", "annual_leave", "overtime_pay"])
    parse = {"response_selector": {"faq": {"response": {"intent_response_key": f"faq/{topic}", "confidence": 0.9}}}}
    return [user(f"问{topic}", "faq", **parse), ActionExecuted("action_faq_answer"), BotUttered(f"答{topic}"), listen()]


def form_turns(rng: random.Random):
    """A whole appeal form: activation, answers, an FAQ in the middle (rejection), completion."""
    turns = [[user("我要投诉", "file_appeal"), ActionExecuted(FORM), ActiveLoop(FORM),
              SlotSet("requested_slot", FORM_SLOTS[0]), BotUttered("什么类别？"), listen()]]
    for index, slot in enumerate(FORM_SLOTS):
        nxt = FORM_SLOTS[index + 1] if index + 1 < len(FORM_SLOTS) else None
        if rng.random() < 0.3:
            turns.append([user("年假几天", "faq"), ActionExecuted(FORM), ActionExecutionRejected(FORM),
                          ActionExecuted("action_faq_answer"), BotUttered("五天"), ActionExecuted(FORM),
                          LoopInterrupted(False), BotUttered("请继续"), listen()])
        turn = [user(f"答{slot}", "inform"), ActionExecuted(FORM), SlotSet(slot, f"值{rng.randint(0, 9)}")]
        turn += [SlotSet("requested_slot", nxt), BotUttered("下一个")] if nxt else [
            SlotSet("requested_slot", None), ActiveLoop(None), ActionExecuted("action_submit_appeal"),
            BotUttered("已受理"), SlotSet("appeal_category", None)]
        turns.append(turn + [listen()])
    return turns


def session_restart():
    return [[ActionExecuted("action_session_start"), SessionStarted(),
             SlotSet("appeal_district", "朝阳区"), listen()]]


def conversation(rng: random.Random, turns: int):
    """Turn after turn of events, mixing FAQs, forms, pauses, reverts and session restarts."""
    produced = [[ActionExecuted("action_session_start"), SessionStarted(), listen()]]
    while len(produced) < turns:
        roll = rng.random()
        if roll < 0.45:
            produced.append(faq_turn(rng))
        elif roll < 0.7:
            produced.extend(form_turns(rng))
        elif roll < 0.78:
            produced.extend(session_restart())
        elif roll < 0.84:
            produced.append([user("转人工", "request_human"), ActionExecuted("action_escalate"),
                             BotUttered("已转"), ConversationPaused(), listen()])
            produced.append([ConversationResumed()])
        elif roll < 0.9:
            produced.append([user("嗯？", "nlu_fallback"), UserUtteranceReverted(), listen()])
        else:
            produced.append([user("好的", "affirm"), ActionExecuted("action_x"), FollowupAction("utter_help"),
                             ActionExecuted("utter_help"), BotUttered("帮助"), listen()])
    return produced[:turns]


def state(tracker: DialogueStateTracker, domain: Domain):
    loop = tracker.active_loop
    return {
        "slots": tracker.current_slot_values(),
        "active_loop": (loop.name, loop.is_interrupted, loop.rejected) if loop else None,
        "paused": tracker.is_paused(),
        # (an empty placeholder message differs only in its creation time)
        "latest_message": tracker.latest_message.as_dict() if tracker.latest_message.text else None,
        "followup": tracker.followup_action,
        "latest_action": tracker.latest_action_name,
        "states": tracker.past_states(domain)[-5:],
    }


async def play(store, sid, turns):
    """Each turn as Rasa runs it: read the tracker, add the turn's events, save."""
    for events in turns:
        tracker = await store.retrieve(sid) or await store.create_tracker(sid, append_action_listen=False)
        for event in events:
            tracker.update(event)
        await store.save(tracker)
        yield tracker


async def test_a_save_appends_only_the_new_events(store, raw, redis_server):
    sid, keys = sender(), RedisKeys("ts:")
    lengths, stored = [], []
    async for tracker in play(store, sid, conversation(random.Random(1), 120)):
        lengths.append(raw.llen(keys.tracker_events(sid)))
        stored.append(raw.lindex(keys.tracker_events(sid), 0))
    turns = conversation(random.Random(1), 120)
    assert lengths == [sum(len(t) for t in turns[:i + 1]) for i in range(len(turns))]
    assert len(set(stored)) == 1  # the head of the list is never rewritten
    # One script call to read and one to save, whatever the history (commands run inside the
    # scripts are counted too: none of them reads the whole list or the key space).
    raw.config_resetstat()
    tracker = await store.retrieve(sid)
    tracker.update(user("你好", "greet"))
    tracker.update(listen())
    await store.save(tracker)
    stats = {k.removeprefix("cmdstat_"): v["calls"] for k, v in raw.info("commandstats").items()}
    assert stats.pop("evalsha") == 2 and stats.pop("config") == 1, stats
    assert set(stats) <= {"hmget", "lrange", "hget", "rpush", "hset", "hexists", "expire", "info"}, stats
    assert stats["lrange"] == 1


async def test_the_window_restores_the_state_full_history_gives(store, domain):
    sid = sender()
    windows, compared = [], 0
    turns = conversation(random.Random(7), 400)
    async for tracker in play(store, sid, turns):
        window = await store.retrieve(sid)
        windows.append(len(window.events))
        if len(windows) % 3 and not tracker.active_loop_name:
            continue  # every turn inside forms, every third outside (full replays are slow)
        full = await store.retrieve_full_tracker(sid)
        assert state(window, domain) == state(full, domain), len(windows)
        compared += 1
    assert sum(len(t) for t in turns) > 2000 and compared > 150
    # Bounded: never near the history's length (the cap holds even through forms).
    assert max(windows) < MAX_WINDOW_EVENTS
    assert max(windows[-100:]) < 400


async def test_a_long_running_form_does_not_grow_the_window_forever(store, domain):
    sid = sender()
    rng = random.Random(3)
    start = form_turns(rng)[:2]
    answers = [[user("啥？", "faq"), ActionExecuted(FORM), SlotSet("requested_slot", "appeal_employer"),
                BotUttered("请说单位"), listen()] for _ in range(400)]
    sizes = []
    async for tracker in play(store, sid, start + answers):
        sizes.append(len((await store.retrieve(sid)).events))
    full = await store.retrieve_full_tracker(sid)
    window = await store.retrieve(sid)
    assert state(window, domain)["active_loop"] == state(full, domain)["active_loop"] == (FORM, False, False)
    assert state(window, domain)["slots"] == state(full, domain)["slots"]
    assert max(sizes) < (KEEP_USER_TURNS + ADVANCE_EVERY) * 5 * 5
    # The snapshot keeps the form's real activation time (actions read it: form_started_at).
    activation = next(e for e in window.events if isinstance(e, ActiveLoop) and e.name == FORM)
    assert activation.metadata.get(SNAPSHOT_MARK)
    assert activation.timestamp == next(e for e in full.events if isinstance(e, ActiveLoop)).timestamp


async def test_the_full_tracker_has_every_event(store):
    sid = sender()
    turns = conversation(random.Random(11), 300)
    async for _ in play(store, sid, turns):
        pass
    full = await store.retrieve_full_tracker(sid)
    expected = [e.as_dict() for t in turns for e in t]
    assert [e.as_dict() for e in full.events] == expected
    assert not any(SNAPSHOT_MARK in (e.metadata or {}) for e in full.events)
    assert len((await store.retrieve(sid)).events) < len(expected) / 5


async def test_trackers_of_rasas_redis_store_migrate_without_loss(store, raw, redis_server, domain):
    legacy = RedisTrackerStore(domain, host="127.0.0.1", port=redis_server["port"])
    sid = sender()
    turns = conversation(random.Random(5), 200)
    tracker = DialogueStateTracker(sid, domain.slots)
    for events in turns:
        for event in events:
            tracker.update(event)
    await legacy.save(tracker)
    before = json.loads(raw.get(f"tracker:{sid}"))["events"]
    # First read migrates; the window and the full tracker agree with the old store's tracker.
    window = await store.retrieve(sid)
    full = await store.retrieve_full_tracker(sid)
    assert [e.as_dict() for e in full.events] == before
    assert state(window, domain) == state(tracker, domain)
    assert raw.get(f"tracker:{sid}") is None
    # Again: nothing to do, nothing doubled.
    assert not await store.migrate(sid)
    assert len((await store.retrieve_full_tracker(sid)).events) == len(before)


async def test_make_migrate_moves_every_legacy_tracker_once(redis_server, raw, domain, monkeypatch):
    from bot.trackers.migrate import migrate_all
    monkeypatch.setenv("KEY_PREFIX", "mg:")
    legacy = RedisTrackerStore(domain, host="127.0.0.1", port=redis_server["port"])
    senders = [sender() for _ in range(5)]
    for index, sid in enumerate(senders):
        tracker = DialogueStateTracker(sid, domain.slots)
        for events in conversation(random.Random(index), 30 + index):
            for event in events:
                tracker.update(event)
        await legacy.save(tracker)
    dumps = {sid: json.loads(raw.get(f"tracker:{sid}"))["events"] for sid in senders}
    store = EventLogTrackerStore(domain, redis_url=redis_server["url"])
    moved = await migrate_all(store)
    assert set(senders) <= set(moved)
    assert await migrate_all(store) == []
    for sid in senders:
        assert [e.as_dict() for e in (await store.retrieve_full_tracker(sid)).events] == dumps[sid]


async def test_redis_down_is_an_error_not_an_in_memory_tracker(domain):
    dead = f"redis://127.0.0.1:{free_port()}/0"
    store = EventLogTrackerStore(domain, redis_url=dead)  # the constructor never connects
    with pytest.raises(redis.exceptions.ConnectionError):
        await store.retrieve(sender())
    tracker = DialogueStateTracker(sender(), domain.slots)
    tracker.update(user("你好", "greet"))
    with pytest.raises(redis.exceptions.ConnectionError):
        await store.save(tracker)
    # Rasa's agent would wrap it in FailSafeTrackerStore, which falls back to memory: not this one.
    assert Agent._create_tracker_store(store, domain) is store


async def test_personal_data_hook_exports_erases_and_sweeps(store, raw, domain):
    from bot.trackers.hook import EventLogTrackerHook
    from redis.asyncio import Redis
    client = Redis.from_url(store._url, decode_responses=True)
    hook = EventLogTrackerHook(client, RedisKeys("ts:"), 3600)
    old, recent = sender(), sender()
    async for _ in play(store, old, conversation(random.Random(2), 20)):
        pass
    async for _ in play(store, recent, conversation(random.Random(3), 20)):
        pass
    exported = await hook.export(old)
    assert [e["event"] for e in exported["events"]] == [e.as_dict()["event"] for t in conversation(random.Random(2), 20) for e in t]
    # The sweep removes only conversations silent since before the cutoff.
    cutoff = (await store.retrieve_full_tracker(recent)).events[0].timestamp
    removed = await hook.sweep(cutoff)
    assert removed >= 1 and await store.retrieve(old) is None and await store.retrieve(recent) is not None
    assert await hook.erase(recent) and await store.retrieve_full_tracker(recent) is None
    assert await hook.export(recent) is None
    await client.close()
