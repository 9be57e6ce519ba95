"""A turn's Rasa events become one record with the fields of the stream contract."""
import json

from bot.capture.record import FIELDS, TurnAssembler, decode, pseudonym, pseudonym_key

KEY = pseudonym_key("unit-test-secret")
PARSE = {
    "intent": {"name": "faq", "confidence": 0.93},
    "intent_ranking": [{"name": "faq", "confidence": 0.93}, {"name": "file_appeal", "confidence": 0.05},
                       {"name": "greet", "confidence": 0.01}, {"name": "thank", "confidence": 0.01}],
    "response_selector": {"faq": {"response": {"intent_response_key": "faq/wage_arrears", "confidence": 0.9}}},
    "label_ranking": [{"name": "faq/wage_arrears", "confidence": 0.84}, {"name": "faq/resignation", "confidence": 0.08},
                      {"name": "file_appeal", "confidence": 0.05}, {"name": "greet", "confidence": 0.01}],
    "entities": [{"entity": "phone", "value": "13900001111", "start": 9, "end": 20, "extractor": "RegexEntityExtractor"},
                 {"entity": "phone", "value": "13900001111", "start": 9, "end": 20, "extractor": "DIET"}],
}


def user(sender, text, parse=PARSE, mid="m1", channel="wechat"):
    return {"event": "user", "sender_id": sender, "text": text, "parse_data": parse, "input_channel": channel,
            "message_id": mid, "timestamp": 1764100000.5}


def test_a_turn_becomes_one_record_at_action_listen():
    turns = TurnAssembler(KEY)
    assert turns.feed(user("oOPENID", "老板欠工资三个月了 电话13900001111")) == []
    assert turns.feed({"event": "action", "sender_id": "oOPENID", "name": "utter_faq"}) == []
    assert turns.feed({"event": "bot", "sender_id": "oOPENID", "text": "先保留证据，打13900001111"}) == []
    assert turns.feed({"event": "action", "sender_id": "oOPENID", "name": "action_faq_followup"}) == []
    [fields] = turns.feed({"event": "action", "sender_id": "oOPENID", "name": "action_listen"})
    assert set(fields) == set(FIELDS) and all(isinstance(v, str) for v in fields.values())
    record = decode(fields)
    assert record["text"] == "老板欠工资三个月了 电话139****1111"
    assert record["sender"] == pseudonym(KEY, "oOPENID") and "OPENID" not in json.dumps(fields)
    assert record["intent"] == "faq/wage_arrears" and record["response_key"] == "faq/wage_arrears"
    assert record["confidence"] == 0.84
    assert [r["name"] for r in record["ranking"]] == ["faq/wage_arrears", "faq/resignation", "file_appeal"]
    assert record["entities"] == [{"entity": "phone", "value": "139****1111", "start": 9, "end": 20}]
    assert record["reply"] == "先保留证据，打139****1111"
    assert record["actions"] == ["utter_faq", "action_faq_followup"]
    assert record["fallback"] is False and record["complete"] is True
    assert record["channel"] == "wechat" and record["mid"] == "m1" and record["ts"] == 1764100000.5
    assert turns.pending == 0


def test_fallback_is_recorded_from_the_parse_or_the_action():
    turns = TurnAssembler(KEY)
    parse = {**PARSE, "intent": {"name": "nlu_fallback", "confidence": 0.6}}
    turns.feed(user("a", "嗯嗯那个啥", parse))
    [record] = turns.feed({"event": "action", "sender_id": "a", "name": "action_listen"})
    assert record["fallback"] == "1" and record["intent"] == "faq/wage_arrears"
    turns.feed(user("b", "那个啥", mid="m2"))
    turns.feed({"event": "action", "sender_id": "b", "name": "action_fallback"})
    [record] = turns.feed({"event": "action", "sender_id": "b", "name": "action_listen"})
    assert record["fallback"] == "1"


def test_a_turn_without_action_listen_is_finished_by_flush_or_the_next_message():
    turns = TurnAssembler(KEY)
    turns.feed(user("p", "在吗"))  # paused for staff: no bot events at all
    [record] = turns.flush()
    assert record["complete"] == "0" and record["reply"] == ""
    turns.feed(user("p", "在吗", mid="m2"))
    [record] = turns.feed(user("p", "人呢", mid="m3"))
    assert record["mid"] == "m2"
    assert turns.pending == 1


def test_commands_and_replayed_messages_are_not_worker_messages():
    turns = TurnAssembler(KEY)
    assert turns.feed(user("c", "/greet")) == []
    assert turns.pending == 0
    turns.feed(user("r", "2"))
    # The clarifying question replays the earlier message as a user event without an id.
    turns.feed({"event": "user", "sender_id": "r", "text": "那个钱的事", "parse_data": PARSE, "message_id": None})
    turns.feed({"event": "bot", "sender_id": "r", "text": "答案"})
    [record] = turns.feed({"event": "action", "sender_id": "r", "name": "action_listen"})
    assert record["text"] == "2" and record["reply"] == "答案"
    assert turns.feed({"event": "action", "sender_id": "r", "name": "action_listen"}) == []


def test_without_label_ranking_the_faq_intent_is_expanded():
    parse = {k: v for k, v in PARSE.items() if k != "label_ranking"}
    turns = TurnAssembler(KEY)
    turns.feed(user("x", "欠薪", parse))
    [record] = turns.feed({"event": "action", "sender_id": "x", "name": "action_listen"})
    assert json.loads(record["ranking"])[0] == {"name": "faq/wage_arrears", "confidence": 0.93}


def test_a_crisis_override_leads_the_record_whatever_the_calibrated_ranking_said():
    # CrisisOverride runs after the calibrator: it sets the intent and intent ranking only.
    parse = {**PARSE, "intent": {"name": "report_emergency", "confidence": 1.0},
             "crisis": {"family": "self_harm"}}
    turns = TurnAssembler(KEY)
    turns.feed(user("e", "老板欠薪 工友说要跳楼", parse))
    [fields] = turns.feed({"event": "action", "sender_id": "e", "name": "action_listen"})
    record = decode(fields)
    assert record["intent"] == "report_emergency" and record["confidence"] == 1.0 and record["crisis"] is True
    assert [r["name"] for r in record["ranking"]] == ["report_emergency", "faq/wage_arrears", "faq/resignation"]
    turns.feed(user("f", "加班费"))
    [fields] = turns.feed({"event": "action", "sender_id": "f", "name": "action_listen"})
    assert fields["crisis"] == "0"


def test_the_insight_consumer_reads_what_the_capture_writes():
    from bot.insight.stream import message_from_record

    parse = {**PARSE, "entities": [{"entity": "district", "value": "朝阳区", "start": 0, "end": 2}]}
    turns = TurnAssembler(KEY)
    turns.feed(user("i", "朝阳老板欠我工资", parse))
    [fields] = turns.feed({"event": "action", "sender_id": "i", "name": "action_listen"})
    message = message_from_record(fields)
    assert message["topic"] == "wage_arrears" and message["district"] == "朝阳区" and message["channel"] == "wechat"
    assert message["sender"] == fields["sender"] and not message["is_crisis"] and message["when"] == 1764100000.5
    turns.feed(user("j", "工友说要跳楼", {**PARSE, "intent": {"name": "report_emergency", "confidence": 1.0},
                                           "crisis": {"family": "self_harm"}}))
    [fields] = turns.feed({"event": "action", "sender_id": "j", "name": "action_listen"})
    assert message_from_record(fields)["is_crisis"]
