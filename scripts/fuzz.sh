#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan) into
# build-fuzz/ and runs each for SECONDS (default 30) on a scratch copy of its
# seed corpus. Fails if any target crashes, leaks, times out or runs out of
# memory; the reproducer is kept in build-fuzz/crashes/<target>/.
#   bash scripts/fuzz.sh [SECONDS]
# LISTINGLENS_BUILD_LOCK=FILE runs the build step under flock FILE (a shared machine).
set -uo pipefail
cd "$(dirname "$0")/.."

SECS="${1:-30}"
BUILD=build-fuzz

if ! command -v clang++ >/dev/null 2>&1; then
    echo "fuzzers skipped: clang not installed"
    exit 0
fi
probe="$(mktemp -d)"
trap 'rm -rf "$probe"' EXIT
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char *, unsigned long) { return 0; }' >"$probe/p.cpp"
if ! clang++ -fsanitize=fuzzer,address,undefined "$probe/p.cpp" -o "$probe/p" 2>"$probe/err"; then
    echo "fuzzers skipped: clang cannot link -fsanitize=fuzzer (install libclang-rt-14-dev): $(head -1 "$probe/err")"
    exit 0
fi

lock=()
[ -n "${LISTINGLENS_BUILD_LOCK:-}" ] && lock=(flock "$LISTINGLENS_BUILD_LOCK")
generator=()
[ -f "$BUILD/CMakeCache.txt" ] || ! command -v ninja >/dev/null 2>&1 || generator=(-G Ninja)
mkdir -p "$BUILD"
log="$BUILD/build.log"
echo "==> Building the fuzzers (clang, ASan + UBSan) in $BUILD/"
if ! "${lock[@]}" cmake -S tests/fuzz -B "$BUILD" "${generator[@]}" -DCMAKE_CXX_COMPILER=clang++ >"$log" 2>&1 \
    || ! "${lock[@]}" cmake --build "$BUILD" -j"$(nproc)" >>"$log" 2>&1; then
    tail -30 "$log"
    echo "fuzz build failed (full log: $log)"
    exit 1
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"
failed=0
for source in tests/fuzz/fuzz_*.cpp; do
    target="$(basename "$source" .cpp)"
    work="$BUILD/run/$target"          # scratch corpus: new inputs never land in the repository
    crashes="$BUILD/crashes/$target"
    rm -rf "$work"
    mkdir -p "$work/corpus" "$crashes"
    [ -d "tests/fuzz/corpus/$target" ] && cp -R "tests/fuzz/corpus/$target/." "$work/corpus/"
    start=$SECONDS
    # One allocation over 1 GB means a decoder went past the loader's limits (400 MB of pixels).
    "$BUILD/$target" -max_total_time="$SECS" -max_len=65536 -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$crashes/" "$work/corpus" >"$work/log" 2>&1
    rc=$?
    took=$((SECONDS - start))
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)"
    runs="${runs:-0}"
    rate=$((took > 0 ? runs / took : runs))
    if [ "$rc" -eq 0 ]; then
        echo "$target: $runs runs in $took s ($rate/s): ok"
        continue
    fi
    failed=1
    reproducer="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$work/log" | tail -1)"
    what="$(grep -m1 -E '^SUMMARY: |ERROR: libFuzzer: ' "$work/log" || echo "exit status $rc")"
    echo "$target: $runs runs in $took s ($rate/s): FAILED: $what"
    echo "  reproducer: ${reproducer:-none written}"
    [ -n "$reproducer" ] && echo "  rerun: $BUILD/$target $reproducer"
    echo "  log: $work/log"
    grep -m1 -A12 -E '^==[0-9]+==ERROR|runtime error:' "$work/log" | sed 's/^/    /'
done
exit $failed
