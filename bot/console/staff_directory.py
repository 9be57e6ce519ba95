"""Who can be named 承办人 of a case: the active console accounts of the union that owns it
(a district union's district staff, or the city union's staff), and how staff are named on
screen. An appeal stores the username; the page shows the display name."""
from __future__ import annotations

from typing import Dict, List, Optional

from bot.appeals.validation import CITY_QUEUE, DISTRICT_QUEUE
from bot.console.accounts import CITY, DISTRICT, Account, AccountStore


def serves_queue(account: Account, queue: str) -> bool:
    if not account.active:
        return False
    if queue == CITY_QUEUE:
        return account.role == CITY
    return account.role == DISTRICT and queue == f"{DISTRICT_QUEUE}{account.district}"


async def assignable(accounts: AccountStore, queue: str) -> List[Account]:
    """The accounts a case owned by `queue` can be assigned to, by display name."""
    found = [account for account in await accounts.list() if serves_queue(account, queue)]
    return sorted(found, key=lambda account: (account.display_name, account.username))


async def display_names(accounts: AccountStore) -> Dict[str, str]:
    """username → "display name" for every account (disabled ones too: old records name them)."""
    return {account.username: account.display_name for account in await accounts.list()}


def staff_label(names: Dict[str, str], username: Optional[str]) -> str:
    """A 承办人 as staff read it; a name typed before accounts were used shows as it was typed."""
    if not username:
        return ""
    return names.get(username, username)
