"""Key material each process needs, from the settings: the key store (signing keys and the
terminal's CURVE key) and the transport that secures its sockets.

Kept free of Qt so the headless processes (broker, teller, camera, colleague) can use it, and
lazy about the key store so a process on a plain transport never touches the OS keyring."""

from __future__ import annotations

import logging

import keyring.backend

from app.config import Settings
from clientsvc.audit.chain import read_receipt_public
from clientsvc.audit.sync import SyncConfig
from clientsvc.curve import KnownKeys, Transport, read_public, read_server_secret
from clientsvc.keystore import KeyStore, memory_keyring_from_file, os_keyring
from clientsvc.protocol.errors import ProtocolError

log = logging.getLogger("authdesk.keys")


def make_keystore(settings: Settings) -> KeyStore:
    """The key store: the OS keyring (allow-listed secure backends) in production, the
    in-memory demo keyring when the settings say ``keyring = "memory"``."""
    backend: keyring.backend.KeyringBackend
    if settings.keyring == "memory":
        backend = memory_keyring_from_file(settings.demo_secrets_file)
    else:
        backend = os_keyring()
    return KeyStore(
        settings.data_dir,
        backend,
        max_wrong_pins=settings.pin_attempts,
        lockout_s=settings.pin_lockout_min * 60,
    )


def server_transport(settings: Settings, name: str) -> Transport:
    """A server (the broker, the center): its secret certificate, the terminals it lets in."""
    if settings.transport == "plain":
        return Transport.plain()
    keys = read_server_secret(settings.server_secret(name))
    return Transport(curve=True, keys=keys, known=KnownKeys(settings.terminals))


def client_transport(
    settings: Settings, keystore: KeyStore | None = None, server: str | None = None
) -> Transport:
    """A terminal: its own key from the key store, the server's public key pinned (the
    broker's unless ``server`` names another, e.g. the center). The key store is built only
    when the transport is CURVE and none was given."""
    if settings.transport == "plain":
        return Transport.plain()
    store = keystore if keystore is not None else make_keystore(settings)
    keys = store.terminal_keys(settings.terminals, settings.terminal_id)
    pinned = read_public(settings.servers / f"{server or settings.broker_key}.key")
    return Transport(curve=True, keys=keys, server_public=pinned)


def sync_config(settings: Settings, keystore: KeyStore | None = None) -> SyncConfig:
    """The workstation's audit sync: the center's endpoint over the center's pinned CURVE key,
    receipts checked with its published receipt key. Without that key the sync stays off and
    says so (no receipt could be trusted)."""
    try:
        public = read_receipt_public(settings.receipt_public(settings.center_key))
    except ProtocolError as err:
        log.error("audit sync off: %s", err.detail)
        public = None
    return SyncConfig(
        endpoint=settings.center_endpoint,
        terminal_id=settings.terminal_id,
        center_public=public,
        transport=client_transport(settings, keystore, server=settings.center_key),
        batch=settings.sync_batch,
        retry_ms=int(settings.sync_retry_s * 1000),
    )
