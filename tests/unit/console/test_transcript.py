from bot.console import presentation, transcript

TRACKER = {
    "paused": True,
    "slots": {"appeal_phone": "13812345678", "session_started_metadata": {"wechat": {"kind": "text"}}, "requested_slot": "appeal_phone", "appeal_headcount": None,
              "appeal_district": "朝阳区"},
    "events": [
        {"event": "session_started", "timestamp": 1.0},
        {"event": "user", "timestamp": 2.0, "text": "我手机13812345678",
         "parse_data": {"intent": {"name": "inform", "confidence": 0.87654}}},
        {"event": "bot", "timestamp": 3.0, "text": "收到"},
        {"event": "bot", "timestamp": 3.5, "text": None},
        {"event": "pause", "timestamp": 4.0},
        {"event": "pause", "timestamp": 4.5},
        {"event": "user", "timestamp": 4.6, "text": "欠薪怎么办",
         "parse_data": {"intent": {"name": "faq", "confidence": 0.99},
                        "response_selector": {"faq": {"response": {"intent_response_key": "faq/wage_arrears",
                                                                   "confidence": 0.81}}}}},
        {"event": "resume", "timestamp": 6.0},
    ],
}


def test_build_merges_staff_replies_in_time_order_and_masks_phones():
    items = transcript.build(TRACKER, [{"at": 5.0, "staff": "wang", "text": "您好", "delivered": False}])
    assert [(item.kind, item.text) for item in items] == [
        ("user", "我手机138****5678"), ("bot", "收到"), ("system", "机器人已暂停（人工服务）"),
        ("user", "欠薪怎么办"), ("staff", "您好"), ("system", "机器人已恢复")]
    assert (items[3].intent, items[3].confidence) == ("faq/wage_arrears", 0.81), "the retrieval intent in full"
    assert items[0].intent == "inform" and items[0].confidence == 0.877
    assert items[4].staff == "wang" and items[4].delivered is False
    assert transcript.build(TRACKER, [], reveal=True)[0].text == "我手机13812345678"


def test_slots_with_values_only_and_masked():
    assert transcript.slots(TRACKER) == {"appeal_district": "朝阳区", "appeal_phone": "138****5678"}
    assert transcript.slots(TRACKER, reveal=True)["appeal_phone"] == "13812345678"
    assert transcript.is_paused(TRACKER) and not transcript.is_paused({})


def test_waiting_times_and_labels_read_in_chinese():
    assert presentation.waited(1000, now=1030) == "不到 1 分钟"
    assert presentation.waited(1000, now=1000 + 12 * 60) == "12 分钟"
    assert presentation.waited(0, now=5) == ""
    assert presentation.waited(1000, now=1000 + 3 * 3600 + 5 * 60) == "3 小时 5 分"
    assert presentation.waited(1000, now=1000 + 2 * 86400 + 4 * 3600) == "2 天 4 小时"
    assert presentation.queue_label("district:朝阳区") == "朝阳区总工会" and presentation.queue_label("city") == "市总工会"
    assert presentation.status_label("resolved") == "已办结"
    assert presentation.reason_label("sustained anger") == "职工情绪激动"
    assert presentation.bjtime(0) == "" and presentation.bjtime(1764120600) == "2025-11-26 09:30"
