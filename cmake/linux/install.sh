#!/bin/sh
# Installs AISP for the user running this script, from the unpacked tarball around it:
#   the OBS plugin   ${XDG_CONFIG_HOME:-~/.config}/obs-studio/plugins/aisp
#   the command      ~/.local/lib/aisp (the program), ~/.local/bin/aisp (its launcher)
#   the service      ${XDG_CONFIG_HOME:-~/.config}/systemd/user/aisp.service
#   the man page     ${XDG_DATA_HOME:-~/.local/share}/man/man1/aisp.1.gz
# Every file and folder it creates is listed in ~/.local/lib/aisp/installed-files, which
# ~/.local/lib/aisp/uninstall.sh removes again (and nothing else: your face library and the
# server's data in ~/.local/share/aisp stay unless you ask). Running it again upgrades.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ -n "${HOME:-}" ] || { echo "install: HOME is not set" >&2; exit 2; }
config=${XDG_CONFIG_HOME:-$HOME/.config}
data=${XDG_DATA_HOME:-$HOME/.local/share}
plugin=$config/obs-studio/plugins/aisp
lib=$HOME/.local/lib/aisp
launcher=$HOME/.local/bin/aisp
unit=$config/systemd/user/aisp.service
man=$data/man/man1/aisp.1.gz
manifest=$lib/installed-files

if [ -f "$manifest" ]; then
  echo "install: replacing the AISP installed before"
  sh "$lib/uninstall.sh" --quiet
fi
for path in "$plugin" "$lib" "$launcher" "$unit" "$man"; do
  if [ -e "$path" ] || [ -L "$path" ]; then
    echo "install: $path exists and was not installed by this script; move it away first" >&2
    exit 1
  fi
done

created=$(mktemp)
trap 'rm -f "$created"' EXIT
# Creates a folder and its missing parents, noting each one made (so uninstall removes only those).
make_dir() {
  [ -d "$1" ] && return 0
  make_dir "$(dirname "$1")"
  mkdir "$1"
  echo "$1/" >> "$created"
}

make_dir "$(dirname "$plugin")"
cp -R "$here/plugin/aisp" "$plugin"
find "$plugin" >> "$created"
make_dir "$(dirname "$lib")"
mkdir "$lib"
echo "$lib/" >> "$created"
cp -R "$here/cli" "$lib/cli"
find "$lib/cli" >> "$created"

make_dir "$(dirname "$launcher")"
sed -e "s|@AISP_COMMAND_CLI@|$lib/cli/aisp|" -e "s|@AISP_COMMAND_MODELS@|$plugin/data/models|" \
  "$here/share/aisp-launcher.in" > "$launcher"
chmod 755 "$launcher"
echo "$launcher" >> "$created"

make_dir "$(dirname "$unit")"
sed -e "s|@AISP_COMMAND@|%h/.local/bin/aisp|" "$here/share/aisp.service.in" > "$unit"
echo "$unit" >> "$created"
make_dir "$(dirname "$man")"
cp "$here/share/aisp.1.gz" "$man"
echo "$man" >> "$created"

cp "$here/uninstall.sh" "$lib/uninstall.sh"
echo "$lib/uninstall.sh" >> "$created"
echo "$manifest" >> "$created"
cp "$created" "$manifest"

echo "AISP $(cat "$here/VERSION") installed for $(id -un 2>/dev/null || echo this user):"
echo "  OBS plugin  $plugin (restart OBS, then add the filter 'AISP Face Filter' to a video source)"
echo "  command     $launcher"
case ":${PATH:-}:" in *":$HOME/.local/bin:"*) ;; *) echo "              (add ~/.local/bin to PATH to call it as aisp)";; esac
echo "  server      aisp serve --create-admin NAME, then: systemctl --user enable --now aisp"
echo "  uninstall   $lib/uninstall.sh"
