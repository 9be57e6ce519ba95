"""Files a new appeal under the day's next ticket number, in one Lua script.

Taking the number, writing the record and joining every index happen in one script, which
Redis runs atomically and logs to the AOF as one MULTI/EXEC: a crash leaves either the whole
appeal or nothing, and concurrent filings get distinct, gap-free numbers. The record's JSON
is built in Python; the script only puts the ticket number in front of its first field.
"""
from __future__ import annotations

import json

from redis.exceptions import ResponseError

from bot.appeals import tickets
from bot.appeals.errors import AppealError
from bot.appeals.indexes import memberships
from bot.appeals.model import JSON_STYLE, Appeal
from bot.redis_keys import RedisKeys

EXHAUSTED = "GH_SEQUENCE_EXHAUSTED"

# KEYS[1] the day's counter, KEYS[2..] index sorted sets
# ARGV[1] appeal key prefix, ARGV[2] "GH"+YYYYMMDD, ARGV[3] sequence format, ARGV[4] highest
#   sequence, ARGV[5] the record's JSON object without ticket_id, ARGV[6..] index scores
CREATE_LUA = """
local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
local ticket, key
-- Skip numbers already taken, should the counter ever be lost: never overwrite a record.
repeat
  seq = seq + 1
  if seq > tonumber(ARGV[4]) then
    return redis.error_reply('""" + EXHAUSTED + """')
  end
  ticket = ARGV[2] .. string.format(ARGV[3], seq)
  key = ARGV[1] .. ticket
until redis.call('EXISTS', key) == 0
redis.call('SET', KEYS[1], seq)
redis.call('SET', key, '{"ticket_id":"' .. ticket .. '",' .. string.sub(ARGV[5], 2))
for i = 2, #KEYS do
  redis.call('ZADD', KEYS[i], ARGV[i + 4], ticket)
end
return ticket
"""


async def file_appeal(script, keys: RedisKeys, draft: Appeal, day: str) -> str:
    """Store `draft` (its ticket_id still empty) under day `day`'s next number; returns it."""
    body = draft.to_dict()
    del body["ticket_id"]  # the script writes it first
    indexes = memberships(keys, draft)
    try:
        return await script(
            keys=[keys.appeal_day_sequence(day), *indexes],
            args=[
                keys.appeal_key_prefix(),
                tickets.day_prefix(day),
                f"%0{tickets.SEQUENCE_DIGITS}d",
                tickets.SEQUENCE_MAX,
                json.dumps(body, **JSON_STYLE),
                *(repr(float(score)) for score in indexes.values()),
            ],
        )
    except ResponseError as error:
        if EXHAUSTED in str(error):
            raise AppealError(
                f"all {tickets.SEQUENCE_MAX} ticket numbers of {day} are taken", code="sequence_exhausted"
            ) from None
        raise
