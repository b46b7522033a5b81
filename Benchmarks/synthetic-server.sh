# Sourced by scale.sh and workers.sh: `assetcrawl serve --synthetic` in the background.
# Needs ASSETCRAWL (the binary) and WORK (a scratch folder).

start_server() {  # PAGES: sets SERVER_PID and BASE
    # Removed first: the shell may look before the new server's redirection truncates them.
    rm -f "$WORK/serve.out" "$WORK/serve.err"
    "$ASSETCRAWL" serve --synthetic "$1" --port 0 > "$WORK/serve.out" 2> "$WORK/serve.err" &
    SERVER_PID=$!
    for _ in $(seq 100); do grep -q "^serving" "$WORK/serve.out" 2>/dev/null && break; sleep 0.05; done
    BASE=$(sed -n 's/.* at \(http[^ ]*\)$/\1/p' "$WORK/serve.out")
}

stop_server() {  # sets REQUESTS to the requests the server answered (not in a subshell: it waits for its child)
    kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
    REQUESTS=$(sed -n 's/^answered \([0-9]*\) requests$/\1/p' "$WORK/serve.err")
}
