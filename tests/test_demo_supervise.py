"""The demo's parent restarts a child that dies and says so (issue 14): the real demo, with its
real broker, center, camera, teller simulator and colleague processes; one is killed with
SIGKILL and must come back, and the demo's shutdown restarts nothing. And the demo with no
display (issue 15 §9): it applies the headless defaults whatever else is given, and each run
starts clean."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import ROOT, authdesk


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
    demo = authdesk(
        "demo",
        "--data-dir",
        str(tmp_path / "data"),
        "--rate",
        "1",
        "--screenshot",  # (headless: the demo's defaults would put them in the checkout)
        str(tmp_path / "shots"),
        "--quit-after",
        "0",  # never by itself: this test ends it
    )
    spawned.append(demo)
    out = Lines(demo)
    started = out.wait_for(lambda line: line.startswith("demo: started "))
    pids = dict(re.findall(r"(\w+) \(pid (\d+)\)", started))
    assert set(pids) == {"broker", "camera", "colleague", "center", "teller", "reader"}
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


def test_with_no_display_the_demo_applies_the_headless_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``./run demo --data-dir X`` with no display waited forever behind a sign-in window
    nobody could see: the run script applied the defaults only with no option at all."""
    from app.main import build_parser
    from sim.commands.demo import _apply_headless_defaults, _headless

    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert _headless()
    args = build_parser().parse_args(["demo", "--data-dir", "/tmp/x"])
    applied = _apply_headless_defaults(args)
    assert args.autopilot and args.quit_after == 40 and str(args.screenshot) == "demo-screenshots"
    assert len(applied) == 4 and os.environ["QT_QPA_PLATFORM"].startswith("offscreen:configfile=")
    args = build_parser().parse_args(["demo", "--quit-after", "0", "--screenshot", "/tmp/s"])
    _apply_headless_defaults(args)  # what is given stays; the sign-in is never waited for
    assert args.autopilot and args.quit_after == 0 and str(args.screenshot) == "/tmp/s"
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("QT_QPA_PLATFORM")
    assert not _headless()  # a desktop: the sign-in window, as before
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert _headless()


def test_each_demo_run_has_a_new_directory_and_old_ones_go(tmp_path: Path) -> None:
    from sim.commands.demo import DEMO_RUNS_KEPT, _demo_run_dir

    runs = [_demo_run_dir(tmp_path) for _ in range(DEMO_RUNS_KEPT + 3)]
    assert len(set(runs)) == len(runs)  # each run its own broker journal, center, caches
    kept = sorted(p for p in (tmp_path / "runs").iterdir())
    assert kept == sorted(runs[-DEMO_RUNS_KEPT:])


def test_a_demo_on_a_data_dir_with_no_display_runs_and_leaves_nothing_unsynced(
    tmp_path: Path, spawned: list[subprocess.Popen[str]]
) -> None:
    """No display, no Qt platform named, ``--data-dir`` given: it signs in by itself, decides,
    ends; and the workstation's last events (its sign-out) reach the center before the center
    stops, so that the next run on this data directory does not start with "events not yet at
    the center since" this one."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    data = tmp_path / "data"
    demo = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.main",
            "demo",
            "--data-dir",
            str(data),
            "--rate",
            "2",
            "--screenshot",
            str(tmp_path / "shots"),
            "--quit-after",
            "20",
        ],
        cwd=ROOT,
        env={**env, "PYTHONUNBUFFERED": "1", "AUTHDESK_CONFIG": ""},
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    spawned.append(demo)
    output, _ = demo.communicate(timeout=180)
    assert demo.returncode == 0, output[-3000:]
    assert "demo: no display: offscreen on two simulated monitors, deciding by" in output
    assert any(line.startswith("autopilot: decided ") for line in output.splitlines()), output
    assert "signature verified" in output or "signatures verified" in output, output[-3000:]
    assert "not yet at the center" not in output
    from clientsvc.audit import AuditStore

    store = AuditStore(data / "audit.sqlite3")
    try:
        kinds = [e["kind"] for e in store.events()]
        assert "signed_out" in kinds and store.backlog() == (0, None)
    finally:
        store.close()
