#!/usr/bin/env bash
# The README's test command: sets everything up (build/setup.sh), runs the unit tier first
# (tests/PahoSharp.UnitTests: no broker, no network, a few seconds), then the C tests of the paho patches
# (ctest), then the .NET tests against real
# brokers that the tests start on free loopback ports, then the scale-out run on a 2-node RabbitMQ
# cluster (build/cluster.sh, about 45 s).
#   bash build/test.sh                  every test but [Category("Reliability")], and the cluster run (what CI runs)
#   bash build/test.sh --reliability    every test, the reliability suite included, and the cluster run
#   bash build/test.sh --no-cluster     without the cluster run (a --filter also leaves it out)
#   bash build/test.sh --no-arm64       without the linux-arm64 check (build/arm64-check.sh, about 10 s; a --filter also leaves it out)
# Other arguments go to dotnet test; a --filter is combined with the exclusion of the reliability
# tests unless --reliability is given.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
configuration=${PAHOSHARP_CONFIGURATION:-Release}

reliability=false
cluster=true
# The check of the linux-arm64 runtime that build/setup.sh cross-builds (PAHOSHARP_ARM64=0 leaves out both).
arm64=true
[[ ${PAHOSHARP_ARM64:-1} != 0 && $(uname -m) == x86_64 ]] || arm64=false
filter=""
passed=()
while (($#)); do
  case "$1" in
    --reliability) reliability=true ;;
    --no-cluster) cluster=false ;;
    --no-arm64) arm64=false ;;
    --filter)
      (($# >= 2)) || { echo "test.sh: --filter needs an expression" >&2; exit 2; }
      filter=$2
      cluster=false
      arm64=false
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
unit_log=$(mktemp)
cluster_log=$(mktemp)
native_log=$(mktemp)
trap 'rm -f "$log" "$unit_log" "$cluster_log" "$native_log"' EXIT
status=0

# The unit tier first: it needs no broker and answers in seconds (a --filter applies to it too).
echo "== dotnet test tests/PahoSharp.UnitTests: the unit tier (no broker)"
unit_status=0
unit_started=$SECONDS
dotnet test "$root/tests/PahoSharp.UnitTests/PahoSharp.UnitTests.csproj" -c "$configuration" --no-build -nologo \
  --logger "console;verbosity=normal" --blame-hang-timeout 2m "$@" 2>&1 | tee "$unit_log" || unit_status=$?
unit_seconds=$((SECONDS - unit_started))

# The C-level tests of native/paho-patches (ctest; see native/tests).
echo "== ctest: the C tests of native/paho-patches"
native_status=0
ctest --test-dir "$root/artifacts/cmake" --output-on-failure 2>&1 | tee "$native_log" || native_status=$?
# The integration tier: the test project of the solution that starts brokers (the unit tier ran above).
dotnet test "$root/tests/PahoSharp.Tests/PahoSharp.Tests.csproj" -c "$configuration" --no-build -nologo \
  --logger "console;verbosity=normal" --blame-hang-timeout 10m "$@" 2>&1 | tee "$log" || status=$?

cluster_status=0
if $cluster; then
  echo
  echo "== bash build/cluster.sh: scale-out on a 2-node RabbitMQ cluster"
  bash "$root/build/cluster.sh" 2>&1 | tee "$cluster_log" || cluster_status=$?
fi

arm64_status=0
arm64_log="$root/artifacts/arm64-check.log"
if $arm64; then
  echo
  echo "== bash build/arm64-check.sh: the linux-arm64 runtime under qemu-user against the x64 one"
  bash "$root/build/arm64-check.sh" 2>&1 | tee "$arm64_log" || arm64_status=$?
fi

# One plain summary line per tier (from each run's "Total tests:" block), and one for the cluster run.
echo
# Prints "<label>: N passed, N failed, N skipped<suffix>" from a dotnet test log; nothing if no tests ran.
summarise() {
  awk -v label="$1" -v suffix="$2" '/^Test Run Aborted/ { aborted = 1 }
     /^Total tests:/ { inblock = 1; found = 1; next }
     inblock && $1 == "Passed:" { passed += $2; next }
     inblock && $1 == "Failed:" { failed += $2; next }
     inblock && $1 == "Skipped:" { skipped += $2; next }
     inblock && $1 != "Total" { inblock = 0 }
     END { if (found) printf "%s: %d passed, %d failed, %d skipped%s%s\n", label, passed, failed, skipped, suffix, aborted ? " (ABORTED: the test host crashed; see above)" : "" }' "$3"
}
unit_summary=$(summarise unit " in ${unit_seconds} s (tests/PahoSharp.UnitTests, no broker)" "$unit_log")
if [[ -n $unit_summary ]]; then
  echo "$unit_summary"
elif ((unit_status == 0)) && grep -q '^No test matches the given testcase filter' "$unit_log"; then
  echo "unit: no unit test matches the filter"
else
  echo "unit: the unit tier did not run (dotnet test exit status $unit_status)"
  ((unit_status != 0)) || unit_status=1
fi
native_summary=$(sed -n 's/^\([0-9]*\)% tests passed, \([0-9]*\) tests failed out of \([0-9]*\)$/\3 \2/p' "$native_log" | tail -n1)
if [[ -n $native_summary ]]; then
  read -r native_total native_failed <<<"$native_summary"
  echo "native: $((native_total - native_failed)) passed, $native_failed failed (ctest: the C tests of native/paho-patches)"
else
  echo "native: the C tests did not run (ctest exit status $native_status)"
  ((native_status != 0)) || native_status=1
fi
# A run whose test host crashed says so: its counts stop at the crash.
summarise tests "" "$log"
# CI shows the end of this output: the failed tests' names and messages come again here, of both tiers.
awk '/^  Failed / { shown = 1; lines = 0; print; next }
     shown && (/^  (Passed|Failed|Skipped) / || /Stack Trace:/ || /^Standard Output/) { shown = 0 }
     shown && lines < 16 { lines++; print }' "$unit_log" "$log"
if $cluster; then
  messages=$(sed -n 's/^  stream: *\([0-9]*\) QoS 1.*/\1/p' "$cluster_log")
  missing=$(sed -n 's/^  missing: *\([0-9]*\).*/\1/p' "$cluster_log")
  if ((cluster_status == 0)); then
    echo "cluster: passed (${messages:-?} QoS 1 messages across a node stop, ${missing:-?} missing)"
  else
    echo "cluster: FAILED (exit status $cluster_status; ${messages:-?} QoS 1 messages, ${missing:-?} missing)"
  fi
fi
if $arm64; then
  if ((arm64_status == 0)); then
    echo "arm64: $(sed -n 's/^arm64-check: //p' "$arm64_log" | tail -n1)"
  else
    echo "arm64: FAILED (exit status $arm64_status; $(sed -n 's/^arm64-check: FAILED (\(.*\))$/\1/p' "$arm64_log" | tail -n1); see above or $arm64_log)"
  fi
fi
((status != 0)) || status=$unit_status
((status != 0)) || status=$cluster_status
((status != 0)) || status=$arm64_status
((status != 0)) || status=$native_status
exit "$status"
