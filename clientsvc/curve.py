"""CurveZMQ on every socket that leaves the machine, with ZAP: only known keys get in.

Keys are ZeroMQ's own certificate files, which branch IT can read and copy:

- a **server** (the broker, the center) has ``curve/<name>.key_secret`` (mode 0600, on the
  server only) and publishes ``directory/servers/<name>.key``; clients pin that public key;
- a **terminal** (a workstation, a teller system, a camera) keeps its secret key in the
  terminal's key store (the OS keyring) and publishes ``directory/terminals/<id>.key``; a server
  lets in exactly the keys in that folder (re-read when a file changes; deleting a file revokes
  the terminal).

``Transport`` is what a socket owner is given: plain (only as an explicit setting, for the demo
on one machine and for tests) or CURVE with its keys. There is no silent fallback: a CURVE
transport without its keys cannot be built.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zmq
import zmq.auth
from zmq.auth.thread import ThreadAuthenticator
from zmq.utils.z85 import encode as z85_encode

from clientsvc.folderwatch import RESCAN_S, FolderWatch
from clientsvc.protocol.errors import ErrorCode, ProtocolError

log = logging.getLogger("authdesk.curve")

ZAP_DOMAIN = "authdesk"


@dataclass(frozen=True)
class CurveKeys:
    public: bytes  # Z85, 40 characters
    secret: bytes


def generate() -> CurveKeys:
    public, secret = zmq.curve_keypair()
    return CurveKeys(public, secret)


def write_public(path: Path, public: bytes, name: str) -> Path:
    """A public certificate (ZeroMQ's format), safe to copy anywhere."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")  # written aside, then renamed: never read half-made
    tmp.write_text(
        f"#   ZeroMQ CURVE public certificate: {name}\n"
        f'metadata\n    name = "{name}"\ncurve\n    public-key = "{public.decode("ascii")}"\n',
        encoding="utf-8",
    )
    os.replace(tmp, path)
    return path


def read_public(path: Path) -> bytes:
    try:
        public, _ = zmq.auth.load_certificate(str(path))
    except (OSError, ValueError) as exc:
        raise ProtocolError(ErrorCode.KEYRING, f"{path}: not a CURVE certificate") from exc
    return public


def write_server_secret(path: Path, keys: CurveKeys, name: str) -> Path:
    """The server's secret certificate, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(
            f"#   ZeroMQ CURVE secret certificate: {name}. Keep on this server only.\n"
            f'metadata\n    name = "{name}"\ncurve\n'
            f'    public-key = "{keys.public.decode("ascii")}"\n'
            f'    secret-key = "{keys.secret.decode("ascii")}"\n'
        )
    return path


def read_server_secret(path: Path) -> CurveKeys:
    try:
        public, secret = zmq.auth.load_certificate(str(path))
    except (OSError, ValueError) as exc:
        raise ProtocolError(ErrorCode.KEYRING, f"{path}: no CURVE secret certificate") from exc
    if secret is None:
        raise ProtocolError(ErrorCode.KEYRING, f"{path}: the certificate has no secret key")
    return CurveKeys(public, secret)


class KnownKeys:
    """The public keys a server lets in: every ``*.key`` in a folder, re-read when it changes."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._keys: dict[bytes, str] = {}
        # the files are looked at when the folder changed, else once a second: a handshake
        # must not stat every key (10,000 tellers reconnecting after a restart: 10^8 stats)
        self._watch = FolderWatch(folder, RESCAN_S, ".key")
        self._lock = threading.Lock()
        self.refused: list[str] = []  # the keys refused, for the log and the tests

    def names(self) -> dict[bytes, str]:
        with self._lock:
            self._refresh()
            return dict(self._keys)

    def name_of(self, z85: bytes) -> str | None:
        with self._lock:
            self._refresh()
            return self._keys.get(z85)

    def _refresh(self) -> None:
        files = self._watch.changed()
        if files is not None:
            keys: dict[bytes, str] = {}
            for name, *_ in files:
                try:
                    keys[read_public(self.folder / name)] = name.removesuffix(".key")
                except ProtocolError as err:
                    log.error("ignored %s: %s", name, err.detail)
            self._keys = keys

    def callback(self, domain: str, key: bytes) -> bool:
        """ZAP: is this client key known? An unknown one is refused and logged with the key."""
        z85 = z85_encode(key) if len(key) == 32 else key
        name = self.name_of(z85)
        if name is None or domain != ZAP_DOMAIN:
            text = z85.decode("ascii", "replace")
            self.refused.append(text)
            log.warning("refused a CURVE client: unknown key %s (domain %r)", text, domain)
            return False
        return True


@dataclass(frozen=True)
class Transport:
    """How a process secures the sockets it owns."""

    curve: bool
    keys: CurveKeys | None = None  # this process's own pair
    server_public: bytes | None = None  # what a client pins
    known: KnownKeys | None = None  # who a server lets in

    @staticmethod
    def plain() -> Transport:
        """No encryption, no authentication: an explicit choice for one machine (demo, tests)."""
        return Transport(curve=False)

    def secure_server(self, sock: zmq.Socket[Any]) -> None:
        if not self.curve:
            return
        if self.keys is None or self.known is None:
            raise ProtocolError(ErrorCode.KEYRING, "a CURVE server needs its keys and known keys")
        sock.setsockopt(zmq.ZAP_DOMAIN, ZAP_DOMAIN.encode())
        sock.curve_secretkey = self.keys.secret
        sock.curve_publickey = self.keys.public
        sock.curve_server = True

    def secure_client(self, sock: zmq.Socket[Any]) -> None:
        if not self.curve:
            return
        if self.keys is None or self.server_public is None:
            raise ProtocolError(ErrorCode.KEYRING, "a CURVE client needs its keys and the server's")
        sock.curve_secretkey = self.keys.secret
        sock.curve_publickey = self.keys.public
        sock.curve_serverkey = self.server_public


def start_authenticator(ctx: zmq.Context[Any], known: KnownKeys) -> ThreadAuthenticator:
    """The ZAP handler of a server's context (one per context): CURVE keys checked by
    ``known``; everything else (a plain or NULL peer) refused."""
    auth = ThreadAuthenticator(ctx, log=logging.getLogger("authdesk.zap"))
    auth.start()
    auth.configure_curve_callback(domain=ZAP_DOMAIN, credentials_provider=known)
    return auth
