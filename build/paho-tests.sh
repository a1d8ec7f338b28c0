#!/usr/bin/env bash
# paho.mqtt.c's own test suite (its ctest, PAHO_ENABLE_TESTING), on paho as released and on paho with
# native/paho-patches applied, side by side: a patch must break none of paho's tests that pass without it.
#
#   bash build/paho-tests.sh [-R REGEX]
#
# Builds both in artifacts/paho-tests/{unpatched,patched} (their libraries are staged there too, not in
# artifacts/paho), starts for each a Mosquitto on free loopback ports (TCP and WebSockets) with paho's
# proxy test/mqttsas.py in front of it (MQTT_TEST_BROKER, MQTT_TEST_PROXY, MQTT_WS_TEST_*), runs the
# shared-library tests of both builds side by side (-R narrows them; TLS tests are left out: they need
# paho's own test broker set-up), and prints one line per test: unpatched, patched. Exit status 1 if
# a test passes unpatched and fails patched.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=build/lib/broker.sh
source "$root/build/lib/broker.sh"

regex="."
while (($#)); do
  case $1 in
    -R) regex=$2; shift ;;
    *) echo "usage: bash build/paho-tests.sh [-R REGEX]" >&2; exit 2 ;;
  esac
  shift
done

command -v python3 >/dev/null || { echo "paho-tests: python3 is needed for paho's proxy (test/mqttsas.py)" >&2; exit 1; }
work="$root/artifacts/paho-tests"
mkdir -p "$work"
pids=()
cleanup() {
  ((${#pids[@]} == 0)) || kill "${pids[@]}" 2>/dev/null || true
}
trap cleanup EXIT

# Each build gets its own Mosquitto (a TCP and a WebSocket listener) and its own paho proxy in front
# of it, so that the two runs go side by side without sharing a client identifier or a retained message.
start_broker() { # VARIANT: sets port, ws_port, proxy_port
  local dir="$work/$1/broker" mosquitto
  mkdir -p "$dir"
  mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
  port=$(broker_free_port)
  ws_port=$(broker_free_port)
  proxy_port=$(broker_free_port)
  cat >"$dir/mosquitto.conf" <<CONF
listener $port 127.0.0.1
listener $ws_port 127.0.0.1
protocol websockets
allow_anonymous true
persistence false
log_dest stderr
user root
CONF
  "$mosquitto" -c "$dir/mosquitto.conf" 2>"$dir/mosquitto.log" &
  pids+=($!)
}

for variant in unpatched patched; do
  patches=ON
  [[ $variant == patched ]] || patches=OFF
  dir="$work/$variant"
  mkdir -p "$dir"
  start_broker "$variant"
  echo "$port $ws_port $proxy_port" >"$dir/ports"
  cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DPAHOSHARP_PAHO_TESTS=ON -DPAHOSHARP_PAHO_PATCHES=$patches \
    -DPAHOSHARP_STAGE_DIR="$dir/stage" -DMQTT_TEST_BROKER="tcp://127.0.0.1:$port" \
    -DMQTT_TEST_PROXY="tcp://127.0.0.1:$proxy_port" -DMQTT_WS_TEST_BROKER="ws://127.0.0.1:$ws_port" \
    -DMQTT_WS_TEST_PROXY="tcp://127.0.0.1:$proxy_port" | grep -E '^-- PahoSharp: paho|Error' || true
  # paho is built EXCLUDE_FROM_ALL: its own directory's targets build its tests.
  make -C "$dir/paho.mqtt.c" -j "$(nproc)" >"$dir/build.log" 2>&1 || { tail -20 "$dir/build.log"; exit 1; }
  # paho's proxy (its tests cut connections through it on purpose) runs from paho's test folder.
  (cd "$dir/_paho/paho.mqtt.c/test" && exec python3 mqttsas.py 127.0.0.1 "$port" "$proxy_port") >"$dir/broker/proxy.log" 2>&1 &
  pids+=($!)
  echo "paho-tests: $variant: mosquitto on 127.0.0.1:$port (WebSockets $ws_port), paho's proxy on $proxy_port"
done
sleep 1

# The shared-library tests; not the static copies of the same, nor TLS (paho's TLS tests need a broker
# with paho's test certificates and listeners). paho gives each test up to 540 s of its own.
runs=()
for variant in unpatched patched; do
  (cd "$work/$variant/paho.mqtt.c" && ctest -R "$regex" -E "static|ssl" >"$work/$variant.log" 2>&1) &
  runs+=($!)
done
wait "${runs[@]}" || true

# One line per test: name, unpatched, patched.
results() { sed -n 's/^ *[0-9]*\/[0-9]* Test *#[0-9]*: \([^ ]*\) .*\(Passed\|Failed\|Timeout\|Not Run\|Exception\).*/\1 \2/p' "$work/$1.log" | sed 's/\*//g'; }
join -a1 -a2 -e missing -o 0,1.2,2.2 <(results unpatched | sort) <(results patched | sort) >"$work/table.txt"
printf '%-70s %-10s %s\n' test unpatched patched
awk '{ printf "%-70s %-10s %s\n", $1, $2, $3 }' "$work/table.txt"
both=$(awk '$2 == "Passed" && $3 == "Passed"' "$work/table.txt" | wc -l)
broken=$(awk '$2 == "Passed" && $3 != "Passed"' "$work/table.txt" | wc -l)
fixed=$(awk '$2 != "Passed" && $3 == "Passed"' "$work/table.txt" | wc -l)
neither=$(awk '$2 != "Passed" && $3 != "Passed"' "$work/table.txt" | wc -l)
echo "paho-tests: $(wc -l <"$work/table.txt") tests: $both pass on both, $broken pass unpatched and fail patched, $fixed fail unpatched and pass patched, $neither fail on both"
((broken == 0))
