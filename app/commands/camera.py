"""``authdesk camera``: a counter camera publishing to the broker's video relay."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from app.commands.common import common_options, settings_of, stop_on_signals


def register(sub: Any) -> None:
    cam = sub.add_parser("camera", help="a counter camera publishing to the broker's video relay")
    common_options(cam)
    cam.add_argument("--camera-endpoint", help="the broker's camera endpoint")
    cam.add_argument(
        "--source",
        default="simulate",
        help="'simulate' (any camera id asked for, drawn) or an OpenCV source: a device "
        "number or a stream URL (then --camera-id is required)",
    )
    cam.add_argument("--camera-id", help="the camera id a real source publishes as")
    cam.add_argument("--fps", type=float, default=25.0)


def run_camera(args: argparse.Namespace) -> int:
    from app.plugins import NO_SIMULATORS, simulators
    from clientsvc.video.camera import CameraPublisher, CapturedCamera, FrameSource

    settings = settings_of(args, camera_endpoint=args.camera_endpoint)
    open_source: Callable[[str], FrameSource | None]
    if args.source == "simulate":
        plugin = simulators()
        if plugin is None:
            print(f"authdesk: --source simulate: {NO_SIMULATORS}", file=sys.stderr)
            return 2
        open_source = plugin.drawn_counters(settings.data_dir)  # who the teller simulator put
    else:
        if not args.camera_id:
            print("authdesk: --camera-id is required with a real camera", file=sys.stderr)
            return 2
        CapturedCamera(args.source).close()  # fails now, with its reason, if it cannot open

        def captured(camera_id: str) -> FrameSource | None:
            # opened while somebody watches, released when nobody does
            return CapturedCamera(args.source) if camera_id == args.camera_id else None

        open_source = captured

    from app.keys import client_transport

    publisher = CameraPublisher(
        settings.camera_endpoint,
        open_source,
        fps=args.fps,
        transport=client_transport(settings),
    )
    stop_on_signals(publisher.stop)  # running on this thread: stop() only asks it to end
    publisher.run()
    return 0


def run(args: argparse.Namespace) -> int:
    return run_camera(args)
