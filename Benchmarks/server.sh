#!/usr/bin/env bash
# Compares the embedded server (`assetcrawl serve`, release build) with nginx, all on
# 127.0.0.1 serving the same folder, with wrk: (a) a 10 KB file, (b) a conditional GET
# answered 304, (c) a 200 KB file; then a soak on (a) sampling the server's RSS.
#
# nginx runs twice: as configured out of the box (it opens and stats the file on every
# request), and with `open_file_cache` (it keeps descriptors and stat results, trusted for
# `open_file_cache_valid 1s`). assetcrawl always caches what it knows about files, and
# drops it on any inotify event, so the second is the closer peer; both ratios are printed.
#
#   Benchmarks/server.sh                 # 2 threads, 64 connections, 10 s each, 60 s soak
#   DURATION=5 SOAK=20 ROUNDS=1 Benchmarks/server.sh
#   FLOOR=1 Benchmarks/server.sh         # also the fastest 304 NIO itself allows, three ways (Benchmarks/NIOFloor)
#
# Each case runs ROUNDS times (default 3), alternating the servers, and the median round
# (by req/s) of each is printed: on a shared machine one run says little.
#
# Everything runs on loopback, every run is bounded in time, and every process this script
# starts is stopped by its pid on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
SOAK=${SOAK:-60}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
ROUNDS=${ROUNDS:-3}

install_if_missing() {  # command package
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "installing $2"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  fi
}
install_if_missing nginx nginx
install_if_missing wrk wrk
install_if_missing curl curl
NGINX=$(command -v nginx)

echo "building assetcrawl (release)"
swift build -c release --product assetcrawl >/dev/null 2>&1 || { echo "release build failed" >&2; exit 1; }
BIN="$(swift build -c release --show-bin-path 2>/dev/null)/assetcrawl"

work=$(mktemp -d)
# nginx's workers run as an unprivileged user: they must be able to read the site.
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() {  # url
  for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "no answer from $1" >&2; exit 1
}

site="$work/site"
mkdir -p "$site"
head -c 10240 /dev/urandom >"$site/10k.bin"
head -c 204800 /dev/urandom >"$site/200k.bin"
echo '<h1>bench</h1>' >"$site/index.html"

# nginx: a minimal config of its own, in the foreground (daemon off), logs off; once as is,
# once with open_file_cache.
start_nginx() {  # name port extra-http-directives
  local dir="$work/$1"
  mkdir -p "$dir/logs"
  cat >"$dir/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  $3
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  types { text/html html; application/octet-stream bin; }
  server {
    listen 127.0.0.1:$2;
    root $site;
  }
}
CONF
  "$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" &
  pids+=($!)
}
nginx_port=$(free_port)
start_nginx nginx "$nginx_port" ""
cached_port=$(free_port)
start_nginx nginx-cached "$cached_port" "open_file_cache max=10000 inactive=60s; open_file_cache_valid 1s;"

ac_port=$(free_port)
"$BIN" serve "$site" --host 127.0.0.1 --port "$ac_port" --log-level warning >/dev/null &
ac_pid=$!
pids+=($ac_pid)

wait_for "http://127.0.0.1:$nginx_port/index.html"
wait_for "http://127.0.0.1:$cached_port/index.html"
wait_for "http://127.0.0.1:$ac_port/index.html"
for url in "http://127.0.0.1:$nginx_port" "http://127.0.0.1:$cached_port" "http://127.0.0.1:$ac_port"; do
  for file in 10k.bin 200k.bin; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$url/$file")
    [ "$code" = 200 ] || { echo "$url/$file answered $code, not 200" >&2; exit 1; }
  done
done

etag() { curl -sI "$1" | tr -d '\r' | awk 'tolower($1)=="etag:" {print $2}'; }
status_with() { curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $2" "$1"; }

# wrk → "req/s p99_ms"
run_wrk() {  # url [header]
  local args=(-t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency --timeout 5s)
  [ $# -gt 1 ] && args+=(-H "$2")
  timeout $((DURATION + 30)) wrk "${args[@]}" "$1" | awk '
    /Requests\/sec:/ { rps = $2 }
    /^ +99%/ { v = $2; unit = v; gsub(/[0-9.]/, "", unit); gsub(/[a-z]/, "", v);
               if (unit == "us") v /= 1000; else if (unit == "s") v *= 1000; p99 = v }
    /Non-2xx or 3xx responses:/ { print "warning: " $0 > "/dev/stderr" }
    /Socket errors/ { print "warning: " $0 > "/dev/stderr" }
    END { printf "%.0f %.2f\n", rps, p99 }'
}

printf '\n%-24s %12s %8s %10s %8s %7s %12s %8s %7s\n' "case" "assetcrawl/s" "p99 ms" "nginx/s" "p99 ms" "ratio" "nginx+cache" "p99 ms" "ratio"
bench() {  # name path [conditional]
  local name=$1 path=$2 conditional=${3:-}
  local ports=("$ac_port" "$nginx_port" "$cached_port") runs=("" "" "") headers=("" "" "")
  local i
  for i in 0 1 2; do
    local url="http://127.0.0.1:${ports[$i]}/$path"
    if [ -n "$conditional" ]; then
      headers[$i]="If-None-Match: $(etag "$url")"
      [ "$(status_with "$url" "${headers[$i]#If-None-Match: }")" = 304 ] || { echo "$url did not answer 304" >&2; exit 1; }
    fi
  done
  for _ in $(seq 1 "$ROUNDS"); do
    for i in 0 1 2; do
      local url="http://127.0.0.1:${ports[$i]}/$path"
      if [ -n "$conditional" ]; then runs[$i]+="$(run_wrk "$url" "${headers[$i]}")"$'\n'; else runs[$i]+="$(run_wrk "$url")"$'\n'; fi
    done
  done
  local ac_rps ac_p99 ng_rps ng_p99 nc_rps nc_p99
  read -r ac_rps ac_p99 <<<"$(median "${runs[0]}")"
  read -r ng_rps ng_p99 <<<"$(median "${runs[1]}")"
  read -r nc_rps nc_p99 <<<"$(median "${runs[2]}")"
  last_cached_rps=$nc_rps
  echo "  $name rounds: assetcrawl [$(rounds "${runs[0]}")] nginx [$(rounds "${runs[1]}")] nginx+cache [$(rounds "${runs[2]}")]" >&2
  printf '%-24s %12s %8s %10s %8s %7s %12s %8s %7s\n' "$name" "$ac_rps" "$ac_p99" "$ng_rps" "$ng_p99" \
    "$(ratio "$ac_rps" "$ng_rps")" "$nc_rps" "$nc_p99" "$(ratio "$ac_rps" "$nc_rps")"
}
# The req/s of each round, and a/b as "1.23x".
rounds() { echo "$1" | awk 'NF { printf "%s ", $1 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }
# The median line (by req/s) of "rps p99" lines.
median() { echo "$1" | awk 'NF' | sort -n | awk '{ line[NR] = $0 } END { print line[int((NR + 1) / 2)] }'; }
bench "(a) 10 KB file" 10k.bin
bench "(b) 304 (If-None-Match)" 10k.bin conditional
cached_b_rps=$last_cached_rps
bench "(c) 200 KB file" 200k.bin

if [ "${FLOOR:-0}" = 1 ]; then
  # The fastest 304 SwiftNIO allows here, with no file logic: with NIO's HTTP/1 parser (what
  # assetcrawl uses), with NIO's full server pipeline (parser, response encoder, pipelining
  # handler), and with no parser at all.
  echo "building Benchmarks/NIOFloor (release)"
  (cd Benchmarks/NIOFloor && swift build -c release >/dev/null 2>&1) || { echo "NIOFloor build failed" >&2; exit 1; }
  floor_bin="$(cd Benchmarks/NIOFloor && swift build -c release --show-bin-path 2>/dev/null)/nio-floor"
  for mode in parser pipeline raw; do
    floor_port=$(free_port)
    "$floor_bin" "$floor_port" "$mode" &
    floor_pid=$!
    pids+=($floor_pid)
    wait_for "http://127.0.0.1:$floor_port/"
    floor_runs=""
    for _ in $(seq 1 "$ROUNDS"); do floor_runs+="$(run_wrk "http://127.0.0.1:$floor_port/10k.bin")"$'\n'; done
    read -r floor_rps floor_p99 <<<"$(median "$floor_runs")"
    printf '%-24s %12s %8s   (fixed 304, no file logic; nginx+cache %s)\n' "(b) NIO floor, $mode" "$floor_rps" "$floor_p99" \
      "$(ratio "$floor_rps" "$cached_b_rps")"
    kill "$floor_pid" 2>/dev/null || true
    wait "$floor_pid" 2>/dev/null || true
  done
fi

rss() { awk '/VmRSS/ { print $2 }' "/proc/$ac_pid/status"; }
echo
echo "soak: (a) for ${SOAK}s, assetcrawl RSS in KiB every 5 s"
samples="$(rss)"
timeout $((SOAK + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SOAK}s" "http://127.0.0.1:$ac_port/10k.bin" >"$work/soak.txt" &
wrk_pid=$!
pids+=($wrk_pid)
for _ in $(seq 5 5 "$SOAK"); do
  sleep 5
  samples="$samples $(rss)"
done
wait "$wrk_pid" || true
echo "RSS KiB: $samples"
awk '/Requests\/sec:/ { print "soak req/s: " $2 }' "$work/soak.txt"
