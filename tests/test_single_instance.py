"""One workstation per user: a second start brings the first to the front and exits."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.helpers import authdesk


def _until(proc: subprocess.Popen[str], words: str) -> list[str]:
    """Read the process's output until a line has ``words`` (or it ends)."""
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if words in line:
            return seen
    raise AssertionError(f"{words!r} never said; output:\n{''.join(seen)[-3000:]}")


def test_a_second_start_brings_the_first_to_the_front_and_exits(
    tmp_path: Path, spawned: list[subprocess.Popen[str]]
) -> None:
    env = {"AUTHDESK_KEYRING": "memory", "AUTHDESK_VIDEO_ENDPOINT": ""}
    data = ["--data-dir", str(tmp_path / "data")]
    first = authdesk("workstation", *data, "--quit-after", "60", env=env)
    spawned.append(first)
    _until(first, "single instance: listening")
    second = authdesk("workstation", *data, "--quit-after", "60", env=env)
    spawned.append(second)
    out, _ = second.communicate(timeout=60)
    assert second.returncode == 0 and "already running; brought it to the front" in out, out
    _until(first, "a second start; this one comes to the front")
    elsewhere = authdesk(  # another installation (its own data directory) starts on its own
        "workstation", "--data-dir", str(tmp_path / "other"), "--quit-after", "60", env=env
    )
    spawned.append(elsewhere)
    _until(elsewhere, "single instance: listening")
    for proc in (first, elsewhere):
        proc.terminate()
        proc.communicate(timeout=30)
        assert proc.returncode == 0
