#!/usr/bin/env bash
# The main job: builds AISP and runs the filter on a real photo and on a group shot through the
# CLI (same core and settings as the OBS filter). Writes out/ and prints the statistics JSON.
# Extra arguments are passed to `aisp process` (e.g. --settings '{"privacy_mode":"blur"}').
set -euo pipefail
cd "$(dirname "$0")"
scripts/build.sh
export AISP_MODELS_DIR="$PWD/build/plugins/aisp/data/models"
mkdir -p out
dotnet build managed/Aisp.Cli -c Release --nologo -v:q >/dev/null
cli=(dotnet managed/Aisp.Cli/bin/Release/net10.0/aisp.dll process)
input="${AISP_INPUT:-/usr/lib/python3/dist-packages/skimage/data/astronaut.png}"
"${cli[@]}" --input "$input" --output out/filtered.png --stats out/stats.json "$@"
echo "run: wrote out/filtered.png and out/stats.json" >&2
