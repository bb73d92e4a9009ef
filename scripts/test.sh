#!/usr/bin/env bash
# Sets everything up and runs the whole test suite; ends with CTest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cd build
ctest --output-on-failure
