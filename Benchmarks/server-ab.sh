#!/usr/bin/env bash
# A/B of the embedded server between two revisions: builds `assetcrawl` (release) at each,
# serves the same folder with both on 127.0.0.1, and runs wrk (2 threads, 64 connections)
# on a conditional GET answered 304, alternating A and B each round; prints each round's
# req/s and B/A. For judging a change to the server's hot path on a noisy machine, where
# one run against nginx says little.
#
#   Benchmarks/server-ab.sh HEAD~1 HEAD          # 5 rounds of 5 s
#   ROUNDS=9 DURATION=10 Benchmarks/server-ab.sh main my-branch
#
# Each revision builds in its own scratch folder (.build-ab-<rev>); loopback only; every
# process started is stopped by its pid.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: Benchmarks/server-ab.sh REV-A REV-B" >&2; exit 2; }
DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-5}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for rev_dir in "$work"/src-*; do [ -d "$rev_dir" ] && git worktree remove --force "$rev_dir" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT

top=$(git rev-parse --show-toplevel)
build() {  # rev → path of the binary
  local rev=$1 sha
  sha=$(git rev-parse --short "$rev")
  git worktree add --detach "$work/src-$sha" "$sha" >/dev/null 2>&1
  echo "building $rev ($sha)" >&2
  (cd "$work/src-$sha" && swift build -c release --product assetcrawl --scratch-path "$top/.build-ab-$sha" >/dev/null 2>&1) \
    || { echo "build of $rev failed" >&2; exit 1; }
  echo "$top/.build-ab-$sha/release/assetcrawl"
}
bin_a=$(build "$1")
bin_b=$(build "$2")

site="$work/site"
mkdir -p "$site"
head -c 10240 /dev/urandom >"$site/10k.bin"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port_a=$(free_port); port_b=$(free_port)
"$bin_a" serve "$site" --host 127.0.0.1 --port "$port_a" --log-level warning >/dev/null & pids+=($!)
"$bin_b" serve "$site" --host 127.0.0.1 --port "$port_b" --log-level warning >/dev/null & pids+=($!)
for port in "$port_a" "$port_b"; do
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/10k.bin" && break; sleep 0.1; done
done
etag() { curl -sI "$1" | tr -d '\r' | awk 'tolower($1)=="etag:" {print $2}'; }
rps() {  # url
  timeout $((DURATION + 30)) wrk -t2 -c64 -d"${DURATION}s" -H "If-None-Match: $(etag "$1")" "$1" | awk '/Requests\/sec:/ { printf "%.0f", $2 }'
}
echo "round        A req/s      B req/s    B/A"
ratios=""
for round in $(seq 1 "$ROUNDS"); do
  a=$(rps "http://127.0.0.1:$port_a/10k.bin")
  b=$(rps "http://127.0.0.1:$port_b/10k.bin")
  ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", (a > 0 ? b / a : 0) }')
  ratios+="$ratio"$'\n'
  printf '%5d %12s %12s %6s\n' "$round" "$a" "$b" "$ratio"
done
echo "median B/A: $(echo "$ratios" | awk 'NF' | sort -n | awk '{ r[NR] = $0 } END { print r[int((NR + 1) / 2)] }')"
