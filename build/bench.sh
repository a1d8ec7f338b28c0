#!/usr/bin/env bash
# The README's benchmark command: PahoSharp against paho C and against MQTTnet, side by side.
#
#   bash build/bench.sh [--quick] [--reps N] [--no-micro] [--micro-only] [--investigate-mqttnet]
#
# Sets everything up (build/setup.sh), starts its own Mosquitto (logging off, TCP_NODELAY on) on a
# free loopback port, runs every row on the five clients (paho C's MQTTClient and MQTTAsync:
# artifacts/cmake/bin/paho_bench and paho_async_bench; PahoSharp's MqttClient and MqttAsyncClient,
# and MQTTnet: tests/PahoSharp.Benchmarks), one process per run, repetitions interleaved (rep 1 of
# every row and client, then rep 2, ...), and prints one table of medians with the ratios
# PahoSharp/C, PahoSharp/MQTTnet and PahoSharp async/paho C MQTTAsync. Writes
# artifacts/bench/results.json (and the raw result lines in artifacts/bench/runs.jsonl). Then runs
# the BenchmarkDotNet micro-benchmarks (--micro in tests/PahoSharp.Benchmarks) unless --quick or
# --no-micro.
#   --quick                 fewer messages, 3 repetitions, no micro-benchmarks (about 3 minutes)
#   --investigate-mqttnet   only the MQTTnet concurrent-QoS-1 investigation, against a broker with
#                           Mosquitto's default Nagle (set_tcp_nodelay false) and then with it off
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
configuration=${PAHOSHARP_CONFIGURATION:-Release}
# shellcheck source=build/lib/broker.sh
source "$root/build/lib/broker.sh"

quick=0 reps="" micro=1 table=1 investigate=0
while (($#)); do
  case $1 in
    --quick) quick=1 ;;
    --reps) reps=$2; shift ;;
    --no-micro) micro=0 ;;
    --micro-only) table=0 ;;
    --investigate-mqttnet) investigate=1 table=0 micro=0 ;;
    *) echo "usage: bash build/bench.sh [--quick] [--reps N] [--no-micro] [--micro-only] [--investigate-mqttnet]" >&2; exit 2 ;;
  esac
  shift
done
if ((quick)); then
  reps=${reps:-3}
  ((table == 0)) || micro=0
fi
reps=${reps:-5}

bash "$root/build/setup.sh" >/dev/null

paho_bench="$root/artifacts/cmake/bin/paho_bench"
paho_async_bench="$root/artifacts/cmake/bin/paho_async_bench"
dotnet_bench="$root/tests/PahoSharp.Benchmarks/bin/$configuration/net10.0/PahoSharp.Benchmarks"
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

# bench_broker_start NODELAY: Mosquitto with logging off, so BROKER_PORT is polled, not logged.
bench_broker_start() {
  local nodelay=$1 mosquitto
  mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
  BROKER_PORT=$(broker_free_port)
  cat >"$work/mosquitto.conf" <<CONF
listener $BROKER_PORT 127.0.0.1
allow_anonymous true
persistence false
log_dest none
connection_messages false
set_tcp_nodelay $nodelay
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

if ((investigate)); then
  for nodelay in false true; do
    bench_broker_start "$nodelay"
    echo "== Mosquitto set_tcp_nodelay $nodelay"
    timeout 120 "$dotnet_bench" --investigate-mqttnet "$BENCH_ADDRESS"
    bench_broker_stop
  done
  exit 0
fi

prop() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$root/artifacts/paho/Paho.props"; }
paho_build="paho.mqtt.c $(prop PahoVersion), $(prop PahoOrigin), PAHO_HIGH_PERFORMANCE $(prop PahoHighPerformance)"

rows=(qos0 qos0_64k qos1_w1 qos1_w10 qos2_w1 qos2_w10 qos1_w100_max10 seed connect)
clients=(paho-c pahosharp mqttnet paho-c-async pahosharp-async)
max_seconds=$((quick ? 2 : 4))

# count ROW CLIENT: sized for roughly a second of paho C on a 2-core machine (less with --quick);
# the two MQTTAsync clients (paho-c-async, pahosharp-async) get the same counts as each other.
count() {
  local n async=0
  [[ $2 == *-async ]] && async=1
  case $1 in
    qos0) ((async)) && n=100000 || n=300000 ;;
    # MQTTAsync: a write left pending holds paho's send thread until the next command or its 1 s
    # timeout, so a run's time is mostly such waits; fewer messages keep it to a few seconds.
    qos0_64k) ((async)) && n=200 || n=2000 ;;
    qos1_w1) n=10000 ;;
    qos1_w10) n=30000 ;;
    qos2_w1) n=5000 ;;
    qos2_w10) n=15000 ;;
    qos1_w100_max10) [[ $2 == paho-c ]] && n=300 || n=30000 ;;
    seed) [[ $2 == paho-c ]] && n=10 || n=5000 ;;
    connect) [[ $2 == mqttnet ]] && n=300 || { ((async)) && n=10 || n=6; } ;;
  esac
  ((quick == 0)) || n=$(((n + 2) / 3))
  echo "$n"
}

if ((table)); then
  bench_broker_start true
  echo "bench: $paho_build"
  echo "bench: mosquitto $(mosquitto -h 2>/dev/null | sed -n 's/^mosquitto version //p') on $BENCH_ADDRESS; $reps interleaved repetitions; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  runs="$out/runs.jsonl"
  : >"$runs"
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  for ((rep = 1; rep <= reps; rep++)); do
    printf 'bench: repetition %d/%d ' "$rep" "$reps"
    for row in "${rows[@]}"; do
      for client in "${clients[@]}"; do
        n=$(count "$row" "$client")
        if [[ $client == paho-c ]]; then
          cmd=("$paho_bench" "$BENCH_ADDRESS" "$row" "$n" "$max_seconds")
        elif [[ $client == paho-c-async ]]; then
          cmd=("$paho_async_bench" "$BENCH_ADDRESS" "$row" "$n" "$max_seconds")
        else
          cmd=("$dotnet_bench" "$client" "$BENCH_ADDRESS" "$row" "$n" "$max_seconds")
        fi
        if line=$(timeout 60 "${cmd[@]}" 2>"$work/err" | grep '^RESULT ' | tail -n 1) && [[ -n $line ]]; then
          echo "${line#RESULT }" >>"$runs"
        else
          echo >&2
          echo "bench: $client $row failed: $(tail -n 3 "$work/err")" >&2
        fi
      done
      printf '.'
    done
    echo
  done
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)
  "$dotnet_bench" --report "$runs" "$out/results.json" "$paho_build" "load average before $load_before, after $load_after; $(nproc) cores"
  bench_broker_stop
fi

if ((micro)); then
  bench_broker_start true
  echo "bench: micro-benchmarks (BenchmarkDotNet) on $BENCH_ADDRESS"
  PAHOSHARP_BENCH_ADDRESS=$BENCH_ADDRESS timeout 600 "$dotnet_bench" --micro --filter '*PublishMicroBenchmarks*' \
    --artifacts "$out/micro" 2>&1 | sed -n '/^| *Method/,/^$/p;/^BenchmarkDotNet v/p;/^\/\/ \* Legends/,/^$/p'
  echo "bench: BenchmarkDotNet reports in $out/micro/results"
  bench_broker_stop
fi
