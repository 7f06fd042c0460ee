#!/usr/bin/env bash
# packaging/build-reader.sh
# The reader's own build: PyInstaller's one folder build/dist/authdesk-reader/ (runs without
# Python installed; the OCR engine and its models inside, no Qt), then a check that it reads a
# voucher with the network out of reach (packaging/reader-smoke.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
./run setup                                   # .venv (with the reader extra), Debian packages
.venv/bin/python -m pip install -q 'pyinstaller>=6.10,<7'
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN \
  --distpath build/dist --workpath build/work-reader packaging/authdesk-reader.spec
echo "built build/dist/authdesk-reader ($(du -sh build/dist/authdesk-reader | cut -f1))"
packaging/reader-smoke.sh build/dist/authdesk-reader
