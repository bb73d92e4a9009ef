#!/usr/bin/env bash
# Sets everything up and runs the whole test suite against SQLite and a
# throwaway PostgreSQL on loopback; ends with CTest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cd build
exec bash ../scripts/with-postgres.sh ctest --output-on-failure
