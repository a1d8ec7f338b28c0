#!/usr/bin/env bash
# Makes PahoSharp's four NuGet packages and their symbol packages, and a nuget.config for a project
# that uses them:
#   bash build/pack.sh                   version <VersionPrefix>-dev.<UTC yyyyMMddHHmmss> (VersionPrefix is in
#                                        Directory.Build.props): a new version each time, so no NuGet cache
#                                        serves a project an older build under the same number
#   bash build/pack.sh --version 1.2.3   that version
#   --output DIR                         another folder than artifacts/packages
#   --no-native                          pack the paho that CMake staged last, without running CMake again
#                                        (the tests: a CMake run stages the libraries anew)
# The output folder then holds PahoSharp.Native, PahoSharp, PahoSharp.Persistence.Sqlite and
# PahoSharp.Extensions.Hosting (.nupkg and .snupkg) of one version, and nuget.config: copy it beside a
# project, and `dotnet add package PahoSharp --version <version>` takes PahoSharp* from the folder and
# everything else from this machine's package sources.
#
# The native side is built first (build/setup.sh --native: CMake builds paho.mqtt.c 1.3.15
# and stages it per runtime identifier). The .NET side is built apart from bin/ and obj/ (in
# artifacts/pack-build, so packing never touches what tests run) as a ContinuousIntegrationBuild: the
# PDBs and assemblies name source files as /_/..., never this machine's paths, and embed the sources.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
version=""
output="$root/artifacts/packages"
native=true
while (($#)); do
  case "$1" in
    --version)
      (($# >= 2)) || { echo "pack.sh: --version needs a version" >&2; exit 2; }
      version=$2
      shift
      ;;
    --output)
      (($# >= 2)) || { echo "pack.sh: --output needs a folder" >&2; exit 2; }
      output=$2
      shift
      ;;
    --no-native) native=false ;;
    *) echo "pack.sh: unknown argument $1 (--version X, --output DIR, --no-native)" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$output"
output=$(cd "$output" && pwd)
build="$root/artifacts/pack-build"

projects=(
  bindings/PahoSharp.Native/PahoSharp.Native.csproj
  src/PahoSharp/PahoSharp.csproj
  src/PahoSharp.Persistence.Sqlite/PahoSharp.Persistence.Sqlite.csproj
  src/PahoSharp.Extensions.Hosting/PahoSharp.Extensions.Hosting.csproj
)

if $native; then
  bash "$root/build/setup.sh" --native
elif [[ ! -f $root/artifacts/paho/Paho.props ]]; then
  echo "pack.sh: paho is not staged (artifacts/paho/Paho.props is missing): run without --no-native" >&2
  exit 1
fi

if [[ -n $version ]]; then
  version_args=("-p:Version=$version")
else
  version_args=("-p:VersionSuffix=dev.$(date -u +%Y%m%d%H%M%S)")
fi
version=$(dotnet msbuild "$root/${projects[1]}" -nologo -getProperty:PackageVersion "${version_args[@]}")

runtimes=$(cd "$root/artifacts/paho/runtimes" && ls -d -- */native 2>/dev/null | sed 's|/native||' | paste -sd ' ')
echo "pack: PahoSharp $version, paho.mqtt.c for ${runtimes:-no runtime}"

# One version in the folder: the packages of earlier runs go.
rm -f "$output"/PahoSharp*.nupkg "$output"/PahoSharp*.snupkg
for project in "${projects[@]}"; do
  dotnet pack "$root/$project" -c Release -nologo -v:quiet -clp:ErrorsOnly \
    --artifacts-path "$build" -o "$output" \
    -p:ContinuousIntegrationBuild=true "${version_args[@]}"
done

# The sources this machine restores from (user and machine configuration, not this repository's),
# each enabled one: "E <url>".
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
mapfile -t upstream < <(cd "$probe" && dotnet nuget list source --format short | sed -n 's/^ *E  *//p')
((${#upstream[@]})) || upstream=("https://api.nuget.org/v3/index.json")
escape() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g' <<<"$1"; }
{
  echo '<?xml version="1.0" encoding="utf-8"?>'
  echo "<!-- Written by build/pack.sh for PahoSharp $version: copy it into your project's folder. PahoSharp* come"
  echo "     from this folder only, everything else from the package sources that the machine that packed had. -->"
  echo '<configuration>'
  echo '  <packageSources>'
  echo '    <clear />'
  echo "    <add key=\"pahosharp\" value=\"$(escape "$output")\" />"
  keys=()
  for i in "${!upstream[@]}"; do
    if [[ ${upstream[$i]} == https://api.nuget.org/v3/index.json ]]; then key=nuget.org; else key="source$i"; fi
    keys+=("$key")
    echo "    <add key=\"$key\" value=\"$(escape "${upstream[$i]}")\" />"
  done
  echo '  </packageSources>'
  echo '  <packageSourceMapping>'
  echo '    <packageSource key="pahosharp"><package pattern="PahoSharp*" /></packageSource>'
  for key in "${keys[@]}"; do
    echo "    <packageSource key=\"$key\"><package pattern=\"*\" /></packageSource>"
  done
  echo '  </packageSourceMapping>'
  echo '</configuration>'
} >"$output/nuget.config"

echo "pack: in $output:"
(cd "$output" && ls -1 PahoSharp*.nupkg PahoSharp*.snupkg nuget.config | sed 's/^/  /')
echo "pack: in a project: cp $output/nuget.config . && dotnet add package PahoSharp --version $version"
