# Sourced by the benchmark scripts: `need COMMAND DEBIAN-PACKAGE` installs the package when
# the command is missing (the benchmarks compare against Debian's own tools).
need() {
    command -v "$1" >/dev/null 2>&1 && return
    echo "installing $2" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}
