"""The ``authdesk`` commands, one module each: ``register(sub)`` adds its parser, ``run(args)``
runs it and returns the exit code. ``app/main.py`` puts them together. The simulators' commands
(``teller``, ``colleague``, ``demo``) are added where the simulators are installed
(``app.plugins``)."""

from __future__ import annotations

from types import ModuleType

from app.commands import admin, broker, camera, center, lead, reader, workstation
from app.plugins import simulators

# in the order ``authdesk --help`` lists them; the first is the default command
PRODUCT: dict[str, ModuleType] = {
    "workstation": workstation,
    "broker": broker,
    "camera": camera,
    "center": center,
    "lead": lead,
    "reader": reader,
    "admin": admin,
}


def commands() -> dict[str, ModuleType]:
    """The product's commands, then the simulators' where they are installed."""
    plugin = simulators()
    return {**PRODUCT, **(plugin.COMMANDS if plugin is not None else {})}
