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

# Learning the market: confirmed listings train a category head, then photos it never saw.
market="${LISTINGLENS_MARKETPLACE_DIR:-$(cd .. && pwd)/shared/testdata/marketplace}"
if [ -f "$market/listings.csv" ]; then
    echo
    echo "==> Learning the market: 1,500 confirmed second-hand listings in, a category head out"
    demo="$(mktemp -d)"
    trap 'rm -rf "$demo"' EXIT
    # Photos sorted by name; every fourth is kept back to show what the head makes of new photos.
    { head -n 1 "$market/listings.csv"; tail -n +2 "$market/listings.csv" | sort; } |
        awk -v dir="$market/" -v out="$demo" 'NR == 1 { print > (out "/train.csv"); next }
             { if ((NR - 2) % 4 == 3) { split($0, f, ","); print dir f[1] > (out "/new.txt") } else print dir $0 > (out "/train.csv") }'
    build/app/listinglens import --db "sqlite:$demo/market.sqlite" --currency GBP --allow-outside "$demo/train.csv"
    build/app/listinglens model train --db "sqlite:$demo/market.sqlite" --activate
    echo
    echo "==> Five listing photos it never saw, with the market's head (and its prices, in GBP)"
    head -n 5 "$demo/new.txt" | xargs build/app/listinglens classify --db "sqlite:$demo/market.sqlite"
fi
echo
echo "==> Benchmark on phone-sized photos (12 MP JPEG)"
build/app/listinglens bench --count 200
