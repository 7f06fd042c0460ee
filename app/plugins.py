"""Optional parts reached by name, never imported: the simulators (``sim``), present in a
source checkout and left out of the terminal build (a bank terminal carries no voucher, ID or
seal generator). Without them the product runs as it is installed: ``authdesk demo``,
``teller`` and ``colleague`` are not commands, and the workstation's ``--autopilot`` and the
camera's drawn counters say that they need the simulators."""

from __future__ import annotations

import importlib
from types import ModuleType

SIMULATORS = "sim.plugin"

NO_SIMULATORS = (
    "the simulators are not installed here (they come with a source checkout, not with the "
    "terminal build)"
)


def simulators() -> ModuleType | None:
    """The simulators' plugin (``sim/plugin.py``), or None where they are not installed."""
    try:
        return importlib.import_module(SIMULATORS)
    except ModuleNotFoundError as exc:
        if exc.name in ("sim", SIMULATORS):
            return None
        raise  # present, but broken: say so
