#!/usr/bin/env bash
# Compares the static headline (firstVisitBytes) with what headless Chromium really downloads,
# page by page: nginx serves a site on loopback, assetcrawl crawls it, then every crawled page
# is loaded in Chromium with a cold profile, and the bytes nginx sent for Chromium's requests
# ($bytes_sent: status line, headers, body and chunked framing) are summed per page.
#
#   Scripts/chromium-compare.sh [--viewport 1280x800@1] [--bin PATH] [--keep DIR] [--start PATH]
#                               [--autoindex] [--browser] [--max-pages N] [--own-user-agent] [SITE_DIR]
#
# Headless Chromium's window is never narrower than 500 CSS px, so WIDTH must be 500 or more.
# SITE_DIR is any folder (a fixture, an unpacked public site: see Scripts/public-sites.sh);
# it defaults to Samples/FixtureSite. The crawl starts at --start (default /); --autoindex
# turns on nginx's folder listings, for a tree of pages without a root page linking them
# (listing pages are crawled but left out of the table). nginx serves as Debian configures
# it plus gzip for text types and `expires 1h` (Cache-Control: max-age=3600). --browser adds
# the crawl's own `--browser` figure (pages[].browser.firstVisitBytes) as a column.
# --bin defaults to .build/debug/assetcrawl (build first). Needs Debian's nginx, chromium
# and python3. Prints one row per page: Chromium's bytes and requests, the static headline,
# the all-candidates sum, their ratios, and the URLs one side fetched and the other did not.
# A Chromium visit whose --dump-dom exited before the icon request (it happens on fast pages
# and on a loaded machine: no icon the static model charges was requested) is done again, up
# to 3 times; the count is printed. nginx also writes detail.log (time, Range, User-Agent of
# every request, the crawl's included): keep it with --keep DIR.
# The static crawl sends Chromium's own User-Agent (a server may answer by it: nginx pads
# error pages to 512 bytes for Chrome and MSIE, `msie_padding`, 62 bytes more on a gzipped
# 404); --own-user-agent keeps assetcrawl's default instead.
# Exits 1 when a page's headline is more than 10% off.
set -euo pipefail
cd "$(dirname "$0")/.."

viewport=1280x800@1
bin=.build/debug/assetcrawl
keep=
site=Samples/FixtureSite
start=/
autoindex=off
browser=
max_pages=200
own_ua=
while [ $# -gt 0 ]; do
  case "$1" in
    --viewport) viewport=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --start) start=$2; shift 2 ;;
    --autoindex) autoindex=on; shift ;;
    --browser) browser=--browser; shift ;;
    --max-pages) max_pages=$2; shift 2 ;;
    --own-user-agent) own_ua=1; shift ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    *) site=$1; shift ;;
  esac
done
for tool in nginx chromium python3; do
  command -v "$tool" >/dev/null || { echo "chromium-compare: $tool is missing: apt-get install -y ${tool/python3/python3}" >&2; exit 2; }
done
[ -x "$bin" ] || { echo "chromium-compare: no $bin: run swift build first, or pass --bin" >&2; exit 2; }
root=$(cd "$site" && pwd)
width=${viewport%%x*}; rest=${viewport#*x}; height=${rest%%@*}; dpr=1
case "$viewport" in *@*) dpr=${viewport#*@} ;; esac
if [ "$width" -lt 500 ]; then
  # Measured: --window-size=375,812 gives innerWidth 500; narrower needs DevTools emulation.
  echo "chromium-compare: headless Chromium's window is at least 500 CSS px wide: use e.g. --viewport 500x812@2" >&2
  exit 2
fi

work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
mkdir -p "$work/tmp"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/error.log;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  types { application/manifest+json webmanifest; text/vtt vtt; }
  log_format bytes '\$request_uri \$status \$bytes_sent';
  log_format detail '\$msec \$request_uri \$status \$bytes_sent range=\$http_range ua="\$http_user_agent"';
  client_body_temp_path $work/tmp; proxy_temp_path $work/tmp; fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp; scgi_temp_path $work/tmp;
  server {
    listen 127.0.0.1:$port;
    root $root;
    access_log $work/access.log bytes;
    access_log $work/detail.log detail;
    autoindex $autoindex;
    expires 1h;
    gzip on;
    gzip_types text/css application/javascript image/svg+xml application/manifest+json text/vtt;
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work"
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  if [ -n "$keep" ]; then mkdir -p "$keep" && cp -r "$work"/. "$keep"/; fi
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 50); do [ -s "$work/nginx.pid" ] && break; sleep 0.1; done

base="http://127.0.0.1:$port"
ua=()
if [ -z "$own_ua" ]; then
  # Chromium's own User-Agent, as its headless mode sends it.
  agent=$(timeout 60 chromium --headless=new --no-sandbox --disable-gpu --no-first-run --user-data-dir="$work/ua-profile" \
    --dump-dom 'data:text/html,<script>document.write("UA:"+navigator.userAgent)</script>' 2>/dev/null \
    | sed -n 's/.*UA:\([^<]*\).*/\1/p' | head -1)
  [ -n "$agent" ] || { echo "chromium-compare: could not read Chromium's User-Agent" >&2; exit 2; }
  ua=(--user-agent "$agent")
fi
"$bin" crawl "$base$start" --viewport "$viewport" --no-revalidate --quiet --max-pages "$max_pages" \
  "${ua[@]}" $browser --json "$work/report.json" >/dev/null || true
# Folder listings (autoindex) are how the crawl finds the pages, not pages of the site.
# One line per page: its URL, then the paths of the icons the static model charges (declared
# icons it chose, or the implicit /favicon.ico), "-" for none.
python3 -c 'import json,sys
report = json.load(open(sys.argv[1]))
kinds = {r["url"]: r["kind"] for r in report["resources"]}
for p in report["pages"]:
    if not p["url"].endswith("/") or sys.argv[2] == "off":
        left_out = {n["url"] for n in p["notChosen"]}
        icons = [u[len(sys.argv[3]):] for u in p["requisites"] if kinds.get(u) == "icon" and u not in left_out]
        print(p["url"], ",".join(icons) or "-")' \
  "$work/report.json" "$autoindex" "$base" > "$work/pages.txt"

mkdir -p "$work/chromium"
retried=0
while read -r url icons; do
  name=$(echo "${url#$base}" | tr '/' '_')
  for attempt in 1 2 3; do
    : > "$work/access.log"
    profile=$(mktemp -d)
    # --virtual-time-budget lets the page settle (favicon, manifest icon) before --dump-dom exits.
    timeout 60 chromium --headless=new --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
      --window-size="$width,$height" --force-device-scale-factor="$dpr" --user-data-dir="$profile" \
      --virtual-time-budget=5000 --dump-dom "$url" >/dev/null 2>"$work/chromium/$name.err" || true
    sleep 1
    rm -rf "$profile"
    # On a fast page, or a loaded machine, --dump-dom can exit before Chromium's browser
    # process asks for the icon, which every visitor's browser does: such a visit (none of the
    # page's icons requested) is not the truth, and is done again.
    asked=
    for icon in ${icons//,/ }; do grep -q "^$icon " "$work/access.log" && asked=1; done
    [ "$icons" != - ] && [ -z "$asked" ] && [ "$attempt" -lt 3 ] || break
    retried=$((retried + 1))
  done
  cp "$work/access.log" "$work/chromium/$name.log"
done < "$work/pages.txt"
echo "Chromium visits repeated because --dump-dom exited before the icon request: $retried"

python3 - "$work" "$base" "$autoindex" <<'PY'
import json, os, sys
work, base, autoindex = sys.argv[1], sys.argv[2], sys.argv[3] == "on"
report = json.load(open(os.path.join(work, "report.json")))
wire = {r["url"]: r["wireBytes"] for r in report["resources"]}
print(f"viewport {report.get('viewport')}")
has_browser = any(p.get("browser") for p in report["pages"])
print(f"{'page':40} {'chromium':>9} {'reqs':>4} {'headline':>9} {'ratio':>6} {'all':>9} {'ratio':>6}"
      + (f" {'--browser':>9} {'ratio':>6}" if has_browser else ""))
worst = 0.0
notes = []
totals = [0, 0, 0, 0]
for page in report["pages"]:
    path = page["url"][len(base):] or "/"
    if autoindex and path.endswith("/"):
        continue
    name = path.replace("/", "_")
    chromium, requests = 0, {}
    for line in open(os.path.join(work, "chromium", name + ".log")):
        uri, status, sent = line.split()
        chromium += int(sent)
        requests[uri] = requests.get(uri, 0) + 1
    left_out = {n["url"] for n in page["notChosen"]}
    chosen = {u[len(base):] for u in [page["url"]] + page["requisites"] if u not in left_out}
    head, allc = page["firstVisitBytes"], page["firstVisitBytesAllCandidates"]
    r1, r2 = head / chromium if chromium else 0, allc / chromium if chromium else 0
    worst = max(worst, abs(r1 - 1))
    line = f"{path[-40:]:40} {chromium:9} {sum(requests.values()):4} {head:9} {r1:6.3f} {allc:9} {r2:6.3f}"
    b = (page.get("browser") or {}).get("firstVisitBytes")
    if has_browser:
        line += f" {b if b is not None else '-':>9} {(b / chromium if b is not None and chromium else 0):6.3f}"
    print(line)
    totals = [totals[0] + chromium, totals[1] + head, totals[2] + allc, totals[3] + (b or 0)]
    only_chromium = sorted(set(requests) - chosen)
    only_static = sorted(chosen - set(requests))
    if only_chromium or only_static:
        notes.append(f"  {path}: only Chromium {only_chromium or '-'}; only the headline {only_static or '-'}")
    if b is not None:
        fetched = [r["url"][len(base):] for r in page["browser"]["requests"] if r["url"].startswith(base) and not r.get("cache") and r["wireBytes"] > 0]
        only_c = sorted(set(requests) - set(fetched))
        only_b = sorted(set(fetched) - set(requests))
        if only_c or only_b:
            notes.append(f"  {path}: only Chromium {only_c or '-'}; only --browser {only_b or '-'}")
if totals[0]:
    line = f"{'all pages':40} {totals[0]:9} {'':4} {totals[1]:9} {totals[1] / totals[0]:6.3f} {totals[2]:9} {totals[2] / totals[0]:6.3f}"
    if has_browser:
        line += f" {totals[3]:9} {totals[3] / totals[0]:6.3f}"
    print(line)
print("\n".join(notes))
print(f"largest deviation of the headline: {worst:.1%}")
sys.exit(1 if worst > 0.10 else 0)
PY
