"""回访: after an appeal is resolved, the worker rates it 1–5 and may add a comment."""
from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import stores
from actions.answer_parsing import says_any, score_in
from actions.form_answers import tracker_answered_slot
from actions.crisis_guard import reject_form_on_crisis
from bot.appeals import AppealError, Status, queue_label
from bot.nlu.text_normalization import normalize

FORM = "satisfaction_form"
NO_COMMENT = ("没有", "没了", "无", "不用", "没意见", "算了")
# A score this low, or a comment saying the problem is still there, reopens the case (重办).
REOPEN_AT_OR_BELOW = 2
NOT_SOLVED = ("没到手", "没到账", "没拿到", "没收到", "还没给", "还没发", "没给钱", "还欠", "没解决", "没有解决",
              "没处理", "没人管", "没人联系", "没人找", "没用", "白搭", "还是没", "根本没", "一分没", "一分钱没",
              "钱没", "不管用", "没效果", "没动静", "还在拖", "继续拖", "又不给")


def not_solved(score: Optional[int], comment: Optional[Text]) -> bool:
    """The worker says the problem is still there: a low score or words like "钱还没到手"."""
    folded = normalize(comment or "")
    negated_praise = any(word in folded for word in ("解决了", "到手了", "拿到了", "收到了")) and "没" not in folded
    return (score is not None and score <= REOPEN_AT_OR_BELOW) or (not negated_praise and any(w in folded for w in NOT_SOLVED))
QUESTION = ("请为这次办理打个分：回复1到5的数字（5分最满意，1分最不满意）。"
            "您的评价会直接反馈给工会，用于改进工作。")


class ActionAskSatisfaction(Action):
    """Run through the Rasa API when staff resolve an appeal: starts the rating form."""

    def name(self) -> Text:
        return "action_ask_satisfaction"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        resolved = await stores.appeals().list(openid=tracker.sender_id, status=Status.RESOLVED, limit=1)
        if not resolved:
            return []
        dispatcher.utter_message(text=f"关于诉求{resolved[0].ticket_id}：{QUESTION}")
        return [SlotSet("satisfaction_ticket", resolved[0].ticket_id), ActiveLoop(FORM),
                SlotSet("requested_slot", "satisfaction_score")]


class ValidateSatisfactionForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_satisfaction_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        # "没用 我不想活了" is not a rating comment: the emergency rule answers it instead.
        return reject_form_on_crisis(tracker, "satisfaction_form") or await super().run(dispatcher, tracker, domain)

    async def extract_satisfaction_score(self, dispatcher, tracker: Tracker, domain) -> Dict[Text, Any]:
        # "5分" may be classified as an FAQ topic; inside the form it is the rating.
        if tracker_answered_slot(tracker) == "satisfaction_score" and not tracker.get_slot("satisfaction_score"):
            return {"satisfaction_score": tracker.latest_message.get("text")}
        return {}

    def validate_satisfaction_score(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        score = score_in(str(value or ""))
        if score is None:
            dispatcher.utter_message(text="请回复1到5的数字打分，5分最满意。")
            return {"satisfaction_score": None}
        return {"satisfaction_score": str(score)}

    def validate_satisfaction_comment(self, value, dispatcher, tracker, domain) -> Dict[Text, Any]:
        text = str(value or "").strip()
        return {"satisfaction_comment": "" if says_any(text, NO_COMMENT) else text[:500]}


class ActionSubmitSatisfaction(Action):
    def name(self) -> Text:
        return "action_submit_satisfaction"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        ticket = tracker.get_slot("satisfaction_ticket")
        # Parsed again here: the first answer after the API opened the form may skip validation.
        score = score_in(tracker.get_slot("satisfaction_score"))
        if ticket is None or score is None:
            dispatcher.utter_message(text="没能记录评价，请回复1到5的数字打分。")
            return [SlotSet("satisfaction_score", None)]
        comment = tracker.get_slot("satisfaction_comment") or None
        actor = f"worker:{tracker.sender_id}"
        try:
            await stores.appeals().record_satisfaction(ticket, score, comment, actor=actor)
        except AppealError:
            dispatcher.utter_message(text="谢谢！这条诉求的评价已经记录过了。")
            return _cleared()
        said = " ".join(filter(None, (tracker.get_slot("satisfaction_score"), comment)))
        if not_solved(score, said):
            reason = f"回访{score}分" + (f"：{comment}" if comment else "")
            appeal = await stores.appeals().reopen(ticket, actor, reason)
            dispatcher.utter_message(
                text=f"很抱歉问题还没有解决好。诉求{ticket}已为您重办，转回{queue_label(appeal.queue)}重新办理，"
                     "工作人员会尽快联系您。有新情况可以直接在这里告诉我们。")
        else:
            dispatcher.utter_message(text="谢谢您的评价！以后遇到劳动权益问题，随时在这里找我们或拨打12351。")
        return _cleared()


def _cleared() -> list:
    return [SlotSet("satisfaction_ticket", None), SlotSet("satisfaction_score", None),
            SlotSet("satisfaction_comment", None)]
