"""The call centre's IVR as the bot sees it, for development, tests and benchmarks: signed
turns to the hotline webhook (`ivr.py`) and a terminal phone (`make call`)."""
