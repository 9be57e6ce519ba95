"""What Linux says about our processes: who is in a process group, who listens on a port,
and how to stop a whole group.

The launcher starts every service as the leader of its own process group. Rasa's Sanic
workers are forked into that group, so they stay in it even when their parent is killed
with -9 and they are re-parented to init: signalling the group reaches them, signalling the
leader alone does not. Everything here reads /proc directly (no psutil in the lock).
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Iterator, List, Set, Tuple

PROC = Path("/proc")
TCP_LISTEN = "0A"  # st column of /proc/net/tcp for a listening socket


def process_ids() -> Iterator[int]:
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            yield int(entry.name)


def process_group(pid: int) -> int:
    """The pgid of `pid`, or -1 if it is gone or a zombie (a zombie holds no port and no memory)."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return -1
    # The command name (field 2) is in parentheses and may itself contain spaces or ')'.
    fields = stat[stat.rindex(")") + 2:].split()
    state, pgid = fields[0], int(fields[2])
    return -1 if state in ("Z", "X") else pgid


def group_members(pgid: int) -> List[int]:
    """Live processes in group `pgid` (zombies excluded)."""
    return [pid for pid in process_ids() if process_group(pid) == pgid]


def command_line(pid: int) -> List[str]:
    try:
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return []
    return [part.decode("utf-8", "replace") for part in raw.split(b"\0") if part]


def listening_sockets(port: int) -> List[Tuple[str, int]]:
    """(local address in /proc's hex form, socket inode) of every TCP listener on `port`."""
    found = []
    for table in ("tcp", "tcp6"):
        try:
            lines = (PROC / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if fields[3] == TCP_LISTEN and int(port_hex, 16) == port:
                found.append((address, int(fields[9])))
    return found


def socket_owners(inodes: Set[int]) -> Set[int]:
    """Pids holding any of these socket inodes open (only our own user's processes are readable)."""
    wanted = {f"socket:[{inode}]" for inode in inodes}
    owners = set()
    for pid in process_ids():
        try:
            for fd in (PROC / str(pid) / "fd").iterdir():
                if os.readlink(fd) in wanted:
                    owners.add(pid)
                    break
        except OSError:
            continue
    return owners


def port_listeners(port: int) -> Tuple[bool, Set[int]]:
    """(is anything listening on `port`, the pids we can see holding that listening socket)."""
    sockets = listening_sockets(port)
    return bool(sockets), socket_owners({inode for _, inode in sockets}) if sockets else set()


def signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def stop_group(pgid: int, grace: float) -> bool:
    """SIGTERM the whole group, SIGKILL what is left after `grace` seconds; True if it emptied."""
    for signum, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        if not group_members(pgid):
            return True
        signal_group(pgid, signum)
        deadline = time.monotonic() + wait
        while group_members(pgid) and time.monotonic() < deadline:
            time.sleep(0.1)
    return not group_members(pgid)
