import pytest

from channels.wechat.inbound import GREET, VOICE_NOT_RECOGNISED, interpret
from channels.wechat.security import MalformedMessage


def fields(**extra):
    return {"ToUserName": "gh_account", "FromUserName": "o_worker", "CreateTime": "1700000000", **extra}


def test_text_goes_to_the_bot_keyed_by_sender_and_msgid():
    inbound = interpret(fields(MsgType="text", Content="加班费怎么算", MsgId="123"))
    assert inbound.bot_text == "加班费怎么算" and inbound.direct_reply is None
    assert inbound.dedup_key == "msg:o_worker:123"


def test_a_workers_slash_command_cannot_trigger_an_intent():
    assert interpret(fields(MsgType="text", Content="/report_emergency", MsgId="1")).bot_text == "／report_emergency"


def test_voice_uses_recognition_and_explains_when_missing():
    assert interpret(fields(MsgType="voice", Recognition="年假几天", MsgId="2")).bot_text == "年假几天"
    for recognition in (None, "", "  "):
        inbound = interpret(fields(MsgType="voice", Recognition=recognition, MsgId="3"))
        assert inbound.bot_text is None and inbound.direct_reply == VOICE_NOT_RECOGNISED


def test_image_and_file_are_acknowledged_and_recorded_as_media():
    image = interpret(fields(MsgType="image", MediaId="m1", PicUrl="http://x/p.jpg", MsgId="4"))
    assert "图片" in image.direct_reply and image.record["media"]["media_id"] == "m1"
    file = interpret(fields(MsgType="file", MediaId="m2", Title="工资条.pdf", MsgId="5"))
    assert "文件" in file.direct_reply and file.record["media"]["title"] == "工资条.pdf"


def test_location_label_gives_a_district():
    inbound = interpret(fields(MsgType="location", Label="北京市朝阳区建国路88号", Location_X="39.9", Location_Y="116.4", MsgId="6"))
    assert inbound.record["location"]["district"] == "朝阳区" and "朝阳区" in inbound.direct_reply


@pytest.mark.parametrize("msg_type", ["link", "video", "shortvideo"])
def test_link_and_video_get_a_polite_answer(msg_type):
    assert interpret(fields(MsgType=msg_type, MsgId="7")).direct_reply


def test_events():
    subscribe = interpret(fields(MsgType="event", Event="subscribe", EventKey="qrscene_district_chaoyang"))
    assert subscribe.bot_text == GREET and subscribe.record["follow"]["scene"] == "district_chaoyang"
    assert subscribe.dedup_key.startswith("event:o_worker:1700000000:subscribe")
    assert interpret(fields(MsgType="event", Event="unsubscribe")).record == {"unfollow": True}
    assert interpret(fields(MsgType="event", Event="CLICK", EventKey="MENU_FILE_APPEAL")).bot_text == "/file_appeal"
    assert interpret(fields(MsgType="event", Event="CLICK", EventKey="MENU_HUMAN")).bot_text == "/request_human"
    for event in ("VIEW", "kf_create_session", "kf_close_session", "LOCATION", "something_new"):
        inbound = interpret(fields(MsgType="event", Event=event))
        assert inbound.bot_text is None and inbound.direct_reply is None


def test_unknown_type_is_silently_accepted_and_missing_type_is_malformed():
    unknown = interpret(fields(MsgType="hologram", MsgId="8"))
    assert unknown.bot_text is None and unknown.direct_reply is None
    with pytest.raises(MalformedMessage):
        interpret(fields(Content="no type"))
