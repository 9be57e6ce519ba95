"""A durable local list of follow-ups that could not reach Redis.

When Redis is down the human queue cannot take a worker whose message went unanswered, and
losing that worker is not acceptable: the follow-up is appended to a JSON-lines file on local
disk (fsync'd) and replayed into the queue once Redis is back.

Several server processes on one host share the file. Appends, look-ups and the hand-over of
the file to a replay hold an exclusive `flock` on `<spool>.lock`; a replay also holds
`<spool>.replay-lock` (non-blocking), so only one process replays at a time while the others
keep appending to a fresh spool. A replay that stops half way (Redis gone again, a crash)
leaves what it has not delivered in `<spool>.replaying`, which the next replay takes first.

Every function here does blocking file I/O: call them from a thread (`asyncio.to_thread`).
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional

logger = logging.getLogger(__name__)


@dataclass
class Batch:
    """Entries handed to one replay; `close` puts back what was not delivered."""
    spool: "FollowUpSpool"
    entries: List[Dict]
    _lock_fd: int = field(repr=False, default=-1)

    def close(self, undelivered: List[Dict]) -> None:
        try:
            self.spool._settle(undelivered)
        finally:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)


class FollowUpSpool:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._replaying = self.path.with_name(self.path.name + ".replaying")
        self._lock_path = self.path.with_name(self.path.name + ".lock")
        self._replay_lock_path = self.path.with_name(self.path.name + ".replay-lock")

    def append(self, entry: Dict) -> bool:
        """Write `entry` durably; False when its `message_key` is already spooled (a retry)."""
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._locked():
            key = entry.get("message_key")
            if key and self._holds(key):
                return False
            with open(self.path, "a", encoding="utf-8") as spool:
                if not _ends_a_line(self.path):
                    spool.write("\n")  # a line torn by a crash must not swallow this entry
                spool.write(line)
                spool.flush()
                os.fsync(spool.fileno())
        return True

    def contains(self, message_key: str) -> bool:
        """Whether a message was already answered and spooled during an outage."""
        if not self.pending():
            return False
        with self._locked():
            return self._holds(message_key)

    def pending(self) -> bool:
        """Anything waiting for a replay (cheap: two stat calls)."""
        return any(p.exists() and p.stat().st_size > 0 for p in (self.path, self._replaying))

    def open_batch(self) -> Optional[Batch]:
        """The entries to replay now, or None when there are none or another process replays."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._replay_lock_path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        with self._locked():
            # A replay left unfinished goes first; new entries wait for the next round.
            if not self._replaying.exists() and self.path.exists():
                os.replace(self.path, self._replaying)
            entries = _read(self._replaying)
        if not entries:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
            return None
        return Batch(self, entries, fd)

    def _settle(self, undelivered: List[Dict]) -> None:
        with self._locked():
            if not undelivered:
                self._replaying.unlink(missing_ok=True)
                return
            partial = self._replaying.with_name(self._replaying.name + ".tmp")
            with open(partial, "w", encoding="utf-8") as out:
                out.writelines(json.dumps(e, ensure_ascii=False) + "\n" for e in undelivered)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, self._replaying)

    def _holds(self, message_key: str) -> bool:
        return any(e.get("message_key") == message_key for p in (self.path, self._replaying) for e in _read(p))

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._lock_path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def _ends_a_line(path: Path) -> bool:
    with open(path, "rb") as raw:
        if raw.seek(0, 2) == 0:
            return True
        raw.seek(-1, 2)
        return raw.read(1) == b"\n"


def _read(path: Path) -> List[Dict]:
    if not path.exists():
        return []
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entries.append(json.loads(line))
        except ValueError:
            # A line torn by a crash mid-write: skip it rather than block every later entry.
            logger.error("follow-up spool %s line %d unreadable, skipped", path, number)
    return entries
