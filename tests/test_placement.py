"""Two monitors and one, with Qt's offscreen platform configured with screens (a process each)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT

TWO = {
    "screens": [
        {"name": "primary", "x": 0, "y": 0, "width": 1920, "height": 1080},
        {"name": "second", "x": 1920, "y": 0, "width": 1920, "height": 1080},
    ]
}
ONE = {"screens": [{"name": "only", "x": 0, "y": 0, "width": 1920, "height": 1080}]}


def probe(tmp_path: Path, screens: dict[str, object], action: str = "report") -> dict[str, dict]:  # type: ignore[type-arg]
    config = tmp_path / f"screens-{len(screens['screens'])}.json"  # type: ignore[arg-type]
    config.write_text(json.dumps(screens))
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),  # where QSettings keeps the layout
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.placement_probe", str(tmp_path / "data"), action],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = next((s for s in done.stdout.splitlines() if s.startswith("PLACEMENT ")), None)
    assert done.returncode == 0 and line, done.stdout + done.stderr
    return json.loads(line.removeprefix("PLACEMENT "))  # type: ignore[no-any-return]


def inside(rect: list[int], screen: dict[str, int]) -> bool:
    x, y, w, h = rect
    return (
        screen["x"] <= x
        and x + w <= screen["x"] + screen["width"]
        and screen["y"] <= y
        and y + h <= screen["y"] + screen["height"] + 40
    )


def test_two_screens_put_the_evidence_on_the_second(tmp_path: Path) -> None:
    first = probe(tmp_path, TWO)["first"]
    assert first["main"]["screen"] == "primary" and not first["embedded"]
    assert first["evidence"]["screen"] == "second"
    assert inside(first["evidence"]["rect"], TWO["screens"][1])  # type: ignore[index]
    assert first["evidence"]["rect"][2] >= 1800  # it fills the screen


def test_one_screen_keeps_everything_in_one_window(tmp_path: Path) -> None:
    first = probe(tmp_path, ONE)["first"]
    assert first["evidence"] is None and first["embedded"]
    assert first["main"]["screen"] == "only" and first["main"]["rect"][2] >= 1800


def test_placement_is_remembered_per_screen_arrangement(tmp_path: Path) -> None:
    report = probe(tmp_path, TWO, "move")
    moved, restored = report["moved"], report["restored"]
    assert moved["evidence"]["rect"] != report["first"]["evidence"]["rect"]
    assert restored["evidence"] == moved["evidence"]
    assert restored["main"] == moved["main"]
    # another arrangement (one monitor) does not inherit the two-monitor layout
    single = probe(tmp_path, ONE)["first"]
    assert single["main"]["rect"][2] >= 1800 and single["embedded"]


def test_closing_the_evidence_window_brings_the_evidence_into_the_main_one(tmp_path: Path) -> None:
    report = probe(tmp_path, TWO, "close-evidence")
    assert report["after_close"]["evidence"] is None and report["after_close"]["embedded"]
    assert report["signed_out"] is True  # and closing the main window signs out
