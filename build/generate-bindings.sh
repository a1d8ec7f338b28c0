#!/usr/bin/env bash
# Regenerates PahoSharp's raw P/Invoke layer (bindings/PahoSharp.Native/Generated/*.g.cs) and the C
# ABI probe (native/probes/layout_probe.c) from the paho.mqtt.c headers that CMake chose
# (artifacts/paho/Paho.props), by running bindings/PahoSharp.Generator (libclang).
# Usage: build/generate-bindings.sh   (configure CMake first: cmake -S . -B artifacts/cmake)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
props="$root/artifacts/paho/Paho.props"
if [[ ! -f "$props" ]]; then
    echo "generate-bindings: $props is missing; configure CMake first: cmake -S $root -B $root/artifacts/cmake" >&2
    exit 1
fi
prop() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$props" | head -n 1; }
include_dir="$(prop PahoIncludeDir)"
paho_version="$(prop PahoVersion)"

dotnet build "$root/bindings/PahoSharp.Generator/PahoSharp.Generator.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet "$root/bindings/PahoSharp.Generator/bin/Release/net10.0/PahoSharp.Generator.dll" \
    --repo-root "$root" \
    --include "$include_dir" \
    --paho-version "$paho_version" \
    --out "$root/bindings/PahoSharp.Native/Generated" \
    --probe "$root/native/probes/layout_probe.c"
