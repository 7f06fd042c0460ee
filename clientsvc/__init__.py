"""AuthDesk services: everything that is not a widget. Never imports Qt."""

import os

# OpenCV reads its decode pixel limit once, at import: set it before any module imports cv2.
os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", str(60_000_000))
