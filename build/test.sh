#!/usr/bin/env bash
# README's test command: set up what the tests need (build/setup.sh), run every test, end with one closing line.
# Arguments go to `dotnet test`, e.g. `bash build/test.sh --filter FullyQualifiedName~Conversation`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash build/setup.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# One project at a time: the suite's ports are fixed.
status=0
dotnet test Tomodachi.sln -m:1 "$@" 2>&1 | tee "$log" || status=$?

grep -E '^(Passed|Failed)!' "$log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\1 \2 \3/' |
  awk '{f+=$1; p+=$2; s+=$3} END {printf "tests: %d passed, %d failed, %d skipped\n", p, f, s}'
exit "$status"
