"""The messages and appeals behind a warning, as far as the caller's remit reaches."""
from __future__ import annotations

from typing import Callable, List

from bot.appeals import Appeal, AppealStore
from bot.insight.ingest import Insight
from bot.insight.warnings import Warning

SHOWN = 50


async def evidence(warning: Warning, insight: Insight, appeals: AppealStore,
                   may_see: Callable[[Appeal], bool], remit) -> dict:
    """{"messages": [...], "appeals": [Appeal, ...]}: what led to the warning."""
    found = warning.evidence or {}
    messages: List[dict] = list(found.get("messages", []))
    tickets: List[str] = list(found.get("tickets", []))
    if found.get("series") and found.get("day"):
        for sample in await insight.samples(found["day"], found["series"]):
            if sample.get("kind") == "appeal":
                tickets.append(sample["ticket"])
            else:
                messages.append(sample)
    if found.get("employer_key"):
        members = await insight.redis.zrangebyscore(insight.keys.insight_employer(found["employer_key"]),
                                                    found.get("since", 0), "+inf")
        tickets += [member.split("|", 1)[0] for member in members]
    loaded = [await appeals.get(ticket) for ticket in dict.fromkeys(tickets)]
    shown = [appeal for appeal in loaded if appeal is not None and may_see(appeal)]
    if remit:
        messages = [message for message in messages if message.get("district") == remit]
    return {"messages": messages[:SHOWN], "appeals": shown[:SHOWN]}
