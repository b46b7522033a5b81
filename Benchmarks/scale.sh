#!/usr/bin/env bash
# Scale benchmark: assetcrawl's full audit (crawl, both probes per URL, JSON report) and
# wget2 -r -p on one synthetic site (assetcrawl serve --synthetic, generated on the fly, nothing
# on disk) at each size, plus assetcrawl with the store's result writes switched off to show
# what the store costs, and `assetcrawl report` rendering every other report (HTML, JUnit with
# the advisory checks, DOT, HAR) from the full audit's store.
#
#   Benchmarks/scale.sh                          # 10k, 100k and 1M URLs
#   SIZES="10000 100000" Benchmarks/scale.sh     # URLs per size (3 URLs a page)
#   SKIP_BUILD=1 LOAD=1 Benchmarks/scale.sh      # LOAD=1: a round with one core loaded (stress-ng)
#   SCRATCH=.build-rel Benchmarks/scale.sh       # build (swift build -c release) into this scratch path
#   TIMEOUT=3600 Benchmarks/scale.sh             # seconds any one run may take (then it is stopped)
#   RUNS="audit report" Benchmarks/scale.sh      # only some runs (audit, report, writes-off, wget2)
#   REPEAT=5 SIZES=10000 RUNS="audit writes-off" Benchmarks/scale.sh
#                                                # each size's runs 5 times in a row: the summary
#                                                # gives medians, and the store's cost as the
#                                                # median of its paired rounds
#
# The store-cost switch is for benchmarks only (not a user option): ASSETCRAWL_STORE_WRITES=off
# makes SQLiteCrawlStore skip writing results (resources, pages, references), while the
# frontier, skips and robots.txt answers are still written, so the crawl runs the same. Both
# runs are the same command (a named store in one tmpfs folder, synchronous=NORMAL, --json);
# the writes-off run only adds the switch. The "store costs" lines compare the two runs' crawl
# phases (ASSETCRAWL_BENCH=1 prints it on stderr after the last commit, before any report is
# written, so the JSON report phase is in neither figure): requests/s and CPU per request.
#
# Prints per run: wall seconds, peak RSS (/usr/bin/time; "crawl MB" is the crawl phase's own
# peak, before any report), requests (counted by the server),
# requests/s, CPU per request (user+sys of the crawler), and for assetcrawl the crawl phase
# alone (before the report). The machine's load average is printed with each run: figures
# taken while other builds run are noisy in wall time; CPU per request is the robust one.
# Only 127.0.0.1 is contacted; every process started is stopped by pid.
set -euo pipefail

SIZES=${SIZES:-"10000 100000 1000000"}
CONCURRENCY=${CONCURRENCY:-16}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
WORK=$(mktemp -d /dev/shm/assetcrawl-scale.XXXXXX)
SERVER_PID=""
STRESS_PID=""

cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; fi
    if [[ -n "$STRESS_PID" ]] && kill -0 "$STRESS_PID" 2>/dev/null; then kill "$STRESS_PID"; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

for tool in wget2 /usr/bin/time python3; do
    command -v "$tool" >/dev/null 2>&1 || { echo "scale.sh needs $tool (apt-get install wget2 time python3)" >&2; exit 2; }
done

SCRATCH=${SCRATCH:-.build}
TIMEOUT=${TIMEOUT:-3600}
RUNS=" ${RUNS:-audit report writes-off wget2} "
if [[ -z "${SKIP_BUILD:-}" ]]; then
    (cd "$REPO" && swift build -c release --scratch-path "$SCRATCH" --product assetcrawl >&2)
fi
ASSETCRAWL=${ASSETCRAWL:-"$REPO/$SCRATCH/release/assetcrawl"}

# shellcheck source=synthetic-server.sh
. "$(dirname "$0")/synthetic-server.sh"
# shellcheck source=need.sh
. "$(dirname "$0")/need.sh"

# run NAME URLS COMMAND...: one crawler against a fresh server; appends a result line.
run() {
    local name=$1 urls=$2; shift 2
    start_server $(( (urls - 6) / 3 ))
    local cmd=("$@")
    cmd=("${cmd[@]//@BASE@/$BASE}")
    timed "${cmd[@]}" || echo "  ($name exited $?)" >&2
    local requests phase load
    stop_server
    requests=$REQUESTS
    phase=$(sed -n 's/^crawl-phase //p' "$WORK/err.txt" | tail -1)
    load=$(cut -d' ' -f1 /proc/loadavg)
    read -r wall user sys rss < "$WORK/time.txt"
    echo "$name|$urls|$wall|$user|$sys|$rss|$requests|$load|$phase" >> "$WORK/results"
    echo "  $name at $urls URLs: ${wall}s, $((rss / 1024)) MB peak, $requests requests (load $load)" >&2
}

timed() {  # COMMAND...: time one run (bounded by TIMEOUT), its output in out.txt and err.txt
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.txt" timeout "$TIMEOUT" "$@" > "$WORK/out.txt" 2> "$WORK/err.txt"
}

# report NAME URLS: assetcrawl report on the full audit's store, no server; appends a result line.
report() {
    local name=$1 urls=$2
    timed "$ASSETCRAWL" report "$WORK/crawl.sqlite" --html "$WORK/r.html" --junit "$WORK/r.xml" --dot "$WORK/r.dot" --har "$WORK/r.har" \
        || echo "  ($name exited $?)" >&2
    local load
    load=$(cut -d' ' -f1 /proc/loadavg)
    read -r wall user sys rss < "$WORK/time.txt"
    echo "$name|$urls|$wall|$user|$sys|$rss|$urls|$load|" >> "$WORK/results"
    echo "  $name at $urls URLs: ${wall}s, $((rss / 1024)) MB peak, HTML $(( $(stat -c %s "$WORK/r.html") / 1024 )) KB (load $load)" >&2
    rm -f "$WORK"/r.*
}

round() {  # label
    for urls in $SIZES; do for _ in $(seq "${REPEAT:-1}"); do
        echo "$1: $urls URLs" >&2
        local flags=(crawl @BASE@ --concurrency "$CONCURRENCY" --per-host "$CONCURRENCY" --quiet)
        rm -f "$WORK"/crawl.sqlite*
        if [[ $RUNS == *" audit "* || $RUNS == *" report "* ]]; then
            run "assetcrawl full audit$1" "$urls" env ASSETCRAWL_BENCH=1 "$ASSETCRAWL" "${flags[@]}" --store "$WORK/crawl.sqlite" --json "$WORK/report.json"
            rm -f "$WORK/report.json"
        fi
        [[ $RUNS == *" report "* ]] && report "assetcrawl report --html --junit --dot --har$1" "$urls"
        rm -f "$WORK"/crawl.sqlite*
        # The same command as the full audit (a named store in $WORK, synchronous=NORMAL, --json)
        # with only the switch added, so the two runs differ in the result writes alone.
        if [[ $RUNS == *" writes-off "* ]]; then
            run "assetcrawl store writes off$1" "$urls" env ASSETCRAWL_BENCH=1 ASSETCRAWL_STORE_WRITES=off "$ASSETCRAWL" "${flags[@]}" --store "$WORK/crawl.sqlite" --json "$WORK/report.json"
            rm -f "$WORK/report.json" "$WORK"/crawl.sqlite*
        fi
        if [[ $RUNS == *" wget2 "* ]]; then
            rm -rf "$WORK/wget2"; mkdir -p "$WORK/wget2"
            run "wget2 -r -p$1" "$urls" wget2 -q -r -l inf -p -nH --max-threads "$CONCURRENCY" -P "$WORK/wget2" @BASE@
            rm -rf "$WORK/wget2"
        fi
    done; done
}

round ""
[[ -n "${LOAD:-}" ]] && loaded_round round

python3 - "$WORK/results" <<'PY'
import sys, statistics
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1])]
print(f"{'run':48} {'URLs':>8} {'wall s':>8} {'peak MB':>8} {'crawl MB':>8} {'requests':>9} {'req/s':>8} {'CPU µs/req':>10} {'crawl req/s':>11} {'crawl µs/req':>12} {'load':>5}")
by = {}
for name, urls, wall, user, sys_, rss, requests, load, phase in rows:
    wall, cpu, rss, requests = float(wall), float(user) + float(sys_), int(rss) / 1024, int(requests or 0)
    fields = dict(kv.split("=") for kv in phase.split()) if phase else {}
    crawl_rate = int(fields["requests"]) / float(fields["seconds"]) if fields else 0
    # CPU of the crawl phase alone (before the report), per request: steadier than req/s under load.
    crawl_cpu = (float(fields["user"]) + float(fields["sys"])) / max(1, int(fields["requests"])) if fields else 0
    # Peak RSS of the crawl phase alone (before the report phase), from the same line.
    crawl_mb = f"{int(fields['maxrss']) / 1024:8.1f}" if "maxrss" in fields else f"{'':8}"
    by.setdefault((name, urls), []).append((rss, crawl_rate, cpu / max(1, requests), cpu / int(urls), crawl_cpu))
    print(f"{name:48} {urls:>8} {wall:8.1f} {rss:8.1f} {crawl_mb} {requests:9d} {requests / wall:8.0f} {1e6 * cpu / max(1, requests):10.1f} "
          f"{crawl_rate:11.0f} {1e6 * crawl_cpu:12.1f} {load:>5}")
# With REPEAT, each run's rounds: round i of the full audit pairs with round i of writes-off.
runs = by
by = {key: tuple(statistics.median(column) for column in zip(*values)) for key, values in runs.items()}
def paired(on_key, off_key, field):  # median over the paired rounds of on[field] / off[field]
    pairs = [(a[field], b[field]) for a, b in zip(runs.get(on_key, []), runs.get(off_key, [])) if b[field]]
    return statistics.median(a / b for a, b in pairs) if pairs else None
sizes = sorted({int(u) for _, u, *_ in rows})
for suffix in ["", " (1 core loaded)"]:
    full = [by.get((f"assetcrawl full audit{suffix}", str(s))) for s in sizes]
    if None in full or not full:
        continue
    print(f"\nassetcrawl{suffix}: peak RSS at {sizes[-1]} URLs is {full[-1][0]:.0f} MB "
          f"(target <= 150 MB), {full[-1][0] / full[0][0]:.2f}x its value at {sizes[0]} (target <= 1.5x)")
    for s in sizes:
        on, off = by.get((f"assetcrawl full audit{suffix}", str(s))), by.get((f"assetcrawl store writes off{suffix}", str(s)))
        w = by.get((f"wget2 -r -p{suffix}", str(s)))
        if on and off and off[1]:
            keys = (f"assetcrawl full audit{suffix}", str(s)), (f"assetcrawl store writes off{suffix}", str(s))
            rate, cpu = paired(*keys, 1), paired(*keys, 4)
            rounds = min(len(runs[keys[0]]), len(runs[keys[1]]))
            print(f"  {s} URLs: the store costs {100 * (1 - rate):.1f}% of the crawl phase's requests/s (target <= 10%)"
                  + (f", {100 * (cpu - 1):.1f}% more crawl-phase CPU per request" if cpu else "")
                  + (f" (medians of {rounds} paired rounds)" if rounds > 1 else "")
                  + (f"; CPU per URL {1e6 * on[3]:.0f} µs, {on[3] / w[3]:.2f}x wget2's (which sends one request a URL, no probes)"
                   if w and w[3] else ""))
PY
