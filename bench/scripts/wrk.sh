#!/usr/bin/env bash
# Whole-server ratio: the axum example service (examples/, `tour --serve`) under
# wrk on loopback. Each error route's requests/s is divided by the static
# `GET /health` (200 "ok") of the same server in the same run; routes are
# interleaved over several rounds and the median of each is taken. The
# example runs as shipped: tracing at INFO (4xx log at DEBUG, so not written),
# the response record on and its metrics layer counting every problem.
# The service runs inside ProblemLayer, so every route pays its pass-through
# and `/nope` its rewrite of the router's empty 404.
# `GET /orders/1` is the 200 of the same handler as the `/orders/999` 404
# (auth, path, store lookup), to tell the handler's cost from the error's.
#
#   bash bench/scripts/wrk.sh                         # 3 rounds of 10 s per route
#   ROUNDS=5 DURATION=5 CONNECTIONS=64 bash bench/scripts/wrk.sh
#
# Traffic goes to 127.0.0.1 only; every wrk run is bounded by DURATION and the
# server is stopped on exit.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
rounds="${ROUNDS:-3}"
duration="${DURATION:-10}"
connections="${CONNECTIONS:-32}"
threads="${THREADS:-1}"
base="http://127.0.0.1:3000"
auth="Authorization: Bearer demo-token"

if ! command -v wrk >/dev/null || ! command -v curl >/dev/null; then
    apt-get update -qq && apt-get install -y -qq wrk curl >/dev/null
fi

cd "$root"
timeout 900 cargo build -q --release -p apierror-examples --bin tour
server="${CARGO_TARGET_DIR:-$root/target}/release/tour"
"$server" --serve >/dev/null 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    (exec 3<>/dev/tcp/127.0.0.1/3000) 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { echo "the server did not start (port 3000 busy?)" >&2; exit 1; }
    sleep 0.1
done

# name | expected status | extra header | path
routes=(
    "health|200||/health"
    "404 no route: the router's empty 404, made a problem by the layer|404||/nope"
    "200 order (same handler, for reference)|200|$auth|/orders/1"
    "404 body from a field (order)|404|$auth|/orders/999"
    "401 static body + header|401||/orders"
)

# Requests/s of one wrk run; fails if a response has another status.
measure() {
    local want=$1 header=$2 path=$3 out
    got=$(curl -s -o /dev/null -w '%{http_code}' ${header:+-H "$header"} "$base$path")
    [[ $got == "$want" ]] || { echo "$path answered $got, not $want" >&2; exit 1; }
    out=$(timeout $((duration + 30)) wrk -t"$threads" -c"$connections" -d"${duration}s" \
        ${header:+-H "$header"} "$base$path")
    awk '/^Requests\/sec:/ { print $2 }' <<<"$out"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

load=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A samples
for ((r = 1; r <= rounds; r++)); do
    for route in "${routes[@]}"; do
        IFS='|' read -r name want header path <<<"$route"
        rps=$(measure "$want" "$header" "$path")
        samples[$name]+="$rps "
        echo "round $r: $name: $rps req/s" >&2
    done
done

health=$(tr ' ' '\n' <<<"${samples[health]}" | grep . | median)
echo "wrk -t$threads -c$connections -d${duration}s, $rounds rounds, medians; load average at start: $load"
echo
echo "| route | requests/s | ratio to /health |"
echo "|---|---:|---:|"
for route in "${routes[@]}"; do
    IFS='|' read -r name _ _ _ <<<"$route"
    rps=$(tr ' ' '\n' <<<"${samples[$name]}" | grep . | median)
    awk -v n="$name" -v r="$rps" -v h="$health" 'BEGIN { printf "| %s | %.0f | %.3f |\n", n, r, r / h }'
done
