#!/usr/bin/env bash
# Crawl benchmark: wget -r -p, wget2 -r -p and assetcrawl (with and without revalidation)
# side by side against nginx on 127.0.0.1 serving a generated 2,000-page site.
#
#   Benchmarks/crawl.sh            # 2,000 pages, plus the 200-page RSS comparison
#   PAGES=500 Benchmarks/crawl.sh  # a smaller site
#   SKIP_BUILD=1 Benchmarks/crawl.sh
#
# Prints wall time, requests/s (counted from nginx's access log), peak RSS
# (/usr/bin/time -v) and recall against the generator's ground truth. Everything lives
# on tmpfs (/dev/shm) and is removed at the end; nginx runs from its own temporary
# config and is stopped by pid. Only 127.0.0.1 is contacted.
set -euo pipefail

PAGES=${PAGES:-2000}
SMALL=${SMALL:-200}
CONCURRENCY=${CONCURRENCY:-16}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
WORK=$(mktemp -d /dev/shm/assetcrawl-bench.XXXXXX)
chmod 755 "$WORK"  # nginx workers run as an unprivileged user
NGINX_PID=""

cleanup() {
    if [[ -n "$NGINX_PID" ]] && kill -0 "$NGINX_PID" 2>/dev/null; then kill "$NGINX_PID"; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

need() {  # command, Debian package
    command -v "$1" >/dev/null 2>&1 && return
    echo "installing $2" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}
need nginx nginx
need wget wget
need wget2 wget2
need python3 python3
[[ -x /usr/bin/time ]] || need /usr/bin/time time
NGINX=$(command -v nginx)

if [[ -z "${SKIP_BUILD:-}" ]]; then
    (cd "$REPO" && swift build -c release --product assetcrawl >&2)
fi
ASSETCRAWL="$REPO/.build/release/assetcrawl"

echo "generating sites in $WORK" >&2
python3 "$HERE/crawl_site.py" "$WORK/big" "$PAGES"
python3 "$HERE/crawl_site.py" "$WORK/small" "$SMALL"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start_nginx() {  # site root
    mkdir -p "$WORK/nginx"
    cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 4096; }
http {
    access_log $WORK/nginx/access.log;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 60;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    types {
        text/html html; text/css css; application/javascript js; image/png png; image/jpeg jpg;
        font/woff2 woff2; image/x-icon ico; application/manifest+json webmanifest; video/mp4 mp4; text/vtt vtt;
    }
    server { listen 127.0.0.1:$PORT; root $1; index index.html; }
}
CONF
    "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
    for _ in $(seq 50); do [[ -s "$WORK/nginx/nginx.pid" ]] && break; sleep 0.1; done
    NGINX_PID=$(cat "$WORK/nginx/nginx.pid")
}
stop_nginx() { kill "$NGINX_PID"; while kill -0 "$NGINX_PID" 2>/dev/null; do sleep 0.05; done; NGINX_PID=""; rm -f "$WORK/nginx/nginx.pid"; }

# run NAME SITE COMMAND...: times one crawler; appends a result line to $WORK/results.
run() {
    local name=$1 site=$2; shift 2
    : > "$WORK/nginx/access.log"
    local t0 t1
    t0=$(date +%s.%N)
    /usr/bin/time -v -o "$WORK/time.txt" "$@" > "$WORK/out.txt" 2> "$WORK/err.txt" || echo "  ($name exited $?)" >&2
    t1=$(date +%s.%N)
    local requests rss
    requests=$(wc -l < "$WORK/nginx/access.log")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
    echo "$name|$site|$t0|$t1|$requests|$rss" >> "$WORK/results"
}

# recall NAME SITE: fraction of the ground truth the crawler fetched with status 200.
fetched_by_files() { (cd "$1" && find . -type f | sed 's|^\.||') ; }
fetched_by_report() {
    python3 - "$1" <<'PY'
import json, sys, urllib.parse
report = json.load(open(sys.argv[1]))
for r in report["resources"]:
    if r["status"] == 200:
        path = urllib.parse.urlsplit(r["finalURL"]).path
        print("/index.html" if path == "/" else path)
PY
}
recall() {  # fetched-list-file ground-truth
    python3 - "$1" "$2" <<'PY'
import sys
got = set(open(sys.argv[1]).read().split())
truth = set(open(sys.argv[2]).read().split())
print(f"{100 * len(got & truth) / len(truth):.1f}%")
PY
}

crawl_all() {  # size label
    local size=$1 site="$WORK/$1/site" truth="$WORK/$1/ground-truth.txt" base="http://127.0.0.1:$PORT/"
    start_nginx "$site"
    # Warm up nginx's open-file cache and the page cache.
    wget -q -O /dev/null "$base" || true

    if [[ $size == big ]]; then
        rm -rf /dev/shm/acb-wget; mkdir -p /dev/shm/acb-wget
        run "wget -r -p" "$size" wget -q -r -p -nH -P /dev/shm/acb-wget "$base"
        fetched_by_files /dev/shm/acb-wget > "$WORK/got-wget.txt"; rm -rf /dev/shm/acb-wget
        echo "wget -r -p|$(recall "$WORK/got-wget.txt" "$truth")" >> "$WORK/recall"

        rm -rf /dev/shm/acb-wget2; mkdir -p /dev/shm/acb-wget2
        # wget2 1.99 with -p and no -l fetches only the start page's requisites ("not followed
        # (page requisites + level)"); -l inf makes it crawl, as wget -r -p does with its default depth.
        run "wget2 -r -p" "$size" wget2 -q -r -l inf -p -nH -P /dev/shm/acb-wget2 "$base"
        fetched_by_files /dev/shm/acb-wget2 > "$WORK/got-wget2.txt"; rm -rf /dev/shm/acb-wget2
        echo "wget2 -r -p|$(recall "$WORK/got-wget2.txt" "$truth")" >> "$WORK/recall"

        run "assetcrawl --no-revalidate" "$size" "$ASSETCRAWL" crawl "$base" --max-pages 1000000 --no-revalidate \
            --concurrency "$CONCURRENCY" --per-host "$CONCURRENCY" --quiet --json "$WORK/report-norev.json"
        fetched_by_report "$WORK/report-norev.json" > "$WORK/got-norev.txt"
        echo "assetcrawl --no-revalidate|$(recall "$WORK/got-norev.txt" "$truth")" >> "$WORK/recall"
    fi

    run "assetcrawl (full audit)" "$size" "$ASSETCRAWL" crawl "$base" --max-pages 1000000 \
        --concurrency "$CONCURRENCY" --per-host "$CONCURRENCY" --quiet --json "$WORK/report-$size.json"
    fetched_by_report "$WORK/report-$size.json" > "$WORK/got-full.txt"
    [[ $size == big ]] && echo "assetcrawl (full audit)|$(recall "$WORK/got-full.txt" "$truth")" >> "$WORK/recall"
    [[ $size == small ]] && echo "assetcrawl (full audit, $SMALL pages)|$(recall "$WORK/got-full.txt" "$truth")" >> "$WORK/recall"
    stop_nginx
}

: > "$WORK/results"; : > "$WORK/recall"
crawl_all big
crawl_all small

python3 - "$WORK/results" "$WORK/recall" "$PAGES" "$SMALL" <<'PY'
import sys
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1]) if l.strip()]
recall = dict(l.rstrip("\n").split("|") for l in open(sys.argv[2]) if l.strip())
pages, small = sys.argv[3], sys.argv[4]
print(f"\n{'crawler':<40} {'pages':>6} {'wall s':>8} {'requests':>9} {'req/s':>8} {'peak RSS':>9} {'recall':>7}")
rate = {}
for name, site, t0, t1, req, rss in rows:
    wall = float(t1) - float(t0)
    n = pages if site == "big" else small
    label = name if site == "big" else f"{name}, {small} pages"
    rate[label] = (int(req) / wall, wall)
    r = recall.get(name if site == "big" else f"assetcrawl (full audit, {small} pages)", "-")
    print(f"{label:<40} {n:>6} {wall:>8.2f} {req:>9} {int(req) / wall:>8.0f} {int(rss) / 1024:>7.1f}MB {r:>7}")
w2 = rate.get("wget2 -r -p")
w1 = rate.get("wget -r -p")
nr = rate.get("assetcrawl --no-revalidate")
fa = rate.get("assetcrawl (full audit)")
if w2 and nr:
    print(f"\nassetcrawl --no-revalidate vs wget2: {nr[0] / w2[0]:.2f}x the requests/s (target >= 1.0x)")
if w1 and fa:
    print(f"assetcrawl full audit wall time vs wget -r -p: {fa[1] / w1[1]:.2f}x (target <= 1.0x)")
PY
