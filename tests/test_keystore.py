"""The key store: PINs counted and locked out, secure keyring backends only."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import keyring
import keyring.backend
import pytest

from clientsvc.identity import Directory
from clientsvc.keystore import KeyStore, MemoryKeyring, PinRefused, os_keyring
from clientsvc.protocol.errors import ErrorCode, ProtocolError


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock) -> KeyStore:
    keystore = KeyStore(tmp_path, MemoryKeyring(), max_wrong_pins=3, lockout_s=900, clock=clock)
    keystore.provision(
        Directory(tmp_path / "directory"), authorizer_id="A1", name="王芳", level=3, pin="2468"
    )
    return keystore


def _refused(store: KeyStore, pin: str) -> PinRefused:
    with pytest.raises(PinRefused) as caught:
        store.check_pin("A1", pin)
    return caught.value


def test_wrong_pin_three_times_locks_the_authorizer_out(store: KeyStore, clock: Clock) -> None:
    assert _refused(store, "0000").tries_left == 2
    assert _refused(store, "1111").tries_left == 1
    third = _refused(store, "2222")
    assert third.code is ErrorCode.PIN_LOCKED
    assert third.locked_until == clock.now + 900
    # locked: the right PIN does not help, at sign-in either, and the key stays locked
    assert _refused(store, "2468").code is ErrorCode.PIN_LOCKED
    with pytest.raises(PinRefused):
        store.unlock("A1", "2468")
    # a restart (a new key store on the same files) does not reset the count
    again = dataclasses.replace(store)
    assert _refused(again, "2468").code is ErrorCode.PIN_LOCKED
    clock.now += 901  # the lock-out is over: the right PIN works, and the count starts again
    store.check_pin("A1", "2468")
    assert store.unlock("A1", "2468").authorizer_id == "A1"
    assert _refused(store, "0000").tries_left == 2


def test_the_right_pin_resets_the_count(store: KeyStore) -> None:
    _refused(store, "0000")
    _refused(store, "1111")
    store.check_pin("A1", "2468")
    assert _refused(store, "0000").tries_left == 2


def test_a_damaged_attempts_file_counts_as_locked(store: KeyStore, tmp_path: Path) -> None:
    _refused(store, "0000")
    attempts = tmp_path / "identities" / "A1.attempts.json"
    attempts.write_text("{not json", encoding="utf-8")
    assert _refused(store, "2468").code is ErrorCode.PIN_LOCKED


def test_an_unknown_authorizer_is_refused_without_saying_which_part_was_wrong(
    store: KeyStore,
) -> None:
    with pytest.raises(ProtocolError) as caught:
        store.check_pin("NOBODY", "2468")
    assert caught.value.code is ErrorCode.BAD_CREDENTIALS
    assert not isinstance(caught.value, PinRefused)


def test_a_pin_attempt_that_cannot_be_recorded_is_not_accepted(
    store: KeyStore, tmp_path: Path
) -> None:
    """A full or broken disk must not turn into unlimited guesses."""
    (tmp_path / "identities" / "A1.attempts.tmp").mkdir()  # where the count is written
    with pytest.raises(ProtocolError) as caught:
        store.check_pin("A1", "0000")
    assert caught.value.code is ErrorCode.STORAGE
    (tmp_path / "identities" / "A1.attempts.tmp").rmdir()
    (tmp_path / "identities" / "A1.attempts.json").mkdir()  # where it is read
    with pytest.raises(ProtocolError) as caught:
        store.check_pin("A1", "2468")  # even the right PIN: the count cannot be known
    assert caught.value.code is ErrorCode.STORAGE


class PlaintextKeyring(keyring.backend.KeyringBackend):
    """Like ``keyrings.alt.file.PlaintextKeyring``: secrets in a readable file."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise AssertionError("must never be written to")

    def delete_password(self, service: str, username: str) -> None:
        pass


@pytest.fixture
def keyring_backend():  # type: ignore[no-untyped-def]
    before = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(before)


def test_a_plaintext_keyring_backend_is_refused(keyring_backend) -> None:  # type: ignore[no-untyped-def]
    keyring_backend(PlaintextKeyring())
    with pytest.raises(ProtocolError) as caught:
        os_keyring()
    assert caught.value.code is ErrorCode.KEYRING
    assert "PlaintextKeyring" in caught.value.detail


def test_the_null_and_fail_backends_are_refused_too(keyring_backend) -> None:  # type: ignore[no-untyped-def]
    from keyring.backends import fail, null

    for backend in (null.Keyring(), fail.Keyring()):
        keyring_backend(backend)
        with pytest.raises(ProtocolError):
            os_keyring()


def test_a_secure_backend_on_the_allow_list_is_taken(keyring_backend) -> None:  # type: ignore[no-untyped-def]
    from keyring.backends import SecretService

    keyring_backend(SecretService.Keyring())
    assert type(os_keyring()).__name__ == "Keyring"
