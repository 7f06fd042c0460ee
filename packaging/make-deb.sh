#!/usr/bin/env bash
# packaging/make-deb.sh FOLDER VERSION OUT.deb
# Wrap a built one-folder program in a Debian package:
#   /opt/authdesk/            the program (FOLDER)
#   /usr/bin/authdesk         → /opt/authdesk/authdesk
#   /etc/authdesk/authdesk.toml   the terminal's configuration, a conffile (an upgrade keeps it)
#   /usr/share/applications/authdesk.desktop, the icon (hicolor, scalable)
#   /usr/lib/systemd/system/authdesk-{broker,center}.service   the services under
#       systemd (Restart=on-failure), installed and not enabled; their user (sysusers.d) and
#       data directory /var/lib/authdesk (tmpfiles.d), made by postinst
# Data stays out of the package: the user's data directory (audit cache, directory of keys and
# profiles), or /var/lib/authdesk for the broker and center services (data_dir in the file).
set -euo pipefail
folder="$1" version="$2" out="$3"
here="$(cd "$(dirname "$0")" && pwd)"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/opt" "$stage/usr/bin" "$stage/etc/authdesk" "$stage/DEBIAN" \
  "$stage/usr/share/applications" "$stage/usr/share/icons/hicolor/scalable/apps" \
  "$stage/usr/lib/systemd/system" "$stage/usr/lib/sysusers.d" "$stage/usr/lib/tmpfiles.d"
cp -a "$folder" "$stage/opt/authdesk"
ln -s ../../opt/authdesk/authdesk "$stage/usr/bin/authdesk"
"$folder/authdesk" admin config template > "$stage/etc/authdesk/authdesk.toml"
cp "$here/authdesk.desktop" "$stage/usr/share/applications/"
cp "$here/../resources/icons/authdesk.svg" "$stage/usr/share/icons/hicolor/scalable/apps/"
install -m 0644 "$here"/systemd/*.service "$stage/usr/lib/systemd/system/"
install -m 0644 "$here/sysusers.conf" "$stage/usr/lib/sysusers.d/authdesk.conf"
install -m 0644 "$here/tmpfiles.conf" "$stage/usr/lib/tmpfiles.d/authdesk.conf"
install -m 0755 "$here/postinst" "$here/prerm" "$here/postrm" "$stage/DEBIAN/"
echo "/etc/authdesk/authdesk.toml" > "$stage/DEBIAN/conffiles"
size=$(du -sk "$stage" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" "$here/control.in" > "$stage/DEBIAN/control"
# xz for what is shipped (smaller); DEB_COMPRESS=gzip for throwaway test packages (faster)
dpkg-deb --root-owner-group -Z"${DEB_COMPRESS:-xz}" --build "$stage" "$out" >/dev/null
echo "built $out ($(du -h "$out" | cut -f1))"
