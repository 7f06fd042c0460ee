"""Keep large image buffers in the process's heap instead of mapping them afresh each time.

glibc serves allocations above its mmap threshold with a fresh ``mmap`` and returns them with
``munmap``. Every evidence image decoded, fitted and painted allocates a few such buffers (a
1654 × 952 BGRA voucher is 6 MB), so each item costs page faults, zeroed pages and, with
several threads, TLB shoot-downs on every ``munmap``. Measured here on the workstation's item
cycle: 47 ms of CPU per item by default, 23 ms with these settings (with the other changes of
that day, fitting images on the pool among them, 60 → 21 ms: see docs/BENCHMARKS.md). The heap
then keeps up to ``TRIM_BYTES`` of freed memory for reuse rather than handing it back.

Threads get malloc arenas of their own, whose heaps glibc trims regardless of the threshold:
a 300 dpi A4 scan decoded on a pool thread while another decodes took 90 ms instead of 25.
One arena for the whole process keeps every thread on the tuned heap; the pool threads
allocate few, large buffers, so they hardly wait for its lock.

NumPy asks the kernel for transparent huge pages for every array of 4 MB or more (OpenCV's
Python binding allocates its results as NumPy arrays). Faulting those in, with compaction, made
the same A4 decode take 80-100 ms instead of 40 here; it is turned off for this process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys

log = logging.getLogger("authdesk.app")

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
ARENAS = 1
MMAP_BYTES = 32 * 1024 * 1024  # glibc's ceiling for the mmap threshold on 64-bit
TRIM_BYTES = 256 * 1024 * 1024


def keep_image_buffers_in_heap() -> bool:
    """Tune glibc's malloc and NumPy for this process (Linux only); False where it does not
    apply."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        from numpy._core import multiarray

        multiarray._set_madvise_hugepage(False)  # type: ignore[attr-defined]
    except (ImportError, AttributeError):  # another NumPy: the environment variable is read
        os.environ["NUMPY_MADVISE_HUGEPAGE"] = "0"  # at import, which may be too late
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    done = bool(
        mallopt(M_MMAP_THRESHOLD, MMAP_BYTES) == 1
        and mallopt(M_TRIM_THRESHOLD, TRIM_BYTES) == 1
        and mallopt(M_ARENA_MAX, ARENAS) == 1
    )
    if not done:
        log.warning("could not tune malloc; large image buffers will be mapped afresh")
    return done
