#!/usr/bin/env bash
# Validates every *.xml file in DIR against RFC 9457 Appendix B's RELAX NG
# schema (tests/xml/problem.rng) with xmllint, installing it (Debian package
# libxml2-utils) when it is missing. Exits non-zero if any file is invalid or
# DIR holds none.
#
#   APIERROR_XML_DIR=target/problem-xml cargo test -p apierror --features xml --test xml
#   tests/xml/validate.sh target/problem-xml
set -euo pipefail

dir=${1:?usage: tests/xml/validate.sh DIR}
schema="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/problem.rng"

if ! command -v xmllint >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq libxml2-utils >/dev/null
fi

shopt -s nullglob
files=("$dir"/*.xml)
if ((${#files[@]} == 0)); then
    echo "validate.sh: no *.xml file in $dir" >&2
    exit 1
fi

xmllint --noout --nonet --relaxng "$schema" "${files[@]}"
echo "validate.sh: ${#files[@]} problem+xml bodies valid against $schema"
