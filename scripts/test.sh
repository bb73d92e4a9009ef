#!/usr/bin/env bash
# Sets everything up and runs the whole test suite against SQLite and a
# throwaway PostgreSQL on loopback; ends with CTest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The tests alone need a real browser: tst_phone_upload drives the phone upload
# page in headless Chromium, through a DevTools client in Python's standard
# library (tests/support/phone_page_browser.py).
if ! command -v chromium >/dev/null || ! command -v python3 >/dev/null; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium python3
fi
cd build
exec bash ../scripts/with-postgres.sh ctest --output-on-failure
