#!/usr/bin/env bash
# The Debian package as a system installs it: dpkg -i, the aisp command on PATH used by a user with
# a scratch HOME, the OBS plugin found by OBS's own module search (headless OBS), then dpkg --purge
# leaving none of the package's files and the user's data alone. Needs root or passwordless sudo,
# like the apt step; a machine with another aisp package installed is left alone (skipped, 77).
#   deb-test.sh PACKAGES_DIR VERSION XVFB_RUN OBS_TEST FRAMES_DIR
set -euo pipefail
packages=$1 version=$2 xvfb=$3 obs_test=$4 frames=$5
here=$(cd "$(dirname "$0")" && pwd)
deb=$packages/aisp_${version}_amd64.deb
[ -f "$deb" ] || { echo "deb-test: $deb is missing: run scripts/package.sh" >&2; exit 1; }
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo -n"
if dpkg-query -W -f='${Status}' aisp 2>/dev/null | grep -q "install ok installed"; then
  echo "deb-test: an aisp package is already installed on this machine; not touching it" >&2
  exit 77
fi
work=$(mktemp -d)
installed=no
cleanup() {
  [ "$installed" = no ] || $sudo dpkg --purge aisp >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "deb-test: $*" >&2; exit 1; }

installed=yes
$sudo dpkg -i "$deb" > "$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -i failed"; }
dpkg -L aisp > "$work/files"
command -v aisp >/dev/null || fail "aisp is not on PATH after installing the package"
[ "$(command -v aisp)" = /usr/bin/aisp ] || fail "aisp on PATH is $(command -v aisp), not the package's"
gzip -t /usr/share/man/man1/aisp.1.gz || fail "the man page is not gzip"

export HOME=$work/home
unset XDG_CONFIG_HOME XDG_DATA_HOME
mkdir -p "$HOME"
"$here/check-command.sh" /usr/bin/aisp /usr/lib/systemd/user/aisp.service "$version"
"$xvfb" -a "$obs_test" system "$frames" basic > "$work/obs.log" 2>&1 \
  || { tail -30 "$work/obs.log" >&2; fail "the packaged plugin failed in headless OBS"; }
grep -E "OBS found aisp|obs_headless_test \(basic\)" "$work/obs.log"
grep -Eq "OBS found aisp at /usr/+lib/x86_64-linux-gnu/obs-plugins/aisp.so" "$work/obs.log" || fail "OBS did not find the system plugin where Debian's OBS looks"

$sudo dpkg --purge aisp > "$work/purge.log" 2>&1 || { cat "$work/purge.log" >&2; fail "dpkg --purge failed"; }
installed=no
left=""
while IFS= read -r path; do
  [ -d "$path" ] && continue # shared folders such as /usr/bin stay
  if [ -e "$path" ] || [ -L "$path" ]; then left="$left $path"; fi
done < "$work/files"
[ -z "$left" ] || fail "dpkg --purge left:$left"
for folder in /usr/lib/aisp /usr/share/obs/obs-plugins/aisp /usr/lib/x86_64-linux-gnu/obs-plugins/aisp; do
  [ ! -e "$folder" ] || fail "dpkg --purge left $folder"
done
[ -f "$HOME/.local/share/aisp/faces.db" ] || fail "removing the package removed the user's face library"
echo "deb-test: install, use and purge of the Debian package all passed"
