#!/usr/bin/env bash
# The server load benchmark as it runs for real: Debian's OBS (with the built plugin, under xvfb),
# "aisp serve" as its own process talking to it through obs-websocket, and the load generator
# (Aisp.Benchmarks --server-load: 50 event-stream clients + 200 status requests/s for a minute).
# Prints the result table on stdout. Needs scripts/build.sh first. Everything it starts, it stops.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/aisp-server-load-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do pkill -TERM -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
  sleep 1
  pkill -KILL -f "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.2; done; echo "server-load: nothing listens on $1" >&2; return 1; }

obs_port=$(free_port)
server_port=$(free_port)
export AISP_OBS_PASSWORD=aisp-load-bench AISP_BENCH_USER=bench AISP_BENCH_PASSWORD=bench-password-$RANDOM$RANDOM
export AISP_MODELS_DIR="$PWD/build/plugins/aisp/data/models"
mkdir -p "$work/config/obs-studio/plugins"
ln -s "$PWD/build/plugins/aisp" "$work/config/obs-studio/plugins/aisp"
cat >"$work/config/obs-studio/global.ini" <<INI
[General]
FirstRun=true
[OBSWebSocket]
FirstLoad=false
ServerEnabled=true
ServerPort=$obs_port
AuthRequired=true
ServerPassword=$AISP_OBS_PASSWORD
AlertsEnabled=false
[BasicWindow]
SysTrayEnabled=false
INI
XDG_CONFIG_HOME="$work/config" LIBGL_ALWAYS_SOFTWARE=1 xvfb-run -a obs --multi --minimize-to-tray --disable-shutdown-check --disable-updater \
  >"$work/obs.log" 2>&1 &
pids+=($!)
wait_port "$obs_port"

aisp=(dotnet managed/Aisp.Cli/bin/Release/net10.0/aisp.dll)
echo "$AISP_BENCH_PASSWORD" | "${aisp[@]}" serve --create-admin "$AISP_BENCH_USER" --data "$work/server" >/dev/null 2>&1
"${aisp[@]}" serve --data "$work/server" --urls "http://127.0.0.1:$server_port" --obs-url "ws://127.0.0.1:$obs_port" >"$work/server.log" 2>&1 &
pids+=($!)
wait_port "$server_port"

dotnet managed/Aisp.Benchmarks/bin/Release/net10.0/Aisp.Benchmarks.dll --server-load "http://127.0.0.1:$server_port" "ws://127.0.0.1:$obs_port" \
  || { echo "server-load: the run had errors or lost events; server log:" >&2; tail -20 "$work/server.log" >&2; exit 1; }
