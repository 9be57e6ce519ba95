"""What is already known about the worker, for routing a case to the right union.

The district comes from, in order: the message itself, the appeal being filed (its slot),
a WeChat location shared in the last minutes, then the worker's newest appeal. So an
emergency or a request for a person mid-form reaches the district union the worker named,
not the city union.
"""
from __future__ import annotations

import time
from typing import Optional, Text

from rasa_sdk import Tracker

from actions import stores
from actions.appeal_reading import UNKNOWN
from bot.appeals.story_facts import district_in

LOCATION_FRESH_S = 15 * 60


async def known_district(tracker: Tracker) -> Optional[Text]:
    said = district_in(tracker.latest_message.get("text") or "")
    if said:
        return said
    slot = tracker.get_slot("appeal_district")
    if slot and slot != UNKNOWN:
        return slot
    location = await stores.worker_channels().location(tracker.sender_id)
    if location and location.get("district") and time.time() - float(location.get("at", 0)) < LOCATION_FRESH_S:
        return location["district"]
    newest = await stores.appeals().list(openid=tracker.sender_id, limit=5)
    return next((appeal.district for appeal in newest if appeal.district), None)
