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
# DIR and the window's WIDTHxHEIGHT: docs/screenshots takes 1024x700 (the smallest screen the window is made for)
# and 1600x1000 (in docs/screenshots/1600x1000).
xvfb-run -a -s "-screen 0 1700x1100x24" build/app/listinglens-bench screenshots "${1:-docs/screenshots}" "${2:-1024x700}"
