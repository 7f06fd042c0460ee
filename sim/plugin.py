"""What the product reaches here by name (``app.plugins``): the simulators' commands, the
drawn counters for ``authdesk camera --source simulate`` and the autopilot for
``authdesk workstation --autopilot``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from clientsvc.video.camera import FrameSource
from sim.commands import colleague, demo, teller

# added after the product's own in ``authdesk --help``
COMMANDS: dict[str, ModuleType] = {"teller": teller, "colleague": colleague, "demo": demo}


def drawn_counters(data_dir: Path) -> Callable[[str], FrameSource | None]:
    """A drawn counter for any camera id asked for, showing whoever the teller simulator put
    there (``sim.counter``)."""
    from sim.counter import SimulatedCounter, counter_scenes

    scenes = counter_scenes(data_dir)

    def open_source(camera_id: str) -> FrameSource | None:
        return SimulatedCounter(camera_id, scenes=scenes)

    return open_source


def autopilot(session: Any, pin: str | None, data_dir: Path) -> Any:
    """Decides the workstation's items by simulated key presses (``sim.autopilot``), looking
    at the demo's counters as the video shows them."""
    from sim.autopilot import Autopilot
    from sim.counter import counter_scenes

    return Autopilot(session, pin=pin, scenes=counter_scenes(data_dir))
