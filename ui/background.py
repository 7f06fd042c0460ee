"""The one idiom for background work: run a callable on the thread pool; its result or its
error comes back on the GUI thread through a queued signal."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    """Carries one task's result to the GUI thread, then lets go of everything it held.

    The callbacks are dropped as soon as the result is delivered: a relay kept alive by Qt
    (its connections, the finished runnable) must not keep the result alive with them. Before
    this, every decoded image stayed in memory for good."""

    sig_done = Signal(object)
    """The callable returned (its result)."""
    sig_error = Signal(object)
    """The callable raised (the exception)."""

    def __init__(
        self,
        on_done: Callable[[Any], object],
        on_error: Callable[[BaseException], None],
        owner: QObject,
    ) -> None:
        super().__init__()  # created on the GUI thread: its signals are delivered there
        self._callbacks: tuple[Callable[[Any], object], Callable[[BaseException], None]] | None = (
            on_done,
            on_error,
        )
        self._owner: QObject | None = owner
        self.sig_done.connect(self._on_sig_done)
        self.sig_error.connect(self._on_sig_error)
        self.destroyed.connect(functools.partial(_live.pop, id(self), None))

    def _take(self) -> tuple[Callable[[Any], object], Callable[[BaseException], None]] | None:
        callbacks, owner = self._callbacks, self._owner
        self._callbacks = self._owner = None
        self.deleteLater()  # here, on the GUI thread; ``_live`` lets go when it is gone
        if callbacks is None or owner is None or not shiboken6.isValid(owner):
            return None  # delivered already, or the widget that asked has gone
        return callbacks

    def _on_sig_done(self, result: Any) -> None:
        callbacks = self._take()
        if callbacks is not None:
            callbacks[0](result)

    def _on_sig_error(self, exc: BaseException) -> None:
        callbacks = self._take()
        if callbacks is not None:
            callbacks[1](exc)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn: Callable[[], Any] | None = fn
        self.relay: _Relay | None = relay

    def run(self) -> None:
        fn, relay = self.fn, self.relay
        self.fn = self.relay = None  # nothing of the task outlives its run
        assert fn is not None and relay is not None
        try:
            result = fn()
        except Exception as exc:  # delivered to the caller's error handler
            relay.sig_error.emit(exc)
        else:
            relay.sig_done.emit(result)


_live: dict[int, _Relay] = {}  # relays whose task has not delivered yet


def run_in_background(
    fn: Callable[[], Any],
    on_done: Callable[[Any], object],
    on_error: Callable[[BaseException], None],
    owner: QObject,
    pool: QThreadPool | None = None,
    priority: int = 0,
) -> None:
    """Run ``fn`` on the pool; ``on_done(result)`` or ``on_error(exc)`` runs on the GUI thread,
    unless ``owner`` (the widget that asked) has been deleted by then. Tasks of a higher
    ``priority`` start first."""
    relay = _Relay(on_done, on_error, owner)
    _live[id(relay)] = relay  # kept until its result is delivered and it is deleted
    (pool or QThreadPool.globalInstance()).start(_Task(fn, relay), priority)


def wait_for_background(timeout_ms: int = 10_000) -> bool:
    """For shutdown and tests: wait until the pool's tasks have finished."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
