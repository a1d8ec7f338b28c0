#!/usr/bin/env bash
# The compare command: builds everything (build/setup.sh), then runs every will condition of the
# seed for the C original and the C# port, each against its own Mosquitto and fault proxy, and
# prints one table. Extra arguments go to the command (--scenario NAME, --verbose).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
configuration=${PAHOSHARP_CONFIGURATION:-Release}
setup_log=$(mktemp)
trap 'rm -f "$setup_log"' EXIT
if ! bash "$root/build/setup.sh" >"$setup_log" 2>&1; then
  cat "$setup_log" >&2
  echo "compare: build/setup.sh failed" >&2
  exit 1
fi
cd "$root"
dotnet "tests/PahoSharp.Compare/bin/$configuration/net10.0/PahoSharp.Compare.dll" "$@"
