"""One call as the IVR places it: each turn signed (HMAC-SHA256 over `<timestamp>.<body>`)
and numbered; the answer's actions come back as a list."""
from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import aiohttp


def signed(secret: str, body: bytes, now: Optional[float] = None) -> Dict[str, str]:
    timestamp = str(int(now if now is not None else time.time()))
    signature = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"X-Hotline-Timestamp": timestamp, "X-Hotline-Signature": signature,
            "Content-Type": "application/json; charset=utf-8"}


@dataclass
class Answer:
    status: int
    actions: List[Dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def said(self) -> str:
        return "".join(a["text"] for a in self.actions if a.get("type") == "say")

    @property
    def last(self) -> Dict[str, Any]:
        return self.actions[-1] if self.actions else {}

    def ends_with(self, kind: str) -> bool:
        return self.last.get("type") == kind


class Call:
    def __init__(self, url: str, secret: str, caller: str = "13800138000", callee: str = "12351",
                 http: Optional[aiohttp.ClientSession] = None, call_id: Optional[str] = None):
        self.url = url
        self.secret = secret
        self.caller = caller
        self.callee = callee
        self.call_id = call_id or f"c-{uuid.uuid4().hex[:16]}"
        self.seq = 0
        self._http = http
        self.last_body = b""
        self.last_headers: Dict[str, str] = {}

    def body(self, event: str, **fields: Any) -> bytes:
        self.seq += 1
        data = {"call_id": self.call_id, "seq": self.seq, "event": event, "caller": self.caller,
                "callee": self.callee, **fields}
        return json.dumps(data, ensure_ascii=False).encode("utf-8")

    async def post(self, body: bytes, headers: Optional[Dict[str, str]] = None) -> Answer:
        headers = headers or signed(self.secret, body)
        self.last_body, self.last_headers = body, headers
        began = time.monotonic()
        http = self._http or aiohttp.ClientSession()
        try:
            async with http.post(self.url, data=body, headers=headers,
                                 timeout=aiohttp.ClientTimeout(total=60)) as response:
                data = await response.json(content_type=None)
                return Answer(response.status, (data or {}).get("actions", []), time.monotonic() - began)
        finally:
            if self._http is None:
                await http.close()

    async def start(self) -> Answer:
        return await self.post(self.body("start"))

    async def says(self, text: str, confidence: float = 0.92, nbest: Optional[list] = None) -> Answer:
        return await self.post(self.body("speech", text=text, confidence=confidence, nbest=nbest or []))

    async def presses(self, digits: str) -> Answer:
        return await self.post(self.body("dtmf", digits=digits))

    async def silence(self) -> Answer:
        return await self.post(self.body("no_input"))

    async def hangs_up(self) -> Answer:
        return await self.post(self.body("hangup"))

    async def transfer_failed(self) -> Answer:
        return await self.post(self.body("transfer_failed"))

    async def retry_last(self, resign: bool = True) -> Answer:
        """The IVR sends the same turn again (re-signed with the current time, as it should)."""
        return await self.post(self.last_body, signed(self.secret, self.last_body) if resign else self.last_headers)
