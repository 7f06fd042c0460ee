"""Provisioning identities (``authdesk admin``) and the demo's throwaway identities."""

from __future__ import annotations

import json
import os
from pathlib import Path

from app.config import Settings
from clientsvc.audit.chain import write_receipt_key
from clientsvc.curve import generate as generate_curve
from clientsvc.curve import read_public, write_public, write_server_secret
from clientsvc.identity import Directory
from clientsvc.keystore import KeyStore, memory_keyring_from_file

# Throwaway identities for the demo only: (id, name, level, PIN)
DEMO_AUTHORIZERS = (
    ("A1001", "李娜", 3, "123456"),
    ("A1002", "陈伟", 1, "123456"),
    ("A1003", "王强", 3, "123456"),  # the demo's simulated colleague (dual authorization)
)
# the demo's center lead (抽查复审, confirms findings): `authdesk demo --lead` opens the desk
DEMO_LEAD = ("L9001", "张主任", 3, "123456")


# The demo's terminals: each has a CURVE key pair, as a real one would (admin add-terminal)
DEMO_TERMINALS = (
    "DEMO-WS-01",
    "DEMO-TELLER",
    "DEMO-CAMERA",
    "DEMO-COLLEAGUE",
    "DEMO-BROKER",
    "DEMO-LEAD",
    "DEMO-READER",
)
DEMO_SERVERS = ("broker", "center")


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
    for authorizer_id, name, level, pin in (*DEMO_AUTHORIZERS, DEMO_LEAD):
        ids.append(authorizer_id)
        have_key = (settings.data_dir / "keys" / f"{authorizer_id}.pem").exists()
        if have_key and directory.get(authorizer_id) is not None:
            continue
        roles = ("lead",) if authorizer_id == DEMO_LEAD[0] else ()
        keystore.provision(
            directory, authorizer_id=authorizer_id, name=name, level=level, pin=pin, roles=roles
        )
    for terminal in DEMO_TERMINALS:
        has_secret = keystore.backend.get_password("authdesk", keystore.curve_name(terminal))
        if has_secret is None or not (settings.terminals / f"{terminal}.key").exists():
            keystore.provision_terminal(settings.terminals, terminal)
    for server in DEMO_SERVERS:
        missing_receipt_key = server == settings.center_key and not (
            settings.receipt_secret(server).exists()
        )
        if not settings.server_secret(server).exists() or missing_receipt_key:
            provision_server(settings, server)
    if not settings.reading_secret("DEMO-READER").exists():
        provision_reader(settings, "DEMO-READER")
    secrets_file.parent.mkdir(parents=True, exist_ok=True)
    exported = keystore.export_secrets(ids, DEMO_TERMINALS)
    secrets_file.write_text(json.dumps(exported, indent=2), "utf-8")
    os.chmod(secrets_file, 0o600)


def provision_server(settings: Settings, name: str) -> Path:
    """A server's CURVE key pair: the secret certificate stays on this server (0600); the
    public one goes to ``directory/servers`` for the terminals to pin. The center (``name`` =
    the setting ``center_key``) also gets its Ed25519 receipt key, published beside it."""
    keys = generate_curve()
    write_server_secret(settings.server_secret(name), keys, name)
    if name == settings.center_key:
        write_receipt_key(settings.receipt_secret(name), settings.receipt_public(name))
    return write_public(settings.servers / f"{name}.key", keys.public, name)


def provision_reader(settings: Settings, reader_id: str) -> Path:
    """A reader's Ed25519 signing key: the secret stays on the reader (0600), the public key
    goes to ``directory/readers/<reader_id>.pem`` for the broker (readings signed with it are
    accepted as that reader's). Its CURVE key is a terminal's (``add-terminal``)."""
    public = settings.readers / f"{reader_id}.pem"
    write_receipt_key(settings.reading_secret(reader_id), public)
    return public


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
    staff_id: str = "",
    roles: tuple[str, ...] = (),
    joined: str = "",
) -> Path:
    directory = Directory(settings.directory)
    if directory.get(authorizer_id) is not None:
        raise AdminError(f"{authorizer_id} exists already: revoke it and choose a new id")
    keystore.provision(
        directory,
        authorizer_id=authorizer_id,
        name=name,
        level=level,
        pin=pin,
        txn_types=txn_types,
        amount_limit_fen=amount_limit_fen,
        staff_id=staff_id,
        roles=roles,
        joined=joined,
    )
    return settings.directory / f"{authorizer_id}.json"


class AdminError(ValueError):
    """An admin command that would do the wrong thing; nothing was changed."""


def add_terminal(settings: Settings, keystore: KeyStore, terminal_id: str) -> Path:
    """This terminal's CURVE key pair: the secret into this machine's keyring, the public key
    into ``directory/terminals`` for branch IT to copy to the broker and the center."""
    if (settings.terminals / f"{terminal_id}.key").exists():
        raise AdminError(f"terminal {terminal_id} has a key already: revoke it first")
    return keystore.provision_terminal(settings.terminals, terminal_id)


def revoke_authorizer(settings: Settings, authorizer_id: str) -> Path:
    """Mark the authorizer's profile revoked: from the moment the broker re-reads the file
    (it checks its modification time on every message), nothing signed with that key is
    accepted and no item goes to them. The file stays, so old signatures can still be read
    against it; publish the changed file to every broker, teller and the center."""
    path = settings.directory / f"{authorizer_id}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AdminError(f"{path}: no readable profile ({exc})") from exc
    data["revoked"] = True
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), "utf-8")
    os.replace(tmp, path)
    return path


def revoke_terminal(settings: Settings, terminal_id: str) -> Path:
    """Delete the terminal's public key: the broker and the center refuse its connections
    from their next handshake (the key list is re-read when the folder changes)."""
    path = settings.terminals / f"{terminal_id}.key"
    if not path.exists():
        raise AdminError(f"{path}: no such terminal key")
    path.unlink()
    return path


def listing(settings: Settings) -> list[str]:
    """Authorizers (id, name, level, types, limit, key id, revoked) and the terminals' keys:
    what branch IT compares against the broker's and the center's copies."""
    lines = []
    directory = Directory(settings.directory)
    for path in sorted(settings.directory.glob("*.json")):
        profile = directory.get(path.stem)
        if profile is None:
            lines.append(f"authorizer {path.stem}: UNREADABLE profile {path}")
            continue
        limit = (
            "no limit"
            if profile.amount_limit_fen is None
            else f"limit ¥{profile.amount_limit_fen // 100:,}"
        )
        types = ",".join(profile.txn_types) or "all types"
        lines.append(
            f"authorizer {profile.authorizer_id} {profile.name} level {profile.level} "
            f"{types} {limit} staff {profile.staff_id} key {profile.key_id}"
            + (" REVOKED" if profile.revoked else "")
        )
    for path in sorted(settings.terminals.glob("*.key")):
        lines.append(f"terminal {path.stem} {read_public(path).decode('ascii')}")
    for path in sorted(settings.servers.glob("*.key")):
        lines.append(f"server {path.stem} {read_public(path).decode('ascii')} (pinned)")
    return lines
