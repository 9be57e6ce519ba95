import logging

from bot import log_privacy
from bot.log_privacy import REDACTED, RedactingFilter, pseudonym, redact

QUERY = "signature=5f2a&timestamp=1795684982&nonce=417263&openid=oUpF8uMuAJO_M2pxb1Q9zNjWeS6o&encrypt_type=aes"
OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"


def test_webhook_query_strings_are_cut_however_the_url_is_written():
    for line in (f"POST http://h:5005/webhooks/wechat/webhook?{QUERY}  200 12",
                 f"Exception occurred while handling uri: 'http://h/webhooks/wechat/webhook?{QUERY}'",
                 f'uri "/webhooks/hotline/webhook?{QUERY}" failed'):
        cleaned = redact(line)
        assert f"webhook?{REDACTED}" in cleaned
        for secret in ("5f2a", "1795684982", "417263", OPENID):
            assert secret not in cleaned


def test_credentials_in_other_urls_are_cut_too():
    line = ("ClientResponseError 404, url=URL('http://127.0.0.1:5005/conversations/x/tracker?token=s3cr3t&a=1'); "
            "POST https://api.weixin.qq.com/cgi-bin/message/custom/send?access_token=AT_123")
    cleaned = redact(line)
    assert "s3cr3t" not in cleaned and "AT_123" not in cleaned and "a=1" in cleaned


def test_other_urls_and_text_are_left_alone():
    assert redact("GET /webhooks/wechat/ 200") == "GET /webhooks/wechat/ 200"
    assert redact("GET /health?full=1") == "GET /health?full=1"


def test_openids_become_stable_keyed_pseudonyms():
    log_privacy.install("secret-one")
    first = pseudonym(OPENID)
    assert first == pseudonym(OPENID) and first.startswith("w:") and len(first) == 12
    assert redact(f"lock for {OPENID} busy") == f"lock for {first} busy"
    log_privacy.install("secret-two")
    assert pseudonym(OPENID) != first  # without the key a pseudonym cannot be linked back


def test_the_filter_cleans_message_access_field_and_traceback():
    record = logging.LogRecord("sanic.error", logging.ERROR, __file__, 1,
                               "Exception occurred while handling uri: %s", (f"'http://h/webhooks/wechat/webhook?{QUERY}'",),
                               None)
    try:
        raise RuntimeError(f"redis down while serving /webhooks/wechat/webhook?{QUERY}")
    except RuntimeError:
        import sys
        record.exc_info = sys.exc_info()
    record.request = f"POST http://h/webhooks/wechat/webhook?{QUERY}"
    assert RedactingFilter().filter(record)
    printed = logging.Formatter("%(message)s %(request)s").format(record)
    assert "RuntimeError" in printed and REDACTED in printed
    for secret in ("5f2a", "1795684982", "417263", OPENID):
        assert secret not in printed
