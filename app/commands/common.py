"""What the commands share: the common options, the settings, signals, the Qt loop."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import socket
from pathlib import Path
from typing import Any

from app.config import (
    Settings,
    default_config_path,
    load_settings,
)

log = logging.getLogger("authdesk")


def common_options(p: argparse.ArgumentParser, nested: bool = False) -> None:
    """``nested``: on a sub-subcommand, given before or after it (no default that would
    overwrite the one given before)."""
    extra: dict[str, Any] = {"default": argparse.SUPPRESS} if nested else {}
    p.add_argument("--config", type=Path, help="the terminal's TOML configuration file", **extra)
    p.add_argument(
        "--data-dir",
        type=Path,
        help="where data files live (default: per-user data dir)",
        **extra,
    )


def language_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--language",
        choices=("zh_CN", "en"),
        help="the interface's language for this run (over the configured and remembered one)",
    )


def settings_of(args: argparse.Namespace, **overrides: Any) -> Settings:
    named = getattr(args, "config", None) or os.environ.get("AUTHDESK_CONFIG")
    if named is None:
        named = default_config_path()
    return load_settings(
        Path(named) if named else None,  # AUTHDESK_CONFIG="": no file at all (demo, tests)
        data_dir=getattr(args, "data_dir", None),
        **overrides,
    )


def stop_on_signals(stop: Any) -> None:
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop())


def exec_qt(qapp: Any, quit_after: float | None) -> int:
    """Run Qt's loop until quit (or ``quit_after`` seconds), with SIGTERM/SIGINT honoured."""
    from PySide6.QtCore import QTimer

    if quit_after:
        QTimer.singleShot(int(quit_after * 1000), qapp.quit)
    stop_on_signals(qapp.quit)
    heartbeat = QTimer()  # lets Python see the signals while Qt's loop runs
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(200)
    return int(qapp.exec())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
