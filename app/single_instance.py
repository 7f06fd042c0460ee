"""One workstation per user: a second start brings the first one's window to the front and
exits. Whether one runs is a lock file in the data directory (``QLockFile``: only this user
can write there; a lock left by a crashed process is taken over) — one user's installation is
one data directory; tests and the demo, with a data directory each, are separate ones. The
knock that brings it to the front goes through a local socket (QLocalServer: a Unix socket, a
named pipe on Windows) named after the user and the data directory."""

from __future__ import annotations

import getpass
import hashlib
import logging
import os
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

KNOCK = b"raise\n"
CONNECT_MS = 500  # at start-up, before any window: how long to look for a running instance


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a uid without a name (containers)
        return str(os.getuid()) if hasattr(os, "getuid") else "user"


def instance_name(data_dir: Path) -> str:
    where = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:12]
    return f"authdesk-{_user()}-{where}"


class SingleInstance(QObject):
    sig_raise = Signal()
    """Another start of the same workstation knocked: show yourself."""

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = instance_name(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        self._lock = QLockFile(str(data_dir / "workstation.lock"))
        self._lock.setStaleLockTime(0)  # only a dead owner makes it stale, never its age
        self._server: QLocalServer | None = None

    def knock(self) -> bool:
        """True when an instance is running (and was asked to come to the front)."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(CONNECT_MS):
            return False
        socket.write(KNOCK)
        socket.waitForBytesWritten(CONNECT_MS)
        socket.disconnectFromServer()
        return True

    def claim(self) -> bool:
        """Become the instance; False if one is running (it was asked to come to the front)."""
        if not self._lock.tryLock(0):
            if self._lock.error() == QLockFile.LockError.LockFailedError:
                self.knock()
                return False
            log.warning("single instance: no lock file (%s): carrying on", self._lock.error())
            return True  # a data directory we cannot write to fails later, and says so
        QLocalServer.removeServer(self.name)  # a socket file left by a crashed instance
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)  # this user only
        if not server.listen(self.name):
            log.warning("single instance: cannot listen on %s: %s", self.name, server.errorString())
            return True  # carry on: better two windows than none
        server.newConnection.connect(self._on_knock)
        self._server = server
        log.info("single instance: listening as %s", self.name)
        return True

    def _on_knock(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(KNOCK.strip()):
            log.info("single instance: a second start; this one comes to the front")
            self.sig_raise.emit()

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._lock.isLocked():
            self._lock.unlock()
