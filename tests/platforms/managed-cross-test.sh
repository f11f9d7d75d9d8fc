#!/usr/bin/env bash
# The managed projects (the core with its export layer, the CLI with the server) build for Windows
# x64 and macOS arm64 with the platform-compatibility analyzers clean: every call that exists on
# one system only (CA1416) is behind its check. Built apart from the Linux build (--artifacts-path),
# so nothing of it reaches build/ or the projects' own obj folders.
#   managed-cross-test.sh SOURCE_DIR ARTIFACTS_DIR
set -euo pipefail
source_dir=$1 artifacts=$2
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
platform_rules="CA1416%3BCA1418%3BCA1422"
mkdir -p "$artifacts"
for rid in win-x64 osx-arm64; do
  # NativeAOT's compiler package for macOS is not served here: osx-arm64 builds the same code without
  # it (the AOT publish itself runs on macOS, docs/PLATFORMS.md).
  aot=()
  [ "$rid" = osx-arm64 ] && aot=(-p:PublishAot=false)
  for project in Aisp.Native Aisp.Cli; do
    if ! dotnet build "$source_dir/managed/$project" -c Release -r "$rid" "${aot[@]}" --artifacts-path "$artifacts/$rid" \
      -p:WarningsAsErrors="$platform_rules" -v:q > "$artifacts/$rid-$project.log" 2>&1; then
      grep -v "warning NU1603" "$artifacts/$rid-$project.log" >&2 || true
      echo "managed-cross-test: $project for $rid failed" >&2
      exit 1
    fi
  done
  found=$(find "$artifacts/$rid/bin" -name Aisp.Core.dll | head -1)
  [ -n "$found" ] || { echo "managed-cross-test: no Aisp.Core.dll was built for $rid" >&2; exit 1; }
  echo "managed-cross-test: $rid built ($found)"
done
