#!/usr/bin/env bash
# The paths of docs/engine-speed.md, each run under the sleep counter (native/tools/sleep_counter.c):
# the benchmark's C baselines (paho_bench: MQTTClient, paho_async_bench: MQTTAsync) against a Mosquitto
# of their own on a free loopback port. One build directory or more (each one's bin/ and lib/, e.g.
# artifacts/cmake and a build with -DPAHOSHARP_PAHO_PATCHES=OFF); for each path and build, the rate
# and paho's sleeps by kind and by call site.
#
#   bash native/tools/sleep-paths.sh [-r REPEATS] BUILD_DIR [BUILD_DIR...]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
repeats=1
if [[ ${1:-} == -r ]]; then
  repeats=$2
  shift 2
fi
(($# >= 1)) || { echo "usage: sleep-paths.sh [-r REPEATS] BUILD_DIR [BUILD_DIR...]" >&2; exit 2; }

# shellcheck source=build/lib/broker.sh
source "$root/build/lib/broker.sh"
work=$(mktemp -d)
trap 'broker_stop; rm -rf "$work"' EXIT
broker_start "$work"
address="tcp://127.0.0.1:$BROKER_PORT"

# path: program row count
paths=(
  "paho_async_bench connect 100"
  "paho_bench connect 20"
  "paho_async_bench qos0_64k 2000"
  "paho_bench qos0_64k 2000"
  "paho_async_bench qos1_w1 2000"
  "paho_bench qos1_w100_max10 2000"
)
for path in "${paths[@]}"; do
  read -r program row count <<<"$path"
  for ((i = 1; i <= repeats; i++)); do
    for build in "$@"; do
      counter="$build/lib/libsleep_counter.so"
      [[ -f $counter ]] || { echo "no $counter: build the target sleep_counter" >&2; exit 1; }
      out="$work/out"
      rm -f "$out"
      result=$(SLEEP_COUNTER_OUT="$out" SLEEP_COUNTER_MATCH=paho LD_PRELOAD="$counter" \
        "$build/bin/$program" "$address" "$row" "$count" 2>&1 | grep RESULT || echo "RESULT (failed)")
      echo "== $program $row $count, $build: ${result#RESULT }"
      grep -v '^sleep_counter: pid' "$out" | sed 's/^sleep_counter: /   /'
    done
  done
done
