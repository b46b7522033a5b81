#!/usr/bin/env bash
# A private PostgreSQL cluster on 127.0.0.1 for tests and benchmarks (the shared crawl store, #16).
#
#   Scripts/pg-cluster.sh start DIR   # initdb into DIR, start on a free port, print the URL
#   Scripts/pg-cluster.sh stop DIR    # stop it (by its pid file) and delete DIR
#
# Debian's server programs live in /usr/lib/postgresql/VERSION/bin. initdb and postgres refuse
# to run as root: as root, they run as the `postgres` system user (the package creates it).
# The cluster trusts local connections (user postgres, no password) and skips fsync: it holds
# test data only. PG_DURABLE=1 keeps PostgreSQL's defaults (fsync, synchronous commits), as a
# real deployment would: benchmarks measure against that.
set -euo pipefail
command="${1:?usage: $0 start|stop DIR}"
dir="${2:?usage: $0 start|stop DIR}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bin/initdb" ] || { echo "pg-cluster: no PostgreSQL server (Debian: apt-get install postgresql)" >&2; exit 2; }
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$command" in
start)
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  durability="-c fsync=off -c synchronous_commit=off"
  [ -n "${PG_DURABLE:-}" ] && durability=""
  port=""
  for candidate in $(seq 55432 55531); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
  done
  [ -n "$port" ] || { echo "pg-cluster: no free port in 55432-55531" >&2; exit 1; }
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-k $dir -c listen_addresses=127.0.0.1 -p $port $durability -c max_connections=200" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  echo "postgresql://postgres@127.0.0.1:$port/postgres?sslmode=disable"
  ;;
stop)
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
