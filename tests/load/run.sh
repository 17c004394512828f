#!/usr/bin/env bash
# Load test: the orders service of apierror-examples, on axum and on
# actix-web, driven by wrk over loopback with every error variant and two
# success routes mixed (tests/load/mix.lua checks every response).
#
#   tests/load/run.sh [axum|actix|both] [seconds] [connections]
#
# Defaults: both, 60 s, 256 connections, a release build. Fails when any
# response is not the expected status + content type + headers + body, when
# any socket error occurs (connect, read, write, timeout), when fewer than
# MIN_REQUESTS (default 1000) complete, or, for runs of 20 s or more, when the
# server's RSS at the end exceeds its RSS after warm-up (10 s) by more than
# max(10 %, 4 MiB).
#
# Environment: PROFILE=release|debug (cargo profile of the server, default
# release), THREADS (wrk threads, default 2), MIN_REQUESTS, SERVER_LOG (file
# for the server's stderr, default /dev/null: it logs every 5xx at ERROR),
# SERVER_RUST_BACKTRACE (the server's RUST_BACKTRACE, default 0).
# Installs wrk from Debian's packages when it is missing, and fails loudly if
# it cannot. Every step is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/../.."

frameworks=${1:-both}
seconds=${2:-60}
connections=${3:-256}
profile=${PROFILE:-release}
threads=${THREADS:-2}
min_requests=${MIN_REQUESTS:-1000}
server_log=${SERVER_LOG:-/dev/null}

case "$frameworks" in
    both) frameworks="axum actix" ;;
    axum | actix) ;;
    *) echo "usage: $0 [axum|actix|both] [seconds] [connections]" >&2; exit 2 ;;
esac
if ! [[ "$seconds" =~ ^[0-9]+$ && "$seconds" -ge 2 && "$connections" =~ ^[0-9]+$ ]]; then
    echo "seconds must be an integer >= 2, connections an integer" >&2
    exit 2
fi

if ! command -v wrk >/dev/null; then
    echo "== installing wrk (Debian package)"
    sudo=""
    if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then sudo="sudo -n"; fi
    if command -v apt-get >/dev/null; then
        timeout 300 $sudo apt-get update -qq || true
        timeout 300 $sudo apt-get install -y -qq wrk || true
    fi
    if ! command -v wrk >/dev/null; then
        echo "FAIL: wrk is missing and could not be installed (apt-get install wrk); the load test did not run" >&2
        exit 1
    fi
fi

echo "== building the load server ($profile)"
timeout 1800 cargo build --profile "$profile" -p apierror-tests --bin load_server
target_dir=${CARGO_TARGET_DIR:-target}
case "$profile" in dev) profile_dir=debug ;; *) profile_dir=$profile ;; esac
server_bin="$target_dir/$profile_dir/load_server"

work=$(mktemp -d)
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

rss_kib() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0
}

failed=0
for framework in $frameworks; do
    echo "== $framework: ${seconds}s, $connections connections, $threads wrk threads"
    # RUST_BACKTRACE as a service usually runs: unset, so each caught panic of
    # the invoice route costs a message, not a symbolized backtrace.
    RUST_BACKTRACE=${SERVER_RUST_BACKTRACE:-0} \
        "$server_bin" "$framework" 127.0.0.1:0 >"$work/$framework.out" 2>"$server_log" &
    server_pid=$!
    addr=""
    for _ in $(seq 1 300); do
        addr=$(sed -n 's/.* listening on //p' "$work/$framework.out")
        [ -n "$addr" ] && break
        if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
        sleep 0.1
    done
    if [ -z "$addr" ]; then
        echo "FAIL: the $framework server did not start" >&2
        exit 1
    fi

    rss_idle=$(rss_kib "$server_pid")
    warm=$(( seconds >= 20 ? 10 : seconds / 4 ))
    samplers=()
    for point in "warm:$warm" "middle:$(( seconds / 2 ))" "end:$(( seconds - 1 ))"; do
        ( sleep "${point#*:}"; rss_kib "$server_pid" >"$work/rss_${point%%:*}" ) &
        samplers+=($!)
    done

    status=0
    timeout $(( seconds + 60 )) wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 5s \
        --latency -s tests/load/mix.lua "http://$addr" >"$work/$framework.wrk" || status=$?
    for pid in "${samplers[@]}"; do wait "$pid" || true; done
    rss_after=$(rss_kib "$server_pid")
    alive=yes
    kill -0 "$server_pid" 2>/dev/null || alive=no
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""

    cat "$work/$framework.wrk"
    check=$(grep '^LOADCHECK' "$work/$framework.wrk" || true)
    stats=$(grep '^LOADSTATS' "$work/$framework.wrk" || true)
    field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$2"; }
    requests=$(field requests "$check")
    bad=$(field bad "$check")
    mismatch=$(field mismatch "$check")
    socket_errors=$(field socket_errors "$check")
    rss_warm=$(cat "$work/rss_warm" 2>/dev/null || echo 0)
    rss_middle=$(cat "$work/rss_middle" 2>/dev/null || echo 0)
    rss_end=$(cat "$work/rss_end" 2>/dev/null || echo 0)

    echo "RESULT $framework rps=$(field rps "$stats") p50_ms=$(field p50_ms "$stats") p99_ms=$(field p99_ms "$stats")" \
        "requests=${requests:-?} bad=${bad:-?} socket_errors=${socket_errors:-?} mismatch=${mismatch:-?}" \
        "rss_kib idle=$rss_idle warm=$rss_warm middle=$rss_middle end=$rss_end after=$rss_after"

    problems=()
    [ "$status" = 0 ] || problems+=("wrk exited with $status")
    [ "$alive" = yes ] || problems+=("the server died during the run")
    [ -n "$check" ] || problems+=("wrk printed no LOADCHECK line")
    [ "${bad:-1}" = 0 ] || problems+=("$bad responses were not the expected status/content-type/headers/body")
    [ "${socket_errors:-1}" = 0 ] || problems+=("$socket_errors socket errors")
    # At most one request per connection is in flight when wrk stops, and wrk
    # builds one more on its first thread to check the script, never sent.
    [ "${mismatch:-999999}" -le $(( connections + 1 )) ] \
        || problems+=("answers per route differ from requests per route by $mismatch (> $connections in flight + 1)")
    [ "${requests:-0}" -ge "$min_requests" ] || problems+=("only ${requests:-0} requests completed (< $min_requests)")
    if [ "$seconds" -ge 20 ]; then
        slack=$(( rss_warm / 10 > 4096 ? rss_warm / 10 : 4096 ))
        [ "$rss_end" -le $(( rss_warm + slack )) ] \
            || problems+=("RSS grew after warm-up: $rss_warm KiB -> $rss_end KiB (allowed +$slack KiB)")
    fi
    if [ "${#problems[@]}" -gt 0 ]; then
        failed=1
        for p in "${problems[@]}"; do echo "FAIL $framework: $p" >&2; done
    else
        echo "PASS $framework"
    fi
done
exit "$failed"
