#!/usr/bin/env bash
# A/B of `assetcrawl crawl --serve` (the embedded server and the crawler in one process, where
# every request is the server's first for its file) between two release binaries: generates
# Benchmarks/crawl_site.py's site (PAGES pages, default 2,000: about 20,000 URLs) on tmpfs,
# then runs both builds' `crawl --serve --no-revalidate` alternately (the order flips every
# round, so drift in the machine's load falls on both), printing wall seconds, CPU (user+sys
# from /usr/bin/time) and peak RSS per run, and per round B/A of CPU; then the median.
#
#   Benchmarks/server-crawl-ab.sh /tmp/ac-main .build/release/assetcrawl
#   ROUNDS=5 PAGES=500 Benchmarks/server-crawl-ab.sh A B
#
# Only 127.0.0.1 is contacted; the site is removed at the end.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: Benchmarks/server-crawl-ab.sh BIN-A BIN-B" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
ROUNDS=${ROUNDS:-3}
PAGES=${PAGES:-2000}
source "$HERE/need.sh"
need python3 python3
[[ -x /usr/bin/time ]] || need /usr/bin/time time
WORK=$(mktemp -d /dev/shm/server-crawl-ab.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
python3 "$HERE/crawl_site.py" "$WORK" "$PAGES" >&2

run() {  # bin → "wall user sys maxrss_kb"
  /usr/bin/time -f "%e %U %S %M" "$1" crawl --serve "$WORK/site" --max-pages 1000000 --concurrency 16 --per-host 16 \
    --quiet --no-revalidate 2>&1 >/dev/null | tail -1
}
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%5s %8s %8s %8s %8s %8s %8s %7s\n' round "A wall" "A cpu" "A MB" "B wall" "B cpu" "B MB" "B/A cpu"
ratios=""
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then a=$(run "$1"); b=$(run "$2"); else b=$(run "$2"); a=$(run "$1"); fi
  line=$(awk -v a="$a" -v b="$b" -v r="$round" 'BEGIN {
    split(a, x, " "); split(b, y, " "); ca = x[2] + x[3]; cb = y[2] + y[3]
    printf "%5d %8.2f %8.2f %8.0f %8.2f %8.2f %8.0f %7.3f\n", r, x[1], ca, x[4] / 1024, y[1], cb, y[4] / 1024, cb / ca }')
  echo "$line"
  ratios+="$(echo "$line" | awk '{ print $8 }')"$'\n'
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "median B/A CPU: $(echo "$ratios" | awk 'NF' | sort -g | awk '{ r[NR] = $0 } END { print r[int((NR + 1) / 2)] }')"
