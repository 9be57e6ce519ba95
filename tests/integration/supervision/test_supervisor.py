"""bot/supervisor.py with real processes (a small forking HTTP server standing in for Sanic's
workers): whole groups stopped, crashed services restarted while the rest keep running,
leftovers of an earlier run cleared, strangers on a port refused, health owned by the group."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot import process_groups
from bot.redis_server import free_port
from bot.supervisor import Backoff, PortInUse, ServiceSpec, StartFailed, Supervisor

SERVER = Path(__file__).with_name("forking_server.py")


def health_pid(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
            return int(response.read())
    except OSError:
        return 0


def spec(name: str, port: int, *extra: str, ready=None, timeout: float = 15) -> ServiceSpec:
    return ServiceSpec(name, f"test service {name}", [sys.executable, str(SERVER), str(port), *extra], port,
                       f"http://127.0.0.1:{port}/", ready or (lambda: health_pid(port) > 0), timeout)


class Recorder:
    def __init__(self):
        self.lines = []

    def __call__(self, line: str) -> None:
        self.lines.append(line)


def fast_backoff() -> Backoff:
    return Backoff(first=0.2, cap=1.0, stable_after=60)


@pytest.fixture
def make_supervisor(tmp_path):
    made = []

    def make(*specs: ServiceSpec) -> Supervisor:
        supervisor = Supervisor(list(specs), dict(os.environ), tmp_path, tmp_path / "run", Recorder(), fast_backoff)
        made.append(supervisor)
        return supervisor

    yield make
    for supervisor in made:
        supervisor.stop_all(grace=1)


def poll_until(supervisor: Supervisor, condition, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, supervisor.log.lines
        supervisor.poll()
        time.sleep(0.1)


def test_kill_9_of_a_parent_stops_its_orphaned_worker_and_restarts_only_that_service(make_supervisor):
    crash_port, other_port = free_port(), free_port()
    supervisor = make_supervisor(spec("crashy", crash_port), spec("steady", other_port))
    supervisor.start_all([["crashy", "steady"]])
    crashy, steady = supervisor.services
    old_group, old_worker, steady_worker = crashy.pgid, health_pid(crash_port), health_pid(other_port)
    assert process_groups.process_group(old_worker) == old_group  # the worker really is forked into the group

    os.kill(old_group, signal.SIGKILL)
    time.sleep(0.5)
    assert health_pid(crash_port) == old_worker, "the orphaned worker keeps the port, as Rasa's did"
    poll_until(supervisor, lambda: crashy.state == "running" and crashy.pgid != old_group)

    assert process_groups.group_members(old_group) == [], "the orphaned worker must be gone"
    new_worker = health_pid(crash_port)
    assert new_worker and process_groups.process_group(new_worker) == crashy.pgid
    assert health_pid(other_port) == steady_worker and steady.restarts == 0, "the other service kept running"
    record = json.loads((supervisor.run_dir / f"crashy-{crash_port}.pid").read_text())
    assert record["pgid"] == crashy.pgid
    assert any("restarting it in" in line for line in supervisor.log.lines)


def test_repeated_crashes_back_off_and_a_stable_minute_resets_the_delay():
    backoff = Backoff()
    assert [backoff.next_delay() for _ in range(7)] == [1, 2, 4, 8, 16, 30, 30]
    backoff.failures = 0  # what poll() does after `stable_after` seconds of health
    assert backoff.next_delay() == 1


def test_backoff_is_reset_by_poll_after_the_service_was_stable(make_supervisor):
    port = free_port()
    supervisor = make_supervisor(spec("svc", port))
    supervisor.start_all([["svc"]])
    service = supervisor.services[0]
    service.backoff.failures = 4
    service.backoff.stable_after = 0.5
    time.sleep(0.6)
    supervisor.poll()
    assert service.backoff.failures == 0


def test_leftovers_of_an_earlier_run_are_stopped_before_the_port_is_used(make_supervisor, tmp_path):
    port = free_port()
    service_spec = spec("svc", port, "--ignore-term")
    # An earlier launcher died and left its service (which even ignores SIGTERM) holding the port.
    leftover = subprocess.Popen(service_spec.command, start_new_session=True)
    deadline = time.monotonic() + 15
    while not health_pid(port):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / f"svc-{port}.pid").write_text(
        json.dumps({"pgid": leftover.pid, "port": port, "command": service_spec.command}))

    supervisor = make_supervisor(service_spec)
    supervisor.start_all([["svc"]])
    leftover.wait(5)
    assert process_groups.group_members(leftover.pid) == []
    assert process_groups.process_group(health_pid(port)) == supervisor.services[0].pgid


def test_a_stranger_holding_the_port_is_named_and_never_killed(make_supervisor):
    stranger = socket.socket()
    stranger.bind(("127.0.0.1", 0))
    stranger.listen()
    port = stranger.getsockname()[1]
    try:
        supervisor = make_supervisor(spec("svc", port))
        with pytest.raises(PortInUse, match=f"pid {os.getpid()}"):
            supervisor.start_all([["svc"]])
        stranger.getsockname()  # still ours, still open
    finally:
        stranger.close()


def test_a_health_check_answered_by_another_process_does_not_count(make_supervisor):
    impostor_port, port = free_port(), free_port()
    impostor = make_supervisor(spec("impostor", impostor_port))
    impostor.start_all([["impostor"]])
    # The service's probe reaches the impostor; the service itself never listens on its port.
    silent = ServiceSpec("silent", "silent service", [sys.executable, "-c", "import time; time.sleep(60)"], port,
                         "", lambda: health_pid(impostor_port) > 0, startup_timeout=3)
    with pytest.raises(StartFailed, match="not healthy"):
        make_supervisor(silent).start_all([["silent"]])


def test_stop_all_empties_every_group_even_one_that_ignores_sigterm(make_supervisor):
    ports = free_port(), free_port()
    supervisor = make_supervisor(spec("a", ports[0], "--ignore-term"), spec("b", ports[1]))
    supervisor.start_all([["a"], ["b"]])
    groups = [service.pgid for service in supervisor.services]
    workers = [health_pid(port) for port in ports]
    assert supervisor.stop_all(grace=1)
    for group, worker in zip(groups, workers):
        assert process_groups.group_members(group) == []
        assert not Path(f"/proc/{worker}").exists() or process_groups.process_group(worker) == -1
    assert list((supervisor.run_dir).glob("*.pid")) == []


def test_a_service_too_busy_to_answer_its_probe_is_given_time_not_killed(make_supervisor):
    port = free_port()
    answers = {"probe": None}  # None: the probe timed out
    busy = ServiceSpec("busy", "busy service", [sys.executable, str(SERVER), str(port)], port, "",
                       lambda: answers["probe"] if health_pid(port) else False, startup_timeout=1)
    supervisor = make_supervisor(busy)
    service = supervisor.services[0]
    supervisor._spawn(service)
    first = service.pgid
    poll_until(supervisor, lambda: any("too busy" in line for line in supervisor.log.lines), timeout=15)
    supervisor.poll()
    assert service.state == "starting" and service.pgid == first, "a busy service must not be restarted"
    answers["probe"] = True
    poll_until(supervisor, lambda: service.state == "running")
    assert service.pgid == first and service.restarts == 0


def test_a_service_that_answers_not_ok_past_its_deadline_is_restarted(make_supervisor):
    port = free_port()
    broken = ServiceSpec("broken", "broken service", [sys.executable, str(SERVER), str(port)], port, "",
                         lambda: False, startup_timeout=1)
    supervisor = make_supervisor(broken)
    service = supervisor.services[0]
    supervisor._spawn(service)
    first = service.pgid
    poll_until(supervisor, lambda: service.pgid != first and service.state == "starting", timeout=15)
    assert process_groups.group_members(first) == []
