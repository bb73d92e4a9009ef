#!/usr/bin/env bash
# Starts the real window under Xvfb, drives it through the sample photos and
# saves screenshots to docs/screenshots/ (workbench, batch, error, presentation,
# the phone upload page in headless Chromium, the console pages, settings).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if ! command -v xvfb-run >/dev/null || ! command -v xauth >/dev/null || ! command -v chromium >/dev/null; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends xvfb xauth chromium
fi
cmake --build build --target listinglens-bench > /dev/null # a developer tool, built with the tests
xvfb-run -a -s "-screen 0 1280x800x24" build/app/listinglens-bench screenshots "${1:-docs/screenshots}"
