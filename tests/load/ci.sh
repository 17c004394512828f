#!/usr/bin/env bash
# The short load test for CI: both frameworks, 4 s each at 64 connections, a
# debug build (its dependencies are already built by `cargo test`), and at
# least 2000 checked requests each. Fails on any bad response or socket
# error; installs wrk if missing and fails (never skips) if it cannot.
set -euo pipefail
cd "$(dirname "$0")/../.."
PROFILE=${PROFILE:-dev} MIN_REQUESTS=${MIN_REQUESTS:-2000} exec tests/load/run.sh both 4 64
