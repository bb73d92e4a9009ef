#!/usr/bin/env bash
# Builds the two Debian packages (cpack -G DEB) from BUILD_DIR, checks their
# contents and Depends, and, as root, installs them, runs both binaries, checks
# the listinglens user, the units and the desktop entry, then purges them and
# checks nothing of theirs is left in /usr. CTest's `packages` test runs it.
#   bash scripts/package-test.sh BUILD_DIR
# Exits 77 (CTest: skipped) when it cannot install: not root, no dpkg-shlibdeps,
# or /usr/bin/listinglens* there and not from these packages.
set -euo pipefail

BUILD_DIR="$(cd "${1:?usage: package-test.sh BUILD_DIR}" && pwd)"
PACKAGES=(listinglens listinglens-server)
WORK="$(mktemp -d "${TMPDIR:-/tmp}/listinglens-package-test.XXXXXX")"
INSTALLED=0

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

purge() {
    local present=()
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -qv "not-installed" && present+=("$p")
    done
    ((${#present[@]})) || return 0
    echo "==> dpkg --purge ${present[*]}"
    DEBIAN_FRONTEND=noninteractive dpkg --purge "${present[@]}"
}

cleanup() {
    local rc=$?
    trap - EXIT
    if ((INSTALLED)); then
        purge || { echo "FAIL: could not purge ${PACKAGES[*]}" >&2; rc=1; }
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

command -v dpkg-shlibdeps >/dev/null || skip "dpkg-shlibdeps not found (apt-get install dpkg-dev)"

echo "==> cpack -G DEB (in $BUILD_DIR, packages to $WORK)"
(cd "$BUILD_DIR" && cpack -G DEB -B "$WORK") > "$WORK/cpack.log" 2>&1 || { cat "$WORK/cpack.log" >&2; fail "cpack"; }
grep -E "^CPack: - package:" "$WORK/cpack.log"
shopt -s nullglob
desktop_debs=("$WORK"/listinglens_*.deb)
server_debs=("$WORK"/listinglens-server_*.deb)
((${#desktop_debs[@]} == 1)) || fail "expected one listinglens_*.deb in $WORK"
((${#server_debs[@]} == 1)) || fail "expected one listinglens-server_*.deb in $WORK"
DESKTOP_DEB="${desktop_debs[0]}"
SERVER_DEB="${server_debs[0]}"

# --- what the packages hold -----------------------------------------------------
has() { # deb path...
    local deb=$1; shift
    local list; list="$(dpkg-deb -c "$deb" | awk '{print $6}')"
    for path in "$@"; do
        grep -qxF "./${path#/}" <<<"$list" || fail "$(basename "$deb") lacks $path"
    done
}
lacks() { # deb regex: no path in the package matches the extended regex
    if dpkg-deb -c "$1" | awk '{print $6}' | grep -qE "$2"; then fail "$(basename "$1") holds $2"; fi
}
field() { dpkg-deb -f "$1" "$2"; }

APP_ID=org.listinglens.ListingLens
has "$DESKTOP_DEB" /usr/bin/listinglens "/usr/share/applications/$APP_ID.desktop" \
    "/usr/share/icons/hicolor/scalable/apps/$APP_ID.svg" "/usr/share/metainfo/$APP_ID.metainfo.xml"
has "$SERVER_DEB" /usr/bin/listinglens-server /lib/systemd/system/listinglens-serve.service \
    "/lib/systemd/system/listinglens-worker@.service" /usr/share/listinglens-server/listinglens.env.example
lacks "$DESKTOP_DEB" 'listinglens-server$|systemd'
lacks "$SERVER_DEB" 'bin/listinglens$|applications/'

for deb in "$DESKTOP_DEB" "$SERVER_DEB"; do
    echo "$(field "$deb" Package) $(field "$deb" Version), $(stat -c %s "$deb") bytes"
    echo "  Depends: $(field "$deb" Depends)"
    echo "  Recommends: $(field "$deb" Recommends)"
done
# dpkg-shlibdeps named the libraries the binaries link, beside the Qt SQL drivers named by hand.
field "$DESKTOP_DEB" Depends | grep -q "libqt6widgets6" || fail "listinglens: no libqt6widgets6 in Depends (dpkg-shlibdeps?)"
field "$DESKTOP_DEB" Depends | grep -q "libqt6sql6-sqlite" || fail "listinglens: no SQLite driver in Depends"
for d in libtorch1.13 libqt6core6 libpq5 libqt6sql6-psql adduser; do
    field "$SERVER_DEB" Depends | grep -q "$d" || fail "listinglens-server: no $d in Depends"
done
if field "$SERVER_DEB" Depends | grep -qE "libqt6(widgets|gui|charts)6"; then
    fail "listinglens-server depends on Qt GUI libraries"
fi

if command -v appstreamcli >/dev/null; then
    mkdir "$WORK/desktop" && dpkg-deb -x "$DESKTOP_DEB" "$WORK/desktop"
    appstreamcli validate --no-net "$WORK/desktop/usr/share/metainfo/$APP_ID.metainfo.xml" || fail "appstreamcli validate"
else
    echo "(appstreamcli not installed: AppStream metadata not validated)"
fi
if command -v desktop-file-validate >/dev/null; then
    dpkg-deb --fsys-tarfile "$DESKTOP_DEB" | tar -xO "./usr/share/applications/$APP_ID.desktop" > "$WORK/$APP_ID.desktop"
    desktop-file-validate "$WORK/$APP_ID.desktop" || fail "desktop-file-validate"
fi

# --- install, use, remove ---------------------------------------------------------
[ "$(id -u)" -eq 0 ] || skip "installing the packages needs root (the packages were built and checked)"
for f in /usr/bin/listinglens /usr/bin/listinglens-server; do
    if [ -e "$f" ] && ! dpkg -S "$f" >/dev/null 2>&1; then
        skip "$f exists and no package owns it (installed by hand?): not overwriting it"
    fi
done

INSTALLED=1
purge # what an earlier, interrupted run may have left
echo "==> dpkg -i $(basename "$DESKTOP_DEB") $(basename "$SERVER_DEB")"
DEBIAN_FRONTEND=noninteractive dpkg -i "$DESKTOP_DEB" "$SERVER_DEB" \
    || fail "dpkg -i (missing runtime dependencies? dpkg --audit: $(dpkg --audit listinglens listinglens-server | tr '\n' ' '))"
for p in "${PACKAGES[@]}"; do
    [ "$(dpkg-query -W -f='${Status}' "$p")" = "install ok installed" ] || fail "$p not configured"
done

/usr/bin/listinglens --version
/usr/bin/listinglens-server --help > "$WORK/help.txt" || fail "listinglens-server --help"
grep -q "^Usage: listinglens-server" "$WORK/help.txt" || fail "listinglens-server --help: unexpected output"
# The desktop binary hands service commands to the server beside it.
/usr/bin/listinglens serve --help > /dev/null || fail "listinglens serve --help (hand-over to listinglens-server)"

getent passwd listinglens > /dev/null || fail "no listinglens user"
getent group listinglens > /dev/null || fail "no listinglens group"
[ "$(stat -c '%a %U' /etc/listinglens/listinglens.env)" = "600 root" ] || fail "/etc/listinglens/listinglens.env is not 0600 root"
for f in /lib/systemd/system/listinglens-serve.service "/lib/systemd/system/listinglens-worker@.service" \
         "/usr/share/applications/$APP_ID.desktop" "/usr/share/icons/hicolor/scalable/apps/$APP_ID.svg" \
         "/usr/share/metainfo/$APP_ID.metainfo.xml"; do
    [ -f "$f" ] || fail "$f not installed"
done
grep -q "^ExecStart=/usr/bin/listinglens-server serve " /lib/systemd/system/listinglens-serve.service || fail "serve unit ExecStart"
if command -v systemd-analyze >/dev/null; then
    # Checks the units' syntax and that ExecStart's binary is there; no systemd needs to run.
    systemd-analyze verify /lib/systemd/system/listinglens-serve.service \
        /lib/systemd/system/listinglens-worker@1.service 2>&1 | tee "$WORK/verify.txt" || true
    if grep -E "listinglens.*(Unknown|Invalid|not executable|Failed to)" "$WORK/verify.txt"; then fail "systemd-analyze verify"; fi
fi
if systemctl is-active --quiet listinglens-serve.service 2>/dev/null; then fail "listinglens-serve started on install"; fi

echo "==> remove (settings kept), then purge"
DEBIAN_FRONTEND=noninteractive dpkg -r listinglens-server listinglens
for f in /usr/bin/listinglens /usr/bin/listinglens-server; do
    if [ -e "$f" ]; then fail "$f left after dpkg -r"; fi
done
[ -f /etc/listinglens/listinglens.env ] || fail "dpkg -r removed /etc/listinglens/listinglens.env (only purge should)"
purge
INSTALLED=0
for f in /usr/bin/listinglens /usr/bin/listinglens-server /lib/systemd/system/listinglens-serve.service \
         "/usr/share/applications/$APP_ID.desktop" /etc/listinglens/listinglens.env; do
    if [ -e "$f" ]; then fail "$f left after purge"; fi
done
echo "(the listinglens system user stays after purge, as Debian does: files it owns may remain)"
echo "PASS: both packages built, installed, ran and were purged"
