"""The staff and admin console: escalated conversations, appeals, accounts and the audit log.

`python -m bot.console` serves it on CONSOLE_PORT; `bot.console.app.init_app` builds it.
"""
