"""``authdesk admin``: provisioning, listing and revoking, as branch IT runs it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from app.admin import (
    AdminError,
    add_authorizer,
    add_terminal,
    listing,
    revoke_authorizer,
    revoke_terminal,
)
from app.config import load_settings
from clientsvc.curve import KnownKeys, read_public
from clientsvc.identity import Directory
from clientsvc.keystore import KeyStore, MemoryKeyring
from tests.helpers import authdesk


def _admin(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    proc = authdesk("admin", *args, env=env)
    output, _ = proc.communicate(timeout=60)
    return proc.returncode, output


def test_server_key_is_made_once_with_its_secret_for_the_owner_only(tmp_path: Path) -> None:
    rc, out = _admin("server-key", "--data-dir", str(tmp_path), "--name", "broker")
    assert rc == 0, out
    secret = tmp_path / "curve" / "broker.key_secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    public = read_public(tmp_path / "directory" / "servers" / "broker.key")
    rc, out = _admin("server-key", "--data-dir", str(tmp_path), "--name", "broker")
    assert rc == 2 and "has a key already" in out and "Traceback" not in out
    assert read_public(tmp_path / "directory" / "servers" / "broker.key") == public  # untouched


def test_keys_are_made_into_the_os_keyring_only(tmp_path: Path) -> None:
    rc, out = _admin(
        "add-terminal",
        "--data-dir",
        str(tmp_path),
        "--id",
        "WS-7",
        env={"AUTHDESK_KEYRING": "memory"},
    )
    assert rc == 2 and "OS keyring only" in out
    assert not (tmp_path / "directory" / "terminals" / "WS-7.key").exists()
    # this machine has no secure keyring: said plainly, nothing written
    rc, out = _admin("add-terminal", "--data-dir", str(tmp_path), "--id", "WS-7")
    assert rc == 2 and "E_KEYRING" in out and "Traceback" not in out
    assert not (tmp_path / "directory" / "terminals" / "WS-7.key").exists()


def test_provision_list_and_revoke(tmp_path: Path) -> None:
    settings = load_settings(None, env={}, data_dir=tmp_path, keyring="memory")
    keystore = KeyStore(tmp_path, MemoryKeyring())
    add_authorizer(
        settings,
        keystore,
        authorizer_id="B2001",
        name="赵敏",
        level=2,
        pin="4321",
        txn_types=("transfer",),
        amount_limit_fen=100_000 * 100,
        staff_id="T0042",
    )
    with pytest.raises(AdminError):  # an id is never reused with a new key
        add_authorizer(settings, keystore, authorizer_id="B2001", name="x", level=1, pin="1")
    add_terminal(settings, keystore, "WS-7")
    with pytest.raises(AdminError):
        add_terminal(settings, keystore, "WS-7")
    known = KnownKeys(settings.terminals)
    public = keystore.terminal_keys(settings.terminals, "WS-7").public
    assert known.names().get(public) == "WS-7"
    lines = listing(settings)
    assert any(
        line.startswith("authorizer B2001 赵敏 level 2 transfer limit ¥100,000 staff T0042")
        for line in lines
    )
    assert any(line.startswith("terminal WS-7 ") for line in lines)
    rc, out = _admin("revoke", "--data-dir", str(tmp_path), "--authorizer", "B2001")
    assert rc == 0, out
    profile = Directory(settings.directory).get("B2001")
    assert profile is not None and profile.revoked  # kept, to read old signatures against
    assert any(line.endswith("REVOKED") for line in listing(settings))
    revoke_terminal(settings, "WS-7")
    assert public not in known.names()  # the broker refuses it from the next handshake
    with pytest.raises(AdminError):
        revoke_terminal(settings, "WS-7")
    with pytest.raises(AdminError):
        revoke_authorizer(settings, "NOBODY")


def test_the_admin_commands_are_listed_in_the_readme() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    for command in (
        "add-authorizer",
        "add-terminal",
        "server-key",
        "revoke",
        "list",
        "config check",
        "audit-verify",
    ):
        assert f"authdesk admin {command}" in readme, command


def test_the_center_gets_a_receipt_key_and_does_not_start_without_it(tmp_path: Path) -> None:
    from clientsvc.audit.chain import read_receipt_public, read_receipt_signer

    bare = authdesk(
        "center", "--data-dir", str(tmp_path / "none"), env={"AUTHDESK_TRANSPORT": "plain"}
    )
    output, _ = bare.communicate(timeout=60)
    assert (
        bare.returncode == 2 and "server-key --name center" in output and "Traceback" not in output
    )
    rc, out = _admin("server-key", "--data-dir", str(tmp_path), "--name", "center")
    assert rc == 0 and "receipt key" in out, out
    secret = tmp_path / "curve" / "center.receipt_secret.pem"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    signer = read_receipt_signer(secret)
    public = read_receipt_public(tmp_path / "directory" / "servers" / "center.receipt.pem")
    assert signer.key_id == signer.sign("T", 1, "0" * 64, 1, 1).key_id
    from clientsvc.audit.chain import verify_receipt

    verify_receipt(signer.sign("T", 1, "0" * 64, 1, 1), public)


def test_audit_verify_counts_the_events_and_names_a_broken_chain(tmp_path: Path) -> None:
    import sqlite3

    from clientsvc.audit.store import AuditStore

    rc, out = _admin("audit-verify", "--data-dir", str(tmp_path))
    assert rc == 2 and "no audit cache" in out
    store = AuditStore(tmp_path / "audit.sqlite3")
    for i in range(25):
        store.append("item_received", {"n": i}, request_id=f"R{i}", authorizer_id="A1")
    store.close()
    rc, out = _admin("audit-verify", "--data-dir", str(tmp_path))
    assert rc == 0 and "25 events, chain intact" in out, out
    db = sqlite3.connect(tmp_path / "audit.sqlite3")
    db.execute("DROP TRIGGER events_no_update")  # someone with file access edits a row
    db.execute("UPDATE events SET payload = '{\"n\":99}' WHERE seq = 7")
    db.commit()
    db.close()
    rc, out = _admin("audit-verify", "--data-dir", str(tmp_path))
    assert rc == 1 and "chain BROKEN" in out, out
