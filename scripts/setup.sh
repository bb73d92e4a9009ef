#!/usr/bin/env bash
# Installs the Debian bookworm packages ListingLens needs (only the missing
# ones) and builds it (Release) into build/. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Why each package is here: docs/development.md, "Dependencies".
PACKAGES=(
    cmake ninja-build g++            # build
    qt6-base-dev                     # Qt Core/Gui/Widgets/Test/Concurrent/Sql
    qt6-charts-dev libqt6opengl6-dev # the throughput charts (Qt Charts' CMake package needs Qt OpenGL's)
    libqt6sql6-sqlite libqt6sql6-psql  # Qt SQL drivers: embedded SQLite, production PostgreSQL
    postgresql                       # the server the tests start on loopback
    libtorch-dev                     # LibTorch 1.13 (CPU) inference
    libopenblas0-pthread             # fast BLAS for LibTorch (about 10x over the reference BLAS)
    libopencv-dev                    # image decoding and measurements
    opencv-data                      # the face cascade (core/moderation/face_detector.h)
    libtesseract-dev tesseract-ocr-eng tesseract-ocr-rus  # text on photos: OCR and two language packs (core/moderation)
    libphonenumber-dev               # phone numbers in that text, for any region (core/moderation/contact_details.h)
    libjpeg-dev                      # JPEG decoding that refuses truncated scans; test fixture: CMYK JPEGs
    libpng-dev libwebp-dev libtiff-dev  # PNG, WebP, TIFF decoded a row at a time and reduced as read (never whole)
    zlib1g-dev                       # tests: the hostile PNG and TIFF fixtures are deflated as they are written
    libpq-dev                        # binary photo transfer to the job queue (libpq on Qt's connection)
    qtkeychain-qt6-dev               # the window keeps the database password in the session keyring (optional to the build)
    libssl-dev                       # SHA-256 with the CPU's SHA instructions (libcrypto); TLS for serve
    libboost-dev                     # Boost.Beast + Asio (1.74): the HTTP server (docs/operations/services.md); not
                                     # libboost1.81-dev, which conflicts with libphonenumber-dev's Boost 1.74
    libqrencode-dev                  # the QR code of the phone upload page in presentation mode (ui/demo)
    clang libfuzzer-14-dev           # the fuzz targets (tests/fuzz, scripts/fuzz.sh): libFuzzer needs clang
    libclang-rt-14-dev               # -fsanitize=fuzzer,address,undefined runtimes (clang only recommends it)
    dpkg-dev                         # dpkg-shlibdeps: the Debian packages' Depends (packaging/CMakeLists.txt)
    fonts-dejavu-core fonts-dejavu-extra fonts-liberation2 fonts-freefont-ttf fonts-oxygen  # listinglens-bench text and tst_photo_reading:
    fonts-roboto-unhinted fonts-open-sans fonts-lato fonts-crosextra-carlito fonts-comic-neue  # the fonts text is drawn in, one
    fonts-league-spartan fonts-roboto-slab fonts-quicksand fonts-urw-base35                    # family to tune on, one unseen,
    fonts-paratype fonts-cantarell fonts-hack fonts-go fonts-dosis fonts-croscore              # and a wide one held out from
    fonts-lobster fonts-yanone-kaffeesatz                                                      # both
)

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "==> Installing: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

SHARED="${LISTINGLENS_SHARED_DIR:-$(cd .. && pwd)/shared}"
if [ ! -f "$SHARED/models/mobilenet_v2_imagenet.pt" ]; then
    echo "warning: no default model in $SHARED/models; set LISTINGLENS_MODEL_DIR or pass --model-dir (docs/user/models.md)" >&2
fi

echo "==> Building (Release) in build/"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DLISTINGLENS_SHARED_DIR="$SHARED" >/dev/null
cmake --build build -j"$(nproc)"
