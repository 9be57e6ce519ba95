"""Keep a set of services running: one process group each, restarted with backoff when one dies.

Why it works the way it does:
- Each service leads its own process group (and session), so stopping it means stopping the
  group: Rasa's forked Sanic workers cannot outlive a killed parent and keep its port.
- A pidfile per service (`var/run/<name>-<port>.pid`, JSON) records the group, so a launcher
  that was itself killed leaves a trace: the next start stops that run's leftovers before
  binding the port, and refuses (naming the pid) when a stranger holds it.
- A service counts as up only when its health check passes AND the socket listening on its
  port belongs to its own group: an orphan answering on the port is never mistaken for it.
  One that holds its port but is too busy to answer the probe in time gets more time: killing
  a Rasa that is working through a backlog would only start the backlog again.
- A crash restarts only that service, after 1 s, doubling to 30 s while it keeps failing; a
  minute of good health resets the delay. The others keep running meanwhile.
- A service with `listen` (the webhook gateway) gets its listening socket from here, bound
  once and handed to each of its processes (fd in LISTEN_FD_ENV): while it restarts,
  connections wait in the socket's queue instead of being refused.
Everything happens on the caller's thread, in `poll()`: children get PR_SET_PDEATHSIG, which
fires when the *thread* that forked them ends, so forking from short-lived threads is not an option.
"""
from __future__ import annotations

import ctypes
import dataclasses
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

from bot import process_groups

PR_SET_PDEATHSIG = 1
STOP_GRACE = 20.0  # seconds a service gets to finish in-flight requests on SIGTERM at shutdown
CRASH_GRACE = 3.0  # the leftovers of a crashed service get less: they are being replaced
BUSY_EXTENSION = 60.0  # more start-up time for a service that listens but is too busy to answer a probe
LISTEN_FD_ENV = "GATEWAY_LISTEN_FD"  # read in bot/settings.py
LISTEN_BACKLOG = 1024


class PortInUse(RuntimeError):
    """A process outside this launcher's services holds a service's port."""


class StartFailed(RuntimeError):
    """A service died or stayed unhealthy while the stack was first starting."""


@dataclasses.dataclass
class ServiceSpec:
    name: str  # short id, used in pidfile names and log lines
    title: str  # what the operator reads
    command: List[str]
    port: int
    url: str  # where it listens, printed at start-up
    # The health check: True healthy, False not (refused, or an answer that is not OK), None when
    # the probe timed out (busy: a Rasa just back works through the backlog of WeChat's retries).
    ready: Callable[[], Optional[bool]]
    startup_timeout: float
    listen: Optional[Tuple[str, int]] = None  # (host, port): the supervisor holds the listening socket


@dataclasses.dataclass
class Backoff:
    first: float = 1.0
    cap: float = 30.0
    stable_after: float = 60.0
    failures: int = 0

    def next_delay(self) -> float:
        delay = min(self.cap, self.first * 2 ** self.failures)
        self.failures += 1
        return delay


@dataclasses.dataclass
class Service:
    spec: ServiceSpec
    backoff: Backoff
    process: Optional[subprocess.Popen] = None
    state: str = "stopped"  # stopped | starting | running | waiting
    deadline: float = 0.0  # starting: give up at; waiting: restart at
    busy: bool = False  # the last probe timed out while the service held its port
    healthy_since: float = 0.0
    restarts: int = 0

    @property
    def pgid(self) -> Optional[int]:
        return self.process.pid if self.process else None


class Supervisor:
    def __init__(self, specs: List[ServiceSpec], env: Dict[str, str], cwd: Path, run_dir: Path,
                 log: Callable[[str], None], backoff: Callable[[], Backoff] = Backoff):
        self.services = [Service(spec, backoff()) for spec in specs]
        self.env, self.cwd, self.run_dir, self.log = env, cwd, run_dir, log
        self._sockets: Dict[str, socket.socket] = {}  # service name -> the listening socket we hold

    # --- the first start: strict, so a misconfiguration stops `make run` with its reason -----
    def start_all(self, stages: List[List[str]]) -> None:
        """Start services stage by stage (names), each stage waiting until all its members are up."""
        try:
            for stage in stages:
                started = [self._service(name) for name in stage]
                for service in started:
                    self._spawn(service)
                self._wait_ready(started)
        except BaseException:
            self.stop_all()
            raise

    def _wait_ready(self, services: List[Service]) -> None:
        while any(s.state == "starting" for s in services):
            for service in services:
                if service.state != "starting":
                    continue
                if service.process.poll() is not None:
                    raise StartFailed(f"{service.spec.title} exited with {service.process.returncode} while starting")
                if self._start_overdue(service):
                    raise StartFailed(f"{service.spec.title} was not healthy within {service.spec.startup_timeout:.0f} s")
                self._check_ready(service)
            time.sleep(0.3)

    # --- supervision: call often (the launcher does every half second) ---------------------------
    def poll(self) -> None:
        now = time.monotonic()
        for service in self.services:
            if service.state in ("starting", "running") and service.process.poll() is not None:
                self._crashed(service, f"exited with {service.process.returncode}")
            elif service.state == "starting" and self._start_overdue(service):
                self._crashed(service, f"not healthy within {service.spec.startup_timeout:.0f} s")
            elif service.state == "starting":
                self._check_ready(service)
            elif service.state == "running" and now - service.healthy_since > service.backoff.stable_after:
                service.backoff.failures = 0
            elif service.state == "waiting" and now >= service.deadline:
                self._restart(service)

    def _crashed(self, service: Service, why: str) -> None:
        # Whatever is left of the group (Rasa's workers after a kill -9 of their parent) goes too.
        process_groups.stop_group(service.pgid, CRASH_GRACE)
        self._reap(service)
        delay = service.backoff.next_delay()
        service.state, service.deadline = "waiting", time.monotonic() + delay
        self.log(f"{service.spec.title} {why}; restarting it in {delay:.0f} s (the other services keep running)")

    def _restart(self, service: Service) -> None:
        try:
            self._spawn(service)
        except PortInUse as error:
            delay = service.backoff.next_delay()
            service.state, service.deadline = "waiting", time.monotonic() + delay
            self.log(f"{error}; trying again in {delay:.0f} s")
            return
        service.restarts += 1
        self.log(f"{service.spec.title} restarting (pid {service.pgid})")

    def _start_overdue(self, service: Service) -> bool:
        """Past the start-up deadline; but a service that holds its port and is merely too busy
        to answer the probe in time is given more time rather than killed in the middle of work."""
        if time.monotonic() <= service.deadline:
            return False
        if service.busy and self._owns_port(service):
            service.deadline = time.monotonic() + BUSY_EXTENSION
            self.log(f"{service.spec.title} holds its port but is too busy to answer its health check; "
                     f"waiting {BUSY_EXTENSION:.0f} s more")
            return False
        return True

    def _check_ready(self, service: Service) -> None:
        healthy = service.spec.ready()
        service.busy = healthy is None
        if not healthy or not self._owns_port(service):
            return
        service.state, service.healthy_since = "running", time.monotonic()
        if service.restarts:
            self.log(f"{service.spec.title} is back (pid {service.pgid}) at {service.spec.url}")

    def _owns_port(self, service: Service) -> bool:
        """The listening socket on the port belongs to this service's group, not an orphan or stranger."""
        listening, owners = process_groups.port_listeners(service.spec.port)
        if service.spec.name in self._sockets:
            owners = owners - {os.getpid()}  # our own copy of the socket is not the service
        return listening and bool(owners) and all(
            process_groups.process_group(pid) == service.pgid for pid in owners)

    # --- starting one service -------------------------------------------------------------------
    def _spawn(self, service: Service) -> None:
        env, inherited = self.env, ()
        if service.spec.name not in self._sockets:
            self._clear_port(service.spec)
        if service.spec.listen is not None:
            listener = self._listening_socket(service.spec)
            env, inherited = {**self.env, LISTEN_FD_ENV: str(listener.fileno())}, (listener.fileno(),)
        service.process = subprocess.Popen(
            service.spec.command, env=env, cwd=self.cwd, pass_fds=inherited,
            # Its own session and group: Ctrl-C reaches only the launcher, which stops groups in order.
            start_new_session=True, preexec_fn=die_with_parent)
        self._pidfile(service.spec).write_text(json.dumps(
            {"pgid": service.pgid, "port": service.spec.port, "command": service.spec.command}))
        service.state, service.deadline = "starting", time.monotonic() + service.spec.startup_timeout

    def _clear_port(self, spec: ServiceSpec) -> None:
        """Stop what an earlier run of this service left behind; refuse if a stranger has the port."""
        record = self._read_pidfile(spec)
        if record and self._is_leftover(record):
            self.log(f"stopping process group {record['pgid']} left by an earlier run of {spec.title}")
            process_groups.stop_group(record["pgid"], CRASH_GRACE)
        self._pidfile(spec).unlink(missing_ok=True)
        deadline = time.monotonic() + 5  # a dying listener may take a moment to close its socket
        while True:
            listening, owners = process_groups.port_listeners(spec.port)
            if not listening:
                return
            if time.monotonic() > deadline:
                holders = ", ".join(f"pid {pid} ({' '.join(process_groups.command_line(pid))[:80]})"
                                    for pid in sorted(owners)) or "a process of another user"
                raise PortInUse(f"port {spec.port} of {spec.title} is held by {holders}, not by this launcher")
            time.sleep(0.2)

    def _listening_socket(self, spec: ServiceSpec) -> socket.socket:
        """Bound once, after the port was cleared; kept (and listening) across the service's restarts."""
        if spec.name not in self._sockets:
            host, port = spec.listen
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            self._sockets[spec.name] = socket.create_server((host, port), family=family, backlog=LISTEN_BACKLOG)
        return self._sockets[spec.name]

    @staticmethod
    def _is_leftover(record: dict) -> bool:
        """A recorded group is ours if a member still runs the recorded command or holds the port
        (a reused pgid belongs to someone else and fails both)."""
        members = process_groups.group_members(record["pgid"])
        if not members:
            return False
        _, owners = process_groups.port_listeners(record["port"])
        return any(process_groups.command_line(pid) == record["command"] or pid in owners for pid in members)

    def _pidfile(self, spec: ServiceSpec) -> Path:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        return self.run_dir / f"{spec.name}-{spec.port}.pid"

    def _read_pidfile(self, spec: ServiceSpec) -> Optional[dict]:
        try:
            record = json.loads(self._pidfile(spec).read_text())
            return record if isinstance(record.get("pgid"), int) and record["pgid"] > 1 else None
        except (OSError, ValueError, AttributeError):
            return None

    # --- stopping -------------------------------------------------------------------------------
    def stop_all(self, grace: float = STOP_GRACE) -> bool:
        """Stop every group, last started first; True if no process of any group is left."""
        clean = True
        for service in reversed(self.services):
            if service.process is None:
                continue
            clean = process_groups.stop_group(service.pgid, grace) and clean
            self._reap(service)
            self._pidfile(service.spec).unlink(missing_ok=True)
            service.state = "stopped"
        for listener in self._sockets.values():
            listener.close()
        self._sockets.clear()
        return clean

    @staticmethod
    def _reap(service: Service) -> None:
        try:
            service.process.wait(5)
        except subprocess.TimeoutExpired:
            service.process.kill()
            service.process.wait()

    def _service(self, name: str) -> Service:
        return next(s for s in self.services if s.spec.name == name)


def die_with_parent() -> None:
    """Linux: a child gets SIGTERM if the launcher itself dies, so a kill -9 of it orphans nothing
    for long (the pidfiles catch the rest at the next start)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass
