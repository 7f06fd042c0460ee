"""AuthDesk services: everything that is not a widget. Never imports Qt."""

import os

# OpenCV reads its decode pixel limit once, at import: set it before any module imports cv2.
os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", str(60_000_000))
# NumPy's huge pages for large arrays cost more than they save for image buffers that come
# and go every item (app/allocator.py has the figures); read by NumPy at import.
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
