#!/usr/bin/env bash
# Everything a fresh Debian 12 machine with the .NET 10 SDK needs before PahoSharp runs: the Debian
# packages (installed only when missing), the native build (CMake: paho.mqtt.c 1.3.15 from source, and our C code),
# the linux-arm64 cross build (build/cross.sh) and the .NET build. Safe to run again. Extra CMake arguments: PAHOSHARP_CMAKE_ARGS="-D...".
#   bash build/setup.sh            all of it
#   bash build/setup.sh --native   the Debian packages and the native builds only (build/pack.sh)
set -euo pipefail

native_only=false
case "${1:-}" in
  --native) native_only=true ;;
  "") ;;
  *) echo "setup.sh: unknown argument $1 (--native: the native build only)" >&2; exit 2 ;;
esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
configuration=${PAHOSHARP_CONFIGURATION:-Release}
# libpaho-mqtt-dev is not what PahoSharp runs on (CMake builds the pinned paho): the tests load it on
# purpose, as another paho ABI that the version handshake must refuse.
packages=(cmake g++ make patch libssl-dev libpaho-mqtt-dev mosquitto mosquitto-clients)

# shellcheck source=build/lib/packages.sh
source "$root/build/lib/packages.sh"
read -r -a missing <<<"$(missing_packages "${packages[@]}")"
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null; then
  echo "setup: the .NET 10 SDK (dotnet) is not on PATH; install it first." >&2
  exit 1
fi

# shellcheck disable=SC2086 # PAHOSHARP_CMAKE_ARGS is a list of arguments on purpose.
cmake -S "$root" -B "$root/artifacts/cmake" -DCMAKE_BUILD_TYPE=Release ${PAHOSHARP_CMAKE_ARGS:-} | grep -E '^-- PahoSharp|Error|error' || true
cmake --build "$root/artifacts/cmake" -j "$(nproc)" >/dev/null
echo "setup: native build in artifacts/cmake"
# linux-arm64 ships beside the host's runtime: cross-built by build/cross.sh (which installs its
# packages when missing) before the .NET build packs artifacts/paho/runtimes/*/native. PAHOSHARP_ARM64=0 skips it.
if [[ ${PAHOSHARP_ARM64:-1} != 0 && $(uname -m) == x86_64 ]]; then
  bash "$root/build/cross.sh" linux-arm64
fi
if $native_only; then
  exit 0
fi

dotnet build "$root/PahoSharp.sln" -c "$configuration" -nologo -clp:ErrorsOnly -v:quiet
echo "setup: .NET build ($configuration) done"
