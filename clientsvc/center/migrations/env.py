"""Alembic environment: run from code on the caller's connection (``clientsvc.migrate``)."""

from clientsvc.migrate import run_env

run_env()
