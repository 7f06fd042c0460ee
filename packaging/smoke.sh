#!/usr/bin/env bash
# packaging/smoke.sh DEB
# Install the package into a throwaway root (dpkg --root: nothing touches this machine's
# system), start its workstation offscreen, and check that it reaches its sign-in window and
# exits 0; then its admin tools: a configuration check and the template it installed; then its
# services: the systemd units of the broker and the center (checked by systemd-analyze verify,
# and by their lines: the installed program, Restart=on-failure, the hardening), not enabled,
# and each unit's own command line run in the root until it serves, then stopped with SIGTERM.
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
# no simulator on a terminal: the demo's commands are not there, nor the renderer's modules
for command in demo teller colleague; do
  if "$app" "$command" --help >/dev/null 2>&1; then echo "smoke: the package has '$command'"; exit 1; fi
done
! grep -rqa "sim/render\|sim.render\|render_voucher" "$root/opt/authdesk" \
  || { echo "smoke: the package carries the simulators"; exit 1; }

fail() { echo "smoke: $*"; exit 1; }
units="$root/usr/lib/systemd/system"
for name in broker center; do
  unit="$units/authdesk-$name.service"
  [ -f "$unit" ] || fail "no $unit"
  read -r -a cmd <<<"$(sed -n 's/^ExecStart=//p' "$unit")"
  [ "${cmd[0]}" = /opt/authdesk/authdesk ] && [ -x "$root${cmd[0]}" ] && [ "${cmd[1]}" = "$name" ] \
    || fail "$unit: ExecStart is not the installed program's $name: ${cmd[*]}"
  for line in Restart=on-failure RestartSec=2 User=authdesk NoNewPrivileges=yes \
    ProtectSystem=strict ReadWritePaths=/var/lib/authdesk StateDirectory=authdesk PrivateTmp=yes \
    ProtectHome=yes CapabilityBoundingSet= WantedBy=multi-user.target; do
    grep -qx "$line" "$unit" || fail "$unit: no $line"
  done
  [ ! -e "$root/etc/systemd/system/multi-user.target.wants/authdesk-$name.service" ] \
    || fail "$name enabled by the package"
done
grep -q '^u authdesk - ' "$root/usr/lib/sysusers.d/authdesk.conf" || fail "no system user"
grep -q '^d /var/lib/authdesk 0750 authdesk authdesk' "$root/usr/lib/tmpfiles.d/authdesk.conf" \
  || fail "no data directory"
[ ! -e "$root/var/lib/authdesk" ] || fail "postinst touched the throwaway root's data directory"
if command -v systemd-analyze >/dev/null; then
  cp -n /lib/systemd/system/*.target "$units/"  # what the units are ordered after: this host's
  said=$(systemd-analyze verify --root="$root" --man=no authdesk-broker.service \
    authdesk-center.service 2>&1) || fail "systemd-analyze verify: $said"
  [ -z "$said" ] || fail "systemd-analyze verify: $said"  # unknown keys are only warnings
  verified="systemd-analyze verify clean"
else
  verified="no systemd-analyze here: lines checked only"
fi
# what the root's first boot does: its user and its data directory
if command -v systemd-sysusers >/dev/null && command -v systemd-tmpfiles >/dev/null; then
  systemd-sysusers --root="$root" authdesk.conf >/dev/null 2>&1 || fail "systemd-sysusers"
  systemd-tmpfiles --root="$root" --create authdesk.conf || fail "systemd-tmpfiles"
  uid=$(awk -F: '$1 == "authdesk" { print $3 }' "$root/etc/passwd")
  [ -n "$uid" ] && [ "$(stat -c '%a %u' "$root/var/lib/authdesk")" = "750 $uid" ] \
    || fail "the user or the data directory is not as declared"
fi
data="$root/var/lib/authdesk"
mkdir -p "$data"
as_service=()  # as the root's service user, without new privileges, when this shell may
if [ "$(id -u)" = 0 ] && [ -n "${uid:-}" ] && command -v setpriv >/dev/null; then
  chmod 755 "$root"  # (mktemp's 0700 would keep the service user out)
  as_service=(setpriv --reuid="$uid" --regid="$uid" --clear-groups --no-new-privs)
fi
# each unit's command line, with its paths into the root and loopback ports: it must serve
"${as_service[@]}" "$app" admin server-key --name broker --data-dir "$data" >/dev/null
"${as_service[@]}" "$app" admin server-key --name center --data-dir "$data" >/dev/null
export AUTHDESK_BROKER_ENDPOINT="tcp://127.0.0.1:0" AUTHDESK_CENTER_ENDPOINT="tcp://127.0.0.1:0" \
  AUTHDESK_VIDEO_ENDPOINT="tcp://127.0.0.1:0" AUTHDESK_CAMERA_ENDPOINT="tcp://127.0.0.1:0"
for name in broker center; do
  read -r -a cmd <<<"$(sed -n 's/^ExecStart=//p' "$units/authdesk-$name.service" \
    | sed -e "s#/opt/#$root/opt/#g" -e "s#/etc/authdesk/#$root/etc/authdesk/#g" \
      -e "s#/var/lib/authdesk#$data#g")"
  svc_log="$root/$name.log"
  env -u PYTHONPATH "${as_service[@]}" "${cmd[@]}" >"$svc_log" 2>&1 &
  pid=$!
  for _ in $(seq 150); do  # until it says it serves (or ends), at most 30 s
    grep -q "$name listening on" "$svc_log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  grep -q "$name listening on" "$svc_log" \
    || { kill "$pid" 2>/dev/null; cat "$svc_log"; fail "the $name unit's command did not serve"; }
  kill -TERM "$pid"
  wait "$pid" || { cat "$svc_log"; fail "the $name did not stop with 0 on SIGTERM"; }
done
echo "smoke: installed, configuration checked, sign-in window reached (zh_CN), exit 0;" \
  "broker and center units installed, not enabled, Restart=on-failure, $verified;" \
  "each unit's command served${as_service:+ as the service user} and stopped with 0 on SIGTERM"
