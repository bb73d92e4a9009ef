#!/usr/bin/env bash
# Sets everything up, then opens the workbench; with no display, runs a
# headless demo on the sample photos instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    exec build/app/listinglens "$@"
fi
echo "==> No display: headless demo on the sample photos"
build/app/listinglens classify "${LISTINGLENS_SAMPLES_DIR:-$(cd .. && pwd)/shared/testdata/photos}"
echo
echo "==> Benchmark on phone-sized photos (12 MP JPEG)"
build/app/listinglens bench --count 200
