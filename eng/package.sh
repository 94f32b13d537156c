#!/usr/bin/env bash
# The one package command: publishes Vigil's deployable function app and zips it for Flex Consumption.
#
#   eng/package.sh [--output DIR] [--zip FILE] [--no-zip] [--framework-dependent]
#
# DIR (default artifacts/app) becomes a function app root: host.json, one <Function>/function.json folder per
# function, and the handler Vigil.Functions, self-contained for linux-x64 with (composite) ReadyToRun, executable.
# FILE (default artifacts/vigil.zip) holds DIR's content at its root (no enclosing folder), with Unix file
# modes in the entries' external attributes (made by "Unix"), which is what keeps Vigil.Functions executable
# once Azure mounts or extracts the package. The script checks both before it says OK.
# --framework-dependent publishes a build that needs a .NET runtime on the machine (benchmarks compare it);
# it is never what ships.
#
# Run the result locally exactly as it ships: dotnet run --project src/DevHost -- --script-root artifacts/app
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
output="$root/artifacts/app"
zip_file="$root/artifacts/vigil.zip"
make_zip=1
self_contained=1

while [[ $# -gt 0 ]]; do
  case "$1" in
    --output) output="$2"; shift 2 ;;
    --zip) zip_file="$2"; shift 2 ;;
    --no-zip) make_zip=0; shift ;;
    --framework-dependent) self_contained=0; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "package.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

fail() { echo "package.sh: $*" >&2; exit 1; }

case "$output" in /*) ;; *) output="$PWD/$output" ;; esac
case "$zip_file" in /*) ;; *) zip_file="$PWD/$zip_file" ;; esac
[[ "$output" != "/" && "$output" != "$root" ]] || fail "refusing to use '$output' as the output folder"

rm -rf "$output"
mkdir -p "$output"

if [[ $self_contained -eq 1 ]]; then
  # Composite ReadyToRun: the framework and the app precompiled as one image (docs/benchmarks.md: about 30% less
  # start-up CPU than per-assembly ReadyToRun).
  publish_mode=(-r linux-x64 --self-contained -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true)
else
  publish_mode=(-r linux-x64 --no-self-contained -p:PublishReadyToRun=false)
fi

echo "package.sh: dotnet publish src/Functions -c Release ${publish_mode[*]} -o $output"
dotnet publish "$root/src/Functions" -c Release "${publish_mode[@]}" \
  -p:IsTransformWebConfigDisabled=true -p:SatelliteResourceLanguages=en -o "$output" -nologo

# --- the folder must be a function app root ---------------------------------------------------------------
[[ -f "$output/host.json" ]] || fail "$output/host.json is missing"
executable="$(sed -n 's/.*"defaultExecutablePath"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$output/host.json" | head -n 1)"
[[ -n "$executable" ]] || fail "host.json has no customHandler.description.defaultExecutablePath"
[[ -f "$output/$executable" ]] || fail "the handler '$executable' named by host.json is not in $output"
chmod 755 "$output/$executable"
[[ -x "$output/$executable" ]] || fail "$output/$executable is not executable"

functions=0
for source in "$root"/src/Functions/FunctionApp/*/function.json; do
  name="$(basename "$(dirname "$source")")"
  [[ -f "$output/$name/function.json" ]] || fail "$output/$name/function.json is missing"
  functions=$((functions + 1))
done
[[ $functions -gt 0 ]] || fail "no function.json under src/Functions/FunctionApp"
rm -f "$output/local.settings.json"

if [[ $make_zip -eq 0 ]]; then
  echo "package.sh: OK $output ($functions functions, handler $executable)"
  exit 0
fi

# --- the zip: app root at the zip root, Unix modes kept --------------------------------------------------
mkdir -p "$(dirname "$zip_file")"
rm -f "$zip_file"
if command -v zip >/dev/null 2>&1; then
  (cd "$output" && zip -q -r -X "$zip_file" .)
elif command -v python3 >/dev/null 2>&1; then
  python3 - "$output" "$zip_file" <<'PY'
import os, sys, zipfile
source, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
    for folder, _, files in os.walk(source):
        for name in sorted(files):
            path = os.path.join(folder, name)
            archive.write(path, os.path.relpath(path, source))  # ZipInfo.from_file keeps st_mode, made-by Unix
PY
else
  fail "neither zip nor python3 is installed (apt-get install zip)"
fi

# Verify by reading the archive back: the handler's entry must carry an executable Unix mode, host.json must
# sit at the root.
python_check() {
  python3 - "$zip_file" "$executable" <<'PY'
import stat, sys, zipfile
archive, executable = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(archive) as z:
    names = z.namelist()
    if "host.json" not in names:
        sys.exit("host.json is not at the root of the zip")
    info = z.getinfo(executable)
    mode = info.external_attr >> 16
    if info.create_system != 3 or not mode & stat.S_IXUSR:
        sys.exit(f"{executable} is not executable in the zip (made by {info.create_system}, mode {oct(mode)})")
PY
}
if command -v python3 >/dev/null 2>&1; then
  python_check || fail "the zip failed verification"
elif command -v zipinfo >/dev/null 2>&1; then
  zipinfo "$zip_file" host.json >/dev/null 2>&1 || fail "host.json is not at the root of the zip"
  zipinfo "$zip_file" "$executable" | grep -q '^-rwx' || fail "$executable is not executable in the zip"
fi

echo "package.sh: OK $output ($functions functions, handler $executable) -> $zip_file ($(du -h "$zip_file" | cut -f1))"
