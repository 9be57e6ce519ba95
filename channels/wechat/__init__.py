"""The WeChat official account channel (credentials.yml: `channels.wechat.WeChatInput`)."""
from channels.wechat.input_channel import WeChatInput

__all__ = ["WeChatInput"]
