"""The supervisor that keeps the demo's children running, on real processes: killed ones come
back, ones that die at once are given up after a cap, finished ones are left, and nothing is
restarted once it stops."""

from __future__ import annotations

import itertools
import os
import queue
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from clientsvc.supervise import ChildExit, Supervisor

SERVER = [sys.executable, "-c", "import signal; signal.pause()"]  # runs until signalled


def failing(code: int) -> list[str]:
    return [sys.executable, "-c", f"import sys; sys.exit({code})"]


@pytest.fixture
def events() -> queue.Queue[ChildExit]:
    return queue.Queue()


@contextmanager
def supervising(events: queue.Queue[ChildExit], **kw: object) -> Iterator[Supervisor]:
    sup = Supervisor(events.put, backoff_s=0, **kw)  # type: ignore[arg-type]
    try:
        yield sup
    finally:
        sup.stop(5)
        assert all(p.poll() is not None for p in sup.started), "a child left running"


def test_a_killed_child_is_restarted_and_said_so(events: queue.Queue[ChildExit]) -> None:
    with supervising(events) as sup:
        first = sup.start("center", SERVER)
        os.kill(first.pid, signal.SIGKILL)
        event = events.get(timeout=15)
        assert (event.name, event.returncode, event.outcome) == ("center", -9, "restarted")
        again = sup.process("center")
        assert event.pid == again.pid != first.pid
        assert again.poll() is None  # the new one runs
        os.kill(again.pid, signal.SIGKILL)  # and is watched too
        assert events.get(timeout=15).outcome == "restarted"
        assert sup.process("center").poll() is None


def test_a_child_that_dies_at_once_is_given_up_after_the_cap(
    events: queue.Queue[ChildExit],
) -> None:
    with supervising(events, max_restarts=3, window_s=60.0, clock=lambda: 0.0) as sup:
        sup.start("broker", failing(3))
        outcomes = [events.get(timeout=15) for _ in range(4)]
        assert [e.outcome for e in outcomes] == ["restarted"] * 3 + ["gave_up"]
        assert outcomes[-1].returncode == 3 and outcomes[-1].failures == 4
        assert len(sup.started) == 4  # three restarts, then left stopped


def test_failures_spread_out_in_time_are_each_restarted(events: queue.Queue[ChildExit]) -> None:
    ticks = itertools.count(0, 100)  # every failure 100 s after the one before
    with supervising(events, max_restarts=2, window_s=60.0, clock=lambda: next(ticks)) as sup:
        sup.start("camera", failing(1))
        outcomes = [events.get(timeout=15).outcome for _ in range(5)]
        assert outcomes == ["restarted"] * 5  # more than the cap, but never two in a window


def test_a_child_that_finishes_is_left(events: queue.Queue[ChildExit]) -> None:
    with supervising(events) as sup:
        sup.start("teller", failing(0))
        event = events.get(timeout=15)
        assert (event.outcome, event.returncode, event.pid) == ("finished", 0, None)
        assert len(sup.started) == 1


def test_nothing_is_restarted_during_shutdown(events: queue.Queue[ChildExit]) -> None:
    sup = Supervisor(events.put, backoff_s=0)
    children = [sup.start(name, SERVER) for name in ("broker", "center", "colleague")]
    sup.stop(5)
    assert [p.returncode for p in children] == [-signal.SIGTERM] * 3
    assert sup.started == children  # none started again
    assert events.empty()
    with pytest.raises(RuntimeError):
        sup.start("late", SERVER)
