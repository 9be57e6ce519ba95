"""A local stand-in for WeChat, for development mode and the integration tests.

`api_server` fakes the WeChat API the channel calls (access tokens, customer-service messages,
typing, media, menu) plus a `/_sim/` control API; `official_account` plays WeChat's servers
towards our webhook (signed and, with an AES key, encrypted XML); `terminal_chat` is `make chat`.
"""
