# Sourced by the benchmarks that drive a whole server (benches/load, benches/soak).
#
# start_demo_server BIN WORK [SERVE OPTIONS…]: starts `BIN serve --demo` on a free loopback
# port with its data in WORK/data (output in WORK/serve.out, log in WORK/serve.log), waits
# until /readyz answers, and sets `server` (its pid) and `base` (http://127.0.0.1:PORT).
# Exits the calling script with the log when the server does not start.
start_demo_server() {
    local bin=$1 work=$2
    shift 2
    # Port 0: the kernel picks a free port and `serve` prints the address it got.
    "$bin" --data-dir "$work/data" serve --demo --addr 127.0.0.1:0 "$@" \
        >"$work/serve.out" 2>"$work/serve.log" &
    server=$!
    base=
    for _ in $(seq 1 600); do
        base=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/serve.out" || true)
        if [[ -n $base ]] && curl -fsS "$base/readyz" >/dev/null 2>&1; then return 0; fi
        kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
        base=
        sleep 0.1
    done
    echo "サーバーが起動しません。" >&2
    tail -n 50 "$work/serve.log" >&2
    exit 1
}
