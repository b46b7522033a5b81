#!/usr/bin/env bash
# A/B of the embedded server between two revisions: builds `assetcrawl` (release) at each,
# serves the same folder with both on 127.0.0.1, and runs wrk (2 threads, 64 connections) on
# three cases: a 10 KB file, a conditional GET answered 304, a 200 KB file. Each round runs
# every case on A then B (the order flips every round, so drift hits both alike); prints each
# run's req/s and the server's CPU per request (user+sys from /proc, µs), then per case the
# median B/A of req/s and of CPU. For judging a change to the server's hot path on a noisy
# machine, where one run against nginx says little.
#
#   Benchmarks/server-ab.sh HEAD~1 HEAD          # 5 rounds of 5 s per case
#   ROUNDS=9 DURATION=10 Benchmarks/server-ab.sh main my-branch
#   LOADED=1 Benchmarks/server-ab.sh main HEAD   # with one core kept busy (stress-ng --cpu 1)
#   COUNTS=1 Benchmarks/server-ab.sh main HEAD   # also heap allocations and retains per request
#
# COUNTS=1 (root, perf with uprobes) then counts, per case and revision, the server's calls of
# malloc, swift_retain and swift_release per request over COUNT_REQUESTS (2000) keep-alive
# requests from one curl: exact figures where timings on a busy machine are noise.
#
# Each revision builds in its own scratch folder (.build-ab-<rev>) unless SCRATCH is set;
# loopback only; every process started is stopped by its pid.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: Benchmarks/server-ab.sh REV-A REV-B" >&2; exit 2; }
DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-5}
source Benchmarks/need.sh
need wrk wrk
need curl curl
[ "${LOADED:-0}" = 1 ] && need stress-ng stress-ng

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for rev_dir in "$work"/src-*; do [ -d "$rev_dir" ] && git worktree remove --force "$rev_dir" >/dev/null 2>&1 || true; done
  rm -rf "$work"
  # The uprobes COUNTS=1 added: the machine's probe list is left as it was found.
  for probe in "${added_probes[@]}"; do perf probe -q -d "$probe" 2>/dev/null || true; done
}
added_probes=()
trap cleanup EXIT

top=$(git rev-parse --show-toplevel)
# SCRATCH=DIR builds both revisions in one scratch folder, one after the other (the
# dependencies are built once; each binary is copied out before the next build).
build() {  # rev → path of the binary
  local rev=$1 sha scratch
  sha=$(git rev-parse --short "$rev")
  scratch=${SCRATCH:-$top/.build-ab-$sha}
  local src="$work/src-$sha"
  # The checkout itself when it is that revision with no changes (its build is then reused).
  if [ "$(git rev-parse HEAD)" = "$(git rev-parse "$rev")" ] && [ -z "$(git status --porcelain --untracked-files=no)" ]; then
    src=$top
  else
    git worktree add --detach "$src" "$sha" >/dev/null 2>&1
  fi
  echo "building $rev ($sha) in $scratch" >&2
  (cd "$src" && swift build -c release --product assetcrawl --scratch-path "$scratch" >/dev/null 2>&1) \
    || { echo "build of $rev failed" >&2; exit 1; }
  cp "$scratch/release/assetcrawl" "$work/assetcrawl-$sha"
  echo "$work/assetcrawl-$sha"
}
# B first: with SCRATCH, a B built in place then reuses its build, and A rebuilds only the
# package's own modules.
# BIN_A / BIN_B: a binary already built from that revision, used instead of building it.
bin_b=${BIN_B:-$(build "$2")}
bin_a=${BIN_A:-$(build "$1")}

site="$work/site"
mkdir -p "$site"
head -c 10240 /dev/urandom >"$site/10k.bin"
head -c 204800 /dev/urandom >"$site/200k.bin"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port_a=$(free_port); port_b=$(free_port)
"$bin_a" serve "$site" --host 127.0.0.1 --port "$port_a" --log-level warning >/dev/null & pid_a=$!; pids+=($pid_a)
"$bin_b" serve "$site" --host 127.0.0.1 --port "$port_b" --log-level warning >/dev/null & pid_b=$!; pids+=($pid_b)
for port in "$port_a" "$port_b"; do
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/10k.bin" && break; sleep 0.1; done
done
if [ "${LOADED:-0}" = 1 ]; then
  stress-ng --cpu 1 --timeout $(( (DURATION + 2) * ROUNDS * 6 + 60 ))s >/dev/null 2>&1 & pids+=($!)
fi
etag() { curl -sI "$1" | tr -d '\r' | awk 'tolower($1)=="etag:" {print $2}'; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
run() {  # pid url [header] → "req/s cpu-µs-per-request"
  local pid=$1 url=$2 before after out
  local args=(-t2 -c64 -d"${DURATION}s")
  [ $# -gt 2 ] && args+=(-H "$3")
  before=$(ticks "$pid")
  out=$(timeout $((DURATION + 30)) wrk "${args[@]}" "$url")
  after=$(ticks "$pid")
  echo "$out" | awk -v t=$((after - before)) -v hz="$hz" '
    /requests in/ { n = $1 } /Requests\/sec:/ { r = $2 }
    /Non-2xx or 3xx/ { print "warning: " $0 > "/dev/stderr" }
    END { printf "%.0f %.1f\n", r, (n > 0 ? t / hz * 1e6 / n : 0) }'
}
median() { awk 'NF' | sort -g | awk '{ r[NR] = $0 } END { print r[int((NR + 1) / 2)] }'; }
cases=("10 KB" "304" "200 KB")
declare -A rps_ratios cpu_ratios
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%5s %-7s %10s %8s %10s %8s %7s %7s\n' round case "A req/s" "A µs/r" "B req/s" "B µs/r" "B/A r/s" "B/A cpu"
for round in $(seq 1 "$ROUNDS"); do
  for c in "${cases[@]}"; do
    case $c in
      "10 KB") path=10k.bin; header="" ;;
      "304") path=10k.bin; header="If-None-Match: $(etag "http://127.0.0.1:$port_a/10k.bin")" ;;
      "200 KB") path=200k.bin; header="" ;;
    esac
    header_b=$header
    [ "$c" = 304 ] && header_b="If-None-Match: $(etag "http://127.0.0.1:$port_b/10k.bin")"
    if [ $((round % 2)) = 1 ]; then
      a=$(run "$pid_a" "http://127.0.0.1:$port_a/$path" ${header:+"$header"})
      b=$(run "$pid_b" "http://127.0.0.1:$port_b/$path" ${header_b:+"$header_b"})
    else
      b=$(run "$pid_b" "http://127.0.0.1:$port_b/$path" ${header_b:+"$header_b"})
      a=$(run "$pid_a" "http://127.0.0.1:$port_a/$path" ${header:+"$header"})
    fi
    read -r a_rps a_cpu <<<"$a"
    read -r b_rps b_cpu <<<"$b"
    r=$(awk -v a="$a_rps" -v b="$b_rps" 'BEGIN { printf "%.3f", (a > 0 ? b / a : 0) }')
    q=$(awk -v a="$a_cpu" -v b="$b_cpu" 'BEGIN { printf "%.3f", (a > 0 ? b / a : 0) }')
    rps_ratios[$c]+="$r"$'\n'
    cpu_ratios[$c]+="$q"$'\n'
    printf '%5d %-7s %10s %8s %10s %8s %7s %7s\n' "$round" "$c" "$a_rps" "$a_cpu" "$b_rps" "$b_cpu" "$r" "$q"
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
for c in "${cases[@]}"; do
  echo "$c: median B/A req/s $(echo "${rps_ratios[$c]}" | median), CPU per request $(echo "${cpu_ratios[$c]}" | median)"
done

[ "${COUNTS:-0}" = 1 ] || exit 0
need perf linux-perf
lib() { ldd "$bin_b" | awk -v name="$1" '$1 ~ name { print $3; exit }'; }
libc=$(lib '^libc[.]so'); swiftcore=$(lib '^libswiftCore[.]so')
perf probe -q -x "$libc" --add malloc 2>/dev/null && added_probes+=(probe_libc:malloc)
for f in swift_retain swift_release; do
  perf probe -q -x "$swiftcore" --add "$f" 2>/dev/null && added_probes+=("probe_libswiftCore:$f")
done
n=${COUNT_REQUESTS:-2000}
count() {  # pid url [header] → "malloc retain release" per request
  local pid=$1 url=$2 urls=() out
  local args=(-s -o /dev/null)
  [ $# -gt 2 ] && args+=(-H "$3")
  for _ in $(seq 1 "$n"); do urls+=("$url"); done
  out=$(mktemp)
  perf stat -x, -e probe_libc:malloc,probe_libswiftCore:swift_retain,probe_libswiftCore:swift_release -p "$pid" -o "$out" &
  local stat=$!
  sleep 0.5
  curl "${args[@]}" "${urls[@]}" >/dev/null
  sleep 0.2
  kill -INT "$stat"; wait "$stat" || true
  awk -F, -v n="$n" '$3 ~ /probe/ { printf "%.2f ", $1 / n }' "$out"; echo
  rm -f "$out"
}
echo "per request, over $n keep-alive requests: malloc, swift_retain, swift_release"
printf '%-7s %-24s %-24s\n' case A B
for c in "${cases[@]}"; do
  case $c in
    "10 KB") path=10k.bin; ha=""; hb="" ;;
    "304") path=10k.bin; ha="If-None-Match: $(etag "http://127.0.0.1:$port_a/10k.bin")"; hb="If-None-Match: $(etag "http://127.0.0.1:$port_b/10k.bin")" ;;
    "200 KB") path=200k.bin; ha=""; hb="" ;;
  esac
  a=$(count "$pid_a" "http://127.0.0.1:$port_a/$path" ${ha:+"$ha"})
  b=$(count "$pid_b" "http://127.0.0.1:$port_b/$path" ${hb:+"$hb"})
  printf '%-7s %-24s %-24s\n' "$c" "$a" "$b"
done
