"""The WeChat official account channel (credentials.yml: `channels.wechat.WeChatInput`).

The input channel is imported on first use only: the webhook gateway (bot/gateway) uses this
package's security and ledger modules and must start without loading Rasa.
"""


def __getattr__(name):
    if name == "WeChatInput":
        from channels.wechat.input_channel import WeChatInput

        return WeChatInput
    raise AttributeError(name)


__all__ = ["WeChatInput"]
