#!/usr/bin/env bash
# packaging/upgrade-test.sh FOLDER
# Upgrade a terminal from version N to N+1 and check its audit cache survives:
#   N   = the built one-folder program FOLDER (build/dist/authdesk), packaged as 0.N
#   N+1 = the same program plus one audit-cache migration (as a release that changes the
#         cache's schema would carry), packaged as 0.N+1
# In a throwaway root: install N, edit the terminal's configuration, run N's broker and
# workstation (signed in from the command line) to write real audit events, count them and
# verify the chain; install N+1 over it; then N+1 (which migrates the cache) must
# find the same events, an intact chain, the new schema, and the configuration as edited.
set -euo pipefail
folder="$(readlink -f "$1")"
export DEB_COMPRESS=gzip  # throwaway packages: build fast
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -a "$folder" "$work/next"
versions="$work/next/_internal/clientsvc/audit/migrations/versions"
head=$(sed -n 's/^revision = "\(.*\)"/\1/p' "$versions"/0*.py | sort | tail -1)
cat > "$versions/9001_upgrade_probe.py" <<PY
"""A release's migration: an index the upgrade test looks for."""
from alembic import op

revision = "9001"
down_revision = "$head"


def upgrade() -> None:
    op.create_index("ix_upgrade_probe", "events", ["kind"])


def downgrade() -> None:
    op.drop_index("ix_upgrade_probe", "events")
PY
"$here/make-deb.sh" "$folder" 0.1.0 "$work/authdesk_0.1.0_amd64.deb"
"$here/make-deb.sh" "$work/next" 0.1.1 "$work/authdesk_0.1.1_amd64.deb"
root="$work/root"
. "$here/throwaway-root.sh"
new_root "$root"
install() { install_into "$root" "$1"; }
export HOME="$root/home" QT_QPA_PLATFORM="offscreen:configfile=$here/../resources/screens-two.json"
data="$root/home/data"
install "$work/authdesk_0.1.0_amd64.deb"
echo 'language = "zh_CN"   # set by branch IT' >> "$root/etc/authdesk/authdesk.toml"
app="$root/opt/authdesk/authdesk"
# the terminal build has no simulators (no demo): N's own broker and workstation, signed in
# by the command line, write the audit events (sign-in, presence, sign-out)
# the demo identities are the terminal DEMO-WS-01 (its CURVE key is in the demo secrets file)
export AUTHDESK_KEYRING=memory AUTHDESK_DEMO_SECRETS_FILE="$data/demo-secrets.json" \
  AUTHDESK_TERMINAL_ID=DEMO-WS-01
"$app" admin demo-identities --data-dir "$data" > "$work/demo.log" 2>&1
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$app" broker --data-dir "$data" --endpoint "tcp://127.0.0.1:$port" >> "$work/demo.log" 2>&1 &
broker=$!
"$app" workstation --data-dir "$data" --broker "tcp://127.0.0.1:$port" --signin A1001:123456 \
  --quit-after 15 >> "$work/demo.log" 2>&1 \
  || { kill "$broker"; tail -40 "$work/demo.log"; echo "upgrade: N's workstation failed"; exit 1; }
kill "$broker"; wait "$broker" || true
before=$("$root/opt/authdesk/authdesk" admin audit-verify --offline --data-dir "$data")  # no center here
echo "N:   $before"
install "$work/authdesk_0.1.1_amd64.deb"
grep -q 'language = "zh_CN"   # set by branch IT' "$root/etc/authdesk/authdesk.toml" \
  || { echo "upgrade: the configuration was not kept"; exit 1; }
after=$("$root/opt/authdesk/authdesk" admin audit-verify --offline --data-dir "$data")  # no center here
echo "N+1: $after"
n_before=$(echo "$before" | sed -n 's/.*: \([0-9]*\) events.*/\1/p')
n_after=$(echo "$after" | sed -n 's/.*: \([0-9]*\) events.*/\1/p')
[ "$n_before" -gt 0 ] && [ "$n_before" = "$n_after" ] && echo "$after" | grep -q "chain intact" \
  || { echo "upgrade: events or chain lost ($n_before → $n_after)"; exit 1; }
python3 - "$data/audit.sqlite3" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
assert db.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9001"
assert db.execute("SELECT 1 FROM sqlite_master WHERE name = 'ix_upgrade_probe'").fetchone()
PY
echo "upgrade: 0.1.0 → 0.1.1 kept the configuration, $n_after events, chain intact, schema at 9001"
