"""``authdesk admin``: identities, keys, the terminal's audit check, the configuration."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.commands.common import common_options, settings_of
from app.config import (
    Settings,
    default_data_dir,
    load_settings,
)


def register(sub: Any) -> None:
    ad = sub.add_parser("admin", help="provision identities and keys")
    asub = ad.add_subparsers(dest="admin_command", required=True)
    add = asub.add_parser("add-authorizer", help="create an authorizer's key pair and profile")
    common_options(add)
    add.add_argument("--id", required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--level", type=int, required=True)
    add.add_argument("--pin", help="PIN (asked for when omitted)")
    add.add_argument("--types", default="", help="comma-separated transaction types (default: all)")
    add.add_argument("--limit-yuan", type=int, help="amount limit in yuan (default: none)")
    add.add_argument(
        "--staff-id", default="", help="their teller/staff id, for maker ≠ checker (default: id)"
    )
    add.add_argument("--roles", default="", help='"lead" for the center lead (comma-separated)')
    add.add_argument("--joined", default="", help="the day they started (default: today)")
    term = asub.add_parser("add-terminal", help="create this terminal's CURVE key pair")
    common_options(term)
    term.add_argument("--id", required=True, help="the terminal id (default setting: host name)")
    srv = asub.add_parser("server-key", help="create a server's CURVE key pair (broker, center)")
    common_options(srv)
    srv.add_argument("--name", default="broker")
    rdr = asub.add_parser("reader-key", help="create a reader's signing key (its readings)")
    common_options(rdr)
    rdr.add_argument("--id", required=True, help="the reader's id (its terminal id)")
    rev = asub.add_parser("revoke", help="revoke an authorizer's key or a terminal's key")
    common_options(rev)
    who = rev.add_mutually_exclusive_group(required=True)
    who.add_argument("--authorizer", metavar="ID")
    who.add_argument("--terminal", metavar="ID")
    lst = asub.add_parser("list", help="authorizers, terminals and servers with their keys")
    common_options(lst)
    demo_ids = asub.add_parser("demo-identities", help="provision the demo's throwaway identities")
    common_options(demo_ids)
    aud = asub.add_parser(
        "audit-verify",
        help="check this terminal's audit cache (its chain, its receipts, the center's head)",
    )
    common_options(aud)
    aud.add_argument(
        "--offline",
        action="store_true",
        help="do not ask the center for its head (a cut tail then cannot show)",
    )
    cfg = asub.add_parser("config", help="check a configuration file, or print a template")
    cfg_sub = cfg.add_subparsers(dest="config_command", required=True)
    chk = cfg_sub.add_parser("check", help="explain every problem of a TOML configuration file")
    chk.add_argument("file", type=Path)
    cfg_sub.add_parser("template", help="a configuration file with every setting at its default")


def run_admin(args: argparse.Namespace) -> int:
    from app.admin import AdminError, ensure_demo_identities
    from clientsvc.protocol.errors import ProtocolError

    if args.admin_command == "config":
        return _config_command(args)
    if args.admin_command == "demo-identities":
        data = args.data_dir or default_data_dir() / "demo"
        settings = load_settings(
            args.config,
            data_dir=data,
            keyring="memory",
            demo_secrets_file=data / "demo-secrets.json",
        )
        ensure_demo_identities(settings)
        print(f"demo identities in {settings.directory}")
        return 0
    settings = settings_of(args)
    try:
        return _admin_command(args, settings)
    except (AdminError, ProtocolError) as exc:
        print(f"authdesk admin: {exc}", file=sys.stderr)
        return 2


def _audit_verify(settings: Settings, offline: bool = False) -> int:
    """Open the audit cache (upgrading it to this version's schema) and walk its chain against
    the center's receipts it holds and against the center's head, asked for now: a cache cut
    back to an earlier state of itself (its tail and that tail's receipts deleted, or a suffix
    re-hashed and the later receipts deleted) is a valid chain, and only the center's word
    shows it. Exit 0 intact, 1 broken, 3 intact here but the center could not be asked."""
    from app.keys import sync_config
    from clientsvc.audit.chain import ChainProblem, Receipt, read_receipt_public
    from clientsvc.audit.store import AuditStore
    from clientsvc.audit.sync import center_head
    from clientsvc.protocol.errors import ProtocolError

    if not settings.audit_path.exists():
        print(f"no audit cache at {settings.audit_path}", file=sys.stderr)
        return 2
    try:
        public = read_receipt_public(settings.receipt_public(settings.center_key))
    except ProtocolError:
        public = None  # the chain is still checked; receipts cannot be
    anchor: Receipt | None = None
    asked, unasked = False, "offline" if offline else ""
    if public is None:
        unasked = "no receipt key for the center"
    elif not offline:
        try:
            anchor = center_head(sync_config(settings), timeout_ms=5000)
            asked = True
        except ProtocolError as err:
            unasked = f"{err.code.value} {err.detail}"
    store = AuditStore(settings.audit_path)
    try:
        events, problems = len(store.events()), store.verify_chain(public, anchor=anchor)
        held = store.receipts()
    finally:
        store.close()
    if asked and anchor is None and held:
        problems.append(
            ChainProblem(
                "truncated",
                1,
                f"the center holds no row of terminal {settings.terminal_id}, yet the cache "
                f"holds {len(held)} receipt(s) it signed: the center's copy was deleted",
            )
        )
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    if asked:
        where = f"the center's head: seq {anchor.head_seq}" if anchor else "the center: no rows"
        checked = f" (checked against {where})"
    else:
        checked = f"; NOT checked against the center ({unasked}): a cut tail would not show"
    print(
        f"{settings.audit_path}: {events} events, chain "
        f"{'intact' if not problems else 'BROKEN'}{checked}"
    )
    if problems:
        return 1
    return 3 if unasked and public is not None and not offline else 0


def _config_command(args: argparse.Namespace) -> int:
    from app.config import check_file, template

    if args.config_command == "template":
        print(template())
        return 0
    problems = check_file(args.file)
    if not problems:
        print(f"{args.file}: fine")
        return 0
    print(f"{args.file}: {len(problems)} problem(s)", file=sys.stderr)
    for problem in problems:
        print(f"  - {problem.removeprefix(f'{args.file}: ')}", file=sys.stderr)
    return 2


def _admin_command(args: argparse.Namespace, settings: Settings) -> int:
    from app.admin import (
        AdminError,
        add_authorizer,
        add_terminal,
        listing,
        provision_reader,
        provision_server,
        revoke_authorizer,
        revoke_terminal,
    )
    from app.keys import make_keystore

    if args.admin_command == "list":
        print("\n".join(listing(settings)))
        return 0
    if args.admin_command == "audit-verify":
        return _audit_verify(settings, args.offline)
    if args.admin_command == "server-key":
        if settings.server_secret(args.name).exists():
            raise AdminError(f"{args.name} has a key already: {settings.server_secret(args.name)}")
        path = provision_server(settings, args.name)
        print(f"public key written: {path} (give it to every terminal: directory/servers/)")
        print(f"secret key: {settings.server_secret(args.name)} (stays on this server, 0600)")
        if args.name == settings.center_key:
            print(
                f"receipt key: {settings.receipt_public(args.name)} (to every workstation: "
                f"directory/servers/); its secret {settings.receipt_secret(args.name)} stays here"
            )
        return 0
    if args.admin_command == "reader-key":
        if settings.reading_secret(args.id).exists():
            raise AdminError(f"{args.id} has a key already: {settings.reading_secret(args.id)}")
        path = provision_reader(settings, args.id)
        print(f"public key written: {path} (give it to the broker: directory/readers/)")
        print(f"secret key: {settings.reading_secret(args.id)} (stays on this reader, 0600)")
        return 0
    if args.admin_command == "revoke":
        if args.authorizer:
            path = revoke_authorizer(settings, args.authorizer)
            print(f"revoked: {path} (copy it to the broker, the tellers and the center)")
        else:
            path = revoke_terminal(settings, args.terminal)
            print(f"deleted: {path} (delete it at the broker and the center too)")
        return 0
    if settings.keyring != "os":  # its secrets would vanish with this process
        raise AdminError('keys are made into the OS keyring only (keyring = "os")')
    keystore = make_keystore(settings)
    if args.admin_command == "add-terminal":
        path = add_terminal(settings, keystore, args.id)
        print(f"public key written: {path} (copy it to the broker's and the center's terminals/)")
        return 0
    pin = args.pin
    if pin is None:
        import getpass

        pin = getpass.getpass("PIN: ")
    path = add_authorizer(
        settings,
        keystore,
        authorizer_id=args.id,
        name=args.name,
        level=args.level,
        pin=pin,
        txn_types=tuple(t for t in args.types.split(",") if t),
        amount_limit_fen=None if args.limit_yuan is None else args.limit_yuan * 100,
        staff_id=args.staff_id,
        roles=tuple(r for r in args.roles.split(",") if r),
        joined=args.joined,
    )
    print(f"profile written: {path} (give this file to the broker and the tellers)")
    return 0


def run(args: argparse.Namespace) -> int:
    return run_admin(args)
