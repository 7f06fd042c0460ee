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
import stat
import textwrap
import tomllib
import unicodedata
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

from clientsvc.protocol.edge import describe_char

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
        "broker",
        "The broker's public key, pinned: <data_dir>/directory/servers/<name>.key.",
        file_id=True,
    )
    center_key: str = _s(
        "center",
        "The center's keys: CURVE <name>.key and receipts <name>.receipt.pem in directory/servers.",
        file_id=True,
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
        file_ids=True,
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
        file_id=True,
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
    resubmit_hold_s: float = _s(
        60.0,
        "Broker only: a teller's correction of a returned request is offered first to the "
        "authorizer who returned it, while they are signed in and available, for this many "
        "seconds; then to anyone (0: to anyone at once).",
        low=0,
        high=600,
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

    @property
    def readers(self) -> Path:
        """The readers' published signing keys (``<reader_id>.pem``), which the broker checks
        readings with."""
        return self.directory / "readers"

    @property
    def test_packs(self) -> Path:
        """Broker only: the center lead's signed vigilance test packs, one folder each
        (docs/PROTOCOL.md §9); published by renaming a folder into place. None there: no
        test items."""
        return self.data_dir / "test-packs"

    def reading_secret(self, reader_id: str) -> Path:
        """A reader's Ed25519 signing key (on that reader only, mode 0600)."""
        return self.data_dir / "curve" / f"{reader_id}.reading_secret.pem"

    def server_secret(self, name: str) -> Path:
        """A server's secret CURVE certificate (on that server only, mode 0600)."""
        return self.data_dir / "curve" / f"{name}.key_secret"


class ConfigError(ValueError):
    """What is wrong with a configuration, every problem in words (``problems``). The only
    exception ``load_settings`` and ``load_settings_from_bytes`` raise for a bad file, a bad
    environment variable or a bad override, whatever the file's bytes."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


MAX_FILE_BYTES = 1024 * 1024
"""The largest configuration file read (1 MiB; the template with every setting is about 3 KiB).
A larger file, or anything that is not a regular file (a device such as /dev/zero, a pipe, a
folder), is refused unread."""
MAX_TEXT = 4096
"""The longest text setting, in characters (a path, a database URL)."""
MAX_PROBLEMS = 50
"""Problems listed at most; the rest are counted (a hostile file can hold 100,000 keys)."""

# Characters no setting may hold: controls (C0, DEL, C1; tab and newline too: every setting is
# one line), lone surrogates, invisible format characters (U+202E right-to-left override, U+200B
# zero-width space …) and line / paragraph separators. A name that displays as another, or a
# path with a NUL, must be refused here, not found out later.
_INVISIBLE = {
    "Cc": "a control character",
    "Cs": "a lone surrogate",
    "Cf": "an invisible format character",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}

# The protocol's Id (clientsvc/protocol/messages.py) without ':' — these names are file names
# too (directory/servers/<name>.key, directory/terminals/<id>.key, curve/<name>.key_secret), and
# ':' opens an alternate data stream on Windows.
FILE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,63}")
_WINDOWS_DEVICES = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)]
)
_ID_RULE = (
    "it must be 1 to 64 letters (A-Z, a-z), digits, '.' or '-', starting with a letter or "
    "a digit, with no '..' and no '.' at the end (it names a key file: no '/', '\\' or ':')"
)

_KINDS = {
    int: "a whole number",
    float: "a number",
    str: "text in quotes",
    Path: "a path in quotes",
}


def _shown(value: Any) -> str:
    """A value as a problem quotes it: short, on one line, every invisible character escaped
    (``repr`` escapes controls, format characters and surrogates), so the words can be
    printed on any terminal."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if value.bit_length() > 64:  # str() of a huge int is slow, past 4,300 digits refused
            return f"a number of about {int(value.bit_length() * 0.30103) + 1} digits"
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (str, Path)):
        text = str(value)
        return repr(text) if len(text) <= 60 else repr(text[:57])[:-1] + "…'"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return f"a {type(value).__name__}"  # a TOML date or time


def _text_problem(name: str, value: str) -> str | None:
    """Why ``value`` cannot be a text setting, or None."""
    if len(value) > MAX_TEXT:
        return f"{name} is {len(value):,} characters long; at most {MAX_TEXT:,} are allowed."
    for position, ch in enumerate(value, 1):
        kind = _INVISIBLE.get(unicodedata.category(ch))
        if kind is not None:
            return (
                f"{name} holds {kind} ({describe_char(ch)}) at character {position}; a setting "
                "is plain, visible text on one line."
            )
    return None


def _file_id_problem(value: str) -> str | None:
    """Why ``value`` cannot name a terminal or a key (it becomes a file name), or None."""
    if not FILE_ID.fullmatch(value) or ".." in value or value.endswith("."):
        return _ID_RULE
    device = value.split(".", 1)[0].upper()
    if device in _WINDOWS_DEVICES:
        return f"{device} is a device on Windows, not a file name"
    return None


def _kind(name: str) -> Any:
    hint = {f.name: f.type for f in fields(Settings)}[name]
    return {"int": int, "float": float, "str": str, "Path": Path, "Path | None": Path}.get(
        str(hint), str
    )


def _coerce(name: str, value: Any) -> tuple[Any, str | None]:
    """The value as the setting's type, or why it cannot be."""
    kind = _kind(name)
    if kind in (str, Path) and isinstance(value, (str, Path)):
        problem = _text_problem(name, str(value))
        if problem:
            return None, problem
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
    except OverflowError:  # float() of a 400-digit whole number
        return None, f"{name} is {_shown(value)}; that is too large for {_KINDS[kind]}."
    except RuntimeError:  # Path.expanduser: "~someone" names no user here
        return None, f"{name} is {_shown(value)}; its '~' names no home folder on this machine."
    except (TypeError, ValueError):
        return None, f"{name} must be {_KINDS[kind]}, not {_shown(value)}."


def _check_values(settings: Settings, given: set[str], skip: set[str]) -> list[str]:
    """Every problem of the values (``given``: set by the file, the environment or a flag, not
    defaults; ``skip``: already refused)."""
    problems = []
    for f in fields(Settings):
        if f.name in skip:
            continue
        value = getattr(settings, f.name)
        meta = f.metadata
        if "choices" in meta and value not in meta["choices"]:
            options = ", ".join(f'"{c}"' for c in meta["choices"])
            problems.append(f"{f.name} is {_shown(value)}; it must be one of {options}.")
        low, high = meta.get("low"), meta.get("high")
        if (
            low is not None
            and high is not None
            and isinstance(value, (int, float))
            and not low <= value <= high
        ):
            problems.append(f"{f.name} is {_shown(value)}; it must be between {low} and {high}.")
        if meta.get("file_id") and isinstance(value, str):
            why = _file_id_problem(value)
            if why and f.name not in given:  # the default: this host's name
                problems.append(
                    f"{f.name} is not set, and this host's name {_shown(value)} cannot be one "
                    f"({why}): set {f.name}."
                )
            elif why:
                problems.append(f"{f.name} is {_shown(value)}; {why}.")
        if meta.get("file_ids") and isinstance(value, str):
            for name in (n.strip() for n in value.split(",")):
                why = _file_id_problem(name) if name else None
                if why:
                    problems.append(f"{f.name} holds {_shown(name)}, not a terminal name; {why}.")
    if settings.data_dir is None:
        problems.append("data_dir is empty; it must name a folder.")
    for name in ("broker_endpoint", "center_endpoint", "video_endpoint", "camera_endpoint"):
        value = getattr(settings, name)
        optional = name != "broker_endpoint"  # no center, no video: "" turns them off
        if (value or not optional) and not ENDPOINT.fullmatch(value):
            problems.append(
                f"{name} is {_shown(value)}; it must look like tcp://host:port "
                "(for example tcp://10.1.2.3:5555)"
                + (', or be "" to turn it off.' if optional else ".")
            )
    if settings.schema_version != SCHEMA_VERSION:
        problems.append(
            f"schema_version is {_shown(settings.schema_version)}; this AuthDesk reads "
            f"{SCHEMA_VERSION}."
        )
    return problems


ENDPOINT = re.compile(r"tcp://(\*|[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:]+\]):\d{1,5}")


def read_config_file(path: Path) -> bytes:
    """A configuration file's bytes: at most ``MAX_FILE_BYTES`` of a regular file. Anything
    else — a folder, a device (/dev/zero), a pipe, a socket, a larger file — is refused with
    ``ConfigError`` before it is read; it is never read unbounded, and a pipe never blocks."""
    too_large = ConfigError(
        [
            f"{path} is larger than {MAX_FILE_BYTES // 1024} KiB; a configuration file is a "
            "few KiB (the template with every setting is about 3 KiB)."
        ]
    )

    def refuse_unless_regular(mode: int) -> None:
        if stat.S_ISDIR(mode):
            raise ConfigError([f"{path} is a folder; name the configuration file in it."])
        if not stat.S_ISREG(mode):
            raise ConfigError(
                [f"{path} is not a regular file (a device, a pipe or a socket); name a file."]
            )

    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise ConfigError([f"{path} cannot be read: {exc.strerror or exc}."]) from exc
    except ValueError as exc:  # a NUL in the name
        raise ConfigError([f"{path} cannot be read: {exc}."]) from exc
    refuse_unless_regular(mode)  # a device is not even opened
    try:
        # O_NONBLOCK: should a pipe be swapped in after the check, opening it cannot hang
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(path, flags | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise ConfigError([f"{path} cannot be read: {exc.strerror or exc}."]) from exc
    try:
        info = os.fstat(fd)
        refuse_unless_regular(info.st_mode)  # what was opened, not what was looked at
        if info.st_size > MAX_FILE_BYTES:
            raise too_large
        chunks, size = [], 0
        while size <= MAX_FILE_BYTES:  # a file that grows while read is still bounded
            chunk = os.read(fd, min(1 << 16, MAX_FILE_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_FILE_BYTES:
            raise too_large
        return b"".join(chunks)
    except OSError as exc:
        raise ConfigError([f"{path} cannot be read: {exc.strerror or exc}."]) from exc
    finally:
        os.close(fd)


def _parse_toml(data: bytes, source: str) -> dict[str, Any]:
    """The file's bytes as a TOML table, or ``ConfigError`` saying why in words."""
    if len(data) > MAX_FILE_BYTES:
        raise ConfigError([f"{source} is larger than {MAX_FILE_BYTES // 1024} KiB."])
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConfigError(
            [f'{source} is UTF-16 text (what Notepad calls "Unicode"): save it as UTF-8.']
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [f"{source} is not UTF-8 text (from byte {exc.start + 1}): save it as UTF-8."]
        ) from exc
    text = text.removeprefix("\ufeff")  # the byte order mark Windows Notepad writes
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            [
                f"{source} is not valid TOML: {exc}. Text values need quotes, e.g. "
                'language = "zh_CN".'
            ]
        ) from exc
    except RecursionError as exc:  # the parser recurses once per level of nesting
        raise ConfigError(
            [
                f"{source} nests arrays or tables hundreds of levels deep; every setting is a "
                "single value."
            ]
        ) from exc
    except ValueError as exc:  # int(): "Exceeds the limit (4300 digits)"
        raise ConfigError(
            [
                f"{source} holds a whole number too long to read ({_shown(str(exc))}); every "
                "number setting is a few digits."
            ]
        ) from exc


def load_settings(
    path: Path | None = None, env: dict[str, str] | None = None, **overrides: Any
) -> Settings:
    """Defaults ← TOML file ← environment (``AUTHDESK_<NAME>``) ← explicit overrides
    (command-line flags). Raises ``ConfigError`` naming every problem found, and nothing else
    for a bad file (``read_config_file`` says what is read)."""
    data = read_config_file(path) if path is not None else None
    return _settings_from(data, str(path) if path is not None else None, env, overrides)


def load_settings_from_bytes(
    data: bytes,
    source: str = "the configuration",
    env: dict[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """``load_settings`` for a file's bytes already in memory (the fuzzer's entry point):
    ``source`` names them in the problems. Whatever ``data`` holds, it returns ``Settings`` or
    raises ``ConfigError`` with at least one problem in printable words; nothing else."""
    return _settings_from(bytes(data), source, env, overrides)


def _settings_from(
    data: bytes | None, source: str | None, env: dict[str, str] | None, overrides: dict[str, Any]
) -> Settings:
    env = dict(os.environ) if env is None else env
    known = [f.name for f in fields(Settings)]
    values: dict[str, Any] = {}
    problems: list[str] = []
    unlisted = 0
    if data is not None:
        assert source is not None
        for key, value in _parse_toml(data, source).items():
            if key in known:
                values[key] = value
            elif len(problems) >= MAX_PROBLEMS:
                unlisted += 1  # no close-match search for the 100,000th unknown key
            else:
                plain = len(key) <= 60 and key.isprintable()
                close = difflib.get_close_matches(key, known, n=1) if plain else []
                hint = f' Did you mean "{close[0]}"?' if close else ""
                shown = f'"{key}"' if plain else _shown(key)
                problems.append(f"{shown} is not a setting AuthDesk knows.{hint}")
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
    problems += _check_values(settings, given=set(coerced), skip=set(values) - set(coerced))
    if problems:
        unlisted += max(0, len(problems) - MAX_PROBLEMS)
        problems = problems[:MAX_PROBLEMS]
        if unlisted:
            problems.append(f"… and {unlisted:,} more problems.")
        where = f"{source}: " if source is not None else ""
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
        default = f.default_factory() if f.default_factory is not MISSING else f.default
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
