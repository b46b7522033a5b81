#!/usr/bin/env bash
# Compares the embedded server (`assetcrawl serve`, release build) with nginx, both on
# 127.0.0.1 serving the same folder, with wrk: (a) a 10 KB file, (b) a conditional GET
# answered 304, (c) a 200 KB file; then a soak on (a) sampling the server's RSS.
#
#   Benchmarks/server.sh                 # 2 threads, 64 connections, 10 s each, 60 s soak
#   DURATION=5 SOAK=20 ROUNDS=1 Benchmarks/server.sh
#
# Each case runs ROUNDS times (default 3), alternating the two servers, and the median
# round (by req/s) of each is printed: on a shared machine one run says little.
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

# nginx: a minimal config of its own, in the foreground (daemon off), logs off.
nginx_port=$(free_port)
mkdir -p "$work/nginx/logs"
cat >"$work/nginx/nginx.conf" <<CONF
daemon off;
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  types { text/html html; application/octet-stream bin; }
  server {
    listen 127.0.0.1:$nginx_port;
    root $site;
  }
}
CONF
"$NGINX" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/logs/error.log" &
pids+=($!)

ac_port=$(free_port)
"$BIN" serve "$site" --host 127.0.0.1 --port "$ac_port" --log-level warning >/dev/null &
ac_pid=$!
pids+=($ac_pid)

wait_for "http://127.0.0.1:$nginx_port/index.html"
wait_for "http://127.0.0.1:$ac_port/index.html"
for url in "http://127.0.0.1:$nginx_port" "http://127.0.0.1:$ac_port"; do
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

printf '\n%-26s %12s %10s %12s %10s %8s\n' "case" "assetcrawl/s" "p99 ms" "nginx/s" "p99 ms" "ratio"
bench() {  # name path [conditional]
  local name=$1 path=$2 conditional=${3:-}
  local ac_url="http://127.0.0.1:$ac_port/$path" ng_url="http://127.0.0.1:$nginx_port/$path"
  local ac_header="" ng_header=""
  if [ -n "$conditional" ]; then
    ac_header="If-None-Match: $(etag "$ac_url")"
    ng_header="If-None-Match: $(etag "$ng_url")"
    [ "$(status_with "$ac_url" "${ac_header#If-None-Match: }")" = 304 ] || { echo "assetcrawl did not answer 304" >&2; exit 1; }
    [ "$(status_with "$ng_url" "${ng_header#If-None-Match: }")" = 304 ] || { echo "nginx did not answer 304" >&2; exit 1; }
  fi
  local ac_runs="" ng_runs=""
  for _ in $(seq 1 "$ROUNDS"); do
    if [ -n "$conditional" ]; then ac_runs+="$(run_wrk "$ac_url" "$ac_header")"$'\n'; else ac_runs+="$(run_wrk "$ac_url")"$'\n'; fi
    if [ -n "$conditional" ]; then ng_runs+="$(run_wrk "$ng_url" "$ng_header")"$'\n'; else ng_runs+="$(run_wrk "$ng_url")"$'\n'; fi
  done
  local ac_rps ac_p99 ng_rps ng_p99
  read -r ac_rps ac_p99 <<<"$(median "$ac_runs")"
  read -r ng_rps ng_p99 <<<"$(median "$ng_runs")"
  echo "  $name rounds: assetcrawl [$(echo "$ac_runs" | awk 'NF { printf "%s ", $1 }')] nginx [$(echo "$ng_runs" | awk 'NF { printf "%s ", $1 }')]" >&2
  printf '%-26s %12s %10s %12s %10s %7.2fx\n' "$name" "$ac_rps" "$ac_p99" "$ng_rps" "$ng_p99" \
    "$(awk -v a="$ac_rps" -v b="$ng_rps" 'BEGIN { print (b > 0 ? a / b : 0) }')"
}
# The median line (by req/s) of "rps p99" lines.
median() { echo "$1" | awk 'NF' | sort -n | awk '{ line[NR] = $0 } END { print line[int((NR + 1) / 2)] }'; }
bench "(a) 10 KB file" 10k.bin
bench "(b) 304 (If-None-Match)" 10k.bin conditional
bench "(c) 200 KB file" 200k.bin

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
