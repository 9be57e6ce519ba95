"""Appeal notices through WeChat alone: the core's notifier (bot/appeal_notices.py) over
this channel's runtime, for callers that hold a WeChat runtime already."""
from __future__ import annotations

from bot.appeal_notices import ASK_SATISFACTION, NOTICES, notice_text  # noqa: F401  (re-exported)
from bot.appeal_notices import AppealNotifier as CoreNotifier
from bot.worker_channels import WorkerChannels
from channels.wechat.runtime import ChannelRuntime
from channels.wechat.worker_channel import WeChatWorkers


class AppealNotifier(CoreNotifier):
    def __init__(self, runtime: ChannelRuntime, rasa_url: str, api_token: str):
        super().__init__(WorkerChannels(None, [WeChatWorkers(runtime=runtime)]), rasa_url, api_token)
