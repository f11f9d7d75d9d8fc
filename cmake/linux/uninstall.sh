#!/bin/sh
# Removes what install.sh installed (the files and folders listed in ~/.local/lib/aisp/installed-files)
# and nothing else. Your face library and the server's data (~/.local/share/aisp) stay, unless
# --purge is given and confirmed (--yes confirms without asking).
#   uninstall.sh [--purge [--yes]] [--quiet]
set -eu
purge=no yes=no quiet=no
for arg in "$@"; do
  case "$arg" in
    --purge) purge=yes ;;
    --yes) yes=yes ;;
    --quiet) quiet=yes ;;
    *) echo "usage: uninstall.sh [--purge [--yes]] [--quiet]" >&2; exit 2 ;;
  esac
done
[ -n "${HOME:-}" ] || { echo "uninstall: HOME is not set" >&2; exit 2; }
manifest=$HOME/.local/lib/aisp/installed-files
[ -f "$manifest" ] || { echo "uninstall: no AISP installation of this user ($manifest is missing)" >&2; exit 1; }
user_data=${XDG_DATA_HOME:-$HOME/.local/share}/aisp

if command -v systemctl >/dev/null 2>&1 && systemctl --user is-enabled aisp >/dev/null 2>&1; then
  systemctl --user disable --now aisp >/dev/null 2>&1 || true
fi
# Files first, then folders deepest first, each only if it is empty by then.
list=$(cat "$manifest")
echo "$list" | grep -v '/$' | while IFS= read -r path; do
  if [ -f "$path" ] || [ -L "$path" ]; then rm -f "$path"; fi
done
echo "$list" | sort -r | while IFS= read -r path; do
  if [ -d "$path" ]; then rmdir "$path" 2>/dev/null || true; fi
done

if [ "$purge" = yes ] && [ -d "$user_data" ]; then
  answer=$yes
  if [ "$yes" != yes ]; then
    printf 'Remove your face library and server data in %s? [y/N] ' "$user_data"
    read -r reply || reply=
    case "$reply" in y|Y|yes) answer=yes ;; esac
  fi
  if [ "$answer" = yes ]; then rm -rf "$user_data"; echo "uninstall: removed $user_data"; fi
elif [ "$quiet" = no ] && [ -d "$user_data" ]; then
  echo "uninstall: kept your face library and server data in $user_data (uninstall.sh --purge removes it)"
fi
[ "$quiet" = yes ] || echo "AISP uninstalled."
