#!/usr/bin/env bash
# The report phase, two builds side by side (issues #11 and #12): one full-audit crawl of the
# synthetic site (assetcrawl serve --synthetic) into a store, then, ROUNDS times and interleaved
# so both builds see the same load, `assetcrawl report STORE` (the terminal summary alone: what
# a crawl without report flags does after its last fetch) and `report STORE --json`, each
# build's output compared byte for byte with the first one's.
#
#   Benchmarks/report-ab.sh OLD_BINARY NEW_BINARY            # 10,000 URLs, 4 rounds
#   URLS=100000 ROUNDS=2 Benchmarks/report-ab.sh OLD NEW
#   STORE=crawl.sqlite Benchmarks/report-ab.sh OLD NEW       # a crawl stored already (e.g. of
#                                  # crawl.sh's site: crawl --serve SITE --store crawl.sqlite)
#
# Prints per build and step the median CPU (user+sys, from /usr/bin/time) and its minimum (the
# steadiest figure on a shared machine), wall and peak RSS, and the load average.
# Only 127.0.0.1 is contacted; the server is stopped by pid.
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: Benchmarks/report-ab.sh OLD_BINARY NEW_BINARY" >&2; exit 2; }
URLS=${URLS:-10000}
ROUNDS=${ROUNDS:-4}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /dev/shm/assetcrawl-report-ab.XXXXXX)
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
for tool in /usr/bin/time python3; do
    command -v "$tool" >/dev/null 2>&1 || { echo "report-ab.sh needs $tool (apt-get install time python3)" >&2; exit 2; }
done

ASSETCRAWL=$1
if [[ -n "${STORE:-}" ]]; then
    # A copy: reading a store may checkpoint it, and both builds must read the same bytes.
    cp "$STORE" "$WORK/crawl.sqlite"
    URLS=$(python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM resources').fetchone()[0])" "$WORK/crawl.sqlite")
else
    # shellcheck source=synthetic-server.sh
    . "$HERE/synthetic-server.sh"
    start_server $(( (URLS - 6) / 3 ))
    "$1" crawl "$BASE" --concurrency 16 --per-host 16 --quiet --store "$WORK/crawl.sqlite" > /dev/null
    stop_server
fi

: > "$WORK/times"
for round in $(seq "$ROUNDS"); do
    for i in 1 2; do
        binary=${!i}
        /usr/bin/time -f "$i summary %e %U %S %M" -a -o "$WORK/times" "$binary" report "$WORK/crawl.sqlite" > "$WORK/summary.$i"
        /usr/bin/time -f "$i json %e %U %S %M" -a -o "$WORK/times" "$binary" report "$WORK/crawl.sqlite" --json "$WORK/report.$i.json" > /dev/null
        if [[ $i == 2 ]]; then
            cmp -s "$WORK/summary.1" "$WORK/summary.2" || { echo "round $round: the summaries differ" >&2; exit 1; }
            cmp -s "$WORK/report.1.json" "$WORK/report.2.json" || { echo "round $round: the JSON reports differ" >&2; exit 1; }
        fi
    done
    echo "round $round of $ROUNDS done (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
done

python3 - "$WORK/times" "$URLS" "$1" "$2" <<'PY'
import sys, statistics
path, urls, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:5]
rows = [l.split() for l in open(path) if l[:1] in "12"]
print(f"{urls} URLs, the same store; outputs byte-identical in every round")
print(f"{'build':>5} {'step':8} {'CPU s (median)':>15} {'µs/URL':>8} {'min µs/URL':>10} {'wall s':>8} {'peak MB':>8}  runs (CPU s)")
cpu = {}
for step in ("summary", "json"):
    for i in ("1", "2"):
        r = [x for x in rows if x[0] == i and x[1] == step]
        c = [float(x[3]) + float(x[4]) for x in r]
        cpu[(step, i)] = c
        print(f"{i:>5} {step:8} {statistics.median(c):15.3f} {1e6 * statistics.median(c) / urls:8.1f} {1e6 * min(c) / urls:10.1f} "
              f"{statistics.median(float(x[2]) for x in r):8.2f} {max(int(x[5]) for x in r) / 1024:8.1f}  {' '.join(f'{v:.2f}' for v in c)}")
    ratios = [b / a for a, b in zip(cpu[(step, "1")], cpu[(step, "2")])]
    print(f"      {step}: build 2 / build 1 CPU, median of paired rounds: {statistics.median(ratios):.3f}")
print("build 1:", names[0]); print("build 2:", names[1])
PY
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
