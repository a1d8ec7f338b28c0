#!/usr/bin/env bash
# PahoSharp against paho C and against MQTTnet, side by side (docs/benchmarks.md has the method and a run).
#
#   bash build/bench.sh [--quick] [--reps N] [--no-micro] [--micro-only] [--micro-filter GLOB] [--no-scale] [--scale-only]
#                       [--no-noise-check] [--pin | --no-pin] [--investigate-mqttnet]
#
# Sets everything up (build/setup.sh), builds paho.mqtt.c 1.3.15 a second time WITHOUT our patches
# (native/paho-patches) into artifacts/paho-unpatched, starts its own Mosquitto (logging off,
# TCP_NODELAY on) on a free loopback port, and runs every row on seven clients, one process per run:
#   paho C's MQTTClient and MQTTAsync (native/benchmarks/paho_bench.c, paho_async_bench.c) on the
#   patched build the .NET clients load (the very files in the benchmark's bin/, by LD_LIBRARY_PATH;
#   each result line names the paho version the process loaded), the same two programs on the
#   unpatched 1.3.15 build (the extra columns), PahoSharp's MqttClient and MqttAsyncClient, and MQTTnet
#   (tests/PahoSharp.Benchmarks). It prints one table: every cell the median of the repetitions with
#   their spread (min–max), a row flagged where one client's repetitions differ by more than 2x. Then
#   the scale row: 1,000 and 10,000 clients in one process (PahoSharp.Benchmarks --scale, and paho C
#   MQTTAsync), against a Mosquitto of its own; then issue 18's targets, each marked met or
#   MISSED. Writes artifacts/bench/results.json (raw lines in artifacts/bench/{runs,scale,noise}.jsonl).
#   Then the BenchmarkDotNet micro-benchmarks unless --quick or --no-micro.
#
# What it does against noise (2 cores, shared with other jobs):
#   - warm-up: every run first does an untimed tenth of its work (the .NET runs at least 300 ms more,
#     for the tiered JIT), so no run times a cold start;
#   - interleaving: repetition 1 of every row and client, then repetition 2, ...: a burst of load
#     from another job lands on every client alike instead of on one client's five runs;
#   - spread, not just medians: a cell shows min–max, and a row whose repetitions differ >2x is flagged;
#   - CPU pinning (taskset: the broker on CPU 0, the client on CPU 1) is NOT on by default (--pin
#     turns it on for the whole table): on 2 cores it puts every thread of the client (paho's send and
#     receive threads, the .NET thread pool, the main thread) on one CPU. By hand on 2026-12-07 (load
#     average 17 to 21), 6 interleaved runs each of qos1_w1 on MqttAsyncClient: pinned 2,383 to 5,392
#     msgs/s (2.3x apart, median 4,421), unpinned 4,619 to 20,604 (4.5x apart, median 8,244): pinning
#     narrowed the spread by halving the rate, i.e. it measured a different, slower set-up.
#   - the noise check (full runs; --no-noise-check skips it): that same comparison in every full run,
#     and the report says whether pinning narrowed the spread and how far it moved the median.
#   The load average before and after is printed with the table: on a shared machine read it first.
#
# Open files: the scale row opens one socket per client in the client process and one in the broker,
# so the script raises its open-file limit (ulimit -n) to the hard limit (ulimit -Hn) for itself, the
# broker and the clients it starts. A size that needs more than the hard limit is reported as not run,
# with the limit; one that fails (for instance a connect timing out) says how far it got.
#
#   --quick                 smoke run: 1 repetition (so no spread), a tenth of the messages, at most
#                           1 s per run, scale at 100 clients, no noise check, no micro-benchmarks
#                           (43 s at load average 6.7, 67 s at 25 to 30, with nothing to rebuild)
#   --no-scale              skip the scale row
#   --micro-filter GLOB     only the micro-benchmarks BenchmarkDotNet's --filter GLOB selects (default: both
#                           classes, '*PublishMicroBenchmarks*' and '*PublishAsyncMicroBenchmarks*')
#   --scale-only            only the scale row (and its targets): no table, no noise check, no micro-benchmarks
#   --investigate-mqttnet   only the MQTTnet concurrent-QoS-1 investigation, against a broker with
#                           Mosquitto's default Nagle (set_tcp_nodelay false) and then with it off
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
configuration=${PAHOSHARP_CONFIGURATION:-Release}
# shellcheck source=build/lib/broker.sh
source "$root/build/lib/broker.sh"

usage="usage: bash build/bench.sh [--quick] [--reps N] [--no-micro] [--micro-only] [--micro-filter GLOB] [--no-scale] [--scale-only] [--no-noise-check] [--pin | --no-pin] [--investigate-mqttnet]"
quick=0 reps="" micro=1 table=1 investigate=0 scale=1 noise_check=1 pin=0
micro_filter=('*PublishMicroBenchmarks*' '*PublishAsyncMicroBenchmarks*')
while (($#)); do
  case $1 in
    --quick) quick=1 ;;
    --reps) reps=$2; shift ;;
    --no-micro) micro=0 ;;
    --micro-only) table=0 scale=0 noise_check=0 ;;
    --micro-filter) micro_filter=("$2"); shift ;;
    --no-scale) scale=0 ;;
    --scale-only) table=0 micro=0 noise_check=0 scale=1 ;;
    --no-noise-check) noise_check=0 ;;
    --pin) pin=1 ;;
    --no-pin) pin=0 ;;
    --investigate-mqttnet) investigate=1 table=0 micro=0 scale=0 noise_check=0 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
  shift
done
if ((quick)); then
  reps=${reps:-1}
  noise_check=0
  ((table == 0)) || micro=0
fi
reps=${reps:-5}
started=$(date +%s)

# One socket per client in the scale row, in this script's children and in the broker.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
open_files=$(ulimit -n)

# The benchmark needs no linux-arm64 cross build (PAHOSHARP_ARM64=1 asks for it anyway).
PAHOSHARP_ARM64=${PAHOSHARP_ARM64:-0} bash "$root/build/setup.sh" >/dev/null

dotnet_bench="$root/tests/PahoSharp.Benchmarks/bin/$configuration/net10.0/PahoSharp.Benchmarks"
prop() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$root/artifacts/paho/Paho.props"; }
# paho C runs on the libraries the .NET clients load: the copies in the benchmark's bin/ (from
# artifacts/paho/runtimes/<rid>/native). LD_LIBRARY_PATH comes before the programs' RUNPATH.
patched_lib="$(dirname "$dotnet_bench")/runtimes/$(prop PahoRid)/native"
patched_bin="$root/artifacts/cmake/bin"
cmp -s "$patched_lib/libpaho-mqtt3as.so.1" "$root/artifacts/paho/runtimes/$(prop PahoRid)/native/libpaho-mqtt3as.so.1" \
  || { echo "bench: $patched_lib is not the paho that setup.sh staged; rebuild the benchmarks" >&2; exit 1; }

# paho 1.3.15 as released, for the extra columns: the same CMake build with the patches off and paho's
# default build flags (tracing and heap tracking on), what a user of paho as released runs.
unpatched="$root/artifacts/paho-unpatched"
unpatched_lib="$unpatched/stage/runtimes/$(prop PahoRid)/native"
unpatched_bin="$unpatched/cmake/bin"
if ((table)); then
  cmake -S "$root" -B "$unpatched/cmake" -DCMAKE_BUILD_TYPE=Release -DPAHOSHARP_PAHO_PATCHES=OFF -DPAHOSHARP_PAHO_HIGH_PERFORMANCE=OFF \
    -DPAHOSHARP_STAGE_DIR="$unpatched/stage" >"$unpatched.log" 2>&1 || { tail -20 "$unpatched.log" >&2; exit 1; }
  cmake --build "$unpatched/cmake" -j "$(nproc)" --target paho_bench paho_async_bench paho_stage >>"$unpatched.log" 2>&1 \
    || { tail -20 "$unpatched.log" >&2; exit 1; }
fi

out="$root/artifacts/bench"
mkdir -p "$out"
work=$(mktemp -d)
bench_broker_pid=""
cleanup() {
  if [[ -n $bench_broker_pid ]]; then
    kill "$bench_broker_pid" 2>/dev/null || true
    wait "$bench_broker_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# bench_broker_start NODELAY [EXTRA_CONFIG]: Mosquitto with logging off, so BROKER_PORT is polled, not logged.
bench_broker_start() {
  local nodelay=$1 extra=${2:-} mosquitto
  mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
  BROKER_PORT=$(broker_free_port)
  cat >"$work/mosquitto.conf" <<CONF
listener $BROKER_PORT 127.0.0.1
allow_anonymous true
persistence false
log_dest none
connection_messages false
set_tcp_nodelay $nodelay
$extra
CONF
  [[ $(id -u) -ne 0 ]] || echo "user root" >>"$work/mosquitto.conf"
  "$mosquitto" -c "$work/mosquitto.conf" 2>"$work/mosquitto.err" &
  bench_broker_pid=$!
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$BROKER_PORT") 2>/dev/null; then
      BENCH_ADDRESS="tcp://127.0.0.1:$BROKER_PORT"
      return 0
    fi
    kill -0 "$bench_broker_pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "bench: mosquitto did not start:" >&2
  cat "$work/mosquitto.err" >&2
  return 1
}

bench_broker_stop() {
  kill "$bench_broker_pid" 2>/dev/null || true
  wait "$bench_broker_pid" 2>/dev/null || true
  bench_broker_pid=""
}

# pin_broker on|off: the running broker (every thread) on CPU 0, or back on every CPU.
cpus_all="0-$(($(nproc) - 1))"
pin_broker() {
  if [[ $1 == on ]]; then
    taskset -a -p -c 0 "$bench_broker_pid" >/dev/null
  else
    taskset -a -p -c "$cpus_all" "$bench_broker_pid" >/dev/null
  fi
}

if ((investigate)); then
  for nodelay in false true; do
    bench_broker_start "$nodelay"
    echo "== Mosquitto set_tcp_nodelay $nodelay"
    timeout 120 "$dotnet_bench" --investigate-mqttnet "$BENCH_ADDRESS"
    bench_broker_stop
  done
  exit 0
fi

paho_build="paho.mqtt.c $(prop PahoReportedVersion), $(prop PahoOrigin), PAHO_HIGH_PERFORMANCE $(prop PahoHighPerformance); unpatched columns: paho.mqtt.c 1.3.15 from the same archive, no patches, paho's default build flags (artifacts/paho-unpatched)"

rows=(qos0 qos0_64k qos1_w1 qos1_w10 qos2_w1 qos2_w10 qos1_w100_max10 seed connect)
clients=(paho-c paho-c-unpatched pahosharp mqttnet paho-c-async paho-c-async-unpatched pahosharp-async)
max_seconds=$((quick ? 1 : 4))

# count ROW CLIENT: sized for roughly a second of paho C on a 2-core machine (a tenth with --quick);
# the MQTTAsync clients (paho-c-async*, pahosharp-async) get the same counts as each other.
count() {
  local n async=0
  [[ $2 == *-async* ]] && async=1
  case $1 in
    qos0) ((async)) && n=100000 || n=300000 ;;
    # Unpatched, a 64 KiB write that does not complete at once can leave paho waiting (docs/engine-speed.md);
    # every run also ends at max_seconds.
    qos0_64k) [[ $2 == *-unpatched ]] && n=200 || n=2000 ;;
    qos1_w1) n=10000 ;;
    qos1_w10) n=30000 ;;
    qos2_w1) n=5000 ;;
    qos2_w10) n=15000 ;;
    # paho as released sleeps 100 ms per message on these two rows and per connect (MQTTClient) or
    # start and stop (MQTTAsync): a handful keeps its runs short. Patched, as many as the .NET clients
    # do, so that the JIT's warm-up does not decide the .NET clients' rates.
    qos1_w100_max10) [[ $2 == paho-c-unpatched ]] && n=300 || n=30000 ;;
    seed) [[ $2 == paho-c-unpatched ]] && n=10 || n=5000 ;;
    connect) if [[ $2 == *-unpatched ]]; then ((async)) && n=10 || n=6; else n=300; fi ;;
  esac
  ((quick == 0)) || n=$(((n + 9) / 10))
  echo "$n"
}

# run_one ROW CLIENT PIN: one process run; appends its result line to $line or returns 1.
run_one() {
  local row=$1 client=$2 pinned=$3 n cmd=() env=()
  n=$(count "$row" "$client")
  case $client in
    paho-c) env=(LD_LIBRARY_PATH="$patched_lib"); cmd=("$patched_bin/paho_bench" "$BENCH_ADDRESS" "$row" "$n" "$max_seconds") ;;
    paho-c-async) env=(LD_LIBRARY_PATH="$patched_lib"); cmd=("$patched_bin/paho_async_bench" "$BENCH_ADDRESS" "$row" "$n" "$max_seconds") ;;
    paho-c-unpatched) env=(LD_LIBRARY_PATH="$unpatched_lib"); cmd=("$unpatched_bin/paho_bench" "$BENCH_ADDRESS" "$row" "$n" "$max_seconds") ;;
    paho-c-async-unpatched) env=(LD_LIBRARY_PATH="$unpatched_lib"); cmd=("$unpatched_bin/paho_async_bench" "$BENCH_ADDRESS" "$row" "$n" "$max_seconds") ;;
    *) cmd=("$dotnet_bench" "$client" "$BENCH_ADDRESS" "$row" "$n" "$max_seconds") ;;
  esac
  ((pinned == 0)) || cmd=(taskset -c 1 "${cmd[@]}")
  line=$(env "${env[@]}" timeout 60 "${cmd[@]}" 2>"$work/err" | grep '^RESULT ' | tail -n 1) && [[ -n $line ]] || {
    echo >&2
    echo "bench: $client $row failed: $(tail -n 3 "$work/err")" >&2
    return 1
  }
  line=${line#RESULT }
  # The unpatched build's programs are the same programs: their lines name the client as patched.
  [[ $client != *-unpatched ]] || line=$(sed 's/"client":"\(paho-c[a-z-]*\)"/"client":"\1-unpatched"/' <<<"$line")
}

runs="$out/runs.jsonl" scale_runs="$out/scale.jsonl" noise_runs="$out/noise.jsonl"
: >"$runs"
: >"$scale_runs"
: >"$noise_runs"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

if ((table)); then
  bench_broker_start true
  ((pin == 0)) || pin_broker on
  echo "bench: $paho_build"
  echo "bench: mosquitto $(mosquitto -h 2>/dev/null | sed -n 's/^mosquitto version //p') on $BENCH_ADDRESS; $reps interleaved repetitions; CPU pinning $( ((pin)) && echo "on (broker CPU 0, client CPU 1)" || echo off); load before: $load_before"
  for ((rep = 1; rep <= reps; rep++)); do
    printf 'bench: repetition %d/%d ' "$rep" "$reps"
    for row in "${rows[@]}"; do
      for client in "${clients[@]}"; do
        ! run_one "$row" "$client" "$pin" || echo "$line" >>"$runs"
      done
      printf '.'
    done
    echo
  done

  if ((noise_check)); then
    # The same row pinned and unpinned, alternating, so both meet the same load.
    noise_row=qos1_w1 noise_client=pahosharp-async noise_reps=6
    printf 'bench: noise check, %s on %s, %d runs pinned and %d unpinned ' "$noise_row" "$noise_client" "$noise_reps" "$noise_reps"
    for ((rep = 1; rep <= noise_reps; rep++)); do
      for variant in pinned unpinned; do
        p=0
        [[ $variant == unpinned ]] || p=1
        pin_broker "$([[ $variant == pinned ]] && echo on || echo off)"
        ! run_one "$noise_row" "$noise_client" "$p" || echo "${line%\}},\"variant\":\"$variant\"}" >>"$noise_runs"
        printf '.'
      done
    done
    echo
  fi
  bench_broker_stop
fi

if ((scale)); then
  # 10,000 clients at once: Mosquitto's own limits are its max_connections (-1: none) and the
  # open-file limit it inherits from this script.
  bench_broker_start true "max_connections -1"
  sizes=(1000 10000)
  ((quick == 0)) || sizes=(100)
  echo "bench: scale row on $BENCH_ADDRESS, ${sizes[*]} clients; open-file limit $open_files (broker and clients)"
  for size in "${sizes[@]}"; do
    # Three bursts at every size, paho C MQTTAsync at every size: before patch 0010 paho took 55 s to
    # connect 10,000 clients and 32 to 45 s per burst, and ran at 1,000 only, one burst at 10,000.
    scale_clients=(paho-c-async pahosharp-async mqttnet)
    bursts=3
    for client in "${scale_clients[@]}"; do
      printf 'bench: scale %s x %d ' "$client" "$size"
      if ((open_files < size + 200)); then
        echo "{\"client\":\"$client\",\"clients\":$size,\"error\":\"not run: the open-file limit (ulimit -Hn) is $open_files, $size clients need about $((size + 200))\"}" >>"$scale_runs"
        echo "not run (open-file limit $open_files)"
        continue
      fi
      if [[ $client == paho-c-async ]]; then
        cmd=(env LD_LIBRARY_PATH="$patched_lib" "$patched_bin/paho_async_bench" "$BENCH_ADDRESS" scale "$size" "$bursts")
      else
        cmd=("$dotnet_bench" --scale "$client" "$BENCH_ADDRESS" "$size" "$bursts")
      fi
      limit=$((size >= 10000 ? 420 : 180))
      scale_start=$(date +%s)
      line=$(timeout "$limit" "${cmd[@]}" 2>"$work/err" | grep '^SCALE ' | tail -n 1) || true
      if [[ -n $line ]]; then
        echo "${line#SCALE }" >>"$scale_runs"
      else
        reason="no result within $((($(date +%s) - scale_start))) s (bound ${limit} s): $(tail -n 1 "$work/err" | tr -d '"\\')"
        echo "{\"client\":\"$client\",\"clients\":$size,\"error\":\"$reason\"}" >>"$scale_runs"
      fi
      echo "$((($(date +%s) - scale_start))) s"
    done
  done
  bench_broker_stop
fi

if ((table || scale)); then
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)
  "$dotnet_bench" --report "$runs" "$out/results.json" "$paho_build" \
    "load average before $load_before, after $load_after; $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ); $((($(date +%s) - started))) s" \
    "$scale_runs" "$noise_runs"
fi

if ((micro)); then
  bench_broker_start true
  echo "bench: micro-benchmarks (BenchmarkDotNet) on $BENCH_ADDRESS"
  PAHOSHARP_BENCH_ADDRESS=$BENCH_ADDRESS timeout 1200 "$dotnet_bench" --micro --filter "${micro_filter[@]}" \
    --artifacts "$out/micro" 2>&1 | sed -n '/^| *Method/,/^$/p;/^BenchmarkDotNet v/p;/^\/\/ \* Legends/,/^$/p'
  echo "bench: BenchmarkDotNet reports in $out/micro/results"
  bench_broker_stop
fi
