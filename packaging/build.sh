#!/usr/bin/env bash
# packaging/build.sh [VERSION]
# The packaged program: PyInstaller's one folder (build/dist/authdesk/, runs without Python
# installed), then the Debian package around it (build/authdesk_VERSION_amd64.deb).
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="${1:-$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -1)}"
./run setup                                   # .venv, Debian packages, compiled translations
.venv/bin/python -m pip install -q 'pyinstaller>=6.10,<7'
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN \
  --distpath build/dist --workpath build/work packaging/authdesk.spec
packaging/make-deb.sh build/dist/authdesk "$VERSION" "build/authdesk_${VERSION}_amd64.deb"
