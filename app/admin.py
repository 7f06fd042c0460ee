"""Provisioning identities (``authdesk admin``) and the demo's throwaway identities."""

from __future__ import annotations

import json
import os
from pathlib import Path

from app.config import Settings
from clientsvc.curve import generate as generate_curve
from clientsvc.curve import write_public, write_server_secret
from clientsvc.identity import Directory
from clientsvc.keystore import KeyStore, memory_keyring_from_file

# Throwaway identities for the demo only: (id, name, level, PIN)
DEMO_AUTHORIZERS = (
    ("A1001", "李娜", 3, "123456"),
    ("A1002", "陈伟", 1, "123456"),
    ("A1003", "王强", 3, "123456"),  # the demo's simulated colleague (dual authorization)
)


# The demo's terminals: each has a CURVE key pair, as a real one would (admin add-terminal)
DEMO_TERMINALS = ("DEMO-WS-01", "DEMO-TELLER", "DEMO-CAMERA", "DEMO-COLLEAGUE")
DEMO_SERVERS = ("broker",)


def ensure_demo_identities(settings: Settings) -> None:
    """Provision the demo's authorizers, terminals and server keys once, with an in-memory
    keyring seeded from a demo file.

    The demo secrets file holds key passphrases and terminal keys in plain text: it exists only
    for the demo's throwaway identities and is never read unless ``keyring = "memory"`` is
    configured.
    """
    assert settings.demo_secrets_file is not None
    secrets_file = settings.demo_secrets_file
    keystore = KeyStore(settings.data_dir, memory_keyring_from_file(secrets_file))
    directory = Directory(settings.directory)
    ids = []
    for authorizer_id, name, level, pin in DEMO_AUTHORIZERS:
        ids.append(authorizer_id)
        have_key = (settings.data_dir / "keys" / f"{authorizer_id}.pem").exists()
        if have_key and directory.get(authorizer_id) is not None:
            continue
        keystore.provision(directory, authorizer_id=authorizer_id, name=name, level=level, pin=pin)
    for terminal in DEMO_TERMINALS:
        has_secret = keystore.backend.get_password("authdesk", keystore.curve_name(terminal))
        if has_secret is None or not (settings.terminals / f"{terminal}.key").exists():
            keystore.provision_terminal(settings.terminals, terminal)
    for server in DEMO_SERVERS:
        if not settings.server_secret(server).exists():
            provision_server(settings, server)
    secrets_file.parent.mkdir(parents=True, exist_ok=True)
    exported = keystore.export_secrets(ids, DEMO_TERMINALS)
    secrets_file.write_text(json.dumps(exported, indent=2), "utf-8")
    os.chmod(secrets_file, 0o600)


def provision_server(settings: Settings, name: str) -> Path:
    """A server's CURVE key pair: the secret certificate stays on this server (0600); the
    public one goes to ``directory/servers`` for the terminals to pin."""
    keys = generate_curve()
    write_server_secret(settings.server_secret(name), keys, name)
    return write_public(settings.servers / f"{name}.key", keys.public, name)


def add_authorizer(
    settings: Settings,
    keystore: KeyStore,
    *,
    authorizer_id: str,
    name: str,
    level: int,
    pin: str,
    txn_types: tuple[str, ...] = (),
    amount_limit_fen: int | None = None,
) -> Path:
    directory = Directory(settings.directory)
    keystore.provision(
        directory,
        authorizer_id=authorizer_id,
        name=name,
        level=level,
        pin=pin,
        txn_types=txn_types,
        amount_limit_fen=amount_limit_fen,
    )
    return settings.directory / f"{authorizer_id}.json"
