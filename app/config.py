"""Every setting with its default and its meaning, in one place. One TOML file per terminal
(a packaged install: ``/etc/authdesk/authdesk.toml``); environment variables
``AUTHDESK_<NAME>`` override it (tests and the demo use them). What an authorizer picks on a
terminal — window places, language, theme, text size — goes to QSettings and wins over the file.
``authdesk admin config check FILE`` explains every problem of a file; ``authdesk admin config
template`` prints a file with every setting at its default; docs/CONFIG.md lists them.
"""

from __future__ import annotations

import difflib
import os
import re
import socket
import textwrap
import tomllib
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

SCHEMA_VERSION = 1


def default_config_path() -> Path | None:
    """The terminal's file when none is named (``--config``, ``AUTHDESK_CONFIG``): the
    packaged install's ``/etc/authdesk/authdesk.toml`` (``%PROGRAMDATA%\\AuthDesk\\authdesk.toml``
    on Windows), if it is there."""
    if os.name == "nt":
        path = Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "AuthDesk" / "authdesk.toml"
    else:
        path = Path("/etc/authdesk/authdesk.toml")
    return path if path.is_file() else None


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("authdesk", appauthor=False))


def _s(default: Any, help: str, **kw: Any) -> Any:
    """A setting: its default and what it means (the template and docs/CONFIG.md read it)."""
    if callable(default) and not isinstance(default, type):
        return field(default_factory=default, metadata={"help": help, **kw})
    return field(default=default, metadata={"help": help, **kw})


@dataclass(frozen=True)
class Settings:
    schema_version: int = _s(SCHEMA_VERSION, "The layout of this file; only 1 exists.")
    data_dir: Path = _s(  # noqa: RUF009 (a field, as every setting here)
        default_data_dir,
        "Where the audit cache, the directory of public keys and profiles, and the center's "
        "files live. Default: the user's data directory (a packaged install: "
        "/var/lib/authdesk).",
    )
    broker_endpoint: str = _s("tcp://127.0.0.1:5555", "The branch broker (tcp://host:port).")
    center_endpoint: str = _s(
        "tcp://127.0.0.1:5556",
        "The center service (tcp://host:port). Empty: no center (the audit cache keeps every "
        "event until one is configured).",
    )
    video_endpoint: str = _s(
        "tcp://127.0.0.1:5557",
        "Live counter video, relayed by the broker: workstations subscribe here. Empty: no video.",
    )
    camera_endpoint: str = _s(
        "tcp://127.0.0.1:5558", "Where counter cameras publish to the broker. Empty: no video."
    )
    transport: str = _s(
        "curve",
        '"curve": CurveZMQ with known keys on every socket between machines. "plain": no '
        "encryption and no authentication, for one machine (tests) only; never a fallback.",
        choices=("curve", "plain"),
    )
    broker_key: str = _s(
        "broker", "The broker's public key, pinned: <data_dir>/directory/servers/<name>.key."
    )
    center_key: str = _s(
        "center",
        "The center's keys: CURVE <name>.key and receipts <name>.receipt.pem in directory/servers.",
    )
    center_db: str = _s(
        "",
        "The center's database (center only). Empty: the SQLite file "
        "<data_dir>/center/center.sqlite3; else a SQLAlchemy URL "
        "(postgresql://user@host/db uses psycopg 3).",
    )
    center_brokers: str = _s(
        "",
        "Center only: the brokers' terminal names, comma-separated. Only they may push "
        "brokers' records (every request's state) to the center.",
    )
    sync_batch: int = _s(
        500, "Audit events per batch sent to the center (1 to 5,000).", low=1, high=5000
    )
    sync_retry_s: float = _s(
        5.0, "Seconds between attempts while the center cannot be reached.", low=0.1, high=3600
    )
    terminal_id: str = _s(
        lambda: socket.gethostname()[:64] or "terminal",
        "This terminal's id (its CURVE key's name). Default: the host name.",
    )
    keyring: str = _s(
        "os",
        "\"os\": the operating system's keyring, secure backends only (the terminal's and "
        'the authorizers\' secret keys live there). "memory": the demo and tests only.',
        choices=("os", "memory"),
    )
    demo_secrets_file: Path | None = _s(None, "The demo's throwaway secrets (demo only).")  # noqa: RUF009
    heartbeat_ms: int = _s(
        2500, "Heartbeat between workstation and broker, in milliseconds.", low=100, high=60000
    )
    wait_target_s: int = _s(
        60,
        "The center's target for a teller's wait, in seconds; colours the wait clock.",
        low=5,
        high=3600,
    )
    language: str = _s(
        "system",
        '"system": the system locale\'s (Chinese for any zh locale, else English); "zh_CN"; '
        '"en". An authorizer\'s pick on the sign-in window of this terminal wins over it.',
        choices=("system", "zh_CN", "en"),
    )
    theme: str = _s(
        "light",
        '"light" or "dark". Ctrl+Shift+D switches; the terminal remembers its authorizer\'s pick.',
        choices=("light", "dark"),
    )
    font_scale: float = _s(
        1.0,
        "Text size as a factor of the standard, 0.85 to 1.75. Ctrl+Shift+Up / Down change it; "
        "remembered like the theme.",
        low=0.85,
        high=1.75,
    )
    lock_after_min: float = _s(
        5.0,
        "The session locks after this many minutes without a key or the mouse (0: never).",
        low=0,
        high=240,
    )
    pin_attempts: int = _s(
        3,
        "Wrong PINs in a row (sign-in and re-entry alike) before the authorizer is locked out "
        "of this terminal.",
        low=1,
        high=10,
    )
    pin_lockout_min: float = _s(15.0, "How long that lockout lasts, in minutes.", low=0, high=1440)
    evidence_cache_mb: int = _s(
        256,
        "Evidence images kept in memory at the workstation (MB), most recent first; an image "
        "seen again (a returned item, a colleague's) is not fetched again.",
        low=16,
        high=4096,
    )

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
    """What is wrong with a configuration, every problem in words (``problems``)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


_KINDS = {
    int: "a whole number",
    float: "a number",
    str: "text in quotes",
    Path: "a path in quotes",
}


def _kind(name: str) -> Any:
    hint = {f.name: f.type for f in fields(Settings)}[name]
    return {"int": int, "float": float, "str": str, "Path": Path, "Path | None": Path}.get(
        str(hint), str
    )


def _coerce(name: str, value: Any) -> tuple[Any, str | None]:
    """The value as the setting's type, or why it cannot be."""
    kind = _kind(name)
    try:
        if kind is int:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            return int(value), None
        if kind is float:
            if isinstance(value, bool):
                raise ValueError
            return float(value), None
        if kind is Path:
            if not isinstance(value, (str, Path)):
                raise ValueError
            return (None if value in (None, "") else Path(str(value)).expanduser()), None
        if not isinstance(value, str):
            raise ValueError
        return value, None
    except (TypeError, ValueError):
        return None, f"{name} must be {_KINDS[kind]}, not {value!r}."


def _check_values(settings: Settings) -> list[str]:
    problems = []
    for f in fields(Settings):
        value = getattr(settings, f.name)
        meta = f.metadata
        if "choices" in meta and value not in meta["choices"]:
            options = ", ".join(f'"{c}"' for c in meta["choices"])
            problems.append(f"{f.name} is {value!r}; it must be one of {options}.")
        low, high = meta.get("low"), meta.get("high")
        if low is not None and isinstance(value, (int, float)) and not low <= value <= high:
            problems.append(f"{f.name} is {value}; it must be between {low} and {high}.")
    for name in ("broker_endpoint", "center_endpoint", "video_endpoint", "camera_endpoint"):
        value = getattr(settings, name)
        optional = name != "broker_endpoint"  # no center, no video: "" turns them off
        if (value or not optional) and not ENDPOINT.fullmatch(value):
            problems.append(
                f"{name} is {value!r}; it must look like tcp://host:port "
                "(for example tcp://10.1.2.3:5555)"
                + (', or be "" to turn it off.' if optional else ".")
            )
    if settings.schema_version != SCHEMA_VERSION:
        problems.append(
            f"schema_version is {settings.schema_version}; this AuthDesk reads {SCHEMA_VERSION}."
        )
    return problems


ENDPOINT = re.compile(r"tcp://(\*|[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:]+\]):\d{1,5}")


def load_settings(
    path: Path | None = None, env: dict[str, str] | None = None, **overrides: Any
) -> Settings:
    """Defaults ← TOML file ← environment (``AUTHDESK_<NAME>``) ← explicit overrides
    (command-line flags). Raises ``ConfigError`` naming every problem found."""
    env = dict(os.environ) if env is None else env
    known = [f.name for f in fields(Settings)]
    values: dict[str, Any] = {}
    problems: list[str] = []
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError([f"{path} cannot be read: {exc.strerror or exc}."]) from exc
        except UnicodeDecodeError as exc:
            raise ConfigError([f"{path} is not UTF-8 text: save it as UTF-8."]) from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(
                [
                    f"{path} is not valid TOML: {exc}. Text values need quotes, e.g. "
                    'language = "zh_CN".'
                ]
            ) from exc
        for key, value in data.items():
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f' Did you mean "{close[0]}"?' if close else ""
                problems.append(f'"{key}" is not a setting AuthDesk knows.{hint}')
                continue
            values[key] = value
    for name in known:
        env_value = env.get(f"AUTHDESK_{name.upper()}")
        if env_value is not None:
            values[name] = env_value
    values.update({k: v for k, v in overrides.items() if v is not None})
    coerced = {}
    for name, value in values.items():
        converted, problem = _coerce(name, value)
        if problem:
            problems.append(problem)
        else:
            coerced[name] = converted
    settings = replace(Settings(), **coerced)
    problems += _check_values(settings)
    if problems:
        where = f"{path}: " if path is not None else ""
        raise ConfigError([where + p for p in problems])
    return settings


def check_file(path: Path) -> list[str]:
    """Every problem of a configuration file, in words (empty: it is fine). The environment
    is left out: this is about the file."""
    try:
        load_settings(path, env={}, data_dir=None)
    except ConfigError as exc:
        return exc.problems
    return []


def template() -> str:
    """A configuration file with every setting at its default, each explained."""
    lines = [
        "# AuthDesk terminal configuration (TOML). Every setting is shown at its default,",
        "# commented out: uncomment and change what this terminal needs.",
        "# Check a file with: authdesk admin config check <file>",
        "",
    ]
    for f in fields(Settings):
        default = f.default_factory() if f.default_factory is not MISSING else f.default  # type: ignore[misc]
        if f.name == "data_dir":
            default = "/var/lib/authdesk"
        if f.name == "terminal_id":
            default = "<this host's name>"
        for chunk in textwrap.wrap(f.metadata["help"], 94):
            lines.append(f"# {chunk}")
        shown = "" if default is None else default
        if isinstance(shown, bool):
            value = "true" if shown else "false"
        elif isinstance(shown, (int, float)):
            value = repr(shown)
        else:
            value = '"' + str(shown).replace("\\", "\\\\").replace('"', '\\"') + '"'
        lines += [f"# {f.name} = {value}", ""]
    return "\n".join(lines)
