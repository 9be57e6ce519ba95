"""The local follow-up spool: durable appends, one entry per message, one replay at a time,
nothing lost when a replay stops half way, and several processes appending at once."""
from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

from bot.follow_up_spool import FollowUpSpool


def entry(n: int, key: str = "") -> dict:
    return {"openid": f"o_{n}", "text": f"消息{n}", "message_key": key or f"msg-{n}"}


def test_append_keeps_one_entry_per_message(tmp_path):
    spool = FollowUpSpool(tmp_path / "var" / "spool.jsonl")
    assert not spool.pending() and not spool.contains("msg-1")
    assert spool.append(entry(1)) is True
    assert spool.append(entry(1)) is False  # a WeChat retry of the same message
    assert spool.append(entry(2)) is True
    assert spool.pending() and spool.contains("msg-1") and not spool.contains("msg-3")
    lines = (tmp_path / "var" / "spool.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["text"] for line in lines] == ["消息1", "消息2"]


def test_one_replay_at_a_time_and_new_entries_wait_for_the_next(tmp_path):
    spool = FollowUpSpool(tmp_path / "spool.jsonl")
    spool.append(entry(1))
    batch = spool.open_batch()
    assert [e["openid"] for e in batch.entries] == ["o_1"]
    assert FollowUpSpool(tmp_path / "spool.jsonl").open_batch() is None  # another replayer backs off
    spool.append(entry(2))
    assert spool.contains("msg-1") and spool.contains("msg-2")  # a retry is recognised during a replay
    batch.close([])
    assert not spool.contains("msg-1")
    assert [e["openid"] for e in spool.open_batch().entries] == ["o_2"]


def test_a_replay_stopped_half_way_keeps_what_it_did_not_deliver(tmp_path):
    spool = FollowUpSpool(tmp_path / "spool.jsonl")
    for n in range(3):
        spool.append(entry(n))
    batch = spool.open_batch()
    batch.close(batch.entries[1:])
    spool.append(entry(9))
    again = spool.open_batch()
    assert [e["openid"] for e in again.entries] == ["o_1", "o_2"]  # the unfinished replay goes first
    again.close([])
    last = spool.open_batch()
    assert [e["openid"] for e in last.entries] == ["o_9"]
    last.close([])
    assert not spool.pending() and spool.open_batch() is None


def test_a_torn_line_is_skipped_not_blocking(tmp_path):
    path = tmp_path / "spool.jsonl"
    spool = FollowUpSpool(path)
    spool.append(entry(1))
    with open(path, "a", encoding="utf-8") as torn:
        torn.write('{"openid": "o_2", "te')
    spool.append(entry(3))
    assert [e["openid"] for e in spool.open_batch().entries] == ["o_1", "o_3"]


def _append_many(path: str, worker: int) -> None:
    spool = FollowUpSpool(Path(path))
    for n in range(40):
        spool.append(entry(worker * 1000 + n))
        spool.append(entry(n, key="shared-retry"))  # every process retries the same message


def test_processes_appending_at_once_lose_and_duplicate_nothing(tmp_path):
    path = tmp_path / "spool.jsonl"
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_append_many, args=(str(path), worker)) for worker in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    keys = [json.loads(line)["message_key"] for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(keys) == 4 * 40 + 1 and len(set(keys)) == len(keys)
