#!/usr/bin/env bash
# packaging/reader-smoke.sh FOLDER
# The reader's own build, checked: it carries the OCR models and no Qt, and, with no Python
# of ours on its path, it reads a simulator's voucher (the models load from the folder, the
# network is refused in the engine's process) and finds the voucher's account number on it.
set -euo pipefail
folder="$(readlink -f "$1")"
cd "$(dirname "$0")/.."
app="$folder/authdesk-reader"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
ls "$folder"/_internal/rapidocr/models/*.onnx >/dev/null \
  || { echo "reader-smoke: no OCR models in the build"; exit 1; }
! find "$folder" -iname '*Qt6Core*' -o -iname 'PySide6' | grep -q . \
  || { echo "reader-smoke: the reader's build carries Qt"; exit 1; }
! find "$folder" -path '*sim/render*' | grep -q . \
  || { echo "reader-smoke: the reader's build carries the simulators"; exit 1; }
account=$(.venv/bin/python - "$work/voucher.jpg" <<'PY'
import random, sys
from sim.teller import make_request
sim = make_request(random.Random(4), txn_type="cash_withdrawal", mismatch_rate=0.0)
ref = next(r for r in sim.request.evidence if r.kind == "voucher")
open(sys.argv[1], "wb").write(sim.evidence[ref.sha256])
print(sim.request.account_no)
PY
)
(cd "$work" && env -i HOME="$work" PATH=/usr/bin:/bin "$app" --check voucher.jpg) >"$work/out" 2>&1 \
  || { cat "$work/out"; echo "reader-smoke: the packaged reader did not read the voucher"; exit 1; }
tr -d ' ' <"$work/out" | grep -q "$account" \
  || { cat "$work/out"; echo "reader-smoke: the account number $account was not read"; exit 1; }
"$app" --help | grep -q -- "--broker" || { echo "reader-smoke: no reader options"; exit 1; }
echo "reader-smoke: ok ($(grep -c '^model:' "$work/out") models, $(tail -1 "$work/out"))"
