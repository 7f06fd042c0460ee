"""Provisioning identities (``authdesk admin``) and the demo's throwaway identities."""

from __future__ import annotations

import json
import os
from pathlib import Path

from app.config import Settings
from clientsvc.identity import Directory
from clientsvc.keystore import KeyStore, memory_keyring_from_file

# Throwaway identities for the demo only: (id, name, level, PIN)
DEMO_AUTHORIZERS = (
    ("A1001", "李娜", 3, "123456"),
    ("A1002", "陈伟", 1, "123456"),
    ("A1003", "王强", 3, "123456"),  # the demo's simulated colleague (dual authorization)
)


def ensure_demo_identities(settings: Settings) -> None:
    """Provision the demo authorizers once, with an in-memory keyring seeded from a demo file.

    The demo secrets file holds key passphrases in plain text: it exists only for the demo's
    throwaway identities and is never read unless ``keyring = "memory"`` is configured.
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
    secrets_file.parent.mkdir(parents=True, exist_ok=True)
    secrets_file.write_text(json.dumps(keystore.export_secrets(ids), indent=2), "utf-8")
    os.chmod(secrets_file, 0o600)


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
