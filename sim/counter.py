"""The simulated counters a camera films: who stands at each (``CounterScenes``, written by
the teller simulator) and the drawing of it (``SimulatedCounter``, a ``FrameSource`` for the
product's ``CameraPublisher``)."""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from clientsvc.video.camera import HEIGHT, WIDTH, FrameSource
from clientsvc.video.frames import CAMERA_ID
from sim.render import Face, person_sprite

SCENES_DIR = "counter-scenes"
"""Under a data directory: who stands at each simulated counter (the demo's teller simulator
writes it, the simulated camera films it)."""


class CounterScenes:
    """Who is at each simulated counter now, one small JSON file per camera id.

    The demo's stand-in for the world in front of a counter camera: the teller simulator puts
    its customer there when they step up and takes them away when they leave; the simulated
    camera draws whoever is there. Files are replaced whole (written aside, then renamed), so
    a reader never sees half of one."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, camera_id: str) -> Path:
        if not CAMERA_ID.fullmatch(camera_id.encode()):
            raise ValueError(f"not a camera id: {camera_id!r}")
        return self.root / f"{camera_id}.json"

    def put(self, camera_id: str, face: Face | None, request_id: str = "") -> None:
        """``face`` steps up to the counter (None: nobody is there)."""
        path = self._path(camera_id)
        if face is None:
            path.unlink(missing_ok=True)
            return
        self.root.mkdir(parents=True, exist_ok=True)
        body = {"sex": face.sex, "age": face.age, "features": face.features}
        body["request_id"] = request_id
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    def get(self, camera_id: str) -> Face | None:
        """Who is at the counter, or None (nobody, or nothing known of it)."""
        try:
            body = json.loads(self._path(camera_id).read_text(encoding="utf-8"))
            return Face(str(body["sex"]), int(body["age"]), int(body["features"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def stamp(self, camera_id: str) -> float | None:
        """When the counter last changed (a cheap look before reading it again)."""
        try:
            return self._path(camera_id).stat().st_mtime_ns / 1e9
        except OSError:
            return None


def counter_scenes(data_dir: Path) -> CounterScenes:
    return CounterScenes(data_dir / SCENES_DIR)


def passer_by(camera_id: str) -> Face:
    """Somebody at a counter nobody says anything about (tests, benchmarks): drawn the same for
    the same camera."""
    digest = hashlib.sha256(camera_id.encode()).digest()
    sex = "男" if digest[4] % 2 else "女"
    return Face(sex, 25 + digest[5] % 45, int.from_bytes(digest[:4], "big"))


class SimulatedCounter:
    """A teller's counter as a camera sees it: the wall, whoever stands at the counter, the
    counter top, and a burnt-in clock that moves every frame, so a frozen or late picture is
    visible at a glance.

    With ``scenes`` the person is whoever the teller simulator put at this counter (drawn with
    the same features as their ID photo, or somebody else's in a fraud), nobody between
    customers; without, a passer-by of this camera's."""

    SCENE_LOOK_S = 0.5  # how often the counter is looked at again

    def __init__(
        self,
        camera_id: str,
        width: int = WIDTH,
        height: int = HEIGHT,
        scenes: CounterScenes | None = None,
    ) -> None:
        self.camera_id = camera_id
        self.width, self.height = width, height
        self.scenes = scenes
        seed = sum(camera_id.encode()) % 255
        rng = np.random.default_rng(seed)
        y = np.linspace(0, 1, height, dtype=np.float32)[:, None]
        wall = np.empty((height, width, 3), np.uint8)
        wall[..., 0] = (150 + 40 * y).astype(np.uint8)  # BGR: a wall, lighter towards the desk
        wall[..., 1] = (140 + 30 * y).astype(np.uint8)
        wall[..., 2] = (120 + 20 * y).astype(np.uint8)
        s = height / HEIGHT
        # the window's frame behind the customer, and the bank's sign on the wall
        for x in (int(width * 0.08), int(width * 0.92)):
            cv2.rectangle(wall, (x - int(6 * s), 0), (x + int(6 * s), height), (120, 112, 100), -1)
        noise = rng.integers(0, 12, (height, width, 1), dtype=np.uint8)
        self._wall = cv2.add(wall, np.repeat(noise, 3, axis=2))
        self._desk_top = int(height * 0.72)
        desk = np.empty((height - self._desk_top, width, 3), np.uint8)
        desk[:] = (60, 90, 140)  # the counter
        cv2.rectangle(desk, (0, 0), (width, int(6 * s)), (40, 60, 100), -1)
        # the tray where papers and the ID are passed under the glass
        tray_w, tray_h = int(width * 0.22), int(height * 0.06)
        tx = width // 2 - tray_w // 2
        cv2.rectangle(
            desk, (tx, int(18 * s)), (tx + tray_w, int(18 * s) + tray_h), (46, 70, 110), -1
        )
        cv2.rectangle(desk, (tx, int(18 * s)), (tx + tray_w, int(18 * s) + tray_h), (34, 50, 80), 2)
        self._desk = desk
        self._face: Face | None = passer_by(camera_id) if scenes is None else None
        self._sprite: tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]] | None = None
        self._looked_at = -1e18
        self._stamp: float | None = None
        if self._face is not None:
            self._sprite = self._make_sprite(self._face)

    @property
    def person(self) -> Face | None:
        """Who is drawn at the counter now."""
        return self._face

    def _make_sprite(self, face: Face) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        h = int(self.height * 0.82)
        w = int(h * 290 / 370)  # the ID photo's proportions: the same drawing, larger
        # the same person as on their ID photo, in today's clothes
        outfit = hashlib.sha256(f"{face.features}:{time.strftime('%Y%m%d')}".encode()).digest()[0]
        rgb, alpha = person_sprite(face, w, h, margin=w // 4, outfit=outfit)
        return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), alpha

    def _look(self, t: float) -> None:
        """See who is at the counter (at most every ``SCENE_LOOK_S``)."""
        if self.scenes is None or t - self._looked_at < self.SCENE_LOOK_S:
            return
        self._looked_at = t
        stamp = self.scenes.stamp(self.camera_id)
        if stamp == self._stamp:
            return
        self._stamp = stamp
        face = self.scenes.get(self.camera_id)
        if face != self._face:
            self._face = face
            self._sprite = self._make_sprite(face) if face is not None else None

    def read(self, at_us: int) -> np.ndarray[Any, Any]:
        t = at_us / 1e6
        self._look(t)
        frame = self._wall.copy()
        w, h = self.width, self.height
        if self._sprite is not None:
            colour, alpha = self._sprite
            sh, sw = alpha.shape[:2]
            cx = int(w * 0.5 + w * 0.05 * math.sin(t * 0.7))  # the customer sways a little
            top = int(-h * 0.06 + h * 0.008 * math.sin(t * 2.1))
            x0, y0 = cx - sw // 2, top
            x1, y1 = min(w, x0 + sw), min(self._desk_top, y0 + sh)  # behind the counter
            sx0, sy0 = max(0, -x0), max(0, -y0)
            x0, y0 = max(0, x0), max(0, y0)
            if x1 > x0 and y1 > y0:
                a = alpha[sy0 : sy0 + y1 - y0, sx0 : sx0 + x1 - x0]
                c = colour[sy0 : sy0 + y1 - y0, sx0 : sx0 + x1 - x0]
                roi = frame[y0:y1, x0:x1]
                frame[y0:y1, x0:x1] = cv2.blendLinear(c, roi, a, 1.0 - a)
        frame[self._desk_top :] = self._desk
        stamp = (
            time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t)) + f".{int(t * 1000) % 1000:03d}"
        )
        s = h / HEIGHT
        cv2.rectangle(frame, (0, 0), (w, int(54 * s)), (0, 0, 0), -1)
        cv2.putText(
            frame,
            stamp,
            (int(18 * s), int(40 * s)),
            cv2.FONT_HERSHEY_SIMPLEX,
            1.2 * s,
            (255, 255, 255),
            max(1, int(2 * s)),
        )
        cv2.putText(
            frame,
            self.camera_id,
            (w - int(420 * s), int(40 * s)),
            cv2.FONT_HERSHEY_SIMPLEX,
            1.0 * s,
            (200, 230, 255),
            max(1, int(2 * s)),
        )
        sweep = int((t * 200) % w)  # a bar that crosses the picture every few seconds
        cv2.rectangle(frame, (sweep, h - int(10 * s)), (sweep + int(40 * s), h), (0, 200, 255), -1)
        return frame

    def close(self) -> None:
        pass


def simulated_counters(camera_id: str) -> FrameSource:
    return SimulatedCounter(camera_id)
