#!/usr/bin/env bash
# The per-user tarball as a user installs it, in a scratch HOME that already holds files of its own:
# install.sh, the installed command and OBS plugin (headless OBS), an upgrade, uninstall.sh keeping
# the user's data, and --purge --yes leaving HOME exactly as it was.
#   tarball-test.sh PACKAGES_DIR VERSION XVFB_RUN OBS_TEST FRAMES_DIR
set -euo pipefail
packages=$1 version=$2 xvfb=$3 obs_test=$4 frames=$5
here=$(cd "$(dirname "$0")" && pwd)
tarball=$packages/aisp-$version-linux-x86_64.tar.gz
[ -f "$tarball" ] || { echo "tarball-test: $tarball is missing: run scripts/package.sh" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "tarball-test: $*" >&2; exit 1; }

export HOME=$work/home
unset XDG_CONFIG_HOME XDG_DATA_HOME
# Things of the user's own that neither install nor uninstall may touch.
mkdir -p "$HOME/.config/obs-studio/plugins/other-plugin" "$HOME/.local/bin" "$HOME/.local/share"
echo "[General]" > "$HOME/.config/obs-studio/global.ini"
echo "other" > "$HOME/.config/obs-studio/plugins/other-plugin/keep"
printf '#!/bin/sh\n' > "$HOME/.local/bin/other-tool"
snapshot() { (cd "$HOME" && find . | sort); }
snapshot > "$work/before"

tar -C "$work" -xzf "$tarball"
unpacked=$work/aisp-$version-linux-x86_64
"$unpacked/install.sh" > "$work/install.log" || { cat "$work/install.log" >&2; fail "install.sh failed"; }
plugin=$HOME/.config/obs-studio/plugins/aisp
for path in "$plugin/bin/64bit/aisp.so" "$plugin/bin/64bit/aisp_core.so" "$plugin/data/models" "$plugin/data/locale/en-US.ini" \
            "$HOME/.local/bin/aisp" "$HOME/.local/lib/aisp/uninstall.sh" "$HOME/.config/systemd/user/aisp.service" \
            "$HOME/.local/share/man/man1/aisp.1.gz"; do
  [ -e "$path" ] || fail "install.sh did not install $path"
done
gzip -t "$HOME/.local/share/man/man1/aisp.1.gz" || fail "the man page is not gzip"

"$here/check-command.sh" "$HOME/.local/bin/aisp" "$HOME/.config/systemd/user/aisp.service" "$version"
"$xvfb" -a "$obs_test" "$HOME/.config/obs-studio/plugins" "$frames" basic > "$work/obs.log" 2>&1 \
  || { tail -30 "$work/obs.log" >&2; fail "the installed plugin failed in headless OBS"; }
grep "obs_headless_test (basic)" "$work/obs.log"

# Again: an upgrade replaces the installation in place.
"$unpacked/install.sh" > "$work/install2.log" || { cat "$work/install2.log" >&2; fail "installing over an installation failed"; }
grep -q "replacing" "$work/install2.log" || fail "install.sh did not say it replaced the installation"

"$HOME/.local/lib/aisp/uninstall.sh" > "$work/uninstall.log" || { cat "$work/uninstall.log" >&2; fail "uninstall.sh failed"; }
snapshot > "$work/after"
# What is left beyond the user's own files must be the user's data: the face library and the server's.
left=$(comm -13 "$work/before" "$work/after" | grep -v '^\./\.local/share/aisp' || true)
[ -z "$left" ] || fail "uninstall left: $left"
missing=$(comm -23 "$work/before" "$work/after")
[ -z "$missing" ] || fail "install or uninstall removed the user's own: $missing"
[ -f "$HOME/.local/share/aisp/faces.db" ] || fail "uninstall removed the face library without being asked"
grep -q "kept your face library" "$work/uninstall.log" || fail "uninstall did not say it kept the user's data"

"$unpacked/install.sh" > /dev/null
"$HOME/.local/lib/aisp/uninstall.sh" --purge --yes > /dev/null
snapshot > "$work/purged"
diff "$work/before" "$work/purged" >&2 || fail "uninstall --purge --yes did not leave HOME as it was"
echo "tarball-test: install, use, upgrade, uninstall and purge as a user all passed"
