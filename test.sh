#!/usr/bin/env bash
# Every test: builds everything and the release packages, then runs (through ctest) the C# unit
# tests on real photos, the C ABI test against the published NativeAOT core, the headless OBS tests
# on the installed plugin, and the install tests of the Debian package and the per-user tarball.
set -euo pipefail
cd "$(dirname "$0")"
scripts/build.sh
scripts/package.sh --no-build >/dev/null
ctest --preset linux-x86_64 "$@"
