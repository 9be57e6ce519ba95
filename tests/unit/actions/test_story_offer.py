from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.faq_answer import ActionAnswerFaq
from actions.story_offer import OFFER, appeal_offer

STORY = "我在通州一个工地干木工从三月干到十月 说好一天三百五 到现在就给了生活费 包工头说上面没拨款 我们十几个人都在这耗着 怎么办"


def test_a_long_story_with_a_grievance_gets_the_offer():
    assert appeal_offer(STORY) == OFFER


def test_short_questions_and_stories_without_a_grievance_do_not():
    assert appeal_offer("老板欠工资怎么办") is None
    assert appeal_offer("我在工会会员服务站看到一个书法比赛的海报 想问问职工书画展一般在哪里办 怎么报名参加 要交钱吗") is None


async def test_the_faq_answer_is_followed_by_the_offer():
    parse = {"text": STORY, "intent": {"name": "faq", "confidence": 0.9},
             "response_selector": {"faq": {"response": {"intent_response_key": "faq/wage_arrears", "confidence": 0.9}}}}
    tracker = Tracker("worker-1", {}, parse, [{"event": "user", "text": STORY, "parse_data": parse}],
                      False, None, None, "action_listen")
    dispatcher = CollectingDispatcher()
    await ActionAnswerFaq().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["response"] == "utter_faq/wage_arrears"
    assert dispatcher.messages[1]["text"] == OFFER
