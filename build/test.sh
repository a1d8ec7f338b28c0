#!/usr/bin/env bash
# The README's test command: sets everything up (build/setup.sh), then runs every test against real
# Mosquitto brokers that the tests start on free loopback ports.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
configuration=${PAHOSHARP_CONFIGURATION:-Release}
bash "$root/build/setup.sh"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test "$root/PahoSharp.sln" -c "$configuration" --no-build -nologo \
  --logger "console;verbosity=normal" --blame-hang-timeout 10m "$@" 2>&1 | tee "$log" || status=$?

# One plain summary line over every test assembly (from each run's "Total tests:" block).
awk '/^Total tests:/ { inblock = 1; found = 1; next }
     inblock && $1 == "Passed:" { passed += $2; next }
     inblock && $1 == "Failed:" { failed += $2; next }
     inblock && $1 == "Skipped:" { skipped += $2; next }
     inblock && $1 != "Total" { inblock = 0 }
     END { if (found) printf "tests: %d passed, %d failed, %d skipped\n", passed, failed, skipped }' "$log"
exit "$status"
