"""Secrets in the OS keyring, encrypted private keys on disk, provisioning and unlocking.

Production accepts only keyring backends that keep secrets encrypted by the OS (allow-list).
The in-memory backend exists for tests and the demo and must be chosen explicitly.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors

from clientsvc.curve import CurveKeys, read_public, write_public
from clientsvc.curve import generate as generate_curve
from clientsvc.identity import (
    AuthorizerProfile,
    Directory,
    SigningKey,
    check_pin,
    decrypt_private_key,
    encrypt_private_key,
    generate_key,
    hash_pin,
)
from clientsvc.protocol.errors import ErrorCode, ProtocolError

SERVICE = "authdesk"


class PinRefused(ProtocolError):
    """A wrong PIN (``tries_left`` before the lock-out) or a lock-out (``locked_until``)."""

    def __init__(self, *, tries_left: int = 0, locked_until: float = 0.0) -> None:
        if locked_until:
            clock = time.strftime("%H:%M", time.localtime(locked_until))
            super().__init__(ErrorCode.PIN_LOCKED, f"too many wrong PINs: locked until {clock}")
        else:
            super().__init__(ErrorCode.BAD_CREDENTIALS, f"wrong PIN: {tries_left} left")
        self.tries_left = tries_left
        self.locked_until = locked_until


# Backends that store secrets encrypted by the operating system.
SECURE_BACKENDS = frozenset(
    {
        "keyring.backends.SecretService.Keyring",
        "keyring.backends.Windows.WinVaultKeyring",
        "keyring.backends.macOS.Keyring",
        "keyring.backends.kwallet.DBusKeyring",
        "keyring.backends.libsecret.Keyring",
    }
)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """Secrets held in this process only. For tests and the demo; never chosen automatically."""

    priority = -1

    def __init__(self, initial: dict[tuple[str, str], str] | None = None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._data: dict[tuple[str, str], str] = dict(initial or {})

    def get_password(self, service: str, username: str) -> str | None:
        return self._data.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._data[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self._data.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


def _qualified(backend: keyring.backend.KeyringBackend) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def os_keyring() -> keyring.backend.KeyringBackend:
    """The OS keyring, refused unless it is on the allow-list of secure backends."""
    backend = keyring.get_keyring()
    candidates = getattr(backend, "backends", None) or [backend]  # the chainer wraps several
    for candidate in candidates:
        if _qualified(candidate) in SECURE_BACKENDS:
            return candidate  # type: ignore[no-any-return]
    names = ", ".join(_qualified(c) for c in candidates)
    raise ProtocolError(ErrorCode.KEYRING, f"no secure keyring backend (found: {names or 'none'})")


def memory_keyring_from_file(path: Path | None) -> MemoryKeyring:
    """An in-memory keyring, optionally seeded from a demo secrets file (demo and tests only)."""
    if path is None or not path.exists():
        return MemoryKeyring()
    data = json.loads(path.read_text(encoding="utf-8"))
    return MemoryKeyring({(SERVICE, k): v for k, v in data.items()})


@dataclass(frozen=True)
class KeyStore:
    """Where one terminal keeps authorizers' encrypted keys and PIN records.

    Wrong PINs are counted per authorizer in a file beside the PIN record, at sign-in and when
    a session asks for the PIN again alike: ``max_wrong_pins`` in a row lock the authorizer out
    of this terminal for ``lockout_s`` (a restart does not reset the count)."""

    root: Path
    backend: keyring.backend.KeyringBackend
    max_wrong_pins: int = 3
    lockout_s: float = 900.0
    clock: Callable[[], float] = time.time

    def _identity_file(self, authorizer_id: str) -> Path:
        return self.root / "identities" / f"{authorizer_id}.json"

    def _key_file(self, authorizer_id: str) -> Path:
        return self.root / "keys" / f"{authorizer_id}.pem"

    @staticmethod
    def secret_name(authorizer_id: str) -> str:
        return f"authorizer-key:{authorizer_id}"

    def provision(
        self,
        directory: Directory,
        *,
        authorizer_id: str,
        name: str,
        level: int,
        pin: str,
        txn_types: tuple[str, ...] = (),
        amount_limit_fen: int | None = None,
        staff_id: str = "",
        joined: str = "",
        roles: tuple[str, ...] = (),
    ) -> AuthorizerProfile:
        """Create a key pair, store it encrypted, keep its passphrase in the keyring, publish."""
        key = generate_key()
        passphrase = secrets.token_urlsafe(32)
        try:
            self.backend.set_password(SERVICE, self.secret_name(authorizer_id), passphrase)
        except keyring.errors.KeyringError as exc:
            raise ProtocolError(ErrorCode.KEYRING, str(exc)) from exc
        for path in (self._key_file(authorizer_id), self._identity_file(authorizer_id)):
            path.parent.mkdir(parents=True, exist_ok=True)
        key_file = self._key_file(authorizer_id)
        key_file.write_bytes(encrypt_private_key(key, passphrase.encode()))
        os.chmod(key_file, 0o600)
        record = {"authorizer_id": authorizer_id, "name": name, "pin": hash_pin(pin)}
        self._identity_file(authorizer_id).write_text(json.dumps(record, indent=2), "utf-8")
        profile = AuthorizerProfile(
            authorizer_id=authorizer_id,
            name=name,
            level=level,
            public_key=key.public_key(),
            txn_types=txn_types,
            amount_limit_fen=amount_limit_fen,
            staff_id=staff_id or authorizer_id,
            joined=joined or time.strftime("%Y-%m-%d"),
            roles=roles,
        )
        directory.publish(profile)
        return profile

    def _attempts_file(self, authorizer_id: str) -> Path:
        return self.root / "identities" / f"{authorizer_id}.attempts.json"

    def _attempts(self, authorizer_id: str) -> tuple[int, float]:
        """(wrong PINs in a row, locked until: epoch seconds, 0 when not locked)."""
        try:
            data = json.loads(self._attempts_file(authorizer_id).read_text(encoding="utf-8"))
            return int(data["wrong"]), float(data["locked_until"])
        except FileNotFoundError:
            return 0, 0.0
        except OSError as exc:
            raise ProtocolError(ErrorCode.STORAGE, f"cannot read the PIN attempts: {exc}") from exc
        except (ValueError, KeyError, TypeError):  # damaged: counted as at the limit
            return self.max_wrong_pins, self.clock() + self.lockout_s

    def _set_attempts(self, authorizer_id: str, wrong: int, locked_until: float) -> None:
        path = self._attempts_file(authorizer_id)
        try:
            if wrong == 0 and locked_until == 0.0:
                path.unlink(missing_ok=True)
                return
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"wrong": wrong, "locked_until": locked_until}), "utf-8")
            os.replace(tmp, path)
        except OSError as exc:  # a PIN check that cannot be counted is not accepted
            raise ProtocolError(ErrorCode.STORAGE, f"cannot record the PIN attempt: {exc}") from exc

    def check_pin(self, authorizer_id: str, pin: str) -> None:
        """Check an authorizer's PIN, counting wrong ones. Raises ``E_BAD_CREDENTIALS`` (the
        detail says how many tries are left) or ``E_PIN_LOCKED`` (until when)."""
        identity = self._identity_file(authorizer_id)
        if not identity.exists():
            raise ProtocolError(ErrorCode.BAD_CREDENTIALS, "unknown authorizer or wrong PIN")
        wrong, locked_until = self._attempts(authorizer_id)
        now = self.clock()
        if locked_until > now:
            raise PinRefused(locked_until=locked_until)
        if locked_until:  # the lock-out is over: a fresh count
            wrong = 0
        record = json.loads(identity.read_text(encoding="utf-8"))
        if check_pin(pin, record["pin"]):
            if wrong or locked_until:
                self._set_attempts(authorizer_id, 0, 0.0)
            return
        wrong += 1
        if wrong >= self.max_wrong_pins:
            until = now + self.lockout_s
            self._set_attempts(authorizer_id, wrong, until)
            raise PinRefused(locked_until=until)
        self._set_attempts(authorizer_id, wrong, 0.0)
        raise PinRefused(tries_left=self.max_wrong_pins - wrong)

    def unlock(self, authorizer_id: str, pin: str) -> SigningKey:
        """Check the PIN (counted) and unlock the authorizer's key for this session."""
        self.check_pin(authorizer_id, pin)
        try:
            passphrase = self.backend.get_password(SERVICE, self.secret_name(authorizer_id))
        except keyring.errors.KeyringError as exc:
            raise ProtocolError(ErrorCode.KEYRING, str(exc)) from exc
        if passphrase is None:
            raise ProtocolError(ErrorCode.KEYRING, f"no key secret for {authorizer_id}")
        private = decrypt_private_key(
            self._key_file(authorizer_id).read_bytes(), passphrase.encode()
        )
        return SigningKey(authorizer_id, private)

    def export_secrets(self, ids: list[str], terminals: tuple[str, ...] = ()) -> dict[str, str]:
        """The keyring entries for these authorizers and terminals (to seed a demo's in-memory
        keyring)."""
        names = [self.secret_name(a) for a in ids] + [self.curve_name(t) for t in terminals]
        out: dict[str, str] = {}
        for name in names:
            value = self.backend.get_password(SERVICE, name)
            if value is not None:
                out[name] = value
        return out

    # --- the terminal's CURVE key (transport) ---------------------------------------------

    @staticmethod
    def curve_name(terminal_id: str) -> str:
        return f"curve-secret:{terminal_id}"

    def provision_terminal(self, terminals: Path, terminal_id: str) -> Path:
        """A CURVE key pair for this terminal: the secret into the keyring, the public key to
        ``terminals/<id>.key`` for branch IT to copy to the broker and the center."""
        keys = generate_curve()
        self.backend.set_password(SERVICE, self.curve_name(terminal_id), keys.secret.decode())
        return write_public(terminals / f"{terminal_id}.key", keys.public, terminal_id)

    def terminal_keys(self, terminals: Path, terminal_id: str) -> CurveKeys:
        secret = self.backend.get_password(SERVICE, self.curve_name(terminal_id))
        if secret is None:
            raise ProtocolError(
                ErrorCode.KEYRING,
                f"terminal {terminal_id} has no CURVE key: run admin add-terminal",
            )
        return CurveKeys(read_public(terminals / f"{terminal_id}.key"), secret.encode())
