"""Read a conversation as Rasa's HTTP API returns it (GET /conversations/<id>/tracker), so tests
never depend on how the tracker store lays out its Redis keys."""
from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import List

API_TOKEN = "integration-tests-api-token-12351"  # given to the stacks that read trackers


def events(rasa_port: int, sender: str, token: str = API_TOKEN) -> List[dict]:
    query = urllib.parse.urlencode({"token": token})
    url = f"http://127.0.0.1:{rasa_port}/conversations/{urllib.parse.quote(sender)}/tracker?{query}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())["events"] or []


def user_texts(rasa_port: int, sender: str, token: str = API_TOKEN) -> List[str]:
    return [e.get("text") for e in events(rasa_port, sender, token) if e.get("event") == "user"]
