"""``authdesk reader``: the machine reading of the evidence (要素比对), an MDP worker for
``authz.read`` on the broker (docs/READING.md). Needs the ``reader`` extra (the OCR engine and
its models), which the authorizer terminals do not carry."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from typing import Any

from app.commands.common import common_options, settings_of, stop_on_signals

NOT_INSTALLED = (
    "the OCR engine is not installed here: the reader runs where the reader extra is "
    "(pip install 'authdesk[reader]'); authorizer terminals do not carry it"
)


def register(sub: Any) -> None:
    rd = sub.add_parser("reader", help="the machine reading of vouchers and ID cards (OCR)")
    common_options(rd)
    rd.add_argument("--broker", help="the broker's endpoint (default from the configuration)")
    rd.add_argument("--id", help="the reader's id (default: the terminal id)")
    rd.add_argument("--threads", type=int, default=0, help="OCR threads (0: the engine's choice)")
    rd.add_argument(
        "--check",
        metavar="IMAGE",
        help="read one image file and print its lines, then exit (0: the engine read text)",
    )


def check_image(path: str, threads: int = 0) -> int:
    """The engine, from this install, on one image, with the network refused: what an operator
    (or the packaged build's smoke check) runs to see that the models are there and read."""
    from clientsvc.reading.ocr import OcrProcess

    try:
        with open(path, "rb") as f:
            data = f.read(64 * 1024 * 1024 + 1)
    except OSError as exc:
        print(f"authdesk reader: cannot read {path}: {exc}", file=sys.stderr)
        return 2
    ocr = OcrProcess(threads=threads)
    try:
        page = ocr.read(data)
    finally:
        ocr.close()
    print(f"engine: {ocr.identity}")
    for name, sha in sorted(ocr.models.items()):
        print(f"model: {name} {sha}")
    if page.problem:
        print(f"authdesk reader: {path} was not read: {page.problem}", file=sys.stderr)
        return 1
    for line in page.lines:
        print(f"{line.score:.2f} {list(line.box)} {line.text}")
    print(f"{len(page.lines)} lines in {page.ms} ms")
    return 0 if page.lines else 1


def run_reader(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("rapidocr") is None:
        print(f"authdesk reader: {NOT_INSTALLED}", file=sys.stderr)
        return 2
    if args.check:
        return check_image(args.check, args.threads)
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from app.keys import client_transport
    from clientsvc.reading.ocr import OcrProcess
    from clientsvc.reading.reader import ReadingDesk, TextCache
    from clientsvc.reading.service import ReaderConfig, ReaderService

    settings = settings_of(args, broker_endpoint=args.broker)
    reader_id = args.id or settings.terminal_id
    secret = settings.reading_secret(reader_id)
    try:
        key = serialization.load_pem_private_key(secret.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        key, problem = None, str(exc)
    else:
        problem = "not an Ed25519 key"
    if not isinstance(key, Ed25519PrivateKey):
        print(
            f"authdesk reader: no signing key for {reader_id} at {secret} ({problem}): "
            f"run `authdesk admin reader-key --id {reader_id}`",
            file=sys.stderr,
        )
        return 2
    cache_dir = settings.data_dir / "reader"
    cache_dir.mkdir(parents=True, exist_ok=True)
    ocr = OcrProcess(threads=args.threads)
    desk = ReadingDesk(ocr, TextCache(cache_dir / "text.sqlite3"), key, reader_id)
    service = ReaderService(
        ReaderConfig(
            endpoint=settings.broker_endpoint,
            transport=client_transport(settings),
            heartbeat_ms=settings.heartbeat_ms,
        ),
        desk,
    )
    print(f"reader {reader_id}: {ocr.identity} on {settings.broker_endpoint}", flush=True)
    stop_on_signals(service.stop_soon)
    try:
        service.serve_forever()
    finally:
        ocr.close()
    return 0


def run(args: argparse.Namespace) -> int:
    return run_reader(args)
