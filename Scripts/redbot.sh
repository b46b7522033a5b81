#!/usr/bin/env bash
# Runs REDbot (the HTTP caching lint, https://redbot.org) against the embedded server serving
# Samples/FixtureSite with its built-in policy, and fails on any WARN or BAD note but one:
# RANGE_CL_FULL, which REDbot gives a file shorter than its range probe (it asks for bytes
# 0-96; a 72-byte file answers with all 72 as a 206, which RFC 9110 §14 allows and the
# range tests require) because the 206 is as long as the 200.
#
#   Scripts/redbot.sh                 # the default paths below
#   Scripts/redbot.sh /css/site.css   # chosen paths
#
# Installs redbot from PyPI when missing. Loopback only; the server is stopped by its pid.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -c 'import redbot' 2>/dev/null; then
  echo "installing redbot"
  python3 -m pip install -q redbot
fi
swift build --product assetcrawl >/dev/null 2>&1 || { echo "build failed" >&2; exit 1; }
BIN="$(swift build --show-bin-path 2>/dev/null)/assetcrawl"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" serve Samples/FixtureSite --host 127.0.0.1 --port "$port" --log-level warning >/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=(/ /about.html /contact.html /css/site.css /img/bg.png /fonts/inter.woff2 /manifest.webmanifest /favicon.ico)
problems=0
for path in "${paths[@]}"; do
  notes=$(timeout 60 python3 -m redbot.cli -o har "http://127.0.0.1:$port$path" | python3 -c '
import json, sys
for entry in json.load(sys.stdin)["log"]["entries"]:
    for note in entry.get("_red_messages", []):
        print(note.get("level"), note.get("note_id"), note.get("summary"))
')
  bad=$(echo "$notes" | grep -E '^(WARN|BAD) ' | grep -v ' RANGE_CL_FULL ' || true)
  good=$(echo "$notes" | grep -c '^GOOD ' || true)
  if [ -n "$bad" ]; then
    problems=$((problems + 1))
    echo "$path: $good good notes, and:"
    echo "$bad" | sed 's/^/  /'
  else
    echo "$path: $good good notes, no WARN or BAD"
  fi
done
[ "$problems" -eq 0 ] || { echo "$problems path(s) with WARN or BAD notes" >&2; exit 1; }
