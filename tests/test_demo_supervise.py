"""The demo's parent restarts a child that dies and says so (issue 14): the real demo, with its
real broker, center, camera, teller simulator and colleague processes; one is killed with
SIGKILL and must come back, and the demo's shutdown restarts nothing."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tests.helpers import authdesk


class Lines:
    """The demo's output, line by line, read on a thread so the test can wait on a line."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, wanted: Callable[[str], bool], timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            line = self._queue.get(timeout=left)
            if line is None:
                raise AssertionError("the demo ended:\n" + "\n".join(self.seen[-60:]))
            self.seen.append(line)
            if wanted(line):
                return line
        raise AssertionError("not seen in time:\n" + "\n".join(self.seen[-60:]))

    def rest(self) -> list[str]:
        self._thread.join(30)
        rest = []
        while (line := self._queue.get_nowait()) is not None:
            rest.append(line)
        self.seen += rest
        return rest


def test_the_demo_restarts_a_killed_center_and_says_so(
    tmp_path: Path, spawned: list[subprocess.Popen[str]]
) -> None:
    demo = authdesk("demo", "--data-dir", str(tmp_path / "data"), "--rate", "1")
    spawned.append(demo)
    out = Lines(demo)
    started = out.wait_for(lambda line: line.startswith("demo: started "))
    pids = dict(re.findall(r"(\w+) \(pid (\d+)\)", started))
    assert set(pids) == {"broker", "camera", "colleague", "center", "teller"}
    out.wait_for(lambda line: "center listening on" in line)
    os.kill(int(pids["center"]), signal.SIGKILL)

    said = out.wait_for(lambda line: "the center stopped" in line)
    restarted = re.fullmatch(
        r"demo: the center stopped \(exit code -9\); restarted \(pid (\d+)\)", said
    )
    assert restarted, said
    again = int(restarted[1])
    assert again != int(pids["center"])
    out.wait_for(lambda line: "center listening on" in line)  # it is back, serving
    os.kill(again, 0)  # (raises if it is not running)

    demo.send_signal(signal.SIGTERM)  # the demo's own shutdown: nothing is restarted
    assert demo.wait(60) == 0, "\n".join(out.seen[-60:])
    rest = out.rest()
    assert not [line for line in rest if line.startswith("demo: the ")], rest  # no word of a child
