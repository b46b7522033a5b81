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

# What a crawler fetched: the paths nginx answered 200 during its run (the same measure for
# every peer: downloads written, or not, do not matter).
fetched() {
    awk '$9 == 200 { p = $7; sub(/\?.*/, "", p); if (p == "/") p = "/index.html"; print p }' "$WORK/nginx/access.log" | sort -u
}
recall() {  # label ground-truth
    python3 - "$1" "$2" "$WORK/fetched.txt" >> "$WORK/recall" <<'PY'
import sys
label, truth, got = sys.argv[1], set(open(sys.argv[2]).read().split()), set(open(sys.argv[3]).read().split())
print(f"{label}|{100 * len(got & truth) / len(truth):.1f}%")
PY
}

crawl_all() {  # big|small
    local size=$1 site="$WORK/$1/site" truth="$WORK/$1/ground-truth.txt" base="http://127.0.0.1:$PORT/"
    local flags=(crawl "$base" --max-pages 1000000 --concurrency "$CONCURRENCY" --per-host "$CONCURRENCY" --quiet)
    start_nginx "$site"
    # Warm up nginx's open-file cache and the page cache.
    wget -q -O /dev/null "$base" || true

    if [[ $size == big ]]; then
        rm -rf /dev/shm/acb-wget; mkdir -p /dev/shm/acb-wget
        run "wget -r -p" "$size" wget -q -r -p -nH -P /dev/shm/acb-wget "$base"
        fetched > "$WORK/fetched.txt"; recall "wget -r -p" "$truth"; rm -rf /dev/shm/acb-wget

        rm -rf /dev/shm/acb-wget2; mkdir -p /dev/shm/acb-wget2
        # wget2 1.99 with -p and no -l fetches only the start page's requisites ("not followed
        # (page requisites + level)"); -l inf makes it crawl, as wget -r -p does with its default depth.
        run "wget2 -r -p" "$size" wget2 -q -r -l inf -p -nH -P /dev/shm/acb-wget2 "$base"
        fetched > "$WORK/fetched.txt"; recall "wget2 -r -p" "$truth"; rm -rf /dev/shm/acb-wget2

        run "assetcrawl --no-revalidate" "$size" "$ASSETCRAWL" "${flags[@]}" --no-revalidate
        fetched > "$WORK/fetched.txt"; recall "assetcrawl --no-revalidate" "$truth"
    fi
    run "assetcrawl (full audit)" "$size" "$ASSETCRAWL" "${flags[@]}"
    fetched > "$WORK/fetched.txt"; recall "assetcrawl (full audit)|$size" "$truth"
    run "assetcrawl (full audit) --json" "$size" "$ASSETCRAWL" "${flags[@]}" --json "$WORK/report.json"
    fetched > "$WORK/fetched.txt"; recall "assetcrawl (full audit) --json|$size" "$truth"
    stop_nginx
}

: > "$WORK/results"; : > "$WORK/recall"
crawl_all big
crawl_all small

python3 - "$WORK/results" "$WORK/recall" "$PAGES" "$SMALL" <<'PY'
import sys
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1]) if l.strip()]
recall = {}
for l in open(sys.argv[2]):
    parts = l.rstrip("\n").split("|")
    if len(parts) == 2: recall[(parts[0], "big")] = parts[1]
    elif len(parts) == 3: recall[(parts[0], parts[1])] = parts[2]
pages = {"big": sys.argv[3], "small": sys.argv[4]}
print(f"\n{'crawler':<34} {'pages':>6} {'wall s':>7} {'requests':>9} {'req/s':>7} {'peak RSS':>9} {'recall':>7}")
rate = {}
for name, site, t0, t1, req, rss in rows:
    wall = float(t1) - float(t0)
    rate[(name, site)] = (int(req) / wall, wall, int(rss))
    print(f"{name:<34} {pages[site]:>6} {wall:>7.2f} {req:>9} {int(req) / wall:>7.0f} {int(rss) / 1024:>7.1f}MB {recall.get((name, site), '-'):>7}")
w1, w2 = rate.get(("wget -r -p", "big")), rate.get(("wget2 -r -p", "big"))
nr, fa = rate.get(("assetcrawl --no-revalidate", "big")), rate.get(("assetcrawl (full audit)", "big"))
if w2 and nr:
    print(f"\nassetcrawl --no-revalidate vs wget2 -r -p: {nr[0] / w2[0]:.2f}x the requests/s (target >= 1.0x)")
if w1 and fa:
    print(f"assetcrawl full audit wall time vs wget -r -p: {fa[1] / w1[1]:.2f}x (target <= 1.0x)")
big, small = rate.get(("assetcrawl (full audit) --json", "big")), rate.get(("assetcrawl (full audit) --json", "small"))
if big and small:
    print(f"peak RSS, full audit with --json: {small[2] / 1024:.1f} MB for {pages['small']} pages, {big[2] / 1024:.1f} MB for {pages['big']} pages")
PY
