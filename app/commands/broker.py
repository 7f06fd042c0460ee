"""``authdesk broker``: the branch broker and its video relay."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from app.commands.common import common_options, settings_of, stop_on_signals


def register(sub: Any) -> None:
    br = sub.add_parser("broker", help="the branch broker")
    common_options(br)
    br.add_argument("--endpoint", help="bind address (default from the configuration)")
    br.add_argument("--heartbeat-ms", type=int)
    br.add_argument("--video-endpoint", help="where workstations subscribe to counter video")
    br.add_argument("--camera-endpoint", help="where counter cameras publish their frames")
    br.add_argument("--center", help="the center's endpoint, for every request's record")


def run_broker(args: argparse.Namespace) -> int:
    from app.keys import client_transport, server_transport
    from clientsvc.broker import Broker, BrokerConfig
    from clientsvc.broker.feed import CenterFeed
    from clientsvc.protocol.errors import ProtocolError
    from clientsvc.video.relay import VideoRelay

    settings = settings_of(
        args,
        broker_endpoint=args.endpoint,
        heartbeat_ms=args.heartbeat_ms,
        video_endpoint=args.video_endpoint,
        camera_endpoint=args.camera_endpoint,
        center_endpoint=args.center,
    )
    transport = server_transport(settings, settings.broker_key)
    journal: Path | None = settings.data_dir / "broker" / "journal.sqlite3"
    broker = Broker(
        BrokerConfig(
            endpoint=settings.broker_endpoint,
            directory=settings.directory,
            journal=journal,
            heartbeat_ms=settings.heartbeat_ms,
            transport=transport,
            resubmit_hold_ms=round(settings.resubmit_hold_s * 1000),
            test_packs=settings.test_packs,
        )
    )
    broker.bind()  # first: with CURVE this starts the ZAP handler the relay relies on too
    relay = None
    if settings.video_endpoint and settings.camera_endpoint:
        relay = VideoRelay(settings.camera_endpoint, settings.video_endpoint, transport=transport)
        relay.start()
    feed = None
    if settings.center_endpoint and journal is not None:  # every request's record to the center
        try:
            feed_transport = client_transport(settings, server=settings.center_key)
        except ProtocolError as err:  # the journal keeps everything: it catches up once fixed
            logging.getLogger("authdesk.feed").error(
                "no records to the center until this is fixed: %s", err.detail
            )
        else:
            feed = CenterFeed(
                journal,
                settings.terminal_id,
                settings.center_endpoint,
                transport=feed_transport,
                durable=lambda: broker.journal.durable_seq,
                presence=broker.presence,
            )
            feed.start()
    stop_on_signals(broker.stop)  # serving on this thread: stop() only asks it to end
    try:
        broker.serve_forever()
    finally:
        if relay is not None:
            relay.stop()
        if feed is not None:
            feed.stop()
    return 0


def run(args: argparse.Namespace) -> int:
    return run_broker(args)
