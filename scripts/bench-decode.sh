#!/usr/bin/env bash
# One-thread decode of the 12 MP phone photos `bench` uses: the product's JPEG
# decoder against OpenCV's reduced imdecode and TurboJPEG's scaled decode, with
# the floor (entropy decoding alone) and a full-size TurboJPEG decode beside
# them. Installs libturbojpeg0-dev when missing (root); the product itself does
# not link TurboJPEG (docs/performance.md, "Decoding").
set -euo pipefail
cd "$(dirname "$0")/.."
if ! dpkg -s libturbojpeg0-dev > /dev/null 2>&1; then
    echo "==> Installing libturbojpeg0-dev"
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libturbojpeg0-dev
fi
[ -x build/app/listinglens ] || bash scripts/setup.sh
build/app/listinglens bench --count 1 --single 0 --no-moderation > /dev/null 2>&1 # makes and caches the photos
photos="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/listinglens/bench-photos}"
bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT
g++ -std=c++20 -O2 -fPIC -Icore/base -Icore/imaging scripts/bench_decode.cpp core/imaging/jpeg_decoder.cpp \
    -o "$bin/bench-decode" $(pkg-config --cflags --libs Qt6Core opencv4 libturbojpeg libjpeg) 2> "$bin/build.log" \
    || { cat "$bin/build.log"; exit 1; }
echo "==> $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; libjpeg-turbo $(dpkg-query -W -f '${Version}' libturbojpeg0)"
"$bin/bench-decode" "$photos" "${ROUNDS:-10}"
