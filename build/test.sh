#!/usr/bin/env bash
# The README's test command: sets everything up (build/setup.sh), then runs the tests against real
# brokers that the tests start on free loopback ports.
#   bash build/test.sh                  every test but [Category("Reliability")] (what CI runs)
#   bash build/test.sh --reliability    every test, the reliability suite included
# Other arguments go to dotnet test; a --filter is combined with the exclusion of the reliability
# tests unless --reliability is given.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
configuration=${PAHOSHARP_CONFIGURATION:-Release}

reliability=false
filter=""
passed=()
while (($#)); do
  case "$1" in
    --reliability) reliability=true ;;
    --filter)
      (($# >= 2)) || { echo "test.sh: --filter needs an expression" >&2; exit 2; }
      filter=$2
      shift
      ;;
    *) passed+=("$1") ;;
  esac
  shift
done
if ! $reliability; then
  # The reliability suite is long and kills brokers on purpose: only on request.
  if [[ -n $filter ]]; then
    filter="($filter)&TestCategory!=Reliability"
  else
    filter="TestCategory!=Reliability"
  fi
fi
[[ -z $filter ]] || passed+=(--filter "$filter")
set -- ${passed[@]+"${passed[@]}"}

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
