# Sourced by the benchmark scripts: `need COMMAND DEBIAN-PACKAGE` installs the package when
# the command is missing (the benchmarks compare against Debian's own tools).
need() {
    command -v "$1" >/dev/null 2>&1 && return
    echo "installing $2" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}

# loaded_round FUNCTION: runs `FUNCTION " (1 core loaded)"` with `stress-ng --cpu 1` busy on
# one core, stopped by pid after it (the caller's trap stops it too, through STRESS_PID).
loaded_round() {
    need stress-ng stress-ng
    stress-ng --cpu 1 --quiet & STRESS_PID=$!
    "$1" " (1 core loaded)"
    kill "$STRESS_PID"; wait "$STRESS_PID" 2>/dev/null || true; STRESS_PID=""
}
