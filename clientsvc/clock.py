"""The wall clock in milliseconds since the epoch, as every timestamp of the protocol and the
audit trail is written. One definition; code that must be testable takes a clock parameter
defaulting to it."""

from __future__ import annotations

import time


def now_ms() -> int:
    return time.time_ns() // 1_000_000
