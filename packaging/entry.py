"""The packaged program's entry point: ``authdesk`` with the same subcommands as a checkout."""

import multiprocessing
import sys

from app.main import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
