#!/usr/bin/env bash
# The fetch floor: what fetching costs before the crawl adds anything. Fetches the same list
# of URLs (every page and asset of the generated 2,000-page site, ~17,000 URLs) from nginx
# configured as Debian ships it, at the crawl's concurrency, with
#   (a) AsyncHTTPClient alone                         fetch-floor ahc
#   (b) a bare SwiftNIO HTTP/1.1 client pipeline      fetch-floor nio
#   (c) the crawler's fetchers, through `Fetcher`     fetch-floor fetcher-ahc / fetcher-nio
#   (d) wget2 -i and curl --parallel, as references
# each run ROUNDS times (median by CPU per request), printing requests/s, CPU (user+sys) per
# request, instructions per request where `perf stat -e instructions` works, and nginx's CPU.
# The Swift modes run twice: on Swift's cooperative pool, and with NIO's event loops installed
# as the global executor (TAKEOVER=1), as assetcrawl runs.
#
#   Benchmarks/fetch-floor.sh
#   PAGES=500 ROUNDS=1 CONCURRENCY=16 Benchmarks/fetch-floor.sh
set -euo pipefail

PAGES=${PAGES:-2000}
ROUNDS=${ROUNDS:-3}
CONCURRENCY=${CONCURRENCY:-16}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
WORK=$(mktemp -d /dev/shm/assetcrawl-floor.XXXXXX)
chmod 755 "$WORK"
# shellcheck source=Benchmarks/nginx-debian.sh
source "$HERE/nginx-debian.sh"
cleanup() { stop_nginx; rm -rf "$WORK"; }
trap cleanup EXIT

for tool in nginx wget2 curl python3; do
    command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install $tool)" >&2; exit 1; }
done
if [[ -z "${SKIP_BUILD:-}" ]]; then
    (cd "$REPO" && swift build -c release --product fetch-floor >&2)
fi
FLOOR=${FLOOR:-"$REPO/.build/release/fetch-floor"}
PERF=$(perf_for_instructions)

python3 "$HERE/crawl_site.py" "$WORK/site" "$PAGES" >/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed -e "s|^/index.html$|/|" -e "s|^|http://127.0.0.1:$PORT|" "$WORK/site/ground-truth.txt" > "$WORK/urls.txt"
N=$(wc -l < "$WORK/urls.txt")
# curl: one config entry per URL, bodies discarded.
awk '{ print "url = \"" $0 "\"\noutput = \"/dev/null\"" }' "$WORK/urls.txt" > "$WORK/curl.conf"
start_nginx "$WORK/site/site" "$PORT"
curl -s -o /dev/null "http://127.0.0.1:$PORT/"
echo "fetching $N URLs, $CONCURRENCY at a time; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

: > "$WORK/results"
measure() {  # NAME COMMAND...
    local name=$1; shift
    : > "$WORK/nginx/access.log"
    local before after instr=-
    before=$(nginx_cpu)
    if [[ -n "$PERF" ]]; then
        /usr/bin/time -f '%e %U %S %M' -o "$WORK/time.txt" perf stat -x, -e instructions -o "$WORK/perf.txt" -- "$@" >/dev/null 2>"$WORK/err.txt"
        instr=$(awk -F, '/instructions/ {print $1}' "$WORK/perf.txt")
    else
        /usr/bin/time -f '%e %U %S %M' -o "$WORK/time.txt" "$@" >/dev/null 2>"$WORK/err.txt"
    fi
    after=$(nginx_cpu)
    local ok
    ok=$(awk '$9 < 400' "$WORK/nginx/access.log" | wc -l)
    echo "$name|$ok|$(tail -1 "$WORK/time.txt")|$instr|$(python3 -c "print($after - $before)")" >> "$WORK/results"
}

for _ in $(seq "$ROUNDS"); do
    for mode in ahc nio fetcher-ahc fetcher-nio; do
        measure "$mode" env TAKEOVER=0 "$FLOOR" "$mode" "$WORK/urls.txt" "$CONCURRENCY"
        [[ $mode == nio ]] || measure "$mode +takeover" env TAKEOVER=1 "$FLOOR" "$mode" "$WORK/urls.txt" "$CONCURRENCY"
    done
    rm -rf "$WORK/wget2"; mkdir -p "$WORK/wget2"
    measure "wget2 -i (files written)" wget2 -q --max-threads "$CONCURRENCY" -nH -x -P "$WORK/wget2" -i "$WORK/urls.txt"
    rm -rf "$WORK/wget2"
    measure "curl --parallel" curl -s --parallel --parallel-max "$CONCURRENCY" -H "Accept-Encoding: gzip, deflate" -K "$WORK/curl.conf"
done

python3 - "$WORK/results" "$N" <<'PY'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    name, ok, times, instr, ngx = line.rstrip("\n").split("|")
    wall, user, sys_, rss = times.split()
    rows.setdefault(name, []).append(dict(ok=int(ok), wall=float(wall), cpu=float(user) + float(sys_), user=float(user),
                                          instr=None if instr == "-" else int(instr), nginx=float(ngx), rss=int(rss) / 1024))
n = int(sys.argv[2])
print(f"\n{n} URLs per run, median of {len(next(iter(rows.values())))} runs by CPU per request")
print(f"{'client':<26} {'ok':>6} {'wall s':>7} {'req/s':>6} {'CPU µs/req':>10} {'user µs/req':>11} {'instr/req':>9} {'nginx µs/req':>12} {'RSS':>7}")
for name, runs in rows.items():
    m = sorted(runs, key=lambda r: r["cpu"])[len(runs) // 2]
    instr = f"{m['instr'] / n / 1000:.0f}k" if m["instr"] else "n/a"
    print(f"{name:<26} {m['ok']:>6} {m['wall']:>7.2f} {n / m['wall']:>6.0f} {m['cpu'] / n * 1e6:>10.1f} {m['user'] / n * 1e6:>11.1f} {instr:>9} {m['nginx'] / n * 1e6:>12.1f} {m['rss']:>5.0f}MB")
PY
