"""When to look again at a folder of small files (keys, profiles) without looking at every file
on every question: a file published by renaming it into place changes the folder's time, which
one ``stat`` sees; a file edited in place is seen within ``rescan_s`` (its size or inode, if not
its time, tells it apart). ``changed()`` says which files there are when they changed.

A folder time within ``RACY_NS`` of now is not trusted (the clock that stamps files ticks in
milliseconds: a second change in the same tick would leave the time as it was), so a folder
changed a moment ago is looked at again until its time is safely in the past.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

RESCAN_S = 1.0  # how often the files are looked at when the folder has not changed
RACY_NS = 50_000_000  # 50 ms: several ticks of the coarsest file-time clock seen on Linux


Stamp = tuple[tuple[str, int, int, int], ...]  # (name, mtime ns, size, inode) per file


def files_stamp(folder: Path, suffix: str) -> Stamp:
    """The folder's files ending in ``suffix``, each with what tells an edit apart."""
    stamp = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if not entry.name.endswith(suffix):
                    continue
                try:
                    st = entry.stat()  # an edit in place may keep the time: not the size
                except FileNotFoundError:  # removed while we looked
                    continue
                stamp.append((entry.name, st.st_mtime_ns, st.st_size, st.st_ino))
    except (FileNotFoundError, NotADirectoryError):
        return ()
    return tuple(sorted(stamp))


class FolderWatch:
    def __init__(self, folder: Path, rescan_s: float, suffix: str = "") -> None:
        self.folder = folder
        self.rescan_s = rescan_s
        self.suffix = suffix
        self._files: Stamp | None = None  # what changed() last returned
        self._seen = -2  # the folder's time at the last look; -1: the folder was missing
        self._looked_at = -1e18
        self._looked_ns = 0  # the wall clock at the last look

    def due(self) -> bool:
        """True when the files should be looked at now (and the look is counted as done)."""
        try:
            stamp = os.stat(self.folder).st_mtime_ns
        except (FileNotFoundError, NotADirectoryError):
            stamp = -1
        now = time.monotonic()
        # the last look came within a tick or so of the folder's time: a change made later in
        # that tick would not move the time, so the look does not count
        racy = stamp >= 0 and self._looked_ns - stamp < RACY_NS
        if stamp == self._seen and not racy and now - self._looked_at < self.rescan_s:
            return False
        self._seen, self._looked_at, self._looked_ns = stamp, now, time.time_ns()
        return True

    def changed(self) -> Stamp | None:
        """The files (ending in ``suffix``) when they changed since the last call (the first
        call counts as a change), else None: read them again then."""
        if not self.due():
            return None
        files = files_stamp(self.folder, self.suffix)
        if files == self._files:
            return None
        self._files = files
        return files
