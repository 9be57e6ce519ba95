"""What the hotline itself says (the bot's answers come through spoken.py). Each is written
for the ear and stays well under 20 seconds when spoken (tests/unit/channels/test_hotline_prompts.py)."""
from __future__ import annotations

GREETING = "您好，这里是北京市总工会幺二三五幺职工服务热线。"
MENU = "请直接说出您的问题。也可以按键：法律咨询按一，反映诉求按二，查询进度按三，转人工按零。"
DIGIT_MENU = "没有听清您说的话，请用按键选择：法律咨询按一，反映诉求按二，查询进度按三，转人工按零。"
ASK_QUESTION = "请说出您想咨询的问题，比如“公司拖欠工资怎么办”。"
CONFIRM = "您是想说“{text}”吗？是请说“是”或按一，不是请按二。"
CONFIRM_AGAIN = "好的，请再说一遍，或者按零转人工。"
STILL_THERE = "您还在吗？请说出您的问题，或者按零转人工。"
HOLD = "请稍等，正在为您查询。"
PHONE_OFFER = "联系电话就是您现在打来的这个号码吗？是请说“是”或按一，不是请按二。"
PHONE_ASK = "请说出您的手机号，或者用按键输入十一位手机号。"
TICKET_ASK = "请用按键输入您的诉求编号中的十二位数字。"
TICKET_PHONE_ASK = "请再输入登记时留的手机号。"
TRANSFER = "正在为您转接工作人员，请稍候。"
TRANSFER_FAILED = "人工坐席暂时都在忙，工作人员会尽快给您回电。您也可以继续说您的问题。"
EMERGENCY = ("请先确保人身安全。有生命危险请立即拨打幺幺零，急救请拨打幺二零。"
             "想轻生请拨打零幺零八二九五幺三三二。正在为您转接工作人员。")
NOTICE_LEAD = "您有一条诉求进展通知。"
BYE = "感谢来电，再见。"
NOTHING_MORE = "详细内容已经说完了。还有其他问题请直接说，转人工请按零。"
STATUS_NONE = "这个号码还没有登记过诉求。需要登记请按二，转人工请按零。"
STATUS_LEAD = "您最近的诉求："
BUSY = "系统有点忙，正在为您转接工作人员。"

YES_WORDS = ("是", "是的", "对", "对的", "嗯", "好", "好的", "没错", "是这个", "对呀", "是啊")
NO_WORDS = ("不是", "不对", "不", "错了", "没有", "否")
MORE_WORDS = ("详细", "详细说说", "详细规定", "继续", "详细点")
# The bot is down and the transfer failed: a person calls back (bot/gateway, channels/hotline/standby.py).
CALL_BACK = "人工坐席暂时都在忙，工作人员会尽快给您回电。感谢来电，再见。"
