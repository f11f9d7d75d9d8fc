#!/usr/bin/env bash
# The Windows x64 OBS module, cross-compiled here with mingw-w64 (preset windows-x64-mingw), is a
# module OBS on Windows can load: a PE DLL exporting exactly the Linux module's entry points and
# importing only obs.dll and Windows' own DLLs (no mingw runtime DLL that OBS does not ship).
#   windows-cross-test.sh SOURCE_DIR LINUX_MODULE
set -euo pipefail
source_dir=$1 linux_module=$2
fail() { echo "windows-cross-test: $*" >&2; exit 1; }
cd "$source_dir"
cmake --preset windows-x64-mingw >/dev/null
cmake --build --preset windows-x64-mingw -j2 || fail "the cross build failed; a libobs function the module now calls is missing from cmake/windows/libobs.def? scripts/windows-def.sh rewrites it from the Linux build"
dll=build/windows-x64/plugins/aisp/bin/64bit/aisp.dll
[ -f "$dll" ] || fail "$dll was not built"
x86_64-w64-mingw32-objdump -f "$dll" | grep -q "file format pei-x86-64" || fail "$dll is not a PE x86-64 file"

exports=$(x86_64-w64-mingw32-objdump -p "$dll" | sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' | awk '/\]/{print $NF}' | grep -v Table | sort)
linux=$(nm -D --defined-only "$linux_module" | awk '$2 == "T" {print $3}' | sort)
[ "$exports" = "$linux" ] || fail "exports differ from the Linux module's: $(diff <(echo "$linux") <(echo "$exports") | tr '\n' ' ')"

imports=$(x86_64-w64-mingw32-objdump -p "$dll" | awk '/DLL Name:/{print $3}' | sort)
for name in $imports; do
  case "$name" in
    obs.dll|KERNEL32.dll|msvcrt.dll|USER32.dll|ADVAPI32.dll) ;;
    *) fail "$dll imports $name, which OBS on Windows does not provide" ;;
  esac
done
echo "$imports" | grep -qx obs.dll || fail "$dll does not import obs.dll"
echo "windows-cross-test: $dll exports $(echo "$exports" | wc -l) entry points, imports $(echo $imports)"
