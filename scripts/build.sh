#!/usr/bin/env bash
# Configures and builds everything (OBS module, NativeAOT core, models, C tests) into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
command -v dotnet >/dev/null || { echo "build: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
cmake --preset linux-x86_64 >/dev/null
cmake --build --preset linux-x86_64 -j"$(nproc)"
