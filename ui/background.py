"""The one idiom for background work: run a callable on the thread pool; its result or its
error comes back on the GUI thread through a queued signal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    sig_done = Signal(object)
    """The callable returned (its result)."""
    sig_error = Signal(object)
    """The callable raised (the exception)."""


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn, self.relay = fn, relay

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # delivered to the caller's error handler
            self.relay.sig_error.emit(exc)
        else:
            self.relay.sig_done.emit(result)


_live: set[_Relay] = set()


def run_in_background(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
    owner: QObject,
    pool: QThreadPool | None = None,
    priority: int = 0,
) -> None:
    """Run ``fn`` on the pool; ``on_done(result)`` or ``on_error(exc)`` runs on the GUI thread,
    unless ``owner`` (the widget that asked) has been deleted by then. Tasks of a higher
    ``priority`` start first."""
    relay = _Relay()  # created on the GUI thread: its signals are delivered there
    _live.add(relay)

    def done(result: Any) -> None:
        _live.discard(relay)
        if shiboken6.isValid(owner):
            on_done(result)

    def error(exc: BaseException) -> None:
        _live.discard(relay)
        if shiboken6.isValid(owner):
            on_error(exc)

    relay.sig_done.connect(done)
    relay.sig_error.connect(error)
    (pool or QThreadPool.globalInstance()).start(_Task(fn, relay), priority)


def wait_for_background(timeout_ms: int = 10_000) -> bool:
    """For shutdown and tests: wait until the pool's tasks have finished."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
