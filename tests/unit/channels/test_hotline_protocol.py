"""The hotline's signed protocol, pure parts: signature and window, the turn's fields, the
answer's shape (shared/spec/contracts.md, "The hotline channel")."""
from __future__ import annotations

import json
import time

import pytest

from channels.hotline import security
from channels.hotline.protocol import MalformedTurn, gather, parse_turn, say, transfer, well_ended
from channels.hotline_sim.ivr import signed

SECRET = "s" * 32
BODY = json.dumps({"call_id": "c1", "seq": 1, "event": "start", "caller": "13800138000", "callee": "12351"}).encode()


def test_the_simulators_signature_is_the_channels():
    headers = signed(SECRET, BODY)
    assert security.check(SECRET, headers["X-Hotline-Timestamp"], headers["X-Hotline-Signature"], BODY)


@pytest.mark.parametrize("change", ["secret", "body", "timestamp", "missing", "uppercase-garbage"])
def test_forged_requests_are_refused(change):
    headers = signed(SECRET, BODY)
    stamp, signature, body, secret = headers["X-Hotline-Timestamp"], headers["X-Hotline-Signature"], BODY, SECRET
    if change == "secret":
        secret = "t" * 32
    elif change == "body":
        body = BODY.replace(b"13800138000", b"13900139000")
    elif change == "timestamp":
        stamp = str(int(stamp) + 1)
    elif change == "missing":
        signature = None
    else:
        signature = "ZZ" + signature[2:]
    with pytest.raises(security.ForbiddenRequest):
        security.check(secret, stamp, signature, body)


@pytest.mark.parametrize("offset", [-301, 301, -3600])
def test_stale_requests_are_refused_even_when_signed(offset):
    headers = signed(SECRET, BODY, now=time.time() + offset)
    with pytest.raises(security.ForbiddenRequest):
        security.check(SECRET, headers["X-Hotline-Timestamp"], headers["X-Hotline-Signature"], BODY)


def test_a_turn_is_read_with_all_its_fields():
    body = json.dumps({"call_id": "c-9", "seq": 4, "event": "speech", "caller": "", "callee": "12351",
                       "text": " 公司拖欠工资 ", "confidence": 0.42,
                       "nbest": [{"text": "公司拖欠工资", "confidence": 0.42}, {"text": "公司拖欠公司", "confidence": 0.3}]},
                      ensure_ascii=False).encode()
    turn = parse_turn(body)
    assert (turn.call_id, turn.seq, turn.event, turn.caller, turn.text, turn.confidence) == \
        ("c-9", 4, "speech", "", "公司拖欠工资", 0.42)
    assert turn.nbest[1] == ("公司拖欠公司", 0.3)


@pytest.mark.parametrize("fields", [
    {"call_id": "", "seq": 1, "event": "start"},
    {"call_id": "a b", "seq": 1, "event": "start"},
    {"call_id": "c", "seq": "1", "event": "start"},
    {"call_id": "c", "seq": True, "event": "start"},
    {"call_id": "c", "seq": 1, "event": "ring"},
    {"call_id": "c", "seq": 1, "event": "speech", "text": "x", "confidence": 1.5},
    {"call_id": "c", "seq": 1, "event": "speech", "text": "x" * 501},
    {"call_id": "c", "seq": 1, "event": "dtmf", "digits": "1a"},
    {"call_id": "c", "seq": 1, "event": "start", "caller": "138-0013"},
])
def test_malformed_turns_are_refused(fields):
    with pytest.raises(MalformedTurn):
        parse_turn(json.dumps(fields).encode())


@pytest.mark.parametrize("raw", [b"", b"[]", b"{", "\xff".encode("latin-1")])
def test_unreadable_bodies_are_refused(raw):
    with pytest.raises(MalformedTurn):
        parse_turn(raw)


def test_every_answer_ends_with_gather_transfer_or_hangup():
    assert well_ended([say("好"), gather()], "speech")
    assert well_ended([say("好"), transfer("staff", "x", "u")], "dtmf")
    assert not well_ended([say("好")], "speech")
    assert not well_ended([], "start")
    assert well_ended([], "hangup")
    assert gather() == {"type": "gather", "input": ["speech", "dtmf"], "timeout_ms": 5000, "max_digits": 1}
