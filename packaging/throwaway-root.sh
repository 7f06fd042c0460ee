# Sourced by smoke.sh and upgrade-test.sh: a throwaway root to install packages into with
# dpkg --root, so that nothing touches this machine's system.

# new_root DIR: an empty dpkg database (and a home) under DIR
new_root() {
  mkdir -p "$1/var/lib/dpkg/updates" "$1/var/lib/dpkg/info" "$1/home"
  touch "$1/var/lib/dpkg/status"
}

# install_into DIR DEB: install (or upgrade to) DEB in DIR. Its dependencies are the host's
# (Qt's libraries, the fonts), not the empty root's: dpkg's word on them goes to DIR/dpkg.log.
install_into() {
  dpkg --root="$1" --force-depends --force-not-root --force-script-chrootless -i "$2" \
    >"$1/dpkg.log" 2>&1 || { cat "$1/dpkg.log"; exit 1; }
}
