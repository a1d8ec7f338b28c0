#!/usr/bin/env bash
# Cross-builds PahoSharp's native side for another runtime: paho.mqtt.c 1.3.15 and our C programs
# (last_will, layout_probe, the benchmarks), with the runtime's CMake toolchain file
# (build/cmake/toolchains/<rid>.cmake), in artifacts/cmake-<rid>; paho's libraries are staged in
# artifacts/paho/runtimes/<rid>/native, which the PahoSharp.Native package carries beside the host's.
# The host's build (artifacts/cmake, artifacts/paho/Paho.props) is not touched.
#   bash build/cross.sh linux-arm64
# Installs the Debian packages it needs when they are missing (the target architecture is added to
# dpkg first). Safe to run again. Extra CMake arguments: PAHOSHARP_CROSS_CMAKE_ARGS="-D...".
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rid=${1:-}
case "$rid" in
  linux-arm64)
    debian_arch=arm64
    triplet=aarch64-linux-gnu
    # The cross compiler and its C library (libc6-dev-arm64-cross), the arm64 OpenSSL (libssl-dev:arm64
    # brings libssl3:arm64 and libc6:arm64: what the programs load under qemu), qemu-user to run them,
    # file to show what was built.
    packages=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross libssl-dev:arm64 libc6:arm64 qemu-user-static file cmake make patch)
    ;;
  *)
    echo "usage: bash build/cross.sh linux-arm64" >&2
    exit 2
    ;;
esac
toolchain="$root/build/cmake/toolchains/$rid.cmake"
build_dir="$root/artifacts/cmake-$rid"

sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
update=false
if ! dpkg --print-foreign-architectures | grep -qx "$debian_arch"; then
  echo "cross: adding the dpkg architecture $debian_arch"
  "${sudo[@]}" dpkg --add-architecture "$debian_arch"
  update=true
fi
# shellcheck source=build/lib/packages.sh
source "$root/build/lib/packages.sh"
read -r -a missing <<<"$(missing_packages "${packages[@]}")"
if ((${#missing[@]})); then
  update=true
fi
if $update; then
  "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
fi
if ((${#missing[@]})); then
  echo "cross: installing ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# shellcheck disable=SC2086 # PAHOSHARP_CROSS_CMAKE_ARGS is a list of arguments on purpose.
cmake -S "$root" -B "$build_dir" -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DPAHOSHARP_RID="$rid" \
  -DCMAKE_BUILD_TYPE=Release ${PAHOSHARP_CROSS_CMAKE_ARGS:-} | grep -E '^-- PahoSharp|Error|error' || true
cmake --build "$build_dir" -j "${PAHOSHARP_JOBS:-$(nproc)}" >/dev/null

staged="$root/artifacts/paho/runtimes/$rid/native"
count=0
for library in "$staged"/libpaho-mqtt3*.so.1; do
  [[ -e $library ]] || continue
  description=$(file -bL "$library")
  case "$rid:$description" in
    linux-arm64:*"ARM aarch64"*) ;;
    *)
      echo "cross: $library is not a $rid library: $description" >&2
      exit 1
      ;;
  esac
  count=$((count + 1))
done
if ((count != 4)); then
  echo "cross: expected 4 paho libraries in $staged, found $count" >&2
  exit 1
fi
echo "cross: $rid native build in ${build_dir#"$root"/} (${triplet}-gcc); 4 paho libraries staged in ${staged#"$root"/}"
