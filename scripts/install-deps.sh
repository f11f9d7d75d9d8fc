#!/usr/bin/env bash
# Installs what the build and tests need from Debian 12 (the .NET 10 SDK is assumed present).
# Skips apt entirely when everything is already there, so repeated runs are quick.
set -euo pipefail

packages=(
  build-essential cmake pkg-config           # C build
  libobs-dev libobs0 xvfb xauth              # real libobs, headless under xvfb-run
  libgtk-3-0                                 # OpenCvSharp's native library links it
  python3 python3-pil                        # model fetch step, raw test frames
  python3-onnx python3-flatbuffers           # models/tflite2onnx.py: MediaPipe's TFLite models to ONNX at fetch time
  python3-skimage facedetect                 # real test photos: astronaut.png, grace_hopper, a face-free photo
  obs-studio obs-plugins                     # the real OBS with obs-websocket, for the remote-control tests
  chromium                                   # the dashboard tests drive a real browser (Playwright, no download)
  gcc-mingw-w64-x86-64 libsimde-dev          # the Windows module cross-compiled (tests/platforms)
  ffmpeg                                     # videos written as H.264 with their sound (the CLI and file jobs call the ffmpeg program)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
