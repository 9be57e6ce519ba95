"""The 12351 hotline channel (credentials.yml: `channels.hotline.HotlineInput`): the call
centre's IVR calls the bot once per turn over signed JSON (README.md in this folder).

The input channel is imported on first use only: the webhook gateway (bot/gateway) uses this
package's security and protocol modules and must start without loading Rasa.
"""


def __getattr__(name):
    if name == "HotlineInput":
        from channels.hotline.input_channel import HotlineInput

        return HotlineInput
    raise AttributeError(name)


__all__ = ["HotlineInput"]
