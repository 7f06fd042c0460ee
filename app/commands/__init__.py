"""The ``authdesk`` commands, one module each: ``register(sub)`` adds its parser, ``run(args)``
runs it and returns the exit code. ``app/main.py`` puts them together."""

from app.commands import (
    admin,
    broker,
    camera,
    center,
    colleague,
    demo,
    lead,
    teller,
    workstation,
)

# in the order ``authdesk --help`` lists them; the first is the default command
COMMANDS = {
    "workstation": workstation,
    "broker": broker,
    "camera": camera,
    "teller": teller,
    "colleague": colleague,
    "center": center,
    "lead": lead,
    "admin": admin,
    "demo": demo,
}
