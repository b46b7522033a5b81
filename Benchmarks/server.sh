#!/usr/bin/env bash
# Compares the embedded server (`assetcrawl serve`, release build) with nginx, all on
# 127.0.0.1 serving the same folder, with wrk: (a) a 10 KB file, (b) a conditional GET
# answered 304, (c) a 200 KB file; then a soak on (a) sampling the server's RSS.
#
# nginx runs three ways:
# - "debian": as Debian configures it (Benchmarks/nginx-debian.sh: /etc/nginx/nginx.conf's
#   worker_processes auto, sendfile and tcp_nopush as shipped, an access log, gzip, the
#   default keepalive_requests), the way most people meet it;
# - "bare": no access log, keep-alive without a request limit (it opens and stats the file
#   on every request);
# - "cache": bare with `open_file_cache` (it keeps descriptors and stat results, trusted for
#   `open_file_cache_valid 1s`). assetcrawl always caches what it knows about files, and
#   drops it on any inotify event, so this is the closest peer.
# Beside req/s and p99, each server's CPU per request (user+sys from /proc, µs).
#   LOADED=1 Benchmarks/server.sh        # with one core kept busy (stress-ng --cpu 1)
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
[ "${LOADED:-0}" = 1 ] && install_if_missing stress-ng stress-ng
NGINX=$(command -v nginx)
# SCRATCH: the release build's scratch path (default .build).
SCRATCH=${SCRATCH:-.build}

# BIN: an assetcrawl binary already built (release), used instead of building one.
if [ -z "${BIN:-}" ]; then
  echo "building assetcrawl (release)"
  swift build -c release --product assetcrawl --scratch-path "$SCRATCH" >/dev/null 2>&1 || { echo "release build failed" >&2; exit 1; }
  BIN="$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path 2>/dev/null)/assetcrawl"
fi

work=$(mktemp -d)
# nginx's workers run as an unprivileged user: they must be able to read the site.
chmod 755 "$work"
pids=()
cleanup() {
  declare -F stop_nginx >/dev/null && stop_nginx
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

# nginx, bare: a minimal config of its own, in the foreground (daemon off), logs off; once as
# is, once with open_file_cache.
start_bare_nginx() {  # name port extra-http-directives
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
start_bare_nginx nginx "$nginx_port" ""
nginx_pid=${pids[-1]}
cached_port=$(free_port)
start_bare_nginx nginx-cached "$cached_port" "open_file_cache max=10000 inactive=60s; open_file_cache_valid 1s;"
cached_pid=${pids[-1]}
# nginx as Debian configures it (daemonised, stopped by its master's pid).
WORK=$work
source Benchmarks/nginx-debian.sh
debian_port=$(free_port)
start_nginx "$site" "$debian_port"
debian_pid=$NGINX_PID

ac_port=$(free_port)
"$BIN" serve "$site" --host 127.0.0.1 --port "$ac_port" --log-level warning >/dev/null &
ac_pid=$!
pids+=($ac_pid)

if [ "${LOADED:-0}" = 1 ]; then
  stress-ng --cpu 1 --timeout $(( (DURATION + 2) * ROUNDS * 12 + SOAK + 120 ))s >/dev/null 2>&1 &
  pids+=($!)
fi
ports=("$ac_port" "$debian_port" "$nginx_port" "$cached_port")
names=(assetcrawl "nginx debian" "nginx bare" "nginx cache")
for port in "${ports[@]}"; do wait_for "http://127.0.0.1:$port/index.html"; done
for url in "${ports[@]/#/http://127.0.0.1:}"; do
  for file in 10k.bin 200k.bin; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$url/$file")
    [ "$code" = 200 ] || { echo "$url/$file answered $code, not 200" >&2; exit 1; }
  done
done

etag() { curl -sI "$1" | tr -d '\r' | awk 'tolower($1)=="etag:" {print $2}'; }
status_with() { curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $2" "$1"; }

# The CPU ticks (user+sys) of a server: the process, or an nginx master's workers.
ticks() {  # pid
  local total=0 pid
  for pid in "$1" $(pgrep -P "$1" || true); do total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0))); done
  echo "$total"
}
hz=$(getconf CLK_TCK)

# wrk → "req/s p99_ms cpu_us_per_request"
run_wrk() {  # pid url [header]
  local pid=$1 url=$2 before after
  local args=(-t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency --timeout 5s)
  [ $# -gt 2 ] && args+=(-H "$3")
  before=$(ticks "$pid")
  out=$(timeout $((DURATION + 30)) wrk "${args[@]}" "$url")
  after=$(ticks "$pid")
  echo "$out" | awk -v t=$((after - before)) -v hz="$hz" '
    /requests in/ { n = $1 }
    /Requests\/sec:/ { rps = $2 }
    /^ +99%/ { v = $2; unit = v; gsub(/[0-9.]/, "", unit); gsub(/[a-z]/, "", v);
               if (unit == "us") v /= 1000; else if (unit == "s") v *= 1000; p99 = v }
    /Non-2xx or 3xx responses:/ { print "warning: " $0 > "/dev/stderr" }
    /Socket errors/ { print "warning: " $0 > "/dev/stderr" }
    END { printf "%.0f %.2f %.1f\n", rps, p99, (n > 0 ? t / hz * 1e6 / n : 0) }'
}

server_pids=("$ac_pid" "$debian_pid" "$nginx_pid" "$cached_pid")
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '\n%-24s %-13s %9s %7s %7s %7s\n' "case" "server" "req/s" "p99 ms" "µs/req" "ac/this"
bench() {  # name path [conditional]
  local name=$1 path=$2 conditional=${3:-}
  local runs=("" "" "" "") headers=("" "" "" "")
  local i
  for i in 0 1 2 3; do
    local url="http://127.0.0.1:${ports[$i]}/$path"
    if [ -n "$conditional" ]; then
      headers[$i]="If-None-Match: $(etag "$url")"
      [ "$(status_with "$url" "${headers[$i]#If-None-Match: }")" = 304 ] || { echo "$url did not answer 304" >&2; exit 1; }
    fi
  done
  local round order
  for round in $(seq 1 "$ROUNDS"); do
    # Alternate the order every round, so drift on a shared machine hits every server alike.
    if [ $((round % 2)) = 1 ]; then order="0 1 2 3"; else order="3 2 1 0"; fi
    for i in $order; do
      local url="http://127.0.0.1:${ports[$i]}/$path"
      runs[$i]+="$(run_wrk "${server_pids[$i]}" "$url" ${headers[$i]:+"${headers[$i]}"})"$'\n'
    done
  done
  local ac_rps rps p99 cpu
  read -r ac_rps _ <<<"$(median "${runs[0]}")"
  for i in 0 1 2 3; do
    read -r rps p99 cpu <<<"$(median "${runs[$i]}")"
    [ "$i" = 3 ] && last_cached_rps=$rps
    printf '%-24s %-13s %9s %7s %7s %7s\n' "$([ "$i" = 0 ] && echo "$name")" "${names[$i]}" "$rps" "$p99" "$cpu" \
      "$([ "$i" = 0 ] && echo "" || ratio "$ac_rps" "$rps")"
    echo "  ${names[$i]} rounds (req/s): $(rounds "${runs[$i]}")" >&2
  done
}
# The req/s of each round, and a/b as "1.23x".
rounds() { echo "$1" | awk 'NF { printf "%s ", $1 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }
# The median line (by req/s) of "rps p99 cpu" lines.
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
    for _ in $(seq 1 "$ROUNDS"); do floor_runs+="$(run_wrk "$floor_pid" "http://127.0.0.1:$floor_port/10k.bin")"$'\n'; done
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
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
