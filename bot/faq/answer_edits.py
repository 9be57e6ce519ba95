"""Admins' edits of FAQ answers: checked, written to the answers file, versioned in Redis.

Every save keeps a version (who, when, why, the texts before and after) so any earlier text
can be restored — restoring is itself a new version, so history only grows (up to KEPT
versions per topic). One write at a time across console processes (a Redis lock); each edit
names the revision it started from, so an admin never overwrites a colleague's newer text
unseen. Rasa's answer generator re-reads the file when it changes: workers get the new text on
their next question, without training or a restart.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

from redis.asyncio import Redis

from bot.faq import answer_file
from bot.faq.answer_file import TopicEntry, TopicTexts
from bot.faq.answers import Answers
from bot.faq.new_topic import NewTopic, add_topic
from bot.redis_keys import RedisKeys

KEPT = 50
LOCK_SECONDS = 15
REASON_MAX = 200


class EditBusy(RuntimeError):
    """Another answer edit is being written right now."""


@dataclass(frozen=True)
class Version:
    number: int
    topic: str
    by: str
    at: float
    reason: str
    before: TopicTexts
    after: TopicTexts

    def as_json(self) -> dict:
        return {"number": self.number, "topic": self.topic, "by": self.by, "at": self.at, "reason": self.reason,
                "before": self.before.as_json(), "after": self.after.as_json()}

    @classmethod
    def from_json(cls, data: dict) -> "Version":
        return cls(data["number"], data["topic"], data["by"], data["at"], data["reason"],
                   TopicTexts.from_json(data["before"]), TopicTexts.from_json(data["after"]))


class AnswerEditor:
    def __init__(self, answers_file: Path, training_root: Path, redis: Redis, keys: RedisKeys):
        self.answers_file = answers_file
        self.training_root = training_root  # where nlu_data/ and bot/domain/ of a new topic go
        self._redis = redis
        self._keys = keys

    async def topics(self) -> Dict[str, TopicEntry]:
        """Every topic's label and texts, in the file's order."""
        return await asyncio.to_thread(answer_file.read_all, self.answers_file)

    async def texts(self, topic: str) -> TopicTexts:
        return await asyncio.to_thread(answer_file.read_texts, self.answers_file, topic)

    async def preview(self, topic: str, texts: TopicTexts) -> Answers:
        """The answers as workers would get them after this edit (raises AnswerProblems)."""
        answers, _, _ = await asyncio.to_thread(answer_file.edited, self.answers_file, topic, texts)
        return answers

    async def save(self, topic: str, texts: TopicTexts, revision: str, by: str, reason: str) -> Version:
        async with self._writing(topic):
            before = await asyncio.to_thread(answer_file.save, self.answers_file, topic, texts, revision)
            return await self._record(topic, before, texts, by, reason)

    async def add_topic(self, topic: NewTopic) -> None:
        """Write a new topic's answer, facts, examples and safety net (raises AnswerProblems)."""
        async with self._writing(topic.name):
            await asyncio.to_thread(add_topic, self.answers_file, self.training_root, topic)

    @contextlib.asynccontextmanager
    async def _writing(self, topic: str):
        token = secrets.token_hex(8)
        lock = self._keys.faq_answer_edit_lock()
        if not await self._redis.set(lock, token, nx=True, ex=LOCK_SECONDS):
            raise EditBusy(topic)
        try:
            yield
        finally:
            if await self._redis.get(lock) == token:
                await self._redis.delete(lock)

    async def history(self, topic: str) -> List[Version]:
        raw = await self._redis.lrange(self._keys.faq_answer_history(topic), 0, KEPT - 1)
        return [Version.from_json(json.loads(item)) for item in raw]

    async def latest(self, topics: List[str]) -> Dict[str, Optional[Version]]:
        """Each topic's newest version (None: never edited in the console), in one round trip."""
        async with self._redis.pipeline(transaction=False) as pipe:
            for topic in topics:
                pipe.lindex(self._keys.faq_answer_history(topic), 0)
            newest = await pipe.execute()
        return {topic: Version.from_json(json.loads(raw)) if raw else None for topic, raw in zip(topics, newest)}

    async def version(self, topic: str, number: int) -> Optional[Version]:
        return next((v for v in await self.history(topic) if v.number == number), None)

    async def _record(self, topic: str, before: TopicTexts, after: TopicTexts, by: str, reason: str) -> Version:
        key = self._keys.faq_answer_history(topic)
        newest = await self._redis.lindex(key, 0)
        number = (json.loads(newest)["number"] + 1) if newest else 1
        version = Version(number, topic, by, time.time(), reason[:REASON_MAX], before, after)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.lpush(key, json.dumps(version.as_json(), ensure_ascii=False))
            pipe.ltrim(key, 0, KEPT - 1)
            await pipe.execute()
        return version
