#!/usr/bin/env bash
# Every test: builds everything, then runs (through ctest) the C# unit tests on real photos, the
# C ABI test against the published NativeAOT core, and the headless OBS tests on the installed plugin.
set -euo pipefail
cd "$(dirname "$0")"
scripts/build.sh
ctest --preset linux-x86_64 "$@"
