#!/usr/bin/env bash
# Shared-crawl benchmark (#16): one synthetic site (assetcrawl serve --synthetic) crawled by
#   - one process with the SQLite store (the reference),
#   - one process with the PostgreSQL store,
#   - the PostgreSQL store with 2 and 4 processes (crawl --store postgresql://… plus workers),
# against a private PostgreSQL cluster on 127.0.0.1 (Scripts/pg-cluster.sh with PostgreSQL's
# durable defaults, fsync and synchronous commits, as a real server has them; the store turns
# synchronous_commit off for its own sessions) — or PG_URL=… of your own, each run in a schema
# of its own.
#
#   Benchmarks/workers.sh                        # 10,000 URLs, rounds of 1, 2 and 4 processes
#   URLS=30000 ROUNDS=3 SKIP_BUILD=1 Benchmarks/workers.sh
#   LOAD=1 Benchmarks/workers.sh                 # and a round with one core loaded (stress-ng)
#   PROCS= ROUNDS=5 Benchmarks/workers.sh        # only SQLite and PostgreSQL with one process
#
# Prints per run: wall seconds (first start to last exit), requests (counted by the server),
# requests/s in all and per process, the crawl phase's requests/s of the starting process
# (before its report), CPU per request of the crawler processes (user+sys; `crawl CPU`: the
# starting process's in its crawl phase alone), and the database's
# CPU per request and share of the CPU (the cluster's postmaster and its backends, from /proc,
# the report's read-back included). On this 2-core
# machine more processes cannot add throughput; the point is correctness and overhead.
# Only 127.0.0.1 is contacted; every process started is stopped by pid.
set -euo pipefail

URLS=${URLS:-10000}
ROUNDS=${ROUNDS:-1}
PROCS=${PROCS-"2 4"}    # the shared rounds besides one process; PROCS= for the store-cost pair alone
CONCURRENCY=${CONCURRENCY:-16}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
WORK=$(mktemp -d /dev/shm/assetcrawl-workers.XXXXXX)
# The SQLite store on the disk, like the database's files: neither store is timed on tmpfs.
DISK=$(mktemp -d /tmp/assetcrawl-workers-disk.XXXXXX)
SERVER_PID=""
STRESS_PID=""
PG_DIR=""

cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; fi
    if [[ -n "$STRESS_PID" ]] && kill -0 "$STRESS_PID" 2>/dev/null; then kill "$STRESS_PID"; fi
    if [[ -n "$PG_DIR" ]]; then "$REPO/Scripts/pg-cluster.sh" stop "$PG_DIR"; fi
    rm -rf "$WORK" "$DISK"
}
trap cleanup EXIT

for tool in /usr/bin/time python3; do
    command -v "$tool" >/dev/null 2>&1 || { echo "workers.sh needs $tool (apt-get install time python3)" >&2; exit 2; }
done
if [[ -z "${SKIP_BUILD:-}" ]]; then
    (cd "$REPO" && swift build -c release --product assetcrawl >&2)
fi
ASSETCRAWL=${ASSETCRAWL:-"$REPO/.build/release/assetcrawl"}

if [[ -z "${PG_URL:-}" ]]; then
    PG_DIR=$(mktemp -d /tmp/assetcrawl-workers-pg.XXXXXX)
    PG_URL=$(PG_DURABLE=1 "$REPO/Scripts/pg-cluster.sh" start "$PG_DIR")
    POSTMASTER=$(head -1 "$PG_DIR/data/postmaster.pid")
else
    POSTMASTER=${POSTMASTER_PID:-}   # give it to count the database's CPU of your own cluster
fi
echo "database: ${PG_URL%%\?*}" >&2

# CPU seconds of the cluster so far: the postmaster, its exited backends (reaped: cutime/cstime)
# and its live children.
db_cpu() {
    [[ -n "$POSTMASTER" ]] || { echo 0; return; }
    python3 - "$POSTMASTER" <<'PY'
import os, sys
tick = os.sysconf("SC_CLK_TCK")
def fields(pid):
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()
root = sys.argv[1]
f = fields(root)
total = sum(int(x) for x in f[11:15])
for pid in os.listdir("/proc"):
    if pid.isdigit() and pid != root:
        try:
            g = fields(pid)
        except OSError:
            continue
        if g[1] == root:
            total += int(g[11]) + int(g[12])
print(total / tick)
PY
}

# shellcheck source=synthetic-server.sh
. "$(dirname "$0")/synthetic-server.sh"
# shellcheck source=need.sh
. "$(dirname "$0")/need.sh"

RUN=0
# run NAME PROCESSES STORE: the crawl with STORE (a file or a URL) and PROCESSES-1 workers.
run() {
    local name=$1 processes=$2 store=$3
    RUN=$((RUN + 1))
    start_server $(( (URLS - 6) / 3 ))
    local flags=(crawl "$BASE" --store "$store" --concurrency "$CONCURRENCY" --per-host "$CONCURRENCY" --quiet --json "$WORK/report.json")
    local before after t0 t1 pids=()
    before=$(db_cpu)
    t0=$(date +%s.%N)
    env ASSETCRAWL_BENCH=1 /usr/bin/time -f "%U %S" -o "$WORK/time.0" "$ASSETCRAWL" "${flags[@]}" > /dev/null 2> "$WORK/err.0" &
    pids+=($!)
    for i in $(seq 1 $((processes - 1))); do
        env ASSETCRAWL_BENCH=1 /usr/bin/time -f "%U %S" -o "$WORK/time.$i" "$ASSETCRAWL" worker "$store" > /dev/null 2> "$WORK/err.$i" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || echo "  (a process of $name exited $?)" >&2; done
    t1=$(date +%s.%N)
    sleep 0.2   # the backends of the closed connections exit and are reaped
    after=$(db_cpu)
    stop_server
    local cpu=0 phase
    for i in $(seq 0 $((processes - 1))); do cpu=$(python3 -c "import sys; u,s=open('$WORK/time.$i').read().split()[-2:]; print($cpu+float(u)+float(s))"); done
    phase=$(sed -n 's/^crawl-phase //p' "$WORK/err.0" | tail -1)
    echo "$name|$processes|$t0|$t1|$cpu|$before|$after|$REQUESTS|$(cut -d' ' -f1 /proc/loadavg)|$phase" >> "$WORK/results"
    echo "  $name: $REQUESTS requests in $(python3 -c "print(round($t1-$t0,2))") s (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    rm -f "$WORK/report.json" "$DISK"/*.sqlite*
}

pg() { echo "$PG_URL&schema=bench_$1_$RUN"; }

round() {  # label
    for r in $(seq "$ROUNDS"); do
        run "sqlite, 1 process$1" 1 "$DISK/crawl-$RUN.sqlite"
        run "postgres, 1 process$1" 1 "$(pg 1)"
        for n in $PROCS; do run "postgres, $n processes$1" "$n" "$(pg "$n")"; done
    done
}

round ""
[[ -n "${LOAD:-}" ]] && loaded_round round

python3 - "$WORK/results" <<'PY'
import sys, statistics
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1])]
print(f"{'run':36} {'wall s':>7} {'requests':>9} {'req/s':>7} {'req/s/proc':>10} {'crawl req/s':>11} {'CPU µs/req':>10} {'crawl CPU':>9} {'DB µs/req':>9} {'DB CPU %':>8} {'load':>5}")
by = {}
for name, procs, t0, t1, cpu, before, after, requests, load, phase in rows:
    wall, procs, cpu, requests = float(t1) - float(t0), int(procs), float(cpu), int(requests or 0)
    db = float(after) - float(before)
    fields = dict(kv.split("=") for kv in phase.split()) if phase else {}
    crawl_rate = int(fields["requests"]) / float(fields["seconds"]) if fields else 0
    crawl_cpu = (float(fields["user"]) + float(fields["sys"])) / int(fields["requests"]) if fields else 0
    share = 100 * db / (db + cpu) if db + cpu else 0
    by.setdefault(name, []).append((crawl_rate, cpu / max(1, requests), requests / wall, db / max(1, requests), crawl_cpu))
    print(f"{name:36} {wall:7.2f} {requests:9d} {requests / wall:7.0f} {requests / wall / procs:10.0f} {crawl_rate:11.0f} "
          f"{1e6 * cpu / max(1, requests):10.1f} {1e6 * crawl_cpu:9.1f} {1e6 * db / max(1, requests):9.1f} {share:8.1f} {load:>5}")
for suffix in ["", " (1 core loaded)"]:
    s, p = by.get(f"sqlite, 1 process{suffix}"), by.get(f"postgres, 1 process{suffix}")
    if not s or not p:
        continue
    med = lambda rs, i: statistics.median(r[i] for r in rs)
    print(f"\none process{suffix}: the PostgreSQL store costs {100 * (1 - med(p, 0) / med(s, 0)):.1f}% of the crawl phase's requests/s "
          f"against SQLite (target <= 20%), {100 * (1 - med(p, 2) / med(s, 2)):.1f}% of the whole run's; "
          f"crawler CPU per request {med(p, 1) / med(s, 1):.2f}x (crawl phase {med(p, 4) / med(s, 4):.2f}x), the database's {1e6 * med(p, 3):.1f} µs a request (medians of {len(p)})")
PY
