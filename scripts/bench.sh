#!/usr/bin/env bash
# Runs the benchmarks and writes docs/BENCHMARKS.md with the machine and the date.
# BenchmarkDotNet for the core stages (one inference thread, pinned to one core with taskset).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >/dev/null
export AISP_MODELS_DIR="$PWD/build/plugins/aisp/data/models"
art="$PWD/build/bench"
rm -rf "$art"
dotnet build managed/Aisp.Benchmarks -c Release --nologo -v:q >/dev/null
taskset -c 0 dotnet managed/Aisp.Benchmarks/bin/Release/net10.0/Aisp.Benchmarks.dll \
  --filter '*' --launchCount 1 --warmupCount 3 --iterationCount 10 --exporters github --artifacts "$art" "$@" >"$art.log" 2>&1 || { tail -50 "$art.log"; exit 1; }

# The CLI on a 1280x720 clip with the mesh swap (decode + pipeline + encode, sync analysis).
dotnet managed/Aisp.Benchmarks/bin/Release/net10.0/Aisp.Benchmarks.dll --make-clip "$art/clip.avi"
dotnet build managed/Aisp.Cli -c Release --nologo -v:q >/dev/null
cli_row() {
  local json
  json=$(dotnet managed/Aisp.Cli/bin/Release/net10.0/aisp.dll process --input "$art/clip.avi" --output "$art/out.avi" \
    --source /usr/share/doc/facedetect/examples/grace_hopper_512x512.jpg --settings "$1" 2>/dev/null)
  echo "| \`$1\` | $(echo "$json" | grep -m1 '"frames_in"' | tr -dc 0-9) | $(echo "$json" | grep -m1 '"fps"' | sed 's/[^0-9.]//g') |"
}
cli_table=$(for s in '{"engine":"morph","quality":"quality"}' '{"engine":"morph","quality":"performance"}' '{"engine":"privacy","quality":"quality"}'; do cli_row "$s"; done)

# The real plugin in a headless OBS: graphics-thread cost, lagged frames, CPU, memory.
cmake --install build --prefix "$art/install" >/dev/null
obs_table=$(xvfb-run -a build/tests/bench/obs_bench "$art/install" build/test-frames 600 2>/dev/null)

# Detector recall on group shots with known boxes (the RecallTests mosaics).
recall=$(dotnet test managed/Aisp.Tests -c Release --nologo --filter RecallTests --logger "console;verbosity=detailed" 2>&1 \
  | sed -n 's/^ *RECALL \([0-9x]*\) face=\([^ ]* ([0-9]*px)\) faces=\([0-9]*\) \([a-z-]*\): recall \([0-9]* %\), false positives \([0-9]*\)$/| \1 | \2 | \3 | \4 | \5 | \6 |/p' | sort)

out=docs/BENCHMARKS.md
{
  echo "# Benchmarks"
  echo
  echo "Written by \`scripts/bench.sh\` on $(date -u +%Y-%m-%d) ($(git rev-parse --short HEAD 2>/dev/null || echo unknown))."
  echo
  echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB,"
  echo "$(. /etc/os-release; echo "$PRETTY_NAME"), .NET $(dotnet --version). Benchmarks pinned to one core (taskset -c 0)."
  echo
  for f in "$art"/results/*-report-github.md; do
    echo "## $(basename "$f" -report-github.md | sed 's/^Aisp.Benchmarks.//')"
    echo
    sed -n '/^|/,$p' "$f"
    echo
  done
  echo "## The plugin in headless OBS (tests/bench/obs_bench.c)"
  echo
  echo "An async source fed a 1280x720 or 640x360 picture with one face at 30 fps (or a GPU-drawn source showing"
  echo "it), 600 frames after 60 of warm-up, llvmpipe (software OpenGL on the same two cores) for the graphics."
  echo "OBS avg frame: libobs's average graphics-thread frame time. AISP on graphics thread: the core's Total"
  echo "stage: hand-off plus, with the CPU compositor, painting the frame in aisp_process_frame, or, with the GPU"
  echo "compositor, issuing the draws in aisp_render. On llvmpipe a draw that reads a texture drawn earlier in the"
  echo "frame waits for all rasterisation queued before it, so the GPU compositor's time here is llvmpipe"
  echo "rasterising, on the CPU; \"auto\" measures both and keeps the cheaper (here: the CPU one). The auto row"
  echo "includes its trial frames."
  echo
  echo "$obs_table"
  echo
  echo "## CLI throughput on a 1280x720 clip (300 frames, MJPG in and out, sync analysis)"
  echo
  echo "| settings | frames | fps |"
  echo "|---|---|---|"
  echo "$cli_table"
  echo
  echo "## Detector recall on group shots"
  echo
  echo "Mosaics of face-centred crops of two real photos (astronaut.png, grace_hopper_512x512.jpg) tiled at one"
  echo "face width, boxes known from hand-measured boxes; a face counts as found at IoU >= 0.4. Face width is"
  echo "given as a fraction of the frame width. The default detector must reach 100 % down to 1/12."
  echo
  echo "| frame | face width | faces | detector | recall | false positives |"
  echo "|---|---|---|---|---|---|"
  echo "$recall"
  echo
  if [ -f docs/BENCHMARKS.notes.md ]; then cat docs/BENCHMARKS.notes.md; fi
} >"$out"
echo "bench: wrote $out"
