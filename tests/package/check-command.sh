#!/usr/bin/env bash
# Checks an installed aisp command the way a new user would use it, in a scratch HOME:
#   check-command.sh AISP UNIT_FILE VERSION
# version, --help for each verb, a photo filtered, a face enrolled and listed, and the server
# started from the installed systemd user unit's ExecStart line, answering a login.
set -euo pipefail
aisp=$1 unit=$2 version=$3
photo=/usr/lib/python3/dist-packages/skimage/data/astronaut.png
work=$(mktemp -d)
server_pid=
cleanup() { [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "check-command: $*" >&2; exit 1; }

line=$("$aisp" --version) || fail "aisp --version failed"
[[ $line == "aisp $version "* ]] || fail "aisp --version says '$line', expected version $version"
"$aisp" version --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["abi"] >= 1 and "CPUExecutionProvider" in d["providers"], d' \
  || fail "aisp version --json lacks the ABI or the CPU provider"
for verb in process faces serve suggest; do
  "$aisp" $verb --help 2>&1 | grep -q "usage: aisp $verb" || fail "aisp $verb --help prints no usage"
done

# The models come from the installed plugin (the launcher's default), not from this build.
"$aisp" process --input "$photo" --output "$work/out.png" --stats "$work/stats.json" >/dev/null 2>"$work/process.log" \
  || { cat "$work/process.log" >&2; fail "aisp process failed"; }
python3 - "$work/stats.json" <<'PY' || fail "aisp process covered no face"
import json, sys
stats = json.load(open(sys.argv[1]))
assert stats["faces_covered"] >= 1 and stats["frames_failed"] == 0, stats
PY
cmp -s "$photo" "$work/out.png" && fail "the output is the input"

"$aisp" faces add Astronaut "$photo" >/dev/null 2>"$work/faces.log" || { cat "$work/faces.log" >&2; fail "aisp faces add failed"; }
"$aisp" faces list 2>/dev/null | grep -q Astronaut || fail "aisp faces list lacks the enrolled face"
[ -f "$HOME/.local/share/aisp/faces.db" ] || fail "the face library is not in the user's data folder"

# The server as its systemd user unit starts it (%h is the user's HOME), on a free port.
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[ -n "$exec_start" ] || fail "$unit has no ExecStart"
exec_start=${exec_start//%h/$HOME}
read -r -a command <<<"$exec_start"
[ -x "${command[0]}" ] || fail "the unit's program ${command[0]} is not installed"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify --man=no "$unit" 2>"$work/verify.log" || { cat "$work/verify.log" >&2; fail "systemd-analyze verify $unit failed"; }
fi
echo "a-long-enough-password-1" | "${command[@]}" --create-admin admin >/dev/null 2>"$work/admin.log" \
  || { cat "$work/admin.log" >&2; fail "aisp serve --create-admin failed"; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"${command[@]}" --urls "http://127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server_pid=$!
python3 - "$port" "$version" "$server_pid" <<'PY' || { cat "$work/serve.log" >&2; fail "the server did not answer a login"; }
import json, os, sys, time, urllib.request
port, version, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
base = f"http://127.0.0.1:{port}/api/v1"
def call(path, body=None, token=None):
    request = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", **({"Authorization": "Bearer " + token} if token else {})})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)
# Waits for the server's start by polling its port (a self-contained start on a busy machine may
# take many seconds); gives up only when the process has exited or after two minutes of tries.
for attempt in range(240):
    try:
        login = call("/auth/login", {"username": "admin", "password": "a-long-enough-password-1"})
        break
    except OSError:
        os.kill(pid, 0)
        time.sleep(0.5)
else:
    sys.exit("no answer")
system = call("/system", token=login["access_token"])
assert system["version"] == version, system
print("server answered: version", system["version"])
PY
echo "check-command: $aisp works (version, help, process, faces, serve)"
