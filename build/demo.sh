#!/usr/bin/env bash
# The README's main command: builds everything (build/setup.sh), starts a Mosquitto of its own on a
# free loopback port, runs the last-will sample with and without --skip-disconnect, and shows what
# an independent subscriber (mosquitto_sub) saw of each run, for the C reference and for the C#
# port side by side, with the broker's own account of it.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/build/setup.sh" >/dev/null
source "$root/build/lib/broker.sh"

work=$(mktemp -d)
trap 'broker_stop; rm -rf "$work"' EXIT
broker_start "$work"
address="tcp://127.0.0.1:$BROKER_PORT"
echo "Mosquitto $(mosquitto -h 2>/dev/null | head -n1 | awk '{print $3}') on 127.0.0.1:$BROKER_PORT"
echo "paho.mqtt.c: $(sed -n 's:.*<PahoOrigin>\(.*\)</PahoOrigin>.*:\1:p' "$root/artifacts/paho/Paho.props")"

# run_case LABEL PROGRAM [ARGS...]: one run of a program, watched by a fresh subscriber.
run_case() {
  local label=$1; shift
  local seen="$work/seen.txt" sub_id="demo-subscriber-$RANDOM"
  broker_subscribe "$seen" "$sub_id" 'MQTT Examples' Iamdie

  local log_from out status
  log_from=$(broker_log_lines)
  local command=("$@" --address "$address")
  printf '\n== %s\n$ %s\n' "$label" "${command[*]/#$root\//}"
  set +e
  out=$(timeout 60 "${command[@]}" 2>&1)
  status=$?
  set -e
  [[ -z $out ]] || printf '%s\n' "$out"
  echo "exit status: $status"
  # A will comes, if at all, right after the connection ends; 2 s is the window we watch.
  sleep 2
  broker_unsubscribe
  echo "subscriber saw:"
  if [[ -s $seen ]]; then cat "$seen"; else echo "  (nothing)"; fi
  echo "broker log:"
  broker_log_since "$log_from" | grep -E 'mqtt_test_client|Will message' | sed 's/^/  /' || true
}

c_reference="$root/artifacts/cmake/bin/last_will"
run_case "C reference, the seed's run (DISCONNECT: no will)" "$c_reference"
run_case "C reference, --skip-disconnect (no DISCONNECT: the will)" "$c_reference" --skip-disconnect

csharp_port="$root/src/PahoSharp.Samples.LastWill/bin/Release/net10.0/PahoSharp.Samples.LastWill"
run_case "C# port, the seed's run (DISCONNECT: no will)" "$csharp_port"
run_case "C# port, --skip-disconnect (no DISCONNECT: the will)" "$csharp_port" --skip-disconnect
