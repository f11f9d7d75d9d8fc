#!/usr/bin/env bash
# Writes docs/QUALITY.md: the privacy quality report on the development photos (../shared/data/devset,
# or AISP_DEVSET): clear faces covered and false faces per detector, faces covered at every roll,
# frames with an uncovered face in made-up videos, and what the search costs on the analysis thread.
# The devset is for development; the product is also judged on photos that are not in it.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
devset="${AISP_DEVSET:-$PWD/../shared/data/devset}"
[ -f "$devset/detect/expected.tsv" ] || { echo "privacy-report: no devset at $devset (set AISP_DEVSET)" >&2; exit 1; }
export AISP_MODELS_DIR="$PWD/build/plugins/aisp/data/models"
[ -f "$AISP_MODELS_DIR/manifest.json" ] || scripts/build.sh >/dev/null
mkdir -p build/bench
dotnet build managed/Aisp.Benchmarks -c Release --nologo -v:q >build/bench/privacy-build.log 2>&1 \
  || { tail -40 build/bench/privacy-build.log >&2; exit 1; }
taskset -c 0 dotnet managed/Aisp.Benchmarks/bin/Release/net10.0/Aisp.Benchmarks.dll --privacy-report "$devset" >build/bench/privacy.md
machine="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
{
  echo "# Privacy quality"
  echo
  echo "Written by \`scripts/privacy-report.sh\` on $(date -u +%Y-%m-%d) ($(git rev-parse --short HEAD 2>/dev/null || echo unknown)), $machine, one core (taskset)."
  echo "The photos are the development set (../shared/data/devset): numbers to develop against, not a benchmark."
  echo
  echo "Targets (issue 22): every face found is covered; at least 98 % of clear faces covered; no frame with an"
  echo "uncovered face in the test videos; at most one false face per 20 pictures without a face."
  echo
  cat build/bench/privacy.md
} >docs/QUALITY.md
echo "privacy-report: wrote docs/QUALITY.md"
