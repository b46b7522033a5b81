# Sourced by Benchmarks/crawl.sh and Benchmarks/fetch-floor.sh: nginx configured as Debian
# ships it (/etc/nginx/nginx.conf: worker_processes auto, gzip on, mime.types, sendfile,
# tcp_nopush, keep-alive defaults), with paths of its own under $WORK and one site on a
# loopback port. Started in the background, stopped by pid.
#
#   start_nginx SITE PORT   # sets NGINX_PID; the access log is $WORK/nginx/access.log
#   nginx_cpu               # CPU seconds (user+sys) used so far by its workers
#   stop_nginx
NGINX_PID=""

start_nginx() {
    local site=$1 port=$2
    mkdir -p "$WORK/nginx"
    cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 768; }
http {
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $WORK/nginx/access.log;
    gzip on;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    server { listen 127.0.0.1:$port; root $site; index index.html; }
}
CONF
    rm -f "$WORK/nginx/nginx.pid"
    "$(command -v nginx)" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
    for _ in $(seq 50); do [[ -s "$WORK/nginx/nginx.pid" ]] && break; sleep 0.1; done
    NGINX_PID=$(cat "$WORK/nginx/nginx.pid")
}

stop_nginx() {
    [[ -n "$NGINX_PID" ]] || return 0
    kill "$NGINX_PID" 2>/dev/null || true
    while kill -0 "$NGINX_PID" 2>/dev/null; do sleep 0.05; done
    NGINX_PID=""
}

nginx_cpu() {
    local ticks=0 pid
    for pid in $(pgrep -P "$NGINX_PID"); do
        ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
    done
    python3 -c "print($ticks / $(getconf CLK_TCK))"
}

# perf when `perf stat -e instructions` works on this machine (not in most VMs), else empty.
perf_for_instructions() {
    if command -v perf >/dev/null 2>&1 && perf stat -x, -e instructions true 2>&1 >/dev/null | grep -q ",instructions" \
        && ! perf stat -x, -e instructions true 2>&1 >/dev/null | grep -q "not supported"; then
        echo perf
    fi
}
