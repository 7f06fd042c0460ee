"""Every setting with its default, in one place. One TOML file per terminal; environment
variables ``AUTHDESK_<NAME>`` override (tests and the demo use them). Window geometry alone goes
to QSettings.
"""

from __future__ import annotations

import os
import socket
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

SCHEMA_VERSION = 1


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("authdesk", appauthor=False))


@dataclass(frozen=True)
class Settings:
    schema_version: int = SCHEMA_VERSION
    data_dir: Path = field(default_factory=default_data_dir)
    broker_endpoint: str = "tcp://127.0.0.1:5555"
    center_endpoint: str = "tcp://127.0.0.1:5556"
    # live counter video, relayed by the broker: workstations subscribe here, cameras publish
    # to the camera endpoint ("" turns the video off)
    video_endpoint: str = "tcp://127.0.0.1:5557"
    camera_endpoint: str = "tcp://127.0.0.1:5558"
    # "curve": CurveZMQ with known keys on every socket between machines. "plain": no
    # encryption, no authentication: only for one machine (tests), never a fallback
    transport: str = "curve"
    broker_key: str = "broker"  # the broker's public key, pinned: directory/servers/<name>.key
    center_key: str = "center"  # the center's keys: CURVE <name>.key, receipts <name>.receipt.pem
    # the center's database: "" for the SQLite file <data_dir>/center/center.sqlite3, else a
    # SQLAlchemy URL (postgresql://user@host/db uses psycopg 3)
    center_db: str = ""
    # center only: the terminal names (CURVE keys) of the brokers, comma-separated: only they
    # may push brokers' records (every request's state) to the center
    center_brokers: str = ""
    # the workstation's sync to the center: events per batch, and seconds between attempts
    # while the center cannot be reached
    sync_batch: int = 500
    sync_retry_s: float = 5.0
    terminal_id: str = field(default_factory=lambda: socket.gethostname()[:64] or "terminal")
    # "os": the OS keyring, secure backends only. "memory": demo and tests only.
    keyring: str = "os"
    demo_secrets_file: Path | None = None
    heartbeat_ms: int = 2500
    wait_target_s: int = 60  # the center's target for a teller's wait; colours the wait clock
    language: str = "en"
    # the session locks after this many minutes without a key or the mouse (0: never)
    lock_after_min: float = 5.0
    # wrong PINs in a row (sign-in and re-entry alike) before the authorizer is locked out of
    # this terminal, and for how long
    pin_attempts: int = 3
    pin_lockout_min: float = 15.0

    @property
    def directory(self) -> Path:
        """Public authorizer profiles (distributed by branch IT)."""
        return self.data_dir / "directory"

    @property
    def audit_path(self) -> Path:
        return self.data_dir / "audit.sqlite3"

    @property
    def terminals(self) -> Path:
        """Public CURVE keys of the terminals a server lets in (distributed by branch IT)."""
        return self.directory / "terminals"

    @property
    def servers(self) -> Path:
        """Public CURVE keys of the servers the terminals pin."""
        return self.directory / "servers"

    @property
    def center_dir(self) -> Path:
        """The center service's own files: its SQLite database, evidence images."""
        return self.data_dir / "center"

    @property
    def center_database(self) -> str:
        return self.center_db or str(self.center_dir / "center.sqlite3")

    def receipt_secret(self, name: str) -> Path:
        """The center's Ed25519 receipt key (on the center only, mode 0600)."""
        return self.data_dir / "curve" / f"{name}.receipt_secret.pem"

    def receipt_public(self, name: str) -> Path:
        """The center's receipt public key, which the terminals check receipts with."""
        return self.servers / f"{name}.receipt.pem"

    def server_secret(self, name: str) -> Path:
        """A server's secret CURVE certificate (on that server only, mode 0600)."""
        return self.data_dir / "curve" / f"{name}.key_secret"


class ConfigError(ValueError):
    pass


def _coerce(name: str, kind: Any, value: Any) -> Any:
    try:
        if kind in (int, "int"):
            return int(value)
        if kind in (float, "float"):
            return float(value)
        if kind in (Path, "Path", "Path | None"):
            return None if value in (None, "") else Path(str(value)).expanduser()
        return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{name}: {value!r} is not a valid {kind}") from exc


def load_settings(
    path: Path | None = None, env: dict[str, str] | None = None, **overrides: Any
) -> Settings:
    """Defaults ← TOML file ← environment ← explicit overrides (command-line flags)."""
    env = dict(os.environ) if env is None else env
    known = {f.name: f.type for f in fields(Settings)}
    values: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from exc
        for key, value in data.items():
            if key not in known:
                raise ConfigError(f"{path}: unknown setting {key!r}")
            values[key] = value
    for name in known:
        env_value = env.get(f"AUTHDESK_{name.upper()}")
        if env_value is not None:
            values[name] = env_value
    values.update({k: v for k, v in overrides.items() if v is not None})
    settings = Settings()
    coerced = {k: _coerce(k, known[k], v) for k, v in values.items()}
    settings = replace(settings, **coerced)
    if settings.keyring not in ("os", "memory"):
        raise ConfigError(f"keyring: {settings.keyring!r} is not 'os' or 'memory'")
    if settings.transport not in ("curve", "plain"):
        raise ConfigError(f"transport: {settings.transport!r} is not 'curve' or 'plain'")
    if settings.lock_after_min < 0 or settings.pin_lockout_min < 0:
        raise ConfigError("lock_after_min and pin_lockout_min cannot be negative")
    if settings.pin_attempts < 1:
        raise ConfigError(f"pin_attempts: {settings.pin_attempts} is below 1")
    if settings.schema_version != SCHEMA_VERSION:
        raise ConfigError(f"schema_version {settings.schema_version} is not {SCHEMA_VERSION}")
    return settings
