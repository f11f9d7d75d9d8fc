#!/usr/bin/env bash
# Runs the benchmarks and writes docs/BENCHMARKS.md with the machine and the date, plus the summary
# that README's Performance section quotes (between its bench:summary markers): every figure there is
# read off the tables this script writes. Any failed step stops it with its log's tail.
# BenchmarkDotNet for the core stages (one inference thread, pinned to one core with taskset).
# `scripts/bench.sh --report` writes the documents again from the last run's results (build/bench).
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
report_only=false
if [ "${1:-}" = "--report" ]; then
  report_only=true
  shift
fi
export AISP_MODELS_DIR="$PWD/build/plugins/aisp/data/models"
art="$PWD/build/bench"
cli_settings=('{"engine":"morph","quality":"quality"}' '{"engine":"morph","quality":"performance"}' '{"engine":"privacy","quality":"quality"}')
# Runs a step with its output in $art/NAME.log; on failure shows the log's end and stops.
step() {
  local name=$1
  shift
  if ! "$@" >"$art/$name.log" 2>&1; then
    echo "bench: step '$name' failed ($*):" >&2
    tail -40 "$art/$name.log" >&2
    exit 1
  fi
}
need() { [ -n "$2" ] || { echo "bench: $1 produced no figures (see $art)" >&2; exit 1; }; }

if ! $report_only; then
scripts/build.sh >/dev/null
rm -rf "$art"
mkdir -p "$art"

step build-benchmarks dotnet build managed/Aisp.Benchmarks -c Release --nologo -v:q
step benchmarkdotnet taskset -c 0 dotnet managed/Aisp.Benchmarks/bin/Release/net10.0/Aisp.Benchmarks.dll \
  --filter '*' --launchCount 1 --warmupCount 3 --iterationCount 10 --exporters github --artifacts "$art" "$@"
ls "$art"/results/*-report-github.md >/dev/null

# The CLI on a 1280x720 clip with the mesh swap (decode + pipeline + encode, sync analysis).
step make-clip dotnet managed/Aisp.Benchmarks/bin/Release/net10.0/Aisp.Benchmarks.dll --make-clip "$art/clip.avi"
step build-cli dotnet build managed/Aisp.Cli -c Release --nologo -v:q
for i in "${!cli_settings[@]}"; do
  step "cli-$i" dotnet managed/Aisp.Cli/bin/Release/net10.0/aisp.dll process --input "$art/clip.avi" --output "$art/out.avi" \
    --source /usr/share/doc/facedetect/examples/grace_hopper_512x512.jpg --settings "${cli_settings[$i]}" --stats "$art/cli-$i.json"
done

# The real plugin in a headless OBS: graphics-thread cost, lagged frames, CPU, memory.
step install cmake --install build --prefix "$art/install"
xvfb-run -a build/tests/bench/obs_bench "$art/install" build/test-frames 600 >"$art/obs.md" 2>"$art/obs.log" \
  || { echo "bench: obs_bench failed:" >&2; tail -40 "$art/obs.log" >&2; exit 1; }

# The AISP server under a dashboard crowd: real OBS + "aisp serve" + the load generator.
scripts/server-load.sh >"$art/server.md" 2>"$art/server.log" \
  || { echo "bench: server-load failed:" >&2; tail -40 "$art/server.log" >&2; exit 1; }

# Detector recall on group shots with known boxes (the RecallTests mosaics), and the recognition
# threshold against real photos (IdentityTests' calibration: same-person variants against others).
step recall dotnet test managed/Aisp.Tests -c Release --nologo --filter RecallTests --logger "console;verbosity=detailed"
step roll dotnet test managed/Aisp.Tests -c Release --nologo --filter "FullyQualifiedName~FaceMeshTests.Landmarks_hold|FullyQualifiedName~FaceMeshTests.The_pipelines" --logger "console;verbosity=detailed"
step calibration dotnet test managed/Aisp.Tests -c Release --nologo --filter "FullyQualifiedName~The_threshold_separates|FullyQualifiedName~One_person_in_two_different_photos" --logger "console;verbosity=detailed"
fi

# ---- the report, from the results above ----
ls "$art"/results/*-report-github.md >/dev/null
cli_table=""
for i in "${!cli_settings[@]}"; do
  frames=$(grep -m1 '"frames_in"' "$art/cli-$i.json" | tr -dc 0-9)
  fps=$(grep -m1 '"fps"' "$art/cli-$i.json" | sed 's/[^0-9.]//g')
  need "CLI run $i" "$frames$fps"
  cli_table+="| \`${cli_settings[$i]}\` | $frames | $fps |"$'\n'
done
obs_table=$(cat "$art/obs.md")
need obs_bench "$(grep '^| 1280x720' "$art/obs.md" || true)"
# The 468 mesh at every roll: one row per angle, one column per photo (mean error, % of the eye distance).
roll_table=$(scripts/roll-table.py "$art/roll.log" mesh)
need "FaceMeshTests roll sweep" "$roll_table"
pipeline_roll=$(scripts/roll-table.py "$art/roll.log" pipeline)
need "FaceMeshTests pipeline roll sweep" "$pipeline_roll"
server_table=$(cat "$art/server.md")
server_row=$(grep '^| [0-9]' "$art/server.md" || true)
need server-load "$server_row"
recall=$(sed -n 's/^ *RECALL \([0-9x]*\) face=\([^ ]* ([0-9]*px)\) faces=\([0-9]*\) \([a-z-]*\): recall \([0-9]* %\), false positives \([0-9]*\)$/| \1 | \2 | \3 | \4 | \5 | \6 |/p' "$art/recall.log" | sort)
need RecallTests "$recall"
no_people=$(sed -n 's/^ *NO-PEOPLE \([a-z-]*\): pictures=\([0-9]*\) false-positives=\([0-9]*\).*$/| \1 | \2 | \3 |/p' "$art/recall.log" | sort -u)
need "RecallTests' pictures without people" "$no_people"

calibration=$(sed -n 's/^ *CALIBRATION threshold=\([0-9.]*\) genuine=\([0-9]*\) impostor=\([0-9]*\) false-rejects=\([0-9]*\) false-accepts=\([0-9]*\) lowest-same=\([0-9.-]*\) highest-other=\([0-9.-]*\)$/| \1 | \2 | \3 | \4 | \5 | \6 | \7 |/p' "$art/calibration.log")
need "recognition calibration" "$calibration"
groups=$(sed -n 's/^ *GROUP-PHOTOS threshold=\([0-9.]*\) strangers=\([0-9]*\) false-accepts=\([0-9]*\) same-person=\([0-9.-]*\) lowest-variant=\([0-9.-]*\) highest-stranger=\([0-9.-]*\)$/| \1 | \2 | \3 | \4 | \5 | \6 |/p' "$art/calibration.log")
need "recognition on group photos" "$groups"

# The summary: figures read off the tables above, nothing typed in by hand.
row() { grep -F "| 1280x720 | $1 |" "$art/obs.md" | head -1; }
col() { awk -F'|' -v c="$2" '{gsub(/^ +| +$/, "", $c); print $c}' <<<"$1"; }
privacy_auto=$(row "AISP privacy, auto compositor"); privacy_cpu=$(row "AISP privacy, CPU compositor")
morph_cpu=$(row "AISP morph, CPU compositor"); privacy_gpu=$(row "AISP privacy, GPU compositor")
large_cpu=$(row "large face, AISP morph, CPU compositor"); large_gpu=$(row "large face, AISP morph, GPU compositor")
need "the 1280x720 rows" "$privacy_auto$privacy_cpu$morph_cpu$privacy_gpu$large_cpu$large_gpu"
blur_cpu=$(row "background blur (engine none), CPU compositor"); blur_gpu=$(row "background blur (engine none), GPU compositor")
blur_privacy=$(row "background blur + privacy, CPU compositor"); ar_cpu=$(row "AISP AR (glasses, retouch), CPU compositor")
ar_gpu=$(row "AISP AR (glasses, retouch), GPU compositor")
need "the background and AR rows" "$blur_cpu$blur_gpu$blur_privacy$ar_cpu$ar_gpu"
background_analysis=$(grep -h "Analyse\*\* |\|| Analyse " "$art"/results/*Background*-report-github.md | grep -F "landscape" | grep -F "Bgra" | awk -F'|' '{gsub(/[* ]/, "", $5); print $5}')
background_blend=$(grep -h "| Blend" "$art"/results/*Background*-report-github.md | grep -F "landscape" | awk -F'|' '{gsub(/[* ]/, "", $4); gsub(/[* ]/, "", $5); printf "%s %s, ", $4, $5}')
need BackgroundBenchmarks "$background_analysis$background_blend"
lagged=$(awk -F'|' '/^\| [0-9]+x[0-9]+ \|/ {split($5, a, "/"); n += a[1]; t += a[2]} END {print n " of " t}' "$art/obs.md")
analysis=$(for level in quality balanced performance; do
  grep -h "AnalysePerFrame" "$art"/results/*Analysis*-report-github.md | grep -F "$level" | awk -F'|' -v l="$level" '{gsub(/[* ]/, "", $4); printf "%s %s, ", l, $4}'
done)
need AnalysisBenchmarks "$analysis"
cli_fps() { awk -F'|' -v s="\`$1\`" 'index($2, s) {gsub(/ /, "", $4); print $4}' <<<"$cli_table"; }
summary=$(cat <<SUMMARY
- Frames lagged by OBS in the headless runs (every configuration, 640x360 and 1280x720): $lagged.
- Time the filter adds to OBS's graphics thread at 1280x720, p50 / p99 ms: privacy with the automatic compositor $(col "$privacy_auto" 6), CPU compositor $(col "$privacy_cpu" 6), GPU compositor on llvmpipe $(col "$privacy_gpu" 6); mesh swap on the CPU $(col "$morph_cpu" 6); mesh swap on a face a third of the frame high, CPU compositor $(col "$large_cpu" 6) (lagged $(col "$large_cpu" 5), result age $(col "$large_cpu" 8) ms, quality level $(col "$large_cpu" 10)), GPU compositor $(col "$large_gpu" 6).
- Background blur at 1280x720 (engine none, default mask model), p50 / p99 ms on the graphics thread: CPU compositor $(col "$blur_cpu" 6) (lagged $(col "$blur_cpu" 5)), GPU compositor $(col "$blur_gpu" 6) (lagged $(col "$blur_gpu" 5)); with privacy too, CPU $(col "$blur_privacy" 6). obs-backgroundremoval, measured by the issue on a machine like this one, adds 17 ms (28 when the CPU is busy). Analysis per frame for the mask and its layer, one core: ${background_analysis}; the CPU blend: ${background_blend%, } (BackgroundBenchmarks).
- AR (glasses and retouch) at 1280x720: $(col "$ar_cpu" 6) ms p50 / p99 with the CPU compositor, $(col "$ar_gpu" 6) with the GPU compositor.
- Analysis per frame on one core (detect + landmarks + tracking, AnalysisBenchmarks): ${analysis%, }.
- Recognition: one embedding $(grep -h "EmbedOneFace" "$art"/results/*Embedding*-report-github.md | awk -F'|' '{gsub(/[* ]/, "", $3); print $3}'); threshold $(awk -F'|' '{gsub(/ /, "", $2); print $2}' <<<"$calibration") with $(awk -F'|' '{gsub(/ /, "", $5); gsub(/ /, "", $6); print $5 " false rejects and " $6 " false accepts"}' <<<"$calibration") on the calibration photos.
- AISP server with $(col "$server_row" 2) dashboard clients on the event stream and $(col "$server_row" 4) status requests a second through OBS for a minute: $(col "$server_row" 5) errors, p99 $(col "$server_row" 8) ms.
- CLI on a 1280x720 Motion-JPEG clip: mesh swap $(cli_fps "${cli_settings[0]}") fps at "quality", $(cli_fps "${cli_settings[1]}") fps at "performance"; privacy $(cli_fps "${cli_settings[2]}") fps.
SUMMARY
)

machine="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
out=docs/BENCHMARKS.md
{
  echo "# Benchmarks"
  echo
  echo "Written by \`scripts/bench.sh\` on $(date -u +%Y-%m-%d) ($(git rev-parse --short HEAD 2>/dev/null || echo unknown))."
  echo
  echo "Machine: $machine,"
  echo "$(. /etc/os-release; echo "$PRETTY_NAME"), .NET $(dotnet --version). Benchmarks pinned to one core (taskset -c 0)."
  echo
  echo "## Summary"
  echo
  echo "Read off the tables below by the script (README quotes this list)."
  echo
  echo "$summary"
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
  echo "includes its trial frames. The mesh swap draws each face's crop on the analysis thread; both compositors"
  echo "only place it (the GPU one uploads it as a texture, no off-screen pass, so llvmpipe does not stall on it)."
  echo "\"large face\": the photo zoomed about the astronaut's face until it is a third of the frame high (1280x720"
  echo "only), the close-up a webcam gives. AR: the glasses pack with retouch at 40, drawn per face on the analysis"
  echo "thread like the mesh swap. Background: the person mask on the analysis thread, the layer composited by the"
  echo "compositor named (the GPU one uploads the layer on the analysis grid, a few hundred pixels across)."
  echo
  echo "$obs_table"
  echo
  echo "## The 468-point mesh at every roll"
  echo
  echo "Each photo turned about its face in steps of 15 degrees through 360 (FaceMeshTests); the mesh found"
  echo "with roll-aware crops (no hint: eight turns 45 degrees apart, then refinement on the mesh's own roll and box),"
  echo "turned back and compared with the upright result: mean point error as a share of the distance between"
  echo "the eye centres, and in brackets the roll found, in degrees. Target: under 5 % at every angle."
  echo
  echo "$roll_table"
  echo
  echo "The same photos through the whole pipeline (UltraFace's box, then the landmarks the engines paint"
  echo "with), with the landmarks setting at mesh and at 68: mean error of the 68 points, % of the eye distance;"
  echo "no-face: UltraFace found no face in the turned picture."
  echo
  echo "$pipeline_roll"
  echo
  echo "## AISP server under load (scripts/server-load.sh)"
  echo
  echo "Debian's OBS with the plugin under xvfb, 'aisp serve' as its own process connected to it through"
  echo "obs-websocket, and Aisp.Benchmarks --server-load on the same machine: 50 clients on"
  echo "/api/v1/events/stream plus GET /api/v1/filters/{source}/{filter}/status at 200 a second for 60 s (each"
  echo "status is a round trip server -> obs-websocket -> the plugin's vendor request), with an engine switch"
  echo "every 5 s so that the streams carry events; every stream must receive every event published."
  echo "Latency is the status request's, measured by the client."
  echo
  echo "$server_table"
  echo
  echo "## CLI throughput on a 1280x720 clip (300 frames, MJPG in and out, sync analysis)"
  echo
  echo "| settings | frames | fps |"
  echo "|---|---|---|"
  printf '%s' "$cli_table"
  echo
  echo "## Recognition threshold on real photos"
  echo
  echo "Three people from Debian packages (astronaut.png, grace_hopper_512x512.jpg, camera.png), each as"
  echo "photographed and mirrored, rescaled to 60 %, rotated 12 degrees and darkened to half: every pair of"
  echo "the same person is a genuine pair, every other an impostor pair (cosine of the 512-D embeddings)."
  echo
  echo "| threshold | genuine pairs | impostor pairs | false rejects | false accepts | lowest same-person cosine | highest other-person cosine |"
  echo "|---|---|---|---|---|---|---|"
  echo "$calibration"
  echo
  echo "Six real group photos (tests/data/photos.json, from the npm package @vladmandic/face-api, MIT): one"
  echo "woman enrolled from sample1 (with the three people above) is identified in sample3, a different"
  echo "picture a year apart, and in its mirrored, rescaled, rotated and darkened variants; every other face"
  echo "of the six photos is a stranger that must stay unnamed."
  echo
  echo "| threshold | strangers | false accepts | same person, other photo | lowest variant | highest stranger |"
  echo "|---|---|---|---|---|---|"
  echo "$groups"
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
  echo "False positives at the default confidence on 26 real pictures without people (skimage's data folder:"
  echo "a cat, a horse, textures, text, coins, cells, the Moon, a rocket...; facedetect's ice block)."
  echo "blazeface-back's finds are checked by the 468 mesh; without the check it found faces on the cat, a cell"
  echo "and a logo (0.62-0.75)."
  echo
  echo "| detector | pictures | false positives |"
  echo "|---|---|---|"
  echo "$no_people"
  echo
  echo "## Privacy's search for every face (docs/QUALITY.md, written by scripts/privacy-report.sh)"
  echo
  sed -n '/^### What the search costs/,$p' docs/QUALITY.md | tail -n +3
} >"$out"

# README quotes the summary verbatim between its markers.
python3 - "$summary" "$machine" <<'PY'
import re, sys
summary, machine = sys.argv[1], sys.argv[2]
path = "README.md"
text = open(path).read()
block = f"<!-- bench:summary (written by scripts/bench.sh) -->\nMeasured on {machine}, no GPU (docs/BENCHMARKS.md):\n\n{summary}\n<!-- /bench:summary -->"
new, n = re.subn(r"<!-- bench:summary.*?<!-- /bench:summary -->", lambda m: block, text, flags=re.S)
if n != 1:
    sys.exit("bench: README.md has no bench:summary block")
open(path, "w").write(new)
PY
echo "bench: wrote $out and README's summary"
