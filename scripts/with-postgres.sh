#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server on loopback, started in a
# temporary directory and removed afterwards. The command sees its URL as
# LISTINGLENS_TEST_PG_URL (database "listinglens_test", user "postgres").
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$PGBIN/initdb" ] || { echo "with-postgres: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 2; }

DIR=$(mktemp -d /tmp/listinglens-pg.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432)
# initdb refuses to run as root: run the server as the postgres user then.
AS=()
if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$DIR"
    AS=(runuser -u postgres --)
fi
cleanup() {
    "${AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
}
trap cleanup EXIT

"${AS[@]}" "$PGBIN/initdb" -D "$DIR/data" -U postgres -A trust --no-sync >/dev/null
"${AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c full_page_writes=off" start >/dev/null
"${AS[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres listinglens_test
export LISTINGLENS_TEST_PG_URL="postgresql://postgres@127.0.0.1:$PORT/listinglens_test"
export LISTINGLENS_TEST_PG_DATA="$DIR/data" LISTINGLENS_TEST_PG_BIN="$PGBIN"
echo "==> PostgreSQL on 127.0.0.1:$PORT (throwaway, in $DIR)"
"$@"
