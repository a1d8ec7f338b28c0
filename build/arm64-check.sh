#!/usr/bin/env bash
# Checks the linux-arm64 runtime that build/cross.sh built, on this x86-64 machine under qemu-user:
#   1. the staged paho libraries (artifacts/paho/runtimes/linux-arm64/native) are ARM aarch64 ELF;
#   2. the layout probe, run under qemu, prints the same struct layouts and initializer bytes as the
#      x64 one (the generated C# structs assume those layouts);
#   3. the C reference sample last_will, x64 and arm64 (under qemu-aarch64-static), each run on the
#      libraries the package carries for its runtime, the seed's run and --skip-disconnect, against one
#      Mosquitto of its own (build/lib/broker.sh): same exit status, same messages seen by an independent
#      subscriber (topic, payload, QoS, retain), same broker account, and the same bytes on the wire
#      (both directions, recorded by the compare command's FaultProxy: PahoSharp.Compare record).
# Prints a short report; the last line starts "arm64-check: passed" or "arm64-check: FAILED". Exit
# status 0 only when everything is alike. Needs bash build/setup.sh first (it runs build/cross.sh).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
configuration=${PAHOSHARP_CONFIGURATION:-Release}
source "$root/build/lib/broker.sh"

x64_bin="$root/artifacts/cmake/bin"
arm64_bin="$root/artifacts/cmake-linux-arm64/bin"
x64_libs="$root/artifacts/paho/runtimes/linux-x64/native"
arm64_libs="$root/artifacts/paho/runtimes/linux-arm64/native"
recorder="$root/tests/PahoSharp.Compare/bin/$configuration/net10.0/PahoSharp.Compare.dll"
qemu=$(command -v qemu-aarch64-static || true)

fail() {
  echo "arm64-check: FAILED ($*)"
  exit 1
}
for needed in "$x64_bin/last_will" "$x64_bin/layout_probe" "$arm64_bin/last_will" "$arm64_bin/layout_probe" "$recorder"; do
  [[ -e $needed ]] || fail "${needed#"$root"/} is missing: run bash build/setup.sh (it runs build/cross.sh linux-arm64)"
done
[[ -n $qemu ]] || fail "qemu-aarch64-static is missing: run bash build/cross.sh linux-arm64"

differences=0
differ() {
  differences=$((differences + 1))
  echo "  DIFFERENT: $*"
}

# 1. What the package carries for linux-arm64.
echo "== staged for linux-arm64 (${arm64_libs#"$root"/})"
libraries=0
for library in "$arm64_libs"/libpaho-mqtt3*.so.1; do
  [[ -e $library ]] || continue
  description=$(file -bL "$library")
  echo "  $(basename "$library"): ${description%%, BuildID*}"
  [[ $description == *"ARM aarch64"* ]] || differ "$(basename "$library") is not ARM aarch64"
  libraries=$((libraries + 1))
done
((libraries == 4)) || differ "$libraries paho libraries staged, not 4"

# 2. Layouts: the arm64 compiler's view of paho's structs against the x64 compiler's.
work=$(mktemp -d)
trap 'broker_stop; rm -rf "$work"' EXIT
"$x64_bin/layout_probe" >"$work/layout-x64.txt"
LD_LIBRARY_PATH="$arm64_libs" "$qemu" "$arm64_bin/layout_probe" >"$work/layout-arm64.txt"
layout_summary="$(grep -c '^struct ' "$work/layout-x64.txt") structs, $(grep -c '^field ' "$work/layout-x64.txt") fields, $(grep -c '^init ' "$work/layout-x64.txt") initializers"
echo "== layout_probe, x64 vs arm64 under qemu ($layout_summary)"
if cmp -s "$work/layout-x64.txt" "$work/layout-arm64.txt"; then
  echo "  identical"
  layouts=equal
else
  differ "layouts (diff below)"
  diff "$work/layout-x64.txt" "$work/layout-arm64.txt" | head -n 20 | sed 's/^/    /'
  layouts=DIFFERENT
fi

# 3. The C reference sample, x64 and arm64, against one broker.
broker_start "$work"
echo "== last_will against Mosquitto $(mosquitto -h 2>/dev/null | head -n1 | awk '{print $3}') on 127.0.0.1:$BROKER_PORT (through a recording proxy)"

# run_case NAME ARCH [ARGS...]: one run, watched by a fresh subscriber; leaves NAME.{status,out,seen,wire,broker}.
run_case() {
  local name=$1 arch=$2
  shift 2
  local base="$work/$name-$arch" command
  if [[ $arch == arm64 ]]; then
    command=(env LD_LIBRARY_PATH="$arm64_libs" "$qemu" "$arm64_bin/last_will")
  else
    command=(env LD_LIBRARY_PATH="$x64_libs" "$x64_bin/last_will")
  fi
  broker_subscribe "$base.seen" arm64-check-subscriber 'MQTT Examples' Iamdie
  local log_from status
  log_from=$(broker_log_lines)
  set +e
  timeout 120 dotnet "$recorder" record --broker-port "$BROKER_PORT" --transcript "$base.wire" -- \
    "${command[@]}" --address '{address}' "$@" >"$base.out" 2>&1
  status=$?
  set -e
  echo "$status" >"$base.status"
  # A will comes, if at all, right after the connection ends.
  sleep 1.5
  broker_unsubscribe
  # The broker's account of the program's connection, without times and the proxy's port.
  broker_log_since "$log_from" | grep -E 'mqtt_test_client|Will' \
    | sed -E 's/^[0-9]{2}:[0-9]{2}:[0-9]{2}: //; s/127\.0\.0\.1:[0-9]+/127.0.0.1:PORT/g' >"$base.broker" || true
  [[ -s $base.wire ]] || echo "(nothing recorded)" >"$base.wire"
}

# compare_case NAME LABEL: prints the x64 run and what the arm64 run did differently.
compare_case() {
  local name=$1 label=$2 part
  local x="$work/$name-x64" a="$work/$name-arm64"
  echo "-- $label"
  echo "  exit status: x64 $(cat "$x.status"), arm64 $(cat "$a.status")"
  cmp -s "$x.status" "$a.status" || differ "exit status"
  echo "  subscriber saw (x64):"
  if [[ -s $x.seen ]]; then sed 's/^/  /' "$x.seen"; else echo "    (nothing)"; fi
  echo "  wire (x64, $(wc -l <"$x.wire") packets):"
  sed -E 's/^/    /; s/ raw=([0-9A-F]{48})[0-9A-F]+/ raw=\1.../' "$x.wire"
  echo "  broker: $(grep -E '^Client mqtt_test_client ' "$x.broker" | head -n1 || true)"
  for part in out seen wire broker; do
    if cmp -s "$x.$part" "$a.$part"; then
      continue
    fi
    differ "$part of the $label run (x64 vs arm64):"
    diff "$x.$part" "$a.$part" | sed 's/^/      /' || true
  done
  if cmp -s "$x.out" "$a.out" && cmp -s "$x.seen" "$a.seen" && cmp -s "$x.wire" "$a.wire" && cmp -s "$x.broker" "$a.broker" && cmp -s "$x.status" "$a.status"; then
    echo "  arm64 under qemu: the same (exit status, output, subscriber, wire byte for byte, broker log)"
  fi
}

run_case seed x64
run_case seed arm64
run_case skip x64 --skip-disconnect
run_case skip arm64 --skip-disconnect
compare_case seed "the seed's run (DISCONNECT: no will)"
compare_case skip "--skip-disconnect (no DISCONNECT: the will)"

packets=$(($(wc -l <"$work/seed-x64.wire") + $(wc -l <"$work/skip-x64.wire")))
if ((differences == 0)); then
  echo "arm64-check: passed (4 aarch64 libraries; layouts equal to x64's: $layout_summary; seed run and --skip-disconnect alike under qemu: exit status, subscriber, broker log, $packets packets on the wire byte for byte)"
else
  echo "arm64-check: FAILED ($differences differences; layouts $layouts)"
  exit 1
fi
