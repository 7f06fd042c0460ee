"""The reader's packaged entry point: ``authdesk-reader`` takes the options of ``authdesk
reader`` (docs/READING.md). A build of its own (packaging/authdesk-reader.spec): the OCR engine
and its models, no Qt, no workstation."""

import argparse
import logging
import multiprocessing
import sys

from app.commands import reader
from app.config import ConfigError


def main(argv: list[str] | None = None) -> int:
    multiprocessing.freeze_support()  # the OCR engine runs in a child of this binary
    parser = argparse.ArgumentParser(prog="authdesk-reader", description="AuthDesk reader")
    sub = parser.add_subparsers(dest="command")
    reader.register(sub)
    args = parser.parse_args(["reader", *(sys.argv[1:] if argv is None else argv)])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        return reader.run(args)
    except ConfigError as exc:
        print(f"authdesk-reader: configuration error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
