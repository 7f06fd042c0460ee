"""``authdesk``: workstation (the default), broker, camera, center, lead and admin, each a
module of ``app/commands``; and, where the simulators are installed, teller, colleague and
demo (``sim/commands``)."""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import sys

from app.commands import commands
from app.config import ConfigError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="authdesk", description="AuthDesk remote authorization")
    sub = parser.add_subparsers(dest="command")
    for command in commands().values():
        command.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    multiprocessing.freeze_support()  # the packaged binary starts the engine's process too
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)  # each migration step is not news
    if args.command is None:  # no command: the workstation
        args = build_parser().parse_args(["workstation", *(argv or sys.argv[1:])])
    try:
        return int(commands()[args.command].run(args))
    except ConfigError as exc:
        print(f"authdesk: configuration error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
