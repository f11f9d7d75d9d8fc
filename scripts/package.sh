#!/usr/bin/env bash
# Builds the release artefacts into build/packages/:
#   aisp_VERSION_amd64.deb             the system install (CPack): OBS plugin, models, the aisp command,
#                                      its systemd user service and man page
#   aisp-VERSION-linux-x86_64.tar.gz   the per-user install: the same files with install.sh/uninstall.sh
# Usage: scripts/package.sh [--no-build]   (--no-build: build/ is already built, as test.sh does)
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${1:-}" = "--no-build" ] || scripts/build.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
cmake --build --preset linux-x86_64 --target aisp_cli_dist

version=$(sed -n 's/^project(aisp VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
out=build/packages
rm -rf "$out"
(cd build && cpack -G DEB >/dev/null)

# The tarball: the per-user layout from `cmake --install`, the command, and the scripts.
name="aisp-$version-linux-x86_64"
stage=build/package-stage/$name
rm -rf build/package-stage
mkdir -p "$stage/share"
cmake --install build --prefix "$PWD/$stage/plugin" >/dev/null
cp -R build/cli-dist "$stage/cli"
cp cmake/linux/install.sh cmake/linux/uninstall.sh "$stage/"
cp cmake/linux/aisp-launcher.in cmake/linux/aisp.service.in build/packaging/aisp.1.gz "$stage/share/"
echo "$version" > "$stage/VERSION"
tar -C build/package-stage -czf "$out/$name.tar.gz" "$name"
rm -rf build/package-stage
ls -l "$out"/*.deb "$out"/*.tar.gz
