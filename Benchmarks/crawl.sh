#!/usr/bin/env bash
# Crawl benchmark, measured the way users see it: wget -r -p, wget2 -r -p and assetcrawl side
# by side against nginx configured as Debian ships it (worker_processes auto, gzip on,
# mime.types, sendfile), on 127.0.0.1, serving one generated site (2,000 pages, ~15,000
# assets); then `assetcrawl crawl --serve` (server and crawler in one process) on the same
# folder. Two rounds in one run: the machine as it is, and with one core loaded
# (`stress-ng --cpu 1`), since a crawler that only wins on an idle machine does not win.
#
#   Benchmarks/crawl.sh                 # builds assetcrawl (release), 2,000 pages
#   PAGES=500 Benchmarks/crawl.sh
#   SKIP_BUILD=1 ASSETCRAWL=path/to/assetcrawl Benchmarks/crawl.sh
#   ASSETCRAWL_BASE=path/to/older/assetcrawl Benchmarks/crawl.sh   # that build's --no-revalidate too
#
# Per tool and round: requests (nginx's access log), wall seconds, requests/s, CPU per request
# (user+sys from /usr/bin/time), instructions per request (`perf stat`, where the machine has
# the counter), peak RSS, and recall against the site's ground truth; nginx's own CPU beside.
# Then the ratios: assetcrawl --no-revalidate against wget2 -r -p (CPU per request, requests/s),
# the full audit's wall time against wget -r -p, its peak RSS, and `crawl --serve` CPU
# against nginx + wget2 CPU. assetcrawl's runs also give the crawl phase alone (ASSETCRAWL_BENCH
# prints its wall time, requests and CPU on stderr after the last fetch, before any report is
# written), so the crawl engine's cost shows apart from the report phase's.
# With ASSETCRAWL_BASE, another build's `--no-revalidate` runs beside it in each round (before and
# after it, so drift in the machine's load falls on both), and the two are compared.
# `assetcrawl (AsyncHTTPClient)` is the same crawl with plain http through AsyncHTTPClient
# (ASSETCRAWL_HTTP1=asynchttpclient), the engine before issue #11.
#
# Everything lives on tmpfs (/dev/shm), in a folder of its own (two runs at once do not share
# the wget downloads), and is removed at the end; nginx and stress-ng are
# stopped by pid; stress-ng is bounded by --timeout too. Only 127.0.0.1 is contacted.
set -euo pipefail

PAGES=${PAGES:-2000}
CONCURRENCY=${CONCURRENCY:-16}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
WORK=$(mktemp -d /dev/shm/assetcrawl-bench.XXXXXX)
chmod 755 "$WORK"  # nginx workers run as an unprivileged user
STRESS_PID=""
# shellcheck source=Benchmarks/nginx-debian.sh
source "$HERE/nginx-debian.sh"

cleanup() {
    if [[ -n "$STRESS_PID" ]] && kill -0 "$STRESS_PID" 2>/dev/null; then kill "$STRESS_PID"; wait "$STRESS_PID" 2>/dev/null || true; fi
    stop_nginx
    rm -rf "$WORK"
}
trap cleanup EXIT

source "$(dirname "${BASH_SOURCE[0]}")/need.sh"
need nginx nginx
need wget wget
need wget2 wget2
need python3 python3
need stress-ng stress-ng
[[ -x /usr/bin/time ]] || need /usr/bin/time time

if [[ -z "${SKIP_BUILD:-}" ]]; then
    (cd "$REPO" && swift build -c release --product assetcrawl >&2)
fi
ASSETCRAWL=${ASSETCRAWL:-"$REPO/.build/release/assetcrawl"}

PERF=$(perf_for_instructions)
# The crawl phase's own figures on stderr (wget and wget2 ignore it).
export ASSETCRAWL_BENCH=1
[[ -n "$PERF" ]] || echo "perf stat -e instructions is not supported here: instructions are not reported" >&2

echo "generating the site in $WORK" >&2
python3 "$HERE/crawl_site.py" "$WORK/big" "$PAGES"
SITE="$WORK/big/site"
TRUTH="$WORK/big/ground-truth.txt"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT/"
# run ROUND NAME COMMAND...: times one crawler; appends a result line to $WORK/results.
run() {
    local round=$1 name=$2; shift 2
    : > "$WORK/nginx/access.log"
    local before after instr=""
    before=$(nginx_cpu)
    if [[ -n "$PERF" ]]; then
        /usr/bin/time -f '%e %U %S %M' -o "$WORK/time.txt" perf stat -x, -e instructions -o "$WORK/perf.txt" -- "$@" \
            > "$WORK/out.txt" 2> "$WORK/err.txt" || echo "  ($name exited $?)" >&2
        instr=$(awk -F, '/instructions/ {print $1}' "$WORK/perf.txt")
    else
        /usr/bin/time -f '%e %U %S %M' -o "$WORK/time.txt" "$@" > "$WORK/out.txt" 2> "$WORK/err.txt" || echo "  ($name exited $?)" >&2
    fi
    after=$(nginx_cpu)
    local requests
    requests=$(wc -l < "$WORK/nginx/access.log")
    awk '$9 == 200 || $9 == 304 { p = $7; sub(/\?.*/, "", p); if (p == "/") p = "/index.html"; print p }' "$WORK/nginx/access.log" \
        | sort -u > "$WORK/fetched.txt"
    # assetcrawl's crawl phase: seconds, requests, user and sys CPU (none for the others).
    local phase
    phase=$(sed -n 's/^crawl-phase seconds=\([0-9.]*\) requests=\([0-9]*\) user=\([0-9.]*\) sys=\([0-9.]*\).*/\1 \2 \3 \4/p' "$WORK/err.txt" | tail -1)
    local recall
    recall=$(python3 -c "import sys; t=set(open('$TRUTH').read().split()); g=set(open('$WORK/fetched.txt').read().split()); print(f'{100*len(g&t)/len(t):.1f}')")
    echo "$round|$name|$requests|$(cat "$WORK/time.txt" | tail -1)|${instr:--}|$(python3 -c "print($after - $before)")|$recall|${phase:--}" >> "$WORK/results"
}

round() {  # label
    local r=$1
    local flags=(crawl "$BASE" --max-pages 1000000 --concurrency "$CONCURRENCY" --per-host "$CONCURRENCY" --quiet)
    echo "round '$r': $(uptime)" >&2
    echo "$r|load|$(cut -d' ' -f1-3 /proc/loadavg)" >> "$WORK/load"
    rm -rf "$WORK/wget"; mkdir -p "$WORK/wget"
    run "$r" "wget -r -p" wget -q -r -p -nH -P "$WORK/wget" "$BASE"
    rm -rf "$WORK/wget"
    rm -rf "$WORK/wget2"; mkdir -p "$WORK/wget2"
    # wget2 1.99 with -p and no -l fetches only the start page's requisites; -l inf makes it
    # crawl, as wget -r -p does with its default depth.
    run "$r" "wget2 -r -p" wget2 -q -r -l inf -p -nH -P "$WORK/wget2" "$BASE"
    rm -rf "$WORK/wget2"; mkdir -p "$WORK/wget2"
    # wget2 runs 5 threads unless told; at the crawl's concurrency it is faster still.
    run "$r" "wget2 -r -p --max-threads $CONCURRENCY" wget2 -q -r -l inf -p -nH --max-threads "$CONCURRENCY" -P "$WORK/wget2" "$BASE"
    rm -rf "$WORK/wget2"
    if [[ -n "${ASSETCRAWL_BASE:-}" ]]; then
        run "$r" "assetcrawl base --no-revalidate" "$ASSETCRAWL_BASE" "${flags[@]}" --no-revalidate
    fi
    run "$r" "assetcrawl --no-revalidate" "$ASSETCRAWL" "${flags[@]}" --no-revalidate
    if [[ -n "${ASSETCRAWL_BASE:-}" ]]; then
        run "$r" "assetcrawl base --no-revalidate (2)" "$ASSETCRAWL_BASE" "${flags[@]}" --no-revalidate
        run "$r" "assetcrawl --no-revalidate (2)" "$ASSETCRAWL" "${flags[@]}" --no-revalidate
    fi
    run "$r" "assetcrawl (AsyncHTTPClient) --no-revalidate" env ASSETCRAWL_HTTP1=asynchttpclient "$ASSETCRAWL" "${flags[@]}" --no-revalidate
    run "$r" "assetcrawl (full audit)" "$ASSETCRAWL" "${flags[@]}"
    run "$r" "assetcrawl (full audit) --json" "$ASSETCRAWL" "${flags[@]}" --json "$WORK/report.json"
    # Server and crawler in one process: no nginx requests, its CPU is all assetcrawl's.
    run "$r" "assetcrawl crawl --serve --no-revalidate" "$ASSETCRAWL" crawl --serve "$SITE" --max-pages 1000000 \
        --concurrency "$CONCURRENCY" --per-host "$CONCURRENCY" --quiet --no-revalidate
}

: > "$WORK/results"; : > "$WORK/load"
start_nginx "$SITE" "$PORT"
# Warm up nginx and the page cache.
wget -q -O /dev/null "$BASE" || true
round "as is"
stress-ng --cpu 1 --timeout 900s --quiet &
STRESS_PID=$!
sleep 1
round "one core loaded"
kill "$STRESS_PID"; wait "$STRESS_PID" 2>/dev/null || true; STRESS_PID=""
stop_nginx

python3 - "$WORK/results" "$WORK/load" "$PAGES" <<'PY'
import sys
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1]) if l.strip()]
load = {l.split("|")[0]: l.split("|")[2].strip() for l in open(sys.argv[2]) if l.strip()}
pages = sys.argv[3]
by = {}
order = []
for rnd, name, req, times, instr, ngx, recall, phase in rows:
    wall, user, sys_, rss = times.split()
    req = int(req)
    by[(rnd, name)] = dict(req=req, wall=float(wall), cpu=float(user) + float(sys_), user=float(user), rss=int(rss) / 1024,
                           instr=None if instr == "-" else int(instr), nginx=float(ngx), recall=recall,
                           phase=None if phase == "-" else [float(x) for x in phase.split()])
    if rnd not in order: order.append(rnd)
for rnd in order:
    print(f"\nround: {rnd} (load average at its start {load.get(rnd, '?')}), {pages} pages")
    print(f"{'crawler':<42} {'requests':>8} {'wall s':>7} {'req/s':>6} {'CPU µs/req':>10} {'user µs/req':>11} {'instr/req':>9} {'peak RSS':>9} {'nginx CPU s':>11} {'recall':>6} {'crawl phase: req/s':>18} {'CPU µs/req':>10}")
    # crawl --serve makes no nginx requests: count its requests as the nginx-served crawl's.
    serve = by.get((rnd, "assetcrawl crawl --serve --no-revalidate"))
    if serve: serve["req"] = by.get((rnd, "assetcrawl --no-revalidate"), {}).get("req", 0)
    for (r, name), m in by.items():
        if r != rnd: continue
        n = max(m["req"], 1)
        instr = f"{m['instr'] / n / 1000:.0f}k" if m["instr"] else "n/a"
        recall = m["recall"] + "%" if name != "assetcrawl crawl --serve --no-revalidate" else "-"
        ph = m["phase"]
        phase = f"{ph[1] / ph[0]:>18.0f} {(ph[2] + ph[3]) / max(ph[1], 1) * 1e6:>10.0f}" if ph else f"{'-':>18} {'-':>10}"
        print(f"{name:<42} {m['req']:>8} {m['wall']:>7.2f} {n / m['wall']:>6.0f} {m['cpu'] / n * 1e6:>10.0f} {m['user'] / n * 1e6:>11.0f} {instr:>9} {m['rss']:>7.1f}MB {m['nginx']:>11.2f} {recall:>6} {phase}")
    g = lambda name: by.get((rnd, name))
    w1, w2, nr, fa = g("wget -r -p"), g("wget2 -r -p"), g("assetcrawl --no-revalidate"), g("assetcrawl (full audit)")
    fj = g("assetcrawl (full audit) --json")
    w16 = next((m for (r, name), m in by.items() if r == rnd and name.startswith("wget2 -r -p --max-threads")), None)
    print()
    if w2 and nr:
        per = lambda m: m["cpu"] / max(m["req"], 1)
        print(f"  --no-revalidate vs wget2 -r -p: CPU per request {per(nr) / per(w2):.2f}x (target <= 1.0), "
              f"requests/s {(nr['req'] / nr['wall']) / (w2['req'] / w2['wall']):.2f}x (target >= 1.0)")
        if w16:
            print(f"  --no-revalidate vs wget2 -r -p --max-threads (the crawl's concurrency): CPU per request {per(nr) / per(w16):.2f}x, "
                  f"requests/s {(nr['req'] / nr['wall']) / (w16['req'] / w16['wall']):.2f}x")
        if nr["phase"]:
            ph = nr["phase"]
            print(f"  --no-revalidate's crawl phase alone (before the report) vs wget2 -r -p: CPU per request "
                  f"{(ph[2] + ph[3]) / max(ph[1], 1) / per(w2):.2f}x, requests/s {(ph[1] / ph[0]) / (w2['req'] / w2['wall']):.2f}x")
        # ASSETCRAWL_BASE: each build's two runs summed, against wget2 and against each other.
        base = [m for m in (g("assetcrawl base --no-revalidate"), g("assetcrawl base --no-revalidate (2)")) if m]
        mine = [m for m in (nr, g("assetcrawl --no-revalidate (2)")) if m]
        if base:
            def pooled(ms):
                req = sum(m["req"] for m in ms); phases = [m["phase"] for m in ms if m["phase"]]
                out = dict(cpu=sum(m["cpu"] for m in ms) / req, rate=req / sum(m["wall"] for m in ms))
                if len(phases) == len(ms):
                    n = sum(p[1] for p in phases)
                    out.update(pcpu=sum(p[2] + p[3] for p in phases) / n, prate=n / sum(p[0] for p in phases))
                return out
            b, n = pooled(base), pooled(mine)
            for label, m in (("base", b), ("this", n)):
                line = f"  {label} build --no-revalidate ({len(base)} runs) vs wget2 -r -p: CPU per request {m['cpu'] / per(w2):.2f}x, requests/s {m['rate'] / (w2['req'] / w2['wall']):.2f}x"
                if "pcpu" in m:
                    line += f"; crawl phase CPU per request {m['pcpu'] / per(w2):.2f}x ({m['pcpu'] * 1e6:.1f} µs), requests/s {m['prate'] / (w2['req'] / w2['wall']):.2f}x"
                print(line)
            line = f"  this build vs base: CPU per request {n['cpu'] / b['cpu']:.3f}x, requests/s {n['rate'] / b['rate']:.3f}x"
            if "pcpu" in n and "pcpu" in b:
                line += f"; crawl phase CPU per request {n['pcpu'] / b['pcpu']:.3f}x, requests/s {n['prate'] / b['prate']:.3f}x"
            print(line)
        if nr["instr"] and w2["instr"]:
            print(f"  --no-revalidate vs wget2 -r -p: instructions per request {(nr['instr'] / nr['req']) / (w2['instr'] / w2['req']):.2f}x")
    if w1 and fa:
        print(f"  full audit wall time vs wget -r -p: {fa['wall'] / w1['wall']:.2f}x (target <= 1.0)")
        print(f"  full audit peak RSS: {fa['rss']:.1f} MB (target <= 100 MB)" + (f"; with --json {fj['rss']:.1f} MB" if fj else ""))
    if w2 and serve:
        print(f"  crawl --serve CPU (server + crawler) vs nginx + wget2 -r -p: {serve['cpu']:.2f} s vs "
              f"{w2['nginx'] + w2['cpu']:.2f} s = {serve['cpu'] / (w2['nginx'] + w2['cpu']):.2f}x (target <= 1.0)")
PY
