#!/usr/bin/env bash
# packaging/smoke.sh DEB
# Install the package into a throwaway root (dpkg --root: nothing touches this machine's
# system), start its workstation offscreen, and check that it reaches its sign-in window and
# exits 0; then its admin tools: a configuration check and the template it installed.
set -euo pipefail
deb="$(readlink -f "$1")"
root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
. "$(dirname "$0")/throwaway-root.sh"
new_root "$root"
install_into "$root" "$deb"
app="$root/opt/authdesk/authdesk"
[ -L "$root/usr/bin/authdesk" ] && [ -f "$root/etc/authdesk/authdesk.toml" ]
"$app" admin config check "$root/etc/authdesk/authdesk.toml"
export HOME="$root/home" QT_QPA_PLATFORM=offscreen AUTHDESK_KEYRING=memory
log="$root/smoke.log"
env -u PYTHONPATH "$app" workstation --data-dir "$root/home/data" --language zh_CN \
  --quit-after 5 >"$log" 2>&1 || { cat "$log"; echo "smoke: the workstation failed"; exit 1; }
grep -q "sign-in window shown (zh_CN)" "$log" || { cat "$log"; echo "smoke: no sign-in window"; exit 1; }
echo "smoke: installed, configuration checked, sign-in window reached (zh_CN), exit 0"
