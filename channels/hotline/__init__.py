"""The 12351 hotline channel (credentials.yml: `channels.hotline.HotlineInput`): the call
centre's IVR calls the bot once per turn over signed JSON (README.md in this folder)."""
from channels.hotline.input_channel import HotlineInput

__all__ = ["HotlineInput"]
