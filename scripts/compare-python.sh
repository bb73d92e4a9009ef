#!/usr/bin/env bash
# Side by side, in one run: `listinglens classify --json --no-moderation` over COUNT
# phone-sized photos (12 MP JPEG, default 300; no text is read, as Python reads none)
# as a whole process, start included, against a TorchServe-style Python pipeline
# (PIL and torchvision transforms, the same model, batch 8, two threads:
# scripts/torchserve_style.py), also as a whole process.
# Installs python3-torch, python3-torchvision and python3-pil when missing (root).
set -euo pipefail
cd "$(dirname "$0")/.."
count="${COUNT:-300}"
models="${LISTINGLENS_MODEL_DIR:-$(cd .. && pwd)/shared/models}"

missing=()
for p in python3-torch python3-torchvision python3-pil; do
    dpkg -s "$p" > /dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "==> Installing ${missing[*]}"
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi
[ -x build/app/listinglens ] || bash scripts/setup.sh

# The phone-sized photos `bench` makes once and caches.
build/app/listinglens bench --count 1 --single 0 --no-moderation > /dev/null 2>&1
photos="${XDG_CACHE_HOME:-$HOME/.cache}/listinglens/bench-photos"
list="$(mktemp)"
trap 'rm -f "$list"' EXIT
while [ "$(wc -l < "$list")" -lt "$count" ]; do
    find "$photos" -name '*.jpg' | sort >> "$list"
done
sed -i "$((count + 1)),\$d" "$list"

seconds() { date +%s.%N; }
echo "==> $count phone-sized photos on $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
t0=$(seconds)
/usr/bin/python3 scripts/torchserve_style.py "$models/mobilenet_v2_imagenet.pt" "$list" > /dev/null
t1=$(seconds)
xargs -a "$list" build/app/listinglens classify --json --no-moderation > /dev/null 2> /dev/null || true
t2=$(seconds)
awk -v n="$count" -v t0="$t0" -v t1="$t1" -v t2="$t2" 'BEGIN {
    p = t1 - t0; l = t2 - t1
    printf "TorchServe-style Python: %6.1f s  %6.1f photos/s\n", p, n / p
    printf "listinglens classify:    %6.1f s  %6.1f photos/s\n", l, n / l
    printf "ListingLens is %.1fx the Python pipeline (the target is at least 10x)\n", p / l
}'
