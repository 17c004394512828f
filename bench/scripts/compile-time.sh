#!/usr/bin/env bash
# Compile-time cost of #[derive(ApiError)]: `cargo check` of a generated crate
# holding one 200-variant enum that uses every attribute, against the same enum
# with thiserror only (`thiserror`), the same with apierror as a dependency
# but no derive (`dep`: what depending on apierror with these features costs
# by itself), and the apierror enum with `#[problem(client)]` (FromProblem
# too). Dependencies are built first; each measured check touches only the
# generated crate, which is checked without incremental reuse. Rounds
# interleave the crates. Prints the medians and the added time.
#
#   bash bench/scripts/compile-time.sh            # 200 variants, 7 rounds, feature axum
#   FEATURES= RUNS=25 bash bench/scripts/compile-time.sh    # every feature off
#   VARIANTS=400 RUNS=5 bash bench/scripts/compile-time.sh
#   FEATURES=axum,utoipa OPENAPI=1 WORK=target/ct-openapi bash bench/scripts/compile-time.sh
#       apierror with these features, and `#[problem(openapi)]` on both types
#   INSTRUCTIONS=1 bash bench/scripts/compile-time.sh
#       also counts the instructions of each crate's checking rustc with
#       cachegrind (needs valgrind): deterministic, unlike the times
#
# Bounded: every cargo call runs under `timeout`.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
variants="${VARIANTS:-200}"
runs="${RUNS:-7}"
features="${FEATURES-axum}"
openapi="${OPENAPI:-0}"
work="${WORK:-$root/target/compile-time}"
export CARGO_TARGET_DIR="$work/target"
# Each measured check compiles the generated crate from scratch, as after an
# edit; with incremental reuse an unchanged crate would measure almost nothing.
export CARGO_INCREMENTAL=0

# One variant per shape, cycling; $1 = index, $2 = "apierror" or "thiserror".
variant() {
    local i=$1 with=$2 k=$(($1 % 10))
    # Lines starting with `@` carry apierror's attributes; dropped for thiserror.
    case $k in
    0) printf '%s\n' "#[error(\"widget $i missing\")]" "@#[status(404)]" "V$i," ;;
    1) printf '%s\n' "#[error(\"order {id} exists ($i)\")]" "@#[status(CONFLICT)]" \
        "@#[problem(type = \"https://example.com/problems/p$i\", title = \"Duplicate $i\")]" \
        "V$i {" "@#[problem(extension)]" "id: u64 }," ;;
    2) printf '%s\n' "#[error(\"slow down ($i)\")]" "@#[status(429)]" \
        "@#[problem(header(retry_after = \"{secs}\"))]" "V$i { secs: u64 }," ;;
    3) printf '%s\n' "#[error(\"missing token ($i)\")]" "@#[status(401)]" \
        "@#[problem(header(www_authenticate = \"Bearer realm=\\\"r$i\\\"\"))]" "V$i," ;;
    4) printf '%s\n' "#[error(\"storage failed ($i): {0}\")]" "@#[status(503)]" \
        "V$i(#[source] std::io::Error)," ;;
    5) printf '%s\n' "#[error(transparent)]" "@#[status(transparent)]" "V$i(Inner)," ;;
    6) printf '%s\n' "#[error(\"item {name} is invalid ($i)\")]" "@#[status(422)]" \
        "@#[problem(detail = \"item {name} failed check $i\", instance = \"/items/{name}\")]" \
        "V$i { name: String }," ;;
    7) printf '%s\n' "#[error(\"quota exceeded ($i)\")]" "@#[status(FORBIDDEN)]" \
        "@#[problem(type = \"https://example.com/problems/quota\", title = \"Quota\")]" \
        "V$i {" "@#[problem(extension = \"limit_bytes\")]" "limit: u64," \
        "@#[problem(extension)]" "used: u64 }," ;;
    8) printf '%s\n' "#[error(\"bad {0} ($i)\")]" "@#[status(400)]" \
        "@#[problem(detail = \"bad {0} at {1:?}\", header(x_problem_field = \"{0}\"))]" \
        "V$i(String, u32)," ;;
    9) printf '%s\n' "#[error(\"internal $i\")]" "V$i," ;;
    esac
}

generate() {
    local with=$1 dir="$work/$1"
    mkdir -p "$dir/src"
    {
        echo '[package]'
        echo "name = \"ct-$with\""
        echo 'version = "0.0.0"'
        echo 'edition = "2024"'
        echo 'publish = false'
        echo
        echo '[workspace]'
        echo
        echo '[dependencies]'
        echo 'thiserror = "2"'
        if [[ $with != thiserror ]]; then
            echo "apierror = { path = \"$root/core\", features = [$(sed 's/[^,][^,]*/"&"/g; s/,/, /g' <<<"$features")] }"
        fi
    } >"$dir/Cargo.toml"
    cp "$root/Cargo.lock" "$dir/Cargo.lock"
    # `derive`: the crate uses the derive (apierror, client).
    local derive=0
    [[ $with == apierror || $with == client ]] && derive=1
    {
        [[ $with == dep ]] && echo 'pub use apierror::Problem;'
        if [[ $derive == 1 ]]; then
            echo 'use apierror::ApiError;'
            echo '#[derive(Debug, thiserror::Error, ApiError)]'
            echo '#[error("inner")]'
            echo '#[status(400)]'
            [[ $with == client ]] && echo '#[problem(client)]'
            [[ $openapi == 1 ]] && echo '#[problem(openapi)]'
        else
            echo '#[derive(Debug, thiserror::Error)]'
            echo '#[error("inner")]'
        fi
        echo 'pub struct Inner;'
        echo
        if [[ $derive == 1 ]]; then
            echo '#[derive(Debug, thiserror::Error, ApiError)]'
            [[ $with == client ]] && echo '#[problem(client)]'
            echo '#[status(500)]'
            echo '#[problem(type = "https://example.com/problems/widgets")]'
            echo '#[problem(header(cache_control = "no-store"))]'
            [[ $openapi == 1 ]] && echo '#[problem(openapi)]'
        else
            echo '#[derive(Debug, thiserror::Error)]'
        fi
        echo 'pub enum Big {'
        for ((i = 0; i < variants; i++)); do
            variant "$i" "$with"
        done | if [[ $derive == 1 ]]; then sed 's/^@//'; else grep -v '^@'; fi
        echo '}'
    } >"$dir/src/lib.rs"
}

check() {
    timeout 600 cargo check -q --manifest-path "$work/$1/Cargo.toml"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

crates=(thiserror dep apierror client)
for with in "${crates[@]}"; do
    generate "$with"
done
echo "generated $variants variants in $work/{thiserror,dep,apierror,client}/src/lib.rs"

# Build the dependencies (and the derive itself) once.
for with in "${crates[@]}"; do
    check "$with"
done

# Interleaved: each round checks every crate once, so a slow spell of the
# machine slows all of them alike.
# Each check's wall time and its CPU time (user + system, cargo's and
# rustc's): on a shared machine, time spent waiting for a core counts in the
# first only.
declare -A times cpu result cpu_result
TIMEFORMAT='%3R %3U %3S'
for ((r = 0; r < runs; r++)); do
    for with in "${crates[@]}"; do
        touch "$work/$with/src/lib.rs"
        read -r real user sys < <({ time check "$with" >/dev/null 2>&1; } 2>&1)
        times[$with]+="$(awk -v t="$real" 'BEGIN { printf "%d", t * 1000 }') "
        cpu[$with]+="$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }') "
    done
done
for with in "${crates[@]}"; do
    result[$with]=$(printf '%s\n' ${times[$with]} | median)
    cpu_result[$with]=$(printf '%s\n' ${cpu[$with]} | median)
    echo "$with: runs ${times[$with]}ms, median ${result[$with]} ms; CPU time median ${cpu_result[$with]} ms"
done

# The median of each round's ratio of two lists of times ($1 / $2): paired
# within a round, it drifts less than the ratio of two medians when the
# machine is busy.
paired_ratio() {
    local -a a b
    local r
    read -ra a <<<"$1"
    read -ra b <<<"$2"
    for ((r = 0; r < runs; r++)); do
        awk -v a="${a[r]}" -v b="${b[r]}" 'BEGIN { printf "%.4f\n", a / b }'
    done | median
}

paired=$(paired_ratio "${times[apierror]}" "${times[thiserror]}")
awk -v a="${result[apierror]}" -v t="${result[thiserror]}" -v n="$variants" -v p="$paired" 'BEGIN {
    printf "cargo check, %d variants: thiserror only %d ms, with apierror %d ms: +%d ms (+%.0f%%; median of the rounds\x27 ratios +%.0f%%; target <= +40%%)\n",
        n, t, a, a - t, (a - t) * 100 / t, (p - 1) * 100
}'
cpu_paired=$(paired_ratio "${cpu[apierror]}" "${cpu[thiserror]}")
awk -v a="${cpu_result[apierror]}" -v t="${cpu_result[thiserror]}" -v n="$variants" -v p="$cpu_paired" 'BEGIN {
    printf "cargo check CPU time, %d variants: thiserror only %d ms, with apierror %d ms: +%d ms (+%.0f%%; median of the rounds\x27 ratios +%.0f%%)\n",
        n, t, a, a - t, (a - t) * 100 / t, (p - 1) * 100
}'
awk -v a="${result[apierror]}" -v d="${result[dep]}" -v n="$variants" 'BEGIN {
    printf "cargo check, %d variants: thiserror with apierror as a dependency %d ms, with the derive %d ms: +%d ms (+%.0f%%)\n",
        n, d, a, a - d, (a - d) * 100 / d
}'
awk -v c="${result[client]}" -v a="${result[apierror]}" -v n="$variants" 'BEGIN {
    printf "cargo check, %d variants: #[problem(client)] adds %d ms to the apierror derive (+%.0f%%)\n",
        n, c - a, (c - a) * 100 / a
}'

# Instructions of each crate's checking rustc: the command cargo runs, under
# cachegrind (no cache simulation).
if [[ ${INSTRUCTIONS:-0} == 1 ]]; then
    for with in "${crates[@]}"; do
        touch "$work/$with/src/lib.rs"
        cmd=$(cargo check -v --manifest-path "$work/$with/Cargo.toml" 2>&1 |
            sed -n 's/^ *Running `\(.*rustc .*\)`$/\1/p' | tail -1)
        touch "$work/$with/src/lib.rs"
        count=$(cd "$work/$with" && eval "timeout 600 valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null $cmd" 2>&1 >/dev/null |
            sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' | tr -d ,)
        awk -v w="$with" -v c="$count" 'BEGIN { printf "%s: %.1f M instructions in the checking rustc\n", w, c / 1e6 }'
    done
fi
