#!/usr/bin/env bash
# Writes cmake/windows/libobs.def: the libobs functions the Linux module (build/) imports, which the
# Windows cross build turns into an import library for obs.dll.
set -euo pipefail
cd "$(dirname "$0")/.."
module=build/plugins/aisp/bin/64bit/aisp.so
libobs=$(ldconfig -p | awk '/libobs\.so\.0 /{found = $NF} END {print found}')
{
  echo "; The libobs functions the AISP module calls, for the import library of a Windows build"
  echo "; cross-compiled without the OBS SDK (cmake/windows/AispWindowsCross.cmake). A function missing"
  echo "; here fails that build's link; regenerate from a Linux build with scripts/windows-def.sh."
  echo "LIBRARY obs.dll"
  echo "EXPORTS"
  comm -12 <(nm -D --undefined-only "$module" | awk '{print $2}' | sed 's/@.*//' | sort -u) \
           <(nm -D --defined-only "$libobs" | awk '{print $3}' | sort -u) | sed 's/^/    /'
} > cmake/windows/libobs.def
echo "wrote cmake/windows/libobs.def ($(grep -c '^    ' cmake/windows/libobs.def) functions)"
